//! `POST /chat/`: a visitor's message, answered from the website's knowledge, with the events it
//! causes (`conversation.started`, `message.received`, `lead.captured`, `escalation.requested`,
//! `ticket.created`).

use crate::api::{ChatRequest, JsonObject};

use super::request::read;
use super::sessions::{Lead, Message};
use super::{detect, fail, time, Mock, MockResponse, ESCALATION_ANSWER, FALLBACK_ANSWER};

impl Mock {
    /// `POST /chat/ {message, session_id?, website_id?}`
    pub(crate) fn chat(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let ChatRequest { message, session_id, website_id } = read(body)?;
        let website_id = self.body_website(website_id)?;
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

        // The session: the one named, or a new one (on the website asked for, else the primary).
        let site = website_id.unwrap_or_else(|| self.primary());
        let (index, started) = self.open_session(session_id, site, now);
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
        let at = now.max(session.last_at);
        session.messages.push(Message {
            role: "user",
            content: message.clone(),
            at,
        });
        session.messages.push(Message {
            role: "assistant",
            content: answer.clone(),
            at,
        });
        session.last_at = at;
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
        }
        let session_id = session.id.clone();
        let started_at = time::iso8601_ms(session.started_at);
        let lead = session.lead.clone();
        let timestamp = time::iso8601(at);
        let domain = self.domain(site).to_owned();

        // The fields every session event starts with.
        let about_session = || {
            JsonObject::new()
                .string("session_id", &session_id)
                .integer("website_id", site)
                .string("website_domain", &domain)
        };
        let mut deliveries = Vec::new();
        if started {
            let payload = about_session()
                .string("source", "api")
                .string("first_message", &message)
                .string("started_at", &started_at)
                .finish();
            self.deliver(site, "conversation.started", &payload, &mut deliveries);
        }
        let payload = about_session()
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
            let payload = about_session()
                .string("message", &message)
                .string("reason", "visitor_requested_human")
                .string("timestamp", &timestamp)
                .finish();
            self.deliver(site, "escalation.requested", &payload, &mut deliveries);
            self.open_ticket(index, &message, now, &mut deliveries);
        }

        // `ai_disclosure`, read by the vendor's clients: the sandbox has no disclosure text set.
        let body = JsonObject::success()
            .string("response", &answer)
            .string("session_id", &session_id)
            .raw("ai_disclosure", "null")
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
}
