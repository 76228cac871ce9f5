//! The one place where JavaScript errors are made: the classes of `pkg-template/lib/errors.js` (real
//! `Error` subclasses, so `instanceof` and stacks work), constructed from the core's [`Error`]. The API
//! key is in none of them: messages and fields come redacted from the client, a parsed error body is
//! scrubbed of it (key and value strings, at any depth), and a connection error's cause is handed on
//! as it is only when the key shows nowhere in it (else a redacted copy).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::Redactor;
use crate::error::Error;
use crate::transport::fetch::json_parse;

#[wasm_bindgen(raw_module = "../../lib/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = WebhookVerificationError)]
    type JsWebhookError;
    #[wasm_bindgen(constructor, js_class = WebhookVerificationError)]
    fn new_webhook(message: &str, reason: &str) -> JsWebhookError;
}

#[wasm_bindgen(raw_module = "../../lib/error-classes.js")]
extern "C" {
    /// Constructs the class at index `class` (see [`class`]) with `(message, extra)`: one import for
    /// every class but the webhook's (the `asyntai-edge/webhooks` module has only that one, above).
    #[wasm_bindgen(js_name = newError)]
    fn new_error(class: u32, message: &str, extra: &JsValue) -> JsValue;
}

/// The error classes of `lib/errors.js`, by their index in `lib/error-classes.js`'s list, which
/// `new_error` takes (tests/js/errors.test.mjs checks each error's exact class).
mod class {
    use crate::error::ApiErrorKind;

    pub const ASYNTAI: u32 = 0;
    pub const VALIDATION: u32 = 1;
    /// `APIError` and its subclasses, in `ApiErrorKind`'s order: BadRequestError ..
    /// ServiceUnavailableError, then APIError itself (`ApiErrorKind::Other`).
    pub fn api(kind: ApiErrorKind) -> u32 {
        2 + kind as u32
    }
    pub const CONNECTION: u32 = 10;
    pub const TIMEOUT: u32 = 11;
    pub const ABORT: u32 = 12;
}

/// A `ValidationError`.
pub fn validation(field: &str, message: &str) -> JsValue {
    new_error(class::VALIDATION, message, &JsValue::from_str(field))
}

/// An `AsyntaiError` (the base class: configuration problems).
pub fn asyntai(message: &str) -> JsValue {
    new_error(class::ASYNTAI, message, &JsValue::UNDEFINED)
}

/// A `WebhookVerificationError`.
pub fn webhook(message: &str, reason: &str) -> JsValue {
    JsWebhookError::new_webhook(message, reason).into()
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// The JavaScript error for `error`; `cause` is what the transport said, for a connection error.
pub fn to_js(error: Error, cause: Option<JsValue>, redactor: &Redactor) -> JsValue {
    match error {
        Error::Validation { field, message } => validation(&field, &message),
        Error::Config { message } => asyntai(&message),
        Error::Timeout { message } => new_error(class::TIMEOUT, &message, &JsValue::UNDEFINED),
        Error::Aborted => new_error(class::ABORT, "Request was aborted.", &JsValue::UNDEFINED),
        Error::Connection { message, .. } => {
            let options = Object::new();
            if let Some(cause) = cause {
                set(&options, "cause", &safe_cause(&cause, redactor, 0));
            }
            new_error(class::CONNECTION, &message, &options)
        }
        Error::Webhook { reason, message } => webhook(&message, reason.as_str()),
        Error::Api(a) => {
            let info = Object::new();
            set(&info, "status", &JsValue::from(a.status));
            set(&info, "error", &a.error.as_deref().map_or(JsValue::NULL, JsValue::from_str));
            let headers = Object::new();
            for (k, v) in &a.headers {
                set(&headers, k, &JsValue::from_str(v));
            }
            set(&info, "headers", &headers);
            let text = JsValue::from_str(&a.body);
            let body = match json_parse(&text) {
                Ok(v) => scrub(&v, redactor, 0),
                Err(_) => text,
            };
            set(&info, "body", &body);
            set(&info, "retryAfter", &a.retry_after.map_or(JsValue::NULL, JsValue::from_f64));
            new_error(class::api(a.kind), &a.message, &info)
        }
    }
}

/// A parsed body with the key redacted from every string in it, keys included (JSON escapes such as
/// `\u0073k_...` decode to the key only once parsed).
fn scrub(value: &JsValue, redactor: &Redactor, depth: u32) -> JsValue {
    if let Some(s) = value.as_string() {
        return match redactor.redact(&s) {
            std::borrow::Cow::Borrowed(_) => value.clone(),
            std::borrow::Cow::Owned(o) => JsValue::from_str(&o),
        };
    }
    if !value.is_object() || depth > 64 {
        return value.clone();
    }
    if Array::is_array(value) {
        let items = Array::from(value);
        let out = Array::new();
        for item in items.iter() {
            out.push(&scrub(&item, redactor, depth + 1));
        }
        return out.into();
    }
    let out = Object::new();
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let v = Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
        let k = key.as_string().unwrap_or_default();
        set(&out, &redactor.redact(&k), &scrub(&v, redactor, depth + 1));
    }
    out.into()
}

/// Whether the key shows anywhere in `v`: its strings, own properties (enumerable or not), the usual
/// error fields, a Map's or Headers' entries, and causes, to depth 6.
fn mentions_key(v: &JsValue, redactor: &Redactor, depth: u32, seen: &Array) -> Result<bool, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(redactor.mentions(&s));
    }
    if !(v.is_object() || v.is_function()) || depth > 6 || seen.includes(v, 0) {
        return Ok(false);
    }
    seen.push(v);
    let parts = Array::new();
    for name in Reflect::own_keys(v.unchecked_ref())?.iter() {
        if name.is_string() {
            parts.push(&name);
        }
        let d = super::options::own_property(v, &name)?;
        if d.is_object() {
            let value = Reflect::get(&d, &"value".into())?;
            parts.push(&value);
        }
    }
    for name in ["message", "stack", "cause", "name", "code"] {
        parts.push(&Reflect::get(v, &name.into())?);
    }
    let for_each = Reflect::get(v, &"forEach".into())?;
    if for_each.is_function() && Reflect::get(v, &"entries".into())?.is_function() {
        // `Array.from` of the iterator (what it cannot read throws: the cause is then copied, redacted)
        for entry in super::options::array_from(&crate::transport::promise::call_method(v, "entries")?)?.iter() {
            let pair = super::options::array_from(&entry)?;
            parts.push(&pair.get(0));
            parts.push(&pair.get(1));
        }
    }
    for p in parts.iter() {
        if mentions_key(&p, redactor, depth + 1, seen)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The cause handed on with a connection error: the original when the key shows nowhere in it (the
/// usual case), else a copy of its name, message, code and causes with the key redacted (a custom
/// fetch's error may carry the request, headers and all).
fn safe_cause(cause: &JsValue, redactor: &Redactor, depth: u32) -> JsValue {
    if cause.is_null_or_undefined() {
        return cause.clone();
    }
    if depth == 0 && matches!(mentions_key(cause, redactor, 0, &Array::new()), Ok(false)) {
        return cause.clone();
    }
    let get = |name: &str| Reflect::get(cause, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let message = if cause.is_object() || cause.is_function() {
        let m = get("message");
        if m.is_null_or_undefined() { String::new() } else { js_string(&m) }
    } else {
        js_string(cause)
    };
    let safe: JsValue = js_sys::Error::new(&redactor.redact(&message)).into();
    if cause.is_object() || cause.is_function() {
        if let Some(name) = get("name").as_string() {
            let desc = Object::new();
            set(&desc, "value", &JsValue::from_str(&redactor.redact(&name)));
            set(&desc, "configurable", &JsValue::TRUE);
            set(&desc, "writable", &JsValue::TRUE);
            let _ = Reflect::define_property(safe.unchecked_ref::<Object>(), &"name".into(), &desc);
        }
        let code = get("code");
        if !code.is_undefined() {
            set(safe.unchecked_ref(), "code", &JsValue::from_str(&redactor.redact(&js_string(&code))));
        }
        let inner = get("cause");
        if depth < 4 && !inner.is_undefined() {
            set(safe.unchecked_ref(), "cause", &safe_cause(&inner, redactor, depth + 1));
        }
    }
    safe
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = String, catch)]
    fn string_of(v: &JsValue) -> Result<JsValue, JsValue>;
}

/// `String(v)`, or "" when that throws.
pub fn js_string(v: &JsValue) -> String {
    string_of(v).ok().and_then(|s| s.as_string()).unwrap_or_default()
}
