//! The pipeline's promises on whichever database the tests run on (`WEFT_TEST_DATABASE_URL`):
//! a queued write's failure reaches the caller, answers sent with a commit can be read after
//! it, a rollback drops queued writes, and queued queries keep their own answers.

use super::{Connection, OptionalExtension, params};
use crate::store::repository::SqlStore;

fn with_probe_table(test: impl FnOnce(&Connection)) {
    let store = SqlStore::open_for_tests().expect("store");
    let conn = store.conn();
    conn.execute_batch("CREATE TABLE pipeline_probe (id BIGINT PRIMARY KEY, label TEXT NOT NULL)").expect("table");
    test(&conn);
}

fn labels(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT label FROM pipeline_probe ORDER BY id").expect("prepare");
    stmt.query_map((), |row| row.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

#[test]
fn a_queued_write_that_fails_is_the_error_of_the_call_that_waits() {
    with_probe_table(|conn| {
        conn.execute("INSERT INTO pipeline_probe (id, label) VALUES (1, 'first')", ()).expect("insert");
        let tx = conn.unchecked_transaction().expect("begin");
        // SQLite runs it at once; PostgreSQL reports it with the next statement that waits.
        let outcome = conn
            .execute_later("INSERT INTO pipeline_probe (id, label) VALUES (1, 'again')", ())
            .and_then(|()| conn.query_row("SELECT COUNT(*) FROM pipeline_probe", (), |row| row.get::<_, i64>(0)));
        let err = outcome.expect_err("the duplicate key is reported");
        assert!(err.is_unique_violation(), "the write's own error, not a later one: {err}");
        drop(tx);
        assert_eq!(labels(conn), ["first"]);
    });
}

#[test]
fn answers_sent_with_the_commit_are_read_after_it() {
    with_probe_table(|conn| {
        let tx = conn.unchecked_transaction().expect("begin");
        conn.execute_later("INSERT INTO pipeline_probe (id, label) VALUES (1, 'one')", ()).expect("queue");
        let returned = conn
            .query_later("INSERT INTO pipeline_probe (id, label) VALUES (2, 'two') RETURNING id", ())
            .expect("queue");
        let counted = conn.query_later("SELECT COUNT(*) FROM pipeline_probe", ()).expect("queue");
        tx.commit().expect("commit");
        assert_eq!(returned.row(|row| row.get::<_, i64>(0)).expect("returned"), 2);
        assert_eq!(counted.row(|row| row.get::<_, i64>(0)).expect("counted"), 2, "statements ran in order");
        assert_eq!(labels(conn), ["one", "two"]);
    });
}

#[test]
fn a_rollback_drops_the_queued_writes() {
    with_probe_table(|conn| {
        let tx = conn.unchecked_transaction().expect("begin");
        conn.execute("INSERT INTO pipeline_probe (id, label) VALUES (1, 'sent')", ()).expect("insert");
        conn.execute_later("INSERT INTO pipeline_probe (id, label) VALUES (2, 'queued')", ()).expect("queue");
        drop(tx);
        assert!(labels(conn).is_empty(), "neither the sent nor the queued write stayed");
    });
}

#[test]
fn queued_queries_keep_their_own_answers_in_any_reading_order() {
    with_probe_table(|conn| {
        for (id, label) in [(1, "甲"), (2, "乙"), (3, "丙")] {
            conn.execute("INSERT INTO pipeline_probe (id, label) VALUES (?1, ?2)", params![id, label]).expect("insert");
        }
        let asked: Vec<_> = (1..=4_i64)
            .map(|id| conn.query_later("SELECT label FROM pipeline_probe WHERE id = ?1", [id]).expect("queue"))
            .collect();
        let mut answers: Vec<Option<String>> =
            asked.into_iter().rev().map(|later| later.row(|row| row.get(0)).optional().expect("answer")).collect();
        answers.reverse();
        assert_eq!(answers, [Some("甲".into()), Some("乙".into()), Some("丙".into()), None]);
        let all = conn.query_later("SELECT id FROM pipeline_probe ORDER BY id DESC", ()).expect("queue");
        assert_eq!(all.rows(|row| row.get::<_, i64>(0)).expect("rows"), [3, 2, 1]);
    });
}
