//! The sync engine's two directions. Down: change frames from the live socket are applied in
//! order to the device copy and the reactive state, then the cursor is saved; applying a change
//! again has no further effect, so a replay after a crash is harmless. Up: the outbox is delivered
//! one entry at a time in order, retried with backoff while the server cannot be reached, and
//! kept with the server's reason when it refuses.

use super::outbox::{OutboxAction, OutboxEntry, PendingFile, backoff_ms, next_deliverable};
use crate::api::ApiError;
use crate::components::composer::Outgoing;
use crate::live::LiveEvent;
use crate::state::{ChatState, Connection};
use crate::store::{Store, sort_conversations};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::chat::{
    ConversationSummary, MAX_ATTACHMENT_BYTES, Message, TextError, sanitize_file_name, validate_text,
};
use weft_protocol::live::ServerFrame;
use weft_protocol::sync::{Change, ChangeEnvelope};
use weft_protocol::{ConversationId, ErrorCode};

/// Why a file cannot be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileError {
    Empty,
    TooLarge,
}

/// How a delivery attempt ended.
enum Delivery {
    Done,
    /// Could not reach the server (or it was busy): keep the entry, try again later.
    Retry,
    /// The server refused: keep the entry with this reason until the member retries or deletes it.
    Refused(String),
    SessionEnded,
}

fn classify(error: &ApiError) -> Delivery {
    match error {
        ApiError::Network => Delivery::Retry,
        ApiError::Server { status: 401, body } if body.code == ErrorCode::Unauthenticated => Delivery::SessionEnded,
        ApiError::Server { status, .. } if *status == 429 || *status >= 500 => Delivery::Retry,
        ApiError::Server { body, .. } if body.code == ErrorCode::Internal => Delivery::Retry,
        ApiError::Server { body, .. } => Delivery::Refused(body.message.clone()),
        ApiError::Decode(message) => Delivery::Refused(message.clone()),
    }
}

impl ChatState {
    pub(crate) fn on_live(self, event: LiveEvent) {
        match event {
            LiveEvent::Frame(ServerFrame::Ready { .. }) => {
                self.connection.set(Connection::Online);
                spawn_local(async move {
                    if self.cursor.get_value().is_none() {
                        self.bootstrap().await;
                    }
                    self.flush().await;
                    self.ensure_directory().await;
                    self.refresh_approvals().await;
                });
            }
            LiveEvent::Frame(ServerFrame::Changes { changes, cursor }) => {
                self.incoming.update_value(|queue| queue.push_back((changes, cursor)));
                spawn_local(self.apply_incoming());
            }
            LiveEvent::Frame(ServerFrame::SessionEnded) => self.session_ended(),
            LiveEvent::Frame(ServerFrame::Pong) => {}
            LiveEvent::Disconnected => {
                self.connection.set(if crate::platform::browser_online() {
                    Connection::Connecting
                } else {
                    Connection::Offline
                });
            }
        }
    }

    /// Applies queued change frames one after another (never two at once).
    async fn apply_incoming(self) {
        if self.applying.get_value() {
            return;
        }
        self.applying.set_value(true);
        while let Some((changes, cursor)) = self.incoming.try_update_value(|q| q.pop_front()).flatten() {
            // Runs of messages (the common case) are stored in one go.
            let mut messages = Vec::new();
            for ChangeEnvelope { change, .. } in changes {
                match change {
                    Change::Message { message } => messages.push(message),
                    other => {
                        self.apply_messages(std::mem::take(&mut messages)).await;
                        self.apply(other).await;
                    }
                }
            }
            self.apply_messages(messages).await;
            self.advance_cursor(cursor).await;
        }
        self.applying.set_value(false);
    }

    /// Saves the cursor if it moved forward.
    pub(crate) async fn advance_cursor(self, cursor: u64) {
        if self.cursor.get_value().is_some_and(|current| current >= cursor) {
            return;
        }
        self.cursor.set_value(Some(cursor));
        if let Some(store) = self.local() {
            let _ = store.set_cursor(cursor).await;
        }
    }

    async fn apply(self, change: Change) {
        match change {
            Change::Message { message } => self.apply_message(message).await,
            Change::Recalled { conversation_id, seq } => self.apply_recall(conversation_id, seq).await,
            Change::Conversation { summary } => self.apply_summary(summary).await,
            Change::Removed { conversation_id } => self.apply_removed(conversation_id).await,
            Change::Read { conversation_id, member_id, seq } => {
                if Some(member_id) == self.me() {
                    self.set_own_read(conversation_id, seq).await;
                } else {
                    self.details.update(|d| {
                        if let Some(p) = d
                            .get_mut(&conversation_id)
                            .and_then(|d| d.participants.iter_mut().find(|p| p.id == member_id))
                        {
                            p.read_seq = p.read_seq.max(seq);
                        }
                    });
                }
            }
            directory @ (Change::Member { .. }
            | Change::MemberRemoved { .. }
            | Change::Department { .. }
            | Change::DepartmentRemoved { .. }
            | Change::DirectoryReset) => self.apply_directory_change(directory).await,
            Change::Approval { request } => self.apply_approval_summary(request),
            Change::Unknown => {}
        }
    }

    /// The member no longer takes part: drop the conversation, its messages and queued writes.
    pub(crate) async fn apply_removed(self, conversation_id: ConversationId) {
        if let Some(store) = self.local() {
            let _ = store.remove_conversation(conversation_id).await;
        }
        self.conversations.update(|list| list.retain(|c| c.id != conversation_id));
        self.timelines.update(|t| {
            t.insert(conversation_id, crate::state::Timeline { missing: true, ..Default::default() });
        });
        let dropped: Vec<String> = self.outbox.with_untracked(|o| {
            o.iter().filter(|e| e.conversation_id == Some(conversation_id)).map(|e| e.client_id.clone()).collect()
        });
        for client_id in dropped {
            self.forget_entry(&client_id).await;
        }
    }

    /// A conversation's current summary replaces what the device had.
    pub(crate) async fn apply_summary(self, summary: ConversationSummary) {
        if let Some(store) = self.local() {
            let _ = store.put_conversation(&summary).await;
        }
        let id = summary.id;
        self.conversations.update(|list| {
            list.retain(|c| c.id != id);
            list.push(summary);
            sort_conversations(list);
        });
        if self.details.with_untracked(|d| d.contains_key(&id)) {
            self.refresh_detail(id);
        }
    }

    fn refresh_detail(self, id: ConversationId) {
        let Some(api) = self.api() else { return };
        spawn_local(async move {
            if let Ok(detail) = api.detail(id).await {
                self.details.update(|d| {
                    d.insert(id, detail);
                });
            }
        });
    }

    /// Records a message from the server (an own send or anyone's, live or replayed).
    pub(crate) async fn apply_message(self, message: Message) {
        self.apply_messages(vec![message]).await;
    }

    /// Records a batch of messages: one device-store transaction for the messages, one reactive
    /// update for the timelines and one for the list, whatever the batch size.
    pub(crate) async fn apply_messages(self, messages: Vec<Message>) {
        if messages.is_empty() {
            return;
        }
        if let Some(store) = self.local() {
            let _ = store.put_messages(&messages).await;
        }
        self.timelines.update(|t| {
            for message in &messages {
                if let Some(timeline) = t.get_mut(&message.conversation_id) {
                    timeline.merge(std::slice::from_ref(message));
                }
            }
        });
        // The server has them: whatever the outbox still holds for them is done.
        let settled: Vec<String> = self.outbox.with_untracked(|o| {
            o.iter()
                .filter(|e| messages.iter().any(|m| m.client_id.to_string() == e.client_id))
                .map(|e| e.client_id.clone())
                .collect()
        });
        for client_id in settled {
            self.forget_entry(&client_id).await;
        }
        let me = self.me();
        let mut updated: Vec<ConversationSummary> = Vec::new();
        let mut unknown: Vec<ConversationId> = Vec::new();
        self.conversations.update(|list| {
            for message in &messages {
                let Some(summary) = list.iter_mut().find(|c| c.id == message.conversation_id) else {
                    if !unknown.contains(&message.conversation_id) {
                        unknown.push(message.conversation_id);
                    }
                    continue;
                };
                if message.seq > summary.last_seq {
                    if Some(message.sender_id) != me && message.seq > summary.read_seq && !message.recalled {
                        summary.unread += 1;
                    }
                    if Some(message.sender_id) == me {
                        summary.read_seq = summary.read_seq.max(message.seq);
                        summary.unread = 0;
                    }
                    summary.last_seq = message.seq;
                    summary.updated_at = summary.updated_at.max(message.sent_at);
                }
                if message.seq >= summary.last_seq {
                    summary.last_message = Some(message.clone());
                }
                updated.retain(|u| u.id != summary.id);
                updated.push(summary.clone());
            }
            sort_conversations(list);
        });
        if let Some(store) = self.local() {
            for summary in &updated {
                let _ = store.put_conversation(summary).await;
            }
        }
        for id in unknown {
            self.fetch_summary(id).await;
        }
    }

    /// A conversation this device has not seen yet: fetch its summary.
    async fn fetch_summary(self, id: ConversationId) {
        let Some(api) = self.api() else { return };
        if let Ok(detail) = api.detail(id).await {
            self.apply_summary(detail.summary).await;
        }
    }

    async fn apply_recall(self, conversation: ConversationId, seq: u64) {
        let Some(store) = self.local() else { return };
        let Ok(Some(mut message)) = store.message(conversation, seq).await else {
            // Not on this device: a later fetch brings it already recalled.
            return;
        };
        if message.recalled {
            return;
        }
        message.recalled = true;
        message.text.clear();
        // Quotes of it lose the text too.
        let mut changed = vec![message.clone()];
        self.timelines.update(|t| {
            if let Some(timeline) = t.get_mut(&conversation) {
                timeline.merge(std::slice::from_ref(&message));
                for quoting in timeline.messages.iter_mut() {
                    if let Some(reply) = quoting.reply_to.as_mut().filter(|r| r.seq == seq && !r.recalled) {
                        reply.recalled = true;
                        reply.excerpt.clear();
                        changed.push(quoting.clone());
                    }
                }
            }
        });
        let _ = store.put_messages(&changed).await;
        let me = self.me();
        let mut updated = None;
        self.conversations.update(|list| {
            if let Some(summary) = list.iter_mut().find(|c| c.id == conversation) {
                if summary.last_message.as_ref().is_some_and(|m| m.seq == seq) {
                    summary.last_message = Some(message.clone());
                }
                if Some(message.sender_id) != me && seq > summary.read_seq {
                    summary.unread = summary.unread.saturating_sub(1);
                }
                updated = Some(summary.clone());
            }
        });
        if let Some(summary) = updated {
            let _ = store.put_conversation(&summary).await;
        }
    }

    async fn set_own_read(self, conversation: ConversationId, seq: u64) {
        let mut updated = None;
        self.conversations.update(|list| {
            if let Some(summary) = list.iter_mut().find(|c| c.id == conversation)
                && seq > summary.read_seq
            {
                summary.read_seq = seq;
                if seq >= summary.last_seq {
                    summary.unread = 0;
                }
                updated = Some(summary.clone());
            }
        });
        if let (Some(summary), Some(store)) = (updated, self.local()) {
            let _ = store.put_conversation(&summary).await;
        }
    }

    /// Queues a message; it shows at once as pending and is delivered when possible.
    pub fn send(self, id: ConversationId, outgoing: Outgoing, reply_to: Option<u64>) -> Result<(), TextError> {
        validate_text(&outgoing.text)?;
        let Outgoing { text, mentions, mention_all } = outgoing;
        let action = OutboxAction::Send { text, reply_to, mentions, mention_all, file: None };
        self.enqueue(OutboxEntry::new(Some(id), crate::platform::new_client_id(), action, self.next_order()));
        Ok(())
    }

    /// Queues a file: its bytes are kept on the device until uploaded, then the message is sent
    /// (upload first, then send: a retry never uploads twice or sends without the file).
    pub fn send_file(self, id: ConversationId, file: web_sys::File) -> Result<(), FileError> {
        let size = file.size() as u64;
        if size == 0 {
            return Err(FileError::Empty);
        }
        if size > MAX_ATTACHMENT_BYTES as u64 {
            return Err(FileError::TooLarge);
        }
        let client_id = crate::platform::new_client_id();
        let pending = PendingFile { file_name: sanitize_file_name(&file.name()), size, uploaded: None };
        let action = OutboxAction::Send {
            text: String::new(),
            reply_to: None,
            mentions: Vec::new(),
            mention_all: false,
            file: Some(pending),
        };
        let entry = OutboxEntry::new(Some(id), client_id, action, self.next_order());
        spawn_local(async move {
            if let Some(store) = self.local() {
                let _ = store.put_upload(&entry.client_id, &file).await;
            }
            self.enqueue(entry);
        });
        Ok(())
    }

    /// Queues recalling one of the member's own messages.
    pub fn recall(self, id: ConversationId, seq: u64) {
        self.enqueue(OutboxEntry::new(
            Some(id),
            crate::platform::new_client_id(),
            OutboxAction::Recall { seq },
            self.next_order(),
        ));
    }

    /// Marks everything in a conversation as read (at most one such entry per conversation waits).
    pub fn mark_read(self, id: ConversationId) {
        let Some((last, read)) =
            self.conversations.with_untracked(|l| l.iter().find(|c| c.id == id).map(|c| (c.last_seq, c.read_seq)))
        else {
            return;
        };
        if last <= read {
            return;
        }
        spawn_local(self.set_own_read(id, last));
        let mut entry = OutboxEntry::new(
            Some(id),
            crate::platform::new_client_id(),
            OutboxAction::Read { seq: last },
            self.next_order(),
        );
        entry.client_id = format!("read-{id}");
        self.enqueue(entry);
    }

    /// Mutes/unmutes or pins/unpins a conversation for this member (shown at once, saved
    /// through the outbox; one such entry per conversation waits at a time).
    pub fn set_prefs(self, id: ConversationId, muted: bool, pinned: bool) {
        let mut updated = None;
        self.conversations.update(|list| {
            if let Some(summary) = list.iter_mut().find(|c| c.id == id) {
                summary.muted = muted;
                summary.pinned = pinned;
                updated = Some(summary.clone());
            }
            sort_conversations(list);
        });
        if let (Some(summary), Some(store)) = (updated, self.local()) {
            spawn_local(async move {
                let _ = store.put_conversation(&summary).await;
            });
        }
        let mut entry = OutboxEntry::new(
            Some(id),
            crate::platform::new_client_id(),
            OutboxAction::Prefs { muted, pinned },
            self.next_order(),
        );
        entry.client_id = format!("prefs-{id}");
        self.enqueue(entry);
    }

    pub(crate) fn next_order(self) -> f64 {
        let counter = self.order_counter.try_update_value(|c| {
            *c = (*c + 1) % 1000;
            *c
        });
        crate::platform::now_millis() as f64 * 1000.0 + f64::from(counter.unwrap_or(0))
    }

    pub(crate) fn enqueue(self, entry: OutboxEntry) {
        self.outbox.update(|o| {
            o.retain(|e| e.client_id != entry.client_id);
            o.push(entry.clone());
        });
        spawn_local(async move {
            // Stored before the first attempt: a reload or crash from here on loses nothing.
            if let Some(store) = self.local() {
                let _ = store.put_outbox(&entry).await;
            }
            self.flush().await;
        });
    }

    /// Sends a refused entry again (same client id, so never twice).
    pub fn retry(self, client_id: String) {
        let entry = self.outbox.try_update(|o| {
            let entry = o.iter_mut().find(|e| e.client_id == client_id)?;
            entry.failed = None;
            entry.attempts = 0;
            Some(entry.clone())
        });
        if let Some(Some(entry)) = entry {
            spawn_local(async move {
                if let Some(store) = self.local() {
                    let _ = store.put_outbox(&entry).await;
                }
                self.flush().await;
            });
        }
    }

    /// Deletes a queued entry the member gave up on.
    pub fn discard(self, client_id: String) {
        spawn_local(async move { self.forget_entry(&client_id).await });
    }

    async fn forget_entry(self, client_id: &str) {
        self.outbox.update(|o| o.retain(|e| e.client_id != client_id));
        if let Some(store) = self.local() {
            let _ = store.delete_outbox(client_id).await;
        }
    }

    /// Delivers the outbox in order until it is empty, the server is out of reach, or the
    /// session ended. Only one delivery runs at a time.
    pub(crate) async fn flush(self) {
        if self.flushing.get_value() || self.local().is_none() {
            return;
        }
        self.flushing.set_value(true);
        while let Some(entry) = self.outbox.with_untracked(|o| next_deliverable(o).cloned()) {
            match self.deliver(&entry).await {
                Delivery::Done => {
                    self.forget_entry(&entry.client_id).await;
                    if let Some(store) = self.local() {
                        let _ = store.delete_upload(&entry.client_id).await;
                    }
                }
                Delivery::Retry => {
                    let mut waiting = entry.clone();
                    waiting.attempts += 1;
                    self.replace_entry(&waiting).await;
                    self.schedule_retry(backoff_ms(waiting.attempts));
                    break;
                }
                Delivery::Refused(reason) => {
                    let mut refused = entry.clone();
                    refused.failed = Some(reason);
                    self.replace_entry(&refused).await;
                }
                Delivery::SessionEnded => {
                    self.session_ended();
                    break;
                }
            }
        }
        self.flushing.set_value(false);
    }

    async fn replace_entry(self, entry: &OutboxEntry) {
        self.outbox.update(|o| {
            if let Some(slot) = o.iter_mut().find(|e| e.client_id == entry.client_id) {
                *slot = entry.clone();
            }
        });
        if let Some(store) = self.local() {
            let _ = store.put_outbox(entry).await;
        }
    }

    fn schedule_retry(self, delay_ms: u32) {
        let timer = gloo_timers::callback::Timeout::new(delay_ms, move || spawn_local(self.flush()));
        self.retry_timer.set_value(Some(timer));
    }

    /// Uploads an entry's file (same client id: a retried upload is the same file on the server)
    /// and records the result in the entry, so delivery continues with the message.
    async fn upload(self, entry: &OutboxEntry, file: &PendingFile) -> Result<(), ApiError> {
        let Some(api) = self.api() else { return Err(ApiError::Network) };
        let Some(store) = self.local() else { return Err(ApiError::Network) };
        let Ok(Some(blob)) = store.upload(&entry.client_id).await else {
            return Err(ApiError::Decode("the file is no longer on this device; delete and attach it again".into()));
        };
        let attachment = api.upload(&entry.client_id, &file.file_name, &blob).await?;
        let mut updated = entry.clone();
        if let OutboxAction::Send { file: Some(pending), .. } = &mut updated.action {
            pending.uploaded = Some(attachment);
        }
        self.replace_entry(&updated).await;
        Ok(())
    }

    async fn deliver(self, entry: &OutboxEntry) -> Delivery {
        let Some(api) = self.api() else {
            return Delivery::SessionEnded;
        };
        let result = match (entry.conversation_id, &entry.action) {
            (
                _,
                action @ (OutboxAction::SubmitApproval { .. }
                | OutboxAction::DecideApproval { .. }
                | OutboxAction::WithdrawApproval { .. }
                | OutboxAction::CommentApproval { .. }),
            ) => self.deliver_approval(&api, entry.client_id(), action).await,
            (Some(id), action) => self.deliver_chat(&api, id, entry, action).await,
            (None, _) => Ok(()),
        };
        match result {
            Ok(()) => Delivery::Done,
            Err(error) => {
                if error == ApiError::Network {
                    self.connection.set(Connection::Offline);
                }
                classify(&error)
            }
        }
    }

    async fn deliver_chat(
        self,
        api: &crate::api::Api,
        id: ConversationId,
        entry: &OutboxEntry,
        action: &OutboxAction,
    ) -> Result<(), ApiError> {
        match action {
            OutboxAction::Send { file: Some(file), .. } if file.uploaded.is_none() => {
                self.upload(entry, file).await?;
                // Again with the entry as updated by the upload, so the message names the file.
                let current =
                    self.outbox.with_untracked(|o| o.iter().find(|e| e.client_id == entry.client_id).cloned());
                match current {
                    Some(current) => Box::pin(self.deliver_chat(api, id, &current, &current.action)).await,
                    None => Ok(()),
                }
            }
            OutboxAction::Send { .. } => match entry.send_request() {
                Some(request) => match api.send(id, &request).await {
                    Ok(message) => {
                        self.apply_message(message).await;
                        Ok(())
                    }
                    Err(error) => Err(error),
                },
                None => Ok(()),
            },
            OutboxAction::Recall { seq } => api.recall(id, *seq).await,
            OutboxAction::Read { seq } => api.mark_read(id, *seq).await,
            OutboxAction::Prefs { muted, pinned } => api.set_prefs(id, *muted, *pinned).await,
            _ => Ok(()),
        }
    }
}
