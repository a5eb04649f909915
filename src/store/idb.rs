//! The IndexedDB [`Store`] (through `indexed_db_futures`): one database per member, schema from
//! [`super::migrations`], values written plain or sealed by the [`Cipher`].

use super::cipher::Cipher;
use super::migrations::{self, v1, v2, v3, v4, v5, v6};
use super::{DirectoryRows, Store, StoreError, message_matches, newest_first, sort_conversations, sort_outbox};
use super::{StoredApproval, merge_approval, sort_approvals};
use futures::future::try_join_all;
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::{Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use wasm_bindgen::{JsCast, JsValue};
use weft_protocol::approval::{ApprovalDetail, ApprovalSummary, Template};
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::directory::{Department, DirectoryMember};
use weft_protocol::{ApprovalId, ConversationId, DepartmentId, MemberId, TemplateId};
use weft_sync_core::OutboxEntry;

pub struct IdbStore {
    db: Database,
    /// `Some` when values are encrypted at rest.
    cipher: Option<Cipher>,
}

/// The property of a sealed row holding the nonce and ciphertext; the key path stays readable
/// (ids and sequence numbers only) so key ranges keep working.
const SEALED: &str = "sealed";
/// The property of a sealed upload holding the file's media type.
const MEDIA_TYPE: &str = "type";

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

/// The draft type of rows read or written as templates or requests: there is none, so their
/// (de)serialisation code carries no draft type.
#[derive(Serialize, Deserialize)]
enum NoDraft {}

/// An `approvals` row: its `"<kind>:<id>"` key ([`v6`]) and what it holds.
#[derive(Serialize, Deserialize)]
struct ApprovalRow<D = NoDraft> {
    key: String,
    value: ApprovalValue<D>,
}

/// `D` is a draft's type: the approval form's when it writes or reads one ([`NoDraft`] for rows
/// that are templates or requests, a JSON value when rows of every kind are sealed at once): the
/// store knows no form type.
#[derive(Serialize, Deserialize)]
enum ApprovalValue<D = NoDraft> {
    /// A template and its place in the member's list.
    Template {
        position: u32,
        template: Template,
    },
    Draft(D),
    Request(Box<StoredApproval>),
}

/// Every key starting with `prefix` (which ends in `:`; `;` is the character after it).
fn prefix_range(prefix: &str) -> Range<String> {
    prefix.to_owned()..format!("{};", prefix.trim_end_matches(':'))
}

/// `"<conversation>:<seq as 20 digits>"`: sorts by conversation, then sequence number.
fn message_key(conversation: ConversationId, seq: u64) -> String {
    format!("{conversation}:{seq:020}")
}

impl IdbStore {
    /// Opens (creating or upgrading) the named database; values are written plain.
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        let db = Database::open(name)
            .with_version(migrations::Version::CURRENT as u32)
            .with_on_upgrade_needed(|event, db| {
                let old = event.old_version() as u32;
                migrations::upgrade(&db, old)?;
                Ok(())
            })
            .await?;
        Ok(Self { db, cipher: None })
    }

    /// Opens the named database with values encrypted at rest. The database's key is created on
    /// first use and kept in it as a non-extractable `CryptoKey`; rows written plain before
    /// (by an earlier version of the app) are sealed once, then never again.
    pub async fn open_encrypted(name: &str) -> Result<Self, StoreError> {
        let mut store = Self::open(name).await?;
        let cipher = match store.stored_key().await? {
            Some(key) => Cipher::from_key(key),
            None => {
                let cipher = Cipher::generate().await?;
                store.keep_key(cipher.key()).await?;
                cipher
            }
        };
        store.cipher = Some(cipher);
        if store.meta(v4::SEALED_ALL).await?.is_none() {
            store.seal_plain_rows().await?;
            store.set_meta(v4::SEALED_ALL, 1).await?;
        }
        Ok(store)
    }

    /// Opens the named database with values encrypted under a fresh key that is never written
    /// anywhere (a shared-device session): when this tab goes, nothing in it can be read again.
    /// The database must be new (each shared session has its own).
    pub async fn open_encrypted_in_memory(name: &str) -> Result<Self, StoreError> {
        let mut store = Self::open(name).await?;
        store.cipher = Some(Cipher::generate().await?);
        store.set_meta(v4::SEALED_ALL, 1).await?;
        Ok(store)
    }

    /// Whether values are encrypted at rest.
    pub fn is_encrypted(&self) -> bool {
        self.cipher.is_some()
    }

    async fn stored_key(&self) -> Result<Option<web_sys::CryptoKey>, StoreError> {
        let tx = self.db.transaction(v4::KEYS).build()?;
        let value: Option<JsValue> = tx.object_store(v4::KEYS)?.get(v4::DEVICE_KEY).primitive()?.await?;
        Ok(value.and_then(|v| v.dyn_into().ok()))
    }

    async fn keep_key(&self, key: &web_sys::CryptoKey) -> Result<(), StoreError> {
        let tx = self.db.transaction(v4::KEYS).with_mode(TransactionMode::Readwrite).build()?;
        let value: JsValue = key.clone().into();
        tx.object_store(v4::KEYS)?.put(value).with_key(v4::DEVICE_KEY).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn meta(&self, name: &str) -> Result<Option<u64>, StoreError> {
        let tx = self.db.transaction(v2::META).build()?;
        let row: Option<MetaRow> = tx.object_store(v2::META)?.get(name).serde()?.await?;
        Ok(row.map(|r| r.value))
    }

    async fn set_meta(&self, name: &str, value: u64) -> Result<(), StoreError> {
        let tx = self.db.transaction(v2::META).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v2::META)?.put(MetaRow { name: name.into(), value }).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rewrites every plain row of the sensitive stores sealed. WebCrypto calls cannot run
    /// inside an IndexedDB transaction (it would commit while waiting), so each store is read,
    /// sealed in memory, then written back in a second transaction.
    async fn seal_plain_rows(&self) -> Result<(), StoreError> {
        self.reseal_store::<ConversationSummary>(v1::CONVERSATIONS, v1::CONVERSATIONS_KEY, |c| c.id.to_string())
            .await?;
        self.reseal_store::<MessageRow>(v1::MESSAGES, v1::MESSAGES_KEY, |row| row.key.clone()).await?;
        self.reseal_store::<OutboxEntry>(v2::OUTBOX, v2::OUTBOX_KEY, |entry| entry.client_id.clone()).await?;
        self.reseal_store::<Department>(v5::DEPARTMENTS, v5::KEY, |d| d.id.0.clone()).await?;
        self.reseal_store::<DirectoryMember>(v5::DIRECTORY_MEMBERS, v5::KEY, |m| m.id.to_string()).await?;
        self.reseal_store::<ApprovalRow<serde_json::Value>>(v6::APPROVALS, v6::KEY, |row| row.key.clone()).await?;
        let tx = self.db.transaction(v3::UPLOADS).build()?;
        let keys: Vec<String> =
            tx.object_store(v3::UPLOADS)?.get_all_keys::<String>().primitive()?.await?.collect::<Result<_, _>>()?;
        drop(tx);
        for key in keys {
            if let Some(file) = self.upload(&key).await? {
                self.put_upload(&key, &file).await?;
            }
        }
        Ok(())
    }

    async fn reseal_store<T: Serialize + DeserializeOwned>(
        &self,
        name: &str,
        key_path: &str,
        key_of: fn(&T) -> String,
    ) -> Result<(), StoreError> {
        let plain: Vec<JsValue> =
            self.raw_rows(name).await?.into_iter().filter(|row| sealed_bytes(row).is_none()).collect();
        let values: Vec<T> = self.decode_all(plain).await?;
        let sealed = try_join_all(values.iter().map(|value| self.encode(key_path, key_of(value), value))).await?;
        self.put_raw(name, sealed).await
    }

    async fn delete_key(&self, name: &str, key: String) -> Result<(), StoreError> {
        let tx = self.db.transaction(name).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(name)?.delete(key).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn raw_rows(&self, name: &str) -> Result<Vec<JsValue>, StoreError> {
        let tx = self.db.transaction(name).build()?;
        let rows = tx.object_store(name)?.get_all::<JsValue>().primitive()?.await?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    async fn raw_rows_in(&self, name: &str, range: Range<String>) -> Result<Vec<JsValue>, StoreError> {
        let tx = self.db.transaction(name).build()?;
        let rows = tx
            .object_store(name)?
            .get_all::<JsValue>()
            .with_query(range)
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    async fn put_raw(&self, name: &str, rows: Vec<JsValue>) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let tx = self.db.transaction(name).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(name)?;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows {
            requests.push(store.put(row).primitive()?);
        }
        tx.commit().await?;
        for request in requests {
            request.await?;
        }
        Ok(())
    }

    /// The row to write for `value`: its serde form in plain mode; sealed JSON beside the key
    /// when encrypted.
    async fn encode<T: Serialize>(&self, key_path: &str, key: String, value: &T) -> Result<JsValue, StoreError> {
        match self.cipher {
            None => value
                .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
                .map_err(|e| StoreError::Serialization(e.to_string())),
            Some(_) => {
                let json = serde_json::to_vec(value).map_err(|e| StoreError::Serialization(e.to_string()))?;
                self.seal_row(key_path, &key.into(), &json).await
            }
        }
    }

    async fn seal_row(&self, key_path: &str, key: &JsValue, json: &[u8]) -> Result<JsValue, StoreError> {
        let cipher = self.cipher.as_ref().ok_or_else(|| StoreError::Cipher("no key to seal with".into()))?;
        let sealed = cipher.seal(json).await?;
        let row = Object::new();
        Reflect::set(&row, &key_path.into(), key).map_err(js_error)?;
        Reflect::set(&row, &SEALED.into(), &Uint8Array::from(sealed.as_slice())).map_err(js_error)?;
        Ok(row.into())
    }

    /// Reads a row written by [`IdbStore::encode`] in either mode.
    async fn decode<T: DeserializeOwned>(&self, row: JsValue) -> Result<T, StoreError> {
        let Some(sealed) = sealed_bytes(&row) else {
            return serde_wasm_bindgen::from_value(row).map_err(|e| StoreError::Serialization(e.to_string()));
        };
        let cipher = self.cipher.as_ref().ok_or_else(|| StoreError::Cipher("the row is encrypted".into()))?;
        let json = cipher.open(&sealed).await?;
        serde_json::from_slice(&json).map_err(|e| StoreError::Serialization(e.to_string()))
    }

    async fn decode_all<T: DeserializeOwned>(&self, rows: Vec<JsValue>) -> Result<Vec<T>, StoreError> {
        try_join_all(rows.into_iter().map(|row| self.decode(row))).await
    }

    async fn encode_conversations(&self, list: &[ConversationSummary]) -> Result<Vec<JsValue>, StoreError> {
        try_join_all(list.iter().map(|c| self.encode(v1::CONVERSATIONS_KEY, c.id.to_string(), c))).await
    }

    async fn encode_messages(&self, messages: &[Message]) -> Result<Vec<JsValue>, StoreError> {
        try_join_all(messages.iter().map(|message| {
            let key = message_key(message.conversation_id, message.seq);
            async move {
                let row = MessageRow { key: key.clone(), message: message.clone() };
                self.encode(v1::MESSAGES_KEY, key, &row).await
            }
        }))
        .await
    }

    async fn encode_approval_row<D: Serialize>(&self, row: &ApprovalRow<D>) -> Result<JsValue, StoreError> {
        self.encode(v6::KEY, row.key.clone(), row).await
    }

    async fn approval_rows(&self, prefix: &str) -> Result<Vec<ApprovalRow>, StoreError> {
        self.decode_all(self.raw_rows_in(v6::APPROVALS, prefix_range(prefix)).await?).await
    }

    async fn approval_row<D: DeserializeOwned>(&self, key: String) -> Result<Option<ApprovalValue<D>>, StoreError> {
        let tx = self.db.transaction(v6::APPROVALS).build()?;
        let row: Option<JsValue> = tx.object_store(v6::APPROVALS)?.get(key).primitive()?.await?;
        drop(tx);
        match row {
            Some(row) => Ok(Some(self.decode::<ApprovalRow<D>>(row).await?.value)),
            None => Ok(None),
        }
    }

    async fn stored_approval(&self, id: ApprovalId) -> Result<Option<StoredApproval>, StoreError> {
        match self.approval_row::<NoDraft>(format!("{}{id}", v6::REQUEST_PREFIX)).await? {
            Some(ApprovalValue::Request(stored)) => Ok(Some(*stored)),
            _ => Ok(None),
        }
    }

    /// Merges `incoming` into the stored request (read, then written in a second transaction:
    /// sealing cannot happen inside one).
    async fn keep_approval(&self, incoming: StoredApproval) -> Result<(), StoreError> {
        let id = incoming.summary.id;
        let merged = merge_approval(self.stored_approval(id).await?, incoming);
        let row: ApprovalRow =
            ApprovalRow { key: format!("{}{id}", v6::REQUEST_PREFIX), value: ApprovalValue::Request(Box::new(merged)) };
        let row = self.encode_approval_row(&row).await?;
        self.put_raw(v6::APPROVALS, vec![row]).await
    }

    /// Deletes a member's database (sign-out wipes the device's copy).
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)?.await?;
        Ok(())
    }

    /// Closes this connection at once (also while other tasks still hold the store: their
    /// later calls fail), so deleting the database is never blocked by it.
    pub fn close(&self) {
        self.db.clone().close();
    }
}

impl Store for IdbStore {
    async fn replace_conversations(&self, list: &[ConversationSummary]) -> Result<(), StoreError> {
        let rows = self.encode_conversations(list).await?;
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
        for row in rows {
            conversations.put(row).primitive()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn put_conversation(&self, conversation: &ConversationSummary) -> Result<(), StoreError> {
        let rows = self.encode_conversations(std::slice::from_ref(conversation)).await?;
        self.put_raw(v1::CONVERSATIONS, rows).await
    }

    async fn conversations(&self) -> Result<Vec<ConversationSummary>, StoreError> {
        let mut list: Vec<ConversationSummary> = self.decode_all(self.raw_rows(v1::CONVERSATIONS).await?).await?;
        sort_conversations(&mut list);
        Ok(list)
    }

    async fn put_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        // Requests go out as they are built; waiting on each in turn would cost a round trip
        // through the event loop per message (`put_raw` issues them all, then commits).
        let rows = self.encode_messages(messages).await?;
        self.put_raw(v1::MESSAGES, rows).await
    }

    async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        let lower = message_key(conversation, 0);
        let upper = message_key(conversation, before.unwrap_or(u64::MAX));
        let mut rows = Vec::new();
        {
            let tx = self.db.transaction(v1::MESSAGES).build()?;
            let store = tx.object_store(v1::MESSAGES)?;
            let cursor =
                store.open_cursor().with_query(lower..upper).with_direction(CursorDirection::Prev).primitive()?.await?;
            if let Some(mut cursor) = cursor {
                while rows.len() < limit as usize {
                    match cursor.next_record::<JsValue>().await? {
                        Some(row) => rows.push(row),
                        None => break,
                    }
                }
            }
        }
        rows.reverse();
        let page: Vec<MessageRow> = self.decode_all(rows).await?;
        Ok(page.into_iter().map(|row| row.message).collect())
    }

    async fn message(&self, conversation: ConversationId, seq: u64) -> Result<Option<Message>, StoreError> {
        let tx = self.db.transaction(v1::MESSAGES).build()?;
        let row: Option<JsValue> =
            tx.object_store(v1::MESSAGES)?.get(message_key(conversation, seq)).primitive()?.await?;
        drop(tx);
        match row {
            Some(row) => Ok(Some(self.decode::<MessageRow>(row).await?.message)),
            None => Ok(None),
        }
    }

    async fn delete_message(&self, conversation: ConversationId, seq: u64) -> Result<(), StoreError> {
        self.delete_key(v1::MESSAGES, message_key(conversation, seq)).await
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
        self.meta(v2::CURSOR).await
    }

    async fn set_cursor(&self, cursor: u64) -> Result<(), StoreError> {
        self.set_meta(v2::CURSOR, cursor).await
    }

    async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut entries: Vec<OutboxEntry> = self.decode_all(self.raw_rows(v2::OUTBOX).await?).await?;
        sort_outbox(&mut entries);
        Ok(entries)
    }

    async fn put_outbox(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let row = self.encode(v2::OUTBOX_KEY, entry.client_id.clone(), entry).await?;
        self.put_raw(v2::OUTBOX, vec![row]).await
    }

    async fn delete_outbox(&self, client_id: &str) -> Result<(), StoreError> {
        self.delete_key(v2::OUTBOX, client_id.to_owned()).await
    }

    async fn search_messages(&self, query: &str, limit: usize) -> Result<Vec<Message>, StoreError> {
        let query = query.to_lowercase();
        let mut hits = Vec::new();
        if self.cipher.is_none() {
            let tx = self.db.transaction(v1::MESSAGES).build()?;
            let store = tx.object_store(v1::MESSAGES)?;
            if let Some(mut cursor) = store.open_cursor().await? {
                while let Some(row) = cursor.next_record_ser::<MessageRow>().await? {
                    if message_matches(&row.message, &query) {
                        hits.push(row.message);
                    }
                }
            }
        } else {
            // Sealed rows can only be matched after decrypting them, outside the transaction.
            let rows: Vec<MessageRow> = self.decode_all(self.raw_rows(v1::MESSAGES).await?).await?;
            hits.extend(rows.into_iter().map(|row| row.message).filter(|m| message_matches(m, &query)));
        }
        newest_first(&mut hits, limit);
        Ok(hits)
    }

    async fn put_upload(&self, key: &str, file: &web_sys::Blob) -> Result<(), StoreError> {
        let value: JsValue = match &self.cipher {
            None => file.clone().into(),
            Some(cipher) => {
                let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(js_error)?;
                let sealed = cipher.seal(&Uint8Array::new(&bytes).to_vec()).await?;
                let row = Object::new();
                Reflect::set(&row, &SEALED.into(), &Uint8Array::from(sealed.as_slice())).map_err(js_error)?;
                Reflect::set(&row, &MEDIA_TYPE.into(), &file.type_().into()).map_err(js_error)?;
                row.into()
            }
        };
        let tx = self.db.transaction(v3::UPLOADS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(v3::UPLOADS)?.put(value).with_key(key.to_owned()).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn upload(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        let tx = self.db.transaction(v3::UPLOADS).build()?;
        let value: Option<JsValue> = tx.object_store(v3::UPLOADS)?.get(key.to_owned()).primitive()?.await?;
        drop(tx);
        let Some(value) = value else { return Ok(None) };
        let Some(sealed) = sealed_bytes(&value) else {
            return Ok(value.dyn_into::<web_sys::Blob>().ok());
        };
        let cipher = self.cipher.as_ref().ok_or_else(|| StoreError::Cipher("the file is encrypted".into()))?;
        let bytes = cipher.open(&sealed).await?;
        let media_type = Reflect::get(&value, &MEDIA_TYPE.into()).ok().and_then(|t| t.as_string()).unwrap_or_default();
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&media_type);
        let parts = js_sys::Array::of1(&Uint8Array::from(bytes.as_slice()));
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map(Some).map_err(js_error)
    }

    async fn delete_upload(&self, key: &str) -> Result<(), StoreError> {
        self.delete_key(v3::UPLOADS, key.to_owned()).await
    }

    async fn replace_directory(
        &self,
        departments: &[Department],
        members: &[DirectoryMember],
    ) -> Result<(), StoreError> {
        let department_rows = try_join_all(departments.iter().map(|d| self.encode(v5::KEY, d.id.0.clone(), d))).await?;
        let member_rows = try_join_all(members.iter().map(|m| self.encode(v5::KEY, m.id.to_string(), m))).await?;
        let tx = self
            .db
            .transaction([v5::DEPARTMENTS, v5::DIRECTORY_MEMBERS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let department_store = tx.object_store(v5::DEPARTMENTS)?;
        let member_store = tx.object_store(v5::DIRECTORY_MEMBERS)?;
        department_store.clear()?.await?;
        member_store.clear()?.await?;
        let mut requests = Vec::with_capacity(department_rows.len() + member_rows.len());
        for row in department_rows {
            requests.push(department_store.put(row).primitive()?);
        }
        for row in member_rows {
            requests.push(member_store.put(row).primitive()?);
        }
        tx.commit().await?;
        for request in requests {
            request.await?;
        }
        Ok(())
    }

    async fn directory(&self) -> Result<DirectoryRows, StoreError> {
        let departments = self.decode_all(self.raw_rows(v5::DEPARTMENTS).await?).await?;
        let members = self.decode_all(self.raw_rows(v5::DIRECTORY_MEMBERS).await?).await?;
        Ok((departments, members))
    }

    async fn put_directory_member(&self, member: &DirectoryMember) -> Result<(), StoreError> {
        let row = self.encode(v5::KEY, member.id.to_string(), member).await?;
        self.put_raw(v5::DIRECTORY_MEMBERS, vec![row]).await
    }

    async fn delete_directory_member(&self, id: MemberId) -> Result<(), StoreError> {
        self.delete_key(v5::DIRECTORY_MEMBERS, id.to_string()).await
    }

    async fn put_department(&self, department: &Department) -> Result<(), StoreError> {
        let row = self.encode(v5::KEY, department.id.0.clone(), department).await?;
        self.put_raw(v5::DEPARTMENTS, vec![row]).await
    }

    async fn delete_department(&self, id: &DepartmentId) -> Result<(), StoreError> {
        self.delete_key(v5::DEPARTMENTS, id.0.clone()).await
    }

    async fn replace_templates(&self, templates: &[Template]) -> Result<(), StoreError> {
        let rows = try_join_all(templates.iter().zip(0u32..).map(|(template, position)| {
            let row: ApprovalRow = ApprovalRow {
                key: format!("{}{}", v6::TEMPLATE_PREFIX, template.id),
                value: ApprovalValue::Template { position, template: template.clone() },
            };
            async move { self.encode_approval_row(&row).await }
        }))
        .await?;
        let tx = self.db.transaction(v6::APPROVALS).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(v6::APPROVALS)?;
        store.delete(prefix_range(v6::TEMPLATE_PREFIX)).primitive()?.await?;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows {
            requests.push(store.put(row).primitive()?);
        }
        tx.commit().await?;
        for request in requests {
            request.await?;
        }
        Ok(())
    }

    async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        let mut placed: Vec<(u32, Template)> = self
            .approval_rows(v6::TEMPLATE_PREFIX)
            .await?
            .into_iter()
            .filter_map(|row| match row.value {
                ApprovalValue::Template { position, template } => Some((position, template)),
                _ => None,
            })
            .collect();
        placed.sort_by_key(|(position, _)| *position);
        Ok(placed.into_iter().map(|(_, template)| template).collect())
    }

    async fn put_draft<D: Serialize>(&self, template: TemplateId, draft: &D) -> Result<(), StoreError> {
        let row = ApprovalRow { key: format!("{}{template}", v6::DRAFT_PREFIX), value: ApprovalValue::Draft(draft) };
        let row = self.encode_approval_row(&row).await?;
        self.put_raw(v6::APPROVALS, vec![row]).await
    }

    async fn draft<D: DeserializeOwned>(&self, template: TemplateId) -> Result<Option<D>, StoreError> {
        match self.approval_row::<D>(format!("{}{template}", v6::DRAFT_PREFIX)).await? {
            Some(ApprovalValue::Draft(draft)) => Ok(Some(draft)),
            _ => Ok(None),
        }
    }

    async fn delete_draft(&self, template: TemplateId) -> Result<(), StoreError> {
        self.delete_key(v6::APPROVALS, format!("{}{template}", v6::DRAFT_PREFIX)).await
    }

    async fn put_approval(&self, detail: &ApprovalDetail) -> Result<(), StoreError> {
        self.keep_approval(StoredApproval { summary: detail.summary(), detail: Some(detail.clone()) }).await
    }

    async fn put_approval_summary(&self, summary: &ApprovalSummary) -> Result<(), StoreError> {
        self.keep_approval(StoredApproval { summary: summary.clone(), detail: None }).await
    }

    async fn approval(&self, id: ApprovalId) -> Result<Option<ApprovalDetail>, StoreError> {
        Ok(self.stored_approval(id).await?.and_then(|stored| stored.detail))
    }

    async fn approvals(&self) -> Result<Vec<StoredApproval>, StoreError> {
        let mut list: Vec<StoredApproval> = self
            .approval_rows(v6::REQUEST_PREFIX)
            .await?
            .into_iter()
            .filter_map(|row| match row.value {
                ApprovalValue::Request(stored) => Some(*stored),
                _ => None,
            })
            .collect();
        sort_approvals(&mut list);
        Ok(list)
    }
}

/// The nonce and ciphertext of a sealed row, or `None` for a plain one.
fn sealed_bytes(row: &JsValue) -> Option<Vec<u8>> {
    Reflect::get(row, &SEALED.into()).ok()?.dyn_into::<Uint8Array>().ok().map(|bytes| bytes.to_vec())
}

fn js_error(err: JsValue) -> StoreError {
    StoreError::Serialization(err.as_string().unwrap_or_else(|| format!("{err:?}")))
}
