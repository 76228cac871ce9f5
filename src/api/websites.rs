//! `GET /websites/`

use serde::{Deserialize, Serialize};

use super::{ApiRequest, Extra, Operation};
use crate::error::Error;

/// One website of the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Website {
    /// Its id (`website_id` elsewhere).
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its domain.
    pub domain: String,
    /// Whether it is the account's primary website (the default everywhere).
    pub is_primary: bool,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /websites/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebsiteList {
    /// `true`.
    pub success: bool,
    /// The account's websites.
    pub websites: Vec<Website>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `websites.list()`: takes no parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListWebsitesRequest;

impl Operation for ListWebsitesRequest {
    type Response = WebsiteList;
    const WIRE_FIELDS: &'static [&'static str] = &[];
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
    fn build(&self) -> ApiRequest {
        ApiRequest::get("websites/".into())
    }
}
