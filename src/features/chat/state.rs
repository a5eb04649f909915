//! The chat feature's reactive state: the conversation list, the loaded timelines and the
//! participants with their read positions, as the pages read them. It is changed only through
//! the methods below — by the chat's own loading (`features::chat::sync`) and by the change feed
//! (`sync::engine`), never field by field from elsewhere.

use leptos::prelude::*;
use std::collections::HashMap;
use weft_protocol::chat::{ConversationDetail, ConversationSummary, Message};
use weft_protocol::{ConversationId, MemberId};

/// How many messages one page of history holds.
pub const PAGE: u32 = 50;

/// One conversation's loaded messages, ordered by `seq`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub messages: Vec<Message>,
    pub has_more: bool,
    /// The server said this member cannot see the conversation (never was, or was removed).
    pub missing: bool,
}

impl Timeline {
    /// Adds or replaces messages, keeping `seq` order without duplicates.
    pub fn merge(&mut self, incoming: &[Message]) {
        for message in incoming {
            match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
                Ok(at) => self.messages[at] = message.clone(),
                Err(at) => self.messages.insert(at, message.clone()),
            }
        }
    }

    pub fn oldest_seq(&self) -> Option<u64> {
        self.messages.first().map(|m| m.seq)
    }
}

/// Shared through context; all fields are cheap handles.
#[derive(Clone, Copy)]
pub struct ChatState {
    pub conversations: RwSignal<Vec<ConversationSummary>>,
    /// True once the list came from the device or the server.
    pub loaded: RwSignal<bool>,
    pub timelines: RwSignal<HashMap<ConversationId, Timeline>>,
    /// Participants and read positions of opened conversations (for receipts).
    pub details: RwSignal<HashMap<ConversationId, ConversationDetail>>,
    /// Conversations whose history is on screen.
    pub(crate) open: StoredValue<Vec<ConversationId>>,
}

pub fn use_chat() -> ChatState {
    use_context::<ChatState>().expect("ChatState is provided by App; a component was mounted outside it")
}

impl ChatState {
    pub fn provide() -> Self {
        let state = Self {
            conversations: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            timelines: RwSignal::new(HashMap::new()),
            details: RwSignal::new(HashMap::new()),
            open: StoredValue::new(Vec::new()),
        };
        provide_context(state);
        state
    }

    /// Signed out: nothing is shown any more.
    pub(crate) fn reset(self) {
        self.conversations.set(Vec::new());
        self.timelines.set(HashMap::new());
        self.details.set(HashMap::new());
        self.loaded.set(false);
    }

    /// Shows a conversation list (the feed engine's, in its order).
    pub(crate) fn show_list(self, list: Vec<ConversationSummary>) {
        self.conversations.set(list);
    }

    /// Merges messages into the timelines of conversations that are loaded (others load from
    /// the device when opened).
    pub(crate) fn merge_into_loaded(self, messages: &[Message]) {
        self.timelines.update(|t| {
            for message in messages {
                if let Some(timeline) = t.get_mut(&message.conversation_id) {
                    timeline.merge(std::slice::from_ref(message));
                }
            }
        });
    }

    /// A recalled message replaces its original; returns it with every loaded message whose
    /// quote of it had to be forgotten (to be stored).
    pub(crate) fn recalled(self, message: Message) -> Vec<Message> {
        let mut changed = vec![message.clone()];
        self.timelines.update(|t| {
            if let Some(timeline) = t.get_mut(&message.conversation_id) {
                timeline.merge(std::slice::from_ref(&message));
                changed.extend(weft_sync_core::forget_quotes(&mut timeline.messages, message.seq));
            }
        });
        changed
    }

    /// The member cannot see the conversation (left, removed, or never could).
    pub(crate) fn mark_missing(self, id: ConversationId) {
        self.timelines.update(|t| {
            t.insert(id, Timeline { missing: true, ..Default::default() });
        });
    }

    /// A participant's read position moved forward.
    pub(crate) fn receipt(self, conversation_id: ConversationId, member_id: MemberId, seq: u64) {
        self.details.update(|d| {
            if let Some(p) =
                d.get_mut(&conversation_id).and_then(|d| d.participants.iter_mut().find(|p| p.id == member_id))
            {
                p.read_seq = p.read_seq.max(seq);
            }
        });
    }

    /// Whether a conversation's participants are shown somewhere (then they are fetched again
    /// when they change).
    pub(crate) fn has_detail(self, id: ConversationId) -> bool {
        self.details.with_untracked(|d| d.contains_key(&id))
    }

    /// Keeps a conversation's participants and read positions.
    pub(crate) fn put_detail(self, id: ConversationId, detail: ConversationDetail) {
        self.details.update(|d| {
            d.insert(id, detail);
        });
    }
}
