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
