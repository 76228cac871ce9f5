//! The caller's options object, and the validation rules every resource shares.

use crate::json::{self, Value};

use crate::error::Error;

/// Longest value accepted where it becomes part of a URL or a header (ids, `session_id`, `website_id`).
pub const MAX_TOKEN_LEN: usize = 2048;

/// The eight values `source` may take.
pub const SOURCES: &[&str] =
    &["widget", "api", "whatsapp", "instagram", "messenger", "gorgias", "freshchat", "zapier"];

/// The options object of one call. Each rule takes its field out; [`Params::finish`] refuses the rest,
/// so a misspelt option (`sessionId`) is an error rather than silently dropped.
#[derive(Debug)]
pub struct Params {
    map: Vec<(String, Value)>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

impl Params {
    /// Parses the options object. `null` (no options) is an empty object.
    ///
    /// # Errors
    /// When the text is not a JSON object.
    pub fn parse(text: &str) -> Result<Self, Error> {
        match json::parse(text) {
            Some(Value::Object(map)) => Ok(Params { map }),
            Some(Value::Null) => Ok(Params { map: Vec::new() }),
            Some(other) => Err(Error::validation(
                "params",
                format!("the options must be an object, got {}", type_name(&other)),
            )),
            None => Err(Error::validation("params", "the options must be a JSON-compatible object")),
        }
    }

    /// Takes a field out; `null` counts as absent.
    fn take(&mut self, field: &str) -> Option<Value> {
        let i = self.map.iter().position(|(k, _)| k == field)?;
        match self.map.swap_remove(i).1 {
            Value::Null => None,
            v => Some(v),
        }
    }

    /// A required, non-blank string (a message, a title): any text, newlines included.
    pub fn required_text(&mut self, field: &str) -> Result<String, Error> {
        match self.take(field) {
            None => Err(Error::validation(field, format!("`{field}` is required"))),
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(Error::validation(field, format!("`{field}` must not be empty")))
            }
            Some(Value::String(s)) => Ok(s),
            Some(v) => Err(wrong_type(field, "a string", &v)),
        }
    }

    /// A string that becomes part of a URL, a query or a header: non-empty, at most
    /// [`MAX_TOKEN_LEN`] bytes, no control characters (CR, LF, NUL...).
    pub fn optional_token(&mut self, field: &str) -> Result<Option<String>, Error> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::String(s)) => check_token(field, s).map(Some),
            Some(v) => Err(wrong_type(field, "a string", &v)),
        }
    }

    /// A required token (see [`Params::optional_token`]).
    pub fn required_token(&mut self, field: &str) -> Result<String, Error> {
        self.optional_token(field)?
            .ok_or_else(|| Error::validation(field, format!("`{field}` is required")))
    }

    /// An id: a non-empty string (or a non-negative integer) that will be one path segment.
    pub fn required_id(&mut self, field: &str) -> Result<String, Error> {
        let id = match self.take(field) {
            None => return Err(Error::validation(field, format!("`{field}` is required"))),
            Some(Value::String(s)) => check_token(field, s)?,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(n) => n.to_string(),
                None => return Err(Error::validation(field, format!("`{field}` must be a string"))),
            },
            Some(v) => return Err(wrong_type(field, "a string", &v)),
        };
        if id == "." || id == ".." {
            return Err(Error::validation(field, format!("`{field}` must not be `.` or `..`")));
        }
        Ok(id)
    }

    /// `limit`: an integer in 1..=100, when given.
    pub fn limit(&mut self) -> Result<Option<u64>, Error> {
        const FIELD: &str = "limit";
        match self.take(FIELD) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(l @ 1..=100) => Ok(Some(l)),
                _ => Err(Error::validation(
                    FIELD,
                    format!("`limit` must be an integer from 1 to 100, got {}", n.as_str()),
                )),
            },
            Some(v) => Err(wrong_type(FIELD, "an integer from 1 to 100", &v)),
        }
    }

    /// `website_id`: a non-negative integer given as a number or a string of digits, when given.
    pub fn website_id(&mut self) -> Result<Option<u64>, Error> {
        const FIELD: &str = "website_id";
        const RULE: &str = "`website_id` must be a non-negative integer or a string of digits";
        match self.take(FIELD) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(id) if id <= (1 << 53) => Ok(Some(id)),
                _ => Err(Error::validation(FIELD, RULE)),
            },
            Some(Value::String(s)) => {
                if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::validation(FIELD, RULE));
                }
                s.parse::<u64>().map(Some).map_err(|_| Error::validation(FIELD, RULE))
            }
            Some(v) => Err(wrong_type(FIELD, "an integer or a string of digits", &v)),
        }
    }

    /// `source`: one of [`SOURCES`], when given.
    pub fn source(&mut self) -> Result<Option<&'static str>, Error> {
        const FIELD: &str = "source";
        match self.take(FIELD) {
            None => Ok(None),
            Some(Value::String(s)) => match SOURCES.iter().find(|&&k| k == s) {
                Some(k) => Ok(Some(k)),
                None => Err(Error::validation(FIELD, format!("`source` must be one of {}", SOURCES.join(", ")))),
            },
            Some(v) => Err(wrong_type(FIELD, "a string", &v)),
        }
    }

    /// An absolute http(s) URL.
    pub fn http_url(&mut self, field: &str) -> Result<String, Error> {
        let url = self.required_text(field)?;
        if parse_http_url(&url).is_none() {
            return Err(Error::validation(field, format!("`{field}` must be an absolute http:// or https:// URL")));
        }
        Ok(url)
    }

    /// An HTTPS URL, or an http URL to a loopback host (for local work).
    pub fn webhook_url(&mut self, field: &str) -> Result<String, Error> {
        let url = self.required_text(field)?;
        match parse_http_url(&url) {
            Some((true, _)) => Ok(url),
            Some((false, host)) if is_loopback(host) => Ok(url),
            _ => Err(Error::validation(
                field,
                format!("`{field}` must be an https:// URL (http:// only for localhost)"),
            )),
        }
    }

    /// A non-empty array of non-empty strings.
    pub fn string_list(&mut self, field: &str) -> Result<Vec<String>, Error> {
        let items = match self.take(field) {
            None => return Err(Error::validation(field, format!("`{field}` is required"))),
            Some(Value::Array(items)) => items,
            Some(v) => return Err(wrong_type(field, "an array of strings", &v)),
        };
        if items.is_empty() {
            return Err(Error::validation(field, format!("`{field}` must not be empty")));
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) if !s.trim().is_empty() && !has_control(&s) => Ok(s),
                Value::String(_) => Err(Error::validation(
                    format!("{field}[{i}]"),
                    format!("`{field}[{i}]` must be a non-empty string without control characters"),
                )),
                other => Err(wrong_type(&format!("{field}[{i}]"), "a string", &other)),
            })
            .collect()
    }

    /// An optional non-negative integer (a byte count).
    pub fn optional_size(&mut self, field: &str) -> Result<Option<u64>, Error> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| Error::validation(field, format!("`{field}` must be a non-negative integer"))),
            Some(v) => Err(wrong_type(field, "a number", &v)),
        }
    }

    /// Refuses any option no rule took.
    pub fn finish(self) -> Result<(), Error> {
        match self.map.into_iter().find(|(_, v)| *v != Value::Null) {
            None => Ok(()),
            Some((k, _)) => {
                let shown: String = k.chars().filter(|c| !c.is_control()).take(64).collect();
                Err(Error::validation(shown.clone(), format!("unknown option `{shown}`")))
            }
        }
    }
}

fn wrong_type(field: &str, want: &str, got: &Value) -> Error {
    Error::validation(field, format!("`{field}` must be {want}, got {}", type_name(got)))
}

fn check_token(field: &str, s: String) -> Result<String, Error> {
    if s.is_empty() {
        Err(Error::validation(field, format!("`{field}` must not be empty")))
    } else if s.len() > MAX_TOKEN_LEN {
        Err(Error::validation(field, format!("`{field}` is longer than {MAX_TOKEN_LEN} bytes")))
    } else if has_control(&s) {
        Err(Error::validation(field, format!("`{field}` must not contain control characters (CR, LF, NUL...)")))
    } else {
        Ok(s)
    }
}

/// `Some((is_https, host))` for an absolute http(s) URL with a host, no whitespace and no control
/// characters; `None` otherwise.
pub fn parse_http_url(url: &str) -> Option<(bool, &str)> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower_starts = |p: &str| url.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    let (https, rest) = if lower_starts("https://") {
        (true, &url[8..])
    } else if lower_starts("http://") {
        (false, &url[7..])
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if hostport.starts_with('[') {
        hostport.split_inclusive(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    if host.is_empty() || host == "[" {
        return None;
    }
    Some((https, host))
}

/// localhost (and `*.localhost`, RFC 6761), 127.0.0.0/8 and [::1].
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "[::1]"
        || (h.starts_with("127.") && h.split('.').count() == 4 && h.split('.').all(|p| p.parse::<u8>().is_ok()))
}
