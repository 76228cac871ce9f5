//! `GET /sessions/`, and the sessions every chat message belongs to.

use crate::api::{JsonObject, SOURCES};

use super::request::Query;
use super::{bad, ids, json_array, ok, time, Mock, MockResponse};

/// One message of a conversation.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    /// `user` or `assistant`.
    pub(crate) role: &'static str,
    pub(crate) content: String,
    pub(crate) at: i64,
}

/// The contact details a visitor left in a session.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lead {
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
}

/// A conversation: every sandbox session has source `api` (it is started through `POST /chat/`).
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) website_id: u64,
    pub(crate) messages: Vec<Message>,
    /// Unique among sessions and increasing in the order they were made (see [`Mock::open_session`]).
    pub(crate) started_at: i64,
    pub(crate) last_at: i64,
    pub(crate) lead: Option<Lead>,
    /// Whether a support ticket was opened for it (one per session).
    pub(crate) has_ticket: bool,
}

impl Mock {
    /// The session named `id`, or a new one (with a generated id when none is given). Returns its
    /// index and whether it is new.
    ///
    /// Sessions are kept in the order they were made, and each new one starts at least 1 ms after
    /// the one before (the clock is the caller's and may stand still or step back), so `started_at`
    /// orders them strictly and a `before` cursor taken from any session is exact.
    pub(crate) fn open_session(&mut self, id: Option<String>, website_id: u64, now: i64) -> (usize, bool) {
        if let Some(&i) = id.as_ref().and_then(|id| self.session_index.get(id)) {
            return (i, false);
        }
        let id = match id {
            Some(id) => id,
            None => loop {
                self.next_session += 1;
                let id = ids::session_id(self.next_session);
                if !self.session_index.contains_key(&id) {
                    break id;
                }
            },
        };
        let started_at = match self.sessions.last() {
            Some(last) => now.max(last.started_at.saturating_add(1)),
            None => now,
        };
        self.session_index.insert(id.clone(), self.sessions.len());
        self.sessions.push(Session {
            id,
            website_id,
            messages: Vec::new(),
            started_at,
            last_at: started_at,
            lead: None,
            has_ticket: false,
        });
        (self.sessions.len() - 1, true)
    }

    pub(crate) fn session(&self, id: &str) -> Option<&Session> {
        self.session_index.get(id).and_then(|&i| self.sessions.get(i))
    }

    /// `GET /sessions/?limit&website_id&source&since&before`: newest first by `started_at`.
    pub(crate) fn list_sessions(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = q.limit(20)?;
        let website = self.query_website(q)?;
        let source = match q.get("source") {
            None => None,
            Some(s) => Some(SOURCES.iter().find(|&&k| k == s).ok_or_else(|| {
                bad("source must be one of widget, api, whatsapp, instagram, messenger, gorgias, freshchat, zapier")
            })?),
        };
        let window = q.window()?;
        let items = window
            .newest_first(&self.sessions, |s| s.started_at)
            .filter(|s| website.map_or(true, |w| s.website_id == w))
            .filter(|_| source.map_or(true, |src| *src == "api"))
            .take(limit)
            .map(|s| self.session_json(s));
        Ok(ok(JsonObject::success().raw("sessions", &json_array(items)).finish()))
    }

    /// A session as `GET /sessions/` lists it: the reference's fields, then the extra ones the
    /// vendor's clients read (null where the sandbox has nothing to say: no page, no country, no
    /// human agent; the AI answers within the request, so its first response time is 0 ms).
    fn session_json(&self, s: &Session) -> String {
        let first = s.messages.iter().find(|m| m.role == "user").map_or("", |m| m.content.as_str());
        let started_at = time::iso8601_ms(s.started_at);
        let answered = s.messages.iter().any(|m| m.role == "assistant");
        JsonObject::new()
            .string("session_id", &s.id)
            .string("source", "api")
            .integer("message_count", s.messages.len() as u64)
            .string("first_message", first)
            .string("first_message_at", &started_at)
            .string("last_message_at", &time::iso8601_ms(s.last_at))
            .string("website_domain", self.domain(s.website_id))
            .string("started_at", &started_at)
            .raw("ended_at", "null")
            .raw("first_response_time_ms", if answered { "0" } else { "null" })
            .raw("first_human_response_at", "null")
            .raw("taken_over_at", "null")
            .raw("page_url", "null")
            .raw("country", "null")
            .raw("category", "null")
            .finish()
    }
}
