//! The store's trait for uploaded files: their records (what messages show, where the bytes
//! are), who may fetch them, each member's uploaded bytes, and collecting the unused ones.

use super::StoreResult;
use weft_protocol::chat::Attachment;
use weft_protocol::{AttachmentId, ClientId, MemberId, Millis};

/// An uploaded file's record: what messages show, and where its bytes are.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    pub attachment: Attachment,
    pub sha256: String,
    /// Where the thumbnail's bytes are; present exactly when `attachment.thumbnail` is.
    pub thumbnail: Option<StoredThumbnail>,
}

/// A thumbnail's bytes (a blob) and their type.
#[derive(Debug, Clone)]
pub struct StoredThumbnail {
    pub sha256: String,
    pub content_type: String,
}

/// Uploaded files.
pub trait AttachmentStore {
    /// Records an upload; a retry with the same (owner, client id) returns the first record.
    fn create_attachment(
        &self,
        owner: MemberId,
        client_id: ClientId,
        file: &StoredAttachment,
        now: Millis,
    ) -> StoreResult<Attachment>;
    /// The file, if `viewer` uploaded it, takes part in a conversation where it was sent, or may
    /// read an approval request whose form carries it.
    fn attachment_for(&self, id: AttachmentId, viewer: MemberId) -> StoreResult<Option<StoredAttachment>>;
    /// Bytes of the files `owner` has uploaded, except the upload `except` (a retry of it).
    fn uploaded_bytes(&self, owner: MemberId, except: ClientId) -> StoreResult<u64>;
    /// The file by id, with no access check (for serving a URL that was signed after one).
    fn attachment(&self, id: AttachmentId) -> StoreResult<Option<StoredAttachment>>;
    /// Deletes up to [`UNUSED_FILES_PER_PASS`] files uploaded before `uploaded_before` that no
    /// message and no approval request carries (uploads whose message was never sent).
    fn collect_unused_files(&self, uploaded_before: Millis) -> StoreResult<UnusedFiles>;
}

/// Most files one pass of [`AttachmentStore::collect_unused_files`] deletes.
pub const UNUSED_FILES_PER_PASS: i64 = 500;

/// What a pass of the unused-file collection deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnusedFiles {
    pub files: usize,
    /// Blobs (file and thumbnail hashes) no file refers to any more: delete their bytes.
    pub orphaned_blobs: Vec<String>,
}
