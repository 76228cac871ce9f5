//! `GET /knowledge/`, `POST /knowledge/text/`, `POST /knowledge/url/`, `POST /knowledge/spreadsheet/`,
//! `DELETE /knowledge/{id}/`: entries whose chunks are indexed for the chat's retrieval.

use crate::api::{parse_http_url, AddTextRequest, AddUrlRequest, JsonObject};

use super::request::{header, percent_decode, read, Query};
use super::{bad, fail, ids, json_array, multipart, ok, search, time, Mock, MockResponse};

/// The least `content` a text entry may have, in characters (the API reference's rule).
pub(crate) const MIN_CONTENT_CHARS: usize = 10;

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) created_at: i64,
    pub(crate) website_id: u64,
    /// The entry's chunks in its website's search index.
    pub(crate) slots: Vec<u32>,
}

/// The text of a `content` field that is too short, or `None`.
pub(crate) fn short_content(content: &str) -> Option<String> {
    (content.chars().count() < MIN_CONTENT_CHARS)
        .then(|| format!("content must be at least {MIN_CONTENT_CHARS} characters long"))
}

impl Mock {
    /// `GET /knowledge/?limit&website_id`: newest first; default website: the primary one.
    pub(crate) fn list_knowledge(&self, q: &Query) -> Result<MockResponse, MockResponse> {
        let limit = q.limit(50)?;
        let website = self.query_website(q)?.unwrap_or_else(|| self.primary());
        let items = self
            .entries
            .iter()
            .rev()
            .filter(|e| e.website_id == website)
            .take(limit)
            .map(|e| {
                JsonObject::new()
                    .string("id", &e.id)
                    .string("type", e.kind)
                    .string("title", &e.title)
                    .string("description", &e.description)
                    .string("created_at", &time::iso8601(e.created_at))
                    .integer("chunks_count", e.slots.len() as u64)
                    .finish()
            });
        Ok(ok(JsonObject::success().raw("entries", &json_array(items)).finish()))
    }

    /// Stores an entry and indexes its chunks; returns (id, chunks created).
    fn store_entry(
        &mut self,
        kind: &'static str,
        title: &str,
        description: String,
        website_id: u64,
        chunks: Vec<String>,
        now: i64,
    ) -> (String, u64) {
        self.next_entry += 1;
        let id = ids::knowledge_id(self.next_entry);
        let index = self.indexes.entry(website_id).or_default();
        let count = chunks.len() as u64;
        let slots = chunks.into_iter().map(|c| index.add(title, c)).collect();
        self.entries.push(Entry {
            id: id.clone(),
            kind,
            title: title.to_owned(),
            description,
            created_at: now,
            website_id,
            slots,
        });
        (id, count)
    }

    /// A text entry (checked by the caller); returns (id, chunks created).
    pub(crate) fn store_text(&mut self, title: &str, content: &str, website_id: u64, now: i64) -> (String, u64) {
        let words = content.split_whitespace().count();
        let description = format!("Manual text content ({words} {})", if words == 1 { "word" } else { "words" });
        let chunks = search::chunk_text(content);
        self.store_entry("text", title, description, website_id, chunks, now)
    }

    /// A URL entry (checked by the caller); returns (id, title, chunks created). The sandbox fetches
    /// nothing: the entry's text is `content` when the seed gives the page's text, else its title
    /// and URL; its title is `title`, else one made from the URL.
    pub(crate) fn store_url(
        &mut self,
        url: &str,
        title: Option<&str>,
        content: Option<&str>,
        website_id: u64,
        now: i64,
    ) -> (String, String, u64) {
        let title = title.map_or_else(|| title_from_url(url), str::to_owned);
        let chunks = match content {
            Some(text) => search::chunk_text(text),
            None => vec![format!("{title}: {url}")],
        };
        let description = format!("Content from {url}");
        let (id, count) = self.store_entry("url", &title, description, website_id, chunks, now);
        (id, title, count)
    }

    /// `POST /knowledge/text/ {title, content, website_id?}`
    pub(crate) fn add_text(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let AddTextRequest { title, content, website_id } = read(body)?;
        let website_id = self.body_website(website_id)?.unwrap_or_else(|| self.primary());
        self.charge_upload(content.chars().count() as u64, now)?;
        let (id, count) = self.store_text(&title, &content, website_id, now);
        Ok(ok(JsonObject::success()
            .string("id", &id)
            .string("title", &title)
            .integer("chunks_created", count)
            .finish()))
    }

    /// `POST /knowledge/url/ {url, website_id?}`
    pub(crate) fn add_url(&mut self, body: &[u8], now: i64) -> Result<MockResponse, MockResponse> {
        let AddUrlRequest { url, website_id } = read(body)?;
        let website_id = self.body_website(website_id)?.unwrap_or_else(|| self.primary());
        self.charge_upload(url.chars().count() as u64, now)?;
        let (id, title, count) = self.store_url(&url, None, None, website_id, now);
        Ok(ok(JsonObject::success()
            .string("id", &id)
            .string("title", &title)
            .string("url", &url)
            .integer("chunks_created", count)
            .finish()))
    }

    /// `POST /knowledge/spreadsheet/`: multipart `file` (CSV; each row an entry's chunk), `website_id`.
    pub(crate) fn add_spreadsheet(
        &mut self,
        headers: &[(String, String)],
        body: &[u8],
        now: i64,
    ) -> Result<MockResponse, MockResponse> {
        const XLSX: &str = "the sandbox parses .csv only: save the sheet as CSV (File > Save as > .csv) \
to upload it here; the real API also takes .xlsx";
        let content_type = header(headers, "content-type").unwrap_or("");
        let boundary = multipart::boundary(content_type).map_err(bad)?;
        let parts = multipart::parse(body, &boundary).map_err(bad)?;
        let file = parts
            .iter()
            .find(|p| p.name == "file")
            .ok_or_else(|| bad("file is required (a multipart/form-data part named \"file\")"))?;
        let website_id = self.field_website(parts.iter().find(|p| p.name == "website_id").map(|p| p.data))?;
        let filename = file.filename.clone().filter(|f| !f.trim().is_empty());
        if let Some(name) = &filename {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".xlsx") {
                return Err(bad(XLSX));
            }
            if !lower.ends_with(".csv") {
                return Err(bad("file must be a .csv or .xlsx spreadsheet"));
            }
        }
        if file.data.is_empty() {
            return Err(bad("the spreadsheet is empty"));
        }
        if file.data.starts_with(b"PK\x03\x04") {
            return Err(bad(XLSX)); // an .xlsx is a zip archive
        }
        let text = std::str::from_utf8(file.data).map_err(|_| bad("the CSV file must be UTF-8 text"))?;
        let cap = usize::try_from(self.limits.spreadsheet_rows).unwrap_or(usize::MAX);
        let records = multipart::parse_csv(text, cap.saturating_add(1)).map_err(|e| bad(&e))?;
        let mut records = records.into_iter();
        let header_row = records.next().ok_or_else(|| bad("the spreadsheet is empty"))?;
        let column = |i: usize| -> String {
            match header_row.get(i).map(|h| h.trim()) {
                Some(h) if !h.is_empty() => h.to_owned(),
                _ => format!("column {}", i + 1),
            }
        };
        let mut rows: Vec<String> = Vec::new();
        for record in records {
            let mut text = String::new();
            for (i, value) in record.iter().enumerate() {
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&column(i));
                text.push_str(": ");
                text.push_str(value);
            }
            if !text.is_empty() {
                rows.push(text);
            }
        }
        if rows.is_empty() {
            return Err(bad(
                "the spreadsheet has no data rows (the first row holds the column headers)",
            ));
        }
        let chars: u64 = rows.iter().map(|r| r.chars().count() as u64).sum();
        self.charge_upload(chars, now)?;
        let title = filename.unwrap_or_else(|| "spreadsheet.csv".to_owned());
        let count = rows.len() as u64;
        let description = format!("Spreadsheet with {count} {}", if count == 1 { "row" } else { "rows" });
        let (id, chunks) = self.store_entry("spreadsheet", &title, description, website_id, rows, now);
        Ok(ok(JsonObject::success()
            .string("id", &id)
            .string("title", &title)
            .integer("rows_processed", count)
            .integer("chunks_created", chunks)
            .finish()))
    }

    /// `DELETE /knowledge/{id}/`
    pub(crate) fn delete_knowledge(&mut self, id: &str) -> Result<MockResponse, MockResponse> {
        let pos = self
            .entries
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(|| fail(404, "knowledge base entry not found"))?;
        let entry = self.entries.remove(pos);
        if let Some(index) = self.indexes.get_mut(&entry.website_id) {
            for slot in entry.slots {
                index.remove(slot);
            }
        }
        Ok(ok(JsonObject::success().string("message", "Knowledge base entry deleted").finish()))
    }
}

/// A title for a URL entry, since the sandbox fetches nothing: the last path segment made readable,
/// then the host: `https://www.example.com/shipping-policy.html` -> `Shipping Policy - example.com`.
pub(crate) fn title_from_url(url: &str) -> String {
    let (_, host) = parse_http_url(url).unwrap_or((true, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let after_scheme = url.split_once("://").map_or("", |(_, r)| r);
    let path = after_scheme.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once('/').map_or("", |(_, p)| p);
    let segment = path.split('/').rev().find(|s| !s.is_empty()).unwrap_or("");
    let segment = percent_decode(segment, false);
    let stem = match segment.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            stem.to_owned()
        }
        _ => segment.clone(),
    };
    let words: Vec<String> = stem
        .split(['-', '_', '+', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    let name = match words.as_slice() {
        [] => return host,
        // A lone short word is most likely an acronym: /faq -> FAQ.
        [one] if one.len() <= 3 && one.chars().all(|c| c.is_ascii_alphabetic()) => one.to_ascii_uppercase(),
        _ => words.join(" "),
    };
    format!("{name} - {host}")
}
