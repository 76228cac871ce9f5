//! `GET /sessions/`

use super::{push_query, ApiRequest, Params};
use crate::error::Error;

/// `sessions.list({ limit?, website_id?, source? })`
pub fn list(p: &mut Params) -> Result<ApiRequest, Error> {
    let limit = p.limit()?;
    let website_id = p.website_id()?;
    let source = p.source()?;
    let mut path = String::from("sessions/");
    if let Some(l) = limit {
        push_query(&mut path, "limit", &l.to_string());
    }
    if let Some(w) = website_id {
        push_query(&mut path, "website_id", &w.to_string());
    }
    if let Some(s) = source {
        push_query(&mut path, "source", s);
    }
    Ok(ApiRequest::get(path))
}
