//! `GET /account/`

use super::{ApiRequest, Params};
use crate::error::Error;

/// `account.get()`
pub fn get(_: &mut Params) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::get("account/".into()))
}
