//! The error body every failing API call returns: `{ "code": "...", "message": "..." }`, with a
//! typed `reason` when the server refused by a rule and `problems` when fields were wrong (see
//! [`crate::refusal`]).

use crate::refusal::{FieldProblem, Refusal, lenient_problems, lenient_reason};
use serde::{Deserialize, Serialize};

/// Machine-readable error codes. The app maps them to its own wording; integrators switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request body or parameters could not be understood.
    BadRequest,
    /// A field failed validation; the message names the field.
    InvalidField,
    /// No or an invalid/expired session token.
    Unauthenticated,
    /// Username or password wrong (deliberately not saying which).
    BadCredentials,
    /// The account exists but is disabled.
    AccountDisabled,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// No such route or resource (or not visible to the caller).
    NotFound,
    /// The request conflicts with the current state (e.g. recalling after the window).
    Conflict,
    /// The method is not supported on this route.
    MethodNotAllowed,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The body is not JSON.
    UnsupportedMediaType,
    /// Too many attempts; retry later.
    RateLimited,
    /// The server is too busy for this now (sign-in checks are queued); retry after `Retry-After`.
    Busy,
    /// An administrator asked this device to wipe the data it keeps; it reports the wipe with
    /// `POST /api/v1/auth/wiped`, the only call its token still allows.
    WipeRequired,
    /// Something failed on the server; details are in the server log, never here.
    Internal,
}

/// The JSON body of every 4xx/5xx API response. `message` is English, for logs and older
/// clients; the app words `reason` and `problems` itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// Which rule refused the action (omitted when none applies).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient_reason")]
    pub reason: Option<Refusal>,
    /// The fields that are wrong, each with the rule it breaks (omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "lenient_problems")]
    pub problems: Vec<FieldProblem>,
}

impl ErrorBody {
    /// A body with only a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), reason: None, problems: Vec::new() }
    }
}
