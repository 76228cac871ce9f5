//! `GET /account/`

use serde::{Deserialize, Serialize};

use super::{ApiRequest, Extra, Operation};
use crate::error::Error;

/// The account and its usage this month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Account {
    /// The account's email address.
    pub email: String,
    /// `starter`, `standard`, `pro`...
    pub plan: String,
    /// Messages answered this month.
    pub messages_used: u64,
    /// The plan's monthly message quota.
    pub messages_limit: u64,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /account/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountResponse {
    /// `true`.
    pub success: bool,
    /// The account.
    pub account: Account,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `account.get()`: takes no parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetAccountRequest;

impl Operation for GetAccountRequest {
    type Response = AccountResponse;
    const WIRE_FIELDS: &'static [&'static str] = &[];
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
    fn build(&self) -> ApiRequest {
        ApiRequest::get("account/".into())
    }
}
