//! The offline sandbox behind `MockAsyntai` (`asyntai-edge/testing`) and `npx asyntai-edge sandbox`:
//! the whole Asyntai REST API as an in-memory, deterministic state machine. No I/O and no clock:
//! each request comes in as (method, target, headers, body bytes, now in ms) and goes out as
//! (status, JSON body, webhook deliveries to make), so the same code runs natively in `cargo test`
//! and behind the wasm boundary.
//!
//! One file per resource, as in `src/api/`: `chat.rs`, `websites.rs`, `conversations.rs`,
//! `sessions.rs`, `leads.rs`, `account.rs`, `knowledge.rs`, `webhooks.rs`, `tickets.rs`. Beside them:
//! `route.rs` (paths and methods), `request.rs` (reading requests: JSON bodies with the client core's
//! own option rules, the query, the `since`/`before` window), `seed.rs` (knowledge and webhooks to
//! start with), `options.rs` (the plan, quotas and websites), `ids.rs`, `time.rs`, and the engines:
//! `search.rs` (BM25), `detect.rs` (leads, escalations), `multipart.rs` (uploads, CSV).
//!
//! What it keeps and enforces:
//! - auth (`Authorization: Bearer <key>` or `X-API-Key: <key>`; 401), the plan (`free` has no API
//!   access: 403), wire-format validation (400), unknown ids and paths (404), wrong methods (405);
//! - the plan's monthly message quota (429), daily upload character cap (429) and spreadsheet row cap;
//! - websites, sessions (source `api`), conversations, leads (an email address or phone number in a
//!   visitor's message), knowledge entries (text, URL, CSV spreadsheets), webhooks, support tickets
//!   (opened when a visitor asks for a human);
//! - what the vendor's own clients send beyond the reference: `website_id` as an integer or a string
//!   of digits everywhere; `since`/`before` paging, newest first, on sessions, leads and tickets; the
//!   leads `email` filter; the extra fields they read;
//! - chat answers retrieved from the knowledge base with BM25 (`search.rs`), a plain fallback, and an
//!   escalation when the visitor asks for a human;
//! - signed webhook deliveries ([`EVENTS`]), handed back to the caller to send.
//!
//! Ids and webhook secrets come from counters through a fixed mixing function, so a scenario played
//! twice yields the same ids, secrets and signatures.

mod account;
mod chat;
mod conversations;
mod detect;
mod ids;
mod knowledge;
mod leads;
mod multipart;
mod options;
mod request;
mod route;
mod search;
mod seed;
mod sessions;
mod tickets;
mod time;
mod webhooks;
mod websites;

use std::collections::HashMap;

use crate::api::JsonObject;

pub use options::{parse_limits, parse_websites, Limits, MockOptions, Plan, Website};
pub use seed::{parse_knowledge, parse_webhooks, SeedEntry, SeedHook};

use knowledge::Entry;
use request::{header, percent_decode, same_key, Query};
use route::{route, Route};
use sessions::Session;
use tickets::Ticket;
use webhooks::Hook;

/// The account email `GET /account/` reports.
pub const SANDBOX_EMAIL: &str = "sandbox@example.com";

/// Every event a webhook can subscribe to: the client's own list.
pub use crate::api::EVENTS;

/// The values `GET /sessions/?source=` accepts: the client's own list.
pub use crate::api::SOURCES;

/// The answer when no knowledge matches the question.
pub const FALLBACK_ANSWER: &str = "I'm sorry, I couldn't find an answer to that in our knowledge base. \
Could you rephrase your question, or ask to speak with a member of our team?";

/// The answer when the visitor asks for a human.
pub const ESCALATION_ANSWER: &str =
    "I'll connect you with a member of our team. A human agent will reply here as soon as possible.";

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
    /// In the order they were made, which is also the order of their `started_at`.
    sessions: Vec<Session>,
    session_index: HashMap<String, usize>,
    entries: Vec<Entry>,
    indexes: HashMap<u64, search::Index>,
    hooks: Vec<Hook>,
    /// In the order they were opened, which is also the order of their `created_at`.
    tickets: Vec<Ticket>,
    messages: Counter,
    uploads: Counter,
    next_session: u64,
    next_entry: u64,
    next_hook: u64,
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
            tickets: Vec::new(),
            messages: Counter::default(),
            uploads: Counter::default(),
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
            Route::Tickets => self.list_tickets(&query),
        };
        result.unwrap_or_else(|e| e)
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
}

#[cfg(test)]
mod tests;
