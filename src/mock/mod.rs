//! The offline sandbox behind `MockAsyntai` (`asyntai-edge/testing`): the whole Asyntai REST API as
//! an in-memory, deterministic state machine. No I/O and no clock: each request comes in as
//! (method, target, headers, body bytes, now in ms) and goes out as (status, JSON body, webhook
//! deliveries to make), so the same code runs natively in `cargo test` and behind the wasm boundary.
//!
//! What it keeps and enforces:
//! - auth (`Authorization: Bearer <key>` or `X-API-Key: <key>`; 401), the plan (`free` has no API
//!   access: 403), wire-format validation (400), unknown ids and paths (404), wrong methods (405);
//! - the plan's monthly message quota (429), daily upload character cap (429) and spreadsheet row cap;
//! - websites, sessions (source `api`), conversations, leads (an email address or phone number in a
//!   visitor's message), knowledge entries (text, URL, CSV spreadsheets), webhooks;
//! - chat answers retrieved from the knowledge base with BM25 ([`search`]), a plain fallback, and an
//!   escalation when the visitor asks for a human;
//! - signed webhook deliveries (`conversation.started`, `message.received`, `lead.captured`,
//!   `escalation.requested`), handed back to the caller to send.
//!
//! Ids and webhook secrets come from counters through a fixed mixing function, so a scenario played
//! twice yields the same ids, secrets and signatures.

mod detect;
mod multipart;
mod search;
mod time;

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::api::{is_loopback, parse_http_url, JsonObject};
use crate::webhook::hex_value;

/// The account email `GET /account/` reports.
pub const SANDBOX_EMAIL: &str = "sandbox@example.com";

/// Every event a webhook can subscribe to.
pub const EVENTS: &[&str] = &[
    "message.received",
    "conversation.started",
    "escalation.requested",
    "takeover.started",
    "lead.captured",
];

/// The values `GET /sessions/?source=` accepts: the client's own list.
pub use crate::api::SOURCES;

/// The answer when no knowledge matches the question.
pub const FALLBACK_ANSWER: &str = "I'm sorry, I couldn't find an answer to that in our knowledge base. \
Could you rephrase your question, or ask to speak with a member of our team?";

/// The answer when the visitor asks for a human.
pub const ESCALATION_ANSWER: &str =
    "I'll connect you with a member of our team. A human agent will reply here as soon as possible.";

/// An Asyntai subscription plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    /// No API access: every authenticated request gets 403.
    Free,
    /// The default.
    #[default]
    Starter,
    /// Standard.
    Standard,
    /// Pro.
    Pro,
}

impl Plan {
    /// `"free"`, `"starter"`, `"standard"` or `"pro"` (exactly, lower-case).
    pub fn parse(name: &str) -> Option<Plan> {
        match name {
            "free" => Some(Plan::Free),
            "starter" => Some(Plan::Starter),
            "standard" => Some(Plan::Standard),
            "pro" => Some(Plan::Pro),
            _ => None,
        }
    }

    /// The plan's name as `GET /account/` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Starter => "starter",
            Plan::Standard => "standard",
            Plan::Pro => "pro",
        }
    }

    /// The plan's published limits.
    pub fn limits(self) -> Limits {
        let (messages, upload, rows) = match self {
            Plan::Free => (100, 0, 0),
            Plan::Starter => (2_500, 100_000, 500),
            Plan::Standard => (15_000, 500_000, 2_000),
            Plan::Pro => (50_000, 2_000_000, 10_000),
        };
        Limits {
            messages_per_month: messages,
            upload_chars_per_day: upload,
            spreadsheet_rows: rows,
        }
    }
}

/// A plan's quotas. Tests can set smaller ones than the plan's ([`MockOptions::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Chat messages per calendar month (UTC); the next one gets 429.
    pub messages_per_month: u64,
    /// Knowledge characters uploaded per day (UTC): text content + URL + spreadsheet row text.
    pub upload_chars_per_day: u64,
    /// Spreadsheet rows kept per upload; the rest are cut.
    pub spreadsheet_rows: u64,
}

/// One website of the account, as `GET /websites/` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website {
    /// Positive integer id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Domain, e.g. `example.com`.
    pub domain: String,
    /// The default website of chat and knowledge requests. Exactly one is primary.
    pub is_primary: bool,
}

impl Website {
    /// The default website: id 1, `example.com`, primary.
    pub fn default_primary() -> Website {
        Website {
            id: 1,
            name: "Sandbox Website".into(),
            domain: "example.com".into(),
            is_primary: true,
        }
    }
}

/// How to set up a sandbox.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// The only key accepted (default `test_key`).
    pub api_key: String,
    /// The plan (default starter).
    pub plan: Plan,
    /// The account's websites (default: one primary website, id 1). Empty means the default; when
    /// none is primary the first is; ids must be unique (later duplicates are dropped).
    pub websites: Vec<Website>,
    /// Overrides the plan's limits (for tests of the quotas).
    pub limits: Option<Limits>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            api_key: "test_key".into(),
            plan: Plan::Starter,
            websites: vec![Website::default_primary()],
            limits: None,
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses the `websites` option: a JSON array of `{id, name?, domain?, is_primary?}`.
///
/// # Errors
/// A message starting with the option's path (`websites[1].id: ...`) when the value is not a
/// non-empty array of such objects with unique positive integer ids and at most one primary.
pub fn parse_websites(json: &str) -> Result<Vec<Website>, String> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return Err("websites: must be a non-empty array of {id, name, domain, is_primary}".into());
    };
    if items.is_empty() {
        return Err("websites: must be a non-empty array of {id, name, domain, is_primary}".into());
    }
    let mut out: Vec<Website> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(format!("websites[{i}]: must be an object, got {}", json_type(item)));
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "id" | "name" | "domain" | "is_primary") {
                let shown: String = key.chars().filter(|c| !c.is_control()).take(40).collect();
                return Err(format!(
                    "websites[{i}].{shown}: unknown field (expected id, name, domain, is_primary)"
                ));
            }
        }
        let id = match map.get("id") {
            Some(Value::Number(n)) => n.as_u64().filter(|&id| id > 0 && id <= 1 << 53),
            _ => None,
        }
        .ok_or_else(|| format!("websites[{i}].id: must be a positive integer"))?;
        if out.iter().any(|w| w.id == id) {
            return Err(format!("websites[{i}].id: {id} is used twice"));
        }
        let text = |field: &str, default: String| -> Result<String, String> {
            match map.get(field) {
                None | Some(Value::Null) => Ok(default),
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                Some(_) => Err(format!("websites[{i}].{field}: must be a non-empty string")),
            }
        };
        let name = text("name", format!("Website {id}"))?;
        let domain = text("domain", format!("site{id}.example.com"))?;
        let is_primary = match map.get("is_primary") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(format!("websites[{i}].is_primary: must be a boolean")),
        };
        if is_primary && out.iter().any(|w| w.is_primary) {
            return Err(format!("websites[{i}].is_primary: only one website can be primary"));
        }
        out.push(Website {
            id,
            name,
            domain,
            is_primary,
        });
    }
    Ok(out)
}

/// Parses the `limits` option: a JSON object with any of `messagesPerMonth`, `uploadCharsPerDay`,
/// `spreadsheetRows` (non-negative integers) over `base`, the plan's limits.
///
/// # Errors
/// A message starting with the option's path (`limits.messagesPerMonth: ...`).
pub fn parse_limits(json: &str, base: Limits) -> Result<Limits, String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) else {
        return Err("limits: must be an object {messagesPerMonth?, uploadCharsPerDay?, spreadsheetRows?}".into());
    };
    let mut limits = base;
    for (key, value) in &map {
        let slot = match key.as_str() {
            "messagesPerMonth" => &mut limits.messages_per_month,
            "uploadCharsPerDay" => &mut limits.upload_chars_per_day,
            "spreadsheetRows" => &mut limits.spreadsheet_rows,
            other => {
                let shown: String = other.chars().filter(|c| !c.is_control()).take(40).collect();
                return Err(format!(
                    "limits.{shown}: unknown limit (expected messagesPerMonth, uploadCharsPerDay, spreadsheetRows)"
                ));
            }
        };
        match value {
            Value::Null => {}
            Value::Number(n) => {
                *slot = n
                    .as_u64()
                    .ok_or_else(|| format!("limits.{key}: must be a non-negative integer"))?;
            }
            _ => return Err(format!("limits.{key}: must be a non-negative integer")),
        }
    }
    Ok(limits)
}

/// What the sandbox answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON body: the documented success body, or `{"success":false,"error":"..."}`.
    pub body: String,
    /// Webhook deliveries the request caused, to be sent before the answer is returned.
    pub deliveries: Vec<Delivery>,
}

/// One signed webhook delivery: a POST of `body` to `url` with `X-Webhook-Signature: signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The webhook's URL.
    pub url: String,
    /// The event name, e.g. `message.received`.
    pub event: String,
    /// The raw JSON body: `{"event":"...","payload":{...}}`.
    pub body: String,
    /// Lower-case hex HMAC-SHA256 of `body`, keyed with the webhook's secret.
    pub signature: String,
}

// ---------------------------------------------------------------------------------------------
// JSON writing, in the field order of the API reference.


fn json_array(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

fn ok(body: String) -> MockResponse {
    MockResponse {
        status: 200,
        body,
        deliveries: Vec::new(),
    }
}

fn fail(status: u16, message: &str) -> MockResponse {
    let body = JsonObject::new().boolean("success", false).string("error", message).finish();
    MockResponse {
        status,
        body,
        deliveries: Vec::new(),
    }
}

fn bad(message: &str) -> MockResponse {
    fail(400, message)
}

// ---------------------------------------------------------------------------------------------
// Deterministic ids.

/// SplitMix64's finaliser: a bijection on u64, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn push_hex(out: &mut String, v: u64, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        let nibble = ((v >> (i * 4)) & 15) as usize;
        out.push(char::from(HEX.get(nibble).copied().unwrap_or(b'0')));
    }
}

/// `abc-123-def`-shaped ids like the reference's: `kn-1a2b3c4d-5e6f` for the n-th of a kind.
fn make_id(prefix: &str, salt: u64, n: u64) -> String {
    let v = mix(salt ^ n);
    let mut out = String::with_capacity(prefix.len() + 14);
    out.push_str(prefix);
    out.push('-');
    push_hex(&mut out, v >> 32, 8);
    out.push('-');
    push_hex(&mut out, v & 0xffff, 4);
    out
}

const SALT_KNOWLEDGE: u64 = 0x6b6e_6f77_6c65_6467;
const SALT_WEBHOOK: u64 = 0x7765_6268_6f6f_6b73;
const SALT_SESSION: u64 = 0x7365_7373_696f_6e73;
const SALT_SECRET: u64 = 0x7365_6372_6574_7321;

// ---------------------------------------------------------------------------------------------
// Request parsing helpers.

/// Percent-decodes `s` (and `+` as a space when `plus` is set); invalid escapes stay as they are.
fn percent_decode(s: &str, plus: bool) -> String {
    if !s.bytes().any(|b| b == b'%' || (plus && b == b'+')) {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value);
            let lo = bytes.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(if plus && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Debug, Default)]
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(q: &str) -> Query {
        Query(
            q.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (percent_decode(k, true), percent_decode(v, true))
                })
                .collect(),
        )
    }
    /// The first value of `name`.
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// `limit`: absent -> `default`; otherwise an integer 1..=100 written in digits.
fn parse_limit(q: &Query, default: usize) -> Result<usize, MockResponse> {
    match q.get("limit") {
        None => Ok(default),
        Some(s) => {
            let n = if !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<usize>().ok()
            } else {
                None
            };
            match n {
                Some(n @ 1..=100) => Ok(n),
                _ => Err(bad("limit must be an integer between 1 and 100")),
            }
        }
    }
}

/// A website id written as a string of digits (query parameters, form fields, JSON strings).
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

const WEBSITE_ID_STRING: &str = "website_id must be a string of digits (e.g. \"1\") on this endpoint";

fn body_object(body: &[u8]) -> Result<Map<String, Value>, MockResponse> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("the request body must be a JSON object"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad("the request body must be a JSON object")),
        Err(_) => Err(bad("the request body is not valid JSON")),
    }
}

/// A required string field that is not blank.
fn required_str<'a>(map: &'a Map<String, Value>, field: &str) -> Result<&'a str, MockResponse> {
    match map.get(field) {
        None | Some(Value::Null) => Err(bad(&format!("{field} is required"))),
        Some(Value::String(s)) if s.trim().is_empty() => Err(bad(&format!("{field} must not be empty"))),
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(bad(&format!("{field} must be a string, got {}", json_type(v)))),
    }
}



/// A title for a URL entry, since the sandbox fetches nothing: the last path segment made readable,
/// then the host: `https://www.example.com/shipping-policy.html` -> `Shipping Policy - example.com`.
fn title_from_url(url: &str) -> String {
    let (_, host) = parse_http_url(url).unwrap_or((true, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let after_scheme = url.split_once("://").map_or("", |(_, r)| r);
    let path = after_scheme.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let segment = path.split('/').rev().find(|s| !s.is_empty()).unwrap_or("");
    let segment = percent_decode(segment, false);
    let stem = match segment.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            stem.to_owned()
        }
        _ => segment.clone(),
    };
    let words: Vec<String> = stem
        .split(['-', '_', '+', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    let name = match words.as_slice() {
        [] => return host,
        // A lone short word is most likely an acronym: /faq -> FAQ.
        [one] if one.len() <= 3 && one.chars().all(|c| c.is_ascii_alphabetic()) => one.to_ascii_uppercase(),
        _ => words.join(" "),
    };
    format!("{name} - {host}")
}

/// Compares two byte strings in time independent of where they differ.
fn same_key(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, &x) in b.iter().enumerate() {
        diff |= usize::from(x ^ a.get(i).copied().unwrap_or(!x));
    }
    diff == 0
}

// ---------------------------------------------------------------------------------------------
// State.

#[derive(Debug, Clone)]
struct Message {
    role: &'static str,
    content: String,
    at: i64,
}

#[derive(Debug, Clone, Default)]
struct Lead {
    email: Option<String>,
    phone: Option<String>,
    /// Order of the last capture, for listing (most recent first).
    seq: u64,
}

#[derive(Debug)]
struct Session {
    id: String,
    website_id: u64,
    messages: Vec<Message>,
    started_at: i64,
    last_at: i64,
    /// Order of the last activity, the tie-break when `last_at` is equal.
    activity: u64,
    lead: Option<Lead>,
}

#[derive(Debug)]
struct Entry {
    id: String,
    kind: &'static str,
    title: String,
    description: String,
    created_at: i64,
    website_id: u64,
    slots: Vec<u32>,
}

#[derive(Debug)]
struct Hook {
    id: String,
    url: String,
    events: Vec<String>,
    secret: String,
    website_id: u64,
    created_at: i64,
    is_active: bool,
}

/// Quota counters that reset with their period (a day or a month bucket).
#[derive(Debug, Default)]
struct Counter {
    period: i64,
    used: u64,
}

impl Counter {
    fn at(&mut self, period: i64) -> u64 {
        if self.period != period {
            self.period = period;
            self.used = 0;
        }
        self.used
    }
}

/// The sandbox: every resource of the API, in memory.
#[derive(Debug)]
pub struct Mock {
    api_key: String,
    plan: Plan,
    limits: Limits,
    websites: Vec<Website>,
    sessions: Vec<Session>,
    session_index: HashMap<String, usize>,
    entries: Vec<Entry>,
    indexes: HashMap<u64, search::Index>,
    hooks: Vec<Hook>,
    messages: Counter,
    uploads: Counter,
    seq: u64,
    next_session: u64,
    next_entry: u64,
    next_hook: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route<'a> {
    Chat,
    Websites,
    Conversations,
    Sessions,
    Leads,
    Account,
    Knowledge,
    KnowledgeText,
    KnowledgeUrl,
    KnowledgeSpreadsheet,
    KnowledgeItem(&'a str),
    Webhooks,
    WebhookItem(&'a str),
}

impl Route<'_> {
    fn allowed(self) -> &'static [&'static str] {
        match self {
            Route::Chat | Route::KnowledgeText | Route::KnowledgeUrl | Route::KnowledgeSpreadsheet => &["POST"],
            Route::KnowledgeItem(_) | Route::WebhookItem(_) => &["DELETE"],
            Route::Webhooks => &["GET", "POST"],
            _ => &["GET"],
        }
    }
}

fn route(path: &str) -> Option<Route<'_>> {
    let inner = path.strip_prefix('/')?.strip_suffix('/')?;
    Some(match inner {
        "chat" => Route::Chat,
        "websites" => Route::Websites,
        "conversations" => Route::Conversations,
        "sessions" => Route::Sessions,
        "leads" => Route::Leads,
        "account" => Route::Account,
        "knowledge" => Route::Knowledge,
        "knowledge/text" => Route::KnowledgeText,
        "knowledge/url" => Route::KnowledgeUrl,
        "knowledge/spreadsheet" => Route::KnowledgeSpreadsheet,
        "webhooks" => Route::Webhooks,
        _ => {
            if let Some(id) = inner
                .strip_prefix("knowledge/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
            {
                Route::KnowledgeItem(id)
            } else if let Some(id) = inner
                .strip_prefix("webhooks/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
            {
                Route::WebhookItem(id)
            } else {
                return None;
            }
        }
    })
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Mock {
    /// A sandbox with no sessions, knowledge or webhooks yet.
    pub fn new(opts: MockOptions) -> Mock {
        let mut websites: Vec<Website> = Vec::with_capacity(opts.websites.len().max(1));
        for w in opts.websites {
            if w.id > 0 && !websites.iter().any(|x| x.id == w.id) {
                let primary = w.is_primary && !websites.iter().any(|x| x.is_primary);
                websites.push(Website {
                    is_primary: primary,
                    ..w
                });
            }
        }
        if websites.is_empty() {
            websites.push(Website::default_primary());
        }
        if !websites.iter().any(|w| w.is_primary) {
            if let Some(first) = websites.first_mut() {
                first.is_primary = true;
            }
        }
        Mock {
            api_key: opts.api_key,
            plan: opts.plan,
            limits: opts.limits.unwrap_or_else(|| opts.plan.limits()),
            websites,
            sessions: Vec::new(),
            session_index: HashMap::new(),
            entries: Vec::new(),
            indexes: HashMap::new(),
            hooks: Vec::new(),
            messages: Counter::default(),
            uploads: Counter::default(),
            seq: 0,
            next_session: 0,
            next_entry: 0,
            next_hook: 0,
        }
    }

    /// Answers one request.
    ///
    /// `method` is the HTTP method; `target` the URL path and query as received (`/api/v1/chat/`,
    /// `/chat/?x=1`; a full URL is accepted too); `headers` have lower-case names; `body` is the raw
    /// body; `now_ms` is the current time in milliseconds since the Unix epoch.
    pub fn handle(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
        now_ms: f64,
    ) -> MockResponse {
        let now = time::clamp_ms(now_ms);
        let mut target = target;
        for scheme in ["https://", "http://"] {
            if let Some(rest) = target
                .get(..scheme.len())
                .filter(|s| s.eq_ignore_ascii_case(scheme))
                .and(target.get(scheme.len()..))
            {
                target = rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("/");
            }
        }
        let target = target.split('#').next().unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let path = match path.strip_prefix("/api/v1") {
            Some(rest) if rest.starts_with('/') => rest,
            Some("") => "/",
            _ => path,
        };
        let Some(route) = route(path) else {
            let mut with_slash = path.to_owned();
            with_slash.push('/');
            let shown: String = path.chars().filter(|c| !c.is_control()).take(100).collect();
            if !path.ends_with('/') && route(&with_slash).is_some() {
                return fail(
                    404,
                    &format!("not found: {shown} (every path ends in a slash: {shown}/)"),
                );
            }
            return fail(404, &format!("not found: no endpoint at {shown}"));
        };

        // Auth: Bearer first, then X-API-Key. The key given is never echoed.
        let bearer = header(headers, "authorization").and_then(|v| {
            let v = v.trim();
            v.get(..7)
                .filter(|s| s.eq_ignore_ascii_case("bearer "))
                .and(v.get(7..))
                .map(str::trim)
        });
        let given = bearer.or_else(|| header(headers, "x-api-key").map(str::trim));
        match given {
            None | Some("") => {
                return fail(
                    401,
                    "missing API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`",
                )
            }
            Some(key) if !same_key(key, &self.api_key) => return fail(401, "invalid API key"),
            Some(_) => {}
        }
        if self.plan == Plan::Free {
            return fail(
                403,
                "API access requires a paid plan (Starter, Standard or Pro); this account is on the free plan",
            );
        }
        if !route.allowed().contains(&method) {
            let allowed = route.allowed().join(", ");
            let shown: String = method.chars().filter(|c| c.is_ascii_graphic()).take(20).collect();
            return fail(
                405,
                &format!("method {shown} not allowed on {path} (allowed: {allowed})"),
            );
        }
        let query = Query::parse(query);
        let result = match route {
            Route::Chat => self.chat(body, now),
            Route::Websites => Ok(self.list_websites()),
            Route::Conversations => self.conversations(&query),
            Route::Sessions => self.list_sessions(&query),
            Route::Leads => self.list_leads(&query),
            Route::Account => Ok(self.account(now)),
            Route::Knowledge => self.list_knowledge(&query),
            Route::KnowledgeText => self.add_text(body, now),
            Route::KnowledgeUrl => self.add_url(body, now),
            Route::KnowledgeSpreadsheet => self.add_spreadsheet(headers, body, now),
            Route::KnowledgeItem(id) => self.delete_knowledge(&percent_decode(id, false)),
            Route::Webhooks if method == "GET" => Ok(self.list_webhooks()),
            Route::Webhooks => self.create_webhook(body, now),
            Route::WebhookItem(id) => self.delete_webhook(&percent_decode(id, false)),
        };
        result.unwrap_or_else(|e| e)
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn primary(&self) -> u64 {
        self.websites.iter().find(|w| w.is_primary).map_or(1, |w| w.id)
    }

    fn website(&self, id: u64) -> Result<&Website, MockResponse> {
        self.websites
            .iter()
            .find(|w| w.id == id)
            .ok_or_else(|| fail(404, "website not found"))
    }

    fn domain(&self, id: u64) -> &str {
        self.websites
            .iter()
            .find(|w| w.id == id)
            .map_or("", |w| w.domain.as_str())
    }

    /// `website_id` from a query: absent -> None; digits naming a website -> Some(id).
    fn query_website(&self, q: &Query) -> Result<Option<u64>, MockResponse> {
        match q.get("website_id") {
            None => Ok(None),
            Some(s) => {
                let id = parse_digits(s).ok_or_else(|| bad("website_id must be a string of digits"))?;
                self.website(id).map(|w| Some(w.id))
            }
        }
    }

    /// `website_id` as a JSON string (knowledge, webhooks); default: the primary website.
    fn body_website(&self, map: &Map<String, Value>) -> Result<u64, MockResponse> {
        match map.get("website_id") {
            None | Some(Value::Null) => Ok(self.primary()),
            Some(Value::String(s)) => {
                let id = parse_digits(s).ok_or_else(|| bad(WEBSITE_ID_STRING))?;
                self.website(id).map(|w| w.id)
            }
            Some(_) => Err(bad(WEBSITE_ID_STRING)),
        }
    }

    /// Takes `chars` from today's upload allowance, or answers 429.
    fn charge_upload(&mut self, chars: u64, now: i64) -> Result<(), MockResponse> {
        let used = self.uploads.at(time::day_bucket(now));
        let cap = self.limits.upload_chars_per_day;
        if used.saturating_add(chars) > cap {
            return Err(fail(
                429,
                &format!(
                    "daily upload limit reached: {} characters per day on the {} plan ({used} used today, this upload has {chars})",
                    cap,
                    self.plan.as_str()
                ),
            ));
        }
        self.uploads.used = used + chars;
        Ok(())
    }

    fn messages_used(&mut self, now: i64) -> u64 {
        self.messages.at(time::month_bucket(now))
    }

    // -- POST /chat/ ------------------------------------------------------------------------

    fn chat(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let map = body_object(body)?;
        let message = required_str(&map, "message")?.to_owned();
        let session_id = match map.get("session_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => return Err(bad("session_id must not be empty")),
            Some(Value::String(s)) if s.len() > 2048 || s.chars().any(char::is_control) => {
                return Err(bad("session_id must be at most 2048 bytes, without control characters"))
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(v) => return Err(bad(&format!("session_id must be a string, got {}", json_type(v)))),
        };
        let website_id = match map.get("website_id") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(id) => Some(self.website(id)?.id),
                None => return Err(bad("website_id must be a non-negative integer")),
            },
            Some(v) => {
                return Err(bad(&format!(
                    "website_id must be an integer on /chat/ (e.g. 1, not \"1\"), got {}",
                    json_type(v)
                )))
            }
        };
        let used = self.messages_used(now);
        if used >= self.limits.messages_per_month {
            return Err(fail(
                429,
                &format!(
                    "monthly message limit reached: {} of {} messages used on the {} plan",
                    used,
                    self.limits.messages_per_month,
                    self.plan.as_str()
                ),
            ));
        }
        self.messages.used = used + 1;

        // The session: the one named, or a new one.
        let seq = self.next_seq();
        let (index, started) = match session_id.as_ref().and_then(|id| self.session_index.get(id)) {
            Some(&i) => (i, false),
            None => {
                let id = match session_id {
                    Some(id) => id,
                    None => loop {
                        self.next_session += 1;
                        let mut id = String::from("sess_");
                        push_hex(&mut id, mix(SALT_SESSION ^ self.next_session), 16);
                        if !self.session_index.contains_key(&id) {
                            break id;
                        }
                    },
                };
                let website_id = website_id.unwrap_or_else(|| self.primary());
                self.session_index.insert(id.clone(), self.sessions.len());
                self.sessions.push(Session {
                    id,
                    website_id,
                    messages: Vec::new(),
                    started_at: now,
                    last_at: now,
                    activity: seq,
                    lead: None,
                });
                (self.sessions.len() - 1, true)
            }
        };
        let Some(site) = self.sessions.get(index).map(|s| s.website_id) else {
            return Err(fail(500, "internal sandbox error: session lost"));
        };

        let escalate = detect::wants_human(&message);
        let answer = if escalate {
            ESCALATION_ANSWER.to_owned()
        } else {
            self.answer(site, &message)
        };
        let email = detect::find_email(&message);
        let phone = detect::find_phone(&message);

        let Some(session) = self.sessions.get_mut(index) else {
            return Err(fail(500, "internal sandbox error: session lost"));
        };
        session.messages.push(Message {
            role: "user",
            content: message.clone(),
            at: now,
        });
        session.messages.push(Message {
            role: "assistant",
            content: answer.clone(),
            at: now,
        });
        session.last_at = now;
        session.activity = seq;
        let mut lead_changed = false;
        if email.is_some() || phone.is_some() {
            let lead = session.lead.get_or_insert_with(Lead::default);
            if email.is_some() && lead.email != email {
                lead.email = email;
                lead_changed = true;
            }
            if phone.is_some() && lead.phone != phone {
                lead.phone = phone;
                lead_changed = true;
            }
            if lead_changed {
                lead.seq = seq;
            }
        }
        let session_id = session.id.clone();
        let started_at = time::iso8601(session.started_at);
        let lead = session.lead.clone();
        let timestamp = time::iso8601(now);
        let domain = self.domain(site).to_owned();

        let mut deliveries = Vec::new();
        if started {
            let payload = JsonObject::new()
                .string("session_id", &session_id)
                .integer("website_id", site)
                .string("website_domain", &domain)
                .string("source", "api")
                .string("first_message", &message)
                .string("started_at", &started_at)
                .finish();
            self.deliver(site, "conversation.started", &payload, &mut deliveries);
        }
        let payload = JsonObject::new()
            .string("session_id", &session_id)
            .integer("website_id", site)
            .string("website_domain", &domain)
            .string("source", "api")
            .string("message", &message)
            .string("response", &answer)
            .string("timestamp", &timestamp)
            .finish();
        self.deliver(site, "message.received", &payload, &mut deliveries);
        if let (true, Some(lead)) = (lead_changed, &lead) {
            let payload = JsonObject::new()
                .nullable_string("email", lead.email.as_deref())
                .nullable_string("phone", lead.phone.as_deref())
                .nullable_string("page_url", None)
                .nullable_string("country", None)
                .string("website_domain", &domain)
                .string("session_id", &session_id)
                .string("started_at", &started_at)
                .finish();
            self.deliver(site, "lead.captured", &payload, &mut deliveries);
        }
        if escalate {
            let payload = JsonObject::new()
                .string("session_id", &session_id)
                .integer("website_id", site)
                .string("website_domain", &domain)
                .string("message", &message)
                .string("reason", "visitor_requested_human")
                .string("timestamp", &timestamp)
                .finish();
            self.deliver(site, "escalation.requested", &payload, &mut deliveries);
        }

        let body = JsonObject::success()
            .string("response", &answer)
            .string("session_id", &session_id)
            .finish();
        Ok(MockResponse {
            status: 200,
            body,
            deliveries,
        })
    }

    /// The best chunk of the website's knowledge for `question`, or the fallback.
    fn answer(&mut self, website_id: u64, question: &str) -> String {
        let Some(index) = self.indexes.get_mut(&website_id) else {
            return FALLBACK_ANSWER.to_owned();
        };
        match index.best(question) {
            Some((slot, _)) => index.text(slot).unwrap_or(FALLBACK_ANSWER).to_owned(),
            None => FALLBACK_ANSWER.to_owned(),
        }
    }

    fn deliver(&self, website_id: u64, event: &str, payload: &str, out: &mut Vec<Delivery>) {
        let mut body: Option<String> = None;
        for hook in &self.hooks {
            if hook.is_active && hook.website_id == website_id && hook.events.iter().any(|e| e == event) {
                let body = body
                    .get_or_insert_with(|| JsonObject::new().string("event", event).raw("payload", payload).finish())
                    .clone();
                let signature = crate::webhook::sign(hook.secret.as_bytes(), body.as_bytes());
                out.push(Delivery {
                    url: hook.url.clone(),
                    event: event.to_owned(),
                    body,
                    signature,
                });
            }
        }
    }

    // -- GET endpoints ------------------------------------------------------------------------

    fn list_websites(&self) -> MockResponse {
        let items = self.websites.iter().map(|w| {
            JsonObject::new()
                .integer("id", w.id)
                .string("name", &w.name)
                .string("domain", &w.domain)
                .boolean("is_primary", w.is_primary)
                .finish()
        });
        ok(JsonObject::success().raw("websites", &json_array(items)).finish())
    }

    fn conversations(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let session_id = match q.get("session_id") {
            None => return Err(bad("session_id is required")),
            Some("") => return Err(bad("session_id must not be empty")),
            Some(s) => s,
        };
        let limit = parse_limit(q, 50)?;
        let session = self
            .session_index
            .get(session_id)
            .and_then(|&i| self.sessions.get(i))
            .ok_or_else(|| fail(404, "session not found"))?;
        let skip = session.messages.len().saturating_sub(limit);
        let items = session.messages.iter().skip(skip).map(|m| {
            JsonObject::new()
                .string("role", m.role)
                .string("content", &m.content)
                .string("timestamp", &time::iso8601(m.at))
                .finish()
        });
        Ok(ok(JsonObject::success()
            .string("session_id", &session.id)
            .raw("messages", &json_array(items))
            .finish()))
    }

    fn list_sessions(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = parse_limit(q, 20)?;
        let website = self.query_website(q)?;
        let source = match q.get("source") {
            None => None,
            Some(s) => Some(SOURCES.iter().find(|&&k| k == s).ok_or_else(|| {
                bad("source must be one of widget, api, whatsapp, instagram, messenger, gorgias, freshchat, zapier")
            })?),
        };
        let mut picked: Vec<&Session> = self
            .sessions
            .iter()
            .filter(|s| website.map_or(true, |w| s.website_id == w))
            .filter(|_| source.map_or(true, |src| *src == "api"))
            .collect();
        picked.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(b.activity.cmp(&a.activity)));
        let items = picked.into_iter().take(limit).map(|s| {
            let first = s
                .messages
                .iter()
                .find(|m| m.role == "user")
                .map_or("", |m| m.content.as_str());
            JsonObject::new()
                .string("session_id", &s.id)
                .string("source", "api")
                .integer("message_count", s.messages.len() as u64)
                .string("first_message", first)
                .string("first_message_at", &time::iso8601(s.started_at))
                .string("last_message_at", &time::iso8601(s.last_at))
                .string("website_domain", self.domain(s.website_id))
                .finish()
        });
        Ok(ok(JsonObject::success().raw("sessions", &json_array(items)).finish()))
    }

    fn list_leads(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = parse_limit(q, 50)?;
        let website = self.query_website(q)?;
        let mut picked: Vec<(&Session, &Lead)> = self
            .sessions
            .iter()
            .filter(|s| website.map_or(true, |w| s.website_id == w))
            .filter_map(|s| s.lead.as_ref().map(|l| (s, l)))
            .collect();
        picked.sort_by_key(|p| std::cmp::Reverse(p.1.seq));
        let items = picked.into_iter().take(limit).map(|(s, l)| {
            JsonObject::new()
                .string("session_id", &s.id)
                .nullable_string("email", l.email.as_deref())
                .nullable_string("phone", l.phone.as_deref())
                .nullable_string("page_url", None)
                .string("started_at", &time::iso8601(s.started_at))
                .finish()
        });
        Ok(ok(JsonObject::success().raw("leads", &json_array(items)).finish()))
    }

    fn account(&mut self, now: i64) -> MockResponse {
        let used = self.messages_used(now);
        let account = JsonObject::new()
            .string("email", SANDBOX_EMAIL)
            .string("plan", self.plan.as_str())
            .integer("messages_used", used)
            .integer("messages_limit", self.limits.messages_per_month)
            .finish();
        ok(JsonObject::success().raw("account", &account).finish())
    }

    fn list_knowledge(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = parse_limit(q, 50)?;
        let website = self.query_website(q)?.unwrap_or_else(|| self.primary());
        let items = self
            .entries
            .iter()
            .rev()
            .filter(|e| e.website_id == website)
            .take(limit)
            .map(|e| {
                JsonObject::new()
                    .string("id", &e.id)
                    .string("type", e.kind)
                    .string("title", &e.title)
                    .string("description", &e.description)
                    .string("created_at", &time::iso8601(e.created_at))
                    .finish()
            });
        Ok(ok(JsonObject::success().raw("entries", &json_array(items)).finish()))
    }

    // -- knowledge uploads ------------------------------------------------------------------

    /// Stores an entry and indexes its chunks; returns (id, chunks created).
    fn store_entry(
        &mut self,
        kind: &'static str,
        title: &str,
        description: String,
        website_id: u64,
        chunks: Vec<String>,
        now: i64,
    ) -> (String, u64) {
        self.next_entry += 1;
        let id = make_id("kn", SALT_KNOWLEDGE, self.next_entry);
        let index = self.indexes.entry(website_id).or_default();
        let count = chunks.len() as u64;
        let slots = chunks.into_iter().map(|c| index.add(title, c)).collect();
        self.entries.push(Entry {
            id: id.clone(),
            kind,
            title: title.to_owned(),
            description,
            created_at: now,
            website_id,
            slots,
        });
        (id, count)
    }

    fn add_text(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let map = body_object(body)?;
        let title = required_str(&map, "title")?.to_owned();
        let content = required_str(&map, "content")?.to_owned();
        let chars = content.chars().count();
        if chars < 10 {
            return Err(bad("content must be at least 10 characters long"));
        }
        let website_id = self.body_website(&map)?;
        self.charge_upload(chars as u64, now)?;
        let words = content.split_whitespace().count();
        let description = format!(
            "Manual text content ({words} {})",
            if words == 1 { "word" } else { "words" }
        );
        let chunks = search::chunk_text(&content);
        let (id, count) = self.store_entry("text", &title, description, website_id, chunks, now);
        Ok(ok(JsonObject::success()
            .string("id", &id)
            .string("title", &title)
            .integer("chunks_created", count)
            .finish()))
    }

    fn add_url(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let map = body_object(body)?;
        let url = required_str(&map, "url")?.to_owned();
        if parse_http_url(&url).is_none() {
            return Err(bad("url must be an absolute http:// or https:// URL"));
        }
        let website_id = self.body_website(&map)?;
        self.charge_upload(url.chars().count() as u64, now)?;
        let title = title_from_url(&url);
        // The sandbox fetches nothing: the entry's only text is its title and URL.
        let chunk = format!("{title}: {url}");
        let description = format!("Content from {url}");
        let (id, count) = self.store_entry("url", &title, description, website_id, vec![chunk], now);
        Ok(ok(JsonObject::success()
            .string("id", &id)
            .string("title", &title)
            .string("url", &url)
            .integer("chunks_created", count)
            .finish()))
    }

    fn add_spreadsheet(
        &mut self,
        headers: &[(String, String)],
        body: &[u8],
        now: i64,
    ) -> Result<MockResponse, MockResponse> {
        const XLSX: &str = "the sandbox parses .csv only: save the sheet as CSV (File > Save as > .csv) \
to upload it here; the real API also takes .xlsx";
        let content_type = header(headers, "content-type").unwrap_or("");
        let boundary = multipart::boundary(content_type).map_err(bad)?;
        let parts = multipart::parse(body, &boundary).map_err(bad)?;
        let file = parts
            .iter()
            .find(|p| p.name == "file")
            .ok_or_else(|| bad("file is required (a multipart/form-data part named \"file\")"))?;
        let website_id = match parts.iter().find(|p| p.name == "website_id") {
            None => self.primary(),
            Some(p) => {
                let s = std::str::from_utf8(p.data).map_err(|_| bad(WEBSITE_ID_STRING))?;
                let id = parse_digits(s.trim()).ok_or_else(|| bad(WEBSITE_ID_STRING))?;
                self.website(id)?.id
            }
        };
        let filename = file.filename.clone().filter(|f| !f.trim().is_empty());
        if let Some(name) = &filename {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".xlsx") {
                return Err(bad(XLSX));
            }
            if !lower.ends_with(".csv") {
                return Err(bad("file must be a .csv or .xlsx spreadsheet"));
            }
        }
        if file.data.is_empty() {
            return Err(bad("the spreadsheet is empty"));
        }
        if file.data.starts_with(b"PK\x03\x04") {
            return Err(bad(XLSX)); // an .xlsx is a zip archive
        }
        let text = std::str::from_utf8(file.data).map_err(|_| bad("the CSV file must be UTF-8 text"))?;
        let cap = usize::try_from(self.limits.spreadsheet_rows).unwrap_or(usize::MAX);
        let records = multipart::parse_csv(text, cap.saturating_add(1)).map_err(|e| bad(&e))?;
        let mut records = records.into_iter();
        let header_row = records.next().ok_or_else(|| bad("the spreadsheet is empty"))?;
        let column = |i: usize| -> String {
            match header_row.get(i).map(|h| h.trim()) {
                Some(h) if !h.is_empty() => h.to_owned(),
                _ => format!("column {}", i + 1),
            }
        };
        let mut rows: Vec<String> = Vec::new();
        for record in records {
            let mut text = String::new();
            for (i, value) in record.iter().enumerate() {
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&column(i));
                text.push_str(": ");
                text.push_str(value);
            }
            if !text.is_empty() {
                rows.push(text);
            }
        }
        if rows.is_empty() {
            return Err(bad(
                "the spreadsheet has no data rows (the first row holds the column headers)",
            ));
        }
        let chars: u64 = rows.iter().map(|r| r.chars().count() as u64).sum();
        self.charge_upload(chars, now)?;
        let title = filename.unwrap_or_else(|| "spreadsheet.csv".to_owned());
        let count = rows.len() as u64;
        let description = format!("Spreadsheet with {count} {}", if count == 1 { "row" } else { "rows" });
        let (id, chunks) = self.store_entry("spreadsheet", &title, description, website_id, rows, now);
        Ok(ok(JsonObject::success()
            .string("id", &id)
            .string("title", &title)
            .integer("rows_processed", count)
            .integer("chunks_created", chunks)
            .finish()))
    }

    fn delete_knowledge(&mut self, id: &str) -> Result<MockResponse, MockResponse> {
        let pos = self
            .entries
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(|| fail(404, "knowledge base entry not found"))?;
        let entry = self.entries.remove(pos);
        if let Some(index) = self.indexes.get_mut(&entry.website_id) {
            for slot in entry.slots {
                index.remove(slot);
            }
        }
        Ok(ok(JsonObject::success().string("message", "Knowledge base entry deleted").finish()))
    }

    // -- webhooks -------------------------------------------------------------------------

    fn list_webhooks(&self) -> MockResponse {
        let items = self.hooks.iter().map(|h| {
            JsonObject::new()
                .string("id", &h.id)
                .string("url", &h.url)
                .strings("events", &h.events)
                .boolean("is_active", h.is_active)
                .string("created_at", &time::iso8601(h.created_at))
                .finish()
        });
        ok(JsonObject::success().raw("webhooks", &json_array(items)).finish())
    }

    fn create_webhook(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let map = body_object(body)?;
        let url = required_str(&map, "url")?.to_owned();
        match parse_http_url(&url) {
            Some((true, _)) => {}
            Some((false, host)) if is_loopback(host) => {}
            _ => {
                return Err(bad(
                    "url must be an https:// URL (http:// is accepted for localhost only)",
                ))
            }
        }
        let events = match map.get("events") {
            None | Some(Value::Null) => return Err(bad("events is required")),
            Some(Value::Array(items)) if items.is_empty() => return Err(bad("events must not be empty")),
            Some(Value::Array(items)) => items,
            Some(v) => {
                return Err(bad(&format!(
                    "events must be an array of strings, got {}",
                    json_type(v)
                )))
            }
        };
        let mut subscribed: Vec<String> = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            let Value::String(name) = event else {
                return Err(bad(&format!("events[{i}] must be a string, got {}", json_type(event))));
            };
            if !EVENTS.contains(&name.as_str()) {
                return Err(bad(&format!(
                    "events[{i}] is not an event: use one of {}",
                    EVENTS.join(", ")
                )));
            }
            if !subscribed.contains(name) {
                subscribed.push(name.clone());
            }
        }
        let website_id = self.body_website(&map)?;
        self.next_hook += 1;
        let n = self.next_hook;
        let id = make_id("wh", SALT_WEBHOOK, n);
        let mut secret = String::from("whsec_");
        push_hex(&mut secret, mix(SALT_SECRET ^ n), 16);
        push_hex(&mut secret, mix(SALT_SECRET ^ mix(n)), 16);
        let webhook = JsonObject::new()
            .string("id", &id)
            .string("url", &url)
            .strings("events", &subscribed)
            .string("secret", &secret)
            .string("created_at", &time::iso8601(now))
            .finish();
        self.hooks.push(Hook {
            id,
            url,
            events: subscribed,
            secret,
            website_id,
            created_at: now,
            is_active: true,
        });
        Ok(ok(JsonObject::success().raw("webhook", &webhook).finish()))
    }

    fn delete_webhook(&mut self, id: &str) -> Result<MockResponse, MockResponse> {
        let pos = self
            .hooks
            .iter()
            .position(|h| h.id == id)
            .ok_or_else(|| fail(404, "webhook not found"))?;
        self.hooks.remove(pos);
        Ok(ok(JsonObject::success().string("message", "Webhook deleted").finish()))
    }
}

#[cfg(test)]
mod tests;
