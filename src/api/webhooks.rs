//! `GET /webhooks/`, `POST /webhooks/`, `DELETE /webhooks/{id}/`

use super::{encode_segment, ApiRequest, JsonObject, Params};
use crate::error::Error;

/// `webhooks.list()`
pub fn list(_: &mut Params) -> Result<ApiRequest, Error> {
    Ok(ApiRequest::get("webhooks/".into()))
}

/// `webhooks.create({ url, events, website_id? })`
pub fn create(p: &mut Params) -> Result<ApiRequest, Error> {
    let url = p.webhook_url("url")?;
    let events = p.string_list("events")?;
    let website_id = p.website_id()?;
    let body = JsonObject::new()
        .string("url", &url)
        .strings("events", &events)
        .opt_digits("website_id", website_id);
    Ok(ApiRequest::post("webhooks/", body.finish()))
}

/// `webhooks.delete(id)`
pub fn delete(p: &mut Params) -> Result<ApiRequest, Error> {
    let id = p.required_id("id")?;
    Ok(ApiRequest::delete(format!("webhooks/{}/", encode_segment(&id))))
}
