//! The Rust API on wasm32-wasip2, as a Spin or wasmtime component uses it: the `Client` over the
//! wasi:http transport, the test binary run as a WASI 0.2 command component in Node (jco's transpiler
//! and its WASI shim: tests/wasi/run.mjs), against the fake Asyntai API on loopback
//! (tests/wasm/serve-fake-api.mjs, started by `make test-wasi`, whose URL is compiled in as
//! `ASYNTAI_FAKE_API`). Expected values come from the fake server's documented answers
//! (tests/js/fake-api.mjs) and from openssl, never from the code under test.
#![cfg(all(target_os = "wasi", target_env = "p2"))]

#[path = "support/fake_api.rs"]
mod fake_api;

use std::time::{Duration, Instant};

use asyntai_edge::api::Method;
use asyntai_edge::transport::wasi::WasiTransport;
use asyntai_edge::transport::{block_on, HttpBody, HttpRequest, Response, Transport};
use asyntai_edge::{ChatRequest, Client, Error};
use fake_api::{base, with_headers, KEY};

/// How many requests the fake server has seen (one request more).
async fn seen() -> u64 {
    let url = format!("{}__requests__", base());
    let req = HttpRequest { method: Method::Get, url: &url, headers: &[], standard_headers: None, body: HttpBody::Empty, timeout_ms: 5000.0 };
    let res = WasiTransport.send(req, None).await.unwrap();
    let v: serde_json::Value = serde_json::from_str(&res.text()).unwrap();
    v["count"].as_u64().unwrap()
}

#[test]
fn the_default_transport_here_is_wasi_http() {
    // `build()` without a transport: the target's own (a native build has none and fails).
    let c = Client::builder(KEY).base_url(base()).build().unwrap();
    let answer = block_on(c.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() })).unwrap();
    assert_eq!(answer.response, "Our business hours are Monday-Friday, 9 AM to 5 PM EST.");
}

#[test]
fn chat_answers_typed() {
    block_on(fake_api::chat_answers_typed());
}

#[test]
fn lists_are_typed() {
    block_on(fake_api::lists_are_typed());
}

#[test]
fn api_errors_carry_status_and_message() {
    block_on(fake_api::api_errors_carry_status_and_message());
}

#[test]
fn retries_after_waiting_then_gives_up_with_the_last_error() {
    let t0 = Instant::now();
    block_on(fake_api::retries_then_gives_up_with_the_last_error(seen, "1"));
    // Retry-After: 1 is honoured, waited on the monotonic clock.
    assert!(t0.elapsed() >= Duration::from_millis(950), "waited {:?}", t0.elapsed());
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
    match block_on(c.websites().list()) {
        Err(e @ Error::Connection { .. }) => assert!(!format!("{e:?}").contains(KEY), "{e:?}"),
        other => panic!("expected a connection error, got {other:?}"),
    }
}

#[test]
fn an_error_page_is_read_only_as_far_as_the_client_keeps_it() {
    // 50 MB of HTML behind a 502: the error carries its first MiB, and the component's memory does not
    // grow by the rest.
    let pages = || core::arch::wasm32::memory_size(0);
    let before = pages();
    let c = with_headers(&fake_api::client(), &[("x-fake-status", "502"), ("x-fake-html", "1"), ("x-fake-html-bytes", "50000000")]);
    match block_on(c.websites().list()) {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 502);
            assert!(e.body.ends_with(asyntai_edge::client::CUT), "{}", &e.body[e.body.len().saturating_sub(80)..]);
            assert!(e.body.len() <= asyntai_edge::client::MAX_ERROR_BODY + asyntai_edge::client::CUT.len());
        }
        other => panic!("expected a 502, got {other:?}"),
    }
    let grown_mib = (pages() - before) * 64 / 1024;
    assert!(grown_mib < 16, "the memory grew by {grown_mib} MiB");
}

#[test]
fn bad_input_sends_nothing() {
    block_on(fake_api::bad_input_sends_nothing(seen));
}

#[test]
fn spreadsheets_go_as_multipart() {
    block_on(fake_api::spreadsheets_go_as_multipart(b"question,answer\nHours?,9 to 5\n".to_vec()));
}

#[test]
fn sessions_page_by_page() {
    block_on(fake_api::sessions_page_by_page());
}

#[test]
fn webhooks_verify_against_openssl() {
    fake_api::webhooks_verify_against_openssl();
}
