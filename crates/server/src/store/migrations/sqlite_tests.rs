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

#[test]
fn the_approval_audit_trail_is_append_only() -> rusqlite::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    migrate(&mut conn)?;
    // A bare row is enough here: the triggers, not the references, are under test.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.execute(
        "INSERT INTO approval_audit (request_id, actor_id, client_id, action, at) VALUES ('r', 'm', 'c', 'submitted', 1)",
        [],
    )?;
    let update = conn.execute("UPDATE approval_audit SET action = 'approved'", []);
    assert!(update.is_err_and(|err| err.to_string().contains("append-only")));
    let delete = conn.execute("DELETE FROM approval_audit", []);
    assert!(delete.is_err_and(|err| err.to_string().contains("append-only")));
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM approval_audit", [], |row| row.get(0))?;
    assert_eq!(count, 1);
    conn.execute(
        "INSERT INTO approval_audit (request_id, actor_id, client_id, action, at) VALUES ('r', 'm', 'd', 'reassigned', 2)",
        [],
    )?;
    Ok(())
}

#[test]
fn the_directory_migration_keeps_members_and_their_references() -> rusqlite::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    assert_eq!(migrate_to(&mut conn, 4)?, 4);
    conn.execute_batch(
        "INSERT INTO departments (id, name, parent_id, sort_order) VALUES ('root', 'Co', NULL, 0), ('eng', 'Eng', 'root', 1);
         INSERT INTO members (id, userid, name, department_id, role, status, password_hash)
           VALUES ('m1', 'zhangsan', '张三', 'eng', 'member', 'active', 'h'), ('m2', 'lisi', '李四', 'root', 'admin', 'disabled', 'h');
         INSERT INTO sessions (id, member_id, token_hash, device, created_at, last_seen_at) VALUES ('s1', 'm1', 't', 'd', 0, 0);
         INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at) VALUES ('c1', 'group', 'g', 'm1', 0, 0);
         INSERT INTO participants (conversation_id, member_id) VALUES ('c1', 'm1'), ('c1', 'm2');",
    )?;
    assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    assert_eq!(fk, 1, "foreign keys are back on");
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT m.userid, m.status, md.department_id FROM members m JOIN member_departments md ON md.member_id = m.id ORDER BY m.userid")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    assert_eq!(
        rows,
        vec![("lisi".into(), "disabled".into(), "root".into()), ("zhangsan".into(), "active".into(), "eng".into())]
    );
    // The rebuilt table is the one the other tables refer to.
    let broken: Option<String> = conn.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).optional()?;
    assert_eq!(broken, None);
    assert!(conn.execute("INSERT INTO participants (conversation_id, member_id) VALUES ('c1', 'nobody')", []).is_err());
    conn.execute("UPDATE members SET status = 'invited' WHERE id = 'm1'", [])?;
    Ok(())
}

#[test]
fn the_approvals_conversation_migration_keeps_conversations_and_their_messages() -> rusqlite::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    assert_eq!(migrate_to(&mut conn, 7)?, 7);
    conn.execute_batch(
        "INSERT INTO departments (id, name, parent_id, sort_order) VALUES ('root', 'Co', NULL, 0);
         INSERT INTO members (id, userid, name, department_id, role, status, password_hash)
           VALUES ('m1', 'zhangsan', '张三', 'root', 'member', 'active', 'h'), ('m2', 'lisi', '李四', 'root', 'member', 'active', 'h');
         INSERT INTO conversations (id, kind, name, owner_id, last_seq, created_at, updated_at, direct_key)
           VALUES ('c1', 'direct', '', 'm1', 1, 0, 5, 'm1:m2');
         INSERT INTO participants (conversation_id, member_id) VALUES ('c1', 'm1'), ('c1', 'm2');
         INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at) VALUES ('x', 'c1', 1, 'm1', 'k', '你好', 5);",
    )?;
    assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
    let kept: (String, i64, String) = conn.query_row(
        "SELECT c.direct_key, c.last_seq, msg.body FROM conversations c JOIN messages msg ON msg.conversation_id = c.id",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    assert_eq!(kept, ("m1:m2".into(), 1, "你好".into()));
    let broken: Option<String> = conn.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).optional()?;
    assert_eq!(broken, None);
    assert!(
        conn.execute(
            "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, direct_key) VALUES ('c2', 'direct', '', 'm2', 0, 0, 'm1:m2')",
            []
        )
        .is_err(),
        "one direct chat per pair still"
    );
    conn.execute(
        "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, direct_key) VALUES ('a1', 'approvals', '', 'm1', 0, 0, 'approvals:m1')",
        [],
    )?;
    Ok(())
}

#[test]
fn files_of_requests_stored_before_migration_9_are_found_in_their_forms() -> rusqlite::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    assert_eq!(migrate_to(&mut conn, 8)?, 8);
    conn.execute_batch(
        "INSERT INTO departments (id, name, parent_id, sort_order) VALUES ('root', 'Co', NULL, 0);
         INSERT INTO members (id, userid, name, department_id, role, status, password_hash)
           VALUES ('m', 'zhangsan', '张三', 'root', 'member', 'active', 'h');
         INSERT INTO attachments (id, owner_id, client_id, sha256, size, content_type, file_name, created_at)
           VALUES ('f1', 'm', 'c1', 'h', 1, 't', 'a', 0), ('f2', 'm', 'c2', 'h', 1, 't', 'b', 0),
                  ('f3', 'm', 'c3', 'h', 1, 't', 'c', 0), ('f4', 'm', 'c4', 'h', 1, 't', 'd', 0);
         INSERT INTO approval_templates (id, current_version, created_at, updated_at) VALUES ('t', 1, 0, 0);
         INSERT INTO approval_template_versions (template_id, version, spec, created_at) VALUES ('t', 1, '{}', 0);",
    )?;
    let form = r#"{
        "receipts": {"kind": "files", "value": ["f1", "f2"]},
        "note": {"kind": "text", "value": "f4"},
        "items": {"kind": "rows", "value": [{"scan": {"kind": "files", "value": ["f3", "gone"]}}]}
    }"#;
    conn.execute(
        "INSERT INTO approval_requests (id, template_id, template_version, applicant_id, client_id, status, form, \
         submitted_at, updated_at) VALUES ('r1', 't', 1, 'm', 'c', 1, ?1, 0, 0)",
        [form],
    )?;
    assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
    let files: Vec<String> = conn
        .prepare("SELECT attachment_id FROM approval_files WHERE request_id = 'r1' ORDER BY attachment_id")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    assert_eq!(files, vec!["f1", "f2", "f3"], "text that looks like an id and unknown ids are not files");
    Ok(())
}

#[test]
fn sessions_signed_in_before_migration_11_become_personal_and_end_90_days_after_sign_in() -> rusqlite::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    assert_eq!(migrate_to(&mut conn, 10)?, 10);
    conn.execute_batch(
        "INSERT INTO departments (id, name, parent_id, sort_order) VALUES ('root', 'Org', NULL, 0);
         INSERT INTO members (id, userid, name, department_id, role, status, password_hash)
             VALUES ('m1', 'zhangsan', '张三', 'root', 'member', 'active', 'x');
         INSERT INTO member_departments (member_id, department_id, sort) VALUES ('m1', 'root', 0);
         INSERT INTO sessions (id, member_id, token_hash, device, created_at, last_seen_at)
             VALUES ('s1', 'm1', 't', 'Chromium', 1000, 2000);",
    )?;
    assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
    let (mode, idle_ms, ends_at, reason): (String, i64, i64, Option<String>) =
        conn.query_row("SELECT mode, idle_ms, ends_at, ended_reason FROM sessions WHERE id = 's1'", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
    assert_eq!((mode.as_str(), idle_ms, ends_at, reason), ("personal", 14 * 86_400_000, 1000 + 90 * 86_400_000, None));
    Ok(())
}

#[test]
fn delegated_roles_arrive_on_a_database_of_version_17_and_their_rules_hold() -> rusqlite::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    assert_eq!(migrate_to(&mut conn, 17)?, 17);
    conn.execute_batch(
        "INSERT INTO departments (id, name, parent_id, sort_order) VALUES ('root', 'Co', NULL, 0), ('eng', 'Eng', 'root', 1);
         INSERT INTO members (id, userid, name, department_id, role, status, password_hash)
           VALUES ('m1', 'zhangsan', '张三', 'eng', 'member', 'active', 'h'), ('m2', 'admin', '管理员', 'root', 'admin', 'active', 'h');",
    )?;
    assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
    let roles: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT userid, role, admin_role FROM members ORDER BY userid")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    assert_eq!(roles, vec![("admin".into(), "admin".into(), None), ("zhangsan".into(), "member".into(), None)]);
    conn.execute("UPDATE members SET admin_role = 'department_admin', admin_scope = 'eng' WHERE id = 'm1'", [])?;
    // A department administrator needs a scope, nobody else has one, and an administrator holds
    // no delegated role besides.
    for refused in [
        "UPDATE members SET admin_scope = NULL WHERE id = 'm1'",
        "UPDATE members SET admin_role = 'auditor' WHERE id = 'm1'",
        "UPDATE members SET admin_role = 'auditor' WHERE id = 'm2'",
        "UPDATE members SET admin_role = 'owner', admin_scope = NULL WHERE id = 'm1'",
        "UPDATE members SET admin_scope = 'nowhere' WHERE id = 'm1'",
    ] {
        assert!(conn.execute(refused, []).is_err(), "{refused}");
    }
    Ok(())
}
