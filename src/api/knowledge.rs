//! `GET /knowledge/`, `POST /knowledge/text/`, `POST /knowledge/url/`, `POST /knowledge/spreadsheet/`,
//! `DELETE /knowledge/{id}/`

use serde::{Deserialize, Serialize};

use super::{
    encode_segment, list_path, rules, website_id_as_string, ApiRequest, Body, Extra, FromParams, JsonObject, Method,
    Operation, Params, WebsiteId,
};
use crate::error::Error;
use crate::text::int;

/// The least `content` a text entry may have, in characters.
pub const MIN_CONTENT_CHARS: usize = 10;

/// The media type of an .xlsx file.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `knowledge.list({ limit?, website_id? })`: the knowledge base's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKnowledgeRequest {
    /// 1..=100; the API's default is 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The website (default: the primary one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_id: Option<WebsiteId>,
}

impl Operation for ListKnowledgeRequest {
    type Response = KnowledgeList;
    const WIRE_FIELDS: &'static [&'static str] = &["limit", "website_id"];
    fn validate(&self) -> Result<(), Error> {
        rules::limit(self.limit)?;
        rules::website_id(self.website_id)
    }
    fn build(&self) -> ApiRequest {
        ApiRequest::get(list_path("knowledge/", self.limit, self.website_id))
    }
}

impl FromParams for ListKnowledgeRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = ListKnowledgeRequest { limit: p.read_limit(), website_id: p.read_website_id() };
        p.finish()?;
        Ok(r)
    }
}

/// `knowledge.addText({ title, content, website_id? })`: a text entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddTextRequest {
    /// Its title (required).
    pub title: String,
    /// Its text: at least [`MIN_CONTENT_CHARS`] characters.
    pub content: String,
    /// The website (default: the primary one). Sent as a string.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "website_id_as_string::serialize")]
    pub website_id: Option<WebsiteId>,
}

impl Operation for AddTextRequest {
    type Response = AddTextResponse;
    const WIRE_FIELDS: &'static [&'static str] = &["title", "content", "website_id"];
    fn validate(&self) -> Result<(), Error> {
        rules::text("title", &self.title)?;
        rules::text("content", &self.content)?;
        // characters, not bytes: the bytes that start one (no `chars().count()` machinery in the wasm)
        if self.content.bytes().filter(|b| b & 0xC0 != 0x80).count() < MIN_CONTENT_CHARS {
            return Err(Error::validation(
                "content",
                cat!("`content` must be at least ", int(MIN_CONTENT_CHARS as u64), " characters long"),
            ));
        }
        rules::website_id(self.website_id)
    }
    fn build(&self) -> ApiRequest {
        let body = JsonObject::new()
            .string("title", &self.title)
            .string("content", &self.content)
            .opt_digits("website_id", self.website_id.map(|w| w.0));
        ApiRequest::post("knowledge/text/", body.finish())
    }
}

impl FromParams for AddTextRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = AddTextRequest {
            title: p.read_required_string("title"),
            content: p.read_required_string("content"),
            website_id: p.read_website_id(),
        };
        p.finish()?;
        Ok(r)
    }
}

/// `knowledge.addUrl({ url, website_id? })`: a page the API reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddUrlRequest {
    /// An absolute http(s) URL.
    pub url: String,
    /// The website (default: the primary one). Sent as a string.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "website_id_as_string::serialize")]
    pub website_id: Option<WebsiteId>,
}

impl Operation for AddUrlRequest {
    type Response = AddUrlResponse;
    const WIRE_FIELDS: &'static [&'static str] = &["url", "website_id"];
    fn validate(&self) -> Result<(), Error> {
        rules::http_url("url", &self.url)?;
        rules::website_id(self.website_id)
    }
    fn build(&self) -> ApiRequest {
        let body = JsonObject::new().string("url", &self.url).opt_digits("website_id", self.website_id.map(|w| w.0));
        ApiRequest::post("knowledge/url/", body.finish())
    }
}

impl FromParams for AddUrlRequest {
    fn from_params(mut p: Params) -> Result<Self, Error> {
        let r = AddUrlRequest { url: p.read_required_string("url"), website_id: p.read_website_id() };
        p.finish()?;
        Ok(r)
    }
}

/// What the spreadsheet upload needs to know of a file without reading it: its size, and whether
/// it looks like an .xlsx (for the name and type of a file given without a name).
pub trait SpreadsheetFile {
    /// Its size in bytes.
    fn byte_len(&self) -> u64;
    /// Whether it is an .xlsx file (a zip archive, or a file typed as one).
    fn looks_like_xlsx(&self) -> bool;
}

impl SpreadsheetFile for Vec<u8> {
    fn byte_len(&self) -> u64 {
        self.len() as u64
    }
    fn looks_like_xlsx(&self) -> bool {
        self.starts_with(b"PK\x03\x04")
    }
}

/// `knowledge.uploadSpreadsheet({ file, filename?, website_id? })`: a .csv or .xlsx file, each row an
/// entry (first row = column headers), sent as multipart/form-data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadSpreadsheetRequest<F = Vec<u8>> {
    /// The file's bytes (not empty).
    pub file: F,
    /// Its name, ending in .csv or .xlsx (default: `spreadsheet.xlsx` for a zip archive, else
    /// `spreadsheet.csv`).
    pub filename: Option<String>,
    /// The website (default: the primary one). Sent as a string.
    pub website_id: Option<WebsiteId>,
}

impl<F: SpreadsheetFile> UploadSpreadsheetRequest<F> {
    /// The name the file part carries.
    pub fn part_name(&self) -> String {
        match &self.filename {
            Some(name) => name.clone(),
            None if self.file.looks_like_xlsx() => "spreadsheet.xlsx".into(),
            None => "spreadsheet.csv".into(),
        }
    }

    /// The media type the file part carries when the file has none of its own.
    pub fn part_type(&self) -> &'static str {
        if self.part_name().to_ascii_lowercase().ends_with(".xlsx") {
            XLSX_TYPE
        } else {
            "text/csv"
        }
    }
}

impl<F: SpreadsheetFile> Operation for UploadSpreadsheetRequest<F> {
    type Response = UploadSpreadsheetResponse;
    const WIRE_FIELDS: &'static [&'static str] = &["file", "website_id"];
    fn validate(&self) -> Result<(), Error> {
        if let Some(name) = &self.filename {
            rules::token("filename", name)?;
            let lower = name.to_ascii_lowercase();
            if !(lower.ends_with(".csv") || lower.ends_with(".xlsx")) {
                return Err(Error::validation("filename", "`filename` must end in .csv or .xlsx"));
            }
        }
        if self.file.byte_len() == 0 {
            return Err(Error::validation("file", "`file` is empty"));
        }
        rules::website_id(self.website_id)
    }
    fn build(&self) -> ApiRequest {
        let fields = self.website_id.map(|w| vec![("website_id", int(w.0))]).unwrap_or_default();
        ApiRequest { method: Method::Post, path: "knowledge/spreadsheet/".into(), body: Body::Multipart(fields) }
    }
}

/// `knowledge.delete(id)`
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteKnowledgeRequest {
    /// The entry's id, from the list.
    pub id: String,
}

impl Operation for DeleteKnowledgeRequest {
    type Response = DeleteResponse;
    const WIRE_FIELDS: &'static [&'static str] = &[];
    fn validate(&self) -> Result<(), Error> {
        rules::id("id", &self.id)
    }
    fn build(&self) -> ApiRequest {
        ApiRequest::delete(cat!("knowledge/", encode_segment(&self.id), "/"))
    }
}

/// One knowledge base entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KnowledgeEntry {
    /// Its id (for `delete`).
    pub id: String,
    /// `text`, `url`, `spreadsheet`...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its title.
    pub title: String,
    /// A short description.
    pub description: String,
    /// ISO 8601.
    pub created_at: String,
    /// How many chunks it was cut into.
    pub chunks_count: Option<u64>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `GET /knowledge/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KnowledgeList {
    /// `true`.
    pub success: bool,
    /// The entries.
    pub entries: Vec<KnowledgeEntry>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /knowledge/text/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddTextResponse {
    /// `true`.
    pub success: bool,
    /// The new entry's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How many chunks it was cut into.
    pub chunks_created: u64,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /knowledge/url/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddUrlResponse {
    /// `true`.
    pub success: bool,
    /// The new entry's id.
    pub id: String,
    /// The page's title.
    pub title: String,
    /// The URL read.
    pub url: String,
    /// How many chunks it was cut into.
    pub chunks_created: u64,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /knowledge/spreadsheet/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadSpreadsheetResponse {
    /// `true`.
    pub success: bool,
    /// The new entry's id.
    pub id: String,
    /// Its title (the file's name).
    pub title: String,
    /// Rows read (past the plan's cap, rows are cut).
    pub rows_processed: u64,
    /// How many chunks were made.
    pub chunks_created: u64,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of the `DELETE`s.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteResponse {
    /// `true`.
    pub success: bool,
    /// What was done.
    pub message: String,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}
