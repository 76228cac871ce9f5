//! What the Rust API's tests against the fake Asyntai API share on each wasm target: the fetch transport
//! (tests/wasm.rs, wasm-bindgen-test in Node) and the wasi:http one (tests/wasi.rs, a WASI component in
//! Node). The fake server's URL is compiled in as `ASYNTAI_FAKE_API` (make test-wasm, make test-wasi);
//! expected values come from its documented answers (tests/js/fake-api.mjs) and from openssl, never from
//! the code under test. Each scenario is an `async fn`, awaited by the target's own test harness; `seen`
//! is the target's way to ask the fake server how many requests it has seen (one more).

use std::future::Future;

use asyntai_edge::transport::DefaultTransport;
use asyntai_edge::{
    ApiErrorKind, ChatRequest, Client, Error, ListConversationsRequest, ListSessionsRequest, RequestOptions,
    Transport, UploadSpreadsheetRequest, Webhook,
};

pub const KEY: &str = "sk_test_wasm_0123456789";

pub fn base() -> &'static str {
    option_env!("ASYNTAI_FAKE_API").unwrap_or("ASYNTAI_FAKE_API was not set when these tests were built (make test-wasm and make test-wasi set it)")
}

pub fn client() -> Client {
    Client::builder(KEY).base_url(base()).max_retries(0).build().unwrap()
}

pub fn with_headers(c: &Client, headers: &[(&str, &str)]) -> Client {
    c.with_options(RequestOptions {
        headers: headers.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect(),
        ..Default::default()
    })
}

pub async fn chat_answers_typed() {
    let c = client();
    let answer = c.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() }).await.unwrap();
    assert_eq!(answer.response, "Our business hours are Monday-Friday, 9 AM to 5 PM EST.");
    assert_eq!(answer.session_id, "session_fake_1");
    assert!(answer.success);
    let again = c
        .chat()
        .send(ChatRequest { message: "And Saturday?".into(), session_id: Some("s-42".into()), website_id: Some(3u64.into()) })
        .await
        .unwrap();
    assert_eq!(again.session_id, "s-42");
}

pub async fn lists_are_typed() {
    let c = client();
    let sites = c.websites().list().await.unwrap();
    assert_eq!(sites.websites.len(), 2);
    assert_eq!((sites.websites[0].id, sites.websites[0].domain.as_str(), sites.websites[0].is_primary), (1, "example.com", true));
    let conv = c.conversations().list(ListConversationsRequest { session_id: "abc".into(), limit: Some(10) }).await.unwrap();
    assert_eq!(conv.session_id, "abc");
    assert_eq!(conv.messages[0].role, "user");
    let account = c.account().get().await.unwrap();
    assert_eq!(account.account.plan, "starter");
}

pub async fn api_errors_carry_status_and_message() {
    let c = with_headers(&client(), &[("x-fake-status", "401")]);
    match c.account().get().await {
        Err(Error::Api(e)) => {
            assert_eq!((e.status, e.kind, e.error.as_deref()), (401, ApiErrorKind::Authentication, Some("scripted 401")));
            assert!(!format!("{e:?}").contains(KEY));
        }
        other => panic!("expected a 401, got {other:?}"),
    }
    let html = with_headers(&client(), &[("x-fake-status", "502"), ("x-fake-html", "1")]);
    match html.websites().list().await {
        Err(Error::Api(e)) => assert_eq!((e.status, e.kind, e.error), (502, ApiErrorKind::InternalServer, None)),
        other => panic!("expected a 502, got {other:?}"),
    }
}

/// A 503 with `Retry-After: <retry_after>`, retried once, then given up with the last error.
pub async fn retries_then_gives_up_with_the_last_error<F: Future<Output = u64>>(seen: impl Fn() -> F, retry_after: &str) {
    let c = Client::builder(KEY).base_url(base()).max_retries(1).build().unwrap();
    let c = with_headers(&c, &[("x-fake-status", "503"), ("x-fake-retry-after", retry_after)]);
    let before = seen().await;
    let r = c.websites().list().await;
    let expected: f64 = retry_after.parse().unwrap();
    assert!(matches!(&r, Err(Error::Api(e)) if e.status == 503 && e.retry_after == Some(expected)), "{r:?}");
    assert_eq!(seen().await - before, 3, "two attempts, then the count request");
}

pub async fn bad_input_sends_nothing<F: Future<Output = u64>>(seen: impl Fn() -> F) {
    let c = client();
    let before = seen().await;
    let r = c.chat().send(ChatRequest { message: "   ".into(), ..Default::default() }).await;
    assert!(matches!(&r, Err(Error::Validation { field, .. }) if field == "message"), "{r:?}");
    let r = c.sessions().list(ListSessionsRequest { limit: Some(101), ..Default::default() }).await;
    assert!(matches!(&r, Err(Error::Validation { field, .. }) if field == "limit"), "{r:?}");
    assert_eq!(seen().await - before, 1, "only the count request");
}

/// A spreadsheet upload, `file` holding `question,answer\nHours?,9 to 5\n` as the target's transport holds files.
pub async fn spreadsheets_go_as_multipart(file: <DefaultTransport as Transport>::File) {
    let c = client();
    let r = c.knowledge().upload_spreadsheet(UploadSpreadsheetRequest { file, filename: Some("faq.csv".into()), website_id: None }).await.unwrap();
    assert!(r.success);
    assert!(r.rows_processed > 0);
}

pub async fn sessions_page_by_page() {
    let c = client();
    let mut pages = c.sessions().pages(ListSessionsRequest { limit: Some(20), ..Default::default() });
    let first = pages.next_page().await.unwrap().unwrap();
    assert!(!first.sessions.is_empty());
    // The fake answers fewer than `limit` sessions: that page was the last.
    assert!(pages.next_page().await.is_none());
}

pub fn webhooks_verify_against_openssl() {
    // printf '%s' '{"event":"lead.captured","payload":{"email":"a@b.co"}}' | openssl dgst -sha256 -hmac whsec_wasm
    let body = br#"{"event":"lead.captured","payload":{"email":"a@b.co"}}"#;
    let sig = "89e50d356b3275232bd6e19bf7dff9d4df130282579457d12b2bab9c99600689";
    let hook = Webhook::new("whsec_wasm").unwrap();
    let event = hook.verify(body, sig).unwrap();
    assert_eq!(event.event, "lead.captured");
    assert_eq!(event.payload["email"], "a@b.co");
    assert!(matches!(hook.verify(body, &"0".repeat(64)), Err(Error::Webhook { .. })));
    assert!(hook.is_valid(body, &format!("sha256={}", sig.to_uppercase())));
}
