//! The SQLite side of the SQL interface: runs statements through rusqlite's statement cache and
//! reads rows into [`Value`]s.

use super::{Result, Rows, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Integer(number) => ToSqlOutput::Borrowed(ValueRef::Integer(*number)),
            Value::Real(number) => ToSqlOutput::Borrowed(ValueRef::Real(*number)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Blob(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

fn value_of(value: ValueRef<'_>, index: usize) -> Result<Value> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(number) => Value::Integer(number),
        ValueRef::Real(number) => Value::Real(number),
        ValueRef::Text(bytes) => {
            Value::Text(String::from_utf8(bytes.to_vec()).map_err(|err| super::Error::conversion(index, err))?)
        }
        ValueRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
    })
}

pub(super) fn query(conn: &rusqlite::Connection, sql: &str, values: &[Value]) -> Result<Rows> {
    let mut statement = conn.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(rusqlite::params_from_iter(values))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        for index in 0..columns {
            out.push(value_of(row.get_ref(index)?, index)?);
        }
    }
    Ok(Rows { columns, values: out })
}

pub(super) fn execute(conn: &rusqlite::Connection, sql: &str, values: &[Value]) -> Result<usize> {
    Ok(conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(values))?)
}
