//! The Rust API on wasm32, as a Rust program (workers-rs, Leptos, Spin) uses it: the `Client` over
//! the fetch transport, in Node (wasm-bindgen-test), against the fake Asyntai API on loopback
//! (tests/wasm/serve-fake-api.mjs, started by `make test-wasm`, whose URL is compiled in as
//! `ASYNTAI_FAKE_API`). Expected values come from the fake server's documented answers
//! (tests/js/fake-api.mjs) and from openssl, never from the code under test.
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

#[path = "support/fake_api.rs"]
mod fake_api;

use std::time::Duration;

use asyntai_edge::transport::fetch::JsFile;
use asyntai_edge::{Client, Error};
use fake_api::{base, with_headers, KEY};
use wasm_bindgen_test::*;

/// How many requests the fake server has seen.
async fn seen() -> u64 {
    let url = format!("{}__requests__", base());
    let window = js_sys::global();
    let fetch: js_sys::Function = js_sys::Reflect::get(&window, &"fetch".into()).unwrap().into();
    let res = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(fetch.call1(&window, &url.into()).unwrap())).await.unwrap();
    let text = js_sys::Reflect::get(&res, &"text".into()).unwrap();
    let text: js_sys::Function = text.into();
    let body = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(text.call0(&res).unwrap())).await.unwrap();
    let v: serde_json::Value = serde_json::from_str(&body.as_string().unwrap()).unwrap();
    v["count"].as_u64().unwrap()
}

#[wasm_bindgen_test]
async fn chat_answers_typed() {
    fake_api::chat_answers_typed().await;
}

#[wasm_bindgen_test]
async fn lists_are_typed() {
    fake_api::lists_are_typed().await;
}

#[wasm_bindgen_test]
async fn api_errors_carry_status_and_message() {
    fake_api::api_errors_carry_status_and_message().await;
}

#[wasm_bindgen_test]
async fn retries_then_gives_up_with_the_last_error() {
    fake_api::retries_then_gives_up_with_the_last_error(seen, "0").await;
}

#[wasm_bindgen_test]
async fn an_attempt_past_its_timeout_is_a_timeout() {
    let c = Client::builder(KEY).base_url(base()).max_retries(0).timeout(Duration::from_millis(100)).build().unwrap();
    let c = with_headers(&c, &[("x-fake-delay", "1000")]);
    let r = c.account().get().await;
    assert!(matches!(r, Err(Error::Timeout { .. })), "{r:?}");
}

#[wasm_bindgen_test]
async fn bad_input_sends_nothing() {
    fake_api::bad_input_sends_nothing(seen).await;
}

#[wasm_bindgen_test]
async fn spreadsheets_go_as_multipart() {
    fake_api::spreadsheets_go_as_multipart(JsFile::from_bytes(b"question,answer\nHours?,9 to 5\n").unwrap()).await;
}

#[wasm_bindgen_test]
async fn sessions_page_by_page() {
    fake_api::sessions_page_by_page().await;
}

#[wasm_bindgen_test]
fn webhooks_verify_against_openssl() {
    fake_api::webhooks_verify_against_openssl();
}
