//! An in-memory [`Store`]: the fallback when IndexedDB is unavailable, and the reference the
//! IndexedDB store is tested against.

use super::{DirectoryRows, StoredApproval, merge_approval, sort_approvals};
use super::{Store, StoreError, message_matches, newest_first, sort_conversations, sort_outbox};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use weft_protocol::approval::{ApprovalDetail, ApprovalSummary, Template};
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::directory::{Department, DirectoryMember};
use weft_protocol::{ApprovalId, ConversationId, DepartmentId, MemberId, TemplateId};
use weft_sync_core::OutboxEntry;

#[derive(Default)]
pub struct MemoryStore {
    conversations: RefCell<HashMap<ConversationId, ConversationSummary>>,
    messages: RefCell<HashMap<ConversationId, BTreeMap<u64, Message>>>,
    cursor: RefCell<Option<u64>>,
    outbox: RefCell<HashMap<String, OutboxEntry>>,
    uploads: RefCell<HashMap<String, web_sys::Blob>>,
    departments: RefCell<HashMap<DepartmentId, Department>>,
    directory_members: RefCell<HashMap<MemberId, DirectoryMember>>,
    templates: RefCell<Vec<Template>>,
    /// Drafts as JSON (the store knows no form type).
    drafts: RefCell<HashMap<TemplateId, Vec<u8>>>,
    approvals: RefCell<HashMap<ApprovalId, StoredApproval>>,
}

impl MemoryStore {
    fn keep_approval(&self, incoming: StoredApproval) {
        let mut approvals = self.approvals.borrow_mut();
        let id = incoming.summary.id;
        let merged = merge_approval(approvals.remove(&id), incoming);
        approvals.insert(id, merged);
    }
}

impl Store for MemoryStore {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        let mut conversations = self.conversations.borrow_mut();
        conversations.clear();
        conversations.extend(list.iter().map(|c| (c.id, c.clone())));
        self.messages.borrow_mut().retain(|id, _| conversations.contains_key(id));
        Ok(())
    }

    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        self.conversations.borrow_mut().insert(conversation.id, conversation.clone());
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
            stored.entry(message.conversation_id).or_default().insert(message.seq, message.clone());
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
        let mut page: Vec<Message> =
            messages.range(..before.unwrap_or(u64::MAX)).rev().take(limit as usize).map(|(_, m)| m.clone()).collect();
        page.reverse();
        Ok(page)
    }

    async fn message(&self, conversation: ConversationId, seq: u64) -> Result<Option<Message>, StoreError> {
        Ok(self.messages.borrow().get(&conversation).and_then(|m| m.get(&seq)).cloned())
    }

    async fn delete_message(&self, conversation: ConversationId, seq: u64) -> Result<(), StoreError> {
        if let Some(messages) = self.messages.borrow_mut().get_mut(&conversation) {
            messages.remove(&seq);
        }
        Ok(())
    }

    async fn remove_conversation(&self, conversation: ConversationId) -> Result<(), StoreError> {
        self.conversations.borrow_mut().remove(&conversation);
        self.messages.borrow_mut().remove(&conversation);
        Ok(())
    }

    async fn cursor(&self) -> Result<Option<u64>, StoreError> {
        Ok(*self.cursor.borrow())
    }

    async fn set_cursor(&self, cursor: u64) -> Result<(), StoreError> {
        *self.cursor.borrow_mut() = Some(cursor);
        Ok(())
    }

    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut entries: Vec<_> = self.outbox.borrow().values().cloned().collect();
        sort_outbox(&mut entries);
        Ok(entries)
    }

    async fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.outbox.borrow_mut().insert(entry.client_id.clone(), entry.clone());
        Ok(())
    }

    async fn delete_outbox(&self, client_id: &str) -> Result<(), StoreError> {
        self.outbox.borrow_mut().remove(client_id);
        Ok(())
    }

    async fn search_messages(&self, query: &str, limit: usize) -> Result<Vec<Message>, StoreError> {
        let query = query.to_lowercase();
        let mut hits: Vec<Message> = self
            .messages
            .borrow()
            .values()
            .flat_map(|m| m.values())
            .filter(|m| message_matches(m, &query))
            .cloned()
            .collect();
        newest_first(&mut hits, limit);
        Ok(hits)
    }

    async fn put_upload(&self, key: &str, file: &web_sys::Blob) -> Result<(), StoreError> {
        self.uploads.borrow_mut().insert(key.to_owned(), file.clone());
        Ok(())
    }

    async fn upload(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        Ok(self.uploads.borrow().get(key).cloned())
    }

    async fn delete_upload(&self, key: &str) -> Result<(), StoreError> {
        self.uploads.borrow_mut().remove(key);
        Ok(())
    }

    async fn replace_directory(
        &self,
        departments: &[Department],
        members: &[DirectoryMember],
    ) -> Result<(), StoreError> {
        *self.departments.borrow_mut() = departments.iter().map(|d| (d.id.clone(), d.clone())).collect();
        *self.directory_members.borrow_mut() = members.iter().map(|m| (m.id, m.clone())).collect();
        Ok(())
    }

    async fn directory(&self) -> Result<DirectoryRows, StoreError> {
        Ok((
            self.departments.borrow().values().cloned().collect(),
            self.directory_members.borrow().values().cloned().collect(),
        ))
    }

    async fn put_directory_member(&self, member: &DirectoryMember) -> Result<(), StoreError> {
        self.directory_members.borrow_mut().insert(member.id, member.clone());
        Ok(())
    }

    async fn delete_directory_member(&self, id: MemberId) -> Result<(), StoreError> {
        self.directory_members.borrow_mut().remove(&id);
        Ok(())
    }

    async fn put_department(&self, department: &Department) -> Result<(), StoreError> {
        self.departments.borrow_mut().insert(department.id.clone(), department.clone());
        Ok(())
    }

    async fn delete_department(&self, id: &DepartmentId) -> Result<(), StoreError> {
        self.departments.borrow_mut().remove(id);
        Ok(())
    }

    async fn replace_templates(&self, templates: &[Template]) -> Result<(), StoreError> {
        *self.templates.borrow_mut() = templates.to_vec();
        Ok(())
    }

    async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        Ok(self.templates.borrow().clone())
    }

    async fn put_draft<D: Serialize>(&self, template: TemplateId, draft: &D) -> Result<(), StoreError> {
        let draft = serde_json::to_vec(draft).map_err(|e| StoreError::Serialization(e.to_string()))?;
        self.drafts.borrow_mut().insert(template, draft);
        Ok(())
    }

    async fn draft<D: DeserializeOwned>(&self, template: TemplateId) -> Result<Option<D>, StoreError> {
        let kept = self.drafts.borrow().get(&template).cloned();
        kept.map(|json| serde_json::from_slice(&json)).transpose().map_err(|e| StoreError::Serialization(e.to_string()))
    }

    async fn delete_draft(&self, template: TemplateId) -> Result<(), StoreError> {
        self.drafts.borrow_mut().remove(&template);
        Ok(())
    }

    async fn put_approval(&self, detail: &ApprovalDetail) -> Result<(), StoreError> {
        self.keep_approval(StoredApproval { summary: detail.summary(), detail: Some(detail.clone()) });
        Ok(())
    }

    async fn put_approval_summary(&self, summary: &ApprovalSummary) -> Result<(), StoreError> {
        self.keep_approval(StoredApproval { summary: summary.clone(), detail: None });
        Ok(())
    }

    async fn approval(&self, id: ApprovalId) -> Result<Option<ApprovalDetail>, StoreError> {
        Ok(self.approvals.borrow().get(&id).and_then(|stored| stored.detail.clone()))
    }

    async fn approvals(&self) -> Result<Vec<StoredApproval>, StoreError> {
        let mut list: Vec<StoredApproval> = self.approvals.borrow().values().cloned().collect();
        sort_approvals(&mut list);
        Ok(list)
    }
}
