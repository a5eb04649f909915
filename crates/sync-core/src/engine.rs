//! The down path: what a change from the server's feed does to the device copy. [`Engine`] keeps
//! the conversation list, the member's id and the feed cursor; applying a change updates the list
//! and answers with [`Effects`], plain data the app carries out in order (store writes, timeline
//! merges, fetches, outbox settlements). Applying a change again has no further effect: messages
//! are keyed by `seq`, summaries replaced, recalls and read positions only move forward, the
//! cursor only advances — so a replay after a crash is harmless.

use weft_protocol::approval::ApprovalSummary;
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::sync::{Change, ChangeEnvelope};
use weft_protocol::{ConversationId, MemberId};

/// One thing for the app to do after a change was applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Store these messages and merge them into the timelines on screen.
    PutMessages(Vec<Message>),
    /// Store these summaries; the conversation list changed.
    PutConversations(Vec<ConversationSummary>),
    /// Delete the conversation and its messages from the device and drop its queued writes
    /// (`Outbox::drop_conversation`); its timeline shows it is gone. The list changed.
    RemoveConversation(ConversationId),
    /// These client ids are done with: the outbox entries carrying them can go (the server has
    /// their messages, or their conversation is gone).
    Settle(Vec<String>),
    /// A message arrived for a conversation the device does not know: fetch its summary and
    /// apply it as a [`Change::Conversation`].
    FetchSummary(ConversationId),
    /// A conversation's summary changed: refresh its participants where they are shown.
    RefreshDetail(ConversationId),
    /// Another participant read up to `seq` (receipts only move forward).
    Receipt { conversation_id: ConversationId, member_id: MemberId, seq: u64 },
    /// A message was recalled: read it from the device and pass it to [`Engine::recalled`]
    /// (nothing to do when the device does not have it: a later fetch brings it recalled).
    LookUpRecalled { conversation_id: ConversationId, seq: u64 },
    /// A message reached the end of its lifetime: delete it (and its file) from the device and
    /// from the timeline on screen.
    Expired { conversation_id: ConversationId, seq: u64 },
    /// Store this message, now recalled, merge it into its timeline, and clear the quotes of it
    /// there ([`forget_quotes`]).
    Recalled(Message),
    /// A directory change, for the device's directory copy.
    Directory(Change),
    /// An approval request's current summary.
    Approval(ApprovalSummary),
    /// Save the feed position.
    SaveCursor(u64),
}

/// The effects of applying changes, in the order they must be carried out. Runs of the same
/// kind are merged (a batch of messages is one store write).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects(Vec<Effect>);

impl Effects {
    pub fn push(&mut self, effect: Effect) {
        let empty = match &effect {
            Effect::PutMessages(run) => run.is_empty(),
            Effect::Settle(run) => run.is_empty(),
            Effect::PutConversations(run) => run.is_empty(),
            _ => false,
        };
        if empty {
            return;
        }
        match (self.0.last_mut(), effect) {
            (Some(Effect::PutMessages(run)), Effect::PutMessages(more)) => run.extend(more),
            (Some(Effect::Settle(run)), Effect::Settle(more)) => run.extend(more),
            (Some(Effect::PutConversations(run)), Effect::PutConversations(more)) => {
                for summary in more {
                    run.retain(|s| s.id != summary.id);
                    run.push(summary);
                }
            }
            (_, effect) => self.0.push(effect),
        }
    }

    pub fn extend(&mut self, other: Effects) {
        for effect in other.0 {
            self.push(effect);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Effect> {
        self.0.iter()
    }

    /// True when the conversation list changed (the app shows it again).
    pub fn list_changed(&self) -> bool {
        self.0.iter().any(|e| matches!(e, Effect::PutConversations(_) | Effect::RemoveConversation(_)))
    }
}

impl IntoIterator for Effects {
    type Item = Effect;
    type IntoIter = std::vec::IntoIter<Effect>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Effect> for Effects {
    fn from(effect: Effect) -> Self {
        let mut effects = Effects::default();
        effects.push(effect);
        effects
    }
}

/// The device's view of the member's conversations and of how far it has read the feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Engine {
    me: Option<MemberId>,
    cursor: Option<u64>,
    /// Pinned first, then most recent activity first ([`sort_conversations`]).
    conversations: Vec<ConversationSummary>,
}

impl Engine {
    /// The engine of a signed-in member (`None` before anyone signed in).
    pub fn new(me: Option<MemberId>) -> Self {
        Self { me, cursor: None, conversations: Vec::new() }
    }

    pub fn me(&self) -> Option<MemberId> {
        self.me
    }

    /// The position of the last change applied.
    pub fn cursor(&self) -> Option<u64> {
        self.cursor
    }

    /// Takes the cursor the device saved (at start; it is already stored, so nothing to do).
    pub fn restore_cursor(&mut self, cursor: Option<u64>) {
        self.cursor = cursor;
    }

    pub fn conversations(&self) -> &[ConversationSummary] {
        &self.conversations
    }

    pub fn conversation(&self, id: ConversationId) -> Option<&ConversationSummary> {
        self.conversations.iter().find(|c| c.id == id)
    }

    /// Replaces the whole list (read from the device, or the server's first snapshot).
    pub fn replace_conversations(&mut self, mut list: Vec<ConversationSummary>) {
        sort_conversations(&mut list);
        self.conversations = list;
    }

    /// Applies one frame of the feed: its changes in order (runs of messages together), then
    /// the cursor it brings the device to.
    pub fn apply_frame(&mut self, changes: Vec<ChangeEnvelope>, cursor: u64) -> Effects {
        let mut effects = Effects::default();
        let mut messages = Vec::new();
        for ChangeEnvelope { change, .. } in changes {
            match change {
                Change::Message { message } => messages.push(message),
                other => {
                    effects.extend(self.apply_messages(std::mem::take(&mut messages)));
                    effects.extend(self.apply(other));
                }
            }
        }
        effects.extend(self.apply_messages(messages));
        effects.extend(self.advance_cursor(cursor));
        effects
    }

    /// Moves the cursor forward (never back).
    pub fn advance_cursor(&mut self, cursor: u64) -> Effects {
        if self.cursor.is_some_and(|current| current >= cursor) {
            return Effects::default();
        }
        self.cursor = Some(cursor);
        Effect::SaveCursor(cursor).into()
    }

    /// Applies one change.
    pub fn apply(&mut self, change: Change) -> Effects {
        match change {
            Change::Message { message } => self.apply_messages(vec![message]),
            Change::Recalled { conversation_id, seq } => Effect::LookUpRecalled { conversation_id, seq }.into(),
            Change::Expired { conversation_id, seq } => Effect::Expired { conversation_id, seq }.into(),
            Change::Conversation { summary } => self.apply_summary(summary),
            Change::Removed { conversation_id } => self.remove(conversation_id),
            Change::Read { conversation_id, member_id, seq } => {
                if Some(member_id) == self.me {
                    self.own_read(conversation_id, seq)
                } else {
                    Effect::Receipt { conversation_id, member_id, seq }.into()
                }
            }
            directory @ (Change::Member { .. }
            | Change::MemberRemoved { .. }
            | Change::Department { .. }
            | Change::DepartmentRemoved { .. }
            | Change::DirectoryReset) => Effect::Directory(directory).into(),
            Change::Approval { request } => Effect::Approval(request).into(),
            Change::Unknown => Effects::default(),
        }
    }

    /// Records messages from the server (own sends or anyone's, live or replayed): stored, their
    /// client ids settle the outbox, and each conversation's summary follows its newest message
    /// (unread counts only grow for messages newer than the list knew).
    pub fn apply_messages(&mut self, messages: Vec<Message>) -> Effects {
        let mut effects = Effects::default();
        if messages.is_empty() {
            return effects;
        }
        let mut changed: Vec<ConversationSummary> = Vec::new();
        let mut unknown: Vec<ConversationId> = Vec::new();
        for message in &messages {
            let Some(summary) = self.conversations.iter_mut().find(|c| c.id == message.conversation_id) else {
                if !unknown.contains(&message.conversation_id) {
                    unknown.push(message.conversation_id);
                }
                continue;
            };
            let before = summary.clone();
            let mine = self.me.is_some_and(|me| message.sent_by(me));
            if message.seq > summary.last_seq {
                if !mine && message.seq > summary.read_seq && !message.recalled {
                    summary.unread += 1;
                }
                if mine {
                    summary.read_seq = summary.read_seq.max(message.seq);
                    summary.unread = 0;
                }
                summary.last_seq = message.seq;
                summary.updated_at = summary.updated_at.max(message.sent_at);
            }
            if message.seq >= summary.last_seq {
                summary.last_message = Some(message.clone());
            }
            if *summary != before {
                changed.retain(|c| c.id != summary.id);
                changed.push(summary.clone());
            }
        }
        if !changed.is_empty() {
            sort_conversations(&mut self.conversations);
        }
        let settled = messages.iter().map(|m| m.client_id.to_string()).collect();
        effects.push(Effect::PutMessages(messages));
        effects.push(Effect::Settle(settled));
        effects.push(Effect::PutConversations(changed));
        for id in unknown {
            effects.push(Effect::FetchSummary(id));
        }
        effects
    }

    /// A conversation's current summary replaces what the device had.
    pub fn apply_summary(&mut self, summary: ConversationSummary) -> Effects {
        if self.conversation(summary.id) == Some(&summary) {
            return Effects::default();
        }
        let id = summary.id;
        self.conversations.retain(|c| c.id != id);
        self.conversations.push(summary.clone());
        sort_conversations(&mut self.conversations);
        let mut effects = Effects::from(Effect::PutConversations(vec![summary]));
        effects.push(Effect::RefreshDetail(id));
        effects
    }

    /// The member no longer takes part: the conversation, its messages and its queued writes go.
    /// The outbox entries to drop are the app's to find (`Outbox::drop_conversation`).
    pub fn remove(&mut self, conversation: ConversationId) -> Effects {
        self.conversations.retain(|c| c.id != conversation);
        Effect::RemoveConversation(conversation).into()
    }

    /// The member's own read position moved to `seq` (here or on another device); it never
    /// moves back.
    pub fn own_read(&mut self, conversation: ConversationId, seq: u64) -> Effects {
        let Some(summary) = self.conversations.iter_mut().find(|c| c.id == conversation) else {
            return Effects::default();
        };
        if seq <= summary.read_seq {
            return Effects::default();
        }
        summary.read_seq = seq;
        if seq >= summary.last_seq {
            summary.unread = 0;
        }
        Effect::PutConversations(vec![summary.clone()]).into()
    }

    /// Where "mark as read" would move the member's read position: the newest message, when
    /// there is something unread.
    pub fn read_target(&self, conversation: ConversationId) -> Option<u64> {
        self.conversation(conversation).filter(|c| c.last_seq > c.read_seq).map(|c| c.last_seq)
    }

    /// The member muted/unmuted or pinned/unpinned a conversation (shown at once; the outbox
    /// tells the server).
    pub fn set_prefs(&mut self, conversation: ConversationId, muted: bool, pinned: bool) -> Effects {
        let Some(summary) = self.conversations.iter_mut().find(|c| c.id == conversation) else {
            return Effects::default();
        };
        summary.muted = muted;
        summary.pinned = pinned;
        let summary = summary.clone();
        sort_conversations(&mut self.conversations);
        Effect::PutConversations(vec![summary]).into()
    }

    /// The device's copy of a recalled message (see [`Effect::LookUpRecalled`]): the message
    /// loses its text, the list's preview of it too, and it no longer counts as unread. A message
    /// already recalled changes nothing.
    pub fn recalled(&mut self, mut message: Message) -> Effects {
        if message.recalled {
            return Effects::default();
        }
        message.recalled = true;
        message.text.clear();
        let mut effects = Effects::from(Effect::Recalled(message.clone()));
        let me = self.me;
        if let Some(summary) = self.conversations.iter_mut().find(|c| c.id == message.conversation_id) {
            if summary.last_message.as_ref().is_some_and(|m| m.seq == message.seq) {
                summary.last_message = Some(message.clone());
            }
            if Some(message.sender_id) != me && message.seq > summary.read_seq {
                summary.unread = summary.unread.saturating_sub(1);
            }
            effects.push(Effect::PutConversations(vec![summary.clone()]));
        }
        effects
    }
}

/// Clears the quotes of the recalled message `seq` in a timeline's messages; returns the
/// messages that changed (to store them).
pub fn forget_quotes(messages: &mut [Message], seq: u64) -> Vec<Message> {
    let mut changed = Vec::new();
    for quoting in messages.iter_mut() {
        if let Some(reply) = quoting.reply_to.as_mut().filter(|r| r.seq == seq && !r.recalled) {
            reply.recalled = true;
            reply.excerpt.clear();
            changed.push(quoting.clone());
        }
    }
    changed
}

/// Sorts conversations: pinned first, then by last activity, newest first (ties by id, so the
/// order is stable).
pub fn sort_conversations(list: &mut [ConversationSummary]) {
    list.sort_by(|a, b| {
        b.pinned.cmp(&a.pinned).then_with(|| b.updated_at.cmp(&a.updated_at)).then_with(|| a.id.cmp(&b.id))
    });
}
