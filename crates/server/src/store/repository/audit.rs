//! The workspace audit log: appending entries, listing them newest first with filters, and
//! removing those past the retention. The table refuses updates, and deletes of entries newer
//! than its purge line (triggers, both backends).

use super::{SqlStore, corrupt, seq_at, to_sql_seq, uuid_at};
use crate::store::sql::{Connection, Row, Value, params};
use crate::store::{AuditFilter, AuditRecord, AuditStore, MAX_AUDIT_PAGE, StoreResult};
use weft_protocol::audit::{AuditAction, AuditEntry, AuditPage};
use weft_protocol::{MemberId, Millis};

/// The actor of what the server does on its own (removing entries past the retention).
pub const SERVER_ACTOR: &str = "weft";

fn action_name(action: AuditAction) -> String {
    serde_json::to_value(action).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

fn entry_from_row(row: &Row<'_>) -> crate::store::sql::Result<(AuditEntry, String, String)> {
    let actor_id: Option<String> = row.get(2)?;
    let entry = AuditEntry {
        id: seq_at(row, 0)?,
        at: row.get(1)?,
        actor_id: match actor_id {
            Some(_) => Some(MemberId(uuid_at(row, 2)?)),
            None => None,
        },
        actor: row.get(3)?,
        // Filled in below from the two texts.
        action: AuditAction::SignedIn,
        target: row.get(5)?,
        detail: serde_json::Value::Null,
        address: row.get(7)?,
    };
    Ok((entry, row.get(4)?, row.get(6)?))
}

/// Appends one entry on this connection (or transaction).
fn insert_entry(conn: &Connection, record: &AuditRecord) -> StoreResult<()> {
    let detail = serde_json::to_string(&record.detail).map_err(|err| corrupt(&err.to_string()))?;
    conn.execute(
        // The actor's userid as stored when the record names a member, else the name given.
        "INSERT INTO audit_log (at, actor_id, actor, action, target, detail, address) \
             VALUES (?1, ?2, COALESCE((SELECT userid FROM members WHERE id = ?2), ?3), ?4, ?5, ?6, ?7)",
        params![
            record.at,
            record.actor_id.map(|id| id.to_string()),
            record.actor,
            action_name(record.action),
            record.target,
            detail,
            record.address,
        ],
    )?;
    Ok(())
}

impl AuditStore for SqlStore {
    fn record_audit(&self, record: &AuditRecord) -> StoreResult<()> {
        insert_entry(&self.conn(), record)
    }

    fn remove_audit_before(
        &self,
        before: Millis,
        retention_days: u32,
        now: Millis,
        limit: usize,
    ) -> StoreResult<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        // The line never moves back (a trigger refuses): a longer retention set later keeps
        // what is left, and removes nothing until entries age past the old line.
        tx.execute("UPDATE audit_log_purge_line SET before_at = ?1 WHERE before_at < ?1", params![before])?;
        let removed = tx.execute(
            &format!(
                "DELETE FROM audit_log WHERE id IN \
                 (SELECT id FROM audit_log WHERE at < ?1 ORDER BY id LIMIT {})",
                limit.max(1)
            ),
            params![before],
        )?;
        if removed > 0 {
            insert_entry(
                &tx,
                &AuditRecord {
                    at: now,
                    actor_id: None,
                    actor: SERVER_ACTOR.to_owned(),
                    action: AuditAction::AuditEntriesRemoved,
                    target: "audit_log".to_owned(),
                    detail: serde_json::json!({ "removed": removed, "retention_days": retention_days }),
                    address: None,
                },
            )?;
        }
        tx.commit()?;
        Ok(removed)
    }

    fn audit_log(&self, filter: &AuditFilter) -> StoreResult<AuditPage> {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        let mut condition = |sql: &str, value: Value| {
            values.push(value);
            conditions.push(sql.replace('?', &format!("?{}", values.len())));
        };
        if let Some(action) = filter.action {
            condition("action = ?", Value::Text(action_name(action)));
        }
        if let Some(actor) = &filter.actor {
            condition("actor = ?", Value::Text(actor.clone()));
        }
        if let Some(target) = &filter.target {
            condition("target = ?", Value::Text(target.clone()));
        }
        if let Some(since) = filter.since {
            condition("at >= ?", Value::Integer(since));
        }
        if let Some(until) = filter.until {
            condition("at < ?", Value::Integer(until));
        }
        if let Some(before) = filter.before {
            condition("id < ?", Value::Integer(to_sql_seq(before)));
        }
        let limit = filter.limit.clamp(1, MAX_AUDIT_PAGE);
        let filtered =
            if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let sql = format!(
            "SELECT id, at, actor_id, actor, action, target, detail, address FROM audit_log {filtered} \
             ORDER BY id DESC LIMIT {}",
            limit + 1
        );
        let rows: Vec<(AuditEntry, String, String)> =
            self.read().prepare(&sql)?.query_map(values, entry_from_row)?.collect::<Result<_, _>>()?;
        let mut entries = Vec::with_capacity(rows.len().min(limit));
        for (mut entry, action, detail) in rows.into_iter().take(limit + 1) {
            entry.action =
                serde_json::from_value(serde_json::Value::String(action)).map_err(|err| corrupt(&err.to_string()))?;
            entry.detail = serde_json::from_str(&detail).map_err(|err| corrupt(&err.to_string()))?;
            entries.push(entry);
        }
        let next_before = (entries.len() > limit).then(|| {
            entries.truncate(limit);
            entries.last().map(|entry| entry.id)
        });
        Ok(AuditPage { entries, next_before: next_before.flatten() })
    }
}
