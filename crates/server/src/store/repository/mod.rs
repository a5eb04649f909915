//! The embedded SQLite implementation of the store traits: one file in the data folder, WAL mode.
//! Each trait is implemented in its own module; this one opens the database and holds the row
//! mapping they share.

mod approval_cards;
mod approval_departures;
mod approvals;
mod archive;
mod attachments;
mod audit;
mod bots;
mod changes;
mod confidential;
mod conversations;
mod directory;
mod directory_admin;
mod import;
mod integration;
mod integration_approvals;
mod members;
mod messages;
mod policies;
mod push;
mod readers;
mod rules;
mod session_admin;
mod sessions;
mod webhooks;

use super::{CommittedMessage, FeedListener, StoreError, StoreResult, migrations};
use crate::store::sql::{Connection, OptionalExtension, PgConnection, PostgresTarget, Row, params, quote_identifier};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use uuid::Uuid;
use weft_protocol::chat::{Attachment, Message, ReplyPreview, Thumbnail, excerpt};
use weft_protocol::{AttachmentId, ClientId, ConversationId, MemberId, MessageId, Millis};

/// The store, on SQLite or PostgreSQL: one writer connection behind a mutex (writes are
/// serialised, which keeps the change feed's positions in commit order) and a few reader
/// connections (`readers`) that reads use, so they never wait behind a write. An in-memory
/// SQLite database has no readers: its reads use the writer.
pub struct SqlStore {
    conn: Mutex<Connection>,
    readers: readers::Readers,
    /// Told of each new message while the writer is still held (see `FeedListener`).
    listener: RwLock<Option<Arc<dyn FeedListener>>>,
    /// A schema made for this store alone (tests on PostgreSQL), dropped with the store.
    private_schema: Option<String>,
}

impl SqlStore {
    /// Opens (creating if needed) the SQLite database file and brings its schema up to date.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let conn = rusqlite::Connection::open(path).map_err(crate::store::sql::Error::from)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(crate::store::sql::Error::from)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(crate::store::sql::Error::from)?;
        let mut store = Self::with_sqlite(conn)?;
        store.readers = readers::Readers::open_sqlite(path, readers::READERS)?;
        Ok(store)
    }

    /// A private SQLite database in memory.
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::with_sqlite(rusqlite::Connection::open_in_memory().map_err(crate::store::sql::Error::from)?)
    }

    /// Connects to a PostgreSQL database and brings its schema up to date.
    pub fn open_postgres(target: &PostgresTarget) -> StoreResult<Self> {
        Self::postgres_with_readers(target, readers::READERS)
    }

    fn postgres_with_readers(target: &PostgresTarget, readers: usize) -> StoreResult<Self> {
        let conn = Connection::postgres(PgConnection::connect(target)?);
        let mut store = Self::ready(conn)?;
        store.readers = readers::Readers::open_postgres(target, readers)?;
        Ok(store)
    }

    /// A private database for one test: in memory on SQLite, or, when `WEFT_TEST_DATABASE_URL`
    /// names a PostgreSQL database, a fresh schema there that is dropped with the store.
    pub fn open_for_tests() -> StoreResult<Self> {
        match std::env::var("WEFT_TEST_DATABASE_URL") {
            Ok(url) if PostgresTarget::is_postgres_url(&url) => {
                let schema = format!("weft_test_{}", Uuid::new_v4().simple());
                let admin = PgConnection::connect(&PostgresTarget::new(url.clone()))?;
                admin.batch(&format!("CREATE SCHEMA {}", quote_identifier(&schema)))?;
                let target = PostgresTarget { schema: Some(schema.clone()), ..PostgresTarget::new(url) };
                let mut store = Self::postgres_with_readers(&target, 1)?;
                store.private_schema = Some(schema);
                Ok(store)
            }
            _ => Self::open_in_memory(),
        }
    }

    fn with_sqlite(conn: rusqlite::Connection) -> StoreResult<Self> {
        conn.pragma_update(None, "foreign_keys", "ON").map_err(crate::store::sql::Error::from)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(crate::store::sql::Error::from)?;
        Self::ready(Connection::sqlite(conn))
    }

    fn ready(mut conn: Connection) -> StoreResult<Self> {
        migrations::migrate(&mut conn)?;
        // Search keys need pinyin, which the migration (plain SQL) could not compute.
        directory::refresh_search_keys(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            readers: readers::Readers::default(),
            listener: RwLock::new(None),
            private_schema: None,
        })
    }

    /// The writer: every write, and reads that must see the writer's own transaction.
    pub(in crate::store) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A connection for a read-only call: a reader (read-only, `query_only`), or the writer when
    /// the database has no readers (in memory).
    fn read(&self) -> MutexGuard<'_, Connection> {
        self.readers.take().unwrap_or_else(|| self.conn())
    }

    fn set_listener(&self, listener: Arc<dyn FeedListener>) {
        *self.listener.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
    }

    /// Tells the listener of a committed message; call it while still holding the writer, so
    /// announcements keep feed order. Returns whether there was a listener.
    fn announce(&self, committed: CommittedMessage<'_>) -> bool {
        let listener = self.listener.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        match listener.as_ref() {
            Some(listener) => {
                listener.message_committed(committed);
                true
            }
            None => false,
        }
    }
}

impl Drop for SqlStore {
    fn drop(&mut self) {
        if let Some(schema) = &self.private_schema {
            let conn = self.conn.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
            // A schema left behind by a failed drop is removed with the test database.
            if let Err(err) = conn.execute_batch(&format!("DROP SCHEMA {} CASCADE", quote_identifier(schema))) {
                tracing::warn!("the test schema {schema} stays: {err}");
            }
        }
    }
}

pub(super) fn uuid_at(row: &Row<'_>, index: usize) -> crate::store::sql::Result<Uuid> {
    let text: String = row.get(index)?;
    Uuid::from_str(&text).map_err(|err| crate::store::sql::Error::conversion(index, err))
}

pub(super) fn seq_at(row: &Row<'_>, index: usize) -> crate::store::sql::Result<u64> {
    let value: i64 = row.get(index)?;
    Ok(u64::try_from(value).unwrap_or(0))
}

pub(super) fn to_sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// `SELECT … FROM …` for messages with their sender and the message they reply to;
/// callers add `WHERE` and `ORDER BY`.
pub(super) const MESSAGE_SELECT: &str = "SELECT msg.id, msg.conversation_id, msg.seq, msg.sender_id, sender.name, \
     msg.client_id, msg.body, msg.sent_at, msg.recalled_at, msg.mentions, msg.mention_all, \
     msg.reply_to_seq, replied_sender.name, replied.body, replied.recalled_at, \
     file.id, file.file_name, file.content_type, file.size, file.width, file.height, \
     file.thumbnail_width, file.thumbnail_height, msg.card, msg.expires_at \
     FROM messages msg JOIN members sender ON sender.id = msg.sender_id \
     LEFT JOIN messages replied ON replied.conversation_id = msg.conversation_id AND replied.seq = msg.reply_to_seq \
     LEFT JOIN members replied_sender ON replied_sender.id = replied.sender_id \
     LEFT JOIN attachments file ON file.id = msg.attachment_id";

pub(super) fn message_from_row(row: &Row<'_>) -> crate::store::sql::Result<Message> {
    let recalled_at: Option<Millis> = row.get(8)?;
    let mentions: String = row.get(9)?;
    let mention_all: i64 = row.get(10)?;
    let reply_seq: Option<i64> = row.get(11)?;
    let reply_to = match reply_seq {
        Some(seq) => {
            let sender_name: Option<String> = row.get(12)?;
            let body: Option<String> = row.get(13)?;
            let replied_recalled: Option<Millis> = row.get(14)?;
            Some(ReplyPreview {
                seq: u64::try_from(seq).unwrap_or(0),
                sender_name: sender_name.unwrap_or_default(),
                excerpt: if replied_recalled.is_some() { String::new() } else { excerpt(&body.unwrap_or_default()) },
                recalled: replied_recalled.is_some(),
            })
        }
        None => None,
    };
    let card: Option<weft_protocol::chat::MessageCard> =
        row.get::<_, Option<String>>(23)?.and_then(|json| serde_json::from_str(&json).ok());
    let mut sender_name: String = row.get(4)?;
    if let Some(weft_protocol::chat::MessageCard::Bot(bot)) = &card {
        // Stored under a member, shown as the app or robot that posted it.
        sender_name = bot.sender.name().to_owned();
    }
    Ok(Message {
        id: MessageId(uuid_at(row, 0)?),
        conversation_id: ConversationId(uuid_at(row, 1)?),
        seq: seq_at(row, 2)?,
        sender_id: MemberId(uuid_at(row, 3)?),
        sender_name,
        client_id: ClientId(uuid_at(row, 5)?),
        text: row.get(6)?,
        sent_at: row.get(7)?,
        recalled: recalled_at.is_some(),
        reply_to,
        mentions: serde_json::from_str(&mentions).unwrap_or_default(),
        mention_all: mention_all != 0,
        attachment: attachment_at(row, 15)?,
        card,
        expires_at: row.get(24)?,
    })
}

/// The attachment columns starting at `index` (`id, file_name, content_type, size, width, height,
/// thumbnail_width, thumbnail_height`), if any.
pub(super) fn attachment_at(row: &Row<'_>, index: usize) -> crate::store::sql::Result<Option<Attachment>> {
    let id: Option<String> = row.get(index)?;
    let Some(id) = id else { return Ok(None) };
    let id = AttachmentId::from_str(&id).map_err(|err| crate::store::sql::Error::conversion(index, err))?;
    let size: i64 = row.get(index + 3)?;
    let pixels = |at: usize| -> crate::store::sql::Result<Option<u32>> {
        Ok(row.get::<_, Option<i64>>(index + at)?.and_then(|value| u32::try_from(value).ok()))
    };
    Ok(Some(Attachment {
        id,
        file_name: row.get(index + 1)?,
        content_type: row.get(index + 2)?,
        size: u64::try_from(size).unwrap_or(0),
        width: pixels(4)?,
        height: pixels(5)?,
        thumbnail: match (pixels(6)?, pixels(7)?) {
            (Some(width), Some(height)) => Some(Thumbnail { width, height }),
            _ => None,
        },
    }))
}

pub(super) fn message_by_seq(
    conn: &Connection,
    conversation: ConversationId,
    seq: u64,
) -> StoreResult<Option<Message>> {
    let sql = format!("{MESSAGE_SELECT} WHERE msg.conversation_id = ?1 AND msg.seq = ?2");
    Ok(conn.query_row(&sql, params![conversation.to_string(), to_sql_seq(seq)], message_from_row).optional()?)
}

/// A message the server posts: an approval card, a notice, or what an app or a robot sent.
pub(super) struct ServerMessage<'a> {
    pub conversation: ConversationId,
    /// The member it is stored under (`messages.sender_id` names a member).
    pub sender: MemberId,
    /// Its text for previews and search.
    pub fallback: &'a str,
    /// What the app renders.
    pub card: &'a weft_protocol::chat::MessageCard,
    /// An app or a robot posted it: nobody's own (see `Message::sent_by`).
    pub from_bot: bool,
    pub mentions: &'a [MemberId],
    pub mention_all: bool,
    pub attachment: Option<AttachmentId>,
}

/// Appends a message the server posts, with its change-feed row, inside the caller's
/// transaction: the next sequence number, then the row.
pub(super) fn post_server_message(conn: &Connection, message: &ServerMessage<'_>, now: Millis) -> StoreResult<()> {
    let seq: i64 = conn.query_row(
        "UPDATE conversations SET last_seq = last_seq + 1, updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END WHERE id = ?1 RETURNING last_seq",
        params![message.conversation.to_string(), now],
        |row| row.get(0),
    )?;
    let card = serde_json::to_string(message.card).map_err(|err| corrupt(&err.to_string()))?;
    let mentions = serde_json::to_string(message.mentions).map_err(|err| corrupt(&err.to_string()))?;
    conn.execute(
        "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at, card, from_bot, mentions, mention_all, attachment_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            MessageId(Uuid::now_v7()).to_string(),
            message.conversation.to_string(),
            seq,
            message.sender.to_string(),
            ClientId(Uuid::now_v7()).to_string(),
            message.fallback,
            now,
            card,
            i64::from(message.from_bot),
            mentions,
            i64::from(message.mention_all),
            message.attachment.map(|id| id.to_string())
        ],
    )?;
    let seq = u64::try_from(seq).unwrap_or(0);
    changes::record(conn, message.conversation, None, &changes::StoredChange::Message { seq }, now)?;
    // Members' own messages reach the push sender through the feed listener; these wait in
    // `push_pending`, committed with the message, until the sender takes them.
    conn.execute(
        "INSERT INTO push_pending (conversation_id, seq) VALUES (?1, ?2)",
        params![message.conversation.to_string(), to_sql_seq(seq)],
    )?;
    Ok(())
}

/// A card (an approval card, a notice) posted in the name of `sender`: [`post_server_message`]
/// with no mentions or file.
pub(super) fn post_card(
    conn: &Connection,
    conversation: ConversationId,
    sender: MemberId,
    fallback: &str,
    card: &weft_protocol::chat::MessageCard,
    now: Millis,
) -> StoreResult<()> {
    let message = ServerMessage {
        conversation,
        sender,
        fallback,
        card,
        from_bot: false,
        mentions: &[],
        mention_all: false,
        attachment: None,
    };
    post_server_message(conn, &message, now)
}

pub(super) fn unique_violation(err: &crate::store::sql::Error) -> bool {
    err.is_unique_violation()
}

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}
