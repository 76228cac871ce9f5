//! The client's core, for `pkg-template/lib/client.js`.
//!
//! JSON crosses the boundary as text, at most once per direction on the success path: the options
//! object goes in as `JSON.stringify` text (one copy, parsed and validated here), the request comes out
//! as one string; a success body never enters wasm at all (JavaScript's own `JSON.parse` reads it, and
//! only an answer that is not a plain success is classified here).

use wasm_bindgen::prelude::*;

use crate::api::{self, response};
use crate::error::Error;
use crate::retry::{self, Decision, Outcome};

/// Separates the parts of the strings handed back to JavaScript (never in a field name or a path).
const SEP: char = '\u{1f}';

/// Validates the options of operation `op` and builds its request, as
/// `"<METHOD> <path>\n<body>"` (see [`api::ApiRequest::to_wire`]).
///
/// # Errors
/// Throws the string `"<field>\u{1f}<message>"`, which the shell turns into a `ValidationError`.
#[wasm_bindgen]
pub fn prepare(op: &str, params: &str) -> Result<String, JsValue> {
    api::build(op, params).map(|r| r.to_wire()).map_err(|e| match e {
        Error::Validation { field, message } => JsValue::from_str(&format!("{field}{SEP}{message}")),
        other => JsValue::from_str(&format!("params{SEP}{other}")),
    })
}

/// Classifies an answer that was not a plain success (see [`response::classify`]).
/// Returns `""` when the body is fine after all, else `"<class>\u{1f}<message>\u{1f}<error>"` where
/// class is an error class name (`APIConnectionError` for a bad 2xx body) and `<error>` is the API's
/// own message, absent (no separator) when the body had none.
#[wasm_bindgen]
pub fn classify(status: u16, body: &str) -> String {
    match response::classify(status, body, None) {
        Ok(()) => String::new(),
        Err(Error::Api(a)) => {
            let mut out = format!("{}{SEP}{}", a.kind.class_name(), a.message);
            if let Some(e) = a.error {
                out.push(SEP);
                out.push_str(&e);
            }
            out
        }
        Err(Error::Connection { message }) => format!("APIConnectionError{SEP}{message}"),
        Err(Error::Validation { message, .. }) => format!("APIError{SEP}{message}"),
    }
}

/// `Retry-After` in seconds, or -1 when absent or unreadable.
#[wasm_bindgen(js_name = retryAfter)]
pub fn retry_after(value: &str, now_ms: f64) -> f64 {
    retry::parse_retry_after(value, now_ms).unwrap_or(-1.0)
}

/// The retry decision: milliseconds to wait, or -1 to raise the error now.
/// `status` is the HTTP status, 0 for a network error, 1 for a timeout; `retry_after_s` < 0 when none.
#[wasm_bindgen(js_name = retryDelay)]
pub fn retry_delay(retries_done: u32, max_retries: u32, method: &str, status: u16, retry_after_s: f64, random: f64) -> f64 {
    let method = match method {
        "GET" => api::Method::Get,
        "DELETE" => api::Method::Delete,
        _ => api::Method::Post,
    };
    let outcome = match status {
        0 => Outcome::Network,
        1 => Outcome::Timeout,
        s => Outcome::Status(s),
    };
    let ra = (retry_after_s >= 0.0).then_some(retry_after_s);
    match retry::decide(retries_done, max_retries, method, outcome, ra, random) {
        Decision::Retry(ms) => ms,
        Decision::Stop => -1.0,
    }
}
