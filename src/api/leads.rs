//! `GET /leads/`

use serde::{Deserialize, Serialize};

use super::{check_window, paged, paged_request, rules, ApiRequest, Extra, FromParams, Operation, Params, WebsiteId};
use crate::error::Error;

/// `leads.list({ limit?, website_id?, since?, before?, email? })`: captured leads, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListLeadsRequest {
    /// 1..=100; the API's default is 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only this website's leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_id: Option<WebsiteId>,
    /// Only leads started at or after this ISO 8601 date or date-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Only leads started before this ISO 8601 date or date-time (the paging cursor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Only the leads with exactly this email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Operation for ListLeadsRequest {
    type Response = LeadList;
    const WIRE_FIELDS: &'static [&'static str] = &["limit", "website_id", "since", "before", "email"];

    fn validate(&self) -> Result<(), Error> {
        rules::email(self.email.as_deref())?;
        check_window(self.limit, self.website_id, self.since.as_deref(), self.before.as_deref())
    }

    fn build(&self) -> ApiRequest {
        paged_request("leads/", self.limit, self.website_id, &[("since", &self.since), ("before", &self.before), ("email", &self.email)])
    }
}

impl FromParams for ListLeadsRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ListLeadsRequest {
            limit: p.read_limit(),
            website_id: p.read_website_id(),
            since: p.read_string("since"),
            before: p.read_string("before"),
            email: p.read_string("email"),
        };
        p.finish()?;
        Ok(r)
    }
}

paged!(ListLeadsRequest, Lead, leads, 50, "started_at", |item| Some(item.started_at.as_str()).filter(|s| !s.is_empty()));

/// A captured lead: a visitor who left an email address or a phone number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lead {
    /// The conversation it was captured in.
    pub session_id: String,
    /// The email address, if one was left.
    pub email: Option<String>,
    /// The phone number, if one was left.
    pub phone: Option<String>,
    /// The page the visitor was on.
    pub page_url: Option<String>,
    /// When the conversation started (ISO 8601): what `since`/`before` compare.
    pub started_at: String,
    /// The visitor's country.
    pub country: Option<String>,
    /// The website's domain.
    pub website_domain: Option<String>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /leads/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadList {
    /// `true`.
    pub success: bool,
    /// The page's leads, newest first.
    pub leads: Vec<Lead>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}
