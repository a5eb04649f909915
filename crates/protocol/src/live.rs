//! Frames on the live WebSocket (`GET /api/v1/live`).
//!
//! Browsers cannot set headers on a WebSocket, so the first frame the client sends is
//! [`ClientFrame::Auth`] with its session token; the server closes the socket if it does not
//! arrive promptly or is not valid.

use crate::MemberId;
use crate::sync::ChangeEnvelope;
use serde::{Deserialize, Serialize};

/// Frames the client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// `cursor`: the position of the last change this device applied; changes after it are
    /// sent first, then live ones. Without a cursor only live changes are sent.
    Auth {
        token: String,
        #[serde(default)]
        cursor: Option<u64>,
    },
    Ping,
}

/// Frames the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Authentication succeeded; live events follow.
    Ready {
        member_id: MemberId,
    },
    /// Changes in feed order, and the cursor after the last of them.
    Changes {
        changes: Vec<ChangeEnvelope>,
        cursor: u64,
    },
    Pong,
    /// The session ended (signed out, revoked, or the member was disabled).
    SessionEnded,
    /// The workspace's policies changed what sessions may do (offline copies, sharing to other
    /// apps): ask `GET /auth/session` for this session's terms again.
    TermsChanged,
}
