//! Request building and validation, against the wire format of the API reference (written out by
//! hand here, not produced by the code).

use super::*;
use crate::error::{ApiErrorKind, Error};

fn wire(op: &str, params: &str) -> String {
    build(op, params).map(|r| r.to_wire()).unwrap_or_else(|e| panic!("{op} {params}: {e}"))
}

fn field_of(op: &str, params: &str) -> String {
    match build(op, params) {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("{op} {params}: expected a validation error, got {other:?}"),
    }
}

#[test]
fn every_endpoint_builds_its_documented_request() {
    let cases = [
        ("chat.send", r#"{"message":"Hi"}"#, "POST chat/\n{\"message\":\"Hi\"}"),
        (
            "chat.send",
            r#"{"message":"Hi","session_id":"s1","website_id":"42"}"#,
            "POST chat/\n{\"message\":\"Hi\",\"session_id\":\"s1\",\"website_id\":42}",
        ),
        ("chat.send", r#"{"message":"Hi","website_id":7}"#, "POST chat/\n{\"message\":\"Hi\",\"website_id\":7}"),
        ("websites.list", "{}", "GET websites/\n"),
        ("websites.list", "null", "GET websites/\n"),
        ("conversations.list", r#"{"session_id":"a b&c"}"#, "GET conversations/?session_id=a%20b%26c\n"),
        ("conversations.list", r#"{"session_id":"s","limit":100}"#, "GET conversations/?session_id=s&limit=100\n"),
        ("sessions.list", "{}", "GET sessions/\n"),
        (
            "sessions.list",
            r#"{"limit":5,"website_id":3,"source":"whatsapp"}"#,
            "GET sessions/?limit=5&website_id=3&source=whatsapp\n",
        ),
        ("leads.list", r#"{"website_id":"12","limit":1}"#, "GET leads/?limit=1&website_id=12\n"),
        ("account.get", "{}", "GET account/\n"),
        ("knowledge.list", r#"{"limit":50}"#, "GET knowledge/?limit=50\n"),
        (
            "knowledge.addText",
            r#"{"title":"Hours","content":"Open 9 to 5 daily","website_id":9}"#,
            "POST knowledge/text/\n{\"title\":\"Hours\",\"content\":\"Open 9 to 5 daily\",\"website_id\":\"9\"}",
        ),
        (
            "knowledge.addUrl",
            r#"{"url":"https://example.com/faq"}"#,
            "POST knowledge/url/\n{\"url\":\"https://example.com/faq\"}",
        ),
        (
            "knowledge.uploadSpreadsheet",
            r#"{"filename":"faq.CSV","size":10,"website_id":"4"}"#,
            "MULTIPART knowledge/spreadsheet/\n{\"website_id\":\"4\"}",
        ),
        ("knowledge.uploadSpreadsheet", r#"{"size":10}"#, "MULTIPART knowledge/spreadsheet/\n{}"),
        ("knowledge.delete", r#"{"id":"abc-123-def"}"#, "DELETE knowledge/abc-123-def/\n"),
        ("knowledge.delete", r#"{"id":"a/b?c#d%"}"#, "DELETE knowledge/a%2Fb%3Fc%23d%25/\n"),
        ("knowledge.delete", r#"{"id":"../x"}"#, "DELETE knowledge/..%2Fx/\n"),
        ("knowledge.delete", r#"{"id":"é"}"#, "DELETE knowledge/%C3%A9/\n"),
        ("webhooks.list", "{}", "GET webhooks/\n"),
        (
            "webhooks.create",
            r#"{"url":"https://example.com/h","events":["message.received","lead.captured"],"website_id":1}"#,
            "POST webhooks/\n{\"url\":\"https://example.com/h\",\"events\":[\"message.received\",\"lead.captured\"],\"website_id\":\"1\"}",
        ),
        ("webhooks.delete", r#"{"id":17}"#, "DELETE webhooks/17/\n"),
    ];
    for (op, params, expected) in cases {
        assert_eq!(wire(op, params), expected, "{op} {params}");
    }
}

#[test]
fn operations_list_is_complete() {
    for op in OPERATIONS {
        // every listed operation is known to `build` (it fails, if at all, on its input, not its name)
        assert_ne!(build(op, "{}").err().map(|e| field_of_err(&e)), Some("operation".into()), "{op}");
    }
    assert_eq!(field_of("chat.sendd", "{}"), "operation");
}

fn field_of_err(e: &Error) -> String {
    match e {
        Error::Validation { field, .. } => field.clone(),
        _ => String::new(),
    }
}

#[test]
fn validation_names_the_field() {
    let cases = [
        ("chat.send", "{}", "message"),
        ("chat.send", r#"{"message":""}"#, "message"),
        ("chat.send", r#"{"message":"   "}"#, "message"),
        ("chat.send", r#"{"message":5}"#, "message"),
        ("chat.send", r#"{"message":"hi","session_id":""}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","session_id":"a\r\nX-Evil: 1"}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","session_id":"a\u0000"}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","website_id":-1}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":1.5}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":"12a"}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":""}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","sessionId":"x"}"#, "sessionId"),
        ("chat.send", r#""hello""#, "params"),
        ("conversations.list", "{}", "session_id"),
        ("conversations.list", r#"{"session_id":"s","limit":0}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":101}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":1.5}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":"10"}"#, "limit"),
        ("sessions.list", r#"{"source":"email"}"#, "source"),
        ("sessions.list", r#"{"source":"API"}"#, "source"),
        ("leads.list", r#"{"limit":-3}"#, "limit"),
        ("knowledge.addText", r#"{"content":"0123456789"}"#, "title"),
        ("knowledge.addText", r#"{"title":"t","content":"012345678"}"#, "content"),
        ("knowledge.addText", r#"{"title":"t"}"#, "content"),
        ("knowledge.addUrl", r#"{"url":"example.com"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"ftp://example.com/x"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"https://"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"https://exa mple.com"}"#, "url"),
        ("knowledge.uploadSpreadsheet", r#"{"filename":"x.txt","size":3}"#, "filename"),
        ("knowledge.uploadSpreadsheet", r#"{"filename":"x.csv","size":0}"#, "file"),
        ("knowledge.uploadSpreadsheet", r#"{"filename":"x.csv"}"#, "file"),
        ("knowledge.delete", r#"{"id":""}"#, "id"),
        ("knowledge.delete", r#"{"id":"."}"#, "id"),
        ("knowledge.delete", r#"{"id":".."}"#, "id"),
        ("knowledge.delete", "{}", "id"),
        ("webhooks.delete", r#"{"id":"a\nb"}"#, "id"),
        ("webhooks.create", r#"{"url":"http://example.com/h","events":["a"]}"#, "url"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":[]}"#, "events"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":"message.received"}"#, "events"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":["ok",""]}"#, "events[1]"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":["ok",3]}"#, "events[1]"),
        ("webhooks.create", r#"{"url":"https://example.com/h"}"#, "events"),
    ];
    for (op, params, field) in cases {
        assert_eq!(field_of(op, params), field, "{op} {params}");
    }
}

#[test]
fn content_of_exactly_ten_characters_passes_counting_characters_not_bytes() {
    assert!(build("knowledge.addText", r#"{"title":"t","content":"0123456789"}"#).is_ok());
    // nine characters, 27 bytes: too short
    assert_eq!(field_of("knowledge.addText", r#"{"title":"t","content":"가나다라마바사아자"}"#), "content");
}

#[test]
fn webhook_urls_may_be_http_only_on_loopback() {
    for ok in ["http://localhost:8787/x", "http://127.0.0.1/x", "http://[::1]:3000/", "https://example.com", "HTTPS://EXAMPLE.COM/h"] {
        let p = format!(r#"{{"url":"{ok}","events":["message.received"]}}"#);
        assert!(build("webhooks.create", &p).is_ok(), "{ok}");
    }
    for bad in ["http://example.com/x", "http://localhost.evil.com/x", "http://127.0.0.1.evil.com/", "http://user@example.com"] {
        let p = format!(r#"{{"url":"{bad}","events":["message.received"]}}"#);
        assert_eq!(field_of("webhooks.create", &p), "url", "{bad}");
    }
}

#[test]
fn null_options_count_as_absent() {
    assert_eq!(wire("sessions.list", r#"{"limit":null,"source":null}"#), "GET sessions/\n");
}

#[test]
fn long_tokens_are_refused_with_a_clear_error() {
    let p = format!(r#"{{"session_id":"{}"}}"#, "x".repeat(MAX_TOKEN + 1));
    assert_eq!(field_of("conversations.list", &p), "session_id");
}
const MAX_TOKEN: usize = MAX_TOKEN_LEN;

mod classify {
    use super::*;
    use crate::api::response::classify;

    fn api(status: u16, body: &str) -> crate::error::ApiFailure {
        match classify(status, body, None) {
            Err(Error::Api(a)) => a,
            other => panic!("{status} {body}: {other:?}"),
        }
    }

    #[test]
    fn success_bodies_pass() {
        assert_eq!(classify(200, r#"{"success":true,"websites":[]}"#, None), Ok(()));
        assert_eq!(classify(201, r#"{"success":true}"#, None), Ok(()));
    }

    #[test]
    fn statuses_map_to_classes() {
        let cases = [
            (400, ApiErrorKind::BadRequest),
            (401, ApiErrorKind::Authentication),
            (403, ApiErrorKind::PermissionDenied),
            (404, ApiErrorKind::NotFound),
            (429, ApiErrorKind::RateLimit),
            (500, ApiErrorKind::InternalServer),
            (502, ApiErrorKind::InternalServer),
            (503, ApiErrorKind::ServiceUnavailable),
            (409, ApiErrorKind::Other),
        ];
        for (status, kind) in cases {
            let a = api(status, r#"{"success":false,"error":"nope"}"#);
            assert_eq!((a.status, a.kind, a.error.as_deref()), (status, kind, Some("nope")));
            assert_eq!(a.message, format!("{status} nope"));
        }
    }

    #[test]
    fn any_body_on_an_error_status_is_an_api_error() {
        let html = api(502, "<html><body>Bad gateway</body></html>");
        assert_eq!((html.kind, html.error), (ApiErrorKind::InternalServer, None));
        assert!(html.message.contains("HTML"), "{}", html.message);
        let empty = api(503, "");
        assert_eq!(empty.message, "503 status code (no body)");
        assert_eq!(api(500, r#"{"success":false}"#).message, "500 status code");
    }

    #[test]
    fn success_false_on_200_is_an_api_error() {
        let a = api(200, r#"{"success":false,"error":"Website not found"}"#);
        assert_eq!((a.status, a.kind, a.error.as_deref()), (200, ApiErrorKind::Other, Some("Website not found")));
    }

    #[test]
    fn a_2xx_body_that_is_not_a_json_object_is_a_connection_error() {
        for body in ["", "   ", "<html>oops</html>", r#"{"success":tr"#, "[1,2]", "\"x\""] {
            assert!(matches!(classify(200, body, None), Err(Error::Connection { .. })), "{body:?}");
        }
    }
}

#[test]
fn json_strings_are_escaped_as_json_parse_reads_them() {
    let r = wire("chat.send", r#"{"message":"a\"b\\c\nd\u0001é😀"}"#);
    let body = r.split_once('\n').map(|(_, b)| b).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["message"], "a\"b\\c\nd\u{1}é😀");
}
