//! The one SQL interface the repositories are written against, with two backends: SQLite
//! (`rusqlite`, the embedded default) and PostgreSQL (`tokio-postgres`). Its surface follows
//! rusqlite's (`execute`, `query_row`, `prepare_cached` + `query_map`, transactions, `params!`),
//! so each repository states its SQL and row mapping once and both databases run it.
//!
//! Values cross the boundary as [`Value`] (null, integer, real, text, bytes), the types both
//! databases share: integers are 64-bit, booleans are stored as 0/1, identifiers as text. The SQL
//! is written in the common dialect of both (`?N` placeholders become `$N` for PostgreSQL;
//! `ON CONFLICT … DO NOTHING` instead of `INSERT OR IGNORE`; `CASE` instead of two-argument `MAX`).

#[cfg(test)]
mod pipeline_tests;
mod postgres;
mod sqlite;

pub use postgres::PostgresTarget;
pub(crate) use postgres::{PgConnection, quote_identifier};

use std::ops::Deref;

/// One value read from or bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// The error of this layer: a database failure, a row that does not have the expected shape, or
/// a query that was to return a row and returned none.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {}", describe_postgres(.0))]
    Postgres(#[from] tokio_postgres::Error),
    #[error("query returned no rows")]
    NoRows,
    #[error("column {index}: {message}")]
    Conversion { index: usize, message: String },
    #[error("{0}")]
    Schema(String),
}

impl Error {
    /// A column could not be read as the type asked for.
    pub fn conversion(index: usize, message: impl std::fmt::Display) -> Self {
        Self::Conversion { index, message: message.to_string() }
    }

    /// Whether a unique (or primary key) constraint refused the statement.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Self::Sqlite(rusqlite::Error::SqliteFailure(failure, _)) => {
                failure.code == rusqlite::ErrorCode::ConstraintViolation
            }
            Self::Postgres(err) => err.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }
}

/// PostgreSQL's own words for a refused statement (its message, detail and position), which
/// `tokio_postgres::Error`'s display leaves out.
fn describe_postgres(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => {
            let mut text = format!("{} ({})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(": {detail}"));
            }
            if let Some(tokio_postgres::error::ErrorPosition::Original(position)) = db.position() {
                text.push_str(&format!(" at character {position}"));
            }
            text
        }
        None => err.to_string(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A Rust value that can be bound to a placeholder.
pub trait ToSql {
    fn to_value(&self) -> Value;
}

/// A Rust value a column can be read as.
pub trait FromSql: Sized {
    fn from_value(value: &Value) -> Result<Self, String>;
}

impl ToSql for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToSql::to_value)
    }
}

impl ToSql for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl ToSql for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToSql for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToSql for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl ToSql for bool {
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}

impl ToSql for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

macro_rules! integer_to_sql {
    ($($ty:ty),*) => {$(
        impl ToSql for $ty {
            fn to_value(&self) -> Value {
                // Values beyond i64 (never stored by Weft) saturate rather than wrap.
                Value::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
        impl FromSql for $ty {
            fn from_value(value: &Value) -> Result<Self, String> {
                match value {
                    Value::Integer(number) => <$ty>::try_from(*number).map_err(|err| err.to_string()),
                    other => Err(format!("expected an integer, found {other:?}")),
                }
            }
        }
    )*};
}
integer_to_sql!(i64, i32, i16, u8, u16, u32, u64, usize);

impl FromSql for Value {
    fn from_value(value: &Value) -> Result<Self, String> {
        Ok(value.clone())
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl FromSql for String {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Text(text) => Ok(text.clone()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl FromSql for Vec<u8> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Blob(bytes) => Ok(bytes.clone()),
            Value::Text(text) => Ok(text.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}

impl FromSql for bool {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Integer(number) => Ok(*number != 0),
            other => Err(format!("expected a boolean, found {other:?}")),
        }
    }
}

impl FromSql for f64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Real(number) => Ok(*number),
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(number) => Ok(*number as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

/// What a statement's placeholders are bound to: `()`, an array of values, or `params![…]`.
pub trait Params {
    fn into_values(self) -> Vec<Value>;
}

impl Params for () {
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
}

impl Params for &[&dyn ToSql] {
    fn into_values(self) -> Vec<Value> {
        self.iter().map(|param| param.to_value()).collect()
    }
}

impl<T: ToSql, const N: usize> Params for [T; N] {
    fn into_values(self) -> Vec<Value> {
        self.iter().map(ToSql::to_value).collect()
    }
}

impl Params for Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self
    }
}

/// Binds mixed values to a statement's placeholders, in order: `params![id, name, now]`.
macro_rules! params {
    () => { () };
    ($($param:expr),+ $(,)?) => {
        &[$(&$param as &dyn $crate::store::sql::ToSql),+] as &[&dyn $crate::store::sql::ToSql]
    };
}
pub(crate) use params;

/// A column position (a trait with one implementation, so `row.get(0)` infers `usize`).
pub trait RowIndex {
    fn position(self) -> usize;
}

impl RowIndex for usize {
    fn position(self) -> usize {
        self
    }
}

/// One row of a result, read by column index.
pub struct Row<'a> {
    values: &'a [Value],
}

impl Row<'_> {
    /// The column at `index`, as `T`.
    pub fn get<I: RowIndex, T: FromSql>(&self, index: I) -> Result<T> {
        let index = index.position();
        let value = self.values.get(index).ok_or_else(|| Error::conversion(index, "no such column"))?;
        T::from_value(value).map_err(|message| Error::conversion(index, message))
    }
}

/// The rows of a result, column values laid out row after row.
pub(crate) struct Rows {
    columns: usize,
    values: Vec<Value>,
}

impl Rows {
    /// The first column of the first row ([`Error::NoRows`] without one).
    pub(crate) fn first_value<T: FromSql>(&self) -> Result<T> {
        let first = self.iter().next().ok_or(Error::NoRows)?;
        first.get(0)
    }

    fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        // A result without columns has no values to read; each of its rows is empty.
        self.values.chunks(self.columns.max(1)).map(|values| Row { values })
    }
}

/// `None` instead of [`Error::NoRows`], as rusqlite's `OptionalExtension`.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::NoRows) => Ok(None),
            Err(err) => Err(err),
        }
    }
}

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::PgConnection),
}

/// A connection to either database.
pub struct Connection {
    backend: Backend,
}

impl Connection {
    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Self {
        Self { backend: Backend::Sqlite(conn) }
    }

    pub(crate) fn postgres(conn: postgres::PgConnection) -> Self {
        Self { backend: Backend::Postgres(conn) }
    }

    /// The SQLite connection underneath, for what only SQLite has (pragmas, its migrations).
    pub(crate) fn as_sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.backend {
            Backend::Sqlite(conn) => Some(conn),
            Backend::Postgres(_) => None,
        }
    }

    pub(crate) fn as_postgres(&self) -> Option<&postgres::PgConnection> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(conn) => Some(conn),
        }
    }

    fn run_query(&self, sql: &str, values: Vec<Value>) -> Result<Rows> {
        match &self.backend {
            Backend::Sqlite(conn) => sqlite::query(conn, sql, &values),
            Backend::Postgres(conn) => conn.query(sql, values),
        }
    }

    fn run_execute(&self, sql: &str, values: Vec<Value>) -> Result<usize> {
        match &self.backend {
            Backend::Sqlite(conn) => sqlite::execute(conn, sql, &values),
            Backend::Postgres(conn) => conn.execute(sql, values),
        }
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        self.run_execute(sql, params.into_values())
    }

    /// Runs a write whose count of changed rows is not needed. On PostgreSQL it is queued and
    /// sent with the next statement that waits for an answer (whose caller then gets this
    /// write's error, if any); SQLite runs it at once.
    pub fn execute_later(&self, sql: &str, params: impl Params) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(conn) => sqlite::execute(conn, sql, &params.into_values()).map(drop),
            Backend::Postgres(conn) => conn.execute_later(sql, params.into_values()),
        }
    }

    /// Starts a query whose rows are read later with [`Later::row`] or [`Later::rows`]. On
    /// PostgreSQL, queries started one after another travel together: one round trip for all.
    pub fn query_later(&self, sql: &str, params: impl Params) -> Result<Later<'_>> {
        let state = match &self.backend {
            Backend::Sqlite(conn) => LaterRows::Ready(sqlite::query(conn, sql, &params.into_values())),
            Backend::Postgres(conn) => LaterRows::Queued(conn.query_later(sql, params.into_values())?),
        };
        Ok(Later { conn: self, state })
    }

    /// Runs several statements without parameters (schema, transaction control).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Backend::Postgres(conn) => conn.batch(sql),
        }
    }

    /// The first row, mapped; [`Error::NoRows`] when there is none.
    pub fn query_row<T, F>(&self, sql: &str, params: impl Params, map: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let rows = self.run_query(sql, params.into_values())?;
        let first = rows.iter().next().ok_or(Error::NoRows)?;
        map(&first)
    }

    /// A statement to run, prepared once per connection and reused.
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement { conn: self, sql: sql.to_owned() })
    }

    /// As [`Self::prepare_cached`] (both backends cache every statement).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// Begins a transaction; it rolls back unless committed.
    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.unchecked_transaction()
    }

    /// Begins a transaction through a shared reference (the caller holds the connection's lock).
    pub fn unchecked_transaction(&self) -> Result<Transaction<'_>> {
        match &self.backend {
            Backend::Sqlite(conn) => conn.execute_batch("BEGIN")?,
            // Sent with the transaction's first statement.
            Backend::Postgres(conn) => {
                conn.forget_answers();
                conn.batch_later("BEGIN");
            }
        }
        Ok(Transaction { conn: self, finished: false })
    }

    /// Ends the transaction with `COMMIT` or `ROLLBACK`.
    fn finish(&self, how: &str) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(conn) => Ok(conn.execute_batch(how)?),
            Backend::Postgres(conn) => {
                if how == "ROLLBACK" {
                    // Statements not yet sent need not be.
                    conn.forget_pipeline();
                }
                // After a commit, queries sent with it can still be read.
                conn.batch(how)
            }
        }
    }
}

enum LaterRows {
    Ready(Result<Rows>),
    Queued(u64),
}

/// The rows of a query started with [`Connection::query_later`].
pub struct Later<'c> {
    conn: &'c Connection,
    state: LaterRows,
}

impl Later<'_> {
    fn into_rows(self) -> Result<Rows> {
        match (self.state, &self.conn.backend) {
            (LaterRows::Ready(rows), _) => rows,
            (LaterRows::Queued(slot), Backend::Postgres(conn)) => conn.rows(slot),
            (LaterRows::Queued(_), Backend::Sqlite(_)) => Err(Error::Schema("SQLite queues no queries".into())),
        }
    }

    /// The first row, mapped; [`Error::NoRows`] when there is none.
    pub fn row<T>(self, map: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        let rows = self.into_rows()?;
        let first = rows.iter().next().ok_or(Error::NoRows)?;
        map(&first)
    }

    /// Every row, mapped.
    pub fn rows<T>(self, mut map: impl FnMut(&Row<'_>) -> Result<T>) -> Result<Vec<T>> {
        self.into_rows()?.iter().map(|row| map(&row)).collect()
    }
}

/// A statement bound to its connection.
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
}

impl Statement<'_> {
    /// Every row, mapped (eagerly: the rows are read before the first is mapped).
    pub fn query_map<T, F>(&mut self, params: impl Params, mut map: F) -> Result<std::vec::IntoIter<Result<T>>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let rows = self.conn.run_query(&self.sql, params.into_values())?;
        let mapped: Vec<Result<T>> = rows.iter().map(|row| map(&row)).collect();
        Ok(mapped.into_iter())
    }

    pub fn query_row<T, F>(&mut self, params: impl Params, map: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.conn.query_row(&self.sql, params, map)
    }

    pub fn execute(&mut self, params: impl Params) -> Result<usize> {
        self.conn.execute(&self.sql, params)
    }
}

/// An open transaction; dropping it without [`Transaction::commit`] rolls it back.
pub struct Transaction<'c> {
    conn: &'c Connection,
    finished: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.finished = true;
        self.conn.finish("COMMIT")
    }

    pub fn rollback(mut self) -> Result<()> {
        self.finished = true;
        self.conn.finish("ROLLBACK")
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Nothing more can be done about a failed rollback: the connection reports the
            // transaction's state to its next statement.
            let _ = self.conn.finish("ROLLBACK");
        }
    }
}
