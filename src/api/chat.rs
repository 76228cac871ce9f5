//! `POST /chat/`

use super::{ApiRequest, JsonObject, Params};
use crate::error::Error;

/// `chat.send({ message, session_id?, website_id? })`: `website_id` goes out as an integer.
pub fn send(p: &mut Params) -> Result<ApiRequest, Error> {
    let message = p.required_text("message")?;
    let session_id = p.optional_token("session_id")?;
    let website_id = p.website_id()?;
    let body = JsonObject::new()
        .string("message", &message)
        .opt_string("session_id", session_id.as_deref())
        .opt_integer("website_id", website_id);
    Ok(ApiRequest::post("chat/", body.finish()))
}
