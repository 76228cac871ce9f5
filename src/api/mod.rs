//! The typed core of the API: one request struct per operation and one response struct per answer,
//! one file per resource.
//!
//! A request struct is built by a Rust caller directly, or read from a JavaScript options object
//! ([`FromParams`], which checks each field's type), then checked by [`Operation::validate`] (the rules
//! of the spec: required fields, lengths, ranges, URLs, no control characters where a value becomes a
//! header, a path or a query) and turned into an [`ApiRequest`] by [`Operation::build`]. Nothing is
//! sent for a request that does not validate.
//!
//! Response structs derive `serde::Deserialize` (and `Serialize`: the sandbox answers with them), keep
//! unknown fields in `extra`, and default what an answer leaves out.

mod encode;
mod loose;
pub mod response;
pub(crate) mod rules;

pub mod account;
pub mod chat;
pub mod conversations;
pub mod knowledge;
pub mod leads;
pub mod sessions;
pub mod tickets;
pub mod webhooks;
pub mod websites;

use core::fmt;
use core::str::FromStr;

pub use encode::{encode_segment, push_json_string, push_query, JsonObject};
pub use loose::{exact_u64, number_text, Loose, Params};
pub use response::{classify, BodyView};
pub use rules::{is_loopback, parse_http_url, parse_timestamp, MAX_TOKEN_LEN, SOURCES};

pub use account::{Account, AccountResponse, GetAccountRequest};
pub use chat::{ChatRequest, ChatResponse};
pub use conversations::{Conversation, ConversationMessage, ListConversationsRequest};
pub use knowledge::{
    AddTextRequest, AddTextResponse, AddUrlRequest, AddUrlResponse, DeleteKnowledgeRequest, DeleteResponse,
    KnowledgeEntry, KnowledgeList, ListKnowledgeRequest, SpreadsheetFile, UploadSpreadsheetRequest,
    UploadSpreadsheetResponse,
};
pub use leads::{Lead, LeadList, ListLeadsRequest};
pub use sessions::{ListSessionsRequest, Session, SessionList};
pub use tickets::{ListTicketsRequest, Ticket, TicketList};
pub use webhooks::{
    CreateWebhookRequest, CreateWebhookResponse, CreatedWebhook, DeleteWebhookRequest, ListWebhooksRequest,
    WebhookEndpoint, WebhookEndpointList, EVENTS,
};
pub use websites::{ListWebsitesRequest, Website, WebsiteList};

use crate::error::Error;

/// Fields a JSON answer may carry beyond those this crate knows: kept, not dropped.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: idempotent, retried on transient failures.
    Get = 0,
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
    /// A JSON object (`Content-Type: application/json`).
    Json(String),
    /// multipart/form-data: these text fields, then the file part, which the caller holds (its bytes
    /// never need to pass through the core).
    Multipart(Vec<(&'static str, String)>),
}

/// A request ready for a transport, relative to the base URL.
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
    /// A GET of `path`.
    pub fn get(path: String) -> Self {
        ApiRequest { method: Method::Get, path, body: Body::None }
    }
    /// A DELETE of `path`.
    pub fn delete(path: String) -> Self {
        ApiRequest { method: Method::Delete, path, body: Body::None }
    }
    /// A POST of a JSON body.
    pub fn post(path: &str, body: String) -> Self {
        ApiRequest { method: Method::Post, path: path.to_owned(), body: Body::Json(body) }
    }

    /// Adds extra query parameters (the per-call `query` escape hatch), percent-encoded.
    pub fn push_query(&mut self, pairs: &[(String, String)]) {
        for (k, v) in pairs {
            push_query(&mut self.path, k, v);
        }
    }

    /// Adds extra top-level fields to a JSON body (the per-call `body` escape hatch): `extra` is the
    /// text of a JSON object whose keys the caller checked against the documented ones.
    ///
    /// # Errors
    /// When this request has no JSON body (a GET, a DELETE, a multipart upload).
    pub fn merge_body(&mut self, extra: &str) -> Result<(), Error> {
        let inner = extra.trim();
        let inner = inner.strip_prefix('{').and_then(|s| s.strip_suffix('}')).map(str::trim).unwrap_or("");
        if inner.is_empty() {
            return Ok(());
        }
        match &mut self.body {
            Body::Json(text) if text.ends_with('}') => {
                text.pop();
                if text.len() > 1 {
                    text.push(',');
                }
                text.push_str(inner);
                text.push('}');
                Ok(())
            }
            _ => Err(Error::validation("body", "`body` adds fields to a JSON request body: this request has none")),
        }
    }
}

/// One operation of the API: its request struct.
pub trait Operation {
    /// The success body's type.
    type Response: serde::de::DeserializeOwned;
    /// The names this operation sends (in its query or body): the per-call `query` and `body` escape
    /// hatch may not set them (the documented option does, with its validation).
    const WIRE_FIELDS: &'static [&'static str];
    /// Checks every rule of the spec; nothing is sent when this fails.
    ///
    /// # Errors
    /// [`Error::Validation`] naming the field and the rule.
    fn validate(&self) -> Result<(), Error>;
    /// The request, for a value that passed [`Operation::validate`].
    fn build(&self) -> ApiRequest;
}

/// An [`Operation`] seen through a trait object: what building a request needs (one copy of the
/// code that prepares a request, whatever the operation; it matters in the npm package's wasm).
pub trait Request {
    /// [`Operation::validate`].
    ///
    /// # Errors
    /// As there.
    fn validate(&self) -> Result<(), Error>;
    /// [`Operation::build`].
    fn build(&self) -> ApiRequest;
    /// [`Operation::WIRE_FIELDS`].
    fn wire_fields(&self) -> &'static [&'static str];
}

impl<O: Operation> Request for O {
    fn validate(&self) -> Result<(), Error> {
        Operation::validate(self)
    }
    fn build(&self) -> ApiRequest {
        Operation::build(self)
    }
    fn wire_fields(&self) -> &'static [&'static str] {
        O::WIRE_FIELDS
    }
}

/// Reading a request struct from an untyped options object (JavaScript's), each field's type checked.
pub trait FromParams: Sized {
    /// Takes this operation's fields out of `p` (and refuses any other: [`Params::finish`]).
    ///
    /// # Errors
    /// [`Error::Validation`] for a missing required field, a field of the wrong type, an unknown option.
    fn from_params(p: Params) -> Result<Self, Error>;
}

/// A list that pages newest first (`GET /sessions/`, `/leads/`, `/tickets/`): the next page is asked
/// with `before` = the oldest cursor (`started_at` or `created_at`) of the page; a page shorter than
/// the limit is the last. See [`Pager`].
pub trait Paged: Operation + Clone {
    /// One item of a page.
    type Item;
    /// The page size when `limit` is not given (the API's default).
    const DEFAULT_LIMIT: u32;
    /// The answer's field holding the page's items (`sessions`, `leads`, `tickets`).
    const ITEMS: &'static str;
    /// The item field pages are cut by.
    const CURSOR: &'static str;
    /// `limit`, when given.
    fn limit(&self) -> Option<u32>;
    /// The `before` cursor.
    fn before(&self) -> Option<&str>;
    /// The `before` cursor, to set.
    fn before_mut(&mut self) -> &mut Option<String>;
    /// A page's items.
    fn items(page: &Self::Response) -> &[Self::Item];
    /// A page's items, to filter.
    fn items_mut(page: &mut Self::Response) -> &mut Vec<Self::Item>;
    /// An item's cursor value (ISO 8601).
    fn cursor(item: &Self::Item) -> Option<&str>;
}

/// A [`Paged`] list seen through a trait object.
pub trait PagedRequest: Request {
    /// The page size the short-page rule compares with.
    fn page_size(&self) -> u32;
    /// The `before` cursor.
    fn before(&self) -> Option<&str>;
    /// Sets the `before` cursor.
    fn set_before(&mut self, before: String);
    /// [`Paged::ITEMS`].
    fn items_key(&self) -> &'static str;
    /// [`Paged::CURSOR`].
    fn cursor_key(&self) -> &'static str;
    /// As a [`Request`].
    fn as_request(&self) -> &dyn Request;
}

impl<O: Paged> PagedRequest for O {
    fn page_size(&self) -> u32 {
        self.limit().unwrap_or(O::DEFAULT_LIMIT)
    }
    fn before(&self) -> Option<&str> {
        Paged::before(self)
    }
    fn set_before(&mut self, before: String) {
        *self.before_mut() = Some(before);
    }
    fn items_key(&self) -> &'static str {
        O::ITEMS
    }
    fn cursor_key(&self) -> &'static str {
        O::CURSOR
    }
    fn as_request(&self) -> &dyn Request {
        self
    }
}

/// Where paging stands: the pure part of walking a [`Paged`] list, shared by the Rust [`Pages`] and the
/// JavaScript async iterator. It never asks for the same page twice: a page whose oldest cursor is
/// not older than the one that asked for it ends the walk.
///
/// [`Pages`]: crate::client::Pages
#[derive(Debug, Clone)]
pub struct Pager {
    limit: u32,
    before: Option<i64>,
    done: bool,
}

impl Pager {
    /// For a first request of this page size (`limit`, or the endpoint's default) and `before`.
    pub fn new(limit: u32, before: Option<&str>) -> Self {
        Pager { limit, before: before.and_then(parse_timestamp), done: false }
    }

    /// Whether the walk is over.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Whether an item with this cursor belongs to the page just asked for: strictly older than the
    /// `before` it was asked with (a server that ignored `before` sends the last page again; its
    /// items are not handed out twice). Call before [`Pager::next`].
    pub fn keep(&self, cursor: Option<&str>) -> bool {
        match (self.before, cursor.and_then(parse_timestamp)) {
            (Some(before), Some(ms)) => ms < before,
            _ => true,
        }
    }

    /// After a page of `count` items whose cursors are `cursors`: the `before` of the next page, or
    /// `None` when this page was the last (short, empty, without cursors, or not older than the last).
    pub fn next<'a>(&mut self, count: usize, cursors: impl Iterator<Item = Option<&'a str>>) -> Option<String> {
        if self.done || count < self.limit as usize || count == 0 {
            self.done = true;
            return None;
        }
        let mut oldest: Option<(i64, &str)> = None;
        for c in cursors {
            let Some((ms, text)) = c.and_then(|t| parse_timestamp(t).map(|ms| (ms, t))) else {
                self.done = true;
                return None;
            };
            if oldest.map_or(true, |(o, _)| ms < o) {
                oldest = Some((ms, text));
            }
        }
        match oldest {
            Some((ms, text)) if self.before.map_or(true, |b| ms < b) => {
                self.before = Some(ms);
                Some(text.to_owned())
            }
            _ => {
                self.done = true;
                None
            }
        }
    }
}

/// A website id. The API takes it as an integer in `POST /chat/` and as a string elsewhere; this
/// crate accepts both spellings (a number, or a string of digits) and sends the one each endpoint
/// documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct WebsiteId(pub u64);

impl WebsiteId {
    /// The rule, as an error.
    pub fn error() -> Error {
        Error::validation("website_id", "`website_id` must be a non-negative integer or a string of digits")
    }
}

impl From<u64> for WebsiteId {
    fn from(id: u64) -> Self {
        WebsiteId(id)
    }
}

impl From<u32> for WebsiteId {
    fn from(id: u32) -> Self {
        WebsiteId(u64::from(id))
    }
}

impl FromStr for WebsiteId {
    type Err = Error;
    /// A string of 1 to 16 ASCII digits.
    fn from_str(s: &str) -> Result<Self, Error> {
        // `digits` refuses an empty string and anything but ASCII digits
        if s.len() > 16 {
            return Err(WebsiteId::error());
        }
        crate::text::digits(s).map(WebsiteId).ok_or_else(WebsiteId::error)
    }
}

impl fmt::Display for WebsiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for WebsiteId {
    /// As an integer (how `POST /chat/` and the answers spell it).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for WebsiteId {
    /// An integer or a string of digits: what the vendor's clients send either way.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = WebsiteId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer or a string of digits")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<WebsiteId, E> {
                Ok(WebsiteId(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<WebsiteId, E> {
                u64::try_from(v).map(WebsiteId).map_err(|_| E::custom("website_id must not be negative"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<WebsiteId, E> {
                exact_u64(v).map(WebsiteId).ok_or_else(|| E::custom("website_id must be an integer"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WebsiteId, E> {
                v.parse().map_err(|_| E::custom("website_id must be a string of digits"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `website_id` as a string: the spelling of every endpoint but `POST /chat/`.
pub(crate) mod website_id_as_string {
    use super::WebsiteId;

    #[allow(clippy::ref_option)] // serde's `serialize_with` signature
    pub fn serialize<S: serde::Serializer>(v: &Option<WebsiteId>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(id) => s.serialize_str(&crate::text::int(id.0)),
            None => s.serialize_none(),
        }
    }
}

/// The rules of a paged list's shared fields: `limit`, `website_id` and the `since`/`before` window.
fn check_window(limit: Option<u32>, website_id: Option<WebsiteId>, since: Option<&str>, before: Option<&str>) -> Result<(), Error> {
    rules::limit(limit)?;
    rules::website_id(website_id)?;
    rules::timestamp("since", since)?;
    rules::timestamp("before", before)
}

/// A paged list's request: `limit`, `website_id`, then each of `rest` that is given, in order.
fn paged_request(base: &str, limit: Option<u32>, website_id: Option<WebsiteId>, rest: &[(&str, &Option<String>)]) -> ApiRequest {
    let mut path = list_path(base, limit, website_id);
    for (name, value) in rest {
        if let Some(v) = value {
            push_query(&mut path, name, v);
        }
    }
    ApiRequest::get(path)
}

/// `impl Paged` for a list request whose answer holds its items in `$items` and whose items carry
/// their cursor in `$cursor` (with `$fallback` for an item that lacks it).
macro_rules! paged {
    ($req:ty, $item:ty, $items:ident, $default:expr, $cursor:literal, |$i:ident| $value:expr) => {
        impl $crate::api::Paged for $req {
            type Item = $item;
            const DEFAULT_LIMIT: u32 = $default;
            const ITEMS: &'static str = stringify!($items);
            const CURSOR: &'static str = $cursor;
            fn limit(&self) -> Option<u32> {
                self.limit
            }
            fn before(&self) -> Option<&str> {
                self.before.as_deref()
            }
            fn before_mut(&mut self) -> &mut Option<String> {
                &mut self.before
            }
            fn items(page: &Self::Response) -> &[$item] {
                &page.$items
            }
            fn items_mut(page: &mut Self::Response) -> &mut Vec<$item> {
                &mut page.$items
            }
            fn cursor($i: &$item) -> Option<&str> {
                $value
            }
        }
    };
}
use paged;

/// A list endpoint's query: `limit` and `website_id`, in that order, when given.
fn list_path(base: &str, limit: Option<u32>, website_id: Option<WebsiteId>) -> String {
    let mut path = String::from(base);
    if let Some(l) = limit {
        push_query(&mut path, "limit", &crate::text::int(l.into()));
    }
    if let Some(w) = website_id {
        push_query(&mut path, "website_id", &crate::text::int(w.0));
    }
    path
}

#[cfg(test)]
mod tests;
