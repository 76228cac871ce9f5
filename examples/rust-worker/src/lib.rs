//! A Worker in Rust on asyntai-edge: `POST /chat` answers a visitor's message through the Asyntai API,
//! `POST /webhook` verifies a signed delivery. Its settings are the Worker's bindings:
//! `ASYNTAI_API_KEY`, `ASYNTAI_BASE_URL` (optional) and `ASYNTAI_WEBHOOK_SECRET`.

use asyntai_edge::{ChatRequest, Client, Error, Webhook};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, Response, ResponseInit};

/// A binding of the Worker's `env`, as text.
fn binding(env: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(env, &name.into()).ok()?.as_string()
}

fn json_response(status: u16, body: &serde_json::Value) -> Result<Response, JsValue> {
    let init = ResponseInit::new();
    init.set_status(status);
    let response = Response::new_with_opt_str_and_init(Some(&body.to_string()), &init)?;
    response.headers().set("content-type", "application/json")?;
    Ok(response)
}

/// The Worker's fetch handler (the module entry, worker.mjs, hands it every request).
#[wasm_bindgen]
pub async fn fetch(request: Request, env: JsValue) -> Result<Response, JsValue> {
    let path = web_sys::Url::new(&request.url())?.pathname();
    match (request.method().as_str(), path.as_str()) {
        ("POST", "/chat") => chat(request, &env).await,
        ("POST", "/webhook") => webhook(request, &env).await,
        _ => json_response(404, &json!({ "error": "POST /chat or POST /webhook" })),
    }
}

async fn body_text(request: &Request) -> Result<String, JsValue> {
    Ok(JsFuture::from(request.text()?).await?.as_string().unwrap_or_default())
}

async fn chat(request: Request, env: &JsValue) -> Result<Response, JsValue> {
    let asked: serde_json::Value = serde_json::from_str(&body_text(&request).await?).unwrap_or_default();
    let message = asked["message"].as_str().unwrap_or_default().to_owned();
    let mut builder = Client::builder(binding(env, "ASYNTAI_API_KEY").unwrap_or_default()).max_retries(1);
    if let Some(base) = binding(env, "ASYNTAI_BASE_URL") {
        builder = builder.base_url(base);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => return json_response(500, &json!({ "error": e.to_string() })),
    };
    let session_id = asked["session_id"].as_str().map(str::to_owned);
    match client.chat().send(ChatRequest { message, session_id, ..Default::default() }).await {
        Ok(answer) => json_response(200, &json!({ "answer": answer.response, "session_id": answer.session_id })),
        Err(Error::Validation { field, message }) => json_response(400, &json!({ "error": message, "field": field })),
        Err(Error::Api(e)) => json_response(502, &json!({ "error": e.message, "status": e.status })),
        Err(other) => json_response(502, &json!({ "error": other.to_string() })),
    }
}

async fn webhook(request: Request, env: &JsValue) -> Result<Response, JsValue> {
    let signature = request.headers().get("x-webhook-signature")?.unwrap_or_default();
    let body = JsFuture::from(request.array_buffer()?).await?;
    let bytes = js_sys::Uint8Array::new(&body).to_vec();
    let verified = Webhook::new(&binding(env, "ASYNTAI_WEBHOOK_SECRET").unwrap_or_default())
        .and_then(|hook| hook.verify(&bytes, &signature));
    match verified {
        Ok(event) => json_response(200, &json!({ "received": event.event, "payload": event.payload })),
        Err(e) => json_response(401, &json!({ "error": e.to_string() })),
    }
}
