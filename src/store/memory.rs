//! An in-memory [`Store`]: the fallback when IndexedDB is unavailable, and the reference the
//! IndexedDB store is tested against.

use super::{Store, StoreError, sort_conversations};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use weft_protocol::ConversationId;
use weft_protocol::chat::{ConversationSummary, Message};

#[derive(Default)]
pub struct MemoryStore {
    conversations: RefCell<HashMap<ConversationId, ConversationSummary>>,
    messages: RefCell<HashMap<ConversationId, BTreeMap<u64, Message>>>,
}

impl Store for MemoryStore {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        let mut conversations = self.conversations.borrow_mut();
        conversations.clear();
        conversations.extend(list.iter().map(|c| (c.id, c.clone())));
        self.messages
            .borrow_mut()
            .retain(|id, _| conversations.contains_key(id));
        Ok(())
    }

    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        self.conversations
            .borrow_mut()
            .insert(conversation.id, conversation.clone());
        Ok(())
    }

    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        let mut list: Vec<_> = self.conversations.borrow().values().cloned().collect();
        sort_conversations(&mut list);
        Ok(list)
    }

    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        let mut stored = self.messages.borrow_mut();
        for message in messages {
            stored
                .entry(message.conversation_id)
                .or_default()
                .insert(message.seq, message.clone());
        }
        Ok(())
    }

    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let stored = self.messages.borrow();
        let Some(messages) = stored.get(&conversation) else {
            return Ok(Vec::new());
        };
        let mut page: Vec<Message> = messages
            .range(..before.unwrap_or(u64::MAX))
            .rev()
            .take(limit as usize)
            .map(|(_, m)| m.clone())
            .collect();
        page.reverse();
        Ok(page)
    }
}
