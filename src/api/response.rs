//! The response classifier: (status, what the body is) -> success, or the error the caller sees.
//!
//! The body is read by whoever holds it (JavaScript's `JSON.parse` for JavaScript callers, serde_json
//! for Rust callers) into a [`BodyView`]; the decision is made here, once, for both.

use crate::error::{ApiError, ApiErrorKind, Error};
use crate::text::int;

/// What an answer's body is, as far as classifying it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyView {
    /// A JSON object.
    Object {
        /// It says `"success": false`.
        success_false: bool,
        /// Its `error` field, when that is a string (the API's own message).
        error: Option<String>,
    },
    /// JSON, but not an object (an array, a string, a number...).
    NotObject,
    /// Not JSON: empty, HTML, truncated...
    NotJson,
}

impl BodyView {
    /// The view of a body serde_json read (`None`: it was not JSON).
    pub fn of_json(value: Option<&serde_json::Value>) -> BodyView {
        match value {
            Some(serde_json::Value::Object(map)) => BodyView::Object {
                success_false: map.get("success") == Some(&serde_json::Value::Bool(false)),
                error: map.get("error").and_then(serde_json::Value::as_str).map(str::to_owned),
            },
            Some(_) => BodyView::NotObject,
            None => BodyView::NotJson,
        }
    }

    /// Whether a 2xx answer with this body is a success.
    pub fn is_success(&self) -> bool {
        matches!(self, BodyView::Object { success_false: false, .. })
    }
}

/// What a body is, for messages that say what came back without quoting it.
fn describe(body: &str) -> &'static str {
    let t = body.trim_start();
    if t.is_empty() {
        "no body"
    } else if t.starts_with('<') {
        "an HTML body: something in front of the API answered, not the API"
    } else {
        "a body that is not JSON"
    }
}

/// Classifies an answer: `Ok(())` when it is a 2xx whose body is the JSON object the API promises
/// and does not say `success: false`. `text` is the body (already redacted), for the message.
///
/// # Errors
/// - [`Error::Api`] for any non-2xx status (whatever the body) and for a 2xx carrying `success: false`
///   (its `headers`, `body` and `retry_after` are the caller's to fill);
/// - [`Error::Connection`] for a 2xx whose body is not a JSON object (HTML, empty, truncated).
pub fn classify(status: u16, view: &BodyView, text: &str) -> Result<(), Error> {
    let ok_status = (200..300).contains(&status);
    if ok_status {
        let what = match view {
            BodyView::Object { success_false: false, .. } => return Ok(()),
            BodyView::Object { .. } => None,
            BodyView::NotObject => Some("JSON that is not an object"),
            BodyView::NotJson if text.trim().is_empty() => Some("an empty body"),
            BodyView::NotJson if text.trim_start().starts_with('<') => Some("HTML instead of JSON"),
            BodyView::NotJson => Some("a body that is not valid JSON (truncated?)"),
        };
        if let Some(what) = what {
            return Err(Error::Connection { message: cat!("the API answered ", int(status.into()), " with ", what), cause: None });
        }
    }
    let (is_object, error) = match view {
        BodyView::Object { error, .. } => (true, error.clone()),
        _ => (false, None),
    };
    let code = int(status.into());
    let message = match (&error, ok_status) {
        (Some(e), _) => cat!(code, " ", e),
        (None, true) => cat!(code, " the API answered `success: false` without a message"),
        (None, false) if is_object => cat!(code, " status code"),
        (None, false) => cat!(code, " status code (", describe(text), ")"),
    };
    let kind = if ok_status { ApiErrorKind::Other } else { ApiErrorKind::from_status(status) };
    Err(Error::Api(ApiError {
        status,
        kind,
        error,
        message,
        retry_after: None,
        headers: Vec::new(),
        body: String::new(),
    }))
}
