//! Reading JavaScript arguments: an options object into [`Params`] (each value typed the way
//! `JSON.stringify` would have seen it: a `Date` is its ISO string; a BigInt, a function or a symbol is
//! kept as what it is, for the error), per-call options, headers inits, the spreadsheet file.
//!
//! These values are read with js-sys rather than serde-wasm-bindgen: serde-wasm-bindgen reads a BigInt
//! as the number it holds (so `website_id: 10n` would pass), a `Date` as an empty object, and a cyclic
//! object until the stack overflows; here each is a clear `ValidationError`.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::js_string;
use crate::api::{Loose, Params};
use crate::error::Error;
use crate::transport::fetch::JsFile;

/// Deeper than this, an options value is refused (a cycle ends here too).
const MAX_DEPTH: u32 = 32;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Date)]
    type JsDate;
    #[wasm_bindgen(method, catch, js_name = toISOString)]
    fn to_iso_string(this: &JsDate) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ArrayBuffer, js_name = isView)]
    fn is_view(v: &JsValue) -> bool;
    // What reads a caller's objects is declared `catch`: a proxy's traps may throw, and an exception
    // that unwinds through wasm leaves the module's stack pointer behind (enough of them and the
    // module faults: tests/js/validation.test.mjs runs 20,000).
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    pub(crate) fn array_from(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = entries, catch)]
    fn object_entries(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = getOwnPropertyDescriptor, catch)]
    pub(crate) fn own_property(v: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_name = Uint8Array)]
    type Bytes;
    /// `new Uint8Array(buffer)`: throws on a detached buffer, or through a proxy's traps.
    #[wasm_bindgen(js_class = Uint8Array, constructor, catch)]
    fn over(buffer: &JsValue) -> Result<Bytes, JsValue>;
    /// `new Uint8Array(buffer, byteOffset, byteLength)`: throws when the range is not in the buffer.
    #[wasm_bindgen(js_class = Uint8Array, constructor, catch)]
    fn over_range(buffer: &JsValue, offset: f64, length: f64) -> Result<Bytes, JsValue>;
    /// A caller's `Blob` (its getters may be replaced, or be a proxy's).
    type BlobLike;
    #[wasm_bindgen(method, getter, catch)]
    fn size(this: &BlobLike) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = type)]
    fn type_(this: &BlobLike) -> Result<JsValue, JsValue>;
}

/// `Array.isArray(v)`; false where it throws (a revoked proxy, whose keys then cannot be read either).
pub(crate) fn is_array(v: &JsValue) -> bool {
    array_is_array(v).unwrap_or(false)
}

fn get(target: &JsValue, key: &'static str) -> Result<JsValue, Error> {
    Reflect::get(target, &super::name(key)).map_err(|_| Error::validation(key, cat!("reading `", key, "` threw")))
}

/// A JavaScript value as a [`Loose`] one.
pub fn loose(v: &JsValue, depth: u32) -> Loose {
    if v.is_null_or_undefined() {
        return Loose::Null;
    }
    if let Some(b) = v.as_bool() {
        return Loose::Bool(b);
    }
    if let Some(n) = v.as_f64() {
        return Loose::Number(n);
    }
    if let Some(s) = v.as_string() {
        return Loose::String(s);
    }
    if v.is_bigint() {
        return Loose::Other("a BigInt");
    }
    if v.is_function() {
        return Loose::Other("a function");
    }
    if v.is_symbol() {
        return Loose::Other("a symbol");
    }
    if depth >= MAX_DEPTH {
        return Loose::Other("nested too deeply (or cyclic)");
    }
    if is_array(v) {
        return match array_from(v) {
            Ok(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    out.push(loose(&item, depth + 1));
                }
                Loose::Array(out)
            }
            Err(_) => Loose::Other("an array that could not be read"),
        };
    }
    if v.is_instance_of::<js_sys::Date>() {
        return match v.unchecked_ref::<JsDate>().to_iso_string().ok().and_then(|s| s.as_string()) {
            Some(iso) => Loose::String(iso),
            None => Loose::Other("an invalid Date"),
        };
    }
    entries(v, depth, &[])
}

/// An object's own enumerable properties, as `JSON.stringify` sees them (`Loose::Other` when its keys
/// cannot be read).
fn entries(v: &JsValue, depth: u32, skip: &[&str]) -> Loose {
    let Ok(keys) = object_keys(v) else { return Loose::Other("an object whose keys could not be read") };
    let mut out = Vec::new();
    for key in keys.iter() {
        let Some(k) = key.as_string() else { continue };
        if skip.contains(&k.as_str()) {
            continue;
        }
        let value = match Reflect::get(v, &key) {
            Ok(value) => loose(&value, depth + 1),
            Err(_) => Loose::Other("a getter that throws"),
        };
        out.push((k, value));
    }
    Loose::Object(out)
}

/// The options object of a call, `skip`'s keys left out (the spreadsheet's file).
///
/// # Errors
/// When it is not an object.
pub fn params(v: &JsValue, skip: &[&str]) -> Result<Params, Error> {
    if v.is_object() && !is_array(v) && !v.is_instance_of::<js_sys::Date>() {
        return Params::new(entries(v, 0, skip));
    }
    Params::new(loose(v, 0))
}

/// A count option: a finite number at least `min`.
fn count(v: &JsValue, name: &str, min: f64) -> Result<Option<f64>, String> {
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= min => Ok(Some(n)),
        _ => Err(cat!("`", name, "` must be a ", if min > 0.0 { "positive" } else { "non-negative" }, " number")),
    }
}

/// `maxRetries`: a non-negative integer.
fn retries(v: &JsValue) -> Result<Option<u32>, String> {
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => Ok(Some(n.min(f64::from(u32::MAX)) as u32)),
        _ => Err("`maxRetries` must be a non-negative integer".into()),
    }
}

/// The client's own options.
#[derive(Debug, Default)]
pub struct ClientOptions {
    /// `apiKey`.
    pub api_key: JsValue,
    /// `baseURL`.
    pub base_url: Option<String>,
    /// `timeout`.
    pub timeout_ms: Option<f64>,
    /// `maxRetries`.
    pub max_retries: Option<u32>,
    /// `fetch`.
    pub fetch: Option<js_sys::Function>,
    /// `defaultHeaders`.
    pub default_headers: Vec<(String, Option<String>)>,
    /// `dangerouslyAllowBrowser`.
    pub allow_browser: bool,
}

/// `new Asyntai(options)`'s options. Errors are configuration errors (`AsyntaiError`) except for
/// headers, which are `ValidationError`s as everywhere.
///
/// # Errors
/// As said.
pub fn client_options(v: &JsValue) -> Result<ClientOptions, Error> {
    if v.is_undefined() {
        return Ok(ClientOptions { api_key: JsValue::UNDEFINED, ..Default::default() });
    }
    if !v.is_object() {
        return Err(Error::config("new Asyntai(options): options must be an object"));
    }
    let mut r = Reader { error: None, config: true };
    let base = r.get(v, "baseURL");
    let base_url = r.keep(if base.is_null_or_undefined() {
        Ok(None)
    } else {
        base.as_string().map(Some).ok_or_else(|| Error::config("The `baseURL` option must be an absolute URL, e.g. \"https://asyntai.com/api/v1/\"."))
    });
    let fetch = r.get(v, "fetch");
    let fetch = r.keep(if fetch.is_null_or_undefined() {
        Ok(None)
    } else {
        fetch.dyn_into::<js_sys::Function>().map(Some).map_err(|_| Error::config("No `fetch` here: pass one with the `fetch` option."))
    });
    let timeout = r.get(v, "timeout");
    let max_retries = r.get(v, "maxRetries");
    let headers = r.get(v, "defaultHeaders");
    let api_key = r.get(v, "apiKey");
    let timeout_ms = r.keep(count(&timeout, "timeout", 1.0).map_err(Error::config));
    let max_retries = r.keep(retries(&max_retries).map_err(Error::config));
    let headers = r.live(headers);
    let default_headers = r.keep(headers_init(&headers, "defaultHeaders"));
    let allow_browser = r.get(v, "dangerouslyAllowBrowser").as_bool() == Some(true);
    let o = ClientOptions { api_key, base_url, timeout_ms, max_retries, fetch, default_headers, allow_browser };
    r.error.map_or(Ok(o), Err)
}

/// One call's options: `{ signal?, timeout?, maxRetries?, headers?, query?, body? }`.
#[derive(Debug, Default, Clone)]
pub struct CallOptions {
    /// `signal`.
    pub signal: Option<JsValue>,
    /// `timeout`.
    pub timeout_ms: Option<f64>,
    /// `maxRetries`.
    pub max_retries: Option<u32>,
    /// `headers`.
    pub headers: Vec<(String, Option<String>)>,
    /// `query`.
    pub query: Vec<(String, String)>,
    /// `body`: its keys and its JSON text.
    pub body: Option<(Vec<String>, String)>,
}

/// Reads one call's options.
///
/// # Errors
/// A `ValidationError` naming the option.
pub fn call_options(v: &JsValue) -> Result<CallOptions, Error> {
    if v.is_null_or_undefined() {
        return Ok(CallOptions::default());
    }
    if !v.is_object() {
        return Err(Error::validation("options", "the request options must be an object"));
    }
    let mut r = Reader { error: None, config: false };
    let signal = r.get(v, "signal");
    let signal = r.keep(signal_init(signal));
    let timeout = r.get(v, "timeout");
    let max_retries = r.get(v, "maxRetries");
    let headers = r.get(v, "headers");
    let query = r.get(v, "query");
    let body = r.get(v, "body");
    let o = CallOptions {
        signal,
        timeout_ms: r.keep(count(&timeout, "timeout", 1.0).map_err(|m| Error::validation("timeout", m))),
        max_retries: r.keep(retries(&max_retries).map_err(|m| Error::validation("maxRetries", m))),
        headers: {
            let headers = r.live(headers);
            r.keep(headers_init(&headers, "headers"))
        },
        query: {
            let query = r.live(query);
            r.keep(query_init(&query))
        },
        body: {
            let body = r.live(body);
            r.keep(body_init(&body))
        },
    };
    r.error.map_or(Ok(o), Err)
}

/// Reads an options object's fields one after the other, keeping the first error: no early return
/// (each dropped what was read so far), a smaller wasm.
struct Reader {
    error: Option<Error>,
    /// A getter that throws is a configuration error (`AsyntaiError`), not a `ValidationError`.
    config: bool,
}

impl Reader {
    /// `v[key]`; undefined once anything failed.
    #[inline(never)]
    fn get(&mut self, v: &JsValue, key: &'static str) -> JsValue {
        if self.error.is_some() {
            return JsValue::UNDEFINED;
        }
        let got = get(v, key).map_err(|e| match e {
            Error::Validation { message, .. } if self.config => Error::config(message),
            other => other,
        });
        self.keep(got)
    }

    /// `v`, or undefined once anything failed: what reads a caller's object (a headers init, `query`,
    /// `body`) then reads nothing more of it.
    fn live(&self, v: JsValue) -> JsValue {
        if self.error.is_some() {
            JsValue::UNDEFINED
        } else {
            v
        }
    }

    /// The value, or its type's default with the error kept (the first one wins).
    #[inline(never)]
    fn keep<T: Default>(&mut self, r: Result<T, Error>) -> T {
        crate::error::keep_first(&mut self.error, r)
    }
}

/// The `signal` option: an `AbortSignal` (or what quacks like one: `addEventListener` and a boolean
/// `aborted`).
fn signal_init(signal: JsValue) -> Result<Option<JsValue>, Error> {
    if signal.is_null_or_undefined() {
        return Ok(None);
    }
    let listens = Reflect::get(&signal, &"addEventListener".into()).is_ok_and(|f| f.is_function());
    let flag = Reflect::get(&signal, &"aborted".into()).is_ok_and(|a| a.as_bool().is_some());
    if !(listens && flag) {
        return Err(Error::validation("signal", "`signal` must be an AbortSignal"));
    }
    Ok(Some(signal))
}

/// A headers init (an object, a `Headers`, a `Map`, or `[name, value]` pairs) as (name, value) pairs;
/// a null or undefined value removes the header. Names and values are checked by the client.
fn headers_init(init: &JsValue, where_: &str) -> Result<Vec<(String, Option<String>)>, Error> {
    if init.is_null_or_undefined() {
        return Ok(Vec::new());
    }
    if !init.is_object() {
        return Err(Error::validation(where_, cat!("`", where_, "` must be an object of header names and values")));
    }
    let is_fn = |name: &str| Reflect::get(init, &name.into()).is_ok_and(|f| f.is_function());
    let list: Array = if is_fn("forEach") && is_fn("get") && is_fn("entries") {
        let entries = crate::transport::promise::call_method(init, "entries");
        entries.and_then(|it| array_from(&it)).map_err(|_| Error::validation(where_, cat!("`", where_, "` could not be read")))?
    } else if Reflect::has(init, &js_sys::Symbol::iterator()).unwrap_or(false) {
        array_from(init).map_err(|_| Error::validation(where_, cat!("`", where_, "` could not be read")))?
    } else {
        object_entries(init).map_err(|_| Error::validation(where_, cat!("`", where_, "` could not be read")))?
    };
    let mut out = Vec::new();
    for entry in list.iter() {
        // A pair is an array (perhaps a proxy): read through a copy.
        let pair = if is_array(&entry) { array_from(&entry).ok() } else { None }.filter(|a| a.length() == 2);
        let Some(pair) = pair else {
            return Err(Error::validation(where_, cat!("`", where_, "` must hold [name, value] pairs")));
        };
        let name = pair.get(0).as_string().ok_or_else(|| {
            Error::validation(where_, cat!("`", where_, "` holds a header name that is not an HTTP token (no CR, LF or NUL, spaces or separators)"))
        })?;
        let value = pair.get(1);
        let value = if value.is_null_or_undefined() { None } else { Some(js_string(&value)) };
        out.push((name, value));
    }
    Ok(out)
}

/// The `query` escape hatch: names to strings, numbers or booleans (absent ones skipped).
fn query_init(init: &JsValue) -> Result<Vec<(String, String)>, Error> {
    if init.is_null_or_undefined() {
        return Ok(Vec::new());
    }
    if !init.is_object() || is_array(init) {
        return Err(Error::validation("query", "`query` must be an object of parameter names and values"));
    }
    let mut out = Vec::new();
    let pairs = object_entries(init).map_err(|_| Error::validation("query", "`query` could not be read"))?;
    for pair in pairs.iter() {
        let pair = Array::from(&pair);
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if value.is_null_or_undefined() {
            continue;
        }
        if value.as_string().is_none() && value.as_f64().is_none() && value.as_bool().is_none() {
            return Err(Error::validation(cat!("query.", name), cat!("`query.", name, "` must be a string, a number or a boolean")));
        }
        out.push((name, js_string(&value)));
    }
    Ok(out)
}

/// The `body` escape hatch: a plain object, as `JSON.stringify` writes it.
fn body_init(init: &JsValue) -> Result<Option<(Vec<String>, String)>, Error> {
    if init.is_null_or_undefined() {
        return Ok(None);
    }
    if !init.is_object() || is_array(init) {
        return Err(Error::validation("body", "`body` must be an object of extra JSON fields"));
    }
    let keys = object_keys(init).map_err(|_| Error::validation("body", "`body` could not be read"))?;
    let mut names = Vec::new();
    for k in keys.iter() {
        if let Some(k) = k.as_string() {
            names.push(k);
        }
    }
    let text = js_sys::JSON::stringify(init)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| Error::validation("body", "`body` must be JSON-compatible (no BigInt, no cycles)"))?;
    Ok(Some((names, text)))
}

/// A `Uint8Array` over the bytes of an `ArrayBuffer` (of any realm) or of any view (`Uint8Array`,
/// `DataView`, ...).
/// None for anything else, and where reading it throws (a detached buffer, a proxy's trap, a view
/// whose `byteOffset` or `byteLength` was redefined out of its buffer).
pub(crate) fn bytes_of(v: &JsValue) -> Option<js_sys::Uint8Array> {
    let tag = || super::object_tag(v).ok().and_then(|t| t.as_string());
    if v.is_instance_of::<js_sys::ArrayBuffer>() || tag().as_deref() == Some("[object ArrayBuffer]") {
        // An ArrayBuffer of this realm or another. Only a real one is viewed in place: anything else
        // (a proxy, an object whose `Symbol.toStringTag` says ArrayBuffer) `new Uint8Array` copies.
        let bytes: js_sys::Uint8Array = Bytes::over(v).ok()?.unchecked_into();
        return (JsValue::from(bytes.buffer()) == *v).then_some(bytes);
    }
    if !is_view(v) {
        return None;
    }
    let number = |key: &'static str| get(v, key).ok().and_then(|n| n.as_f64()).unwrap_or(0.0);
    let buffer = get(v, "buffer").ok()?;
    Bytes::over_range(&buffer, number("byteOffset"), number("byteLength")).ok().map(JsCast::unchecked_into)
}

/// The spreadsheet: a `Blob`/`File` (kept as it is), a `Uint8Array` or other view, or an
/// `ArrayBuffer` (wrapped in a `Blob`).
///
/// # Errors
/// A `ValidationError` for `file`.
pub fn spreadsheet(file: &JsValue) -> Result<JsFile, Error> {
    if file.is_null_or_undefined() {
        return Err(Error::validation("file", "`file` is required"));
    }
    let wrong = || Error::validation("file", "`file` must be a Blob, File, Uint8Array or ArrayBuffer");
    let blob_class = Reflect::get(&super::global(), &"Blob".into()).unwrap_or(JsValue::UNDEFINED);
    if blob_class.is_function() && file.is_instance_of::<web_sys::Blob>() {
        let like: &BlobLike = file.unchecked_ref();
        let size = like.size().map_err(|_| wrong())?.as_f64().filter(|n| *n >= 0.0).ok_or_else(wrong)?;
        let kind = like.type_().map_err(|_| wrong())?.as_string().ok_or_else(wrong)?;
        let name = Reflect::get(file, &"name".into()).ok().and_then(|n| n.as_string()).filter(|n| !n.is_empty());
        let blob: web_sys::Blob = file.clone().unchecked_into();
        return Ok(JsFile { size, xlsx: crate::client::find(&kind, "spreadsheetml").is_some(), blob, name });
    }
    let bytes = bytes_of(file).ok_or_else(wrong)?;
    let mut head = [0u8; 4];
    if bytes.length() >= 4 {
        bytes.subarray(0, 4).copy_to(&mut head);
    }
    let blob = web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&bytes)).map_err(|_| wrong())?;
    Ok(JsFile { size: f64::from(bytes.length()), xlsx: &head == b"PK\x03\x04", blob, name: None })
}
