//! Versioned schema migrations for SQLite, tracked in `PRAGMA user_version`.
//! Each entry upgrades from its index to index + 1; a shipped entry is never edited.

use rusqlite::{Connection, OptionalExtension};

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
    // 6: the organisation directory. `members` is rebuilt (a CHECK cannot be altered in place) to
    //    allow the `invited` and `deleted` statuses and to gain contact fields, the direct leader,
    //    an avatar, search keys (filled in by `SqlStore::open`, which computes pinyin) and a
    //    version. `department_id` stays: it is the main department, and `member_departments`
    //    lists every department (the main one too) with leader flags. Visibility rules get two
    //    tables (plus the allow list of hidden members).
    r#"
    CREATE TABLE members_v5 (
        id               TEXT PRIMARY KEY,
        userid           TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name             TEXT NOT NULL,
        alias            TEXT NOT NULL DEFAULT '',
        position         TEXT NOT NULL DEFAULT '',
        department_id    TEXT NOT NULL REFERENCES departments(id),
        role             TEXT NOT NULL CHECK (role IN ('member', 'admin')),
        status           TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'invited', 'deleted')),
        password_hash    TEXT NOT NULL,
        mobile           TEXT NOT NULL DEFAULT '',
        email            TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
        direct_leader_id TEXT REFERENCES members(id),
        avatar           TEXT NOT NULL DEFAULT '',
        search_keys      TEXT NOT NULL DEFAULT '',
        version          INTEGER NOT NULL DEFAULT 1,
        updated_at       INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO members_v5 (id, userid, name, alias, position, department_id, role, status, password_hash)
        SELECT id, userid, name, alias, position, department_id, role, status, password_hash FROM members;
    DROP TABLE members;
    ALTER TABLE members_v5 RENAME TO members;
    CREATE UNIQUE INDEX members_mobile ON members(mobile) WHERE mobile <> '';
    CREATE UNIQUE INDEX members_email ON members(email) WHERE email <> '';
    CREATE INDEX members_by_direct_leader ON members(direct_leader_id) WHERE direct_leader_id IS NOT NULL;
    ALTER TABLE departments ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX departments_sibling_name ON departments(parent_id, name);
    CREATE INDEX departments_by_parent ON departments(parent_id);
    CREATE TABLE member_departments (
        member_id     TEXT NOT NULL REFERENCES members(id),
        department_id TEXT NOT NULL REFERENCES departments(id),
        is_leader     INTEGER NOT NULL DEFAULT 0,
        sort          INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (member_id, department_id)
    ) WITHOUT ROWID;
    CREATE INDEX member_departments_by_department ON member_departments(department_id);
    INSERT INTO member_departments (member_id, department_id) SELECT id, department_id FROM members;
    CREATE TABLE visibility_department_scope (
        department_id         TEXT NOT NULL REFERENCES departments(id),
        visible_department_id TEXT NOT NULL REFERENCES departments(id),
        PRIMARY KEY (department_id, visible_department_id)
    ) WITHOUT ROWID;
    CREATE TABLE visibility_scoped_department (
        department_id TEXT PRIMARY KEY REFERENCES departments(id)
    ) WITHOUT ROWID;
    CREATE TABLE visibility_hidden_member (
        member_id TEXT PRIMARY KEY REFERENCES members(id)
    ) WITHOUT ROWID;
    CREATE TABLE visibility_hidden_allow (
        member_id             TEXT NOT NULL REFERENCES visibility_hidden_member(member_id),
        allowed_department_id TEXT REFERENCES departments(id),
        allowed_member_id     TEXT REFERENCES members(id),
        CHECK ((allowed_department_id IS NULL) <> (allowed_member_id IS NULL))
    );
    CREATE INDEX visibility_hidden_allow_by_member ON visibility_hidden_allow(member_id);
    CREATE INDEX changes_directory ON changes(position) WHERE conversation_id IS NULL AND target_member_id IS NULL;
    "#,
    // 7: approvals — versioned templates, requests with their resolved steps and approvers, CC
    // lists, and the append-only audit trail (triggers refuse updates and deletes).
    r#"
    CREATE TABLE approval_templates (
        id              TEXT PRIMARY KEY,
        current_version INTEGER NOT NULL,
        archived        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE TABLE approval_template_versions (
        template_id TEXT NOT NULL REFERENCES approval_templates(id),
        version     INTEGER NOT NULL,
        spec        TEXT NOT NULL,
        created_by  TEXT REFERENCES members(id),
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (template_id, version)
    );
    CREATE TABLE approval_requests (
        id               TEXT PRIMARY KEY,
        template_id      TEXT NOT NULL,
        template_version INTEGER NOT NULL,
        applicant_id     TEXT NOT NULL REFERENCES members(id),
        client_id        TEXT NOT NULL,
        status           INTEGER NOT NULL CHECK (status IN (1, 2, 3, 4)),
        current_step     INTEGER,
        form             TEXT NOT NULL,
        submitted_at     INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        UNIQUE (applicant_id, client_id),
        FOREIGN KEY (template_id, template_version) REFERENCES approval_template_versions(template_id, version)
    );
    CREATE INDEX approval_requests_by_template ON approval_requests(template_id, status);
    CREATE TABLE approval_steps (
        request_id TEXT NOT NULL REFERENCES approval_requests(id),
        step       INTEGER NOT NULL,
        name       TEXT NOT NULL,
        mode       TEXT NOT NULL CHECK (mode IN ('any_one', 'all')),
        status     TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'approved', 'rejected', 'cancelled')),
        fallback   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (request_id, step)
    ) WITHOUT ROWID;
    CREATE TABLE approval_approvers (
        request_id TEXT NOT NULL,
        step       INTEGER NOT NULL,
        member_id  TEXT NOT NULL REFERENCES members(id),
        sort       INTEGER NOT NULL,
        decision   TEXT CHECK (decision IN ('approve', 'reject')),
        decided_at INTEGER,
        comment    TEXT,
        PRIMARY KEY (request_id, step, member_id),
        FOREIGN KEY (request_id, step) REFERENCES approval_steps(request_id, step)
    ) WITHOUT ROWID;
    CREATE INDEX approval_approvers_by_member ON approval_approvers(member_id);
    CREATE TABLE approval_cc (
        request_id TEXT NOT NULL REFERENCES approval_requests(id),
        member_id  TEXT NOT NULL REFERENCES members(id),
        phase      TEXT NOT NULL CHECK (phase IN ('submit', 'completion')),
        notified   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (request_id, member_id, phase)
    ) WITHOUT ROWID;
    CREATE INDEX approval_cc_by_member ON approval_cc(member_id);
    CREATE TABLE approval_audit (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES approval_requests(id),
        actor_id   TEXT NOT NULL REFERENCES members(id),
        client_id  TEXT NOT NULL,
        action     TEXT NOT NULL CHECK (action IN ('submitted', 'approved', 'rejected', 'withdrawn', 'commented')),
        step       INTEGER,
        comment    TEXT NOT NULL DEFAULT '',
        at         INTEGER NOT NULL,
        UNIQUE (request_id, actor_id, client_id)
    );
    CREATE TRIGGER approval_audit_no_update BEFORE UPDATE ON approval_audit
        BEGIN SELECT RAISE(ABORT, 'the approval audit trail is append-only'); END;
    CREATE TRIGGER approval_audit_no_delete BEFORE DELETE ON approval_audit
        BEGIN SELECT RAISE(ABORT, 'the approval audit trail is append-only'); END;
    "#,
    // 8: each member's read-only Approvals conversation, where the server posts approval cards.
    //    `conversations` is rebuilt to allow the `approvals` kind (its `direct_key` is then
    //    `approvals:<member id>`, so a member has one); messages gain the card they carry (JSON).
    r#"
    CREATE TABLE conversations_v8 (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'approvals')),
        name       TEXT NOT NULL,
        owner_id   TEXT NOT NULL REFERENCES members(id),
        last_seq   INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        direct_key TEXT,
        client_id  TEXT
    );
    INSERT INTO conversations_v8 (id, kind, name, owner_id, last_seq, created_at, updated_at, direct_key, client_id)
        SELECT id, kind, name, owner_id, last_seq, created_at, updated_at, direct_key, client_id FROM conversations;
    DROP TABLE conversations;
    ALTER TABLE conversations_v8 RENAME TO conversations;
    CREATE UNIQUE INDEX conversations_direct ON conversations(direct_key) WHERE direct_key IS NOT NULL;
    CREATE UNIQUE INDEX conversations_client ON conversations(owner_id, client_id) WHERE client_id IS NOT NULL;
    ALTER TABLE messages ADD COLUMN card TEXT;
    "#,
    // 9: the files each approval request's form carries (table cells included), so the readers
    // of a request may fetch them. Requests stored before this are read from their form JSON:
    // every `{"kind": "files", "value": [ids]}` at any depth (each was checked at submit to be
    // the applicant's upload).
    r#"
    CREATE TABLE approval_files (
        request_id    TEXT NOT NULL REFERENCES approval_requests(id),
        attachment_id TEXT NOT NULL REFERENCES attachments(id),
        PRIMARY KEY (attachment_id, request_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO approval_files (request_id, attachment_id)
        SELECT r.id, file.value
        FROM approval_requests r, json_tree(r.form) field, json_each(field.value, '$.value') file
        WHERE field.type = 'object' AND json_extract(field.value, '$.kind') = 'files'
          AND file.value IN (SELECT id FROM attachments);
    "#,
    // 10: the audit trail may record `reassigned` (a step's approver was disabled or deleted and
    //     the step went on without them). The table is rebuilt for its CHECK, keeping every row
    //     and id, and its append-only triggers are put back.
    r#"
    DROP TRIGGER approval_audit_no_update;
    DROP TRIGGER approval_audit_no_delete;
    CREATE TABLE approval_audit_v10 (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES approval_requests(id),
        actor_id   TEXT NOT NULL REFERENCES members(id),
        client_id  TEXT NOT NULL,
        action     TEXT NOT NULL
                   CHECK (action IN ('submitted', 'approved', 'rejected', 'withdrawn', 'commented', 'reassigned')),
        step       INTEGER,
        comment    TEXT NOT NULL DEFAULT '',
        at         INTEGER NOT NULL,
        UNIQUE (request_id, actor_id, client_id)
    );
    INSERT INTO approval_audit_v10 (id, request_id, actor_id, client_id, action, step, comment, at)
        SELECT id, request_id, actor_id, client_id, action, step, comment, at FROM approval_audit;
    DROP TABLE approval_audit;
    ALTER TABLE approval_audit_v10 RENAME TO approval_audit;
    CREATE TRIGGER approval_audit_no_update BEFORE UPDATE ON approval_audit
        BEGIN SELECT RAISE(ABORT, 'the approval audit trail is append-only'); END;
    CREATE TRIGGER approval_audit_no_delete BEFORE DELETE ON approval_audit
        BEGIN SELECT RAISE(ABORT, 'the approval audit trail is append-only'); END;
    "#,
    // 11: managed sessions. A session keeps its device mode, the address it signed in from, the
    //     kiosk code it used, the idle time and end its policy gave it at sign-in (refreshed
    //     when a policy changes), why it ended, and a remote wipe's request and report.
    //     Departments may carry a session policy (JSON); kiosk codes are stored hashed.
    r#"
    CREATE TABLE kiosk_codes (
        id         TEXT PRIMARY KEY,
        label      TEXT NOT NULL,
        code_hash  TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL REFERENCES members(id),
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE TABLE session_policies (
        department_id TEXT PRIMARY KEY REFERENCES departments(id),
        policy        TEXT NOT NULL,
        updated_at    INTEGER NOT NULL
    );
    ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'personal' CHECK (mode IN ('personal', 'shared'));
    ALTER TABLE sessions ADD COLUMN address TEXT;
    ALTER TABLE sessions ADD COLUMN kiosk_code_id TEXT REFERENCES kiosk_codes(id);
    ALTER TABLE sessions ADD COLUMN idle_ms INTEGER NOT NULL DEFAULT 1209600000;
    ALTER TABLE sessions ADD COLUMN ends_at INTEGER NOT NULL DEFAULT 9223372036854775807;
    ALTER TABLE sessions ADD COLUMN ended_reason TEXT;
    ALTER TABLE sessions ADD COLUMN wipe_requested_at INTEGER;
    ALTER TABLE sessions ADD COLUMN wiped_at INTEGER;
    UPDATE sessions SET ends_at = created_at + 7776000000;
    CREATE INDEX sessions_by_kiosk ON sessions(kiosk_code_id) WHERE kiosk_code_id IS NOT NULL;
    "#,
    // 12: the workspace audit log, append-only like the approval audit (triggers refuse updates
    //     and deletes).
    r#"
    CREATE TABLE audit_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        at       INTEGER NOT NULL,
        actor_id TEXT REFERENCES members(id),
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        target   TEXT NOT NULL DEFAULT '',
        detail   TEXT NOT NULL DEFAULT '{}',
        address  TEXT
    );
    CREATE INDEX audit_log_by_action ON audit_log(action, id);
    CREATE INDEX audit_log_by_actor ON audit_log(actor, id);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#,
    // 13: confidential conversations. A conversation may be confidential (since when, whether the
    //     workspace policy made it so, the message lifetime as JSON); a message may carry the time
    //     its lifetime deletes it. Workspace-wide settings (the confidential policy) are JSON by
    //     key. Watermark marks name the session and hour they were issued for.
    r#"
    ALTER TABLE conversations ADD COLUMN confidential_since INTEGER;
    ALTER TABLE conversations ADD COLUMN confidential_by_policy INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversations ADD COLUMN message_lifetime TEXT;
    ALTER TABLE messages ADD COLUMN expires_at INTEGER;
    CREATE INDEX messages_expiring ON messages(expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE workspace_settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE watermark_marks (
        mark       INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        member_id  TEXT NOT NULL REFERENCES members(id),
        hour       INTEGER NOT NULL,
        issued_at  INTEGER NOT NULL,
        UNIQUE (session_id, hour)
    );
    "#,
    // 14: integration apps (the WeCom-compatible API's callers): secrets and access tokens are
    //     stored hashed. Departments get the integer ids that API names them by (the root is 1;
    //     numbered on first use).
    r#"
    ALTER TABLE departments ADD COLUMN wecom_id INTEGER;
    CREATE UNIQUE INDEX departments_by_wecom_id ON departments(wecom_id) WHERE wecom_id IS NOT NULL;
    CREATE TABLE integration_apps (
        agent_id          INTEGER PRIMARY KEY,
        name              TEXT NOT NULL,
        secret_hash       TEXT NOT NULL UNIQUE,
        scopes            TEXT NOT NULL,
        allowed_ips       TEXT NOT NULL DEFAULT '',
        created_by        TEXT NOT NULL REFERENCES members(id),
        created_at        INTEGER NOT NULL,
        secret_rotated_at INTEGER NOT NULL,
        last_used_at      INTEGER,
        enabled           INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE integration_tokens (
        token_hash TEXT PRIMARY KEY,
        agent_id   INTEGER NOT NULL REFERENCES integration_apps(agent_id),
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX integration_tokens_by_app ON integration_tokens(agent_id);
    "#,
    // 15: integration apps and group robots post messages. `conversations` is rebuilt to allow
    //     the `app` kind (a member's read-only conversation with one app; its `direct_key` is
    //     `app:<agent id>:<member id>`). A message a bot posted is marked `from_bot` (it is stored
    //     under a member but is nobody's own). App group chats keep the chat id the app chose;
    //     robots belong to a group, their webhook keys stored hashed.
    r#"
    CREATE TABLE conversations_v15 (
        id                     TEXT PRIMARY KEY,
        kind                   TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'approvals', 'app')),
        name                   TEXT NOT NULL,
        owner_id               TEXT NOT NULL REFERENCES members(id),
        last_seq               INTEGER NOT NULL DEFAULT 0,
        created_at             INTEGER NOT NULL,
        updated_at             INTEGER NOT NULL,
        direct_key             TEXT,
        client_id              TEXT,
        confidential_since     INTEGER,
        confidential_by_policy INTEGER NOT NULL DEFAULT 0,
        message_lifetime       TEXT
    );
    INSERT INTO conversations_v15 (id, kind, name, owner_id, last_seq, created_at, updated_at, direct_key, client_id,
                                   confidential_since, confidential_by_policy, message_lifetime)
        SELECT id, kind, name, owner_id, last_seq, created_at, updated_at, direct_key, client_id,
               confidential_since, confidential_by_policy, message_lifetime FROM conversations;
    DROP TABLE conversations;
    ALTER TABLE conversations_v15 RENAME TO conversations;
    CREATE UNIQUE INDEX conversations_direct ON conversations(direct_key) WHERE direct_key IS NOT NULL;
    CREATE UNIQUE INDEX conversations_client ON conversations(owner_id, client_id) WHERE client_id IS NOT NULL;
    ALTER TABLE messages ADD COLUMN from_bot INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE app_chats (
        chat_id         TEXT PRIMARY KEY,
        agent_id        INTEGER NOT NULL REFERENCES integration_apps(agent_id),
        conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations(id)
    );
    CREATE TABLE robots (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        name            TEXT NOT NULL,
        key_hash        TEXT NOT NULL UNIQUE,
        added_by        TEXT NOT NULL REFERENCES members(id),
        added_at        INTEGER NOT NULL,
        removed_at      INTEGER
    );
    CREATE INDEX robots_by_conversation ON robots(conversation_id);
    "#,
    // 16: outgoing webhooks (the secret deliveries are signed with is kept: signing needs it) and
    //     their deliveries, one per webhook and event id, with where each stands.
    r#"
    CREATE TABLE webhooks (
        id         TEXT PRIMARY KEY,
        url        TEXT NOT NULL,
        events     TEXT NOT NULL,
        secret     TEXT NOT NULL,
        enabled    INTEGER NOT NULL DEFAULT 1,
        created_by TEXT NOT NULL REFERENCES members(id),
        created_at INTEGER NOT NULL,
        removed_at INTEGER
    );
    CREATE TABLE webhook_deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        webhook_id      TEXT NOT NULL REFERENCES webhooks(id),
        event_id        TEXT NOT NULL,
        event           TEXT NOT NULL,
        body            TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_status     INTEGER,
        last_error      TEXT NOT NULL DEFAULT '',
        created_at      INTEGER NOT NULL,
        next_attempt_at INTEGER,
        delivered_at    INTEGER,
        UNIQUE (webhook_id, event_id)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
    "#,
    // 17: Web Push: the server's VAPID key pair (made once), each device's push subscription
    //     (per session, removed when the session ends), each member's notification settings, and
    //     the messages the server posted that wait to be pushed (written with the message).
    r#"
    CREATE TABLE push_vapid (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        private_key TEXT NOT NULL,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE push_subscriptions (
        endpoint   TEXT PRIMARY KEY,
        member_id  TEXT NOT NULL REFERENCES members(id),
        session_id TEXT NOT NULL REFERENCES sessions(id),
        p256dh     TEXT NOT NULL,
        auth       TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX push_subscriptions_by_member ON push_subscriptions(member_id);
    CREATE INDEX push_subscriptions_by_session ON push_subscriptions(session_id);
    CREATE TABLE push_settings (
        member_id           TEXT PRIMARY KEY REFERENCES members(id),
        mentions_break_mute INTEGER NOT NULL DEFAULT 1,
        quiet_start         INTEGER,
        quiet_end           INTEGER,
        utc_offset_minutes  INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE push_pending (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id TEXT NOT NULL,
        seq             INTEGER NOT NULL
    );
    "#,
    // 18: delegated administration. `role` keeps 'member' or 'admin' (its CHECK cannot be widened
    //     without rebuilding `members`); `admin_role` names a delegated role of a member, and
    //     `admin_scope` the department whose subtree a department administrator manages.
    r#"
    ALTER TABLE members ADD COLUMN admin_role TEXT
        CHECK (admin_role IS NULL OR (admin_role IN ('department_admin', 'auditor', 'approvals_admin') AND role = 'member'));
    ALTER TABLE members ADD COLUMN admin_scope TEXT REFERENCES departments(id)
        CHECK ((admin_scope IS NOT NULL) = (COALESCE(admin_role, '') = 'department_admin'));
    CREATE INDEX members_by_admin_scope ON members(admin_scope) WHERE admin_scope IS NOT NULL;
    "#,
    // 19: the audit log's retention. Entries stay append-only except those older than the purge
    //     line, which the server moves forward (never back) as the retention policy says, in the
    //     same transaction as the removal and its own audit entry.
    r#"
    CREATE TABLE audit_log_purge_line (before_at INTEGER NOT NULL);
    INSERT INTO audit_log_purge_line (before_at) VALUES (0);
    CREATE TRIGGER audit_log_purge_line_forward BEFORE UPDATE ON audit_log_purge_line
        WHEN NEW.before_at < OLD.before_at
        BEGIN SELECT RAISE(ABORT, 'the audit log purge line only moves forward'); END;
    CREATE TRIGGER audit_log_purge_line_kept BEFORE DELETE ON audit_log_purge_line
        BEGIN SELECT RAISE(ABORT, 'the audit log purge line only moves forward'); END;
    CREATE TRIGGER audit_log_purge_line_single BEFORE INSERT ON audit_log_purge_line
        BEGIN SELECT RAISE(ABORT, 'the audit log has one purge line'); END;
    DROP TRIGGER audit_log_no_delete;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN OLD.at >= (SELECT before_at FROM audit_log_purge_line)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE INDEX audit_log_by_time ON audit_log(at);
    "#,
];

/// Brings the database to the newest schema; returns the version it is at afterwards.
///
/// Foreign keys are off while a step runs (SQLite's procedure for rebuilding a table others refer
/// to: create the new table, copy, drop the old, rename) and checked before the step commits.
pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<usize> {
    migrate_to(conn, MIGRATIONS.len())
}

fn migrate_to(conn: &mut Connection, target: usize) -> rusqlite::Result<usize> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current >= target {
        return Ok(current);
    }
    let foreign_keys: i64 = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = (|| {
        for (index, sql) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            let broken: Option<String> = tx.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).optional()?;
            if let Some(table) = broken {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
                    Some(format!("migration {} leaves a broken foreign key in {table}", index + 1)),
                ));
            }
            tx.pragma_update(None, "user_version", index + 1)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", if foreign_keys == 1 { "ON" } else { "OFF" })?;
    result.map(|()| target)
}

#[cfg(test)]
#[path = "sqlite_tests.rs"]
mod tests;
