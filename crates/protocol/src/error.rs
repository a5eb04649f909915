//! The error body every failing API call returns: `{ "code": "...", "message": "..." }`.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes. The app maps them to its own wording; integrators switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Something failed on the server; details are in the server log, never here.
    Internal,
}

/// The JSON body of every 4xx/5xx API response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}
