//! `GET /tickets/`: support tickets. The sandbox opens one when a visitor asks for a human (the
//! escalation path of `POST /chat/`), at most one per session, and delivers `ticket.created`.

use crate::api::JsonObject;

use super::request::Query;
use super::{ids, json_array, ok, time, Delivery, Mock, MockResponse};

/// The longest subject, in characters; a longer first line is cut and ends in `...`.
const SUBJECT_CHARS: usize = 120;

#[derive(Debug)]
pub(crate) struct Ticket {
    /// 1 for `TKT-00001`.
    number: u64,
    /// Index of its session in `Mock::sessions`.
    session: usize,
    website_id: u64,
    subject: String,
    /// Unique among tickets and increasing in the order they were opened.
    created_at: i64,
}

/// A ticket's subject: the first line of the visitor's message.
fn subject(message: &str) -> String {
    let line = message.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if line.chars().count() <= SUBJECT_CHARS {
        return line.to_owned();
    }
    let mut out: String = line.chars().take(SUBJECT_CHARS - 3).collect();
    out.push_str("...");
    out
}

impl Mock {
    /// Opens a ticket for the session at `index` unless it has one; delivers `ticket.created`.
    pub(crate) fn open_ticket(&mut self, index: usize, message: &str, now: i64, out: &mut Vec<Delivery>) {
        let Some(session) = self.sessions.get_mut(index) else {
            return;
        };
        if session.has_ticket {
            return;
        }
        session.has_ticket = true;
        let website_id = session.website_id;
        let created_at = match self.tickets.last() {
            Some(last) => now.max(last.created_at.saturating_add(1)),
            None => now,
        };
        self.tickets.push(Ticket {
            number: self.tickets.len() as u64 + 1,
            session: index,
            website_id,
            subject: subject(message),
            created_at,
        });
        if let Some(ticket) = self.tickets.last() {
            let payload = self.ticket_json(ticket);
            self.deliver(website_id, "ticket.created", &payload, out);
        }
    }

    /// A ticket as `GET /tickets/` lists it and `ticket.created` carries it. No agent works in the
    /// sandbox: every ticket stays open and unassigned.
    fn ticket_json(&self, t: &Ticket) -> String {
        let session = self.sessions.get(t.session);
        let email = session.and_then(|s| s.lead.as_ref()).and_then(|l| l.email.as_deref());
        JsonObject::new()
            .string("ticket_number", &ids::ticket_number(t.number))
            .string("session_id", session.map_or("", |s| s.id.as_str()))
            .string("status", "open")
            .string("priority", "normal")
            .string("subject", &t.subject)
            .nullable_string("visitor_email", email)
            .raw("page_url", "null")
            .integer("website_id", t.website_id)
            .string("channel", "api")
            .raw("assigned_to", "null")
            .string("created_at", &time::iso8601_ms(t.created_at))
            .raw("first_assigned_at", "null")
            .raw("first_response_at", "null")
            .raw("resolved_at", "null")
            .finish()
    }

    /// `GET /tickets/?limit&website_id&since&before`: newest first by `created_at`.
    pub(crate) fn list_tickets(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = q.limit(50)?;
        let website = self.query_website(q)?;
        let window = q.window()?;
        let items = window
            .newest_first(&self.tickets, |t| t.created_at)
            .filter(|t| website.map_or(true, |w| t.website_id == w))
            .take(limit)
            .map(|t| self.ticket_json(t));
        Ok(ok(JsonObject::success().raw("tickets", &json_array(items)).finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_the_first_line_cut_to_120_characters() {
        assert_eq!(subject("  \n I need a human \nplease"), "I need a human");
        let long = "é".repeat(130);
        let cut = subject(&long);
        assert_eq!(cut.chars().count(), 120);
        assert!(cut.ends_with("éé..."));
        assert_eq!(subject(&"a".repeat(120)), "a".repeat(120));
    }
}
