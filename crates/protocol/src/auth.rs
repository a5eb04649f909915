//! Sign-in, the signed-in member, and the session list.

use crate::{MemberId, Millis, SessionId};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// A short description of the device ("Chrome on Linux"), shown in the session list.
    #[serde(default)]
    pub device: Option<String>,
}

/// Reply to a successful sign-in. The token is shown once and stored only hashed on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub session_id: SessionId,
    pub me: MemberProfile,
}

/// What the organisation says about a member, as seen by a colleague.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberProfile {
    pub id: MemberId,
    /// The organisation's stable account name (e.g. `zhangsan`).
    pub userid: String,
    pub name: String,
    /// English or other alias (e.g. "Zhang San").
    pub alias: String,
    pub position: String,
    pub department: String,
    pub role: Role,
}

/// A member's role in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
}

/// One entry of `GET /api/v1/auth/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: SessionId,
    pub device: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// True for the session that made this request.
    pub current: bool,
}

/// Upper bounds the server enforces on sign-in fields.
pub const MAX_USERNAME_LEN: usize = 64;
pub const MAX_PASSWORD_LEN: usize = 256;
pub const MAX_DEVICE_LEN: usize = 120;
