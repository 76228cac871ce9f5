//! `GET /leads/`: the contact details visitors left (an email address or phone number in a message).

use crate::api::JsonObject;

use super::request::Query;
use super::{bad, json_array, ok, time, Mock, MockResponse};

impl Mock {
    /// `GET /leads/?limit&website_id&email&since&before`: newest first by the session's `started_at`;
    /// `email` matches exactly.
    pub(crate) fn list_leads(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = q.limit(50)?;
        let website = self.query_website(q)?;
        let email = match q.get("email") {
            Some("") => return Err(bad("email must not be empty")),
            other => other,
        };
        let window = q.window()?;
        let items = window
            .newest_first(&self.sessions, |s| s.started_at)
            .filter(|s| website.map_or(true, |w| s.website_id == w))
            .filter_map(|s| s.lead.as_ref().map(|l| (s, l)))
            .filter(|(_, l)| email.map_or(true, |e| l.email.as_deref() == Some(e)))
            .take(limit)
            .map(|(s, l)| {
                JsonObject::new()
                    .string("session_id", &s.id)
                    .nullable_string("email", l.email.as_deref())
                    .nullable_string("phone", l.phone.as_deref())
                    .nullable_string("page_url", None)
                    .string("started_at", &time::iso8601_ms(s.started_at))
                    .finish()
            });
        Ok(ok(JsonObject::success().raw("leads", &json_array(items)).finish()))
    }
}
