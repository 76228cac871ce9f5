//! The Rust API on wasm32-wasip2, as a Spin or wasmtime component uses it: the `Client` over the
//! wasi:http transport, the test binary run as a WASI 0.2 command component in Node (jco's transpiler
//! and its WASI shim: tests/wasi/run.mjs), against the fake Asyntai API on loopback
//! (tests/wasm/serve-fake-api.mjs, started by `make test-wasi`, whose URL is compiled in as
//! `ASYNTAI_FAKE_API`). Expected values come from the fake server's documented answers
//! (tests/js/fake-api.mjs) and from openssl, never from the code under test.
#![cfg(all(target_os = "wasi", target_env = "p2"))]

use std::time::{Duration, Instant};

use asyntai_edge::api::Method;
use asyntai_edge::transport::wasi::WasiTransport;
use asyntai_edge::transport::{block_on, HttpBody, HttpRequest, Response, Transport};
use asyntai_edge::{
    ApiErrorKind, ChatRequest, Client, Error, ListConversationsRequest, ListSessionsRequest, RequestOptions,
    UploadSpreadsheetRequest, Webhook,
};

const KEY: &str = "sk_test_wasi_0123456789";

fn base() -> &'static str {
    option_env!("ASYNTAI_FAKE_API").unwrap_or("ASYNTAI_FAKE_API was not set when these tests were built (make test-wasi sets it)")
}

fn client() -> Client {
    Client::builder(KEY).base_url(base()).max_retries(0).build().unwrap()
}

fn with_headers(c: &Client, headers: &[(&str, &str)]) -> Client {
    c.with_options(RequestOptions {
        headers: headers.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect(),
        ..Default::default()
    })
}

/// How many requests the fake server has seen (one request more).
fn seen() -> u64 {
    let url = format!("{}__requests__", base());
    let req = HttpRequest { method: Method::Get, url: &url, headers: &[], standard_headers: None, body: HttpBody::Empty, timeout_ms: 5000.0 };
    let res = block_on(WasiTransport.send(req, None)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    v["count"].as_u64().unwrap()
}

#[test]
fn the_default_transport_here_is_wasi_http() {
    // `build()` without a transport: the target's own (a native build has none and fails).
    let c = Client::builder(KEY).base_url(base()).build().unwrap();
    let answer = block_on(c.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() })).unwrap();
    assert_eq!(answer.response, "Our business hours are Monday-Friday, 9 AM to 5 PM EST.");
    assert_eq!(answer.session_id, "session_fake_1");
    assert!(answer.success);
}

#[test]
fn chat_sends_its_fields() {
    let again = block_on(client().chat().send(ChatRequest {
        message: "And Saturday?".into(),
        session_id: Some("s-42".into()),
        website_id: Some(3u64.into()),
    }))
    .unwrap();
    assert_eq!(again.session_id, "s-42");
}

#[test]
fn lists_are_typed() {
    let c = client();
    let sites = block_on(c.websites().list()).unwrap();
    assert_eq!(sites.websites.len(), 2);
    assert_eq!((sites.websites[0].id, sites.websites[0].domain.as_str(), sites.websites[0].is_primary), (1, "example.com", true));
    let conv = block_on(c.conversations().list(ListConversationsRequest { session_id: "abc".into(), limit: Some(10) })).unwrap();
    assert_eq!(conv.session_id, "abc");
    assert_eq!(conv.messages[0].role, "user");
    let account = block_on(c.account().get()).unwrap();
    assert_eq!(account.account.plan, "starter");
}

#[test]
fn api_errors_carry_status_and_message() {
    let c = with_headers(&client(), &[("x-fake-status", "401")]);
    match block_on(c.account().get()) {
        Err(Error::Api(e)) => {
            assert_eq!((e.status, e.kind, e.error.as_deref()), (401, ApiErrorKind::Authentication, Some("scripted 401")));
            assert!(!format!("{e:?}").contains(KEY));
        }
        other => panic!("expected a 401, got {other:?}"),
    }
    let html = with_headers(&client(), &[("x-fake-status", "502"), ("x-fake-html", "1")]);
    match block_on(html.websites().list()) {
        Err(Error::Api(e)) => assert_eq!((e.status, e.kind, e.error), (502, ApiErrorKind::InternalServer, None)),
        other => panic!("expected a 502, got {other:?}"),
    }
}

#[test]
fn retries_after_waiting_then_gives_up_with_the_last_error() {
    let c = Client::builder(KEY).base_url(base()).max_retries(1).build().unwrap();
    let c = with_headers(&c, &[("x-fake-status", "503"), ("x-fake-retry-after", "1")]);
    let before = seen();
    let t0 = Instant::now();
    let r = block_on(c.websites().list());
    let waited = t0.elapsed();
    assert!(matches!(&r, Err(Error::Api(e)) if e.status == 503 && e.retry_after == Some(1.0)), "{r:?}");
    assert_eq!(seen() - before, 3, "two attempts, then the count request");
    // Retry-After: 1 is honoured with the monotonic clock.
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
}

#[test]
fn an_attempt_past_its_timeout_is_a_timeout() {
    let c = Client::builder(KEY).base_url(base()).max_retries(0).timeout(Duration::from_millis(200)).build().unwrap();
    let c = with_headers(&c, &[("x-fake-delay", "2000")]);
    let t0 = Instant::now();
    let r = block_on(c.account().get());
    assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
    assert!(t0.elapsed() < Duration::from_millis(1500), "the timeout did not cut the wait: {:?}", t0.elapsed());
}

#[test]
fn a_refused_connection_is_a_connection_error_without_the_key() {
    // Port 1 on loopback: nothing listens there.
    let c = Client::builder(KEY).base_url("http://127.0.0.1:1/api/v1/").max_retries(0).build().unwrap();
    let r = block_on(c.websites().list());
    match r {
        Err(e @ Error::Connection { .. }) => assert!(!format!("{e:?}").contains(KEY), "{e:?}"),
        other => panic!("expected a connection error, got {other:?}"),
    }
}

#[test]
fn bad_input_sends_nothing() {
    let c = client();
    let before = seen();
    let r = block_on(c.chat().send(ChatRequest { message: "   ".into(), ..Default::default() }));
    assert!(matches!(&r, Err(Error::Validation { field, .. }) if field == "message"), "{r:?}");
    let r = block_on(c.sessions().list(ListSessionsRequest { limit: Some(101), ..Default::default() }));
    assert!(matches!(&r, Err(Error::Validation { field, .. }) if field == "limit"), "{r:?}");
    assert_eq!(seen() - before, 1, "only the count request");
}

#[test]
fn spreadsheets_go_as_multipart() {
    let c = client();
    let file = b"question,answer\nHours?,9 to 5\n".to_vec();
    let r = block_on(c.knowledge().upload_spreadsheet(UploadSpreadsheetRequest { file, filename: Some("faq.csv".into()), website_id: None }))
        .unwrap();
    assert!(r.success);
    assert!(r.rows_processed > 0);
}

#[test]
fn sessions_page_by_page() {
    let c = client();
    let mut pages = c.sessions().pages(ListSessionsRequest { limit: Some(20), ..Default::default() });
    let first = block_on(pages.next_page()).unwrap().unwrap();
    assert!(!first.sessions.is_empty());
    // The fake answers fewer than `limit` sessions: that page was the last.
    assert!(block_on(pages.next_page()).is_none());
}

#[test]
fn webhooks_verify_against_openssl() {
    // printf '%s' '{"event":"lead.captured","payload":{"email":"a@b.co"}}' | openssl dgst -sha256 -hmac whsec_wasm
    let body = br#"{"event":"lead.captured","payload":{"email":"a@b.co"}}"#;
    let sig = "89e50d356b3275232bd6e19bf7dff9d4df130282579457d12b2bab9c99600689";
    let hook = Webhook::new("whsec_wasm").unwrap();
    let event = hook.verify(body, sig).unwrap();
    assert_eq!(event.event, "lead.captured");
    assert_eq!(event.payload["email"], "a@b.co");
    assert!(matches!(hook.verify(body, &"0".repeat(64)), Err(Error::Webhook { .. })));
}
