//! "Keep no offline copy of confidential chats": [`NoCopy`] wraps the device store and keeps
//! out of it everything of a conversation whose `confidential.offline_copy` is false — its
//! messages, its outbox entries and queued files (kept in memory instead), and the last-message
//! preview of its stored summary. It learns which conversations these are from the summaries
//! that pass through it, and when one becomes such, deletes what was kept of it. The workspace's
//! offline-copy policy may bar the whole device (a shared device, or every device): then every
//! conversation is kept out the same way, and what the device kept before goes.

use super::{DirectoryRows, Store, StoreError, StoredApproval};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use weft_protocol::approval::{ApprovalDetail, ApprovalSummary, Template};
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::directory::{Department, DirectoryMember};
use weft_protocol::{ApprovalId, ConversationId, DepartmentId, MemberId, TemplateId};
use weft_sync_core::OutboxEntry;

/// Whether a conversation's content may be kept on the device.
pub fn keeps_offline_copy(summary: &ConversationSummary) -> bool {
    summary.confidential.is_none_or(|c| c.offline_copy)
}

/// A device store that keeps nothing of no-offline-copy conversations.
pub struct NoCopy<S> {
    inner: S,
    /// The workspace's policy lets this device keep no chats at all.
    device_barred: Cell<bool>,
    barred: RefCell<HashSet<ConversationId>>,
    /// Outbox entries and files of barred conversations, kept only in memory.
    entries: RefCell<HashMap<String, OutboxEntry>>,
    files: RefCell<HashMap<String, web_sys::Blob>>,
}

impl<S> std::ops::Deref for NoCopy<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.inner
    }
}

impl<S: Store> NoCopy<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            device_barred: Cell::new(false),
            barred: RefCell::default(),
            entries: RefCell::default(),
            files: RefCell::default(),
        }
    }

    pub fn is_barred(&self, conversation: ConversationId) -> bool {
        self.device_barred.get() || self.barred.borrow().contains(&conversation)
    }

    /// Follows the workspace's offline-copy policy for this device. Barring it deletes what it
    /// kept of every conversation (the summaries stay, without their last message); lifting
    /// the bar keeps what arrives from then on.
    pub async fn set_device_barred(&self, barred: bool) -> Result<(), StoreError> {
        if self.device_barred.replace(barred) == barred || !barred {
            return Ok(());
        }
        for summary in self.inner.conversations().await? {
            self.purge(&summary).await?;
            self.inner.put_conversation(&self.storable(&summary)).await?;
        }
        Ok(())
    }

    /// Learns from a summary; returns true when it newly bars its conversation.
    fn learn(&self, summary: &ConversationSummary) -> bool {
        let mut barred = self.barred.borrow_mut();
        if keeps_offline_copy(summary) {
            barred.remove(&summary.id);
            false
        } else {
            barred.insert(summary.id)
        }
    }

    /// What of a summary may be stored.
    fn storable(&self, summary: &ConversationSummary) -> ConversationSummary {
        let mut kept = summary.clone();
        if self.is_barred(summary.id) {
            kept.last_message = None;
        }
        kept
    }

    /// A conversation just became barred: what the device kept of it goes.
    async fn purge(&self, summary: &ConversationSummary) -> Result<(), StoreError> {
        self.inner.remove_conversation(summary.id).await?;
        for entry in self.inner.outbox().await? {
            if entry.conversation_id == Some(summary.id) {
                self.inner.delete_outbox(&entry.client_id).await?;
                if let Ok(Some(file)) = self.inner.upload(&entry.client_id).await {
                    self.files.borrow_mut().insert(entry.client_id.clone(), file);
                    self.inner.delete_upload(&entry.client_id).await?;
                }
                self.entries.borrow_mut().insert(entry.client_id.clone(), entry);
            }
        }
        Ok(())
    }

    /// Keeps a queued file: in memory for a barred conversation, else on the device.
    pub async fn put_upload_for(
        &self,
        conversation: Option<ConversationId>,
        key: &str,
        file: &web_sys::Blob,
    ) -> Result<(), StoreError> {
        if conversation.is_some_and(|c| self.is_barred(c)) {
            self.files.borrow_mut().insert(key.to_owned(), file.clone());
            Ok(())
        } else {
            self.inner.put_upload(key, file).await
        }
    }
}

impl<S: Store> Store for NoCopy<S> {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        let newly: Vec<&ConversationSummary> = list.iter().filter(|s| self.learn(s)).collect();
        for summary in newly {
            self.purge(summary).await?;
        }
        let kept: Vec<ConversationSummary> = list.iter().map(|s| self.storable(s)).collect();
        self.inner.replace_conversations(&kept).await
    }
    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        if self.learn(conversation) {
            self.purge(conversation).await?;
        }
        self.inner.put_conversation(&self.storable(conversation)).await
    }
    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        let list = self.inner.conversations().await?;
        for summary in &list {
            self.learn(summary);
        }
        Ok(list)
    }
    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        let kept: Vec<Message> = messages.iter().filter(|m| !self.is_barred(m.conversation_id)).cloned().collect();
        if kept.is_empty() { Ok(()) } else { self.inner.put_messages(&kept).await }
    }
    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner.messages(conversation, before, limit).await
    }
    async fn message(&self, conversation: ConversationId, seq: u64) -> Result<Option<Message>, StoreError> {
        self.inner.message(conversation, seq).await
    }
    async fn delete_message(&self, conversation: ConversationId, seq: u64) -> Result<(), StoreError> {
        self.inner.delete_message(conversation, seq).await
    }
    async fn remove_conversation(&self, conversation: ConversationId) -> Result<(), StoreError> {
        self.entries.borrow_mut().retain(|_, e| e.conversation_id != Some(conversation));
        self.inner.remove_conversation(conversation).await
    }
    async fn cursor(&self) -> Result<Option<u64>, StoreError> {
        self.inner.cursor().await
    }
    async fn set_cursor(&self, cursor: u64) -> Result<(), StoreError> {
        self.inner.set_cursor(cursor).await
    }
    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut all = self.inner.outbox().await?;
        all.extend(self.entries.borrow().values().cloned());
        super::sort_outbox(&mut all);
        Ok(all)
    }
    async fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        if entry.conversation_id.is_some_and(|c| self.is_barred(c)) {
            self.entries.borrow_mut().insert(entry.client_id.clone(), entry.clone());
            Ok(())
        } else {
            self.inner.put_outbox(entry).await
        }
    }
    async fn delete_outbox(&self, client_id: &str) -> Result<(), StoreError> {
        self.entries.borrow_mut().remove(client_id);
        self.inner.delete_outbox(client_id).await
    }
    async fn search_messages(&self, query: &str, limit: usize) -> Result<Vec<Message>, StoreError> {
        self.inner.search_messages(query, limit).await
    }
    async fn put_upload(&self, key: &str, file: &web_sys::Blob) -> Result<(), StoreError> {
        self.inner.put_upload(key, file).await
    }
    async fn upload(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        if let Some(file) = self.files.borrow().get(key) {
            return Ok(Some(file.clone()));
        }
        self.inner.upload(key).await
    }
    async fn delete_upload(&self, key: &str) -> Result<(), StoreError> {
        self.files.borrow_mut().remove(key);
        self.inner.delete_upload(key).await
    }
    async fn replace_directory(
        &self,
        departments: &[Department],
        members: &[DirectoryMember],
    ) -> Result<(), StoreError> {
        self.inner.replace_directory(departments, members).await
    }
    async fn directory(&self) -> Result<DirectoryRows, StoreError> {
        self.inner.directory().await
    }
    async fn put_directory_member(&self, member: &DirectoryMember) -> Result<(), StoreError> {
        self.inner.put_directory_member(member).await
    }
    async fn delete_directory_member(&self, id: MemberId) -> Result<(), StoreError> {
        self.inner.delete_directory_member(id).await
    }
    async fn put_department(&self, department: &Department) -> Result<(), StoreError> {
        self.inner.put_department(department).await
    }
    async fn delete_department(&self, id: &DepartmentId) -> Result<(), StoreError> {
        self.inner.delete_department(id).await
    }
    async fn replace_templates(&self, templates: &[Template]) -> Result<(), StoreError> {
        self.inner.replace_templates(templates).await
    }
    async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        self.inner.templates().await
    }
    async fn put_draft<D: Serialize>(&self, template: TemplateId, draft: &D) -> Result<(), StoreError> {
        self.inner.put_draft(template, draft).await
    }
    async fn draft<D: DeserializeOwned>(&self, template: TemplateId) -> Result<Option<D>, StoreError> {
        self.inner.draft(template).await
    }
    async fn delete_draft(&self, template: TemplateId) -> Result<(), StoreError> {
        self.inner.delete_draft(template).await
    }
    async fn put_approval(&self, detail: &ApprovalDetail) -> Result<(), StoreError> {
        self.inner.put_approval(detail).await
    }
    async fn put_approval_summary(&self, summary: &ApprovalSummary) -> Result<(), StoreError> {
        self.inner.put_approval_summary(summary).await
    }
    async fn approval(&self, id: ApprovalId) -> Result<Option<ApprovalDetail>, StoreError> {
        self.inner.approval(id).await
    }
    async fn approvals(&self) -> Result<Vec<StoredApproval>, StoreError> {
        self.inner.approvals().await
    }
}
