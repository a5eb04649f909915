//! The embedded SQLite implementation of [`Store`]: one file in the data folder, WAL mode.

use super::{
    ActiveSession, Credentials, MemberStatus, NewMember, Store, StoreError, StoreResult,
    StoredMessage, migrations,
};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;
use weft_protocol::auth::{MemberProfile, Role, SessionInfo};
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message, MessagePage};
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId, Millis, SessionId};

/// SQLite-backed store. One connection behind a mutex: SQLite serialises writers anyway, and
/// the workloads of one node are small enough that readers waiting briefly is fine.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::with_connection(conn)
    }

    /// A private database in memory, for tests.
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(mut conn: Connection) -> StoreResult<Self> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is safe to keep using.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn uuid_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Uuid> {
    let text: String = row.get(index)?;
    Uuid::from_str(&text).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(err))
    })
}

fn seq_at(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    Ok(u64::try_from(value).unwrap_or(0))
}

const MESSAGE_COLUMNS: &str = "msg.id, msg.conversation_id, msg.seq, msg.sender_id, sender.name, \
     msg.client_id, msg.body, msg.sent_at";

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: MessageId(uuid_at(row, 0)?),
        conversation_id: ConversationId(uuid_at(row, 1)?),
        seq: seq_at(row, 2)?,
        sender_id: MemberId(uuid_at(row, 3)?),
        sender_name: row.get(4)?,
        client_id: ClientId(uuid_at(row, 5)?),
        text: row.get(6)?,
        sent_at: row.get(7)?,
    })
}

fn role_from(text: &str) -> Role {
    if text == "admin" {
        Role::Admin
    } else {
        Role::Member
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Member => "member",
    }
}

fn kind_name(kind: ConversationKind) -> &'static str {
    match kind {
        ConversationKind::Direct => "direct",
        ConversationKind::Group => "group",
    }
}

fn message_by_seq(
    conn: &Connection,
    conversation: ConversationId,
    seq: u64,
) -> StoreResult<Option<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages msg JOIN members sender ON sender.id = msg.sender_id \
         WHERE msg.conversation_id = ?1 AND msg.seq = ?2"
    );
    Ok(conn
        .query_row(
            &sql,
            params![conversation.to_string(), seq as i64],
            message_from_row,
        )
        .optional()?)
}

fn unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation
    )
}

impl Store for SqliteStore {
    fn is_empty(&self) -> StoreResult<bool> {
        let count: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM members", [], |row| row.get(0))?;
        Ok(count == 0)
    }

    fn insert_department(
        &self,
        id: &str,
        name: &str,
        parent: Option<&str>,
        order: i64,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO departments (id, name, parent_id, sort_order) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, parent, order],
        )?;
        Ok(())
    }

    fn insert_member(&self, member: &NewMember) -> StoreResult<()> {
        let result = self.conn().execute(
            "INSERT INTO members (id, userid, name, alias, position, department_id, role, status, password_hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', ?8)",
            params![
                member.id.to_string(),
                member.userid,
                member.name,
                member.alias,
                member.position,
                member.department_id,
                role_name(member.role),
                member.password_hash
            ],
        );
        match result {
            Err(err) if unique_violation(&err) => Err(StoreError::Duplicate("userid")),
            other => other.map(|_| ()).map_err(StoreError::from),
        }
    }

    fn credentials(&self, userid: &str) -> StoreResult<Option<Credentials>> {
        let found = self
            .conn()
            .query_row(
                "SELECT id, password_hash, status FROM members WHERE userid = ?1",
                [userid],
                |row| {
                    let status: String = row.get(2)?;
                    Ok(Credentials {
                        member_id: MemberId(uuid_at(row, 0)?),
                        password_hash: row.get(1)?,
                        status: if status == "active" {
                            MemberStatus::Active
                        } else {
                            MemberStatus::Disabled
                        },
                    })
                },
            )
            .optional()?;
        Ok(found)
    }

    fn member_profile(&self, id: MemberId) -> StoreResult<Option<MemberProfile>> {
        let found = self
            .conn()
            .query_row(
                "SELECT m.id, m.userid, m.name, m.alias, m.position, d.name, m.role \
                 FROM members m JOIN departments d ON d.id = m.department_id WHERE m.id = ?1",
                [id.to_string()],
                |row| {
                    let role: String = row.get(6)?;
                    Ok(MemberProfile {
                        id: MemberId(uuid_at(row, 0)?),
                        userid: row.get(1)?,
                        name: row.get(2)?,
                        alias: row.get(3)?,
                        position: row.get(4)?,
                        department: row.get(5)?,
                        role: role_from(&role),
                    })
                },
            )
            .optional()?;
        Ok(found)
    }

    fn create_session(
        &self,
        id: SessionId,
        member: MemberId,
        token_hash: &str,
        device: &str,
        now: Millis,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO sessions (id, member_id, token_hash, device, created_at, last_seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id.to_string(), member.to_string(), token_hash, device, now],
        )?;
        Ok(())
    }

    fn session_by_token(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<ActiveSession>> {
        let conn = self.conn();
        let found = conn
            .query_row(
                "SELECT s.id, s.member_id FROM sessions s JOIN members m ON m.id = s.member_id \
                 WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND m.status = 'active'",
                [token_hash],
                |row| {
                    Ok(ActiveSession {
                        id: SessionId(uuid_at(row, 0)?),
                        member_id: MemberId(uuid_at(row, 1)?),
                    })
                },
            )
            .optional()?;
        if let Some(session) = found {
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND last_seen_at < ?2 - 60000",
                params![session.id.to_string(), now],
            )?;
        }
        Ok(found)
    }

    fn sessions_of(&self, member: MemberId, current: SessionId) -> StoreResult<Vec<SessionInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, device, created_at, last_seen_at FROM sessions \
             WHERE member_id = ?1 AND revoked_at IS NULL ORDER BY last_seen_at DESC",
        )?;
        let rows = stmt.query_map([member.to_string()], |row| {
            let id = SessionId(uuid_at(row, 0)?);
            Ok(SessionInfo {
                id,
                device: row.get(1)?,
                created_at: row.get(2)?,
                last_seen_at: row.get(3)?,
                current: id == current,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_session(
        &self,
        member: MemberId,
        session: SessionId,
        now: Millis,
    ) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE sessions SET revoked_at = ?3 WHERE id = ?1 AND member_id = ?2 AND revoked_at IS NULL",
            params![session.to_string(), member.to_string(), now],
        )?;
        Ok(changed == 1)
    }

    fn create_conversation(
        &self,
        id: ConversationId,
        kind: ConversationKind,
        name: &str,
        owner: MemberId,
        members: &[MemberId],
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id.to_string(), kind_name(kind), name, owner.to_string(), now],
        )?;
        for member in members {
            tx.execute(
                "INSERT OR IGNORE INTO participants (conversation_id, member_id) VALUES (?1, ?2)",
                params![id.to_string(), member.to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn conversations_of(&self, member: MemberId) -> StoreResult<Vec<ConversationSummary>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT c.id, c.kind, c.name, c.last_seq, c.updated_at, \
               (SELECT COUNT(*) FROM participants p2 WHERE p2.conversation_id = c.id), \
               (SELECT m.name FROM participants p3 JOIN members m ON m.id = p3.member_id \
                  WHERE p3.conversation_id = c.id AND p3.member_id <> ?1 LIMIT 1) \
             FROM conversations c JOIN participants p ON p.conversation_id = c.id \
             WHERE p.member_id = ?1 ORDER BY c.updated_at DESC, c.id",
        )?;
        let rows = stmt.query_map([member.to_string()], |row| {
            let kind: String = row.get(1)?;
            let kind = if kind == "direct" {
                ConversationKind::Direct
            } else {
                ConversationKind::Group
            };
            let name: String = row.get(2)?;
            let other: Option<String> = row.get(6)?;
            let count: i64 = row.get(5)?;
            Ok(ConversationSummary {
                id: ConversationId(uuid_at(row, 0)?),
                kind,
                title: match kind {
                    ConversationKind::Direct => other.unwrap_or(name),
                    ConversationKind::Group => name,
                },
                member_count: u32::try_from(count).unwrap_or(u32::MAX),
                last_seq: seq_at(row, 3)?,
                last_message: None,
                updated_at: row.get(4)?,
            })
        })?;
        let mut list: Vec<ConversationSummary> = rows.collect::<Result<_, _>>()?;
        drop(stmt);
        for summary in &mut list {
            if summary.last_seq > 0 {
                summary.last_message = message_by_seq(&conn, summary.id, summary.last_seq)?;
            }
        }
        Ok(list)
    }

    fn is_participant(&self, conversation: ConversationId, member: MemberId) -> StoreResult<bool> {
        let found: Option<i64> = self
            .conn()
            .query_row(
                "SELECT 1 FROM participants WHERE conversation_id = ?1 AND member_id = ?2",
                params![conversation.to_string(), member.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    fn participants(&self, conversation: ConversationId) -> StoreResult<Vec<MemberId>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT member_id FROM participants WHERE conversation_id = ?1")?;
        let rows = stmt.query_map([conversation.to_string()], |row| {
            Ok(MemberId(uuid_at(row, 0)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn messages(
        &self,
        conversation: ConversationId,
        before_seq: Option<u64>,
        limit: u32,
    ) -> StoreResult<MessagePage> {
        let conn = self.conn();
        let before = before_seq.map_or(i64::MAX, |seq| i64::try_from(seq).unwrap_or(i64::MAX));
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages msg JOIN members sender ON sender.id = msg.sender_id \
             WHERE msg.conversation_id = ?1 AND msg.seq < ?2 ORDER BY msg.seq DESC LIMIT ?3"
        );
        let mut stmt = conn.prepare(&sql)?;
        // One extra row tells whether older history exists.
        let rows = stmt.query_map(
            params![conversation.to_string(), before, i64::from(limit) + 1],
            message_from_row,
        )?;
        let mut messages: Vec<Message> = rows.collect::<Result<_, _>>()?;
        let has_more = messages.len() > limit as usize;
        messages.truncate(limit as usize);
        messages.reverse();
        Ok(MessagePage { messages, has_more })
    }

    fn append_message(
        &self,
        conversation: ConversationId,
        sender: MemberId,
        client_id: ClientId,
        text: &str,
        now: Millis,
    ) -> StoreResult<StoredMessage> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let existing: Option<(String, i64)> = tx
            .query_row(
                "SELECT conversation_id, seq FROM messages WHERE sender_id = ?1 AND client_id = ?2",
                params![sender.to_string(), client_id.to_string()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((conversation_id, seq)) = existing {
            let conversation_id = ConversationId::from_str(&conversation_id)
                .map_err(|err| StoreError::Corrupt(err.to_string()))?;
            let message = message_by_seq(&tx, conversation_id, u64::try_from(seq).unwrap_or(0))?
                .ok_or_else(|| StoreError::Corrupt("de-duplicated message vanished".into()))?;
            return Ok(StoredMessage {
                message,
                created: false,
            });
        }
        let seq: i64 = tx.query_row(
            "UPDATE conversations SET last_seq = last_seq + 1, updated_at = ?2 WHERE id = ?1 RETURNING last_seq",
            params![conversation.to_string(), now],
            |row| row.get(0),
        )?;
        let id = MessageId(Uuid::now_v7());
        tx.execute(
            "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.to_string(),
                conversation.to_string(),
                seq,
                sender.to_string(),
                client_id.to_string(),
                text,
                now
            ],
        )?;
        let message = message_by_seq(&tx, conversation, u64::try_from(seq).unwrap_or(0))?
            .ok_or_else(|| StoreError::Corrupt("inserted message vanished".into()))?;
        tx.commit()?;
        Ok(StoredMessage {
            message,
            created: true,
        })
    }
}
