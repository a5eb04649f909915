//! Versioned schema migrations for PostgreSQL, tracked in `weft_schema_version`. Each entry
//! upgrades from its index to index + 1; a shipped entry is never edited.
//!
//! Version 1 is SQLite's version 10 in PostgreSQL's words: integers are `BIGINT`, userids and
//! e-mail addresses `CITEXT` (SQLite's `COLLATE NOCASE`), text that is sorted or compared
//! byte-wise `COLLATE "C"` (as SQLite compares), and the append-only audit's triggers PL/pgSQL.
//! Three SQLite functions the shared SQL uses are defined here: `instr`, `json_extract` (paths
//! of the form `$.a.b`) and the aggregate `json_group_array`.

use crate::store::sql::{Error, PgConnection, Result};

/// The schema, one step per version.
const MIGRATIONS: &[&str] = &[
    // 1: everything SQLite's migrations 1–10 made.
    r#"
    CREATE EXTENSION IF NOT EXISTS citext;
    CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER
        LANGUAGE sql IMMUTABLE AS 'SELECT strpos(haystack, needle)';
    CREATE FUNCTION json_extract(document TEXT, path TEXT) RETURNS TEXT
        LANGUAGE sql IMMUTABLE AS $$ SELECT (document::jsonb) #>> string_to_array(substr(path, 3), '.') $$;
    CREATE FUNCTION weft_json_array(items TEXT[]) RETURNS TEXT
        LANGUAGE sql IMMUTABLE AS 'SELECT array_to_json(items)::text';
    CREATE AGGREGATE json_group_array(TEXT) (
        SFUNC = array_append, STYPE = TEXT[], FINALFUNC = weft_json_array, INITCOND = '{}'
    );

    CREATE TABLE departments (
        id         TEXT COLLATE "C" PRIMARY KEY,
        name       TEXT COLLATE "C" NOT NULL,
        parent_id  TEXT COLLATE "C" REFERENCES departments(id),
        sort_order BIGINT NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX departments_sibling_name ON departments(parent_id, name);
    CREATE INDEX departments_by_parent ON departments(parent_id);

    CREATE TABLE members (
        id               TEXT COLLATE "C" PRIMARY KEY,
        userid           CITEXT NOT NULL UNIQUE,
        name             TEXT COLLATE "C" NOT NULL,
        alias            TEXT COLLATE "C" NOT NULL DEFAULT '',
        position         TEXT COLLATE "C" NOT NULL DEFAULT '',
        department_id    TEXT COLLATE "C" NOT NULL REFERENCES departments(id),
        role             TEXT COLLATE "C" NOT NULL CHECK (role IN ('member', 'admin')),
        status           TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'disabled', 'invited', 'deleted')),
        password_hash    TEXT COLLATE "C" NOT NULL,
        mobile           TEXT COLLATE "C" NOT NULL DEFAULT '',
        email            CITEXT NOT NULL DEFAULT '',
        direct_leader_id TEXT COLLATE "C" REFERENCES members(id),
        avatar           TEXT COLLATE "C" NOT NULL DEFAULT '',
        search_keys      TEXT COLLATE "C" NOT NULL DEFAULT '',
        version          BIGINT NOT NULL DEFAULT 1,
        updated_at       BIGINT NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX members_mobile ON members(mobile) WHERE mobile <> '';
    CREATE UNIQUE INDEX members_email ON members(email) WHERE email <> '';
    CREATE INDEX members_by_direct_leader ON members(direct_leader_id) WHERE direct_leader_id IS NOT NULL;

    CREATE TABLE sessions (
        id           TEXT COLLATE "C" PRIMARY KEY,
        member_id    TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        token_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
        device       TEXT COLLATE "C" NOT NULL,
        created_at   BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        revoked_at   BIGINT
    );
    CREATE INDEX sessions_by_member ON sessions(member_id);

    CREATE TABLE conversations (
        id         TEXT COLLATE "C" PRIMARY KEY,
        kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('direct', 'group', 'approvals')),
        name       TEXT COLLATE "C" NOT NULL,
        owner_id   TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        last_seq   BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        direct_key TEXT COLLATE "C",
        client_id  TEXT COLLATE "C"
    );
    CREATE UNIQUE INDEX conversations_direct ON conversations(direct_key) WHERE direct_key IS NOT NULL;
    CREATE UNIQUE INDEX conversations_client ON conversations(owner_id, client_id) WHERE client_id IS NOT NULL;

    CREATE TABLE participants (
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        member_id       TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        joined_at       BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, member_id)
    );
    CREATE INDEX participants_by_member ON participants(member_id);

    CREATE TABLE attachments (
        id               TEXT COLLATE "C" PRIMARY KEY,
        owner_id         TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        client_id        TEXT COLLATE "C" NOT NULL,
        sha256           TEXT COLLATE "C" NOT NULL,
        size             BIGINT NOT NULL,
        content_type     TEXT COLLATE "C" NOT NULL,
        file_name        TEXT COLLATE "C" NOT NULL,
        created_at       BIGINT NOT NULL,
        width            BIGINT,
        height           BIGINT,
        thumbnail_sha256 TEXT COLLATE "C",
        thumbnail_type   TEXT COLLATE "C",
        thumbnail_width  BIGINT,
        thumbnail_height BIGINT,
        UNIQUE (owner_id, client_id)
    );

    CREATE TABLE messages (
        id              TEXT COLLATE "C" PRIMARY KEY,
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        seq             BIGINT NOT NULL,
        sender_id       TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        client_id       TEXT COLLATE "C" NOT NULL,
        body            TEXT COLLATE "C" NOT NULL,
        sent_at         BIGINT NOT NULL,
        recalled_at     BIGINT,
        reply_to_seq    BIGINT,
        mentions        TEXT COLLATE "C" NOT NULL DEFAULT '[]',
        mention_all     BIGINT NOT NULL DEFAULT 0,
        attachment_id   TEXT COLLATE "C" REFERENCES attachments(id),
        card            TEXT COLLATE "C",
        UNIQUE (conversation_id, seq),
        UNIQUE (sender_id, client_id)
    );
    CREATE INDEX messages_by_sent ON messages(conversation_id, sent_at);
    CREATE INDEX messages_by_attachment ON messages(attachment_id) WHERE attachment_id IS NOT NULL;

    CREATE TABLE read_positions (
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        member_id       TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        seq             BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, member_id)
    );

    CREATE TABLE changes (
        position         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        conversation_id  TEXT COLLATE "C",
        target_member_id TEXT COLLATE "C",
        kind             TEXT COLLATE "C" NOT NULL,
        payload          TEXT COLLATE "C" NOT NULL DEFAULT '{}',
        created_at       BIGINT NOT NULL
    );
    CREATE INDEX changes_by_conversation ON changes(conversation_id, position);
    CREATE INDEX changes_by_target ON changes(target_member_id, position);
    CREATE INDEX changes_directory ON changes(position) WHERE conversation_id IS NULL AND target_member_id IS NULL;

    CREATE TABLE conversation_prefs (
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        member_id       TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        muted           BIGINT NOT NULL DEFAULT 0,
        pinned          BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (conversation_id, member_id)
    );

    CREATE TABLE member_departments (
        member_id     TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        department_id TEXT COLLATE "C" NOT NULL REFERENCES departments(id),
        is_leader     BIGINT NOT NULL DEFAULT 0,
        sort          BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (member_id, department_id)
    );
    CREATE INDEX member_departments_by_department ON member_departments(department_id);

    CREATE TABLE visibility_department_scope (
        department_id         TEXT COLLATE "C" NOT NULL REFERENCES departments(id),
        visible_department_id TEXT COLLATE "C" NOT NULL REFERENCES departments(id),
        PRIMARY KEY (department_id, visible_department_id)
    );
    CREATE TABLE visibility_scoped_department (
        department_id TEXT COLLATE "C" PRIMARY KEY REFERENCES departments(id)
    );
    CREATE TABLE visibility_hidden_member (
        member_id TEXT COLLATE "C" PRIMARY KEY REFERENCES members(id)
    );
    CREATE TABLE visibility_hidden_allow (
        member_id             TEXT COLLATE "C" NOT NULL REFERENCES visibility_hidden_member(member_id),
        allowed_department_id TEXT COLLATE "C" REFERENCES departments(id),
        allowed_member_id     TEXT COLLATE "C" REFERENCES members(id),
        CHECK ((allowed_department_id IS NULL) <> (allowed_member_id IS NULL))
    );
    CREATE INDEX visibility_hidden_allow_by_member ON visibility_hidden_allow(member_id);

    CREATE TABLE approval_templates (
        id              TEXT COLLATE "C" PRIMARY KEY,
        current_version BIGINT NOT NULL,
        archived        BIGINT NOT NULL DEFAULT 0,
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL
    );
    CREATE TABLE approval_template_versions (
        template_id TEXT COLLATE "C" NOT NULL REFERENCES approval_templates(id),
        version     BIGINT NOT NULL,
        spec        TEXT COLLATE "C" NOT NULL,
        created_by  TEXT COLLATE "C" REFERENCES members(id),
        created_at  BIGINT NOT NULL,
        PRIMARY KEY (template_id, version)
    );
    CREATE TABLE approval_requests (
        id               TEXT COLLATE "C" PRIMARY KEY,
        template_id      TEXT COLLATE "C" NOT NULL,
        template_version BIGINT NOT NULL,
        applicant_id     TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        client_id        TEXT COLLATE "C" NOT NULL,
        status           BIGINT NOT NULL CHECK (status IN (1, 2, 3, 4)),
        current_step     BIGINT,
        form             TEXT COLLATE "C" NOT NULL,
        submitted_at     BIGINT NOT NULL,
        updated_at       BIGINT NOT NULL,
        UNIQUE (applicant_id, client_id),
        FOREIGN KEY (template_id, template_version) REFERENCES approval_template_versions(template_id, version)
    );
    CREATE INDEX approval_requests_by_template ON approval_requests(template_id, status);
    CREATE TABLE approval_steps (
        request_id TEXT COLLATE "C" NOT NULL REFERENCES approval_requests(id),
        step       BIGINT NOT NULL,
        name       TEXT COLLATE "C" NOT NULL,
        mode       TEXT COLLATE "C" NOT NULL CHECK (mode IN ('any_one', 'all')),
        status     TEXT COLLATE "C" NOT NULL CHECK (status IN ('waiting', 'active', 'approved', 'rejected', 'cancelled')),
        fallback   BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (request_id, step)
    );
    CREATE TABLE approval_approvers (
        request_id TEXT COLLATE "C" NOT NULL,
        step       BIGINT NOT NULL,
        member_id  TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        sort       BIGINT NOT NULL,
        decision   TEXT COLLATE "C" CHECK (decision IN ('approve', 'reject')),
        decided_at BIGINT,
        comment    TEXT COLLATE "C",
        PRIMARY KEY (request_id, step, member_id),
        FOREIGN KEY (request_id, step) REFERENCES approval_steps(request_id, step)
    );
    CREATE INDEX approval_approvers_by_member ON approval_approvers(member_id);
    CREATE TABLE approval_cc (
        request_id TEXT COLLATE "C" NOT NULL REFERENCES approval_requests(id),
        member_id  TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        phase      TEXT COLLATE "C" NOT NULL CHECK (phase IN ('submit', 'completion')),
        notified   BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (request_id, member_id, phase)
    );
    CREATE INDEX approval_cc_by_member ON approval_cc(member_id);
    CREATE TABLE approval_files (
        request_id    TEXT COLLATE "C" NOT NULL REFERENCES approval_requests(id),
        attachment_id TEXT COLLATE "C" NOT NULL REFERENCES attachments(id),
        PRIMARY KEY (attachment_id, request_id)
    );
    CREATE TABLE approval_audit (
        id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        request_id TEXT COLLATE "C" NOT NULL REFERENCES approval_requests(id),
        actor_id   TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        client_id  TEXT COLLATE "C" NOT NULL,
        action     TEXT COLLATE "C" NOT NULL
                   CHECK (action IN ('submitted', 'approved', 'rejected', 'withdrawn', 'commented', 'reassigned')),
        step       BIGINT,
        comment    TEXT COLLATE "C" NOT NULL DEFAULT '',
        at         BIGINT NOT NULL,
        UNIQUE (request_id, actor_id, client_id)
    );
    CREATE FUNCTION approval_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the approval audit trail is append-only'; END $$;
    CREATE TRIGGER approval_audit_no_update BEFORE UPDATE ON approval_audit
        FOR EACH ROW EXECUTE FUNCTION approval_audit_append_only();
    CREATE TRIGGER approval_audit_no_delete BEFORE DELETE ON approval_audit
        FOR EACH ROW EXECUTE FUNCTION approval_audit_append_only();
    "#,
    // 2 (= SQLite 11): managed sessions — device mode, address, kiosk code, the policy's idle
    //    time and end, why a session ended, remote wipes; department session policies; kiosk codes.
    r#"
    CREATE TABLE kiosk_codes (
        id         TEXT COLLATE "C" PRIMARY KEY,
        label      TEXT COLLATE "C" NOT NULL,
        code_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
        created_by TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
    );
    CREATE TABLE session_policies (
        department_id TEXT COLLATE "C" PRIMARY KEY REFERENCES departments(id),
        policy        TEXT COLLATE "C" NOT NULL,
        updated_at    BIGINT NOT NULL
    );
    ALTER TABLE sessions ADD COLUMN mode TEXT COLLATE "C" NOT NULL DEFAULT 'personal'
        CHECK (mode IN ('personal', 'shared'));
    ALTER TABLE sessions ADD COLUMN address TEXT COLLATE "C";
    ALTER TABLE sessions ADD COLUMN kiosk_code_id TEXT COLLATE "C" REFERENCES kiosk_codes(id);
    ALTER TABLE sessions ADD COLUMN idle_ms BIGINT NOT NULL DEFAULT 1209600000;
    ALTER TABLE sessions ADD COLUMN ends_at BIGINT NOT NULL DEFAULT 9223372036854775807;
    ALTER TABLE sessions ADD COLUMN ended_reason TEXT COLLATE "C";
    ALTER TABLE sessions ADD COLUMN wipe_requested_at BIGINT;
    ALTER TABLE sessions ADD COLUMN wiped_at BIGINT;
    UPDATE sessions SET ends_at = created_at + 7776000000;
    CREATE INDEX sessions_by_kiosk ON sessions(kiosk_code_id) WHERE kiosk_code_id IS NOT NULL;
    "#,
    // 3 (= SQLite 12): the workspace audit log, append-only.
    r#"
    CREATE TABLE audit_log (
        id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at       BIGINT NOT NULL,
        actor_id TEXT COLLATE "C" REFERENCES members(id),
        actor    TEXT COLLATE "C" NOT NULL,
        action   TEXT COLLATE "C" NOT NULL,
        target   TEXT COLLATE "C" NOT NULL DEFAULT '',
        detail   TEXT COLLATE "C" NOT NULL DEFAULT '{}',
        address  TEXT COLLATE "C"
    );
    CREATE INDEX audit_log_by_action ON audit_log(action, id);
    CREATE INDEX audit_log_by_actor ON audit_log(actor, id);
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    "#,
    // 4 (= SQLite 13): confidential conversations, message lifetimes, workspace settings and
    //     watermark marks.
    r#"
    ALTER TABLE conversations ADD COLUMN confidential_since BIGINT;
    ALTER TABLE conversations ADD COLUMN confidential_by_policy BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE conversations ADD COLUMN message_lifetime TEXT COLLATE "C";
    ALTER TABLE messages ADD COLUMN expires_at BIGINT;
    CREATE INDEX messages_expiring ON messages(expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE workspace_settings (
        key        TEXT COLLATE "C" PRIMARY KEY,
        value      TEXT COLLATE "C" NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE TABLE watermark_marks (
        mark       BIGINT PRIMARY KEY,
        session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
        member_id  TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        hour       BIGINT NOT NULL,
        issued_at  BIGINT NOT NULL,
        UNIQUE (session_id, hour)
    );
    "#,
    // 5 (= SQLite 14): integration apps, their access tokens, and departments' integer ids.
    r#"
    ALTER TABLE departments ADD COLUMN wecom_id BIGINT;
    CREATE UNIQUE INDEX departments_by_wecom_id ON departments(wecom_id) WHERE wecom_id IS NOT NULL;
    CREATE TABLE integration_apps (
        agent_id          BIGINT PRIMARY KEY,
        name              TEXT COLLATE "C" NOT NULL,
        secret_hash       TEXT COLLATE "C" NOT NULL UNIQUE,
        scopes            TEXT COLLATE "C" NOT NULL,
        allowed_ips       TEXT COLLATE "C" NOT NULL DEFAULT '',
        created_by        TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        created_at        BIGINT NOT NULL,
        secret_rotated_at BIGINT NOT NULL,
        last_used_at      BIGINT,
        enabled           BIGINT NOT NULL DEFAULT 1
    );
    CREATE TABLE integration_tokens (
        token_hash TEXT COLLATE "C" PRIMARY KEY,
        agent_id   BIGINT NOT NULL REFERENCES integration_apps(agent_id),
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX integration_tokens_by_app ON integration_tokens(agent_id);
    "#,
    // 6 (= SQLite 15): the `app` conversation kind, messages posted by bots, app group chats and
    //    group robots.
    r#"
    ALTER TABLE conversations DROP CONSTRAINT conversations_kind_check;
    ALTER TABLE conversations ADD CONSTRAINT conversations_kind_check
        CHECK (kind IN ('direct', 'group', 'approvals', 'app'));
    ALTER TABLE messages ADD COLUMN from_bot BIGINT NOT NULL DEFAULT 0;
    CREATE TABLE app_chats (
        chat_id         TEXT COLLATE "C" PRIMARY KEY,
        agent_id        BIGINT NOT NULL REFERENCES integration_apps(agent_id),
        conversation_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES conversations(id)
    );
    CREATE TABLE robots (
        id              TEXT COLLATE "C" PRIMARY KEY,
        conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations(id),
        name            TEXT COLLATE "C" NOT NULL,
        key_hash        TEXT COLLATE "C" NOT NULL UNIQUE,
        added_by        TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        added_at        BIGINT NOT NULL,
        removed_at      BIGINT
    );
    CREATE INDEX robots_by_conversation ON robots(conversation_id);
    "#,
    // 7 (= SQLite 16): outgoing webhooks and their deliveries.
    r#"
    CREATE TABLE webhooks (
        id         TEXT COLLATE "C" PRIMARY KEY,
        url        TEXT COLLATE "C" NOT NULL,
        events     TEXT COLLATE "C" NOT NULL,
        secret     TEXT COLLATE "C" NOT NULL,
        enabled    BIGINT NOT NULL DEFAULT 1,
        created_by TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        created_at BIGINT NOT NULL,
        removed_at BIGINT
    );
    CREATE TABLE webhook_deliveries (
        id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        webhook_id      TEXT COLLATE "C" NOT NULL REFERENCES webhooks(id),
        event_id        TEXT COLLATE "C" NOT NULL,
        event           TEXT COLLATE "C" NOT NULL,
        body            TEXT COLLATE "C" NOT NULL,
        status          TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        BIGINT NOT NULL DEFAULT 0,
        last_status     BIGINT,
        last_error      TEXT COLLATE "C" NOT NULL DEFAULT '',
        created_at      BIGINT NOT NULL,
        next_attempt_at BIGINT,
        delivered_at    BIGINT,
        UNIQUE (webhook_id, event_id)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
    "#,
    // 8 (= SQLite 17): Web Push — VAPID key pair, subscriptions per session, members' settings.
    r#"
    CREATE TABLE push_vapid (
        id          BIGINT PRIMARY KEY CHECK (id = 1),
        private_key TEXT COLLATE "C" NOT NULL,
        created_at  BIGINT NOT NULL
    );
    CREATE TABLE push_subscriptions (
        endpoint   TEXT COLLATE "C" PRIMARY KEY,
        member_id  TEXT COLLATE "C" NOT NULL REFERENCES members(id),
        session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
        p256dh     TEXT COLLATE "C" NOT NULL,
        auth       TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX push_subscriptions_by_member ON push_subscriptions(member_id);
    CREATE INDEX push_subscriptions_by_session ON push_subscriptions(session_id);
    CREATE TABLE push_settings (
        member_id           TEXT COLLATE "C" PRIMARY KEY REFERENCES members(id),
        mentions_break_mute BIGINT NOT NULL DEFAULT 1,
        quiet_start         BIGINT,
        quiet_end           BIGINT,
        utc_offset_minutes  BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE push_pending (
        id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        conversation_id TEXT COLLATE "C" NOT NULL,
        seq             BIGINT NOT NULL
    );
    "#,
    // 9 (= SQLite 18): delegated administration — a member's delegated role and a department
    //    administrator's scope.
    r#"
    ALTER TABLE members
        ADD COLUMN admin_role TEXT COLLATE "C"
            CHECK (admin_role IN ('department_admin', 'auditor', 'approvals_admin')),
        ADD COLUMN admin_scope TEXT COLLATE "C" REFERENCES departments(id),
        ADD CONSTRAINT members_delegated_role CHECK (admin_role IS NULL OR role = 'member'),
        ADD CONSTRAINT members_admin_scope
            CHECK ((admin_scope IS NOT NULL) = (COALESCE(admin_role, '') = 'department_admin'));
    CREATE INDEX members_by_admin_scope ON members(admin_scope) WHERE admin_scope IS NOT NULL;
    "#,
    // 10 (= SQLite 19): the audit log's retention — deletes allowed only before the purge line,
    //     which moves forward only.
    r#"
    CREATE TABLE audit_log_purge_line (before_at BIGINT NOT NULL);
    INSERT INTO audit_log_purge_line (before_at) VALUES (0);
    CREATE FUNCTION audit_log_purge_line_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND NEW.before_at >= OLD.before_at THEN RETURN NEW; END IF;
            RAISE EXCEPTION 'the audit log purge line only moves forward';
        END $$;
    CREATE TRIGGER audit_log_purge_line_forward BEFORE INSERT OR UPDATE OR DELETE ON audit_log_purge_line
        FOR EACH ROW EXECUTE FUNCTION audit_log_purge_line_forward();
    CREATE TRIGGER audit_log_purge_line_untruncated BEFORE TRUNCATE ON audit_log_purge_line
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_purge_line_forward();
    DROP TRIGGER audit_log_no_delete ON audit_log;
    CREATE FUNCTION audit_log_delete_past_retention() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.at < (SELECT before_at FROM audit_log_purge_line) THEN RETURN OLD; END IF;
            RAISE EXCEPTION 'the audit log is append-only';
        END $$;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_delete_past_retention();
    CREATE TRIGGER audit_log_untruncated BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    CREATE INDEX audit_log_by_time ON audit_log(at);
    "#,
];

/// Brings the database to the newest schema; returns the version it is at afterwards. Each step
/// runs in its own transaction with the version it reaches, so a failed step leaves the previous
/// version intact. Two servers starting at once take turns (an advisory lock).
pub(super) fn migrate(conn: &PgConnection) -> Result<usize> {
    migrate_to(conn, MIGRATIONS.len())
}

fn migrate_to(conn: &PgConnection, target: usize) -> Result<usize> {
    conn.batch("CREATE TABLE IF NOT EXISTS weft_schema_version (version BIGINT NOT NULL)")?;
    let mut reached = 0;
    for (index, step) in MIGRATIONS.iter().enumerate().take(target) {
        conn.batch("BEGIN; SELECT pg_advisory_xact_lock(7265746674)")?;
        let current = current_version(conn)?;
        if current > index {
            conn.batch("COMMIT")?;
            reached = current;
            continue;
        }
        let applied = conn.batch(step).and_then(|()| {
            conn.batch(&format!(
                "DELETE FROM weft_schema_version; INSERT INTO weft_schema_version (version) VALUES ({})",
                index + 1
            ))
        });
        match applied {
            Ok(()) => conn.batch("COMMIT")?,
            Err(err) => {
                conn.batch("ROLLBACK")?;
                return Err(Error::Schema(format!("PostgreSQL migration {} failed: {err}", index + 1)));
            }
        }
        reached = index + 1;
    }
    conn.forget_statements();
    Ok(reached.max(current_version(conn)?))
}

fn current_version(conn: &PgConnection) -> Result<usize> {
    let rows = conn.query("SELECT COALESCE(MAX(version), 0) FROM weft_schema_version", Vec::new())?;
    let version: i64 = rows.first_value()?;
    Ok(usize::try_from(version).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::{PostgresTarget, Value, quote_identifier};

    /// A database made by migration 1 (before managed sessions) keeps its sessions through
    /// migration 2: personal, 14 days idle, ending 90 days after sign-in. Runs when
    /// `WEFT_TEST_DATABASE_URL` names a PostgreSQL database (as `cargo xtask test` does).
    #[test]
    fn sessions_signed_in_before_migration_2_become_personal_and_end_90_days_after_sign_in() -> Result<()> {
        let Some(url) = std::env::var("WEFT_TEST_DATABASE_URL").ok().filter(|url| PostgresTarget::is_postgres_url(url))
        else {
            return Ok(());
        };
        let schema = format!("weft_upgrade_{}", uuid::Uuid::new_v4().simple());
        let admin = PgConnection::connect(&PostgresTarget::new(url.clone()))?;
        admin.batch(&format!("CREATE SCHEMA {}", quote_identifier(&schema)))?;
        let outcome = (|| {
            let conn =
                PgConnection::connect(&PostgresTarget { schema: Some(schema.clone()), ..PostgresTarget::new(url) })?;
            assert_eq!(migrate_to(&conn, 1)?, 1);
            conn.batch(
                "INSERT INTO departments (id, name, parent_id, sort_order) VALUES ('root', 'Org', NULL, 0);
                 INSERT INTO members (id, userid, name, department_id, role, status, password_hash)
                     VALUES ('m1', 'zhangsan', '张三', 'root', 'member', 'active', 'x');
                 INSERT INTO member_departments (member_id, department_id, sort) VALUES ('m1', 'root', 0);
                 INSERT INTO sessions (id, member_id, token_hash, device, created_at, last_seen_at)
                     VALUES ('s1', 'm1', 't', 'Chromium', 1000, 2000);",
            )?;
            assert_eq!(migrate(&conn)?, MIGRATIONS.len());
            let key = vec![Value::Text("s1".into())];
            let mode: String = conn.query("SELECT mode FROM sessions WHERE id = $1", key.clone())?.first_value()?;
            let idle_ms: i64 = conn.query("SELECT idle_ms FROM sessions WHERE id = $1", key.clone())?.first_value()?;
            let ends_at: i64 = conn.query("SELECT ends_at FROM sessions WHERE id = $1", key)?.first_value()?;
            assert_eq!((mode.as_str(), idle_ms, ends_at), ("personal", 14 * 86_400_000, 1000 + 90 * 86_400_000));
            Ok(())
        })();
        admin.batch(&format!("DROP SCHEMA {} CASCADE", quote_identifier(&schema)))?;
        outcome
    }
}
