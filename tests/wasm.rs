//! The wasm boundary, run in Node by wasm-bindgen-test (`make test-wasm`): what crosses into
//! JavaScript, in the shapes `pkg-template/lib/client.js` reads.
#![cfg(target_arch = "wasm32")]

use asyntai_edge::wasm::client::{classify, prepare, retry_after, retry_delay};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn prepare_hands_back_one_wire_string() {
    assert_eq!(prepare("chat.send", r#"{"message":"Hi","website_id":"3"}"#).ok(), Some("POST chat/\n{\"message\":\"Hi\",\"website_id\":3}".into()));
    assert_eq!(prepare("knowledge.delete", r#"{"id":"a/b"}"#).ok(), Some("DELETE knowledge/a%2Fb/\n".into()));
}

#[wasm_bindgen_test]
fn validation_errors_cross_as_field_and_message() {
    let err = prepare("conversations.list", r#"{"session_id":"s","limit":0}"#).err().and_then(|e| e.as_string());
    let err = err.unwrap_or_default();
    let (field, message) = err.split_once('\u{1f}').unwrap_or_default();
    assert_eq!(field, "limit");
    assert!(message.contains("1 to 100"), "{message}");
}

#[wasm_bindgen_test]
fn classify_names_the_class_and_keeps_the_api_message() {
    assert_eq!(classify(200, r#"{"success":true}"#), "");
    assert_eq!(classify(401, r#"{"success":false,"error":"Invalid API key"}"#), "AuthenticationError\u{1f}401 Invalid API key\u{1f}Invalid API key");
    assert_eq!(classify(503, ""), "ServiceUnavailableError\u{1f}503 status code (no body)");
    assert!(classify(200, "<html>").starts_with("APIConnectionError\u{1f}"));
}

#[wasm_bindgen_test]
fn retry_decisions_cross_as_milliseconds() {
    assert_eq!(retry_delay(0, 2, "GET", 500, -1.0, 0.0), 500.0);
    assert_eq!(retry_delay(0, 2, "POST", 500, -1.0, 0.0), -1.0);
    assert_eq!(retry_delay(0, 2, "POST", 429, 2.0, 0.0), 2000.0);
    assert_eq!(retry_delay(0, 2, "GET", 1, -1.0, 0.0), 500.0);
    assert_eq!(retry_after("7", 0.0), 7.0);
    assert_eq!(retry_after("later", 0.0), -1.0);
}
