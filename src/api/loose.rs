//! Untyped input: the options object of a JavaScript call (or any JSON document), read field by field
//! into the typed request structs, each field's type checked with an error that names it.
//!
//! Rust callers never come here: they build the request structs directly and the type system does
//! this part. What is left to check on a value (ranges, URLs, control characters) is each request
//! type's `validate`, shared by both.

use crate::api::WebsiteId;
use crate::error::Error;
use crate::text::int;

/// A value as JavaScript (or JSON) gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Loose {
    /// `null` or `undefined`: the field counts as absent.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Any number, NaN and the infinities included (refused where a number is wanted).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Loose>),
    /// A plain object, its keys in order.
    Object(Vec<(String, Loose)>),
    /// A value JSON has no spelling for, described for messages: "a BigInt", "a function", "a symbol"...
    Other(&'static str),
}

impl Loose {
    /// "a string", "a number", ...: what the value is, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Loose::Null => "null",
            Loose::Bool(_) => "a boolean",
            Loose::Number(_) => "a number",
            Loose::String(_) => "a string",
            Loose::Array(_) => "an array",
            Loose::Object(_) => "an object",
            Loose::Other(what) => what,
        }
    }

    /// From a JSON document, as serde_json read it (native callers, tests and fuzzers).
    pub fn from_json(v: &serde_json::Value) -> Loose {
        use serde_json::Value;
        match v {
            Value::Null => Loose::Null,
            Value::Bool(b) => Loose::Bool(*b),
            Value::Number(n) => Loose::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Loose::String(s.clone()),
            Value::Array(items) => Loose::Array(items.iter().map(Loose::from_json).collect()),
            Value::Object(map) => Loose::Object(map.iter().map(|(k, v)| (k.clone(), Loose::from_json(v))).collect()),
        }
    }
}

/// A number as JavaScript's `String(n)` writes the usual ones: `3`, `1.5`, `-2`, `NaN`, `Infinity`.
/// Float formatting machinery is not linked for this (it would cost the wasm module ~10 kB); in the npm
/// package's wasm it is `String(n)` itself (0.7 kB less wasm).
pub fn number_text(n: f64) -> String {
    #[cfg(all(feature = "wasm", target_arch = "wasm32", not(target_os = "wasi")))]
    return crate::wasm::errors::js_string(&wasm_bindgen::JsValue::from_f64(n));
    #[cfg(not(all(feature = "wasm", target_arch = "wasm32", not(target_os = "wasi"))))]
    number_text_here(n)
}

/// [`number_text`] written here.
#[cfg_attr(all(feature = "wasm", target_arch = "wasm32", not(target_os = "wasi")), allow(dead_code))]
fn number_text_here(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let a = n.abs();
    if a >= 1e15 {
        return cat!(sign, int(a as u64)); // beyond exact fractions: the integer part
    }
    let whole = a.trunc() as u64;
    let frac = ((a - a.trunc()) * 1e6).round() as u64;
    if frac == 0 || frac >= 1_000_000 {
        let whole = if frac >= 1_000_000 { whole + 1 } else { whole };
        return cat!(sign, int(whole));
    }
    // The six digits of the fraction, zero-padded: those of 1,000,000 + frac after its leading 1.
    let digits = int(1_000_000 + frac);
    cat!(sign, int(whole), ".", digits.get(1..).unwrap_or_default().trim_end_matches('0'))
}

/// `Some(n)` when `x` is a non-negative integer JavaScript represents exactly (at most 2^53).
pub fn exact_u64(x: f64) -> Option<u64> {
    (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_992.0).then_some(x as u64)
}

/// The options object of one call. Each reader takes its field out; [`Params::finish`] refuses the
/// rest, so a misspelt option (`sessionId`) is an error rather than silently dropped.
#[derive(Debug, Default)]
pub struct Params {
    map: Vec<(String, Loose)>,
    /// Unknown fields are left alone (a server's reading: the sandbox's), not refused.
    lenient: bool,
    /// The first error of a `read_*` method, for [`Params::finish`].
    error: Option<Error>,
}

impl Params {
    /// The options object; `null`/`undefined` (no options) is an empty one.
    ///
    /// # Errors
    /// When the value is not an object.
    pub fn new(value: Loose) -> Result<Self, Error> {
        match value {
            Loose::Object(map) => Ok(Params { map, lenient: false, error: None }),
            Loose::Null => Ok(Params::default()),
            other => Err(Error::validation(
                "params",
                cat!("the options must be an object, got ", other.type_name()),
            )),
        }
    }

    /// From JSON text (tests and fuzzers).
    ///
    /// # Errors
    /// When the text is not JSON, or not an object.
    pub fn from_json_text(text: &str) -> Result<Self, Error> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => Params::new(Loose::from_json(&v)),
            Err(_) => Err(Error::validation("params", "the options must be a JSON-compatible object")),
        }
    }

    /// This object read as a server reads a body: fields no reader takes are ignored.
    pub fn lenient(mut self) -> Self {
        self.lenient = true;
        self
    }

    /// Takes a field out; `null` counts as absent.
    pub fn take(&mut self, field: &str) -> Option<Loose> {
        let i = self.map.iter().position(|(k, _)| k == field)?;
        match self.map.remove(i).1 {
            Loose::Null => None,
            v => Some(v),
        }
    }

    /// A string field, when given.
    ///
    /// # Errors
    /// When it is not a string.
    pub fn string(&mut self, field: &str) -> Result<Option<String>, Error> {
        match self.take(field) {
            None => Ok(None),
            Some(Loose::String(s)) => Ok(Some(s)),
            Some(v) => Err(wrong_type(field, "a string", &v)),
        }
    }

    /// A required string field (its content is the request type's `validate`'s to judge).
    ///
    /// # Errors
    /// When it is missing or not a string.
    pub fn required_string(&mut self, field: &str) -> Result<String, Error> {
        self.string(field)?.ok_or_else(|| required(field))
    }

    /// An id: a string, or a non-negative integer written as one.
    ///
    /// # Errors
    /// When it is missing, or neither.
    pub fn required_id(&mut self, field: &str) -> Result<String, Error> {
        match self.take(field) {
            None => Err(required(field)),
            Some(Loose::String(s)) => Ok(s),
            Some(Loose::Number(n)) => {
                exact_u64(n).map(int).ok_or_else(|| Error::validation(field, cat!("`", field, "` must be a string")))
            }
            Some(v) => Err(wrong_type(field, "a string", &v)),
        }
    }

    /// `limit`: an integer (its range, 1..=100, is checked by `validate`).
    ///
    /// # Errors
    /// When it is not an integer.
    pub fn limit(&mut self) -> Result<Option<u32>, Error> {
        const FIELD: &str = "limit";
        match self.take(FIELD) {
            None => Ok(None),
            Some(Loose::Number(n)) => match exact_u64(n).and_then(|n| u32::try_from(n).ok()) {
                Some(l) => Ok(Some(l)),
                None => Err(Error::validation(
                    FIELD,
                    cat!("`limit` must be an integer from 1 to 100, got ", number_text(n)),
                )),
            },
            Some(v) => Err(wrong_type(FIELD, "an integer from 1 to 100", &v)),
        }
    }

    /// `website_id`: a non-negative integer, given as a number or a string of digits.
    ///
    /// # Errors
    /// When it is neither.
    pub fn website_id(&mut self) -> Result<Option<WebsiteId>, Error> {
        const FIELD: &str = "website_id";
        match self.take(FIELD) {
            None => Ok(None),
            Some(Loose::Number(n)) => exact_u64(n).map(|n| Some(WebsiteId(n))).ok_or_else(WebsiteId::error),
            Some(Loose::String(s)) => s.parse::<WebsiteId>().map(Some),
            Some(v) => Err(wrong_type(FIELD, "an integer or a string of digits", &v)),
        }
    }

    /// An array of strings.
    ///
    /// # Errors
    /// When it is missing, not an array, or holds something else than strings (`events[1]`).
    pub fn required_strings(&mut self, field: &str) -> Result<Vec<String>, Error> {
        let items = match self.take(field) {
            None => return Err(required(field)),
            Some(Loose::Array(items)) => items,
            Some(v) => return Err(wrong_type(field, "an array of strings", &v)),
        };
        // A plain loop: `collect` into a `Result` brought ~1 kB of iterator adapters into the wasm.
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.into_iter().enumerate() {
            match v {
                Loose::String(s) => out.push(s),
                other => return Err(wrong_type(&cat!(field, "[", int(i as u64), "]"), "a string", &other)),
            }
        }
        Ok(out)
    }

    /// A non-negative integer (a byte count), when given.
    ///
    /// # Errors
    /// When it is something else.
    pub fn size(&mut self, field: &str) -> Result<Option<u64>, Error> {
        match self.take(field) {
            None => Ok(None),
            Some(Loose::Number(n)) => exact_u64(n)
                .map(Some)
                .ok_or_else(|| Error::validation(field, cat!("`", field, "` must be a non-negative integer"))),
            Some(v) => Err(wrong_type(field, "a number", &v)),
        }
    }

    /// The first error of a `read_*` method; else refuses any option no reader took.
    ///
    /// # Errors
    /// That error, or naming the first such option.
    pub fn finish(self) -> Result<(), Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.lenient {
            return Ok(());
        }
        match self.map.into_iter().find(|(_, v)| !matches!(v, Loose::Null)) {
            None => Ok(()),
            Some((k, _)) => {
                let mut shown = String::new();
                for c in k.chars().filter(|c| !c.is_control()).take(64) {
                    shown.push(c);
                }
                Err(Error::validation(shown.clone(), cat!("unknown option `", shown, "`")))
            }
        }
    }
}

impl Params {
    /// A required text (not blank), as `message` or `title` are checked.
    ///
    /// # Errors
    /// When it is missing, not a string, or blank.
    pub fn required_text(&mut self, field: &str) -> Result<String, Error> {
        let s = self.required_string(field)?;
        super::rules::text(field, &s)?;
        Ok(s)
    }

    /// An optional token (no control characters, at most 2,048 bytes), as `session_id` is checked.
    ///
    /// # Errors
    /// When it is not a string, or breaks the rule.
    pub fn optional_token(&mut self, field: &str) -> Result<Option<String>, Error> {
        let s = self.string(field)?;
        super::rules::opt_token(field, s.as_deref())?;
        Ok(s)
    }

    /// An absolute http(s) URL.
    ///
    /// # Errors
    /// When it is missing or not one.
    pub fn http_url(&mut self, field: &str) -> Result<String, Error> {
        let s = self.required_string(field)?;
        super::rules::http_url(field, &s)?;
        Ok(s)
    }

    /// A webhook URL: https, or http to a loopback host.
    ///
    /// # Errors
    /// When it is missing or not one.
    pub fn webhook_url(&mut self, field: &str) -> Result<String, Error> {
        let s = self.required_string(field)?;
        super::rules::webhook_url(field, &s)?;
        Ok(s)
    }

    /// A non-empty list of non-blank strings.
    ///
    /// # Errors
    /// When it is missing, not one, or empty.
    pub fn string_list(&mut self, field: &str) -> Result<Vec<String>, Error> {
        let items = self.required_strings(field)?;
        super::rules::string_list(field, &items)?;
        Ok(items)
    }
}

/// `read_*`: each reader above with its error kept for [`Params::finish`] (the first one wins) and a
/// default value returned meanwhile. A request's `from_params` is then one call per field, with no early
/// return (each `?` dropped the fields read so far): -0.8 kB gzip in the npm package's main module.
macro_rules! keeping_errors {
    ($($name:ident($($arg:ident: $t:ty),*) -> $out:ty = $inner:ident;)*) => {
        impl Params {
            $(
            #[doc = concat!("[`Params::", stringify!($inner), "`], its error kept for [`Params::finish`].")]
            #[inline(never)]
            pub fn $name(&mut self, $($arg: $t),*) -> $out {
                let r = self.$inner($($arg),*);
                crate::error::keep_first(&mut self.error, r)
            }
            )*
        }
    };
}

keeping_errors! {
    read_string(field: &str) -> Option<String> = string;
    read_required_string(field: &str) -> String = required_string;
    read_limit() -> Option<u32> = limit;
    read_website_id() -> Option<WebsiteId> = website_id;
    read_required_strings(field: &str) -> Vec<String> = required_strings;
}

fn required(field: &str) -> Error {
    Error::validation(field, cat!("`", field, "` is required"))
}

fn wrong_type(field: &str, want: &str, got: &Loose) -> Error {
    match got {
        Loose::Number(n) if !n.is_finite() => {
            Error::validation(field, cat!("`", field, "` must be a finite number, got ", number_text(*n)))
        }
        _ => Error::validation(field, cat!("`", field, "` must be ", want, ", got ", got.type_name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        // String(n) in node: 3 -> "3", 1.5 -> "1.5", -2 -> "-2", 0.25 -> "0.25", 100.125 -> "100.125"
        for (n, text) in [(3.0, "3"), (1.5, "1.5"), (-2.0, "-2"), (0.25, "0.25"), (100.125, "100.125"), (0.0, "0")] {
            assert_eq!(number_text(n), text);
        }
        assert_eq!(number_text(f64::NAN), "NaN");
        assert_eq!(number_text(f64::INFINITY), "Infinity");
        assert_eq!(number_text(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn exact_integers_only() {
        assert_eq!(exact_u64(5.0), Some(5));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(exact_u64(bad), None, "{bad}");
        }
    }
}
