//! `GET /knowledge/`, `POST /knowledge/text/`, `POST /knowledge/url/`, `POST /knowledge/spreadsheet/`,
//! `DELETE /knowledge/{id}/`

use super::{encode_segment, ApiRequest, Body, JsonObject, Method, Params};
use crate::error::Error;

/// The least `content` a text entry may have, in characters.
pub const MIN_CONTENT_CHARS: usize = 10;

/// `knowledge.list({ limit?, website_id? })`
pub fn list(p: &mut Params) -> Result<ApiRequest, Error> {
    super::list_by_website("knowledge/", p)
}

/// `knowledge.addText({ title, content, website_id? })`
pub fn add_text(p: &mut Params) -> Result<ApiRequest, Error> {
    let title = p.required_text("title")?;
    let content = p.required_text("content")?;
    if content.chars().count() < MIN_CONTENT_CHARS {
        return Err(Error::validation(
            "content",
            format!("`content` must be at least {MIN_CONTENT_CHARS} characters long"),
        ));
    }
    let website_id = p.website_id()?;
    let body = JsonObject::new()
        .string("title", &title)
        .string("content", &content)
        .opt_digits("website_id", website_id);
    Ok(ApiRequest::post("knowledge/text/", body.finish()))
}

/// `knowledge.addUrl({ url, website_id? })`
pub fn add_url(p: &mut Params) -> Result<ApiRequest, Error> {
    let url = p.http_url("url")?;
    let website_id = p.website_id()?;
    let body = JsonObject::new().string("url", &url).opt_digits("website_id", website_id);
    Ok(ApiRequest::post("knowledge/url/", body.finish()))
}

/// `knowledge.uploadSpreadsheet({ file, filename?, website_id? })`. The file's bytes stay with the
/// caller: it passes `filename` (when known) and `size`; the request's body holds the form's text fields.
pub fn upload_spreadsheet(p: &mut Params) -> Result<ApiRequest, Error> {
    let filename = p.optional_token("filename")?;
    if let Some(name) = &filename {
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".csv") || lower.ends_with(".xlsx")) {
            return Err(Error::validation("filename", "`filename` must end in .csv or .xlsx"));
        }
    }
    match p.optional_size("size")? {
        Some(0) => return Err(Error::validation("file", "`file` is empty")),
        Some(_) => {}
        None => return Err(Error::validation("file", "`file` is required")),
    }
    let website_id = p.website_id()?;
    let fields = JsonObject::new().opt_digits("website_id", website_id);
    Ok(ApiRequest {
        method: Method::Post,
        path: "knowledge/spreadsheet/".into(),
        body: Body::Multipart(fields.finish()),
    })
}

/// `knowledge.delete(id)`
pub fn delete(p: &mut Params) -> Result<ApiRequest, Error> {
    let id = p.required_id("id")?;
    Ok(ApiRequest::delete(format!("knowledge/{}/", encode_segment(&id))))
}
