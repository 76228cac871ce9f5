//! The response parser: (status, body, Retry-After) -> success or the error the caller sees.

use crate::json::{self, Value};

use crate::error::{ApiErrorKind, ApiFailure, Error};

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

/// Classifies an answer. `Ok(())` means the body is the JSON object the API promises and does not
/// say `success: false`; the caller keeps its own parse of it.
///
/// # Errors
/// - [`Error::Api`] for any non-2xx status (whatever the body) and for a 2xx carrying `success: false`;
/// - [`Error::Connection`] for a 2xx whose body is not a JSON object (HTML, empty, truncated).
pub fn classify(status: u16, body: &str, retry_after: Option<f64>) -> Result<(), Error> {
    let parsed = json::parse(body);
    let ok_status = (200..300).contains(&status);
    let object = parsed.as_ref().filter(|v| matches!(v, Value::Object(_)));
    if ok_status {
        let Some(o) = object else {
            let what = match &parsed {
                Some(_) => "JSON that is not an object",
                None if body.trim().is_empty() => "an empty body",
                None if body.trim_start().starts_with('<') => "HTML instead of JSON",
                None => "a body that is not valid JSON (truncated?)",
            };
            return Err(Error::Connection { message: format!("the API answered {status} with {what}") });
        };
        if o.get("success") != Some(&Value::Bool(false)) {
            return Ok(());
        }
    }
    let error = object.and_then(|o| o.get("error")).and_then(Value::as_str).map(str::to_owned);
    let message = match (&error, ok_status) {
        (Some(e), _) => format!("{status} {e}"),
        (None, true) => format!("{status} the API answered `success: false` without a message"),
        (None, false) if object.is_some() => format!("{status} status code"),
        (None, false) => format!("{status} status code ({})", describe(body)),
    };
    let kind = if ok_status { ApiErrorKind::Other } else { ApiErrorKind::from_status(status) };
    Err(Error::Api(ApiFailure { status, kind, error, retry_after, message }))
}
