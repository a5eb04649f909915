//! The workspace's policies that administrators set on the console's Policies page and that
//! apply at once (no restart): how long messages may be recalled, how large groups may grow, how
//! large files may be, how much each member may upload, which kinds of file members may send,
//! which devices may keep an offline copy of chats, whether members may share messages to other
//! apps, and how long the audit log keeps its entries.

use serde::{Deserialize, Serialize};

/// The largest file any policy allows (the app's and the server's hard limit).
pub const MAX_FILE_BYTES_LIMIT: u64 = crate::chat::MAX_ATTACHMENT_BYTES as u64;
/// The smallest file-size limit a policy may set.
pub const MIN_FILE_BYTES_LIMIT: u64 = 1024;
/// The longest recall window a policy may set: 7 days.
pub const MAX_RECALL_WINDOW_MINUTES: u32 = 7 * 24 * 60;
/// The largest group size a policy may set.
pub const MAX_GROUP_SIZE_LIMIT: u32 = 2000;
/// The largest per-member upload quota a policy may set: 1 TiB.
pub const MAX_UPLOAD_QUOTA_MIB: u64 = 1024 * 1024;
/// At most this many file types may be listed.
pub const MAX_FILE_TYPES: usize = 100;
/// The shortest audit-log retention a policy may set: 180 days, the six months China's
/// Cybersecurity Law (art. 21) asks network logs to be kept.
pub const MIN_AUDIT_RETENTION_DAYS: u32 = 180;
/// The longest audit-log retention a policy may set (beyond it, keep forever: 0).
pub const MAX_AUDIT_RETENTION_DAYS: u32 = 3650;

/// Which devices may keep an offline copy of chats (messages, files, previews, unsent messages);
/// the directory and approvals are kept on every device regardless.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfflineCopies {
    /// Personal and shared devices alike.
    #[default]
    AllDevices,
    /// Personal devices only: a shared device keeps chats in memory while signed in.
    PersonalDevices,
    /// No device: chats are read from the server and kept only in memory.
    NoDevices,
}

impl OfflineCopies {
    pub const ALL: [Self; 3] = [Self::AllDevices, Self::PersonalDevices, Self::NoDevices];

    /// Whether a device in this mode may keep chats.
    pub fn allows(self, mode: crate::auth::DeviceMode) -> bool {
        match self {
            Self::AllDevices => true,
            Self::PersonalDevices => mode == crate::auth::DeviceMode::Personal,
            Self::NoDevices => false,
        }
    }
}

/// `GET/PUT /api/v1/admin/policies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspacePolicies {
    /// Minutes after sending during which a sender may recall a message (0: never), at most 7 days.
    pub recall_window_minutes: u32,
    /// Most participants a group may have (2 to 2000).
    pub max_group_size: u32,
    /// Largest file a member may send, in bytes (1 KiB to 10 MiB).
    pub max_file_bytes: u64,
    /// Most MiB of files one member may have uploaded in all (1 MiB to 1 TiB).
    pub upload_quota_mib: u64,
    /// File name extensions members may send, lowercase without the dot (`pdf`, `png`); empty:
    /// any kind.
    #[serde(default)]
    pub allowed_file_types: Vec<String>,
    /// Which devices may keep an offline copy of chats.
    #[serde(default)]
    pub offline_copies: OfflineCopies,
    /// Whether members may share messages and files to other apps on their device (the system
    /// share sheet); each share is asked of the server first and recorded. Never from a
    /// confidential conversation.
    #[serde(default = "shares_by_default")]
    pub external_sharing: bool,
    /// Days the audit log keeps an entry before it is removed: 0 keeps every entry forever,
    /// otherwise 180 to 3650.
    #[serde(default)]
    pub audit_retention_days: u32,
}

fn shares_by_default() -> bool {
    true
}

impl WorkspacePolicies {
    /// Whether a file of this name is of an allowed kind (any, when the list is empty).
    pub fn allows_file(&self, file_name: &str) -> bool {
        if self.allowed_file_types.is_empty() {
            return true;
        }
        let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_lowercase()).unwrap_or_default();
        self.allowed_file_types.contains(&extension)
    }
}
