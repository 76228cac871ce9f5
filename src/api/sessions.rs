//! `GET /sessions/`

use serde::{Deserialize, Serialize};

use super::{check_window, paged, paged_request, rules, ApiRequest, Extra, FromParams, Operation, Params, WebsiteId};
use crate::error::Error;

/// `sessions.list({ limit?, website_id?, source?, since?, before? })`: conversations, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSessionsRequest {
    /// 1..=100; the API's default is 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only this website's sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_id: Option<WebsiteId>,
    /// Only sessions from this channel: one of [`super::SOURCES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Only sessions started at or after this ISO 8601 date or date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Only sessions started before this ISO 8601 date or date-time (the paging cursor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

impl Operation for ListSessionsRequest {
    type Response = SessionList;
    const WIRE_FIELDS: &'static [&'static str] = &["limit", "website_id", "source", "since", "before"];

    fn validate(&self) -> Result<(), Error> {
        rules::source(self.source.as_deref())?;
        check_window(self.limit, self.website_id, self.since.as_deref(), self.before.as_deref())
    }

    fn build(&self) -> ApiRequest {
        paged_request("sessions/", self.limit, self.website_id, &[("source", &self.source), ("since", &self.since), ("before", &self.before)])
    }
}

impl FromParams for ListSessionsRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ListSessionsRequest {
            limit: p.read_limit(),
            website_id: p.read_website_id(),
            source: p.read_string("source"),
            since: p.read_string("since"),
            before: p.read_string("before"),
        };
        p.finish()?;
        Ok(r)
    }
}

paged!(ListSessionsRequest, Session, sessions, 20, "started_at", |item| item.started_at.as_deref().or(Some(item.first_message_at.as_str()).filter(|s| !s.is_empty())));

/// One conversation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// Its id.
    pub session_id: String,
    /// Where it came from: one of [`super::SOURCES`].
    pub source: String,
    /// How many messages it holds.
    pub message_count: u64,
    /// The visitor's first message.
    pub first_message: String,
    /// ISO 8601.
    pub first_message_at: String,
    /// ISO 8601.
    pub last_message_at: String,
    /// The website's domain.
    pub website_domain: String,
    /// When it started (ISO 8601): what `since`/`before` compare.
    pub started_at: Option<String>,
    /// When it ended, if it did.
    pub ended_at: Option<String>,
    /// How long the first answer took, in milliseconds.
    pub first_response_time_ms: Option<u64>,
    /// When a human agent first answered.
    pub first_human_response_at: Option<String>,
    /// When a human agent took over.
    pub taken_over_at: Option<String>,
    /// The page the visitor was on.
    pub page_url: Option<String>,
    /// The visitor's country.
    pub country: Option<String>,
    /// The conversation's category.
    pub category: Option<String>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /sessions/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionList {
    /// `true`.
    pub success: bool,
    /// The page's sessions, newest first.
    pub sessions: Vec<Session>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}
