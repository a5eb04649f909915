//! The reader connections beside the one writer: a few read-only connections to the same WAL
//! database, so reads (feed pulls, the directory, search, history, the conversation list) run
//! beside a write instead of queueing behind the writer's mutex. SQLite's WAL (or PostgreSQL's
//! MVCC) gives each read a consistent snapshot of the last commit; a write that returned is
//! visible to every later read.

use super::super::StoreResult;
use crate::store::sql::{Connection, PgConnection, PostgresTarget};
use rusqlite::OpenFlags;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// Reader connections opened beside the writer.
pub(super) const READERS: usize = 4;

/// A few read-only connections; a read takes a free one, or waits for one in turn.
#[derive(Default)]
pub(super) struct Readers {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Readers {
    /// Opens `count` read-only connections to the SQLite database at `path` (already migrated).
    pub(super) fn open_sqlite(path: &Path, count: usize) -> StoreResult<Self> {
        let mut connections = Vec::with_capacity(count);
        for _ in 0..count {
            let open = || -> rusqlite::Result<rusqlite::Connection> {
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
                )?;
                conn.pragma_update(None, "query_only", "ON")?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                Ok(conn)
            };
            let conn = open().map_err(crate::store::sql::Error::from)?;
            connections.push(Mutex::new(Connection::sqlite(conn)));
        }
        Ok(Self { connections, next: AtomicUsize::new(0) })
    }

    /// Opens `count` PostgreSQL sessions whose transactions are read-only.
    pub(super) fn open_postgres(target: &PostgresTarget, count: usize) -> StoreResult<Self> {
        let mut connections = Vec::with_capacity(count);
        for _ in 0..count {
            let conn = PgConnection::connect(target)?;
            conn.batch("SET default_transaction_read_only = on")?;
            connections.push(Mutex::new(Connection::postgres(conn)));
        }
        Ok(Self { connections, next: AtomicUsize::new(0) })
    }

    /// A free reader, or (all busy) the next one in turn once it is free; `None` without readers.
    pub(super) fn take(&self) -> Option<MutexGuard<'_, Connection>> {
        let count = self.connections.len();
        if count == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for offset in 0..count {
            match self.connections[(start + offset) % count].try_lock() {
                Ok(guard) => return Some(guard),
                Err(TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        // A panic while reading leaves nothing half-done: a poisoned reader is safe to reuse.
        Some(self.connections[start % count].lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::SqlStore;
    use crate::seed::seed_demo;
    use crate::store::PostgresTarget;
    use crate::store::{ChangeFeed, ConversationStore, DirectoryStore, MemberStore, MessageStore, NewMessage};
    use std::sync::Arc;
    use std::time::Duration;
    use weft_protocol::{ClientId, MemberId};

    /// A store with reader connections: a SQLite file, or the test PostgreSQL database.
    fn file_store() -> (Arc<SqlStore>, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("weft-readers-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("folder");
        let postgres = std::env::var("WEFT_TEST_DATABASE_URL").is_ok_and(|url| PostgresTarget::is_postgres_url(&url));
        let store = if postgres { SqlStore::open_for_tests() } else { SqlStore::open(&dir.join("weft.sqlite3")) };
        let store = store.expect("open");
        seed_demo(&store, crate::now_millis()).expect("seed");
        (Arc::new(store), dir)
    }

    fn member(store: &SqlStore, userid: &str) -> MemberId {
        store.credentials(userid).expect("lookup").expect("seeded member").member_id
    }

    #[test]
    fn a_feed_pull_and_a_directory_snapshot_complete_while_a_write_transaction_is_open() {
        let (store, dir) = file_store();
        let zhangsan = member(&store, "zhangsan");
        let writer = store.conn();
        writer.execute_batch("BEGIN; UPDATE members SET position = 'busy' WHERE userid = 'lisi';").expect("write");
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let reading = Arc::clone(&store);
        std::thread::spawn(move || {
            let page = reading.pull(zhangsan, 0, 500).map(|page| page.changes.len());
            let snapshot = reading.directory_snapshot(zhangsan).map(|snapshot| snapshot.members.len());
            let _ = done_tx.send((page, snapshot));
        });
        let (page, snapshot) = done_rx.recv_timeout(Duration::from_secs(5)).expect("reads did not wait for the writer");
        assert!(page.expect("pull") > 0, "the seeded history is in the feed");
        assert!(snapshot.expect("snapshot") >= 20, "the seeded directory is visible");
        writer.execute_batch("ROLLBACK").expect("rollback");
        drop(writer);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_read_after_a_write_sees_it_and_readers_refuse_to_write() {
        let (store, dir) = file_store();
        let zhangsan = member(&store, "zhangsan");
        let before = store.current_position().expect("position");
        let conversation = store
            .conversations_of(zhangsan)
            .expect("list")
            .into_iter()
            .find(|summary| summary.kind == weft_protocol::chat::ConversationKind::Direct)
            .expect("a direct chat")
            .id;
        let stored = store
            .append_message(NewMessage {
                conversation,
                sender: zhangsan,
                client_id: ClientId(uuid::Uuid::new_v4()),
                text: "read after write",
                reply_to: None,
                mentions: &[],
                mention_all: false,
                attachment: None,
                now: crate::now_millis(),
            })
            .expect("send");
        assert!(store.current_position().expect("position") > before);
        let page = store.pull(zhangsan, before, 50).expect("pull");
        assert!(page.changes.iter().any(|envelope| matches!(
            &envelope.change,
            weft_protocol::sync::Change::Message { message } if message.id == stored.message.id
        )));
        let refused = store.read().execute("UPDATE members SET position = 'x'", ());
        assert!(refused.is_err(), "reader connections are read-only");
        std::fs::remove_dir_all(dir).ok();
    }
}
