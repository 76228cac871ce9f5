//! `GET /conversations/`: a session's messages.

use crate::api::JsonObject;

use super::request::Query;
use super::{bad, fail, json_array, ok, time, Mock, MockResponse};

impl Mock {
    /// `GET /conversations/?session_id&limit`: the session's last `limit` messages, oldest first.
    pub(crate) fn conversations(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let session_id = match q.get("session_id") {
            None => return Err(bad("session_id is required")),
            Some("") => return Err(bad("session_id must not be empty")),
            Some(s) => s,
        };
        let limit = q.limit(50)?;
        let session = self.session(session_id).ok_or_else(|| fail(404, "session not found"))?;
        let skip = session.messages.len().saturating_sub(limit);
        let items = session.messages.iter().skip(skip).map(|m| {
            // The extra fields the vendor's clients read: every answer here is the AI's, given
            // within the request (0 ms); a visitor's message has no sender type the sandbox knows.
            let ai = m.role == "assistant";
            JsonObject::new()
                .string("role", m.role)
                .string("content", &m.content)
                .string("timestamp", &time::iso8601(m.at))
                .raw("sender_type", if ai { "\"ai\"" } else { "null" })
                .raw("agent_name", "null")
                .raw("response_time_ms", if ai { "0" } else { "null" })
                .finish()
        });
        Ok(ok(JsonObject::success()
            .string("session_id", &session.id)
            .raw("messages", &json_array(items))
            .finish()))
    }
}
