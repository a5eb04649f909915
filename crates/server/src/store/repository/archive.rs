//! Compliance archives in SQL: candidates by title, the covered conversations with their
//! participants, their messages in a time range, and the signing key in `workspace_settings`.

use super::conversations::kind_from;
use super::{SqlStore, uuid_at};
use crate::store::sql::{Connection, OptionalExtension, params};
use crate::store::{ArchiveStore, StoreError, StoreResult, StoredArchiveMessage};
use std::collections::BTreeSet;
use weft_protocol::archive::{ArchiveCandidate, ArchivedConversation, ArchivedFile, ArchivedMessage, ArchivedPerson};
use weft_protocol::chat::ConversationKind;
use weft_protocol::{ConversationId, MemberId, Millis};

const SIGNING_KEY: &str = "archive_signing_key";

/// Participants, longest-standing first.
fn participants(conn: &Connection, conversation: &str) -> StoreResult<Vec<ArchivedPerson>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.id, m.userid, m.name FROM participants p JOIN members m ON m.id = p.member_id \
             WHERE p.conversation_id = ?1 ORDER BY p.joined_at, m.userid",
        )?
        .query_map([conversation], |row| {
            Ok(ArchivedPerson { id: MemberId(uuid_at(row, 0)?), userid: row.get(1)?, name: row.get(2)? })
        })?
        .collect::<Result<_, _>>()?)
}

/// A direct chat is titled by its two names; other conversations by their name.
fn title(kind: ConversationKind, name: String, people: &[ArchivedPerson]) -> String {
    if kind == ConversationKind::Direct {
        people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" · ")
    } else {
        name
    }
}

impl ArchiveStore for SqlStore {
    fn archive_candidates(&self, query: &str, limit: u32) -> StoreResult<Vec<ArchiveCandidate>> {
        let conn = self.read();
        // A conversation matches by its name, or by a participant's name or userid (a direct
        // chat's title is its people's names); the database filters and limits.
        let needle = query.trim().to_lowercase();
        let pattern = format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows: Vec<(String, String, String, bool)> = conn
            .prepare_cached(
                "SELECT c.id, c.kind, c.name, c.confidential_since IS NOT NULL FROM conversations c \
                 WHERE ?1 = '' OR lower(c.name) LIKE ?2 ESCAPE '\\' OR EXISTS (\
                     SELECT 1 FROM participants p JOIN members m ON m.id = p.member_id \
                     WHERE p.conversation_id = c.id \
                       AND (lower(m.name) LIKE ?2 ESCAPE '\\' OR lower(m.userid) LIKE ?2 ESCAPE '\\')) \
                 ORDER BY c.updated_at DESC, c.id LIMIT ?3",
            )?
            .query_map(params![needle, pattern, i64::from(limit)], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut found = Vec::with_capacity(rows.len());
        for (id, kind, name, confidential) in rows {
            let kind = kind_from(&kind);
            let people = participants(&conn, &id)?;
            let title = title(kind, name, &people);
            let participants = u32::try_from(people.len()).unwrap_or(u32::MAX);
            let id = id.parse().map_err(|_| super::corrupt("a conversation id"))?;
            found.push(ArchiveCandidate { id, kind, title, participants, confidential });
        }
        Ok(found)
    }

    fn archive_conversations(
        &self,
        conversations: &[ConversationId],
        members: &[MemberId],
    ) -> StoreResult<Vec<ArchivedConversation>> {
        let conn = self.read();
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for conversation in conversations {
            ids.insert(conversation.to_string());
        }
        for member in members {
            let exists: Option<i64> = conn
                .query_row("SELECT 1 FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))
                .optional()?;
            if exists.is_none() {
                return Err(StoreError::NotFound("member"));
            }
            let theirs: Vec<String> = conn
                .prepare_cached("SELECT conversation_id FROM participants WHERE member_id = ?1")?
                .query_map([member.to_string()], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            ids.extend(theirs);
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let found: Option<(String, String, bool)> = conn
                .query_row(
                    "SELECT kind, name, confidential_since IS NOT NULL FROM conversations WHERE id = ?1",
                    [&id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            let Some((kind, name, confidential)) = found else { return Err(StoreError::NotFound("conversation")) };
            let kind = kind_from(&kind);
            let people = participants(&conn, &id)?;
            out.push(ArchivedConversation {
                id: id.parse().map_err(|_| super::corrupt("a conversation id"))?,
                kind,
                title: title(kind, name, &people),
                confidential,
                participants: people,
            });
        }
        Ok(out)
    }

    fn archive_messages(
        &self,
        conversation: ConversationId,
        since: Millis,
        until: Millis,
    ) -> StoreResult<Vec<StoredArchiveMessage>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT msg.seq, m.id, m.userid, m.name, msg.sent_at, msg.body, msg.recalled_at, msg.from_bot, \
               a.file_name, a.content_type, a.size, a.sha256 \
             FROM messages msg JOIN members m ON m.id = msg.sender_id \
             LEFT JOIN attachments a ON a.id = msg.attachment_id \
             WHERE msg.conversation_id = ?1 AND msg.sent_at >= ?2 AND msg.sent_at < ?3 ORDER BY msg.seq",
        )?;
        let rows = stmt.query_map(params![conversation.to_string(), since, until], |row| {
            let sha256: Option<String> = row.get(11)?;
            let file = match &sha256 {
                Some(sha256) => Some(ArchivedFile {
                    name: row.get(8)?,
                    content_type: row.get(9)?,
                    bytes: u64::try_from(row.get::<_, i64>(10)?).unwrap_or(0),
                    path: format!("files/{sha256}"),
                }),
                None => None,
            };
            Ok((
                ArchivedMessage {
                    conversation_id: conversation,
                    seq: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
                    sender: ArchivedPerson { id: MemberId(uuid_at(row, 1)?), userid: row.get(2)?, name: row.get(3)? },
                    sent_at: row.get(4)?,
                    text: row.get(5)?,
                    recalled_at: row.get(6)?,
                    from_bot: row.get::<_, i64>(7)? != 0,
                    confidential: false,
                    file,
                },
                sha256,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn archive_signing_key(&self, make: &dyn Fn() -> String, now: Millis) -> StoreResult<String> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO workspace_settings (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING",
            params![SIGNING_KEY, make(), now],
        )?;
        Ok(conn.query_row("SELECT value FROM workspace_settings WHERE key = ?1", [SIGNING_KEY], |row| row.get(0))?)
    }
}
