//! The pure request core: validated input in, [`ApiRequest`] out; and the response parser.
//!
//! Input arrives as JSON text (what `JSON.stringify` makes of the caller's options object), so the same
//! code runs natively in tests and fuzzers and behind the wasm boundary. One file per resource.

mod encode;
mod params;
pub mod response;

mod account;
mod chat;
mod conversations;
mod knowledge;
mod leads;
mod sessions;
mod webhooks;
mod websites;

pub use encode::{encode_segment, push_json_string, push_query, JsonObject};
pub use params::{is_loopback, parse_http_url, Params, MAX_TOKEN_LEN, SOURCES};

use crate::error::Error;

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: idempotent, retried on transient failures.
    Get,
    /// POST: not idempotent; retried only when the server said it did not process it.
    Post,
    /// DELETE: idempotent.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// What a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Nothing.
    None,
    /// A JSON document (`Content-Type: application/json`).
    Json(String),
    /// multipart/form-data: the text fields as a JSON object; the file part is added by the caller,
    /// which holds the bytes (they never need to cross into the core).
    Multipart(String),
}

/// A request ready for the transport, relative to the base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path relative to the base URL, with its trailing slash and its encoded query, e.g.
    /// `conversations/?session_id=abc&limit=10`.
    pub path: String,
    /// Body.
    pub body: Body,
}

impl ApiRequest {
    fn get(path: String) -> Self {
        ApiRequest { method: Method::Get, path, body: Body::None }
    }
    fn delete(path: String) -> Self {
        ApiRequest { method: Method::Delete, path, body: Body::None }
    }
    fn post(path: &str, body: String) -> Self {
        ApiRequest { method: Method::Post, path: path.to_owned(), body: Body::Json(body) }
    }

    /// The compact form the wasm boundary hands to JavaScript in one string:
    /// `"<METHOD> <path>\n<body>"`, where METHOD is GET, POST, DELETE or MULTIPART (a POST whose body
    /// is the JSON object of its form fields). The path never holds a newline: it is percent-encoded.
    pub fn to_wire(&self) -> String {
        let (method, body) = match &self.body {
            Body::None => (self.method.as_str(), ""),
            Body::Json(b) => (self.method.as_str(), b.as_str()),
            Body::Multipart(b) => ("MULTIPART", b.as_str()),
        };
        let mut out = String::with_capacity(method.len() + self.path.len() + body.len() + 2);
        out.push_str(method);
        out.push(' ');
        out.push_str(&self.path);
        out.push('\n');
        out.push_str(body);
        out
    }
}

/// Every operation of the API, named as the JavaScript client's methods are.
pub const OPERATIONS: &[&str] = &[
    "chat.send",
    "websites.list",
    "conversations.list",
    "sessions.list",
    "leads.list",
    "account.get",
    "knowledge.list",
    "knowledge.addText",
    "knowledge.addUrl",
    "knowledge.uploadSpreadsheet",
    "knowledge.delete",
    "webhooks.list",
    "webhooks.create",
    "webhooks.delete",
];

/// Validates `params` (a JSON object, as text) for operation `op` and builds its request.
///
/// # Errors
/// [`Error::Validation`] naming the field and the rule when the input breaks a rule; nothing is sent.
pub fn build(op: &str, params: &str) -> Result<ApiRequest, Error> {
    let mut p = Params::parse(params)?;
    let req = match op {
        "chat.send" => chat::send(&mut p)?,
        "websites.list" => websites::list(&mut p)?,
        "conversations.list" => conversations::list(&mut p)?,
        "sessions.list" => sessions::list(&mut p)?,
        "leads.list" => leads::list(&mut p)?,
        "account.get" => account::get(&mut p)?,
        "knowledge.list" => knowledge::list(&mut p)?,
        "knowledge.addText" => knowledge::add_text(&mut p)?,
        "knowledge.addUrl" => knowledge::add_url(&mut p)?,
        "knowledge.uploadSpreadsheet" => knowledge::upload_spreadsheet(&mut p)?,
        "knowledge.delete" => knowledge::delete(&mut p)?,
        "webhooks.list" => webhooks::list(&mut p)?,
        "webhooks.create" => webhooks::create(&mut p)?,
        "webhooks.delete" => webhooks::delete(&mut p)?,
        _ => return Err(Error::validation("operation", format!("unknown operation `{op}`"))),
    };
    p.finish()?;
    Ok(req)
}

/// A list endpoint taking `limit?` and `website_id?` (knowledge, leads).
fn list_by_website(base: &str, p: &mut Params) -> Result<ApiRequest, Error> {
    let limit = p.limit()?;
    let website_id = p.website_id()?;
    let mut path = String::from(base);
    if let Some(l) = limit {
        push_query(&mut path, "limit", &l.to_string());
    }
    if let Some(w) = website_id {
        push_query(&mut path, "website_id", &w.to_string());
    }
    Ok(ApiRequest::get(path))
}

#[cfg(test)]
mod tests;
