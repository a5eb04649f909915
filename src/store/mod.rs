//! The offline store: conversations, messages, the directory and approvals kept on the device so
//! the app opens and reads without a network. One [`Store`] trait, two implementations
//! ([`MemoryStore`] and [`IdbStore`]) that pass the same browser test suite (`tests/store.rs`).

mod cipher;
mod error;
mod health;
mod idb;
mod memory;
mod migrations;
mod no_copy;

pub use cipher::Cipher;
pub use error::StoreError;
pub use health::{KeyPlace, StoreHealth, StoreProblem, use_store_health};
pub use idb::IdbStore;
pub use memory::MemoryStore;
pub use migrations::Version;
pub use no_copy::{NoCopy, keeps_offline_copy};

/// The store the app uses: the device store behind the no-offline-copy rule.
pub type AppStore = NoCopy<LocalStore>;
pub use weft_sync_core::sort_conversations;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use weft_protocol::approval::{ApprovalDetail, ApprovalSummary, Template};
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::directory::{Department, DirectoryMember};
use weft_protocol::{ApprovalId, ConversationId, DepartmentId, MemberId, TemplateId};
use weft_sync_core::OutboxEntry;

/// The device's copy of the directory: departments and member cards.
pub type DirectoryRows = (Vec<Department>, Vec<DirectoryMember>);

/// A request as the device knows it: always its list row, and the full request when the device
/// has one that is as new as that row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredApproval {
    pub summary: ApprovalSummary,
    pub detail: Option<ApprovalDetail>,
}

/// What the app keeps on the device. Futures are not `Send`: browsers are single-threaded.
#[allow(async_fn_in_trait, reason = "used only on the browser's single thread, never as dyn")]
pub trait Store {
    /// Replaces the whole conversation list (conversations the member left disappear with
    /// their messages).
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError>;
    /// Inserts or updates one conversation.
    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError>;
    /// All conversations, most recent activity first.
    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError>;
    /// Inserts or replaces messages (by conversation and sequence number).
    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError>;
    /// The newest `limit` messages of a conversation with `seq < before` (or the newest), oldest first.
    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;
    /// One message by its sequence number.
    async fn message(&self, conversation: ConversationId, seq: u64) -> Result<Option<Message>, StoreError>;
    /// Deletes one message (its lifetime ended).
    async fn delete_message(&self, conversation: ConversationId, seq: u64) -> Result<(), StoreError>;
    /// Deletes a conversation and its messages (the member left or was removed).
    async fn remove_conversation(&self, conversation: ConversationId) -> Result<(), StoreError>;
    /// The position of the last change applied from the server's feed.
    async fn cursor(&self) -> Result<Option<u64>, StoreError>;
    async fn set_cursor(&self, cursor: u64) -> Result<(), StoreError>;
    /// Queued writes, in delivery order.
    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError>;
    async fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError>;
    async fn delete_outbox(&self, client_id: &str) -> Result<(), StoreError>;
    /// Saved messages containing `query` (case-insensitive), newest first, at most `limit`.
    async fn search_messages(&self, query: &str, limit: usize) -> Result<Vec<Message>, StoreError>;
    /// Keeps a file's bytes until its upload succeeds.
    async fn put_upload(&self, key: &str, file: &web_sys::Blob) -> Result<(), StoreError>;
    async fn upload(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError>;
    async fn delete_upload(&self, key: &str) -> Result<(), StoreError>;
    /// Replaces the whole directory (first download, or the server asked for a reset).
    async fn replace_directory(
        &self,
        departments: &[Department],
        members: &[DirectoryMember],
    ) -> Result<(), StoreError>;
    async fn directory(&self) -> Result<DirectoryRows, StoreError>;
    async fn put_directory_member(&self, member: &DirectoryMember) -> Result<(), StoreError>;
    async fn delete_directory_member(&self, id: MemberId) -> Result<(), StoreError>;
    async fn put_department(&self, department: &Department) -> Result<(), StoreError>;
    async fn delete_department(&self, id: &DepartmentId) -> Result<(), StoreError>;
    /// Replaces the templates this member may fill in, keeping their order; templates no longer
    /// listed are dropped (their drafts are kept).
    async fn replace_templates(&self, templates: &[Template]) -> Result<(), StoreError>;
    /// The templates, in the order last given to [`Store::replace_templates`].
    async fn templates(&self) -> Result<Vec<Template>, StoreError>;
    /// Keeps the form being typed for a template: one draft per template, replaced on each save.
    /// The draft is whatever the approval form keeps as typed; the store only serialises it
    /// (so it depends on no form type).
    async fn put_draft<D: Serialize>(&self, template: TemplateId, draft: &D) -> Result<(), StoreError>;
    async fn draft<D: DeserializeOwned>(&self, template: TemplateId) -> Result<Option<D>, StoreError>;
    async fn delete_draft(&self, template: TemplateId) -> Result<(), StoreError>;
    /// Keeps a request in full (fetched, or the reply to an action); its list row follows from it.
    /// Whichever of the stored and the new description is newer (`updated_at`) is kept, so a
    /// replayed or late answer never takes a request back in time.
    async fn put_approval(&self, detail: &ApprovalDetail) -> Result<(), StoreError>;
    /// Keeps a list row (from a list or the feed) for a request the device may not hold in full.
    /// A newer row drops an older full request (it no longer describes the request); an older
    /// row changes nothing.
    async fn put_approval_summary(&self, summary: &ApprovalSummary) -> Result<(), StoreError>;
    /// The full request, when the device has it (and nothing newer is known of it).
    async fn approval(&self, id: ApprovalId) -> Result<Option<ApprovalDetail>, StoreError>;
    /// Every request on the device, most recently updated first (ties: higher id first, as the
    /// server lists them).
    async fn approvals(&self) -> Result<Vec<StoredApproval>, StoreError>;
}

/// The store the app uses: IndexedDB when the browser offers it, memory otherwise (for example
/// in a private window that refuses IndexedDB: the app still works, forgets on reload, and says
/// so through [`StoreHealth`]).
pub enum LocalStore {
    Idb(IdbStore),
    Memory(Box<MemoryStore>),
}

/// Forwards each call to whichever store is in use.
macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            LocalStore::Idb($store) => $call.await,
            LocalStore::Memory($store) => $call.await,
        }
    };
}

impl Store for LocalStore {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        delegate!(self, s => s.replace_conversations(list))
    }
    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        delegate!(self, s => s.put_conversation(conversation))
    }
    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        delegate!(self, s => s.conversations())
    }
    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        delegate!(self, s => s.put_messages(messages))
    }
    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        delegate!(self, s => s.messages(conversation, before, limit))
    }
    async fn message(&self, conversation: ConversationId, seq: u64) -> Result<Option<Message>, StoreError> {
        delegate!(self, s => s.message(conversation, seq))
    }
    async fn delete_message(&self, conversation: ConversationId, seq: u64) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_message(conversation, seq))
    }
    async fn remove_conversation(&self, conversation: ConversationId) -> Result<(), StoreError> {
        delegate!(self, s => s.remove_conversation(conversation))
    }
    async fn cursor(&self) -> Result<Option<u64>, StoreError> {
        delegate!(self, s => s.cursor())
    }
    async fn set_cursor(&self, cursor: u64) -> Result<(), StoreError> {
        delegate!(self, s => s.set_cursor(cursor))
    }
    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        delegate!(self, s => s.outbox())
    }
    async fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        delegate!(self, s => s.put_outbox(entry))
    }
    async fn delete_outbox(&self, client_id: &str) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_outbox(client_id))
    }
    async fn search_messages(&self, query: &str, limit: usize) -> Result<Vec<Message>, StoreError> {
        delegate!(self, s => s.search_messages(query, limit))
    }
    async fn put_upload(&self, key: &str, file: &web_sys::Blob) -> Result<(), StoreError> {
        delegate!(self, s => s.put_upload(key, file))
    }
    async fn upload(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        delegate!(self, s => s.upload(key))
    }
    async fn delete_upload(&self, key: &str) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_upload(key))
    }
    async fn replace_directory(
        &self,
        departments: &[Department],
        members: &[DirectoryMember],
    ) -> Result<(), StoreError> {
        delegate!(self, s => s.replace_directory(departments, members))
    }
    async fn directory(&self) -> Result<DirectoryRows, StoreError> {
        delegate!(self, s => s.directory())
    }
    async fn put_directory_member(&self, member: &DirectoryMember) -> Result<(), StoreError> {
        delegate!(self, s => s.put_directory_member(member))
    }
    async fn delete_directory_member(&self, id: MemberId) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_directory_member(id))
    }
    async fn put_department(&self, department: &Department) -> Result<(), StoreError> {
        delegate!(self, s => s.put_department(department))
    }
    async fn delete_department(&self, id: &DepartmentId) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_department(id))
    }
    async fn replace_templates(&self, templates: &[Template]) -> Result<(), StoreError> {
        delegate!(self, s => s.replace_templates(templates))
    }
    async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        delegate!(self, s => s.templates())
    }
    async fn put_draft<D: Serialize>(&self, template: TemplateId, draft: &D) -> Result<(), StoreError> {
        delegate!(self, s => s.put_draft(template, draft))
    }
    async fn draft<D: DeserializeOwned>(&self, template: TemplateId) -> Result<Option<D>, StoreError> {
        delegate!(self, s => s.draft(template))
    }
    async fn delete_draft(&self, template: TemplateId) -> Result<(), StoreError> {
        delegate!(self, s => s.delete_draft(template))
    }
    async fn put_approval(&self, detail: &ApprovalDetail) -> Result<(), StoreError> {
        delegate!(self, s => s.put_approval(detail))
    }
    async fn put_approval_summary(&self, summary: &ApprovalSummary) -> Result<(), StoreError> {
        delegate!(self, s => s.put_approval_summary(summary))
    }
    async fn approval(&self, id: ApprovalId) -> Result<Option<ApprovalDetail>, StoreError> {
        delegate!(self, s => s.approval(id))
    }
    async fn approvals(&self) -> Result<Vec<StoredApproval>, StoreError> {
        delegate!(self, s => s.approvals())
    }
}

/// True when a saved message matches a search (case-insensitive; recalled messages never do).
pub fn message_matches(message: &Message, query_lower: &str) -> bool {
    !message.recalled && message.text.to_lowercase().contains(query_lower)
}

/// Newest first, then cut to `limit`.
pub(crate) fn newest_first(hits: &mut Vec<Message>, limit: usize) {
    hits.sort_by(|a, b| b.sent_at.cmp(&a.sent_at).then_with(|| b.seq.cmp(&a.seq)));
    hits.truncate(limit);
}

/// Sorts outbox entries into delivery order.
pub fn sort_outbox(entries: &mut [OutboxEntry]) {
    entries.sort_by(|a, b| a.order.total_cmp(&b.order));
}

/// What the device keeps of a request when `incoming` arrives over `stored`: the newer
/// description (by `updated_at`); at the same time the new row, with whichever full request is
/// known.
pub(crate) fn merge_approval(stored: Option<StoredApproval>, incoming: StoredApproval) -> StoredApproval {
    let Some(stored) = stored else { return incoming };
    match incoming.summary.updated_at.cmp(&stored.summary.updated_at) {
        std::cmp::Ordering::Greater => incoming,
        std::cmp::Ordering::Equal => {
            StoredApproval { summary: incoming.summary, detail: incoming.detail.or(stored.detail) }
        }
        std::cmp::Ordering::Less => stored,
    }
}

/// Sorts requests as the server lists them: most recently updated first, ties by id, higher first.
pub fn sort_approvals(list: &mut [StoredApproval]) {
    list.sort_by(|a, b| b.summary.updated_at.cmp(&a.summary.updated_at).then_with(|| b.summary.id.cmp(&a.summary.id)));
}
