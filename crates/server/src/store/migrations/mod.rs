//! Schema migrations, numbered and append-only, one list per backend: SQLite's (tracked in
//! `PRAGMA user_version`) and PostgreSQL's (tracked in `weft_schema_version`). Both lists end at
//! the same tables, columns and constraints; the repositories' SQL runs on either.

mod postgres;
mod sqlite;

use super::sql::{self, Connection};

/// Brings the database to the newest schema; returns the version it is at afterwards.
pub(super) fn migrate(conn: &mut Connection) -> sql::Result<usize> {
    if let Some(sqlite) = conn.as_sqlite_mut() {
        return Ok(sqlite::migrate(sqlite)?);
    }
    let postgres = conn.as_postgres().ok_or_else(|| sql::Error::Schema("no database to migrate".into()))?;
    postgres::migrate(postgres)
}

/// The same checks on whichever backend the tests run on (`WEFT_TEST_DATABASE_URL`).
#[cfg(test)]
mod tests {
    use super::migrate;
    use crate::seed::seed_demo;
    use crate::store::SqlStore;
    use crate::store::sql::params;

    fn seeded() -> SqlStore {
        let store = SqlStore::open_for_tests().expect("a test database");
        seed_demo(&store, 1_700_000_000_000).expect("seed");
        store
    }

    #[test]
    fn migrating_a_current_database_again_keeps_its_version_and_rows() {
        let store = seeded();
        let mut conn = store.conn();
        let members: i64 = conn.query_row("SELECT COUNT(*) FROM members", (), |row| row.get(0)).expect("count");
        let version = migrate(&mut conn).expect("migrate");
        assert!(version >= 1);
        assert_eq!(migrate(&mut conn).expect("migrate again"), version);
        let after: i64 = conn.query_row("SELECT COUNT(*) FROM members", (), |row| row.get(0)).expect("count");
        assert_eq!(after, members);
        assert!(members >= 20, "the demo organisation is there");
    }

    #[test]
    fn the_approval_audit_trail_is_append_only() {
        let store = seeded();
        let conn = store.conn();
        let (template, version): (String, i64) = conn
            .query_row("SELECT id, current_version FROM approval_templates ORDER BY id LIMIT 1", (), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .expect("a demo template");
        let member: String =
            conn.query_row("SELECT id FROM members ORDER BY userid LIMIT 1", (), |row| row.get(0)).expect("a member");
        conn.execute(
            "INSERT INTO approval_requests (id, template_id, template_version, applicant_id, client_id, status, form, \
             submitted_at, updated_at) VALUES ('r', ?1, ?2, ?3, 'c', 1, '{}', 0, 0)",
            params![template, version, member],
        )
        .expect("a request");
        let insert =
            "INSERT INTO approval_audit (request_id, actor_id, client_id, action, at) VALUES ('r', ?1, ?2, ?3, 1)";
        conn.execute(insert, params![member, "c1", "submitted"]).expect("appending is allowed");
        let update = conn.execute("UPDATE approval_audit SET action = 'approved'", ());
        assert!(update.is_err_and(|err| err.to_string().contains("append-only")));
        let delete = conn.execute("DELETE FROM approval_audit", ());
        assert!(delete.is_err_and(|err| err.to_string().contains("append-only")));
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM approval_audit", (), |row| row.get(0)).expect("count");
        assert_eq!(count, 1);
        conn.execute(insert, params![member, "c2", "reassigned"]).expect("appending is still allowed");
    }

    #[test]
    fn the_workspace_audit_log_is_append_only() {
        let store = seeded();
        let conn = store.conn();
        let insert = "INSERT INTO audit_log (at, actor, action) VALUES (1, 'admin', ?1)";
        conn.execute(insert, params!["signed_in"]).expect("appending is allowed");
        let update = conn.execute("UPDATE audit_log SET action = 'signed_out'", ());
        assert!(update.is_err_and(|err| err.to_string().contains("append-only")));
        let delete = conn.execute("DELETE FROM audit_log", ());
        assert!(delete.is_err_and(|err| err.to_string().contains("append-only")));
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM audit_log", (), |row| row.get(0)).expect("count");
        assert_eq!(count, 1);
    }

    #[test]
    fn only_entries_before_the_purge_line_may_go_and_the_line_only_moves_forward() {
        let store = seeded();
        let conn = store.conn();
        let insert = "INSERT INTO audit_log (at, actor, action) VALUES (?1, 'admin', 'signed_in')";
        for at in [100, 200, 300] {
            conn.execute(insert, params![at]).expect("appending is allowed");
        }
        let delete_before = |at: i64| conn.execute("DELETE FROM audit_log WHERE at < ?1", params![at]);
        assert!(delete_before(250).is_err_and(|err| err.to_string().contains("append-only")), "line at 0");
        conn.execute("UPDATE audit_log_purge_line SET before_at = 250", ()).expect("the line moves forward");
        assert!(delete_before(400).is_err_and(|err| err.to_string().contains("append-only")), "300 is after it");
        assert_eq!(delete_before(250).expect("past the line"), 2);
        let back = conn.execute("UPDATE audit_log_purge_line SET before_at = 100", ());
        assert!(back.is_err_and(|err| err.to_string().contains("only moves forward")));
        let gone = conn.execute("DELETE FROM audit_log_purge_line", ());
        assert!(gone.is_err_and(|err| err.to_string().contains("only moves forward")));
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM audit_log", (), |row| row.get(0)).expect("count");
        assert_eq!(count, 1);
    }

    #[test]
    fn a_unique_field_refusal_is_recognised_on_this_backend() {
        let store = seeded();
        let conn = store.conn();
        let taken = conn.execute(
            "INSERT INTO departments (id, name, parent_id, sort_order) \
             SELECT 'again', name, parent_id, 0 FROM departments WHERE parent_id IS NOT NULL LIMIT 1",
            (),
        );
        assert!(taken.is_err_and(|err| err.is_unique_violation()), "sibling departments have distinct names");
        let userid: String = conn
            .query_row("SELECT userid FROM members WHERE userid = ?1", ["ZHANGSAN"], |row| row.get(0))
            .expect("userids compare without case");
        assert_eq!(userid, "zhangsan");
    }
}
