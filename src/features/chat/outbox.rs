//! Chat's writes through the outbox: sending a message or a file, recalling, marking read and
//! setting a conversation's mute and pin. Each is queued with a client id, shown at once
//! (pending, or applied to the list), and delivered in order by the outbox (`sync::outbox`),
//! which hands chat entries back here to be sent (a file's upload first, under the same client
//! id, then its message).

use crate::api::{Api, ApiError};
use crate::state::AppState;
use crate::store::Store;
use crate::sync::engine::ApplyFeed;
use crate::sync::outbox::DeliverOutbox;
use crate::sync::outbox::{OutboxAction, OutboxEntry, Outgoing, PendingFile};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ConversationId;
use weft_protocol::chat::{MAX_ATTACHMENT_BYTES, TextError, sanitize_file_name, validate_text};

/// Why a file cannot be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileError {
    Empty,
    TooLarge,
}

impl FileError {
    /// Why a file of `size` bytes cannot be sent, if so.
    pub fn of_size(size: u64) -> Option<Self> {
        match size {
            0 => Some(FileError::Empty),
            size if size > MAX_ATTACHMENT_BYTES as u64 => Some(FileError::TooLarge),
            _ => None,
        }
    }

    /// What the member is told.
    pub fn text(self) -> crate::i18n::Text {
        match self {
            FileError::Empty => crate::i18n::Text::FileEmpty,
            FileError::TooLarge => crate::i18n::Text::FileTooLarge,
        }
    }
}

impl AppState {
    /// Queues a message; it shows at once as pending and is delivered when possible.
    pub fn send(self, id: ConversationId, outgoing: Outgoing, reply_to: Option<u64>) -> Result<(), TextError> {
        validate_text(&outgoing.text)?;
        let action = outgoing.into_action(reply_to);
        self.enqueue(OutboxEntry::new(Some(id), crate::platform::new_client_id(), action, self.sync.next_order()));
        Ok(())
    }

    /// Queues a file: its bytes are kept on the device until uploaded, then the message is sent
    /// (upload first, then send: a retry never uploads twice or sends without the file).
    pub fn send_file(self, id: ConversationId, file_name: &str, file: web_sys::Blob) -> Result<(), FileError> {
        let entry = self.file_entry(id, file_name, &file)?;
        spawn_local(self.keep_and_queue(id, entry, file));
        Ok(())
    }

    /// [`Self::send_file`], finished once the file is kept on the device and queued (so its
    /// source can be let go).
    pub async fn queue_file(self, id: ConversationId, file_name: &str, file: web_sys::Blob) -> Result<(), FileError> {
        let entry = self.file_entry(id, file_name, &file)?;
        self.keep_and_queue(id, entry, file).await;
        Ok(())
    }

    fn file_entry(self, id: ConversationId, file_name: &str, file: &web_sys::Blob) -> Result<OutboxEntry, FileError> {
        let size = file.size() as u64;
        if let Some(problem) = FileError::of_size(size) {
            return Err(problem);
        }
        let pending = PendingFile { file_name: sanitize_file_name(file_name), size, uploaded: None };
        let action = OutboxAction::Send {
            text: String::new(),
            reply_to: None,
            mentions: Vec::new(),
            mention_all: false,
            file: Some(pending),
        };
        Ok(OutboxEntry::new(Some(id), crate::platform::new_client_id(), action, self.sync.next_order()))
    }

    async fn keep_and_queue(self, id: ConversationId, entry: OutboxEntry, file: web_sys::Blob) {
        if let Some(store) = self.sync.local() {
            self.sync.check_write("queued file", store.put_upload_for(Some(id), &entry.client_id, &file).await);
        }
        self.enqueue(entry);
    }

    /// Queues recalling one of the member's own messages.
    pub fn recall(self, id: ConversationId, seq: u64) {
        self.enqueue(OutboxEntry::new(
            Some(id),
            crate::platform::new_client_id(),
            OutboxAction::Recall { seq },
            self.sync.next_order(),
        ));
    }

    /// Marks everything in a conversation as read (at most one such entry per conversation waits).
    pub fn mark_read(self, id: ConversationId) {
        let Some(last) = self.sync.engine.with_value(|e| e.read_target(id)) else { return };
        spawn_local(self.own_read(id, last));
        let mut entry = OutboxEntry::new(
            Some(id),
            crate::platform::new_client_id(),
            OutboxAction::Read { seq: last },
            self.sync.next_order(),
        );
        entry.client_id = format!("read-{id}");
        self.enqueue(entry);
    }

    /// Mutes/unmutes or pins/unpins a conversation for this member (shown at once, saved
    /// through the outbox; one such entry per conversation waits at a time).
    pub fn set_prefs(self, id: ConversationId, muted: bool, pinned: bool) {
        let effects = self.sync.engine.try_update_value(|e| e.set_prefs(id, muted, pinned)).unwrap_or_default();
        spawn_local(self.perform(effects));
        let mut entry = OutboxEntry::new(
            Some(id),
            crate::platform::new_client_id(),
            OutboxAction::Prefs { muted, pinned },
            self.sync.next_order(),
        );
        entry.client_id = format!("prefs-{id}");
        self.enqueue(entry);
    }

    /// Uploads an entry's file (same client id: a retried upload is the same file on the server)
    /// and records the result in the entry, so delivery continues with the message. Returns the
    /// updated entry.
    async fn upload(self, api: &Api, entry: &OutboxEntry, file: &PendingFile) -> Result<OutboxEntry, ApiError> {
        let Some(store) = self.sync.local() else { return Err(ApiError::Network) };
        let Ok(Some(blob)) = store.upload(&entry.client_id).await else {
            return Err(ApiError::Decode("the file is no longer on this device; delete and attach it again".into()));
        };
        let attachment = api.upload(&entry.client_id, &file.file_name, &blob).await?;
        let mut updated = entry.clone();
        if let Some(Some(recorded)) =
            self.sync.outbox.try_update(|o| o.record_upload(&entry.client_id, attachment.clone()).cloned())
        {
            updated = recorded;
        } else if let OutboxAction::Send { file: Some(pending), .. } = &mut updated.action {
            pending.uploaded = Some(attachment);
        }
        self.save_entry(&updated).await;
        Ok(updated)
    }

    pub(crate) async fn deliver_chat(self, api: &Api, id: ConversationId, entry: &OutboxEntry) -> Result<(), ApiError> {
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
