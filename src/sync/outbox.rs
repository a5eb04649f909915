//! The outbox's I/O: every write the member makes is queued in [`Outbox`] (the delivery rules,
//! from `weft-sync-core`), stored on the device first with a client id, and delivered over HTTP
//! when the server can be reached. The server de-duplicates on the client id, so a retry after a
//! lost answer never applies twice. This module only stores, fetches and schedules; which entry
//! goes next and what an outcome does to the queue is decided by [`Outbox`].

pub use weft_sync_core::{Outbox, backoff_ms, next_deliverable};
pub use weft_sync_core::{OutboxAction, OutboxEntry, Outgoing, PendingFile};

use crate::api::{Api, ApiError};
use crate::features::chat::state::{ChatState, Connection};
use crate::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ConversationId;
use weft_protocol::ErrorCode;
use weft_protocol::chat::{MAX_ATTACHMENT_BYTES, TextError, sanitize_file_name, validate_text};

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

fn now() -> u64 {
    u64::try_from(crate::platform::now_millis()).unwrap_or(0)
}

impl ChatState {
    /// Queues a message; it shows at once as pending and is delivered when possible.
    pub fn send(self, id: ConversationId, outgoing: Outgoing, reply_to: Option<u64>) -> Result<(), TextError> {
        validate_text(&outgoing.text)?;
        let action = outgoing.into_action(reply_to);
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
                self.check_write("queued file", store.put_upload(&entry.client_id, &file).await);
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
        let Some(last) = self.engine.with_value(|e| e.read_target(id)) else { return };
        spawn_local(self.own_read(id, last));
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
        let effects = self.engine.try_update_value(|e| e.set_prefs(id, muted, pinned)).unwrap_or_default();
        spawn_local(self.perform(effects));
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
        self.outbox.update(|o| o.push(entry.clone()));
        spawn_local(async move {
            // Stored before the first attempt: a reload or crash from here on loses nothing.
            self.save_entry(&entry).await;
            self.flush().await;
        });
    }

    /// Sends a refused entry again (same client id, so never twice).
    pub fn retry(self, client_id: String) {
        if let Some(Some(entry)) = self.outbox.try_update(|o| o.retry(&client_id).cloned()) {
            spawn_local(async move {
                self.save_entry(&entry).await;
                self.flush().await;
            });
        }
    }

    /// Deletes a queued entry the member gave up on.
    pub fn discard(self, client_id: String) {
        self.outbox.update(|o| {
            o.delete(&client_id);
        });
        spawn_local(async move { self.forget_stored_entries(&[client_id]).await });
    }

    /// The entries are gone from the outbox: delete them and their files from the device.
    pub(crate) async fn forget_stored_entries(self, client_ids: &[String]) {
        let Some(store) = self.local() else { return };
        for client_id in client_ids {
            self.check_write("outbox entry", store.delete_outbox(client_id).await);
            self.check_write("queued file", store.delete_upload(client_id).await);
        }
    }

    async fn save_entry(self, entry: &OutboxEntry) {
        if let Some(store) = self.local() {
            self.check_write("outbox entry", store.put_outbox(entry).await);
        }
    }

    /// The server may be reachable again: stop waiting out the backoff and deliver.
    pub(crate) fn wake_outbox(self) {
        self.outbox.update_untracked(Outbox::wake);
        spawn_local(self.flush());
    }

    /// Delivers the outbox in order until it is empty, the server is out of reach (then a timer
    /// tries again after the backoff), or the session ended. Only one delivery runs at a time.
    pub(crate) async fn flush(self) {
        if self.local().is_none() {
            return;
        }
        while let Some(Some(entry)) = self.outbox.try_update_untracked(|o| o.next(now()).cloned()) {
            let client_id = entry.client_id.clone();
            match self.deliver(&entry).await {
                Delivery::Done => {
                    if self.outbox.try_update(|o| o.settle(&client_id)).is_none() {
                        return; // signed out meanwhile
                    }
                    self.forget_stored_entries(&[client_id]).await;
                }
                Delivery::Retry => {
                    if let Some(Some(waiting)) = self.outbox.try_update(|o| o.fail(&client_id, now()).cloned()) {
                        self.save_entry(&waiting).await;
                    }
                }
                Delivery::Refused(reason) => {
                    if let Some(Some(refused)) = self.outbox.try_update(|o| o.refuse(&client_id, reason).cloned()) {
                        self.save_entry(&refused).await;
                    }
                }
                Delivery::SessionEnded => {
                    self.session_ended();
                    return;
                }
            }
        }
        if let Some(Some(at)) = self.outbox.try_with_untracked(Outbox::retry_at) {
            self.schedule_retry(at.saturating_sub(now()));
        }
    }

    fn schedule_retry(self, delay_ms: u64) {
        let delay = u32::try_from(delay_ms).unwrap_or(u32::MAX);
        let timer = gloo_timers::callback::Timeout::new(delay, move || spawn_local(self.flush()));
        self.retry_timer.set_value(Some(timer));
    }

    /// Uploads an entry's file (same client id: a retried upload is the same file on the server)
    /// and records the result in the entry, so delivery continues with the message. Returns the
    /// updated entry.
    async fn upload(self, api: &Api, entry: &OutboxEntry, file: &PendingFile) -> Result<OutboxEntry, ApiError> {
        let Some(store) = self.local() else { return Err(ApiError::Network) };
        let Ok(Some(blob)) = store.upload(&entry.client_id).await else {
            return Err(ApiError::Decode("the file is no longer on this device; delete and attach it again".into()));
        };
        let attachment = api.upload(&entry.client_id, &file.file_name, &blob).await?;
        let mut updated = entry.clone();
        if let Some(Some(recorded)) =
            self.outbox.try_update(|o| o.record_upload(&entry.client_id, attachment.clone()).cloned())
        {
            updated = recorded;
        } else if let OutboxAction::Send { file: Some(pending), .. } = &mut updated.action {
            pending.uploaded = Some(attachment);
        }
        self.save_entry(&updated).await;
        Ok(updated)
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
            (Some(id), _) => self.deliver_chat(&api, id, entry).await,
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

    async fn deliver_chat(self, api: &Api, id: ConversationId, entry: &OutboxEntry) -> Result<(), ApiError> {
        let uploaded;
        let entry = match &entry.action {
            OutboxAction::Send { file: Some(file), .. } if file.uploaded.is_none() => {
                uploaded = self.upload(api, entry, file).await?;
                &uploaded
            }
            _ => entry,
        };
        match &entry.action {
            OutboxAction::Send { .. } => match entry.send_request() {
                Some(request) => {
                    let message = api.send(id, &request).await?;
                    self.apply_messages(vec![message]).await;
                    Ok(())
                }
                None => Ok(()),
            },
            OutboxAction::Recall { seq } => api.recall(id, *seq).await,
            OutboxAction::Read { seq } => api.mark_read(id, *seq).await,
            OutboxAction::Prefs { muted, pinned } => api.set_prefs(id, *muted, *pinned).await,
            _ => Ok(()),
        }
    }
}
