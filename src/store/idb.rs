//! The IndexedDB [`Store`] (through `indexed_db_futures`): one database per member, schema from
//! [`super::migrations`].

use super::migrations::{self, v1, v2, v3};
use super::{Store, StoreError, message_matches, newest_first, sort_conversations, sort_outbox};
use crate::sync::outbox::OutboxEntry;
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use weft_protocol::ConversationId;
use weft_protocol::chat::{ConversationSummary, Message};

pub struct IdbStore {
    db: Database,
}

/// A message row: the message and its sortable key.
#[derive(Serialize, Deserialize)]
struct MessageRow {
    key: String,
    message: Message,
}

/// A `meta` row.
#[derive(Serialize, Deserialize)]
struct MetaRow {
    name: String,
    value: u64,
}

/// `"<conversation>:<seq as 20 digits>"`: sorts by conversation, then sequence number.
fn message_key(conversation: ConversationId, seq: u64) -> String {
    format!("{conversation}:{seq:020}")
}

impl IdbStore {
    /// Opens (creating or upgrading) the named database.
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        let db = Database::open(name)
            .with_version(migrations::Version::CURRENT as u32)
            .with_on_upgrade_needed(|event, db| {
                let old = event.old_version() as u32;
                migrations::upgrade(&db, old)?;
                Ok(())
            })
            .await?;
        Ok(Self { db })
    }

    /// Deletes a member's database (sign-out wipes the device's copy).
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)?.await?;
        Ok(())
    }

    pub fn close(self) {
        self.db.close();
    }
}

impl Store for IdbStore {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        let tx =
            self.db.transaction([v1::CONVERSATIONS, v1::MESSAGES]).with_mode(TransactionMode::Readwrite).build()?;
        let conversations = tx.object_store(v1::CONVERSATIONS)?;
        let messages = tx.object_store(v1::MESSAGES)?;
        let kept: std::collections::HashSet<String> = list.iter().map(|c| c.id.to_string()).collect();
        let existing: Vec<String> =
            conversations.get_all_keys::<String>().primitive()?.await?.collect::<Result<_, _>>()?;
        for gone in existing.iter().filter(|id| !kept.contains(*id)) {
            conversations.delete(gone.as_str()).primitive()?.await?;
            let range = format!("{gone}:")..format!("{gone};");
            messages.delete(range).primitive()?.await?;
        }
        for conversation in list {
            conversations.put(conversation).serde()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        let tx = self.db.transaction(v1::CONVERSATIONS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v1::CONVERSATIONS)?.put(conversation).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        let tx = self.db.transaction(v1::CONVERSATIONS).build()?;
        let mut list: Vec<ConversationSummary> = tx
            .object_store(v1::CONVERSATIONS)?
            .get_all::<ConversationSummary>()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        sort_conversations(&mut list);
        Ok(list)
    }

    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        if messages.is_empty() {
            return Ok(());
        }
        let tx = self.db.transaction(v1::MESSAGES).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(v1::MESSAGES)?;
        // Requests go out as they are built; waiting on each in turn would cost a round trip
        // through the event loop per message. Issue them all, commit, then collect the results.
        let mut requests = Vec::with_capacity(messages.len());
        for message in messages {
            let row = MessageRow { key: message_key(message.conversation_id, message.seq), message: message.clone() };
            requests.push(store.put(row).serde()?);
        }
        tx.commit().await?;
        for request in requests {
            request.await?;
        }
        Ok(())
    }

    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let tx = self.db.transaction(v1::MESSAGES).build()?;
        let store = tx.object_store(v1::MESSAGES)?;
        let lower = message_key(conversation, 0);
        let upper = message_key(conversation, before.unwrap_or(u64::MAX));
        let cursor =
            store.open_cursor().with_query(lower..upper).with_direction(CursorDirection::Prev).primitive()?.await?;
        let mut page = Vec::new();
        if let Some(mut cursor) = cursor {
            while page.len() < limit as usize {
                match cursor.next_record_ser::<MessageRow>().await? {
                    Some(row) => page.push(row.message),
                    None => break,
                }
            }
        }
        page.reverse();
        Ok(page)
    }

    async fn message(&self, conversation: ConversationId, seq: u64) -> Result<Option<Message>, StoreError> {
        let tx = self.db.transaction(v1::MESSAGES).build()?;
        let row: Option<MessageRow> =
            tx.object_store(v1::MESSAGES)?.get(message_key(conversation, seq)).serde()?.await?;
        Ok(row.map(|r| r.message))
    }

    async fn remove_conversation(&self, conversation: ConversationId) -> Result<(), StoreError> {
        let tx =
            self.db.transaction([v1::CONVERSATIONS, v1::MESSAGES]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v1::CONVERSATIONS)?.delete(conversation.to_string()).primitive()?.await?;
        let range = format!("{conversation}:")..format!("{conversation};");
        tx.object_store(v1::MESSAGES)?.delete(range).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn cursor(&self) -> Result<Option<u64>, StoreError> {
        let tx = self.db.transaction(v2::META).build()?;
        let row: Option<MetaRow> = tx.object_store(v2::META)?.get(v2::CURSOR).serde()?.await?;
        Ok(row.map(|r| r.value))
    }

    async fn set_cursor(&self, cursor: u64) -> Result<(), StoreError> {
        let tx = self.db.transaction(v2::META).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v2::META)?.put(MetaRow { name: v2::CURSOR.into(), value: cursor }).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self.db.transaction(v2::OUTBOX).build()?;
        let mut entries: Vec<OutboxEntry> =
            tx.object_store(v2::OUTBOX)?.get_all::<OutboxEntry>().serde()?.await?.collect::<Result<_, _>>()?;
        sort_outbox(&mut entries);
        Ok(entries)
    }

    async fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let tx = self.db.transaction(v2::OUTBOX).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v2::OUTBOX)?.put(entry).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_outbox(&self, client_id: &str) -> Result<(), StoreError> {
        let tx = self.db.transaction(v2::OUTBOX).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v2::OUTBOX)?.delete(client_id).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn search_messages(&self, query: &str, limit: usize) -> Result<Vec<Message>, StoreError> {
        let query = query.to_lowercase();
        let tx = self.db.transaction(v1::MESSAGES).build()?;
        let store = tx.object_store(v1::MESSAGES)?;
        let mut hits = Vec::new();
        if let Some(mut cursor) = store.open_cursor().await? {
            while let Some(row) = cursor.next_record_ser::<MessageRow>().await? {
                if message_matches(&row.message, &query) {
                    hits.push(row.message);
                }
            }
        }
        newest_first(&mut hits, limit);
        Ok(hits)
    }

    async fn put_upload(&self, key: &str, file: &web_sys::Blob) -> Result<(), StoreError> {
        let tx = self.db.transaction(v3::UPLOADS).with_mode(TransactionMode::Readwrite).build()?;
        let value: JsValue = file.clone().into();
        tx.object_store(v3::UPLOADS)?.put(value).with_key(key.to_owned()).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn upload(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        let tx = self.db.transaction(v3::UPLOADS).build()?;
        let value: Option<JsValue> = tx.object_store(v3::UPLOADS)?.get(key.to_owned()).primitive()?.await?;
        Ok(value.and_then(|v| v.dyn_into::<web_sys::Blob>().ok()))
    }

    async fn delete_upload(&self, key: &str) -> Result<(), StoreError> {
        let tx = self.db.transaction(v3::UPLOADS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v3::UPLOADS)?.delete(key.to_owned()).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }
}
