//! Uploaded files in SQLite: their records (the bytes live in the blob folder) and who may fetch
//! them: the uploader, participants of any conversation where a message carries the file, and
//! whoever may read an approval request whose form carries it.

use super::{SqlStore, attachment_at};
use crate::domain::files::{self, FileUse};
use crate::store::sql::{Connection, OptionalExtension, Row, params};
use crate::store::{
    AttachmentStore, StoreError, StoreResult, StoredAttachment, StoredThumbnail, UNUSED_FILES_PER_PASS, UnusedFiles,
};
use weft_protocol::chat::Attachment;
use weft_protocol::{ApprovalId, AttachmentId, ClientId, MemberId, Millis};

/// The columns `attachment_at` reads (0..=7), then where the bytes are (8..=10).
const SELECT: &str = "SELECT file.id, file.file_name, file.content_type, file.size, file.width, file.height, \
     file.thumbnail_width, file.thumbnail_height, file.sha256, file.thumbnail_sha256, file.thumbnail_type \
     FROM attachments file";

fn stored_at(row: &Row<'_>) -> crate::store::sql::Result<Option<StoredAttachment>> {
    let Some(attachment) = attachment_at(row, 0)? else { return Ok(None) };
    let thumbnail_sha256: Option<String> = row.get(9)?;
    let thumbnail_type: Option<String> = row.get(10)?;
    let thumbnail = match (thumbnail_sha256, thumbnail_type) {
        (Some(sha256), Some(content_type)) if attachment.thumbnail.is_some() => {
            Some(StoredThumbnail { sha256, content_type })
        }
        _ => None,
    };
    // What clients are told must match what can be served.
    let attachment = Attachment { thumbnail: attachment.thumbnail.filter(|_| thumbnail.is_some()), ..attachment };
    Ok(Some(StoredAttachment { attachment, sha256: row.get(8)?, thumbnail }))
}

fn stored(
    conn: &Connection,
    sql: &str,
    params: impl crate::store::sql::Params,
) -> StoreResult<Option<StoredAttachment>> {
    Ok(conn.query_row(sql, params, stored_at).optional()?.flatten())
}

/// The files an approval request's form carries, as its readers are told of them.
pub(super) fn request_files(conn: &Connection, request: ApprovalId) -> StoreResult<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} JOIN approval_files link ON link.attachment_id = file.id WHERE link.request_id = ?1 \
         ORDER BY file.created_at, file.id"
    ))?;
    let rows = stmt.query_map([request.to_string()], stored_at)?;
    let mut files = Vec::new();
    for row in rows {
        files.extend(row?.map(|stored| stored.attachment));
    }
    Ok(files)
}

/// Deletes the file `id` unless a message or an approval request still carries it, adding to
/// `orphaned_blobs` the hashes (file and thumbnail) no file refers to any more.
pub(super) fn drop_if_unused(conn: &Connection, id: &str, orphaned_blobs: &mut Vec<String>) -> StoreResult<bool> {
    let still_used: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM messages WHERE attachment_id = ?1 UNION ALL \
             SELECT 1 FROM approval_files WHERE attachment_id = ?1 LIMIT 1",
            [id],
            |row| row.get(0),
        )
        .optional()?;
    if still_used.is_some() {
        return Ok(false);
    }
    let hashes: Option<(String, Option<String>)> = conn
        .query_row("SELECT sha256, thumbnail_sha256 FROM attachments WHERE id = ?1", [id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    conn.execute("DELETE FROM attachments WHERE id = ?1", [id])?;
    for hash in hashes.into_iter().flat_map(|(file, thumbnail)| std::iter::once(file).chain(thumbnail)) {
        let shared: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM attachments WHERE sha256 = ?1 OR thumbnail_sha256 = ?1 LIMIT 1",
                [hash.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if shared.is_none() && !orphaned_blobs.contains(&hash) {
            orphaned_blobs.push(hash);
        }
    }
    Ok(true)
}

/// Pixel counts as SQLite integers (u32 always fits).
fn to_sql_pixels(value: Option<u32>) -> Option<i64> {
    value.map(i64::from)
}

impl AttachmentStore for SqlStore {
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
        let thumbnail = file.thumbnail.as_ref().zip(a.thumbnail);
        conn.execute(
            "INSERT INTO attachments (id, owner_id, client_id, sha256, size, content_type, file_name, created_at, \
               width, height, thumbnail_sha256, thumbnail_type, thumbnail_width, thumbnail_height) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                a.id.to_string(),
                owner.to_string(),
                client_id.to_string(),
                file.sha256,
                i64::try_from(a.size).map_err(|_| StoreError::Invalid("file: too large".into()))?,
                a.content_type,
                a.file_name,
                now,
                to_sql_pixels(a.width),
                to_sql_pixels(a.height),
                thumbnail.map(|(stored, _)| stored.sha256.as_str()),
                thumbnail.map(|(stored, _)| stored.content_type.as_str()),
                to_sql_pixels(thumbnail.map(|(_, size)| size.width)),
                to_sql_pixels(thumbnail.map(|(_, size)| size.height)),
            ],
        )?;
        Ok(Attachment { thumbnail: thumbnail.map(|(_, size)| size), ..a.clone() })
    }

    fn attachment_for(&self, id: AttachmentId, viewer: MemberId) -> StoreResult<Option<StoredAttachment>> {
        let conn = self.read();
        let Some(found) = stored(&conn, &format!("{SELECT} WHERE file.id = ?1"), params![id.to_string()])? else {
            return Ok(None);
        };
        let owner: String =
            conn.query_row("SELECT owner_id FROM attachments WHERE id = ?1", [id.to_string()], |row| row.get(0))?;
        let owner = MemberId(owner.parse().map_err(|_| super::corrupt("attachment owner"))?);
        let in_viewers_conversation = owner != viewer
            && conn
                .query_row(
                    "SELECT 1 FROM messages msg JOIN participants p ON p.conversation_id = msg.conversation_id \
                     WHERE msg.attachment_id = ?1 AND p.member_id = ?2 LIMIT 1",
                    params![id.to_string(), viewer.to_string()],
                    |row| row.get::<_, i64>(0),
                )
                .optional()?
                .is_some();
        let in_readable_request =
            owner != viewer && !in_viewers_conversation && super::approvals::may_read_file(&conn, viewer, id)?;
        let file = FileUse { owner, in_viewers_conversation, in_readable_request };
        Ok(files::may_fetch(file, viewer).then_some(found))
    }

    fn uploaded_bytes(&self, owner: MemberId, except: ClientId) -> StoreResult<u64> {
        let total: i64 = self.read().query_row(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments WHERE owner_id = ?1 AND client_id <> ?2",
            params![owner.to_string(), except.to_string()],
            |row| row.get(0),
        )?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    fn collect_unused_files(&self, uploaded_before: Millis) -> StoreResult<UnusedFiles> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut stmt = tx.prepare_cached(
            "SELECT a.id FROM attachments a WHERE a.created_at < ?1 \
             AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id) \
             AND NOT EXISTS (SELECT 1 FROM approval_files f WHERE f.attachment_id = a.id) \
             ORDER BY a.created_at LIMIT ?2",
        )?;
        let ids: Vec<String> = stmt
            .query_map(params![uploaded_before, UNUSED_FILES_PER_PASS], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let mut unused = UnusedFiles::default();
        for id in &ids {
            if drop_if_unused(&tx, id, &mut unused.orphaned_blobs)? {
                unused.files += 1;
            }
        }
        tx.commit()?;
        Ok(unused)
    }

    fn attachment(&self, id: AttachmentId) -> StoreResult<Option<StoredAttachment>> {
        stored(&self.read(), &format!("{SELECT} WHERE file.id = ?1"), params![id.to_string()])
    }
}
