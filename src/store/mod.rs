//! The offline store: conversations and messages kept on the device so the app opens and reads
//! without a network. One [`Store`] trait, two implementations ([`MemoryStore`] and
//! [`IdbStore`]) that pass the same browser test suite (`tests/store.rs`).

mod error;
mod idb;
mod memory;
mod migrations;

pub use error::StoreError;
pub use idb::IdbStore;
pub use memory::MemoryStore;
pub use migrations::Version;

use weft_protocol::ConversationId;
use weft_protocol::chat::{ConversationSummary, Message};

/// What the app keeps on the device. Futures are not `Send`: browsers are single-threaded.
#[allow(
    async_fn_in_trait,
    reason = "used only on the browser's single thread, never as dyn"
)]
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
}

/// The store the app uses: IndexedDB when the browser offers it, memory otherwise (for example
/// in a private window that refuses IndexedDB: the app still works, it just forgets on reload).
pub enum LocalStore {
    Idb(IdbStore),
    Memory(MemoryStore),
}

impl LocalStore {
    pub async fn open(name: &str) -> Self {
        match IdbStore::open(name).await {
            Ok(store) => LocalStore::Idb(store),
            Err(_) => LocalStore::Memory(MemoryStore::default()),
        }
    }
}

impl Store for LocalStore {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        match self {
            LocalStore::Idb(s) => s.replace_conversations(list).await,
            LocalStore::Memory(s) => s.replace_conversations(list).await,
        }
    }
    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        match self {
            LocalStore::Idb(s) => s.put_conversation(conversation).await,
            LocalStore::Memory(s) => s.put_conversation(conversation).await,
        }
    }
    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        match self {
            LocalStore::Idb(s) => s.conversations().await,
            LocalStore::Memory(s) => s.conversations().await,
        }
    }
    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        match self {
            LocalStore::Idb(s) => s.put_messages(messages).await,
            LocalStore::Memory(s) => s.put_messages(messages).await,
        }
    }
    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        match self {
            LocalStore::Idb(s) => s.messages(conversation, before, limit).await,
            LocalStore::Memory(s) => s.messages(conversation, before, limit).await,
        }
    }
}

/// Sorts conversations by last activity, newest first (ties by id, so the order is stable).
pub(crate) fn sort_conversations(list: &mut [ConversationSummary]) {
    list.sort_by(|a, b| {
        b.updated_at
            .cmp(&a.updated_at)
            .then_with(|| a.id.cmp(&b.id))
    });
}
