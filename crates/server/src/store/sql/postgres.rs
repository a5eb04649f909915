//! The PostgreSQL side of the SQL interface, over `tokio-postgres`. The store is synchronous (it
//! runs on the blocking pool): each connection's socket is driven by one small runtime owned by
//! this module, and a call blocks its own thread on the client's future (which only talks to
//! that connection task over channels). That works from any thread, also from inside another
//! runtime's task (a test), where blocking on a runtime would panic.
//!
//! Statements travel in a pipeline: a statement whose answer is not needed yet (a transaction's
//! `BEGIN`, a write queued with `execute_later`, a read started with `query_later`) is only
//! queued, and the next call that must wait sends every queued statement together with its own,
//! so they cost one round trip instead of one each. PostgreSQL runs them in order, as if sent one
//! by one; the first failure among the queued writes is the error of the call that waited.
//!
//! Statements are prepared once per connection (keyed by their SQL) and reused. Placeholders are
//! written `?N` in the shared SQL and become `$N` here. Values are encoded by the type PostgreSQL
//! inferred for each placeholder and decoded by each column's type, so an integer bound where
//! PostgreSQL expects text (or the reverse) converts instead of failing.

use super::{Error, Result, Rows, Value};
use bytes::BytesMut;
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Statement};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// Where to connect: a `postgres://` URL, and optionally a schema to work in (tests give each
/// store its own schema in one database).
#[derive(Debug, Clone)]
pub struct PostgresTarget {
    pub url: String,
    pub schema: Option<String>,
    /// Whether a commit waits until PostgreSQL has flushed it to disk. Off by default, the same
    /// promise as the embedded SQLite (WAL, `synchronous = NORMAL`): a commit survives the
    /// server process crashing, and the last moments of commits (at most three times
    /// `wal_writer_delay`, 0.6 s by default) may be lost if the database machine loses power.
    /// With one writer connection, waiting for every flush limits writes to the disk's flush
    /// rate (README, "Server under load").
    pub synchronous_commit: bool,
}

impl PostgresTarget {
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), schema: None, synchronous_commit: false }
    }

    /// Whether `url` names a PostgreSQL database (rather than a SQLite file).
    pub fn is_postgres_url(url: &str) -> bool {
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }
}

/// The runtime that drives every PostgreSQL connection's socket.
fn io_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("weft-postgres-io")
            .enable_all()
            .build()
            .expect("the PostgreSQL I/O runtime starts")
    })
}

/// Runs `work` on the I/O runtime and waits for its result on this thread (for connecting, which
/// needs the runtime's sockets and timers).
fn on_io_runtime<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    io_runtime().spawn(async move {
        // The receiver waits below; it is gone only if this thread died.
        let _ = sender.send(work.await);
    });
    receiver.recv().expect("the PostgreSQL I/O runtime answers every call")
}

/// Waits on this thread for a client call; the connection task on the I/O runtime does the I/O.
fn wait_for<T>(call: impl Future<Output = T>) -> T {
    futures_executor::block_on(call)
}

/// What PostgreSQL answered to one statement.
enum Answer {
    Rows(Rows),
    Changed(u64),
    Done,
}

/// A statement's answer, still to come.
type Reply = Pin<Box<dyn Future<Output = Result<Answer>> + Send>>;

/// A queued statement, numbered; `awaited` when a caller will ask for its answer (otherwise
/// only its failure matters).
struct Queued {
    slot: u64,
    awaited: bool,
    reply: Reply,
}

/// Statements queued but not yet sent, and answers received but not yet asked for.
#[derive(Default)]
struct Pipeline {
    next_slot: u64,
    queued: Vec<Queued>,
    answered: HashMap<u64, Result<Answer>>,
}

/// A statement to queue.
enum Request {
    Query(Statement, Vec<Value>),
    Execute(Statement, Vec<Value>),
    Batch(String),
}

/// One PostgreSQL session with its prepared statements.
pub(crate) struct PgConnection {
    client: Arc<Client>,
    statements: RefCell<HashMap<String, Statement>>,
    pipeline: RefCell<Pipeline>,
}

impl PgConnection {
    /// Connects; with a schema, works inside it (falling back to `public` for extensions).
    pub(crate) fn connect(target: &PostgresTarget) -> Result<Self> {
        let url = target.url.clone();
        let client = on_io_runtime(async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls).await?;
            tokio::spawn(async move {
                if let Err(err) = connection.await {
                    tracing::warn!("a PostgreSQL connection ended: {err}");
                }
            });
            Ok::<_, tokio_postgres::Error>(client)
        })?;
        let conn =
            Self { client: Arc::new(client), statements: RefCell::new(HashMap::new()), pipeline: RefCell::default() };
        if !target.synchronous_commit {
            conn.batch("SET synchronous_commit = off")?;
        }
        if let Some(schema) = &target.schema {
            conn.batch(&format!("SET search_path TO {}, public", quote_identifier(schema)))?;
        }
        Ok(conn)
    }

    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let translated = numbered_placeholders(sql);
        let statement = wait_for(self.client.prepare(&translated))?;
        self.statements.borrow_mut().insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    pub(crate) fn query(&self, sql: &str, values: Vec<Value>) -> Result<Rows> {
        let slot = self.query_later(sql, values)?;
        self.rows(slot)
    }

    pub(crate) fn execute(&self, sql: &str, values: Vec<Value>) -> Result<usize> {
        let slot = self.enqueue(Request::Execute(self.statement(sql)?, values), true);
        match self.answer(slot)? {
            Answer::Changed(count) => Ok(usize::try_from(count).unwrap_or(usize::MAX)),
            _ => Err(Error::Schema("an execute answered with rows".into())),
        }
    }

    /// Runs statements without parameters (the simple query protocol: several at once).
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        let slot = self.enqueue(Request::Batch(sql.to_owned()), true);
        self.answer(slot).map(drop)
    }

    /// Queues statements without parameters; they go with the next statement that waits.
    pub(crate) fn batch_later(&self, sql: &str) {
        self.enqueue(Request::Batch(sql.to_owned()), false);
    }

    /// Queues a write whose count of changed rows nobody needs; it goes with the next statement
    /// that waits, whose caller gets its error if it fails.
    pub(crate) fn execute_later(&self, sql: &str, values: Vec<Value>) -> Result<()> {
        self.enqueue(Request::Execute(self.statement(sql)?, values), false);
        Ok(())
    }

    /// Queues a query; its rows are read with [`Self::rows`] (which sends it if still queued).
    pub(crate) fn query_later(&self, sql: &str, values: Vec<Value>) -> Result<u64> {
        Ok(self.enqueue(Request::Query(self.statement(sql)?, values), true))
    }

    /// The rows of a query queued with [`Self::query_later`].
    pub(crate) fn rows(&self, slot: u64) -> Result<Rows> {
        match self.answer(slot)? {
            Answer::Rows(rows) => Ok(rows),
            _ => Err(Error::Schema("a query answered without rows".into())),
        }
    }

    /// Drops what is queued and forgets answers nobody asked for (a transaction ended).
    pub(crate) fn forget_pipeline(&self) {
        let mut pipeline = self.pipeline.borrow_mut();
        pipeline.queued.clear();
        pipeline.answered.clear();
    }

    fn enqueue(&self, request: Request, awaited: bool) -> u64 {
        let client = Arc::clone(&self.client);
        let reply: Reply = match request {
            Request::Query(statement, values) => Box::pin(async move {
                let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                let rows = client.query(&statement, &params).await?;
                let columns = statement.columns().len();
                let mut out = Vec::with_capacity(rows.len() * columns);
                for row in &rows {
                    for index in 0..columns {
                        out.push(row.try_get::<_, Cell>(index)?.0);
                    }
                }
                Ok(Answer::Rows(Rows { columns, values: out }))
            }),
            Request::Execute(statement, values) => Box::pin(async move {
                let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                Ok(Answer::Changed(client.execute(&statement, &params).await?))
            }),
            Request::Batch(sql) => Box::pin(async move {
                client.batch_execute(&sql).await?;
                Ok(Answer::Done)
            }),
        };
        let mut pipeline = self.pipeline.borrow_mut();
        let slot = pipeline.next_slot;
        pipeline.next_slot += 1;
        pipeline.queued.push(Queued { slot, awaited, reply });
        slot
    }

    /// The answer to `slot`, sending everything queued (in order, together) if it is still
    /// queued. When a statement sent together with it failed, the first such failure is this
    /// call's error (PostgreSQL then refuses the rest of the transaction anyway), and a caller
    /// who later asks for that statement's own answer gets its message.
    fn answer(&self, slot: u64) -> Result<Answer> {
        if let Some(answer) = self.pipeline.borrow_mut().answered.remove(&slot) {
            return answer;
        }
        let queued = std::mem::take(&mut self.pipeline.borrow_mut().queued);
        let (slots, replies): (Vec<_>, Vec<_>) =
            queued.into_iter().map(|queued| ((queued.slot, queued.awaited), queued.reply)).unzip();
        // `join_all` polls each reply in order before waiting, so every request is written to
        // the connection before the first answer is awaited.
        let answers = wait_for(futures_util::future::join_all(replies));
        let mut first_failure = None;
        let mut own = None;
        let mut pipeline = self.pipeline.borrow_mut();
        for ((queued_slot, awaited), answer) in slots.into_iter().zip(answers) {
            let answer = match answer {
                Err(err) if first_failure.is_none() => {
                    let message = Err(Error::Schema(err.to_string()));
                    first_failure = Some(err);
                    message
                }
                answer => answer,
            };
            if queued_slot == slot {
                own = Some(answer);
            } else if awaited {
                pipeline.answered.insert(queued_slot, answer);
            }
        }
        if let Some(err) = first_failure {
            return Err(err);
        }
        own.unwrap_or_else(|| Err(Error::Schema("an answer was asked for twice".into())))
    }

    /// Before a transaction: answers from an earlier one that nobody read are dropped.
    pub(crate) fn forget_answers(&self) {
        self.pipeline.borrow_mut().answered.clear();
    }

    /// Forgets prepared statements (after the schema changed under them).
    pub(crate) fn forget_statements(&self) {
        self.statements.borrow_mut().clear();
    }
}

/// `"name"`, with embedded quotes doubled.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Rewrites `?N` placeholders as `$N` (and a bare `?` as the next number), leaving quoted text
/// and identifiers alone.
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut next_bare = 1;
    while let Some(ch) = chars.next() {
        match quote {
            Some(open) => {
                out.push(ch);
                if ch == open {
                    quote = None;
                }
            }
            None if ch == '\'' || ch == '"' => {
                quote = Some(ch);
                out.push(ch);
            }
            None if ch == '?' => {
                out.push('$');
                let mut digits = String::new();
                while let Some(digit) = chars.peek().filter(|c| c.is_ascii_digit()) {
                    digits.push(*digit);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&next_bare.to_string());
                    next_bare += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            None => out.push(ch),
        }
    }
    out
}

fn is_text_type(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON)
        || ty.name() == "citext"
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(number) => match *ty {
                Type::INT8 => number.to_sql(ty, out),
                Type::INT4 => i32::try_from(*number)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*number)?.to_sql(ty, out),
                Type::BOOL => (*number != 0).to_sql(ty, out),
                #[allow(clippy::cast_precision_loss)]
                Type::FLOAT8 => (*number as f64).to_sql(ty, out),
                _ if is_text_type(ty) => text_to_sql(&number.to_string(), ty, out),
                _ => Err(format!("cannot bind an integer to a {ty} parameter").into()),
            },
            Value::Real(number) => match *ty {
                Type::FLOAT8 => number.to_sql(ty, out),
                _ if is_text_type(ty) => text_to_sql(&number.to_string(), ty, out),
                _ => Err(format!("cannot bind a real number to a {ty} parameter").into()),
            },
            Value::Text(text) => match *ty {
                Type::INT8 => text.parse::<i64>()?.to_sql(ty, out),
                Type::INT4 => text.parse::<i32>()?.to_sql(ty, out),
                Type::BYTEA => text.as_bytes().to_sql(ty, out),
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(text.as_bytes());
                    Ok(IsNull::No)
                }
                _ => text_to_sql(text, ty, out),
            },
            Value::Blob(bytes) => bytes.as_slice().to_sql(&Type::BYTEA, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn text_to_sql(text: &str, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    if !is_text_type(ty) {
        return Err(format!("cannot bind text to a {ty} parameter").into());
    }
    out.extend_from_slice(text.as_bytes());
    Ok(IsNull::No)
}

/// A column value decoded by its PostgreSQL type.
struct Cell(Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Self(match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Integer(i64::from(i16::from_sql(ty, raw)?)),
            Type::OID => Value::Integer(i64::from(u32::from_sql(ty, raw)?)),
            Type::BOOL => Value::Integer(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(String::from_utf8(raw.get(1..).unwrap_or_default().to_vec())?),
            _ if is_text_type(ty) => Value::Text(String::from_utf8(raw.to_vec())?),
            _ => return Err(format!("columns of type {ty} are not read by Weft (cast to BIGINT or TEXT)").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Self(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::numbered_placeholders;

    #[test]
    fn placeholders_are_numbered_outside_quotes_only() {
        assert_eq!(numbered_placeholders("SELECT ?1, ?12 WHERE a = ?2"), "SELECT $1, $12 WHERE a = $2");
        assert_eq!(numbered_placeholders("SELECT '?1', \"a?\" , ?"), "SELECT '?1', \"a?\" , $1");
        assert_eq!(numbered_placeholders("SELECT 'it''s ?' || ?3"), "SELECT 'it''s ?' || $3");
    }
}
