//! Versioned schema migrations for SQLite, tracked in `PRAGMA user_version`.
//! Each entry upgrades from its index to index + 1; a shipped entry is never edited.

use rusqlite::Connection;

/// The schema, one step per version.
const MIGRATIONS: &[&str] = &[
    // 1: organisation, sessions, conversations and messages.
    r#"
    CREATE TABLE departments (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        parent_id  TEXT REFERENCES departments(id),
        sort_order INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE members (
        id            TEXT PRIMARY KEY,
        userid        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name          TEXT NOT NULL,
        alias         TEXT NOT NULL DEFAULT '',
        position      TEXT NOT NULL DEFAULT '',
        department_id TEXT NOT NULL REFERENCES departments(id),
        role          TEXT NOT NULL CHECK (role IN ('member', 'admin')),
        status        TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
        password_hash TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        member_id    TEXT NOT NULL REFERENCES members(id),
        token_hash   TEXT NOT NULL UNIQUE,
        device       TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        revoked_at   INTEGER
    );
    CREATE INDEX sessions_by_member ON sessions(member_id);
    CREATE TABLE conversations (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        name       TEXT NOT NULL,
        owner_id   TEXT NOT NULL REFERENCES members(id),
        last_seq   INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE participants (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        member_id       TEXT NOT NULL REFERENCES members(id),
        PRIMARY KEY (conversation_id, member_id)
    ) WITHOUT ROWID;
    CREATE INDEX participants_by_member ON participants(member_id);
    CREATE TABLE messages (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        seq             INTEGER NOT NULL,
        sender_id       TEXT NOT NULL REFERENCES members(id),
        client_id       TEXT NOT NULL,
        body            TEXT NOT NULL,
        sent_at         INTEGER NOT NULL,
        UNIQUE (conversation_id, seq),
        UNIQUE (sender_id, client_id)
    );
    "#,
    // 2: the change feed, read positions, recall, replies and mentions, one direct chat per pair,
    //    idempotent group creation.
    r#"
    ALTER TABLE conversations ADD COLUMN direct_key TEXT;
    ALTER TABLE conversations ADD COLUMN client_id TEXT;
    UPDATE conversations SET direct_key = (
        SELECT MIN(member_id) || ':' || MAX(member_id) FROM participants
        WHERE participants.conversation_id = conversations.id
    ) WHERE kind = 'direct';
    CREATE UNIQUE INDEX conversations_direct ON conversations(direct_key) WHERE direct_key IS NOT NULL;
    CREATE UNIQUE INDEX conversations_client ON conversations(owner_id, client_id) WHERE client_id IS NOT NULL;
    ALTER TABLE participants ADD COLUMN joined_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN recalled_at INTEGER;
    ALTER TABLE messages ADD COLUMN reply_to_seq INTEGER;
    ALTER TABLE messages ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE messages ADD COLUMN mention_all INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE read_positions (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        member_id       TEXT NOT NULL REFERENCES members(id),
        seq             INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, member_id)
    ) WITHOUT ROWID;
    CREATE TABLE changes (
        position         INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id  TEXT,
        target_member_id TEXT,
        kind             TEXT NOT NULL,
        payload          TEXT NOT NULL DEFAULT '{}',
        created_at       INTEGER NOT NULL
    );
    CREATE INDEX changes_by_conversation ON changes(conversation_id, position);
    CREATE INDEX changes_by_target ON changes(target_member_id, position);
    CREATE INDEX messages_by_sent ON messages(conversation_id, sent_at);
    "#,
    // 3: uploaded files (bytes are content-addressed in the data folder's `blobs/`).
    r#"
    CREATE TABLE attachments (
        id           TEXT PRIMARY KEY,
        owner_id     TEXT NOT NULL REFERENCES members(id),
        client_id    TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        size         INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        file_name    TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        UNIQUE (owner_id, client_id)
    );
    ALTER TABLE messages ADD COLUMN attachment_id TEXT REFERENCES attachments(id);
    CREATE INDEX messages_by_attachment ON messages(attachment_id) WHERE attachment_id IS NOT NULL;
    "#,
    // 4: each member's own settings per conversation.
    r#"
    CREATE TABLE conversation_prefs (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        member_id       TEXT NOT NULL REFERENCES members(id),
        muted           INTEGER NOT NULL DEFAULT 0,
        pinned          INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, member_id)
    ) WITHOUT ROWID;
    "#,
    // 5: image thumbnails (a blob like the file itself) and the image's size as shown. All NULL
    // for other files, for images the server could not decode, and for files stored before.
    r#"
    ALTER TABLE attachments ADD COLUMN width INTEGER;
    ALTER TABLE attachments ADD COLUMN height INTEGER;
    ALTER TABLE attachments ADD COLUMN thumbnail_sha256 TEXT;
    ALTER TABLE attachments ADD COLUMN thumbnail_type TEXT;
    ALTER TABLE attachments ADD COLUMN thumbnail_width INTEGER;
    ALTER TABLE attachments ADD COLUMN thumbnail_height INTEGER;
    "#,
];

/// Brings the database to the newest schema; returns the version it is at afterwards.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<usize> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(MIGRATIONS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() -> rusqlite::Result<()> {
        let mut conn = Connection::open_in_memory()?;
        assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
        assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
        let version: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        assert_eq!(version, MIGRATIONS.len());
        Ok(())
    }
}
