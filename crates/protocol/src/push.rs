//! Web Push as the app and server exchange it: the server's VAPID public key, a device's push
//! subscription (the browser's `PushSubscription.toJSON()`), the member's notification settings
//! (mute breaking by @mentions, quiet hours in the member's UTC offset), and the payload the
//! server encrypts for the service worker.

use serde::{Deserialize, Serialize};

/// The server's VAPID public key (RFC 8292): the uncompressed P-256 point, base64url without
/// padding, as `PushManager.subscribe({applicationServerKey})` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushKey {
    pub public_key: String,
}

/// The subscription's keys (RFC 8291), base64url: `p256dh` the browser's P-256 public key
/// (65 bytes uncompressed), `auth` its 16-byte authentication secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// A device's push subscription, registered for the session that sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushSubscription {
    /// The push service's URL for this device: `https://…` (plain `http://` only to a loopback
    /// address, and only when the server allows it for tests).
    pub endpoint: String,
    pub keys: PushKeys,
}

/// Which subscription to remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushEndpoint {
    pub endpoint: String,
}

/// No pushes from `start` until `end`, minutes after local midnight (0–1439); `start > end`
/// spans midnight (22:00–07:00), `start == end` is never quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuietHours {
    pub start: u16,
    pub end: u16,
}

/// Minutes in a day.
pub const DAY_MINUTES: u16 = 24 * 60;

impl QuietHours {
    /// Whether `minute` (after local midnight) falls in the quiet time.
    pub fn contains(self, minute: u16) -> bool {
        if self.start <= self.end {
            minute >= self.start && minute < self.end
        } else {
            minute >= self.start || minute < self.end
        }
    }

    pub fn is_valid(self) -> bool {
        self.start < DAY_MINUTES && self.end < DAY_MINUTES
    }
}

/// A member's notification settings (the same on every device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushSettings {
    /// An @mention notifies even in a muted conversation (on unless the member turns it off).
    pub mentions_break_mute: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    /// The member's time zone as minutes east of UTC (`-new Date().getTimezoneOffset()`),
    /// between −14 h and +14 h; quiet hours are in this local time.
    #[serde(default)]
    pub utc_offset_minutes: i16,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self { mentions_break_mute: true, quiet_hours: None, utc_offset_minutes: 0 }
    }
}

/// Largest UTC offset either way, in minutes.
pub const MAX_UTC_OFFSET_MINUTES: i16 = 14 * 60;

/// Why a push was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushKind {
    Message,
    Mention,
    /// An approval now waits for the member's decision.
    Approval,
}

/// What the service worker receives (decrypted by the browser). Nothing confidential: a
/// confidential conversation's push says only "New message 新消息".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushPayload {
    pub kind: PushKind,
    pub title: String,
    pub body: String,
    /// Groups notifications: one per conversation (`conversation:<id>`).
    pub tag: String,
    /// The app's path to open on click (`/c/<id>` or `/approvals/<id>`).
    pub url: String,
    /// The member's unread messages in all conversations, for the app badge.
    pub unread: u32,
}

/// What a confidential conversation's push says, and nothing more.
pub const CONFIDENTIAL_TITLE: &str = "New message 新消息";
