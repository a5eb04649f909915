//! Compliance archives: what an auditor asks to export (`ArchiveRequest`), the conversations they
//! may choose from (`ArchiveCandidate`), and what the archive holds — `conversations.jsonl` and
//! `messages.jsonl` (one JSON object per line), the files under `files/`, `manifest.json` listing
//! every other entry with its SHA-256, and `signature.json`, the server's ECDSA P-256 signature
//! of the manifest's bytes.

use crate::chat::ConversationKind;
use crate::{ConversationId, MemberId, Millis};
use serde::{Deserialize, Serialize};

/// The archive format this build writes.
pub const ARCHIVE_FORMAT: &str = "weft-archive/1";

/// Most members or conversations one archive names.
pub const MAX_ARCHIVE_SUBJECTS: usize = 200;

/// `POST /api/v1/admin/archives`: the communications of these members (every conversation they
/// take part in) and these conversations, sent in `[since, until)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArchiveRequest {
    #[serde(default)]
    pub member_ids: Vec<MemberId>,
    #[serde(default)]
    pub conversation_ids: Vec<ConversationId>,
    pub since: Millis,
    pub until: Millis,
}

/// One conversation an auditor may choose (`GET /api/v1/admin/archives/conversations?q=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchiveCandidate {
    pub id: ConversationId,
    pub kind: ConversationKind,
    /// A group's name, or a direct chat's two names.
    pub title: String,
    pub participants: u32,
    pub confidential: bool,
}

/// A line of `conversations.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedConversation {
    pub id: ConversationId,
    pub kind: ConversationKind,
    pub title: String,
    /// Marked: the conversation was confidential when archived (included because the
    /// confidential policy says archives include them).
    pub confidential: bool,
    pub participants: Vec<ArchivedPerson>,
}

/// A person as the archive names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedPerson {
    pub id: MemberId,
    pub userid: String,
    pub name: String,
}

/// A line of `messages.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedMessage {
    pub conversation_id: ConversationId,
    pub seq: u64,
    pub sender: ArchivedPerson,
    pub sent_at: Millis,
    /// The text as sent (kept even when the sender recalled it).
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalled_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_bot: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confidential: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<ArchivedFile>,
}

/// A file sent with a message: its name as sent and where the archive keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedFile {
    pub name: String,
    pub content_type: String,
    pub bytes: u64,
    /// The entry's path in the archive (`files/<sha256>`).
    pub path: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveManifest {
    pub format: String,
    pub created_at: Millis,
    /// The auditor's userid.
    pub created_by: String,
    pub request: ArchiveRequest,
    pub conversations: u32,
    pub messages: u32,
    /// Confidential conversations left out because the policy keeps them out of archives.
    pub excluded_confidential: Vec<ConversationId>,
    /// Every other entry of the archive, with its size and SHA-256 (lower-case hex).
    pub entries: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// `signature.json`: ECDSA P-256 with SHA-256 over the exact bytes of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveSignature {
    /// `ES256`.
    pub algorithm: String,
    /// The server's archive key: an uncompressed SEC1 point, base64url without padding.
    pub public_key: String,
    /// `r ‖ s`, 64 bytes, base64url without padding.
    pub signature: String,
}
