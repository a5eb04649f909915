//! Uploaded files in SQLite: their records (the bytes live in the blob folder) and who may fetch
//! them: the uploader, and participants of any conversation where a message carries the file.

use super::{SqliteStore, attachment_at};
use crate::store::{AttachmentStore, StoreError, StoreResult, StoredAttachment};
use rusqlite::{Connection, OptionalExtension, params};
use weft_protocol::chat::Attachment;
use weft_protocol::{AttachmentId, ClientId, MemberId, Millis};

const SELECT: &str = "SELECT file.id, file.file_name, file.content_type, file.size, file.sha256 FROM attachments file";

fn stored(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<Option<StoredAttachment>> {
    let found =
        conn.query_row(sql, params, |row| {
            Ok(attachment_at(row, 0)?.map(|attachment| (attachment, row.get::<_, String>(4))))
        })
        .optional()?
        .flatten();
    match found {
        Some((attachment, sha256)) => Ok(Some(StoredAttachment { attachment, sha256: sha256? })),
        None => Ok(None),
    }
}

impl AttachmentStore for SqliteStore {
    fn create_attachment(
        &self,
        owner: MemberId,
        client_id: ClientId,
        file: &StoredAttachment,
        now: Millis,
    ) -> StoreResult<Attachment> {
        let conn = self.conn();
        let existing = stored(
            &conn,
            &format!("{SELECT} WHERE file.owner_id = ?1 AND file.client_id = ?2"),
            params![owner.to_string(), client_id.to_string()],
        )?;
        if let Some(existing) = existing {
            return Ok(existing.attachment);
        }
        let a = &file.attachment;
        conn.execute(
            "INSERT INTO attachments (id, owner_id, client_id, sha256, size, content_type, file_name, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.id.to_string(),
                owner.to_string(),
                client_id.to_string(),
                file.sha256,
                i64::try_from(a.size).map_err(|_| StoreError::Invalid("file: too large".into()))?,
                a.content_type,
                a.file_name,
                now
            ],
        )?;
        Ok(a.clone())
    }

    fn attachment_for(&self, id: AttachmentId, viewer: MemberId) -> StoreResult<Option<StoredAttachment>> {
        let sql = format!(
            "{SELECT} WHERE file.id = ?1 AND (file.owner_id = ?2 OR EXISTS ( \
               SELECT 1 FROM messages msg JOIN participants p ON p.conversation_id = msg.conversation_id \
               WHERE msg.attachment_id = file.id AND p.member_id = ?2))"
        );
        stored(&self.conn(), &sql, params![id.to_string(), viewer.to_string()])
    }

    fn attachment(&self, id: AttachmentId) -> StoreResult<Option<StoredAttachment>> {
        stored(&self.conn(), &format!("{SELECT} WHERE file.id = ?1"), params![id.to_string()])
    }
}
