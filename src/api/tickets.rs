//! `GET /tickets/` (from the vendor's own clients: see asyntai-api.md, last section)

use serde::{Deserialize, Serialize};

use super::{check_window, paged, paged_request, ApiRequest, Extra, FromParams, Operation, Params, WebsiteId};
use crate::error::Error;

/// `tickets.list({ limit?, website_id?, since?, before? })`: support tickets, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListTicketsRequest {
    /// 1..=100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only this website's tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_id: Option<WebsiteId>,
    /// Only tickets created at or after this ISO 8601 date or date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Only tickets created before this ISO 8601 date or date-time (the paging cursor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

impl Operation for ListTicketsRequest {
    type Response = TicketList;
    const WIRE_FIELDS: &'static [&'static str] = &["limit", "website_id", "since", "before"];

    fn validate(&self) -> Result<(), Error> {
        check_window(self.limit, self.website_id, self.since.as_deref(), self.before.as_deref())
    }

    fn build(&self) -> ApiRequest {
        paged_request("tickets/", self.limit, self.website_id, &[("since", &self.since), ("before", &self.before)])
    }
}

impl FromParams for ListTicketsRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ListTicketsRequest {
            limit: p.read_limit(),
            website_id: p.read_website_id(),
            since: p.read_string("since"),
            before: p.read_string("before"),
        };
        p.finish()?;
        Ok(r)
    }
}

paged!(ListTicketsRequest, Ticket, tickets, 50, "created_at", |item| Some(item.created_at.as_str()).filter(|s| !s.is_empty()));

/// A support ticket, opened when a visitor asks for a human.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ticket {
    /// e.g. `TKT-00001`.
    pub ticket_number: String,
    /// The conversation it came from.
    pub session_id: String,
    /// `open`, `assigned`, `resolved`...
    pub status: String,
    /// `low`, `normal`, `high`...
    pub priority: String,
    /// Its subject.
    pub subject: String,
    /// The visitor's email address, if known.
    pub visitor_email: Option<String>,
    /// The page the visitor was on.
    pub page_url: Option<String>,
    /// The website (an integer here).
    pub website_id: Option<u64>,
    /// `widget`, `api`, `whatsapp`...
    pub channel: String,
    /// The agent it is assigned to.
    pub assigned_to: Option<String>,
    /// ISO 8601: what `since`/`before` compare.
    pub created_at: String,
    /// When it was first assigned.
    pub first_assigned_at: Option<String>,
    /// When a human first answered.
    pub first_response_at: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<String>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /tickets/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketList {
    /// `true`.
    pub success: bool,
    /// The page's tickets, newest first.
    pub tickets: Vec<Ticket>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}
