//! The crate's one error type. The JavaScript error classes are made from it in one place
//! (`src/wasm/errors.rs`, over the classes of `pkg-template/lib/errors.js`).

use core::fmt;
use std::borrow::Cow;

/// Which error class an API failure maps to. (The npm package's wasm finds the JavaScript class by
/// this order, `pkg-template/lib/error-classes.js`'s: keep the two in step.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// 400
    BadRequest,
    /// 401
    Authentication,
    /// 403
    PermissionDenied,
    /// 404
    NotFound,
    /// 429
    RateLimit,
    /// 5xx other than 503
    InternalServer,
    /// 503
    ServiceUnavailable,
    /// any other non-2xx status, or a 2xx carrying `success: false`
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            429 => Self::RateLimit,
            503 => Self::ServiceUnavailable,
            500..=599 => Self::InternalServer,
            _ => Self::Other,
        }
    }

    /// The JavaScript class name made for this kind.
    pub fn class_name(self) -> &'static str {
        match self {
            Self::BadRequest => "BadRequestError",
            Self::Authentication => "AuthenticationError",
            Self::PermissionDenied => "PermissionDeniedError",
            Self::NotFound => "NotFoundError",
            Self::RateLimit => "RateLimitError",
            Self::InternalServer => "InternalServerError",
            Self::ServiceUnavailable => "ServiceUnavailableError",
            Self::Other => "APIError",
        }
    }
}

/// An answer from the API that is an error (non-2xx, or `success: false`). The API key appears in
/// none of its fields: the client redacts it from the body, the headers and the messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The class it maps to.
    pub kind: ApiErrorKind,
    /// The API's own message (`error` of the body), when the body had one.
    pub error: Option<String>,
    /// A human message: the status, then the API's message or what the body was.
    pub message: String,
    /// `Retry-After`, in seconds, when the answer had a valid one.
    pub retry_after: Option<f64>,
    /// The answer's headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as received (JSON or not).
    pub body: String,
}

impl ApiError {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// A header of the answer (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Redacts the strings (and keys) of the body as JSON decodes them: a secret JSON-escaped in the
    /// text (`\u0073k_...`), which no search of the text finds, would come back from [`ApiError::json`].
    /// When any changes, the body becomes the redacted JSON.
    pub(crate) fn redact_json_strings(&mut self, redact: impl Fn(&str) -> Cow<'_, str>) {
        fn walk(v: &mut serde_json::Value, redact: &dyn Fn(&str) -> Cow<'_, str>) -> bool {
            let fix = |s: &mut String| match redact(s) {
                Cow::Owned(o) => {
                    *s = o;
                    true
                }
                Cow::Borrowed(_) => false,
            };
            match v {
                serde_json::Value::String(s) => fix(s),
                serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, i| walk(i, redact) | c),
                serde_json::Value::Object(map) => {
                    let mut changed = false;
                    for (mut k, mut item) in core::mem::take(map) {
                        changed |= fix(&mut k) | walk(&mut item, redact);
                        map.insert(k, item);
                    }
                    changed
                }
                _ => false,
            }
        }
        // Without a backslash, the decoded strings are pieces of the text, already redacted.
        if !self.body.contains('\\') {
            return;
        }
        if let Some(mut value) = self.json() {
            if walk(&mut value, &redact) {
                // serde_json's writer, not `Display` (the formatting machinery): the same compact text.
                // It cannot fail on a `Value`; were it to, no body is safer than the unredacted one.
                self.body = serde_json::to_string(&value).unwrap_or_default();
            }
        }
    }
}

/// Everything that can go wrong, before or after a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Bad input: nothing was sent.
    Validation {
        /// The input field at fault, e.g. `limit` or `events[1]`.
        field: String,
        /// What rule it broke.
        message: String,
    },
    /// The client's configuration is unusable (a missing API key, a base URL that is not a URL...).
    Config {
        /// What is wrong, naming the option.
        message: String,
    },
    /// The server answered with an error.
    Api(ApiError),
    /// The request could not be completed (DNS, refused, reset), or a 2xx body was not the JSON
    /// object the API promises.
    Connection {
        /// What happened.
        message: String,
        /// What the transport said, when it said something (redacted).
        cause: Option<String>,
    },
    /// An attempt ran past its timeout (and no retry was left).
    Timeout {
        /// What happened.
        message: String,
    },
    /// The caller aborted the request (JavaScript's `signal`).
    Aborted,
    /// A webhook delivery did not verify.
    #[cfg(feature = "webhooks")]
    Webhook {
        /// Why.
        reason: crate::webhook::Reason,
        /// What that usually means.
        message: String,
    },
}

/// `r`'s value; or, for a reader that reads every field and reports the first error at its end, `T`'s
/// default, the error kept in `first` unless one is there already.
pub(crate) fn keep_first<T: Default>(first: &mut Option<Error>, r: Result<T, Error>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            first.get_or_insert(e);
            T::default()
        }
    }
}

impl Error {
    /// A validation error for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), message: message.into() }
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config { message: message.into() }
    }

    /// The HTTP status, for an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation { message, .. } | Error::Config { message } | Error::Timeout { message } => {
                f.write_str(message)
            }
            Error::Api(a) => f.write_str(&a.message),
            Error::Connection { message, .. } => f.write_str(message),
            Error::Aborted => f.write_str("Request was aborted."),
            #[cfg(feature = "webhooks")]
            Error::Webhook { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}
