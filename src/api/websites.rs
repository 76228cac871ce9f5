//! `GET /websites/`

use super::{ApiRequest, Params};
use crate::error::Error;

/// `websites.list()`
pub fn list(_: &mut Params) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::get("websites/".into()))
}
