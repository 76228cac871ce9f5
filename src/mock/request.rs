//! Reading a request: headers, the query string, JSON bodies and the inputs several endpoints share
//! (`limit`, `website_id`, the `since`/`before` window). JSON bodies are read with the client core's
//! own option rules ([`Params`]): a field the client accepts, the sandbox accepts, with the same
//! message when it does not (`website_id` as an integer or a string of digits, everywhere).

use crate::api::{FromParams, Loose, Operation, Params, WebsiteId};
use crate::error::Error;
use crate::webhook::hex_value;

use super::time;
use super::{bad, Mock, MockResponse};

/// The value of header `name` (matched case-insensitively).
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Compares two byte strings in time independent of where they differ.
pub(crate) fn same_key(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, &x) in b.iter().enumerate() {
        diff |= usize::from(x ^ a.get(i).copied().unwrap_or(!x));
    }
    diff == 0
}

/// Percent-decodes `s` (and `+` as a space when `plus` is set); invalid escapes stay as they are.
pub(crate) fn percent_decode(s: &str, plus: bool) -> String {
    if !s.bytes().any(|b| b == b'%' || (plus && b == b'+')) {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value);
            let lo = bytes.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(if plus && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query string's pairs, decoded, in order.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(q: &str) -> Query {
        Query(
            q.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (percent_decode(k, true), percent_decode(v, true))
                })
                .collect(),
        )
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// `limit`: absent -> `default`; otherwise an integer 1..=100 written in digits.
    pub(crate) fn limit(&self, default: usize) -> Result<usize, MockResponse> {
        match self.get("limit") {
            None => Ok(default),
            Some(s) => {
                let n = if !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()) {
                    s.parse::<usize>().ok()
                } else {
                    None
                };
                match n {
                    Some(n @ 1..=100) => Ok(n),
                    _ => Err(bad("limit must be an integer between 1 and 100")),
                }
            }
        }
    }

    /// `since` (inclusive) and `before` (exclusive), when given.
    pub(crate) fn window(&self) -> Result<Window, MockResponse> {
        let read = |name: &str| -> Result<Option<i64>, MockResponse> {
            match self.get(name) {
                None => Ok(None),
                Some(s) => time::parse_instant(s).map(Some).ok_or_else(|| {
                    bad(&format!(
                        "{name} must be an ISO 8601 date or date-time, e.g. 2024-01-15, 2024-01-15T10:30:00Z \
or 2024-01-15T12:30:00+02:00"
                    ))
                }),
            }
        };
        Ok(Window {
            since: read("since")?,
            before: read("before")?,
        })
    }
}

/// The time window of a list: `since <= t < before`, on the field the list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Window {
    /// Inclusive lower bound, in ms since the epoch.
    pub(crate) since: Option<i64>,
    /// Exclusive upper bound, in ms since the epoch.
    pub(crate) before: Option<i64>,
}

impl Window {
    /// The items of `items` (ordered by `at`, oldest first) inside the window, newest first. The
    /// `before` bound is found by binary search and iteration stops at the first item older than
    /// `since`, so a page costs the length of the page, not of the list.
    pub(crate) fn newest_first<'a, T>(
        self,
        items: &'a [T],
        at: impl Fn(&T) -> i64 + Copy + 'a,
    ) -> impl Iterator<Item = &'a T> + 'a {
        let end = match self.before {
            Some(before) => items.partition_point(|x| at(x) < before),
            None => items.len(),
        };
        let since = self.since;
        items
            .get(..end)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(move |x| since.map_or(true, |s| at(x) >= s))
    }
}

/// The message of a rule the core's option reader enforces, as a 400.
pub(crate) fn invalid(e: Error) -> MockResponse {
    bad(&e.to_string())
}

/// A JSON object body, read with the client core's option reader, as a server reads it: fields it
/// does not ask for are ignored.
pub(crate) fn json_body(body: &[u8]) -> Result<Params, MockResponse> {
    const NOT_AN_OBJECT: &str = "the request body must be a JSON object";
    let text = std::str::from_utf8(body).map_err(|_| bad("the request body is not valid JSON (not UTF-8 text)"))?;
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.is_empty() || trimmed == "null" {
        return Err(bad(NOT_AN_OBJECT));
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value @ serde_json::Value::Object(_)) => Params::new(Loose::from_json(&value)).map(Params::lenient).map_err(invalid),
        Ok(_) => Err(bad(NOT_AN_OBJECT)),
        Err(_) => Err(bad("the request body is not valid JSON")),
    }
}

/// A JSON body read into the client's own request type `R` and checked with its own rules: what
/// the client would send, the sandbox takes, and what it refuses, the sandbox refuses too.
pub(crate) fn read<R: FromParams + Operation>(body: &[u8]) -> Result<R, MockResponse> {
    let request = R::from_params(json_body(body)?).map_err(invalid)?;
    request.validate().map_err(invalid)?;
    Ok(request)
}

/// A `website_id` written as text (a query parameter, a form field): the core's rule, as if the
/// text had come as a JSON string.
fn website_id_text(text: &str) -> Result<u64, MockResponse> {
    if text.is_empty() {
        return Err(bad("website_id must not be empty"));
    }
    text.parse::<WebsiteId>().map(|w| w.0).map_err(invalid)
}

impl Mock {
    /// `website_id` from a query: absent -> None; naming a website -> Some(id); else 400 or 404.
    pub(crate) fn query_website(&self, q: &Query) -> Result<Option<u64>, MockResponse> {
        match q.get("website_id") {
            None => Ok(None),
            Some(s) => self.website(website_id_text(s)?).map(|w| Some(w.id)),
        }
    }

    /// `website_id` from a form field (the spreadsheet upload); absent: the primary website.
    pub(crate) fn field_website(&self, field: Option<&[u8]>) -> Result<u64, MockResponse> {
        match field {
            None => Ok(self.primary()),
            Some(bytes) => {
                let text = std::str::from_utf8(bytes).map_err(|_| bad("website_id must be a string of digits"))?;
                self.website(website_id_text(text.trim())?).map(|w| w.id)
            }
        }
    }

    /// `website_id` of a request body (an integer or a string of digits there); absent: None.
    pub(crate) fn body_website(&self, id: Option<WebsiteId>) -> Result<Option<u64>, MockResponse> {
        match id {
            None => Ok(None),
            Some(id) => self.website(id.0).map(|w| Some(w.id)),
        }
    }
}
