//! Wire types and pure logic shared by the Weft app (wasm32) and server (native).
//!
//! Everything here serialises with serde to JSON; once shipped, the shapes are frozen
//! (see the snapshot tests in `tests/`). No I/O, no async runtime: this crate must build
//! for `wasm32-unknown-unknown` and natively.

pub mod approval;
pub mod archive;
pub mod audit;
pub mod auth;
pub mod bot;
pub mod chat;
pub mod confidential;
pub mod directory;
pub mod error;
pub mod ids;
pub mod integration;
pub mod live;
#[cfg(feature = "openapi")]
mod openapi_schemas;
pub mod policy;
pub mod push;
pub mod refusal;
pub mod sync;
pub mod watermark;
pub mod webhook;

pub use directory::DepartmentId;
pub use error::{ErrorBody, ErrorCode};
pub use ids::{
    ApprovalId, AttachmentId, ClientId, ConversationId, KioskCodeId, MemberId, MessageId, RobotId, SessionId,
    TemplateId, WebhookId,
};
pub use refusal::{ApprovalRefusal, ConversationRefusal, DirectoryRefusal, FieldProblem, FieldRule, Refusal};

/// Version of the HTTP/WebSocket protocol; bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;

/// Prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// Milliseconds since the Unix epoch (UTC). Used for every timestamp on the wire.
pub type Millis = i64;
