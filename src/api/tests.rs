//! Request building and validation against the wire format of the API reference. Every expected
//! request below is written out by hand from `asyntai-api.md` and `sdk-spec.md`, never produced by
//! the code under test.
//!
//! A request is read two ways: from an untyped options object (JavaScript's, here JSON text) with
//! `Params::from_json_text` + `FromParams::from_params` + `validate` + `build`, and from the Rust
//! structs directly.

use super::*;
use crate::error::{ApiErrorKind, Error};

/// A request as one line `METHOD path` and its body: JSON text, the multipart fields as
/// `name=value` lines, or nothing.
fn wire(req: &ApiRequest) -> String {
    let (kind, body) = match &req.body {
        Body::None => (req.method.as_str(), String::new()),
        Body::Json(text) => (req.method.as_str(), text.clone()),
        Body::Multipart(fields) => ("MULTIPART", fields.iter().map(|(k, v)| format!("{k}={v}\n")).collect()),
    };
    format!("{kind} {}\n{body}", req.path)
}

/// Reads `O` from an options object given as JSON text, validates it and builds its request.
fn read<O: FromParams + Operation>(params: &str) -> Result<ApiRequest, Error> {
    let op = O::from_params(Params::from_json_text(params)?)?;
    op.validate()?;
    Ok(op.build())
}

/// An operation that takes no options: any option is unknown.
fn read_none<O: Operation>(op: O, params: &str) -> Result<ApiRequest, Error> {
    Params::from_json_text(params)?.finish()?;
    op.validate()?;
    Ok(op.build())
}

/// A typed request, validated and built.
fn typed<O: Operation>(op: &O) -> Result<ApiRequest, Error> {
    op.validate()?;
    Ok(op.build())
}

fn ok(r: Result<ApiRequest, Error>, what: &str) -> String {
    r.map(|r| wire(&r)).unwrap_or_else(|e| panic!("{what}: {e:?}"))
}

fn field(r: Result<ApiRequest, Error>, what: &str) -> String {
    match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("{what}: expected a validation error, got {other:?}"),
    }
}

type Reader = fn(&str) -> Result<ApiRequest, Error>;

/// Each operation that reads an options object, by its JavaScript name.
const READERS: &[(&str, Reader)] = &[
    ("chat.send", read::<ChatRequest>),
    ("websites.list", |p| read_none(ListWebsitesRequest, p)),
    ("conversations.list", read::<ListConversationsRequest>),
    ("sessions.list", read::<ListSessionsRequest>),
    ("leads.list", read::<ListLeadsRequest>),
    ("account.get", |p| read_none(GetAccountRequest, p)),
    ("knowledge.list", read::<ListKnowledgeRequest>),
    ("knowledge.addText", read::<AddTextRequest>),
    ("knowledge.addUrl", read::<AddUrlRequest>),
    ("webhooks.list", |p| read_none(ListWebhooksRequest, p)),
    ("webhooks.create", read::<CreateWebhookRequest>),
    ("tickets.list", read::<ListTicketsRequest>),
];

fn reader(op: &str) -> Reader {
    READERS.iter().find(|(name, _)| *name == op).map(|(_, r)| *r).unwrap_or_else(|| panic!("no reader {op}"))
}

#[test]
fn every_endpoint_builds_its_documented_request_from_an_options_object() {
    let cases = [
        ("chat.send", r#"{"message":"Hi"}"#, "POST chat/\n{\"message\":\"Hi\"}"),
        (
            "chat.send",
            r#"{"message":"Hi","session_id":"s1","website_id":"42"}"#,
            "POST chat/\n{\"message\":\"Hi\",\"session_id\":\"s1\",\"website_id\":42}",
        ),
        ("chat.send", r#"{"website_id":7,"message":"Hi"}"#, "POST chat/\n{\"message\":\"Hi\",\"website_id\":7}"),
        ("websites.list", "{}", "GET websites/\n"),
        ("websites.list", "null", "GET websites/\n"),
        ("conversations.list", r#"{"session_id":"a b&c"}"#, "GET conversations/?session_id=a%20b%26c\n"),
        ("conversations.list", r#"{"limit":100,"session_id":"s"}"#, "GET conversations/?session_id=s&limit=100\n"),
        ("sessions.list", "{}", "GET sessions/\n"),
        (
            "sessions.list",
            r#"{"limit":5,"website_id":3,"source":"whatsapp"}"#,
            "GET sessions/?limit=5&website_id=3&source=whatsapp\n",
        ),
        (
            "sessions.list",
            r#"{"since":"2026-01-01","before":"2026-01-31T12:00:00+02:00"}"#,
            "GET sessions/?since=2026-01-01&before=2026-01-31T12%3A00%3A00%2B02%3A00\n",
        ),
        ("leads.list", r#"{"website_id":"12","limit":1}"#, "GET leads/?limit=1&website_id=12\n"),
        (
            "leads.list",
            r#"{"email":"a+b@x.io","since":"2026-01-01T00:00:00Z"}"#,
            "GET leads/?since=2026-01-01T00%3A00%3A00Z&email=a%2Bb%40x.io\n",
        ),
        ("account.get", "{}", "GET account/\n"),
        ("knowledge.list", r#"{"limit":50}"#, "GET knowledge/?limit=50\n"),
        ("knowledge.list", r#"{"website_id":"0012"}"#, "GET knowledge/?website_id=12\n"),
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
            "knowledge.addUrl",
            r#"{"url":"https://example.com/faq","website_id":"3"}"#,
            "POST knowledge/url/\n{\"url\":\"https://example.com/faq\",\"website_id\":\"3\"}",
        ),
        ("webhooks.list", "{}", "GET webhooks/\n"),
        (
            "webhooks.create",
            r#"{"url":"https://example.com/h","events":["message.received","lead.captured"],"website_id":1}"#,
            "POST webhooks/\n{\"url\":\"https://example.com/h\",\"events\":[\"message.received\",\"lead.captured\"],\"website_id\":\"1\"}",
        ),
        ("tickets.list", "{}", "GET tickets/\n"),
        (
            "tickets.list",
            r#"{"limit":10,"website_id":2,"since":"2026-01-01","before":"2026-02-01"}"#,
            "GET tickets/?limit=10&website_id=2&since=2026-01-01&before=2026-02-01\n",
        ),
    ];
    for (op, params, expected) in cases {
        assert_eq!(ok(reader(op)(params), op), expected, "{op} {params}");
    }
}

#[test]
fn every_endpoint_builds_its_documented_request_from_the_rust_structs() {
    let s = |v: &str| Some(v.to_owned());
    let cases: Vec<(Result<ApiRequest, Error>, &str)> = vec![
        (
            typed(&ChatRequest { message: "Hi".into(), session_id: s("s1"), website_id: Some(WebsiteId(42)) }),
            "POST chat/\n{\"message\":\"Hi\",\"session_id\":\"s1\",\"website_id\":42}",
        ),
        (typed(&ChatRequest { message: "Hi".into(), ..Default::default() }), "POST chat/\n{\"message\":\"Hi\"}"),
        (typed(&ListWebsitesRequest), "GET websites/\n"),
        (
            typed(&ListConversationsRequest { session_id: "s/1?".into(), limit: Some(3) }),
            "GET conversations/?session_id=s%2F1%3F&limit=3\n",
        ),
        (
            typed(&ListSessionsRequest { limit: Some(20), website_id: Some(WebsiteId(1)), source: s("api"), since: s("2026-01-01"), before: None }),
            "GET sessions/?limit=20&website_id=1&source=api&since=2026-01-01\n",
        ),
        (
            typed(&ListLeadsRequest { email: s("a@b.c"), before: s("2026-01-02"), ..Default::default() }),
            "GET leads/?before=2026-01-02&email=a%40b.c\n",
        ),
        (typed(&GetAccountRequest), "GET account/\n"),
        (typed(&ListKnowledgeRequest { limit: Some(1), website_id: Some(WebsiteId(2)) }), "GET knowledge/?limit=1&website_id=2\n"),
        (
            typed(&AddTextRequest { title: "T".into(), content: "0123456789".into(), website_id: Some(WebsiteId(5)) }),
            "POST knowledge/text/\n{\"title\":\"T\",\"content\":\"0123456789\",\"website_id\":\"5\"}",
        ),
        (
            typed(&AddUrlRequest { url: "http://example.com".into(), website_id: None }),
            "POST knowledge/url/\n{\"url\":\"http://example.com\"}",
        ),
        (
            typed(&UploadSpreadsheetRequest { file: b"a,b\n1,2\n".to_vec(), filename: s("faq.CSV"), website_id: Some(WebsiteId(4)) }),
            "MULTIPART knowledge/spreadsheet/\nwebsite_id=4\n",
        ),
        (typed(&UploadSpreadsheetRequest { file: b"a".to_vec(), filename: None, website_id: None }), "MULTIPART knowledge/spreadsheet/\n"),
        (typed(&DeleteKnowledgeRequest { id: "abc-123-def".into() }), "DELETE knowledge/abc-123-def/\n"),
        (typed(&ListWebhooksRequest), "GET webhooks/\n"),
        (
            typed(&CreateWebhookRequest { url: "https://h.example/x".into(), events: vec!["ticket.created".into()], website_id: None }),
            "POST webhooks/\n{\"url\":\"https://h.example/x\",\"events\":[\"ticket.created\"]}",
        ),
        (typed(&DeleteWebhookRequest { id: "wh_1".into() }), "DELETE webhooks/wh_1/\n"),
        (
            typed(&ListTicketsRequest { limit: Some(100), since: s("2026-01-01T00:00:00.5Z"), ..Default::default() }),
            "GET tickets/?limit=100&since=2026-01-01T00%3A00%3A00.5Z\n",
        ),
    ];
    for (got, expected) in cases {
        assert_eq!(ok(got, expected), expected);
    }
}

#[test]
fn the_spreadsheet_part_is_named_and_typed_from_the_file() {
    let csv = UploadSpreadsheetRequest { file: b"name,price\n".to_vec(), filename: None, website_id: None };
    assert_eq!((csv.part_name().as_str(), csv.part_type()), ("spreadsheet.csv", "text/csv"));
    let xlsx = UploadSpreadsheetRequest { file: b"PK\x03\x04rest".to_vec(), filename: None, website_id: None };
    assert_eq!(
        (xlsx.part_name().as_str(), xlsx.part_type()),
        ("spreadsheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let named = UploadSpreadsheetRequest { file: b"x".to_vec(), filename: Some("Prices.XLSX".into()), website_id: None };
    assert_eq!(named.part_name(), "Prices.XLSX");
    assert_eq!(named.part_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

#[test]
fn validation_names_the_field() {
    let cases = [
        ("chat.send", "{}", "message"),
        ("chat.send", r#"{"message":""}"#, "message"),
        ("chat.send", r#"{"message":"   "}"#, "message"),
        ("chat.send", r#"{"message":5}"#, "message"),
        ("chat.send", r#"{"message":["hi"]}"#, "message"),
        ("chat.send", r#"{"message":"hi","session_id":""}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","session_id":"a\r\nX-Evil: 1"}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","session_id":"a\u0000"}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","session_id":7}"#, "session_id"),
        ("chat.send", r#"{"message":"hi","website_id":-1}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":1.5}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":"12a"}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":""}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":"-1"}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":"12345678901234567"}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":"9007199254740993"}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","website_id":true}"#, "website_id"),
        ("chat.send", r#"{"message":"hi","sessionId":"x"}"#, "sessionId"),
        ("chat.send", r#""hello""#, "params"),
        ("chat.send", "[1]", "params"),
        ("chat.send", "{not json", "params"),
        ("conversations.list", "{}", "session_id"),
        ("conversations.list", r#"{"session_id":"s","limit":0}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":101}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":1.5}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":"10"}"#, "limit"),
        ("conversations.list", r#"{"session_id":"s","limit":4294967296}"#, "limit"),
        ("sessions.list", r#"{"source":"email"}"#, "source"),
        ("sessions.list", r#"{"source":"API"}"#, "source"),
        ("sessions.list", r#"{"since":"yesterday"}"#, "since"),
        ("sessions.list", r#"{"before":"2026-13-01"}"#, "before"),
        ("sessions.list", r#"{"before":""}"#, "before"),
        ("sessions.list", r#"{"since":20260101}"#, "since"),
        ("sessions.list", r#"{"email":"a@b.c"}"#, "email"),
        ("leads.list", r#"{"limit":-3}"#, "limit"),
        ("leads.list", r#"{"since":"31/01/2026"}"#, "since"),
        ("leads.list", r#"{"before":"2026-01-31T25:00:00Z"}"#, "before"),
        ("leads.list", r#"{"email":"nope"}"#, "email"),
        ("leads.list", r#"{"email":"a b@c.d"}"#, "email"),
        ("leads.list", r#"{"email":"@c.d"}"#, "email"),
        ("leads.list", r#"{"email":"a@"}"#, "email"),
        ("leads.list", r#"{"email":"a@b\nc"}"#, "email"),
        ("leads.list", r#"{"email":""}"#, "email"),
        ("leads.list", r#"{"source":"api"}"#, "source"),
        ("tickets.list", r#"{"limit":0}"#, "limit"),
        ("tickets.list", r#"{"since":"2026-01-01T12"}"#, "since"),
        ("tickets.list", r#"{"email":"a@b.c"}"#, "email"),
        ("tickets.list", r#"{"website_id":"x"}"#, "website_id"),
        ("knowledge.list", r#"{"limit":0}"#, "limit"),
        ("knowledge.list", r#"{"source":"api"}"#, "source"),
        ("knowledge.addText", r#"{"content":"0123456789"}"#, "title"),
        ("knowledge.addText", r#"{"title":"t","content":"012345678"}"#, "content"),
        ("knowledge.addText", r#"{"title":"t"}"#, "content"),
        ("knowledge.addText", r#"{"title":" ","content":"0123456789"}"#, "title"),
        ("knowledge.addUrl", r#"{"url":"example.com"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"ftp://example.com/x"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"https://"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"https://exa mple.com"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"https://[]/"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"http://[::1"}"#, "url"),
        ("knowledge.addUrl", r#"{"url":"https://@/x"}"#, "url"),
        ("knowledge.addUrl", "{}", "url"),
        ("webhooks.create", r#"{"url":"http://example.com/h","events":["a"]}"#, "url"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":[]}"#, "events"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":"message.received"}"#, "events"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":["ok",""]}"#, "events[1]"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":["ok",3]}"#, "events[1]"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":["ok","a\nb"]}"#, "events[1]"),
        ("webhooks.create", r#"{"url":"https://example.com/h"}"#, "events"),
        ("websites.list", r#"{"limit":5}"#, "limit"),
        ("account.get", r#"{"x":null,"y":1}"#, "y"),
    ];
    for (op, params, expected) in cases {
        assert_eq!(field(reader(op)(params), &format!("{op} {params}")), expected, "{op} {params}");
    }
}

#[test]
fn validation_of_the_rust_structs_names_the_field() {
    let s = |v: &str| Some(v.to_owned());
    let long = "x".repeat(MAX_TOKEN_LEN + 1);
    let cases: Vec<(Result<ApiRequest, Error>, &str)> = vec![
        (typed(&ChatRequest::default()), "message"),
        (typed(&ChatRequest { message: "hi".into(), session_id: Some(long.clone()), website_id: None }), "session_id"),
        (typed(&ChatRequest { message: "hi".into(), session_id: None, website_id: Some(WebsiteId((1 << 53) + 1)) }), "website_id"),
        (typed(&ListConversationsRequest::default()), "session_id"),
        (typed(&ListSessionsRequest { source: s("sms"), ..Default::default() }), "source"),
        (typed(&ListSessionsRequest { limit: Some(0), ..Default::default() }), "limit"),
        (typed(&ListLeadsRequest { since: s("2026-1-01"), ..Default::default() }), "since"),
        (typed(&ListTicketsRequest { before: s("soon"), ..Default::default() }), "before"),
        (typed(&AddTextRequest { title: "t".into(), content: "가나다라마바사아자".into(), website_id: None }), "content"),
        (typed(&AddUrlRequest { url: "https://".into(), website_id: None }), "url"),
        (typed(&UploadSpreadsheetRequest { file: b"a".to_vec(), filename: s("x.txt"), website_id: None }), "filename"),
        (typed(&UploadSpreadsheetRequest { file: b"a".to_vec(), filename: s("a\r\n.csv"), website_id: None }), "filename"),
        (typed(&UploadSpreadsheetRequest { file: Vec::new(), filename: s("x.csv"), website_id: None }), "file"),
        (typed(&UploadSpreadsheetRequest { file: Vec::new(), filename: None, website_id: None }), "file"),
        (typed(&DeleteKnowledgeRequest { id: String::new() }), "id"),
        (typed(&DeleteKnowledgeRequest { id: ".".into() }), "id"),
        (typed(&DeleteKnowledgeRequest { id: "..".into() }), "id"),
        (typed(&DeleteKnowledgeRequest { id: long.clone() }), "id"),
        (typed(&DeleteWebhookRequest { id: "a\nb".into() }), "id"),
        (typed(&DeleteWebhookRequest { id: "..".into() }), "id"),
        (typed(&CreateWebhookRequest { url: "https://h.example".into(), events: vec![], website_id: None }), "events"),
        (typed(&CreateWebhookRequest { url: "https://h.example".into(), events: vec!["a".into(), " ".into()], website_id: None }), "events[1]"),
    ];
    for (got, expected) in cases {
        assert_eq!(field(got, expected), expected);
    }
}

fn message<T: core::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::Validation { message, .. }) => message,
        other => panic!("{other:?}"),
    }
}

#[test]
fn messages_say_the_rule_and_what_was_given() {
    assert_eq!(message(read::<ChatRequest>(r#"{"message":"hi","sessionId":"x"}"#)), "unknown option `sessionId`");
    assert_eq!(message(read::<ChatRequest>("{}")), "`message` is required");
    assert_eq!(message(read::<ChatRequest>(r#"{"message":5}"#)), "`message` must be a string, got a number");
    assert_eq!(
        message(read::<ListConversationsRequest>(r#"{"session_id":"s","limit":1.5}"#)),
        "`limit` must be an integer from 1 to 100, got 1.5"
    );
    assert_eq!(
        message(read::<ListConversationsRequest>(r#"{"session_id":"s","limit":101}"#)),
        "`limit` must be an integer from 1 to 100, got 101"
    );
    assert_eq!(message(read::<AddTextRequest>(r#"{"title":"t","content":"short"}"#)), "`content` must be at least 10 characters long");
    assert_eq!(message(read::<ChatRequest>(r#""hello""#)), "the options must be an object, got a string");
    // Values JSON has no spelling for (JavaScript's), and non-finite numbers.
    let params = |k: &str, v: Loose| Params::new(Loose::Object(vec![(k.into(), v)])).unwrap();
    assert_eq!(message(params("message", Loose::Other("a BigInt")).required_string("message")), "`message` must be a string, got a BigInt");
    assert_eq!(
        message(params("message", Loose::Number(f64::INFINITY)).required_string("message")),
        "`message` must be a finite number, got Infinity"
    );
    assert_eq!(message(params("limit", Loose::Number(f64::NAN)).limit()), "`limit` must be an integer from 1 to 100, got NaN");
    assert_eq!(message(Params::new(Loose::Bool(true))), "the options must be an object, got a boolean");
}

#[test]
fn a_bad_field_is_reported_before_an_unknown_option_and_the_first_bad_field_wins() {
    // Each reader: a field of the wrong type beside an unknown option, then two bad fields in the order
    // the reader takes them (the spec's order of its parameters).
    let cases: &[(&str, &str, &str)] = &[
        ("chat.send", r#"{"message":5,"nope":1,"website_id":"x"}"#, "message"),
        ("chat.send", r#"{"message":"hi","session_id":5,"website_id":"x","nope":1}"#, "session_id"),
        ("conversations.list", r#"{"session_id":"s","limit":"9","nope":1}"#, "limit"),
        ("sessions.list", r#"{"limit":"1","website_id":true,"nope":1}"#, "limit"),
        ("leads.list", r#"{"email":5,"nope":1}"#, "email"),
        ("tickets.list", r#"{"before":5,"nope":1}"#, "before"),
        ("knowledge.list", r#"{"website_id":[],"nope":1}"#, "website_id"),
        ("knowledge.addText", r#"{"title":"t","content":7,"website_id":"x","nope":1}"#, "content"),
        ("knowledge.addUrl", r#"{"url":1,"website_id":"x","nope":1}"#, "url"),
        ("webhooks.create", r#"{"url":"https://example.com/h","events":["a",5],"nope":1}"#, "events[1]"),
    ];
    for (op, params, want) in cases {
        assert_eq!(field(reader(op)(params), op), *want, "{op} {params}");
    }
}

#[test]
fn unknown_option_names_reach_messages_without_control_characters() {
    match read::<ChatRequest>("{\"message\":\"hi\",\"a\\r\\nb\":1}") {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "ab");
            assert_eq!(message, "unknown option `ab`");
        }
        other => panic!("{other:?}"),
    }
    let long = format!(r#"{{"message":"hi","{}":1}}"#, "k".repeat(500));
    match read::<ChatRequest>(&long) {
        Err(Error::Validation { field, .. }) => assert_eq!(field, "k".repeat(64)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn content_of_exactly_ten_characters_passes_counting_characters_not_bytes() {
    assert!(read::<AddTextRequest>(r#"{"title":"t","content":"0123456789"}"#).is_ok());
    assert!(read::<AddTextRequest>(r#"{"title":"t","content":"가나다라마바사아자차"}"#).is_ok());
    // nine characters, 27 bytes: too short
    assert_eq!(field(read::<AddTextRequest>(r#"{"title":"t","content":"가나다라마바사아자"}"#), "9 chars"), "content");
    // four-byte characters count once too
    assert!(read::<AddTextRequest>(&format!(r#"{{"title":"t","content":"{}"}}"#, "😀".repeat(10))).is_ok());
    assert_eq!(field(read::<AddTextRequest>(&format!(r#"{{"title":"t","content":"{}é"}}"#, "😀".repeat(8))), "9 chars"), "content");
}

#[test]
fn webhook_urls_may_be_http_only_on_loopback() {
    for good in [
        "http://localhost:8787/x",
        "http://127.0.0.1/x",
        "http://127.10.0.255/x",
        "http://[::1]:3000/",
        "http://app.localhost/h",
        "http://LOCALHOST./h",
        "https://example.com",
        "HTTPS://EXAMPLE.COM/h",
        // the host as the WHATWG URL parser reads it (`new URL(u).hostname`): after the last `@` of
        // the authority, which ends at the first `/`, `?` or `#`
        "http://a@b@localhost/",
        "http://localhost?@evil.com",
        "http://localhost#@evil.com",
    ] {
        let p = format!(r#"{{"url":"{good}","events":["message.received"]}}"#);
        assert!(read::<CreateWebhookRequest>(&p).is_ok(), "{good}");
    }
    for bad in [
        "http://example.com/x",
        "http://localhost.evil.com/x",
        "http://127.0.0.1.evil.com/",
        "http://user@example.com",
        "http://127.0.0.256/",
        "http://127.+1.0.1/",
        "http://127.0.0.1:80@evil.com/",
        "ws://localhost/",
        "http://evil.com#@localhost/",
        "http://evil.com/@localhost/",
        "http://[::1",
        "http://[]/",
    ] {
        let p = format!(r#"{{"url":"{bad}","events":["message.received"]}}"#);
        assert_eq!(field(read::<CreateWebhookRequest>(&p), bad), "url", "{bad}");
    }
}

#[test]
fn null_counts_as_absent() {
    assert_eq!(ok(read::<ListSessionsRequest>(r#"{"limit":null,"source":null,"since":null}"#), "nulls"), "GET sessions/\n");
    assert_eq!(ok(read::<ChatRequest>(r#"{"message":"Hi","session_id":null,"website_id":null}"#), "nulls"), "POST chat/\n{\"message\":\"Hi\"}");
    // an unknown option that is null is absent too
    assert_eq!(ok(read::<ChatRequest>(r#"{"message":"Hi","sessionId":null}"#), "nulls"), "POST chat/\n{\"message\":\"Hi\"}");
    assert_eq!(field(read::<ChatRequest>(r#"{"message":null}"#), "null message"), "message");
}

#[test]
fn ids_are_one_percent_encoded_segment() {
    let cases = [
        ("abc-123-def", "knowledge/abc-123-def/"),
        ("a/b?c#d%", "knowledge/a%2Fb%3Fc%23d%25/"),
        ("../x", "knowledge/..%2Fx/"),
        ("...", "knowledge/.../"),
        ("é", "knowledge/%C3%A9/"),
        ("a b+c", "knowledge/a%20b%2Bc/"),
        ("%2e%2e", "knowledge/%252e%252e/"),
    ];
    for (id, path) in cases {
        assert_eq!(typed(&DeleteKnowledgeRequest { id: id.into() }).map(|r| r.path), Ok(path.to_owned()), "{id}");
        let hook = path.replacen("knowledge/", "webhooks/", 1);
        assert_eq!(typed(&DeleteWebhookRequest { id: id.into() }).map(|r| r.path), Ok(hook), "{id}");
    }
    for bad in [".", ".."] {
        assert_eq!(field(typed(&DeleteKnowledgeRequest { id: bad.into() }), bad), "id");
    }
}

#[test]
fn ids_are_read_as_strings_or_whole_numbers() {
    let id = |text: &str| Params::from_json_text(text).and_then(|mut p| p.required_id("id"));
    assert_eq!(id(r#"{"id":"kb_1"}"#), Ok("kb_1".to_owned()));
    assert_eq!(id(r#"{"id":17}"#), Ok("17".to_owned()));
    for bad in [r#"{"id":1.5}"#, r#"{"id":-1}"#, r#"{"id":true}"#, "{}", r#"{"id":null}"#] {
        assert!(matches!(id(bad), Err(Error::Validation { ref field, .. }) if field == "id"), "{bad}");
    }
}

#[test]
fn long_tokens_are_refused_with_a_clear_error() {
    let at_limit = format!(r#"{{"session_id":"{}"}}"#, "x".repeat(MAX_TOKEN_LEN));
    assert!(read::<ListConversationsRequest>(&at_limit).is_ok());
    let over = format!(r#"{{"session_id":"{}"}}"#, "x".repeat(MAX_TOKEN_LEN + 1));
    match read::<ListConversationsRequest>(&over) {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "session_id");
            assert_eq!(message, "`session_id` is longer than 2048 bytes");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn since_and_before_take_iso_dates_and_date_times() {
    for good in [
        "2026-01-31",
        "2026-01-31T12:00",
        "2026-01-31T12:00Z",
        "2026-01-31T12:00:00",
        "2026-01-31T12:00:00Z",
        "2026-01-31t12:00:00z",
        "2026-01-31 12:00:00",
        "2026-01-31T12:00:00.123Z",
        "2026-01-31T12:00:00.1+02:00",
        "2026-01-31T12:00:00-0530",
        "2026-01-31T12:00:00+02",
        "2024-02-29",
    ] {
        let p = format!(r#"{{"since":"{good}","before":"{good}"}}"#);
        assert!(read::<ListLeadsRequest>(&p).is_ok(), "{good}");
        assert!(read::<ListSessionsRequest>(&p).is_ok(), "{good}");
        assert!(read::<ListTicketsRequest>(&p).is_ok(), "{good}");
    }
    for bad in [
        "2026",
        "2026-01",
        "26-01-31",
        "2026-00-10",
        "2026-01-32",
        "2026-02-30",
        "2025-02-29",
        "2026-04-31",
        "2026-01-31T",
        "2026-01-31T12",
        "2026-01-31T24:00:00Z",
        "2026-01-31T12:60:00Z",
        "2026-01-31T12:00:00.Z",
        "2026-01-31T12:00:00+5",
        "2026-01-31T12:00:00 Z",
        "2026-01-31Z",
        "2026-01-31T12:00:00Zjunk",
        " 2026-01-31",
    ] {
        let p = format!(r#"{{"since":"{bad}"}}"#);
        assert_eq!(field(read::<ListLeadsRequest>(&p), bad), "since", "{bad}");
    }
}

#[test]
fn parse_timestamp_matches_the_date_command() {
    // `date -u -d 2026-03-01 +%s` = 1772323200; `date -u -d 2024-02-29 +%s` = 1709164800
    assert_eq!(parse_timestamp("2026-03-01"), Some(1_772_323_200_000));
    assert_eq!(parse_timestamp("2024-02-29"), Some(1_709_164_800_000));
    // `date -u -d '2026-01-31T12:00:00-05:30' +%s` = 1769880600
    assert_eq!(parse_timestamp("2026-01-31T12:00:00-05:30"), Some(1_769_880_600_000));
    assert_eq!(parse_timestamp("2026-01-31T12:00:00-0530"), Some(1_769_880_600_000));
    // `date -u -d '1970-01-01T00:00:00Z' +%s` = 0
    assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_timestamp("1970-01-01T00:00:00.999999Z"), Some(999));
    // `date -u -d 1969-12-31 +%s` = -86400
    assert_eq!(parse_timestamp("1969-12-31"), Some(-86_400_000));
    for bad in ["2026-02-29", "2100-02-29", "2026-06-31", "2026-11-31"] {
        assert_eq!(parse_timestamp(bad), None, "{bad}");
    }
    assert_eq!(parse_timestamp("2000-02-29"), Some(951_782_400_000)); // `date -u -d 2000-02-29 +%s`
}

#[test]
fn website_id_reads_an_integer_or_a_string_of_digits() {
    let read = |text: &str| serde_json::from_str::<WebsiteId>(text).ok();
    assert_eq!(read("12"), Some(WebsiteId(12)));
    assert_eq!(read("0"), Some(WebsiteId(0)));
    assert_eq!(read(r#""12""#), Some(WebsiteId(12)));
    assert_eq!(read(r#""007""#), Some(WebsiteId(7)));
    assert_eq!(read("18446744073709551615"), Some(WebsiteId(u64::MAX)));
    for bad in ["-1", "1.5", r#""12a""#, r#""""#, r#""-1""#, r#"" 1""#, "true", "null", "[1]", r#""1e3""#] {
        assert_eq!(read(bad), None, "{bad}");
    }
    assert_eq!("42".parse::<WebsiteId>().map(|w| w.to_string()), Ok("42".to_owned()));
    assert!("4 2".parse::<WebsiteId>().is_err());
    assert_eq!(WebsiteId::from(3u32), WebsiteId(3));
    // serialized as an integer (how chat and the answers spell it)
    assert_eq!(serde_json::to_string(&WebsiteId(9)).unwrap(), "9");
    // a request struct read by serde (a Rust caller's JSON) takes both spellings too
    let chat: ChatRequest = serde_json::from_str(r#"{"message":"m","website_id":"5"}"#).unwrap();
    assert_eq!(chat.website_id, Some(WebsiteId(5)));
}

#[test]
fn each_json_body_is_what_serde_writes_for_the_same_struct() {
    // The bodies are written field by field (src/api/encode.rs: serde_json's serializer is not in the
    // npm package's wasm); the structs' serde attributes say what the wire holds. The two must agree:
    // the same JSON value always, the same bytes where no control character needs escaping (serde
    // writes `\b` and lowercase hex where the encoder writes `\u0008`).
    let mut texts: Vec<String> = vec![String::new(), "Hi".into(), "a\"b\\c/d".into(), "é😀\u{2028}\u{fffd}".into(), "x".repeat(300)];
    texts.push((0u8..0x80).map(char::from).collect());
    texts.extend((0u8..0x20).map(|b| format!("<{}>", char::from(b))));
    let ids = [None, Some(WebsiteId(0)), Some(WebsiteId(7)), Some(WebsiteId(9_007_199_254_740_993)), Some(WebsiteId(u64::MAX))];
    let mut checked = 0;
    for (i, text) in texts.iter().enumerate() {
        for (j, id) in ids.iter().enumerate() {
            let other = texts[(i + j + 1) % texts.len()].clone();
            let bodies: Vec<(ApiRequest, serde_json::Value)> = vec![
                {
                    let r = ChatRequest { message: text.clone(), session_id: (j % 2 == 0).then(|| other.clone()), website_id: *id };
                    (Operation::build(&r), serde_json::to_value(&r).unwrap())
                },
                {
                    let r = AddTextRequest { title: other.clone(), content: text.clone(), website_id: *id };
                    (Operation::build(&r), serde_json::to_value(&r).unwrap())
                },
                {
                    let r = AddUrlRequest { url: text.clone(), website_id: *id };
                    (Operation::build(&r), serde_json::to_value(&r).unwrap())
                },
                {
                    let events = texts.iter().skip(i).take(j).cloned().collect();
                    let r = CreateWebhookRequest { url: text.clone(), events, website_id: *id };
                    (Operation::build(&r), serde_json::to_value(&r).unwrap())
                },
            ];
            for (req, expected) in bodies {
                let Body::Json(body) = &req.body else { panic!("{req:?}") };
                let got: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
                assert_eq!(got, expected, "{body}");
                if !format!("{text}{other}").chars().any(|c| u32::from(c) < 0x20) {
                    assert_eq!(*body, serde_text_in_order(&req, &expected));
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, texts.len() * ids.len() * 4);
}

/// `expected` as serde_json writes it, its keys in the order of the operation's wire fields
/// (serde_json's `Value` keeps its own order).
fn serde_text_in_order(req: &ApiRequest, expected: &serde_json::Value) -> String {
    let fields: &[&str] = match req.path.as_str() {
        "chat/" => ChatRequest::WIRE_FIELDS,
        "knowledge/text/" => AddTextRequest::WIRE_FIELDS,
        "knowledge/url/" => AddUrlRequest::WIRE_FIELDS,
        _ => CreateWebhookRequest::WIRE_FIELDS,
    };
    let map = expected.as_object().unwrap();
    let pairs: Vec<String> =
        fields.iter().filter_map(|k| map.get(*k).map(|v| format!("{}:{}", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap()))).collect();
    format!("{{{}}}", pairs.join(","))
}

#[test]
fn json_strings_are_escaped_as_json_parse_reads_them() {
    let req = read::<ChatRequest>(r#"{"message":"a\"b\\c\nd\u0001é😀\u2028"}"#).unwrap();
    let Body::Json(text) = &req.body else { panic!("{req:?}") };
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["message"], "a\"b\\c\nd\u{1}é😀\u{2028}");
}

#[test]
fn merge_body_adds_top_level_fields_to_a_json_body() {
    let mut req = ApiRequest::post("chat/", r#"{"message":"hi"}"#.into());
    req.merge_body(r#"{"x":1,"y":"z"}"#).unwrap();
    assert_eq!(req.body, Body::Json(r#"{"message":"hi","x":1,"y":"z"}"#.into()));
    let mut empty = ApiRequest::post("chat/", "{}".into());
    empty.merge_body(r#" { "x" : [1] } "#).unwrap();
    assert_eq!(empty.body, Body::Json(r#"{"x" : [1]}"#.into()));
    let mut same = ApiRequest::post("chat/", r#"{"message":"hi"}"#.into());
    same.merge_body("{}").unwrap();
    assert_eq!(same.body, Body::Json(r#"{"message":"hi"}"#.into()));
    // nothing to add: fine on any request
    let mut get = ApiRequest::get("account/".into());
    assert_eq!(get.merge_body(" {} "), Ok(()));
    // something to add to a request without a JSON body
    assert!(matches!(get.merge_body(r#"{"x":1}"#), Err(Error::Validation { ref field, .. }) if field == "body"));
    let mut upload = typed(&UploadSpreadsheetRequest { file: b"a".to_vec(), filename: None, website_id: None }).unwrap();
    assert!(matches!(upload.merge_body(r#"{"x":1}"#), Err(Error::Validation { ref field, .. }) if field == "body"));
    assert_eq!(get.body, Body::None);
}

#[test]
fn push_query_appends_encoded_pairs() {
    let mut req = ApiRequest::get("sessions/?limit=5".into());
    req.push_query(&[("x".into(), "a b&c=d".into()), ("y".into(), "é".into())]);
    assert_eq!(req.path, "sessions/?limit=5&x=a%20b%26c%3Dd&y=%C3%A9");
    let mut bare = ApiRequest::get("account/".into());
    bare.push_query(&[("beta".into(), "1".into())]);
    assert_eq!(bare.path, "account/?beta=1");
}

#[test]
fn wire_fields_are_what_each_operation_sends() {
    assert_eq!(ChatRequest::WIRE_FIELDS, ["message", "session_id", "website_id"]);
    assert_eq!(ListConversationsRequest::WIRE_FIELDS, ["session_id", "limit"]);
    assert_eq!(ListSessionsRequest::WIRE_FIELDS, ["limit", "website_id", "source", "since", "before"]);
    assert_eq!(ListLeadsRequest::WIRE_FIELDS, ["limit", "website_id", "since", "before", "email"]);
    assert_eq!(ListTicketsRequest::WIRE_FIELDS, ["limit", "website_id", "since", "before"]);
    assert_eq!(ListKnowledgeRequest::WIRE_FIELDS, ["limit", "website_id"]);
    assert_eq!(AddTextRequest::WIRE_FIELDS, ["title", "content", "website_id"]);
    assert_eq!(AddUrlRequest::WIRE_FIELDS, ["url", "website_id"]);
    assert_eq!(<UploadSpreadsheetRequest as Operation>::WIRE_FIELDS, ["file", "website_id"]);
    assert_eq!(CreateWebhookRequest::WIRE_FIELDS, ["url", "events", "website_id"]);
}

mod classifier {
    use super::*;

    fn view(text: &str) -> BodyView {
        BodyView::of_json(serde_json::from_str::<serde_json::Value>(text).ok().as_ref())
    }

    fn run(status: u16, body: &str) -> Result<(), Error> {
        classify(status, &view(body), body)
    }

    fn api(status: u16, body: &str) -> crate::error::ApiError {
        match run(status, body) {
            Err(Error::Api(a)) => a,
            other => panic!("{status} {body}: {other:?}"),
        }
    }

    fn connection(status: u16, body: &str) -> String {
        match run(status, body) {
            Err(Error::Connection { message, cause: None }) => message,
            other => panic!("{status} {body:?}: {other:?}"),
        }
    }

    #[test]
    fn success_bodies_pass() {
        assert_eq!(run(200, r#"{"success":true,"websites":[]}"#), Ok(()));
        assert_eq!(run(201, r#"{"success":true}"#), Ok(()));
        // an object without `success` is not `success: false`
        assert_eq!(run(200, r#"{"websites":[]}"#), Ok(()));
        assert_eq!(run(299, r#"{"success":"false"}"#), Ok(()));
    }

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (400, ApiErrorKind::BadRequest),
            (401, ApiErrorKind::Authentication),
            (403, ApiErrorKind::PermissionDenied),
            (404, ApiErrorKind::NotFound),
            (429, ApiErrorKind::RateLimit),
            (500, ApiErrorKind::InternalServer),
            (502, ApiErrorKind::InternalServer),
            (504, ApiErrorKind::InternalServer),
            (503, ApiErrorKind::ServiceUnavailable),
            (409, ApiErrorKind::Other),
            (408, ApiErrorKind::Other),
            (302, ApiErrorKind::Other),
            (100, ApiErrorKind::Other),
        ];
        for (status, kind) in cases {
            let a = api(status, r#"{"success":false,"error":"nope"}"#);
            assert_eq!((a.status, a.kind, a.error.as_deref()), (status, kind, Some("nope")));
            assert_eq!(a.message, format!("{status} nope"));
            assert_eq!((a.retry_after, a.headers.len(), a.body.as_str()), (None, 0, ""), "the caller fills these");
        }
    }

    #[test]
    fn any_body_on_an_error_status_is_an_api_error() {
        let html = api(502, "<html><body>Bad gateway</body></html>");
        assert_eq!((html.kind, html.error), (ApiErrorKind::InternalServer, None));
        assert_eq!(html.message, "502 status code (an HTML body: something in front of the API answered, not the API)");
        assert_eq!(api(503, "").message, "503 status code (no body)");
        assert_eq!(api(500, "  \n").message, "500 status code (no body)");
        assert_eq!(api(500, r#"{"success":false}"#).message, "500 status code");
        assert_eq!(api(500, r#"{"error":42}"#).error, None);
        assert_eq!(api(500, r#"{"success":fal"#).message, "500 status code (a body that is not JSON)");
        assert_eq!((api(404, "[1]").kind, api(404, "[1]").error), (ApiErrorKind::NotFound, None));
    }

    #[test]
    fn success_false_on_a_2xx_is_an_api_error() {
        let a = api(200, r#"{"success":false,"error":"Website not found"}"#);
        assert_eq!((a.status, a.kind, a.error.as_deref()), (200, ApiErrorKind::Other, Some("Website not found")));
        assert_eq!(a.message, "200 Website not found");
        let bare = api(201, r#"{"success":false}"#);
        assert_eq!(bare.message, "201 the API answered `success: false` without a message");
    }

    #[test]
    fn a_2xx_body_that_is_not_a_json_object_is_a_connection_error() {
        assert_eq!(connection(200, ""), "the API answered 200 with an empty body");
        assert_eq!(connection(200, "  \r\n"), "the API answered 200 with an empty body");
        assert_eq!(connection(200, "<html>oops</html>"), "the API answered 200 with HTML instead of JSON");
        assert_eq!(connection(200, r#"{"success":tr"#), "the API answered 200 with a body that is not valid JSON (truncated?)");
        assert_eq!(connection(200, "[1,2]"), "the API answered 200 with JSON that is not an object");
        assert_eq!(connection(204, "\"x\""), "the API answered 204 with JSON that is not an object");
        assert_eq!(connection(200, "null"), "the API answered 200 with JSON that is not an object");
    }

    /// JavaScript reads bodies with JSON.parse, Rust with serde_json: both keep the last of repeated
    /// keys, so both must classify such a body the same way.
    #[test]
    fn repeated_keys_are_read_as_json_parse_reads_them() {
        let a = api(200, r#"{"success":true,"success":false,"error":"repeated"}"#);
        assert_eq!(a.error.as_deref(), Some("repeated"));
        assert_eq!(run(200, r#"{"success":false,"success":true}"#), Ok(()));
        assert_eq!(api(500, r#"{"error":"first","error":"last"}"#).error.as_deref(), Some("last"));
    }

    #[test]
    fn body_views() {
        assert_eq!(view(r#"{"success":false,"error":"e"}"#), BodyView::Object { success_false: true, error: Some("e".into()) });
        assert_eq!(view(r#"{"success":true}"#), BodyView::Object { success_false: false, error: None });
        assert_eq!(view("3"), BodyView::NotObject);
        assert_eq!(view("<p>"), BodyView::NotJson);
        assert!(view("{}").is_success());
        assert!(!view("[]").is_success());
    }
}

mod pager {
    use super::*;

    fn page<'a>(cursors: &'a [&'a str]) -> impl Iterator<Item = Option<&'a str>> + 'a {
        cursors.iter().map(|c| Some(*c))
    }

    #[test]
    fn the_next_page_is_asked_before_the_oldest_cursor_of_the_page() {
        let mut p = Pager::new(2, None);
        assert_eq!(p.next(2, page(&["2026-01-05T10:00:00Z", "2026-01-04T09:00:00Z"])), Some("2026-01-04T09:00:00Z".into()));
        // out of order, other spellings: the oldest instant, given back as the page spelt it
        assert_eq!(p.next(2, page(&["2026-01-03", "2026-01-03T12:00:00+02:00"])), Some("2026-01-03".into()));
        assert!(!p.done());
        assert_eq!(p.next(1, page(&["2026-01-02"])), None);
        assert!(p.done());
    }

    #[test]
    fn a_short_or_empty_page_ends_the_walk() {
        let mut p = Pager::new(3, None);
        assert_eq!(p.next(2, page(&["2026-01-05", "2026-01-04"])), None);
        assert!(p.done());
        let mut p = Pager::new(3, None);
        assert_eq!(p.next(0, page(&[])), None);
        assert!(p.done());
        // a page longer than the limit is not short
        let mut p = Pager::new(1, None);
        assert_eq!(p.next(2, page(&["2026-01-05", "2026-01-04"])), Some("2026-01-04".into()));
    }

    #[test]
    fn a_page_that_makes_no_progress_ends_the_walk() {
        // The server ignored `before` and gave the same page again.
        let mut p = Pager::new(2, None);
        assert_eq!(p.next(2, page(&["2026-01-05", "2026-01-04"])), Some("2026-01-04".into()));
        assert_eq!(p.next(2, page(&["2026-01-05", "2026-01-04"])), None);
        assert!(p.done());
        // The first request's own `before` counts: the same instant spelt otherwise is no progress.
        let mut p = Pager::new(2, Some("2026-01-04T00:00:00Z"));
        assert_eq!(p.next(2, page(&["2026-01-05", "2026-01-04T02:00:00+02:00"])), None);
        // Older than that is progress.
        let mut p = Pager::new(2, Some("2026-01-04T00:00:00Z"));
        assert_eq!(p.next(2, page(&["2026-01-03T23:59:59.999Z", "2026-01-03T23:00:00Z"])), Some("2026-01-03T23:00:00Z".into()));
    }

    #[test]
    fn an_item_without_a_readable_cursor_ends_the_walk() {
        let mut p = Pager::new(2, None);
        assert_eq!(p.next(2, [Some("2026-01-05"), None].into_iter()), None);
        assert!(p.done());
        let mut p = Pager::new(2, None);
        assert_eq!(p.next(2, page(&["2026-01-05", "yesterday"])), None);
    }

    #[test]
    fn once_done_it_stays_done() {
        let mut p = Pager::new(1, None);
        assert_eq!(p.next(0, page(&[])), None);
        assert_eq!(p.next(1, page(&["2026-01-01"])), None);
    }

    #[test]
    fn a_walk_never_asks_for_the_same_before_twice() {
        // A server whose pages overlap and sometimes repeat: every `before` asked is new and
        // strictly older than the previous one.
        let pages: [&[&str]; 5] = [
            &["2026-01-09", "2026-01-08"],
            &["2026-01-08", "2026-01-07"],
            &["2026-01-07T12:00:00Z", "2026-01-06"],
            &["2026-01-07", "2026-01-06"],
            &["2026-01-05", "2026-01-04"],
        ];
        let mut p = Pager::new(2, None);
        let mut asked = Vec::new();
        for items in pages {
            match p.next(items.len(), page(items)) {
                Some(b) => asked.push(b),
                None => break,
            }
        }
        assert_eq!(asked, ["2026-01-08", "2026-01-07", "2026-01-06"]);
    }

    #[test]
    fn paged_operations_know_their_cursor_and_default_limit() {
        assert_eq!((ListSessionsRequest::DEFAULT_LIMIT, ListSessionsRequest::CURSOR), (20, "started_at"));
        assert_eq!((ListLeadsRequest::DEFAULT_LIMIT, ListLeadsRequest::CURSOR), (50, "started_at"));
        assert_eq!((ListTicketsRequest::DEFAULT_LIMIT, ListTicketsRequest::CURSOR), (50, "created_at"));
        // a session without `started_at` (an older API) pages by `first_message_at`
        let s: Session = serde_json::from_str(r#"{"session_id":"s","first_message_at":"2026-01-02T00:00:00Z"}"#).unwrap();
        assert_eq!(ListSessionsRequest::cursor(&s), Some("2026-01-02T00:00:00Z"));
        let s: Session = serde_json::from_str(r#"{"started_at":"2026-01-01","first_message_at":"2026-01-02"}"#).unwrap();
        assert_eq!(ListSessionsRequest::cursor(&s), Some("2026-01-01"));
        assert_eq!(ListSessionsRequest::cursor(&Session::default()), None);
        assert_eq!(ListLeadsRequest::cursor(&Lead::default()), None);
        assert_eq!(ListTicketsRequest::cursor(&Ticket { created_at: "2026-01-01".into(), ..Default::default() }), Some("2026-01-01"));
    }
}

#[test]
fn response_structs_keep_unknown_fields_and_default_missing_ones() {
    let r: ChatResponse = serde_json::from_str(r#"{"success":true,"response":"Hi","session_id":"s","ai_disclosure":"AI","new_field":[1]}"#).unwrap();
    assert_eq!((r.response.as_str(), r.session_id.as_str(), r.ai_disclosure.as_deref()), ("Hi", "s", Some("AI")));
    assert_eq!(r.extra.get("new_field"), Some(&serde_json::json!([1])));
    let k: KnowledgeList = serde_json::from_str(r#"{"success":true,"entries":[{"id":"kb","type":"url","chunks_count":3}]}"#).unwrap();
    assert_eq!((k.entries[0].kind.as_str(), k.entries[0].chunks_count), ("url", Some(3)));
    let t: TicketList = serde_json::from_str(
        r#"{"success":true,"tickets":[{"ticket_number":"TKT-00001","website_id":3,"visitor_email":null,"created_at":"2026-01-01T00:00:00Z"}]}"#,
    )
    .unwrap();
    assert_eq!((t.tickets[0].ticket_number.as_str(), t.tickets[0].website_id, t.tickets[0].visitor_email.as_deref()), ("TKT-00001", Some(3), None));
    let l: LeadList = serde_json::from_str(r#"{"success":true,"leads":[{"session_id":"s","email":null,"phone":"+1","started_at":"x"}]}"#).unwrap();
    assert_eq!((l.leads[0].email.as_deref(), l.leads[0].phone.as_deref()), (None, Some("+1")));
}

#[test]
fn numbers_in_messages_read_as_javascript_writes_them() {
    // Each beside what `String(n)` gives in Node 20.
    let cases: [(f64, &str); 17] = [
        (0.0, "0"),
        (3.0, "3"),
        (-2.0, "-2"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (12.25, "12.25"),
        (-0.75, "-0.75"),
        (2.000001, "2.000001"),
        (0.000001, "0.000001"),
        (101.0, "101"),
        (1500.0, "1500"),
        (1e15, "1000000000000000"),
        (9_007_199_254_740_993.0, "9007199254740992"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
        (4_294_967_296.5, "4294967296.5"),
    ];
    for (n, js) in cases {
        assert_eq!(number_text(n), js, "{n}");
    }
}
