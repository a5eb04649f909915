//! `ApiError`: the one error type of the HTTP layer. Every handler returns it; it renders as a
//! JSON body `{code, message}` with the matching status, plus the typed `reason` or field
//! `problems` when the domain refused. The one place refusals become status codes is
//! [`refusal_status`]. Internal failures are logged with their cause and shown to clients only as
//! "internal".

use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use weft_protocol::approval::FieldError;
use weft_protocol::refusal::problems_message;
use weft_protocol::{
    ApprovalRefusal, ConversationRefusal, DirectoryRefusal, ErrorBody, ErrorCode, FieldProblem, FieldRule, Refusal,
};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// Boxed: refusals carry names, and every handler returns `Result<_, ApiError>`.
    pub reason: Option<Box<Refusal>>,
    pub problems: Vec<FieldProblem>,
    /// Seconds for a `Retry-After` header (429 and 503 answers).
    pub retry_after: Option<u64>,
}

/// The status and code of a refusal: 404 when the thing is not revealed, 403 when the member may
/// not do this, 422 when what they named is wrong, 409 when the current state is in the way.
pub fn refusal_status(refusal: &Refusal) -> (StatusCode, ErrorCode) {
    const NOT_FOUND: (StatusCode, ErrorCode) = (StatusCode::NOT_FOUND, ErrorCode::NotFound);
    const FORBIDDEN: (StatusCode, ErrorCode) = (StatusCode::FORBIDDEN, ErrorCode::Forbidden);
    const INVALID: (StatusCode, ErrorCode) = (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField);
    const CONFLICT: (StatusCode, ErrorCode) = (StatusCode::CONFLICT, ErrorCode::Conflict);
    match refusal {
        Refusal::Approval(refusal) => match refusal {
            ApprovalRefusal::NotFound => NOT_FOUND,
            ApprovalRefusal::NotAnApprover | ApprovalRefusal::NotTheApplicant | ApprovalRefusal::UnknownApplicant => {
                FORBIDDEN
            }
            ApprovalRefusal::Withdrawn
            | ApprovalRefusal::RequestFinished { .. }
            | ApprovalRefusal::NotInReview { .. }
            | ApprovalRefusal::AlreadyDecided { .. }
            | ApprovalRefusal::AlreadyDecidedByOther { .. }
            | ApprovalRefusal::StepFinished { .. }
            | ApprovalRefusal::StepNotStarted { .. }
            | ApprovalRefusal::TemplateChanged { .. }
            | ApprovalRefusal::NoApprover { .. }
            | ApprovalRefusal::Unknown => CONFLICT,
        },
        Refusal::Conversation(refusal) => match refusal {
            ConversationRefusal::NotFound => NOT_FOUND,
            ConversationRefusal::OwnerOnly
            | ConversationRefusal::MentionAllOwnerOnly
            | ConversationRefusal::ReadOnlyConversation
            | ConversationRefusal::NotTheSender
            | ConversationRefusal::Confidential => FORBIDDEN,
            ConversationRefusal::GroupFull { .. }
            | ConversationRefusal::TooFewMembers
            | ConversationRefusal::DirectChatWithSelf
            | ConversationRefusal::NotInGroup { .. }
            | ConversationRefusal::InactiveMember { .. }
            | ConversationRefusal::MentionOutsider { .. }
            | ConversationRefusal::NoSuchReply => INVALID,
            ConversationRefusal::ApprovalsConversationFixed
            | ConversationRefusal::DirectChatFixed
            | ConversationRefusal::RemoveOwnerFirst
            | ConversationRefusal::RecallWindowPassed { .. }
            | ConversationRefusal::ConfidentialByPolicy
            | ConversationRefusal::NotConfidential
            | ConversationRefusal::Unknown => CONFLICT,
        },
        // Each is a conflict with the directory's current state (the actor is an administrator).
        Refusal::Directory(DirectoryRefusal::OutsideScope | DirectoryRefusal::RoleNotTheirs) => FORBIDDEN,
        Refusal::Directory(_) => CONFLICT,
        Refusal::Unknown => CONFLICT,
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), reason: None, problems: Vec::new(), retry_after: None }
    }

    /// The same error, telling the client when to try again.
    pub fn retry_after(self, seconds: u64) -> Self {
        Self { retry_after: Some(seconds.max(1)), ..self }
    }

    /// 503: the server cannot take this now (password checks queued full, a slow request).
    pub fn busy(message: impl Into<String>, retry_after_seconds: u64) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Busy, message).retry_after(retry_after_seconds)
    }

    /// A refusal by a domain rule, with its status, its English message and its typed reason.
    pub fn refused(refusal: Refusal) -> Self {
        let (status, code) = refusal_status(&refusal);
        Self { reason: Some(Box::new(refusal.clone())), ..Self::new(status, code, refusal.to_string()) }
    }

    /// Fields that break rules: 422 with every problem.
    pub fn problems(problems: Vec<FieldProblem>) -> Self {
        let message = problems_message(&problems);
        Self { problems, ..Self::invalid_field(message) }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    /// A field failed validation; `message` should start with the field's name.
    pub fn invalid_field(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "sign in first: the session token is missing, invalid or has ended",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "the server could not complete the request; it has been logged",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: self.message,
            reason: self.reason.map(|reason| *reason),
            problems: self.problems,
        };
        let note = ErrorNote(body.message.clone());
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(note);
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        response
    }
}

/// The English message of an error response, kept with the response for layers that log or
/// audit it (the audit of refused administration routes).
#[derive(Debug, Clone)]
pub struct ErrorNote(pub String);

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => Self::not_found(what),
            StoreError::Forbidden(message) => Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message),
            StoreError::Invalid(message) => Self::invalid_field(message),
            StoreError::Conflict(message) => Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message),
            StoreError::Refused(refusal) => Self::refused(refusal),
            StoreError::Problems(problems) => Self::problems(problems),
            StoreError::Duplicate(field) => Self {
                problems: vec![FieldProblem::new(field, FieldRule::Taken)],
                ..Self::new(
                    StatusCode::CONFLICT,
                    ErrorCode::Conflict,
                    format!("{field}: already used by another member"),
                )
            },
            StoreError::FormInvalid(errors) => {
                let message = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                Self { problems: errors.iter().map(FieldError::problem).collect(), ..Self::invalid_field(message) }
            }
            internal @ (StoreError::Database(_) | StoreError::Corrupt(_)) => {
                tracing::error!(error = %internal, "store failure");
                Self::internal()
            }
        }
    }
}

impl From<crate::directory::FieldError> for ApiError {
    /// A member field's problem: 422 with the validator's message and the typed problem.
    fn from(error: crate::directory::FieldError) -> Self {
        Self { problems: vec![error.problem()], ..Self::invalid_field(error.message) }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> Self {
        tracing::error!(error = %err, "blocking task failed");
        Self::internal()
    }
}

impl From<ApprovalRefusal> for ApiError {
    fn from(refusal: ApprovalRefusal) -> Self {
        Self::refused(refusal.into())
    }
}

impl From<ConversationRefusal> for ApiError {
    fn from(refusal: ConversationRefusal) -> Self {
        Self::refused(refusal.into())
    }
}
