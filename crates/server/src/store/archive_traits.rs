//! The store's trait for compliance archives: the conversations an auditor may choose, what an
//! archive covers, its messages, and the server's archive signing key.

use super::StoreResult;
use weft_protocol::archive::{ArchiveCandidate, ArchivedConversation, ArchivedMessage};
use weft_protocol::{ConversationId, MemberId, Millis};

/// A message as archived, with the SHA-256 of its file's bytes (the blob to copy in).
pub type StoredArchiveMessage = (ArchivedMessage, Option<String>);

pub trait ArchiveStore {
    /// Conversations whose title (a group's name, a participant's name in a direct chat) contains
    /// `query` (all when empty), newest first, at most `limit`.
    fn archive_candidates(&self, query: &str, limit: u32) -> StoreResult<Vec<ArchiveCandidate>>;
    /// The chosen conversations and every conversation the chosen members take part in, each with
    /// its participants and whether it is confidential; unknown ids are `NotFound`.
    fn archive_conversations(
        &self,
        conversations: &[ConversationId],
        members: &[MemberId],
    ) -> StoreResult<Vec<ArchivedConversation>>;
    /// A conversation's messages sent in `[since, until)`, in order.
    fn archive_messages(
        &self,
        conversation: ConversationId,
        since: Millis,
        until: Millis,
    ) -> StoreResult<Vec<StoredArchiveMessage>>;
    /// The archive signing key (a P-256 scalar, base64url), made by `make` the first time.
    fn archive_signing_key(&self, make: &dyn Fn() -> String, now: Millis) -> StoreResult<String>;
}
