//! `GET /conversations/`

use super::{push_query, ApiRequest, Params};
use crate::error::Error;

/// `conversations.list({ session_id, limit? })`
pub fn list(p: &mut Params) -> Result<ApiRequest, Error> {
    let session_id = p.required_token("session_id")?;
    let limit = p.limit()?;
    let mut path = String::from("conversations/");
    push_query(&mut path, "session_id", &session_id);
    if let Some(l) = limit {
        push_query(&mut path, "limit", &l.to_string());
    }
    Ok(ApiRequest::get(path))
}
