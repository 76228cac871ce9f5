//! A Spin component in Rust on asyntai-edge: `POST /chat` answers a visitor's message through the
//! Asyntai API, `POST /webhook` verifies a signed delivery. Its settings are Spin variables
//! (spin.toml): `asyntai_api_key`, `asyntai_webhook_secret`, `asyntai_base_url`.
//!
//! On wasm32-wasip2 the client calls out through wasi:http, which Spin provides; a call blocks the
//! component until it settles (WASI 0.2 has no async in the guest), so its future is ready when Spin's
//! executor first polls it.

use asyntai_edge::{ChatRequest, Client, Error, Webhook};
use serde_json::{json, Value};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::{http_component, variables};

#[http_component]
async fn handle(req: Request) -> Response {
    let (status, body) = match (req.method(), req.path()) {
        (Method::Post, "/chat") => chat(&req).await,
        (Method::Post, "/webhook") => webhook(&req),
        _ => (404, json!({ "error": "POST /chat or POST /webhook" })),
    };
    Response::builder().status(status).header("content-type", "application/json").body(body.to_string()).build()
}

async fn chat(req: &Request) -> (u16, Value) {
    let asked: Value = serde_json::from_slice(req.body()).unwrap_or_default();
    let message = asked["message"].as_str().unwrap_or_default().to_owned();
    let mut builder = Client::builder(variables::get("asyntai_api_key").unwrap_or_default()).max_retries(1);
    if let Ok(base) = variables::get("asyntai_base_url") {
        builder = builder.base_url(base);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return (500, json!({ "error": e.to_string() })),
    };
    let session_id = asked["session_id"].as_str().map(str::to_owned);
    match client.chat().send(ChatRequest { message, session_id, ..Default::default() }).await {
        Ok(answer) => (200, json!({ "answer": answer.response, "session_id": answer.session_id })),
        Err(Error::Validation { field, message }) => (400, json!({ "error": message, "field": field })),
        Err(Error::Api(e)) => (502, json!({ "error": e.message, "status": e.status })),
        Err(other) => (502, json!({ "error": other.to_string() })),
    }
}

fn webhook(req: &Request) -> (u16, Value) {
    let signature = req.header("x-webhook-signature").and_then(|v| v.as_str()).unwrap_or_default();
    let verified = Webhook::new(&variables::get("asyntai_webhook_secret").unwrap_or_default()).and_then(|hook| hook.verify(req.body(), signature));
    match verified {
        Ok(event) => (200, json!({ "received": event.event, "payload": event.payload })),
        Err(e) => (401, json!({ "error": e.to_string() })),
    }
}
