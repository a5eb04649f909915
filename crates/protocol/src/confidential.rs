//! Confidential conversations: the setting a conversation carries, message lifetimes, the
//! workspace policy, the deterrent events the app reports, and forwarding (which confidential
//! content never allows). These protections deter and trace; they cannot prevent a photo.

use crate::{ClientId, ConversationId, DepartmentId, MemberId, Millis, SessionId};
use serde::{Deserialize, Serialize};

/// When a message of a conversation with a lifetime is deleted, everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageLifetime {
    /// `seconds` after someone other than the sender first reads it.
    AfterRead { seconds: u32 },
    /// `seconds` after it was sent.
    AfterSend { seconds: u32 },
}

/// Shortest lifetime a conversation may set.
pub const MIN_LIFETIME_SECONDS: u32 = 5;
/// Longest lifetime a conversation may set (30 days).
pub const MAX_LIFETIME_SECONDS: u32 = 30 * 24 * 3600;

impl MessageLifetime {
    pub fn seconds(self) -> u32 {
        match self {
            Self::AfterRead { seconds } | Self::AfterSend { seconds } => seconds,
        }
    }

    /// Checks the bounds; the error names the field as the server's field problems do.
    pub fn validate(self) -> Result<(), String> {
        let seconds = self.seconds();
        if (MIN_LIFETIME_SECONDS..=MAX_LIFETIME_SECONDS).contains(&seconds) {
            Ok(())
        } else {
            Err(format!("lifetime.seconds: between {MIN_LIFETIME_SECONDS} and {MAX_LIFETIME_SECONDS}"))
        }
    }
}

/// How a conversation is confidential (`ConversationSummary::confidential`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confidentiality {
    /// When it was turned on.
    pub since: Millis,
    /// Turned on by the workspace policy (a direct chat with a member of a listed department),
    /// not by a person: it cannot be turned off in the conversation.
    #[serde(default)]
    pub by_policy: bool,
    /// Messages are deleted after this, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<MessageLifetime>,
    /// Whether devices may keep its messages for offline use (the workspace policy decides).
    pub offline_copy: bool,
}

/// `PUT /api/v1/conversations/{id}/confidential`: a group's owner or an administrator turns it
/// on or off and sets the lifetime. Answers with the conversation's new summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfidentialSettings {
    pub enabled: bool,
    #[serde(default)]
    pub lifetime: Option<MessageLifetime>,
}

/// `GET`/`PUT /api/v1/admin/confidential-policy`: the workspace's rules for confidential chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfidentialPolicy {
    /// Direct chats with a member of these departments (or their sub-departments) are
    /// confidential, and so are groups created by such members.
    pub departments: Vec<DepartmentId>,
    /// `false`: devices keep nothing of confidential chats in IndexedDB.
    pub offline_copy: bool,
    /// The lifetime conversations made confidential by the policy get.
    #[serde(default)]
    pub default_lifetime: Option<MessageLifetime>,
    /// Compliance archives include confidential conversations (marked as such); `false` (the
    /// default): they are left out, and the manifest lists which.
    #[serde(default)]
    pub in_archives: bool,
}

impl Default for ConfidentialPolicy {
    fn default() -> Self {
        Self { departments: Vec::new(), offline_copy: true, default_lifetime: None, in_archives: false }
    }
}

/// What the app saw a member do in a confidential view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeterrentKind {
    /// PrintScreen, Win+Shift+S, Cmd+Shift+3/4/5: also announced in the conversation.
    ScreenshotShortcut,
    PrintAttempt,
    /// The watermark overlay was removed, hidden, restyled or covered.
    WatermarkTampered,
    CopyAttempt,
    /// The window lost focus or the page was hidden while the view was open.
    ViewHidden,
}

/// `POST /api/v1/conversations/{id}/deterrents` (204). Only for confidential conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeterrentReport {
    pub kind: DeterrentKind,
    /// What the app noticed (e.g. "overlay removed", "opacity 0"), at most
    /// [`MAX_DETERRENT_DETAIL_CHARS`] characters.
    #[serde(default)]
    pub detail: String,
}

pub const MAX_DETERRENT_DETAIL_CHARS: usize = 200;

/// A notice the server posts into a conversation (`MessageCard::Notice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// "〈name〉 may have taken a screenshot".
    ScreenshotSuspected { member_id: MemberId, name: String },
    /// The conversation was made confidential, or no longer is.
    ConfidentialChanged { member_id: MemberId, name: String, enabled: bool },
}

/// `POST /api/v1/conversations/{id}/messages/{seq}/forward`: copies of one message into other
/// conversations the member takes part in. Refused with 403 for confidential messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForwardRequest {
    pub to: Vec<ConversationId>,
    /// Retrying with the same id sends nothing twice.
    pub client_id: ClientId,
}

/// Most conversations one forward reaches.
pub const MAX_FORWARD_TARGETS: usize = 20;

/// `GET /api/v1/watermark`: the mark this session's confidential views carry now, and the text
/// of the visible watermark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatermarkMark {
    /// Drawn with [`crate::watermark::tile`].
    pub mark: u32,
    pub name: String,
    pub userid: String,
    /// The first 8 characters of the session id.
    pub session_short: String,
    pub issued_at: Millis,
}

/// Who a decoded mark was issued to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatermarkOwner {
    pub mark: u32,
    pub member_id: MemberId,
    pub name: String,
    pub userid: String,
    pub session_id: SessionId,
    pub issued_at: Millis,
}

/// `POST /api/v1/admin/watermark/decode` (the image as the body): who the picture was shown to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatermarkDecode {
    /// None: no mark found (not a confidential view, or too damaged).
    pub owner: Option<WatermarkOwner>,
    /// How far the best alignment stood out from chance (above about 6 is a find).
    pub score: f32,
}
