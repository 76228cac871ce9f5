//! The core's one error type. The JavaScript classes are made from it in one place, at the boundary
//! (`src/wasm/client.rs` and `pkg-template/lib/errors.js`).

use core::fmt;

/// Which error class an API failure maps to.
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

    /// The JavaScript class name the boundary builds for this kind.
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

/// An answer from the API that is an error (non-2xx, or `success: false`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// HTTP status.
    pub status: u16,
    /// The class it maps to.
    pub kind: ApiErrorKind,
    /// The API's own message (`error` of the body), when the body had one.
    pub error: Option<String>,
    /// `Retry-After`, in seconds, when the answer had a valid one.
    pub retry_after: Option<f64>,
    /// A human message: status, then the API's message or what the body was.
    pub message: String,
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
    /// The server answered with an error.
    Api(ApiFailure),
    /// The request could not be completed, or a 2xx body was not the JSON object the API promises.
    Connection {
        /// What happened.
        message: String,
    },
}

impl Error {
    /// A validation error for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation { message, .. } => f.write_str(message),
            Error::Api(a) => f.write_str(&a.message),
            Error::Connection { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}
