//! `GET /leads/`

use super::{ApiRequest, Params};
use crate::error::Error;

/// `leads.list({ limit?, website_id? })`
pub fn list(p: &mut Params) -> Result<ApiRequest, Error> {
    super::list_by_website("leads/", p)
}
