//! The change feed in SQLite: one `changes` table with a global, increasing position. A member's
//! feed is the changes of conversations they take part in now, plus changes addressed to them
//! (e.g. "you were removed"). Changes are rendered for the viewer when pulled, so a replayed
//! change always shows the current state (a recalled message stays recalled).

use super::conversations::summaries;
use super::{SqliteStore, message_by_seq, seq_at, to_sql_seq, uuid_at};
use crate::store::{ChangeFeed, StoreResult};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use weft_protocol::sync::{Change, ChangeEnvelope, PullResponse};
use weft_protocol::{ConversationId, MemberId, Millis};

/// What a stored change refers to; the rest is read when the change is pulled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum StoredChange {
    Message { seq: u64 },
    Recalled { seq: u64 },
    Conversation,
    Removed,
    Read { member_id: MemberId, seq: u64 },
}

/// Appends a change inside the caller's transaction; returns its position.
pub(super) fn record(
    conn: &Connection,
    conversation: ConversationId,
    target: Option<MemberId>,
    change: &StoredChange,
    now: Millis,
) -> StoreResult<u64> {
    let payload = serde_json::to_string(change).map_err(|err| super::corrupt(&err.to_string()))?;
    conn.execute(
        "INSERT INTO changes (conversation_id, target_member_id, kind, payload, created_at) VALUES (?1, ?2, 'v1', ?3, ?4)",
        params![conversation.to_string(), target.map(|t| t.to_string()), payload, now],
    )?;
    Ok(u64::try_from(conn.last_insert_rowid()).unwrap_or(0))
}

fn render(
    conn: &Connection,
    viewer: MemberId,
    conversation: ConversationId,
    stored: StoredChange,
) -> StoreResult<Option<Change>> {
    Ok(match stored {
        StoredChange::Message { seq } => {
            message_by_seq(conn, conversation, seq)?.map(|message| Change::Message { message })
        }
        StoredChange::Recalled { seq } => Some(Change::Recalled { conversation_id: conversation, seq }),
        StoredChange::Conversation => summaries(conn, viewer, Some(conversation))?
            .into_iter()
            .next()
            .map(|summary| Change::Conversation { summary }),
        StoredChange::Removed => Some(Change::Removed { conversation_id: conversation }),
        StoredChange::Read { member_id, seq } => Some(Change::Read { conversation_id: conversation, member_id, seq }),
    })
}

impl ChangeFeed for SqliteStore {
    fn pull(&self, member: MemberId, after: u64, limit: u32) -> StoreResult<PullResponse> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT c.position, c.conversation_id, c.payload FROM changes c \
             WHERE c.position > ?1 AND ( \
               c.target_member_id = ?2 OR (c.target_member_id IS NULL AND c.conversation_id IN \
                 (SELECT conversation_id FROM participants WHERE member_id = ?2))) \
             ORDER BY c.position LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![to_sql_seq(after), member.to_string(), i64::from(limit) + 1], |row| {
            Ok((seq_at(row, 0)?, ConversationId(uuid_at(row, 1)?), row.get::<_, String>(2)?))
        })?;
        let mut rows: Vec<(u64, ConversationId, String)> = rows.collect::<Result<_, _>>()?;
        drop(stmt);
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let cursor = rows.last().map_or(after, |(position, _, _)| *position);
        let mut changes = Vec::with_capacity(rows.len());
        for (position, conversation, payload) in rows {
            let stored: StoredChange =
                serde_json::from_str(&payload).map_err(|err| super::corrupt(&err.to_string()))?;
            if let Some(change) = render(&conn, member, conversation, stored)? {
                changes.push(ChangeEnvelope { position, change });
            }
        }
        Ok(PullResponse { changes, cursor, has_more })
    }

    fn current_position(&self) -> StoreResult<u64> {
        let position: Option<i64> = self.conn().query_row("SELECT MAX(position) FROM changes", [], |row| row.get(0))?;
        Ok(position.map_or(0, |p| u64::try_from(p).unwrap_or(0)))
    }
}
