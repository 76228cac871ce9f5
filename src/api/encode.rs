//! Percent-encoding of path segments and query values.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_encoded(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// Encodes `s` as exactly one path segment: everything but RFC 3986's unreserved characters is
/// percent-encoded, so `/`, `?`, `#` and `%` cannot change the path. (`.` and `..` are refused by the
/// caller's validation, since URL parsers resolve them even when encoded.)
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_encoded(&mut out, s);
    out
}

/// Appends `name=value` to a path's query, with `?` before the first pair and `&` before the others.
pub fn push_query(path: &mut String, name: &str, value: &str) {
    path.push(if path.contains('?') { '&' } else { '?' });
    path.push_str(name);
    path.push('=');
    push_encoded(path, value);
}

/// A JSON object written field by field, in the order the API reference lists them.
#[derive(Debug)]
pub struct JsonObject(String);

impl JsonObject {
    /// `{`
    pub fn new() -> Self {
        JsonObject(String::from("{"))
    }

    fn key(&mut self, k: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_json_string(&mut self.0, k);
        self.0.push(':');
    }

    /// `"k":"v"`
    pub fn string(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        push_json_string(&mut self.0, v);
        self
    }

    /// `{"success":true`: the start of every success body (the sandbox's answers).
    pub fn success() -> Self {
        let mut s = String::with_capacity(128);
        s.push_str("{\"success\":true");
        JsonObject(s)
    }

    /// `"k":"v"`, or `"k":null` when `v` is not there.
    pub fn nullable_string(self, k: &str, v: Option<&str>) -> Self {
        match v {
            Some(v) => self.string(k, v),
            None => self.raw(k, "null"),
        }
    }

    /// `"k":123`
    pub fn integer(self, k: &str, v: u64) -> Self {
        self.raw(k, &crate::text::int(v))
    }

    /// `"k":true`
    pub fn boolean(self, k: &str, v: bool) -> Self {
        self.raw(k, if v { "true" } else { "false" })
    }

    /// `"k":<json>`, for a value already written as JSON.
    pub fn raw(mut self, k: &str, json: &str) -> Self {
        self.key(k);
        self.0.push_str(json);
        self
    }

    /// `"k":"v"` when `v` is there.
    pub fn opt_string(self, k: &str, v: Option<&str>) -> Self {
        match v {
            Some(v) => self.string(k, v),
            None => self,
        }
    }

    /// `"k":"123"` when there: `website_id` as the string every endpoint but chat documents.
    pub fn opt_digits(self, k: &str, v: Option<u64>) -> Self {
        match v {
            Some(v) => self.string(k, &crate::text::int(v)),
            None => self,
        }
    }

    /// `"k":123` when there.
    pub fn opt_integer(self, k: &str, v: Option<u64>) -> Self {
        match v {
            Some(v) => self.integer(k, v),
            None => self,
        }
    }

    /// `"k":["a","b"]`
    pub fn strings(mut self, k: &str, v: &[String]) -> Self {
        self.key(k);
        self.0.push('[');
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            push_json_string(&mut self.0, s);
        }
        self.0.push(']');
        self
    }

    /// `}`
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

impl Default for JsonObject {
    fn default() -> Self {
        Self::new()
    }
}

/// Appends `s` as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
