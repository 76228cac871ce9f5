//! `GET /leads/`

use serde::{Deserialize, Serialize};

use super::{list_path, push_query, rules, ApiRequest, Extra, FromParams, Operation, Paged, Params, WebsiteId};
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
        rules::limit(self.limit)?;
        rules::website_id(self.website_id)?;
        rules::timestamp("since", self.since.as_deref())?;
        rules::timestamp("before", self.before.as_deref())?;
        rules::email(self.email.as_deref())
    }

    fn build(&self) -> ApiRequest {
        let mut path = list_path("leads/", self.limit, self.website_id);
        for (name, value) in [("since", &self.since), ("before", &self.before), ("email", &self.email)] {
            if let Some(v) = value {
                push_query(&mut path, name, v);
            }
        }
        ApiRequest::get(path)
    }
}

impl FromParams for ListLeadsRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ListLeadsRequest {
            limit: p.limit()?,
            website_id: p.website_id()?,
            since: p.string("since")?,
            before: p.string("before")?,
            email: p.string("email")?,
        };
        p.finish()?;
        Ok(r)
    }
}

impl Paged for ListLeadsRequest {
    type Item = Lead;
    const DEFAULT_LIMIT: u32 = 50;
    const ITEMS: &'static str = "leads";
    const CURSOR: &'static str = "started_at";
    fn limit(&self) -> Option<u32> {
        self.limit
    }
    fn before(&self) -> Option<&str> {
        self.before.as_deref()
    }
    fn before_mut(&mut self) -> &mut Option<String> {
        &mut self.before
    }
    fn items(page: &Self::Response) -> &[Lead] {
        &page.leads
    }
    fn items_mut(page: &mut Self::Response) -> &mut Vec<Lead> {
        &mut page.leads
    }
    fn cursor(item: &Lead) -> Option<&str> {
        Some(item.started_at.as_str()).filter(|s| !s.is_empty())
    }
}

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
