//! The sandbox's rules, end to end through [`Mock::handle`]. Expected values are written out by
//! hand (or computed with openssl / Python, as noted), never read back from the code under test.

use super::*;
use serde_json::{json, Value};

/// 2024-01-15T10:30:00Z (checked with `date -u -d @1705314600`).
const NOW: f64 = 1_705_314_600_000.0;
const DAY: f64 = 86_400_000.0;

fn mock() -> Mock {
    Mock::new(MockOptions::default())
}

fn with_limits(messages: u64, upload: u64, rows: u64) -> Mock {
    Mock::new(MockOptions {
        limits: Some(Limits {
            messages_per_month: messages,
            upload_chars_per_day: upload,
            spreadsheet_rows: rows,
        }),
        ..MockOptions::default()
    })
}

fn bearer() -> Vec<(String, String)> {
    vec![("authorization".into(), "Bearer test_key".into())]
}

struct Answer {
    status: u16,
    body: Value,
    raw: String,
    deliveries: Vec<Delivery>,
}

fn call_with(m: &mut Mock, method: &str, target: &str, headers: &[(String, String)], body: &[u8], now: f64) -> Answer {
    let r = m.handle(method, target, headers, body, now);
    let body: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body));
    let success = body["success"].as_bool().unwrap();
    assert_eq!(success, r.status == 200, "{} {}", r.status, r.body);
    if !success {
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{}", r.body);
        assert_eq!(
            body.as_object().unwrap().len(),
            2,
            "error body is exactly {{success, error}}"
        );
    }
    Answer {
        status: r.status,
        body,
        raw: r.body,
        deliveries: r.deliveries,
    }
}

fn get(m: &mut Mock, target: &str) -> Answer {
    call_with(m, "GET", target, &bearer(), b"", NOW)
}

fn post(m: &mut Mock, target: &str, body: Value) -> Answer {
    call_with(m, "POST", target, &bearer(), body.to_string().as_bytes(), NOW)
}

fn post_at(m: &mut Mock, target: &str, body: Value, now: f64) -> Answer {
    call_with(m, "POST", target, &bearer(), body.to_string().as_bytes(), now)
}

fn delete(m: &mut Mock, target: &str) -> Answer {
    call_with(m, "DELETE", target, &bearer(), b"", NOW)
}

fn chat(m: &mut Mock, message: &str, session: &str) -> Answer {
    post(m, "/api/v1/chat/", json!({"message": message, "session_id": session}))
}

fn add_text(m: &mut Mock, title: &str, content: &str) -> Answer {
    let a = post(m, "/knowledge/text/", json!({"title": title, "content": content}));
    assert_eq!(a.status, 200, "{}", a.raw);
    a
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

// -- auth and plan ---------------------------------------------------------------------------

#[test]
fn auth_accepts_bearer_and_x_api_key() {
    let mut m = mock();
    let h = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
    for headers in [
        h("authorization", "Bearer test_key"),
        h("authorization", "bearer  test_key "),
        h("x-api-key", "test_key"),
    ] {
        let a = call_with(&mut m, "GET", "/api/v1/account/", &headers, b"", NOW);
        assert_eq!(a.status, 200, "{headers:?}: {}", a.raw);
    }
    // Header names are matched case-insensitively too.
    let a = call_with(&mut m, "GET", "/account/", &h("X-API-Key", "test_key"), b"", NOW);
    assert_eq!(a.status, 200);
}

#[test]
fn auth_rejects_missing_and_wrong_keys_without_echoing_them() {
    let mut m = mock();
    let a = call_with(&mut m, "GET", "/account/", &[], b"", NOW);
    assert_eq!(a.status, 401);
    assert!(a.body["error"].as_str().unwrap().contains("Authorization"));
    for headers in [
        vec![("authorization".to_owned(), "Bearer sk_live_SECRET123".to_owned())],
        vec![("x-api-key".to_owned(), "sk_live_SECRET123".to_owned())],
        vec![("authorization".to_owned(), "Basic sk_live_SECRET123".to_owned())],
        vec![("authorization".to_owned(), "Bearer test_keyX".to_owned())],
        vec![("authorization".to_owned(), "Bearer test_ke".to_owned())],
        vec![("authorization".to_owned(), "Bearer ".to_owned())],
    ] {
        let a = call_with(&mut m, "POST", "/chat/", &headers, br#"{"message":"hi"}"#, NOW);
        assert_eq!(a.status, 401, "{headers:?}");
        assert!(!a.raw.contains("SECRET123") && !a.raw.contains("test_ke"), "{}", a.raw);
    }
    // Nothing was counted or stored.
    assert_eq!(get(&mut m, "/account/").body["account"]["messages_used"], 0);
    assert_eq!(get(&mut m, "/sessions/").body["sessions"], json!([]));
}

#[test]
fn free_plan_gets_403_everywhere_but_wrong_keys_still_get_401() {
    let mut m = Mock::new(MockOptions {
        plan: Plan::Free,
        ..MockOptions::default()
    });
    for (method, target) in [
        ("GET", "/account/"),
        ("POST", "/chat/"),
        ("GET", "/websites/"),
        ("DELETE", "/webhooks/x/"),
    ] {
        let a = call_with(&mut m, method, target, &bearer(), br#"{"message":"hi"}"#, NOW);
        assert_eq!(a.status, 403, "{method} {target}");
        assert!(a.body["error"].as_str().unwrap().contains("free"));
    }
    let a = call_with(
        &mut m,
        "GET",
        "/account/",
        &[("x-api-key".into(), "nope".into())],
        b"",
        NOW,
    );
    assert_eq!(a.status, 401);
}

#[test]
fn plan_names_and_limits() {
    assert_eq!(Plan::parse("starter"), Some(Plan::Starter));
    assert_eq!(Plan::parse("Pro"), None);
    assert_eq!(Plan::parse(""), None);
    assert_eq!(Plan::default(), Plan::Starter);
    // From the API reference.
    assert_eq!(Plan::Free.limits().messages_per_month, 100);
    assert_eq!(
        Plan::Starter.limits(),
        Limits {
            messages_per_month: 2_500,
            upload_chars_per_day: 100_000,
            spreadsheet_rows: 500
        }
    );
    assert_eq!(
        Plan::Standard.limits(),
        Limits {
            messages_per_month: 15_000,
            upload_chars_per_day: 500_000,
            spreadsheet_rows: 2_000
        }
    );
    assert_eq!(
        Plan::Pro.limits(),
        Limits {
            messages_per_month: 50_000,
            upload_chars_per_day: 2_000_000,
            spreadsheet_rows: 10_000
        }
    );
    let mut m = Mock::new(MockOptions {
        plan: Plan::Pro,
        ..MockOptions::default()
    });
    assert_eq!(
        get(&mut m, "/account/").body,
        json!({"success": true, "account": {"email": "sandbox@example.com", "plan": "pro", "messages_used": 0, "messages_limit": 50000}})
    );
}

// -- routing ---------------------------------------------------------------------------------

#[test]
fn unknown_paths_404_and_wrong_methods_405() {
    let mut m = mock();
    for target in [
        "/nope/",
        "/api/v1/",
        "/",
        "/knowledge/a/b/",
        "/api/v2/chat/",
        "/webhooks//",
    ] {
        assert_eq!(get(&mut m, target).status, 404, "{target}");
    }
    let a = post(&mut m, "/api/v1/chat", json!({"message": "hi"}));
    assert_eq!(a.status, 404);
    assert!(a.body["error"].as_str().unwrap().contains("/chat/"), "{}", a.raw);

    assert_eq!(get(&mut m, "/chat/").status, 405);
    assert_eq!(delete(&mut m, "/account/").status, 405);
    assert_eq!(post(&mut m, "/websites/", json!({})).status, 405);
    assert_eq!(get(&mut m, "/knowledge/text/").status, 405);
    assert_eq!(
        call_with(&mut m, "PUT", "/webhooks/", &bearer(), b"{}", NOW).status,
        405
    );
    assert_eq!(get(&mut m, "/knowledge/kn-1/").status, 405);
    // Paths are accepted with and without /api/v1, with a query, and as full URLs.
    assert_eq!(get(&mut m, "/websites/?x=1").status, 200);
    assert_eq!(get(&mut m, "https://asyntai.com/api/v1/websites/").status, 200);
    // A 404 for an unknown path comes before auth: no key needed to learn a path is wrong.
    assert_eq!(call_with(&mut m, "GET", "/nope/", &[], b"", NOW).status, 404);
}

// -- validation -------------------------------------------------------------------------------

fn expect_400(a: Answer, needle: &str) {
    assert_eq!(a.status, 400, "{}", a.raw);
    let error = a.body["error"].as_str().unwrap();
    assert!(error.contains(needle), "{error:?} should mention {needle:?}");
}

#[test]
fn chat_validation_on_the_wire_format() {
    let mut m = mock();
    let raw = |m: &mut Mock, body: &[u8]| call_with(m, "POST", "/chat/", &bearer(), body, NOW);
    expect_400(raw(&mut m, b""), "JSON object");
    expect_400(raw(&mut m, b"{not json"), "JSON");
    expect_400(raw(&mut m, b"[1]"), "JSON object");
    expect_400(post(&mut m, "/chat/", json!({})), "`message` is required");
    expect_400(post(&mut m, "/chat/", json!({"message": null})), "`message` is required");
    expect_400(
        post(&mut m, "/chat/", json!({"message": "   "})),
        "`message` must not be empty",
    );
    expect_400(
        post(&mut m, "/chat/", json!({"message": 5})),
        "`message` must be a string",
    );
    expect_400(
        post(&mut m, "/chat/", json!({"message": "hi", "session_id": 7})),
        "session_id",
    );
    expect_400(
        post(&mut m, "/chat/", json!({"message": "hi", "session_id": ""})),
        "session_id",
    );
    expect_400(
        post(&mut m, "/chat/", json!({"message": "hi", "session_id": "a\nb"})),
        "session_id",
    );
    // website_id: an integer or a string of digits (asyntai-api.md, last section).
    expect_400(
        post(&mut m, "/chat/", json!({"message": "hi", "website_id": "one"})),
        "website_id",
    );
    expect_400(
        post(&mut m, "/chat/", json!({"message": "hi", "website_id": 1.5})),
        "website_id",
    );
    expect_400(
        post(&mut m, "/chat/", json!({"message": "hi", "website_id": -1})),
        "website_id",
    );
    assert_eq!(
        post(&mut m, "/chat/", json!({"message": "hi", "website_id": 9})).status,
        404
    );
    assert_eq!(
        post(&mut m, "/chat/", json!({"message": "hi", "website_id": 1})).status,
        200
    );
    assert_eq!(
        post(&mut m, "/chat/", json!({"message": "hi", "website_id": "1"})).status,
        200
    );
    // None of the refused messages were counted.
    assert_eq!(get(&mut m, "/account/").body["account"]["messages_used"], 2);
}

#[test]
fn query_validation() {
    let mut m = mock();
    chat(&mut m, "hello", "s1");
    expect_400(get(&mut m, "/conversations/"), "session_id is required");
    expect_400(get(&mut m, "/conversations/?session_id="), "session_id");
    for bad_limit in ["0", "101", "abc", "1.5", "-1", "+5", "", "1e2", "99999999999"] {
        for target in [
            "/conversations/?session_id=s1&limit=",
            "/sessions/?limit=",
            "/leads/?limit=",
            "/knowledge/?limit=",
        ] {
            expect_400(get(&mut m, &format!("{target}{bad_limit}")), "limit");
        }
    }
    for good_limit in ["1", "100", "050"] {
        assert_eq!(get(&mut m, &format!("/sessions/?limit={good_limit}")).status, 200);
    }
    expect_400(get(&mut m, "/sessions/?source=email"), "source");
    expect_400(get(&mut m, "/sessions/?source=API"), "source");
    for source in SOURCES {
        assert_eq!(get(&mut m, &format!("/sessions/?source={source}")).status, 200);
    }
    expect_400(get(&mut m, "/sessions/?website_id=abc"), "website_id");
    expect_400(get(&mut m, "/leads/?website_id=1.0"), "website_id");
    expect_400(get(&mut m, "/knowledge/?website_id=-1"), "website_id");
    assert_eq!(get(&mut m, "/knowledge/?website_id=2").status, 404);
    assert_eq!(get(&mut m, "/sessions/?website_id=1").status, 200);
    // Percent-encoded query values are decoded.
    assert_eq!(get(&mut m, "/conversations/?session_id=%73%31").status, 200);
}

#[test]
fn knowledge_and_webhook_validation() {
    let mut m = mock();
    expect_400(
        post(&mut m, "/knowledge/text/", json!({"content": "long enough content"})),
        "`title` is required",
    );
    expect_400(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "", "content": "long enough content"}),
        ),
        "title",
    );
    expect_400(
        post(&mut m, "/knowledge/text/", json!({"title": "T"})),
        "`content` is required",
    );
    // "123456789" is 9 characters; "é" counts as one character, not two bytes.
    expect_400(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "123456789"}),
        ),
        "10 characters",
    );
    expect_400(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "ééééééééé"}),
        ),
        "10 characters",
    );
    assert_eq!(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "1234567890"})
        )
        .status,
        200
    );
    // website_id: an integer or a string of digits, on every endpoint.
    assert_eq!(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "1234567890", "website_id": 1})
        )
        .status,
        200
    );
    expect_400(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "1234567890", "website_id": 1.5}),
        ),
        "website_id",
    );
    expect_400(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "1234567890", "website_id": "x"}),
        ),
        "digits",
    );
    assert_eq!(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "1234567890", "website_id": "7"})
        )
        .status,
        404
    );
    assert_eq!(
        post(
            &mut m,
            "/knowledge/text/",
            json!({"title": "T", "content": "1234567890", "website_id": "1"})
        )
        .status,
        200
    );

    expect_400(post(&mut m, "/knowledge/url/", json!({})), "`url` is required");
    for bad_url in [
        "example.com/faq",
        "ftp://example.com/x",
        "https://",
        "https:// example.com",
        "/faq",
        "https://ex ample.com",
    ] {
        expect_400(post(&mut m, "/knowledge/url/", json!({"url": bad_url})), "url");
    }
    assert_eq!(
        post(&mut m, "/knowledge/url/", json!({"url": "http://example.com/faq"})).status,
        200
    );

    let hook = |url: &str| json!({"url": url, "events": ["message.received"]});
    expect_400(post(&mut m, "/webhooks/", hook("http://example.com/hook")), "https");
    expect_400(
        post(&mut m, "/webhooks/", hook("http://127.0.0.1.example.com/hook")),
        "https",
    );
    expect_400(post(&mut m, "/webhooks/", hook("not a url")), "https");
    for loopback in [
        "http://localhost:8787/hook",
        "http://127.0.0.1/hook",
        "http://[::1]:3000/",
        "https://example.com/h",
    ] {
        assert_eq!(post(&mut m, "/webhooks/", hook(loopback)).status, 200, "{loopback}");
    }
    let url = "https://example.com/h";
    expect_400(post(&mut m, "/webhooks/", json!({"url": url})), "`events` is required");
    expect_400(
        post(&mut m, "/webhooks/", json!({"url": url, "events": []})),
        "`events` must not be empty",
    );
    expect_400(
        post(&mut m, "/webhooks/", json!({"url": url, "events": "message.received"})),
        "array",
    );
    expect_400(
        post(&mut m, "/webhooks/", json!({"url": url, "events": [1]})),
        "events[0]",
    );
    expect_400(
        post(
            &mut m,
            "/webhooks/",
            json!({"url": url, "events": ["message.received", "nope"]}),
        ),
        "events[1]",
    );
    for (website_id, status) in [(json!(1), 200), (json!("1"), 200), (json!(3), 404), (json!("3"), 404)] {
        let body = json!({"url": url, "events": ["lead.captured"], "website_id": website_id});
        assert_eq!(post(&mut m, "/webhooks/", body).status, status, "{website_id}");
    }
    expect_400(
        post(
            &mut m,
            "/webhooks/",
            json!({"url": url, "events": ["lead.captured"], "website_id": [1]}),
        ),
        "website_id",
    );
}

// -- quotas -----------------------------------------------------------------------------------

#[test]
fn monthly_message_quota_429_and_account_usage() {
    let mut m = with_limits(3, 100_000, 500);
    for i in 0..3 {
        assert_eq!(chat(&mut m, "hello", "s").status, 200, "message {i}");
    }
    let a = chat(&mut m, "hello", "s");
    assert_eq!(a.status, 429);
    assert!(
        a.body["error"].as_str().unwrap().contains("monthly message limit"),
        "{}",
        a.raw
    );
    assert_eq!(
        get(&mut m, "/account/").body,
        json!({"success": true, "account": {"email": "sandbox@example.com", "plan": "starter", "messages_used": 3, "messages_limit": 3}})
    );
    // The refused message is not in the history: 3 exchanges = 6 messages.
    assert_eq!(
        get(&mut m, "/conversations/?session_id=s").body["messages"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    // 2024-02-01T00:00:00Z (1706745600): a new month, a new quota.
    let next_month = 1_706_745_600_000.0;
    assert_eq!(
        post_at(&mut m, "/chat/", json!({"message": "hello"}), next_month).status,
        200
    );
    let a = call_with(&mut m, "GET", "/account/", &bearer(), b"", next_month);
    assert_eq!(a.body["account"]["messages_used"], 1);
}

#[test]
fn starter_quota_is_2500() {
    let mut m = mock();
    for _ in 0..2_500 {
        assert_eq!(
            post(&mut m, "/chat/", json!({"message": "hi", "session_id": "a"})).status,
            200
        );
    }
    assert_eq!(
        post(&mut m, "/chat/", json!({"message": "hi", "session_id": "a"})).status,
        429
    );
}

#[test]
fn daily_upload_cap_counts_text_url_and_rows() {
    let mut m = with_limits(100, 100, 500);
    // 60 characters of content: allowed (60 used).
    add_text(&mut m, "A", &"a".repeat(60));
    // "https://example.com/faq" is 23 characters: 83 used.
    assert_eq!(
        post(&mut m, "/knowledge/url/", json!({"url": "https://example.com/faq"})).status,
        200
    );
    // 18 more would make 101 > 100.
    let a = post(
        &mut m,
        "/knowledge/text/",
        json!({"title": "B", "content": "b".repeat(18)}),
    );
    assert_eq!(a.status, 429);
    assert!(
        a.body["error"].as_str().unwrap().contains("daily upload limit"),
        "{}",
        a.raw
    );
    // 17 fits exactly: 100.
    add_text(&mut m, "B", &"b".repeat(17));
    // A spreadsheet row "q: 1" is 4 characters: over.
    let a = upload(&mut m, "t.csv", b"q\n1\n", NOW);
    assert_eq!(a.status, 429);
    // The next UTC day has a fresh allowance.
    assert_eq!(upload(&mut m, "t.csv", b"q\n1\n", NOW + DAY).status, 200);
    // Refused uploads stored nothing: 4 entries (A, the URL, B, t.csv).
    let a = call_with(&mut m, "GET", "/knowledge/", &bearer(), b"", NOW + DAY);
    assert_eq!(a.body["entries"].as_array().unwrap().len(), 4);
}

// -- spreadsheets -------------------------------------------------------------------------------

fn multipart_body(boundary: &str, filename: Option<&str>, data: &[u8], website_id: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(id) = website_id {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"website_id\"\r\n\r\n{id}\r\n").as_bytes(),
        );
    }
    let filename = filename.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"{filename}\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

fn upload(m: &mut Mock, filename: &str, data: &[u8], now: f64) -> Answer {
    let boundary = "----sandboxBoundary42";
    let body = multipart_body(boundary, Some(filename), data, None);
    let mut headers = bearer();
    headers.push((
        "content-type".into(),
        format!("multipart/form-data; boundary={boundary}"),
    ));
    call_with(m, "POST", "/knowledge/spreadsheet/", &headers, &body, now)
}

const PRODUCTS: &[u8] = b"name,price,description\r\n\
Widget,9.99,\"A small widget, blue\"\r\n\
Gadget,24.50,\"The \"\"deluxe\"\" gadget\nwith two lines\"\r\n\
\r\n\
Gizmo,5,\r\n";

#[test]
fn csv_spreadsheet_rows_become_entries() {
    let mut m = mock();
    let a = upload(&mut m, "products.csv", PRODUCTS, NOW);
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(
        keys(&a.body),
        ["chunks_created", "id", "rows_processed", "success", "title"]
    );
    assert_eq!(a.body["title"], "products.csv");
    assert_eq!(a.body["rows_processed"], 3);
    assert_eq!(a.body["chunks_created"], 3);
    let entries = get(&mut m, "/knowledge/").body["entries"].clone();
    assert_eq!(entries[0]["type"], "spreadsheet");
    assert_eq!(entries[0]["title"], "products.csv");
    assert_eq!(entries[0]["id"], a.body["id"]);
    // Each row is answered as "header: value" lines; empty values are left out.
    assert_eq!(
        chat(&mut m, "deluxe gadget?", "s").body["response"],
        "name: Gadget\nprice: 24.50\ndescription: The \"deluxe\" gadget\nwith two lines"
    );
    assert_eq!(
        chat(&mut m, "gizmo price", "s").body["response"],
        "name: Gizmo\nprice: 5"
    );
}

#[test]
fn spreadsheet_row_cap_cuts_extra_rows() {
    let mut m = with_limits(100, 100_000, 2);
    let a = upload(&mut m, "rows.CSV", b"n\n1\n2\n3\n4\n", NOW);
    assert_eq!(a.status, 200, "{}", a.raw);
    assert_eq!(a.body["rows_processed"], 2);
    assert_eq!(a.body["chunks_created"], 2);
    // Row "n: 3" was cut, so a question about it finds nothing... except the title words: none match.
    assert_eq!(chat(&mut m, "3", "s").body["response"], FALLBACK_ANSWER);
    assert_eq!(chat(&mut m, "2", "s").body["response"], "n: 2");
}

#[test]
fn spreadsheet_errors() {
    let mut m = mock();
    let a = upload(&mut m, "book.xlsx", b"PK\x03\x04rest-of-zip", NOW);
    expect_400(a, ".csv only");
    expect_400(upload(&mut m, "notes.txt", b"a,b\n1,2\n", NOW), ".csv or .xlsx");
    expect_400(upload(&mut m, "empty.csv", b"", NOW), "empty");
    expect_400(upload(&mut m, "header-only.csv", b"a,b\r\n", NOW), "no data rows");
    expect_400(upload(&mut m, "blank-rows.csv", b"a,b\r\n,\r\n", NOW), "no data rows");
    expect_400(upload(&mut m, "latin1.csv", b"name\ncaf\xe9\n", NOW), "UTF-8");
    expect_400(upload(&mut m, "quote.csv", b"a\n\"open\n", NOW), "never closed");

    // Not multipart, no boundary, no file part, a file part without a name but zip bytes.
    let mut json_headers = bearer();
    json_headers.push(("content-type".into(), "application/json".into()));
    expect_400(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &json_headers, b"{}", NOW),
        "multipart/form-data",
    );
    let mut headers = bearer();
    headers.push(("content-type".into(), "multipart/form-data".into()));
    expect_400(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, b"x", NOW),
        "boundary",
    );
    let mut headers = bearer();
    headers.push(("content-type".into(), "multipart/form-data; boundary=b".into()));
    let only_site = b"--b\r\nContent-Disposition: form-data; name=\"website_id\"\r\n\r\n1\r\n--b--\r\n";
    expect_400(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, only_site, NOW),
        "file is required",
    );
    expect_400(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, b"garbage", NOW),
        "malformed",
    );
    let nameless_zip = multipart_body("b", None, b"PK\x03\x04zip", None);
    expect_400(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, &nameless_zip, NOW),
        ".csv only",
    );
    // A CSV without a file name is accepted, titled spreadsheet.csv; website_id is a form field.
    let nameless = multipart_body("b", None, b"k\nv\n", Some("1"));
    let a = call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, &nameless, NOW);
    assert_eq!(a.body["title"], "spreadsheet.csv", "{}", a.raw);
    let wrong_site = multipart_body("b", Some("a.csv"), b"k\nv\n", Some("5"));
    assert_eq!(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, &wrong_site, NOW).status,
        404
    );
    let bad_site = multipart_body("b", Some("a.csv"), b"k\nv\n", Some("one"));
    expect_400(
        call_with(&mut m, "POST", "/knowledge/spreadsheet/", &headers, &bad_site, NOW),
        "website_id",
    );
    // Only the nameless CSV was stored.
    assert_eq!(get(&mut m, "/knowledge/").body["entries"].as_array().unwrap().len(), 1);
}

// -- knowledge and grounded answers ---------------------------------------------------------------

#[test]
fn knowledge_success_bodies_and_listing() {
    let mut m = mock();
    let a = add_text(&mut m, "Return Policy", "We offer a 30-day return policy on all items.");
    assert_eq!(keys(&a.body), ["chunks_created", "id", "success", "title"]);
    assert_eq!(a.body["title"], "Return Policy");
    assert_eq!(a.body["chunks_created"], 1);
    let text_id = a.body["id"].as_str().unwrap().to_owned();

    let a = post_at(
        &mut m,
        "/knowledge/url/",
        json!({"url": "https://www.example.com/faq"}),
        NOW + 1_000.0,
    );
    assert_eq!(
        a.body,
        json!({"success": true, "id": a.body["id"], "title": "FAQ - example.com", "url": "https://www.example.com/faq", "chunks_created": 1})
    );
    let a = post(
        &mut m,
        "/knowledge/url/",
        json!({"url": "https://shop.example.org/help/shipping-and_returns.html?x=1#top"}),
    );
    assert_eq!(a.body["title"], "Shipping And Returns - shop.example.org");
    let a = post(&mut m, "/knowledge/url/", json!({"url": "https://example.net"}));
    assert_eq!(a.body["title"], "example.net");

    let list = get(&mut m, "/knowledge/?limit=10").body;
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    // Newest first.
    assert_eq!(entries[3]["id"], text_id.as_str());
    assert_eq!(
        entries[3],
        json!({"id": text_id, "type": "text", "title": "Return Policy",
               "description": "Manual text content (9 words)", "created_at": "2024-01-15T10:30:00Z",
               "chunks_count": 1})
    );
    assert_eq!(entries[2]["type"], "url");
    assert_eq!(entries[2]["description"], "Content from https://www.example.com/faq");
    assert_eq!(entries[2]["created_at"], "2024-01-15T10:30:01Z");
    assert_eq!(
        get(&mut m, "/knowledge/?limit=1").body["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Delete: the documented message, then 404.
    let a = delete(&mut m, &format!("/knowledge/{text_id}/"));
    assert_eq!(
        a.body,
        json!({"success": true, "message": "Knowledge base entry deleted"})
    );
    assert_eq!(delete(&mut m, &format!("/knowledge/{text_id}/")).status, 404);
    assert_eq!(delete(&mut m, "/knowledge/abc-123-def/").status, 404);
    assert_eq!(get(&mut m, "/knowledge/").body["entries"].as_array().unwrap().len(), 3);
}

#[test]
fn chunks_created_counts_chunks() {
    let mut m = mock();
    // 3 paragraphs of 300 characters: no two fit in one 500-character chunk.
    let p = format!("{}.", "word ".repeat(60).trim_end()); // 299 + 1 = 300 characters
    assert_eq!(p.chars().count(), 300);
    let a = add_text(&mut m, "Long", &format!("{p}\n\n{p}\n\n{p}"));
    assert_eq!(a.body["chunks_created"], 3);
}

fn shop(m: &mut Mock) {
    add_text(m, "Business Hours", "We are open Monday to Friday, 9 AM to 5 PM.");
    add_text(
        m,
        "Return Policy",
        "Items can be returned within 30 days for a full refund.",
    );
    add_text(m, "Shipping", "We ship worldwide. Shipping takes 5 business days.");
}

#[test]
fn chat_answers_from_the_best_chunk() {
    let mut m = mock();
    shop(&mut m);
    // Worked out by hand in search.rs's tests: "refund" is only in the return policy; "business
    // hours" -> business + hour, both in the hours entry; "shipping" twice in the shipping entry.
    assert_eq!(
        chat(&mut m, "Can I get a refund?", "s").body["response"],
        "Items can be returned within 30 days for a full refund."
    );
    assert_eq!(
        chat(&mut m, "What are your business hours?", "s").body["response"],
        "We are open Monday to Friday, 9 AM to 5 PM."
    );
    assert_eq!(
        chat(&mut m, "How long does SHIPPING take?", "s").body["response"],
        "We ship worldwide. Shipping takes 5 business days."
    );
    // "business" alone: hours (len 8) and shipping (len 8) tie; the earlier entry wins.
    assert_eq!(
        chat(&mut m, "business", "s").body["response"],
        "We are open Monday to Friday, 9 AM to 5 PM."
    );
    // Nothing matches: the plain fallback.
    assert_eq!(
        chat(&mut m, "Do you sell quantum computers?", "s").body["response"],
        FALLBACK_ANSWER
    );
    assert_eq!(chat(&mut m, "what is it?", "s").body["response"], FALLBACK_ANSWER);
}

#[test]
fn deleting_knowledge_removes_it_from_answers() {
    let mut m = mock();
    shop(&mut m);
    let refund = "Items can be returned within 30 days for a full refund.";
    assert_eq!(chat(&mut m, "refund", "s").body["response"], refund);
    let id = get(&mut m, "/knowledge/").body["entries"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(delete(&mut m, &format!("/knowledge/{id}/")).status, 200);
    assert_eq!(chat(&mut m, "refund", "s").body["response"], FALLBACK_ANSWER);
    // The others still answer.
    assert_eq!(
        chat(&mut m, "shipping", "s").body["response"],
        "We ship worldwide. Shipping takes 5 business days."
    );
}

#[test]
fn url_entries_answer_with_their_title_and_url() {
    let mut m = mock();
    post(
        &mut m,
        "/knowledge/url/",
        json!({"url": "https://example.com/warranty-terms"}),
    );
    assert_eq!(
        chat(&mut m, "what about the warranty?", "s").body["response"],
        "Warranty Terms - example.com: https://example.com/warranty-terms"
    );
}

#[test]
fn websites_keep_their_own_knowledge() {
    let mut m = Mock::new(MockOptions {
        websites: vec![
            Website {
                id: 1,
                name: "Main".into(),
                domain: "main.example".into(),
                is_primary: true,
            },
            Website {
                id: 7,
                name: "Blog".into(),
                domain: "blog.example".into(),
                is_primary: false,
            },
        ],
        ..MockOptions::default()
    });
    assert_eq!(
        get(&mut m, "/websites/").body,
        json!({"success": true, "websites": [
            {"id": 1, "name": "Main", "domain": "main.example", "is_primary": true},
            {"id": 7, "name": "Blog", "domain": "blog.example", "is_primary": false}]})
    );
    add_text(&mut m, "Main", "Main site opening hours: always open.");
    let a = post(
        &mut m,
        "/knowledge/text/",
        json!({"title": "Blog", "content": "The blog has opening hours too.", "website_id": "7"}),
    );
    assert_eq!(a.status, 200);
    assert_eq!(get(&mut m, "/knowledge/").body["entries"].as_array().unwrap().len(), 1);
    assert_eq!(
        get(&mut m, "/knowledge/?website_id=7").body["entries"][0]["title"],
        "Blog"
    );
    let a = post(&mut m, "/chat/", json!({"message": "opening hours", "website_id": 7}));
    assert_eq!(a.body["response"], "The blog has opening hours too.");
    let a = post(&mut m, "/chat/", json!({"message": "opening hours"}));
    assert_eq!(a.body["response"], "Main site opening hours: always open.");
    let sessions = get(&mut m, "/sessions/?website_id=7").body["sessions"].clone();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(sessions[0]["website_domain"], "blog.example");
}

// -- sessions, conversations, leads ------------------------------------------------------------------

#[test]
fn sessions_and_conversations() {
    let mut m = mock();
    let a = post(&mut m, "/chat/", json!({"message": "First question"}));
    // The reference's fields, and `ai_disclosure` (asyntai-api.md, last section): no disclosure set.
    assert_eq!(keys(&a.body), ["ai_disclosure", "response", "session_id", "success"]);
    assert_eq!(a.body["ai_disclosure"], Value::Null);
    let generated = a.body["session_id"].as_str().unwrap().to_owned();
    assert!(generated.starts_with("sess_") && generated.len() == 21, "{generated}");
    // Continue it a minute later.
    let later = NOW + 60_000.0;
    let a = post_at(
        &mut m,
        "/chat/",
        json!({"message": "Second", "session_id": generated}),
        later,
    );
    assert_eq!(a.body["session_id"], generated.as_str());
    // A caller-chosen id makes a new session.
    let a = post_at(
        &mut m,
        "/chat/",
        json!({"message": "Other", "session_id": "user_123"}),
        NOW + 30_000.0,
    );
    assert_eq!(a.body["session_id"], "user_123");
    // Another generated id is different.
    let a = post(&mut m, "/chat/", json!({"message": "Third session"}));
    let third = a.body["session_id"].as_str().unwrap().to_owned();
    assert_ne!(third, generated);

    let sessions = get(&mut m, "/sessions/").body["sessions"].clone();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    // Newest first by started_at: third, user_123 (10:30:30), generated (10:30:00). The third was
    // made with the clock at 10:30:00, after a session started at 10:30:30: it starts 1 ms after
    // that one, so no two sessions share a start and the order stays the order they were made.
    assert_eq!(sessions[0]["session_id"], third.as_str());
    assert_eq!(sessions[0]["started_at"], "2024-01-15T10:30:30.001Z");
    assert_eq!(sessions[1]["session_id"], "user_123");
    assert_eq!(sessions[1]["started_at"], "2024-01-15T10:30:30.000Z");
    assert_eq!(
        sessions[2],
        json!({"session_id": generated, "source": "api", "message_count": 4, "first_message": "First question",
               "first_message_at": "2024-01-15T10:30:00.000Z", "last_message_at": "2024-01-15T10:31:00.000Z",
               "website_domain": "example.com",
               "started_at": "2024-01-15T10:30:00.000Z", "ended_at": null, "first_response_time_ms": 0,
               "first_human_response_at": null, "taken_over_at": null, "page_url": null, "country": null,
               "category": null})
    );
    assert_eq!(
        get(&mut m, "/sessions/?limit=1").body["sessions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get(&mut m, "/sessions/?source=api").body["sessions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(get(&mut m, "/sessions/?source=widget").body["sessions"], json!([]));

    let convo = get(&mut m, &format!("/conversations/?session_id={generated}")).body;
    assert_eq!(keys(&convo), ["messages", "session_id", "success"]);
    assert_eq!(convo["session_id"], generated.as_str());
    let messages = convo["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(
        messages[0],
        json!({"role": "user", "content": "First question", "timestamp": "2024-01-15T10:30:00Z",
               "sender_type": null, "agent_name": null, "response_time_ms": null})
    );
    assert_eq!(
        messages[1],
        json!({"role": "assistant", "content": FALLBACK_ANSWER, "timestamp": "2024-01-15T10:30:00Z",
               "sender_type": "ai", "agent_name": null, "response_time_ms": 0})
    );
    assert_eq!(
        messages[2],
        json!({"role": "user", "content": "Second", "timestamp": "2024-01-15T10:31:00Z",
               "sender_type": null, "agent_name": null, "response_time_ms": null})
    );
    // limit keeps the most recent messages, oldest first.
    let last2 = get(&mut m, &format!("/conversations/?session_id={generated}&limit=2")).body;
    assert_eq!(last2["messages"][0]["content"], "Second");
    assert_eq!(last2["messages"].as_array().unwrap().len(), 2);
    assert_eq!(get(&mut m, "/conversations/?session_id=unknown").status, 404);
}

#[test]
fn leads_from_email_and_phone() {
    let mut m = mock();
    chat(&mut m, "hi, just browsing", "v1");
    assert_eq!(get(&mut m, "/leads/").body, json!({"success": true, "leads": []}));
    chat(&mut m, "Reach me at Jane.Doe@Example.com please", "v1");
    assert_eq!(
        get(&mut m, "/leads/").body,
        json!({"success": true, "leads": [{"session_id": "v1", "email": "Jane.Doe@example.com", "phone": null,
               "page_url": null, "started_at": "2024-01-15T10:30:00.000Z"}]})
    );
    // A phone number later in the same session updates the same lead.
    chat(&mut m, "or call +1 (555) 123-4567", "v1");
    let leads = get(&mut m, "/leads/").body["leads"].clone();
    assert_eq!(leads.as_array().unwrap().len(), 1);
    assert_eq!(leads[0]["email"], "Jane.Doe@example.com");
    assert_eq!(leads[0]["phone"], "+15551234567");
    // Another session's lead comes first (newest first by the session's started_at: v2 started
    // 1 ms after v1, the clock standing still).
    chat(&mut m, "555-987-6543", "v2");
    let leads = get(&mut m, "/leads/").body["leads"].clone();
    assert_eq!(leads[0]["session_id"], "v2");
    assert_eq!(leads[0]["email"], Value::Null);
    assert_eq!(
        get(&mut m, "/leads/?limit=1").body["leads"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        get(&mut m, "/leads/?website_id=1").body["leads"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

// -- webhooks and deliveries ------------------------------------------------------------------

fn create_hook(m: &mut Mock, url: &str, events: &[&str]) -> Value {
    let a = post(m, "/webhooks/", json!({"url": url, "events": events}));
    assert_eq!(a.status, 200, "{}", a.raw);
    a.body["webhook"].clone()
}

#[test]
fn webhook_crud() {
    let mut m = mock();
    let a = post(
        &mut m,
        "/webhooks/",
        json!({"url": "https://example.com/webhook", "events": ["message.received", "escalation.requested", "message.received"]}),
    );
    assert_eq!(keys(&a.body), ["success", "webhook"]);
    let hook = &a.body["webhook"];
    assert_eq!(keys(hook), ["created_at", "events", "id", "secret", "url"]);
    assert_eq!(hook["events"], json!(["message.received", "escalation.requested"]));
    assert_eq!(hook["created_at"], "2024-01-15T10:30:00Z");
    let secret = hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() == 38, "{secret}");
    assert!(secret[6..].bytes().all(|b| b.is_ascii_hexdigit()));
    let id = hook["id"].as_str().unwrap().to_owned();

    let list = get(&mut m, "/webhooks/").body;
    assert_eq!(
        list,
        json!({"success": true, "webhooks": [{"id": id, "url": "https://example.com/webhook",
               "events": ["message.received", "escalation.requested"], "is_active": true,
               "created_at": "2024-01-15T10:30:00Z"}]})
    );
    assert!(
        !list.to_string().contains("whsec_"),
        "the secret is shown only at creation"
    );

    let second = create_hook(&mut m, "https://example.com/other", &["lead.captured"]);
    assert_ne!(second["secret"], hook["secret"]);
    assert_ne!(second["id"], hook["id"]);

    assert_eq!(
        delete(&mut m, &format!("/webhooks/{id}/")).body,
        json!({"success": true, "message": "Webhook deleted"})
    );
    assert_eq!(delete(&mut m, &format!("/webhooks/{id}/")).status, 404);
    // Ids are matched after percent-decoding the path segment; no other path is reachable.
    let second_id = second["id"].as_str().unwrap().replace('-', "%2D");
    assert_eq!(delete(&mut m, &format!("/webhooks/{second_id}/")).status, 200);
    assert_eq!(get(&mut m, "/webhooks/").body["webhooks"], json!([]));
}

#[test]
fn ids_and_secrets_are_deterministic() {
    let play = || {
        let mut m = mock();
        let hook = create_hook(&mut m, "https://example.com/h", &["message.received"]);
        let entry = add_text(&mut m, "T", "some content here").body;
        let session = post(&mut m, "/chat/", json!({"message": "hello"})).body;
        (hook, entry, session)
    };
    assert_eq!(play(), play());
}

/// The first webhook's secret in every sandbox (ids and secrets are deterministic).
const VECTOR_SECRET: &str = "whsec_6196ccdd7756299c92525788152917b2";
/// Computed with openssl, independently of this crate, over the body in the test below:
/// `printf '%s' "$BODY" | openssl dgst -sha256 -hmac whsec_6196ccdd7756299c92525788152917b2`.
const VECTOR_SIGNATURE: &str = "533fe48fd11fb9f9882126d68ea59186fae6480f592026d5218c12acf9a6c7a6";

#[test]
fn deliveries_are_signed_with_the_webhook_secret() {
    let mut m = mock();
    let hook = create_hook(&mut m, "https://hooks.example.com/asyntai", &["message.received"]);
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        secret, VECTOR_SECRET,
        "the first webhook's secret is fixed (deterministic sandbox)"
    );

    let a = chat(&mut m, "Hello there", "s1");
    assert_eq!(a.deliveries.len(), 1);
    let d = &a.deliveries[0];
    assert_eq!(d.url, "https://hooks.example.com/asyntai");
    assert_eq!(d.event, "message.received");
    let expected_body = concat!(
        r#"{"event":"message.received","payload":{"session_id":"s1","website_id":1,"#,
        r#""website_domain":"example.com","source":"api","message":"Hello there","#,
        r#""response":"I'm sorry, I couldn't find an answer to that in our knowledge base. "#,
        r#"Could you rephrase your question, or ask to speak with a member of our team?","#,
        r#""timestamp":"2024-01-15T10:30:00Z"}}"#
    );
    assert_eq!(d.body, expected_body);
    assert_eq!(d.signature, VECTOR_SIGNATURE);
}

#[test]
fn chat_events_in_order_and_only_to_subscribers() {
    let mut m = mock();
    let all = create_hook(
        &mut m,
        "https://a.example/h",
        &[
            "conversation.started",
            "message.received",
            "lead.captured",
            "escalation.requested",
        ],
    );
    create_hook(&mut m, "http://localhost:9/leads", &["lead.captured"]);
    create_hook(&mut m, "https://c.example/t", &["takeover.started"]);

    let a = chat(&mut m, "hello", "s1");
    let events: Vec<(&str, &str)> = a
        .deliveries
        .iter()
        .map(|d| (d.url.as_str(), d.event.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("https://a.example/h", "conversation.started"),
            ("https://a.example/h", "message.received")
        ]
    );
    let started: Value = serde_json::from_str(&a.deliveries[0].body).unwrap();
    assert_eq!(
        started,
        json!({"event": "conversation.started", "payload": {"session_id": "s1", "website_id": 1,
               "website_domain": "example.com", "source": "api", "first_message": "hello",
               "started_at": "2024-01-15T10:30:00.000Z"}})
    );

    // Second message: no conversation.started; an email: lead.captured to both lead subscribers.
    let a = post_at(
        &mut m,
        "/chat/",
        json!({"message": "I'm ann@ex.io", "session_id": "s1"}),
        NOW + 5_000.0,
    );
    let events: Vec<(&str, &str)> = a
        .deliveries
        .iter()
        .map(|d| (d.url.as_str(), d.event.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("https://a.example/h", "message.received"),
            ("https://a.example/h", "lead.captured"),
            ("http://localhost:9/leads", "lead.captured"),
        ]
    );
    let lead: Value = serde_json::from_str(&a.deliveries[1].body).unwrap();
    assert_eq!(
        lead,
        json!({"event": "lead.captured", "payload": {"email": "ann@ex.io", "phone": null, "page_url": null,
               "country": null, "website_domain": "example.com", "session_id": "s1",
               "started_at": "2024-01-15T10:30:00.000Z"}})
    );
    // The same email again changes nothing: no new lead.captured.
    let a = chat(&mut m, "again: ann@ex.io", "s1");
    assert!(a.deliveries.iter().all(|d| d.event != "lead.captured"));

    // Each delivery is signed with its own webhook's secret (crate::webhook::sign itself is checked against openssl above).
    let secret = all["secret"].as_str().unwrap();
    for d in &a.deliveries {
        assert_eq!(d.signature, crate::webhook::sign(secret.as_bytes(), d.body.as_bytes()));
        assert_eq!(d.signature.len(), 64);
    }
}

#[test]
fn asking_for_a_human_escalates() {
    let mut m = mock();
    shop(&mut m);
    create_hook(&mut m, "https://a.example/h", &["escalation.requested"]);
    let a = chat(&mut m, "Can I talk to a real person about my refund?", "s9");
    assert_eq!(a.body["response"], ESCALATION_ANSWER);
    assert_eq!(a.deliveries.len(), 1);
    let e: Value = serde_json::from_str(&a.deliveries[0].body).unwrap();
    assert_eq!(e["event"], "escalation.requested");
    assert_eq!(e["payload"]["session_id"], "s9");
    assert_eq!(e["payload"]["message"], "Can I talk to a real person about my refund?");
    // An ordinary question does not escalate.
    let a = chat(&mut m, "refund?", "s9");
    assert!(a.deliveries.is_empty());
}

#[test]
fn deleted_webhooks_and_other_websites_get_nothing() {
    let mut m = Mock::new(MockOptions {
        websites: vec![
            Website {
                id: 1,
                name: "A".into(),
                domain: "a.example".into(),
                is_primary: true,
            },
            Website {
                id: 2,
                name: "B".into(),
                domain: "b.example".into(),
                is_primary: false,
            },
        ],
        ..MockOptions::default()
    });
    let a = post(
        &mut m,
        "/webhooks/",
        json!({"url": "https://h.example/b", "events": ["message.received"], "website_id": "2"}),
    );
    let id = a.body["webhook"]["id"].as_str().unwrap().to_owned();
    assert!(chat(&mut m, "hello", "on-site-1").deliveries.is_empty());
    let a = post(&mut m, "/chat/", json!({"message": "hello", "website_id": 2}));
    assert_eq!(a.deliveries.len(), 1);
    let payload: Value = serde_json::from_str(&a.deliveries[0].body).unwrap();
    assert_eq!(payload["payload"]["website_domain"], "b.example");
    delete(&mut m, &format!("/webhooks/{id}/"));
    assert!(post(&mut m, "/chat/", json!({"message": "hello", "website_id": 2}))
        .deliveries
        .is_empty());
}

// -- options ------------------------------------------------------------------------------------

#[test]
fn websites_option_parsing() {
    let w = parse_websites(r#"[{"id": 3, "name": "Shop", "domain": "shop.example"}, {"id": 4, "is_primary": true}]"#)
        .unwrap();
    assert_eq!(
        w,
        vec![
            Website {
                id: 3,
                name: "Shop".into(),
                domain: "shop.example".into(),
                is_primary: false
            },
            Website {
                id: 4,
                name: "Website 4".into(),
                domain: "site4.example.com".into(),
                is_primary: true
            },
        ]
    );
    let mut m = Mock::new(MockOptions {
        websites: w,
        ..MockOptions::default()
    });
    // Chat without website_id goes to the primary website (4).
    post(&mut m, "/chat/", json!({"message": "hi", "session_id": "x"}));
    assert_eq!(
        get(&mut m, "/sessions/").body["sessions"][0]["website_domain"],
        "site4.example.com"
    );

    for (json, needle) in [
        ("[]", "websites:"),
        ("{}", "websites:"),
        ("not json", "websites:"),
        ("[1]", "websites[0]"),
        (r#"[{"id": 0}]"#, "websites[0].id"),
        (r#"[{"id": "1"}]"#, "websites[0].id"),
        (r#"[{"id": 1}, {"id": 1}]"#, "websites[1].id"),
        (r#"[{"id": 1, "name": ""}]"#, "websites[0].name"),
        (r#"[{"id": 1, "domain": 5}]"#, "websites[0].domain"),
        (r#"[{"id": 1, "is_primary": "yes"}]"#, "websites[0].is_primary"),
        (
            r#"[{"id": 1, "is_primary": true}, {"id": 2, "is_primary": true}]"#,
            "websites[1].is_primary",
        ),
        (r#"[{"id": 1, "url": "x"}]"#, "websites[0].url"),
    ] {
        let err = parse_websites(json).unwrap_err();
        assert!(err.starts_with(needle), "{json}: {err}");
    }
    // Without a primary, the first website is primary.
    let m = Mock::new(MockOptions {
        websites: parse_websites(r#"[{"id": 5}, {"id": 6}]"#).unwrap(),
        ..MockOptions::default()
    });
    assert!(m.websites[0].is_primary && !m.websites[1].is_primary);
    // No websites at all: the default one.
    let m = Mock::new(MockOptions {
        websites: vec![],
        ..MockOptions::default()
    });
    assert_eq!(m.websites, vec![Website::default_primary()]);
}

#[test]
fn limits_option_parsing() {
    let base = Plan::Starter.limits();
    assert_eq!(
        parse_limits(r#"{"messagesPerMonth": 2, "spreadsheetRows": 3}"#, base).unwrap(),
        Limits {
            messages_per_month: 2,
            upload_chars_per_day: 100_000,
            spreadsheet_rows: 3
        }
    );
    assert_eq!(parse_limits("{}", base).unwrap(), base);
    for (json, needle) in [
        ("[]", "limits:"),
        (r#"{"messagesPerMonth": -1}"#, "limits.messagesPerMonth"),
        (r#"{"uploadCharsPerDay": "5"}"#, "limits.uploadCharsPerDay"),
        (r#"{"spreadsheetRows": 1.5}"#, "limits.spreadsheetRows"),
        (r#"{"messages": 5}"#, "limits.messages"),
    ] {
        let err = parse_limits(json, base).unwrap_err();
        assert!(err.starts_with(needle), "{json}: {err}");
    }
}

#[test]
fn strange_clocks_and_inputs_never_panic() {
    let mut m = mock();
    for now in [f64::NAN, -1.0, f64::INFINITY, 0.0, 1e20] {
        let a = call_with(&mut m, "POST", "/chat/", &bearer(), br#"{"message":"hi"}"#, now);
        assert_eq!(a.status, 200);
    }
    for target in [
        "",
        "?",
        "%",
        "/%ff/",
        "/knowledge/%/",
        "/api/v1",
        "//",
        "/webhooks/%E2%82%AC/",
        "http://",
        "https://x",
    ] {
        let r = m.handle("DELETE", target, &bearer(), b"\xff\xfe", NOW);
        assert!(matches!(r.status, 404 | 405), "{target}: {}", r.status);
    }
    let r = m.handle("POST", "/chat/", &bearer(), b"{\"message\":\"\xff\"}", NOW);
    assert_eq!(r.status, 400);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn check(m: &mut Mock, method: &str, target: &str, headers: &[(String, String)], body: &[u8]) {
        let r = m.handle(method, target, headers, body, NOW);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["success"].as_bool(), Some(r.status == 200), "{}", r.body);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn any_request(
            method in "(GET|POST|DELETE|PUT)",
            target in "(/api/v1)?/(chat|knowledge|webhooks|sessions|leads|tickets|conversations|account|websites|knowledge/(text|url|spreadsheet|[a-z%0-9.-]{0,8})|webhooks/[a-z%0-9.-]{0,8})/?(\\?[a-z_=&%0-9+]{0,24})?",
            content_type in "(application/json|multipart/form-data; boundary=[a-z]{0,3}|text/plain)",
            body in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let mut m = mock();
            let mut headers = bearer();
            headers.push(("content-type".into(), content_type));
            check(&mut m, &method, &target, &headers, &body);
        }

        #[test]
        fn any_chat_message(message in "\\PC{0,120}", session in "\\PC{0,12}") {
            let mut m = mock();
            add_text(&mut m, "Store", "We sell shoes, boxes and glasses. Call 555-123-4567.");
            create_hook(&mut m, "https://h.example/x", EVENTS);
            let body = json!({"message": message, "session_id": session}).to_string();
            check(&mut m, "POST", "/chat/", &bearer(), body.as_bytes());
            let body = json!({"title": session, "content": message}).to_string();
            check(&mut m, "POST", "/knowledge/text/", &bearer(), body.as_bytes());
        }

        #[test]
        fn any_list_query(
            path in "(sessions|leads|tickets)",
            since in "(\\PC{0,30}|[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{0,12})?)?([Zz]|[+ -][0-9]{2}(:?[0-9]{2})?)?)?)",
            before in "(\\PC{0,30}|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?Z)?)",
            email in "\\PC{0,20}",
            website_id in "(1|2|[0-9]{0,20}|\\PC{0,5})",
        ) {
            let mut m = mock();
            chat(&mut m, "hi, mail me at a@example.com, I need a human", "s");
            let q = |k: &str, v: &str| format!("{k}={}", crate::api::encode_segment(v));
            let target = format!(
                "/{path}/?{}&{}&{}&{}",
                q("since", &since), q("before", &before), q("email", &email), q("website_id", &website_id)
            );
            let r = m.handle("GET", &target, &bearer(), b"", NOW);
            prop_assert!(matches!(r.status, 200 | 400 | 404), "{target}: {} {}", r.status, r.body);
            check(&mut m, "GET", &target, &bearer(), b"");
            // Whatever the parser takes lies within years 0000..=9999, give or take a day of offset:
            // 0000-01-01T00:00:00Z is -62167219200000 ms, 10000-01-01T00:00:00Z 253402300800000 ms.
            const DAY_MS: i64 = 86_400_000;
            if let Some(ms) = time::parse_instant(&since) {
                prop_assert!((-62_167_219_200_000 - DAY_MS..=253_402_300_800_000 + DAY_MS).contains(&ms), "{since}: {ms}");
            }
        }

        #[test]
        fn any_spreadsheet(data in proptest::collection::vec(prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), any::<u8>()], 0..300)) {
            let mut m = mock();
            let body = multipart_body("zz", Some("x.csv"), &data, None);
            let mut headers = bearer();
            headers.push(("content-type".into(), "multipart/form-data; boundary=zz".into()));
            check(&mut m, "POST", "/knowledge/spreadsheet/", &headers, &body);
        }
    }
}

// What the vendor's own clients send and read (asyntai-api.md, last section).
mod contract;
mod seeding;
