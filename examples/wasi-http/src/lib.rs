//! An HTTP component in Rust on asyntai-edge, as Spin or `wasmtime serve` runs it: `POST /chat` answers
//! a visitor's message through the Asyntai API, `POST /webhook` verifies a signed delivery. Its
//! settings come from the environment: `ASYNTAI_API_KEY`, `ASYNTAI_BASE_URL` (optional) and
//! `ASYNTAI_WEBHOOK_SECRET` (Spin: the component's `environment`; wasmtime: `--env`).
//!
//! WASI 0.2 has no async in the guest: the client's calls block this handler until they settle, so
//! `block_on` runs them with no executor.

use asyntai_edge::transport::block_on;
use asyntai_edge::{ChatRequest, Client, Error, Webhook};
use serde_json::{json, Value};
use wasip2::exports::wasi::http::incoming_handler::Guest;
use wasip2::http::types::{Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam};

struct Component;

wasip2::http::proxy::export!(Component);

impl Guest for Component {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let (status, body) = route(&request);
        respond(out, status, &body.to_string());
    }
}

fn route(request: &IncomingRequest) -> (u16, Value) {
    let path = request.path_with_query().unwrap_or_default();
    match (request.method(), path.split('?').next().unwrap_or_default()) {
        (Method::Post, "/chat") => chat(request),
        (Method::Post, "/webhook") => webhook(request),
        _ => (404, json!({ "error": "POST /chat or POST /webhook" })),
    }
}

fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn chat(request: &IncomingRequest) -> (u16, Value) {
    let asked: Value = serde_json::from_slice(&read_body(request)).unwrap_or_default();
    let message = asked["message"].as_str().unwrap_or_default().to_owned();
    let mut builder = Client::builder(setting("ASYNTAI_API_KEY").unwrap_or_default()).max_retries(1);
    if let Some(base) = setting("ASYNTAI_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return (500, json!({ "error": e.to_string() })),
    };
    let session_id = asked["session_id"].as_str().map(str::to_owned);
    match block_on(client.chat().send(ChatRequest { message, session_id, ..Default::default() })) {
        Ok(answer) => (200, json!({ "answer": answer.response, "session_id": answer.session_id })),
        Err(Error::Validation { field, message }) => (400, json!({ "error": message, "field": field })),
        Err(Error::Api(e)) => (502, json!({ "error": e.message, "status": e.status })),
        Err(other) => (502, json!({ "error": other.to_string() })),
    }
}

fn webhook(request: &IncomingRequest) -> (u16, Value) {
    let signature = request.headers().get("x-webhook-signature").first().map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default();
    let body = read_body(request);
    let verified = Webhook::new(&setting("ASYNTAI_WEBHOOK_SECRET").unwrap_or_default()).and_then(|hook| hook.verify(&body, &signature));
    match verified {
        Ok(event) => (200, json!({ "received": event.event, "payload": event.payload })),
        Err(e) => (401, json!({ "error": e.to_string() })),
    }
}

/// The request's body, read whole (empty when it cannot be read).
fn read_body(request: &IncomingRequest) -> Vec<u8> {
    let mut bytes = Vec::new();
    let Ok(body) = request.consume() else { return bytes };
    if let Ok(stream) = body.stream() {
        // until the stream closes (or fails)
        while let Ok(chunk) = stream.blocking_read(64 * 1024) {
            bytes.extend_from_slice(&chunk);
        }
    }
    bytes
}

fn respond(out: ResponseOutparam, status: u16, body: &str) {
    let headers = Fields::new();
    let _ = headers.append("content-type", b"application/json");
    let response = OutgoingResponse::new(headers);
    let _ = response.set_status_code(status);
    let Ok(outgoing) = response.body() else { return };
    ResponseOutparam::set(out, Ok(response));
    if let Ok(stream) = outgoing.write() {
        for chunk in body.as_bytes().chunks(4096) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                break;
            }
        }
    }
    let _ = OutgoingBody::finish(outgoing, None);
}
