//! Frames on the live WebSocket (`GET /api/v1/live`).
//!
//! Browsers cannot set headers on a WebSocket, so the first frame the client sends is
//! [`ClientFrame::Auth`] with its session token; the server closes the socket if it does not
//! arrive promptly or is not valid.

use crate::{MemberId, chat::Message};
use serde::{Deserialize, Serialize};

/// Frames the client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    Auth { token: String },
    Ping,
}

/// Frames the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Authentication succeeded; live events follow.
    Ready {
        member_id: MemberId,
    },
    /// A new message in a conversation the member belongs to.
    Message {
        message: Message,
    },
    Pong,
    /// The session ended (signed out, revoked, or the member was disabled).
    SessionEnded,
}
