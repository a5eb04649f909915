//! The store's trait for confidential conversations: the setting and the workspace policy,
//! deterrent notices, forwarding, message lifetimes, and watermark marks.

use super::{Recipients, StoreResult};
use weft_protocol::chat::Message;
use weft_protocol::confidential::{ConfidentialPolicy, ConfidentialSettings, DeterrentKind, WatermarkOwner};
use weft_protocol::{AttachmentId, ClientId, ConversationId, MemberId, Millis, SessionId};

/// What became of a deterrent report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeterrentOutcome {
    /// Whom a notice posted into the conversation must reach (empty when none was posted).
    pub recipients: Recipients,
    /// The conversation's title as the reporter sees it, for the audit entry.
    pub title: String,
}

/// What the lifetime sweep deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expired {
    /// Participants of conversations that lost messages.
    pub recipients: Recipients,
    /// Blobs (file and thumbnail hashes) no attachment refers to any more: delete their bytes.
    pub orphaned_blobs: Vec<String>,
}

pub trait ConfidentialStore {
    /// Turns confidentiality on or off, or changes the lifetime (the domain decides who may);
    /// posts a notice into the conversation when it is turned on or off.
    fn set_confidential(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        settings: ConfidentialSettings,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// Accepts a deterrent report from a participant of a confidential conversation; a
    /// screenshot shortcut posts "〈name〉 may have taken a screenshot" into it.
    fn report_deterrent(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        kind: DeterrentKind,
        now: Millis,
    ) -> StoreResult<DeterrentOutcome>;
    fn confidential_policy(&self) -> StoreResult<ConfidentialPolicy>;
    /// Saves the policy and applies it to every direct chat: those with a member of a listed
    /// department become confidential, those the policy alone made so and that no longer
    /// qualify stop being so.
    fn set_confidential_policy(&self, policy: &ConfidentialPolicy, now: Millis) -> StoreResult<Recipients>;
    /// Applies the policy to one new conversation (a direct chat with a member of a listed
    /// department, a group created by one).
    fn apply_confidential_policy(&self, conversation: ConversationId, now: Millis) -> StoreResult<Recipients>;
    /// Applies the policy again after the directory changed (members moved between
    /// departments, departments moved or deleted): the same rules as [`Self::set_confidential_policy`].
    fn reapply_confidential_policy(&self, now: Millis) -> StoreResult<Recipients>;
    /// Copies message `seq` into other conversations the actor takes part in. Refused for
    /// confidential messages; a retry with the same client id sends nothing twice.
    fn forward_message(
        &self,
        from: ConversationId,
        seq: u64,
        actor: MemberId,
        to: &[ConversationId],
        client_id: ClientId,
        now: Millis,
    ) -> StoreResult<(Vec<Message>, Recipients)>;
    /// Deletes every message whose lifetime ended by `now`, with its file, and tells the
    /// participants' devices to delete it too.
    fn expire_due(&self, now: Millis) -> StoreResult<Expired>;
    /// The mark of this session for the hour of `now`, issued on first use.
    fn watermark_mark(&self, session: SessionId, member: MemberId, now: Millis) -> StoreResult<(u32, Millis)>;
    fn watermark_owner(&self, mark: u32) -> StoreResult<Option<WatermarkOwner>>;
    /// Whether the file is in a confidential conversation the viewer takes part in.
    fn attachment_is_confidential(&self, attachment: AttachmentId, viewer: MemberId) -> StoreResult<bool>;
}
