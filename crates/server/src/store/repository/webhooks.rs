//! Outgoing webhooks and their deliveries. Queuing inserts one delivery per subscribed webhook,
//! skipping an event id the webhook already has (so a repeated event is delivered once); the
//! sender (`crate::webhook_sender`) takes due deliveries and records each attempt here.

use super::{SqlStore, corrupt, uuid_at};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{AttemptOutcome, DueDelivery, StoreError, StoreResult, WebhookStore};
use uuid::Uuid;
use weft_protocol::webhook::{Delivery, DeliveryStatus, Webhook, WebhookEvent, WebhookSettings, validate_webhook_url};
use weft_protocol::{MemberId, Millis, WebhookId};

const WEBHOOK: &str = "SELECT id, url, events, enabled, created_at FROM webhooks WHERE removed_at IS NULL";

fn events_json(events: &[WebhookEvent]) -> StoreResult<String> {
    let mut events = events.to_vec();
    events.sort();
    events.dedup();
    serde_json::to_string(&events).map_err(|err| corrupt(&err.to_string()))
}

fn webhook_from_row(row: &Row<'_>) -> crate::store::sql::Result<Webhook> {
    let events: String = row.get(2)?;
    Ok(Webhook {
        id: WebhookId(uuid_at(row, 0)?),
        url: row.get(1)?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        enabled: row.get::<_, i64>(3)? != 0,
        created_at: row.get(4)?,
    })
}

fn check(settings: &WebhookSettings) -> StoreResult<()> {
    validate_webhook_url(&settings.url).map_err(StoreError::Invalid)?;
    if settings.events.is_empty() {
        return Err(StoreError::Invalid("events: pick at least one event".into()));
    }
    Ok(())
}

fn status_name(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
    }
}

/// A stored HTTP status, if it fits one.
fn http_status(value: Option<i64>) -> Option<u16> {
    value.and_then(|v| u16::try_from(v).ok())
}

impl WebhookStore for SqlStore {
    fn webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(&format!("{WEBHOOK} ORDER BY created_at, id"))?;
        let rows = stmt.query_map((), webhook_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn create_webhook(
        &self,
        settings: &WebhookSettings,
        secret: &str,
        by: MemberId,
        now: Millis,
    ) -> StoreResult<Webhook> {
        check(settings)?;
        let id = WebhookId(Uuid::now_v7());
        let conn = self.conn();
        conn.execute(
            "INSERT INTO webhooks (id, url, events, secret, enabled, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.to_string(),
                settings.url.trim(),
                events_json(&settings.events)?,
                secret,
                i64::from(settings.enabled),
                by.to_string(),
                now
            ],
        )?;
        Ok(conn.query_row(&format!("{WEBHOOK} AND id = ?1"), [id.to_string()], webhook_from_row)?)
    }

    fn update_webhook(&self, id: WebhookId, settings: &WebhookSettings) -> StoreResult<Webhook> {
        check(settings)?;
        let conn = self.conn();
        let changed = conn.execute(
            "UPDATE webhooks SET url = ?2, events = ?3, enabled = ?4 WHERE id = ?1 AND removed_at IS NULL",
            params![id.to_string(), settings.url.trim(), events_json(&settings.events)?, i64::from(settings.enabled)],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound("webhook"));
        }
        Ok(conn.query_row(&format!("{WEBHOOK} AND id = ?1"), [id.to_string()], webhook_from_row)?)
    }

    fn remove_webhook(&self, id: WebhookId, now: Millis) -> StoreResult<Webhook> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let found = tx
            .query_row(&format!("{WEBHOOK} AND id = ?1"), [id.to_string()], webhook_from_row)
            .optional()?
            .ok_or(StoreError::NotFound("webhook"))?;
        tx.execute("UPDATE webhooks SET removed_at = ?2 WHERE id = ?1", params![id.to_string(), now])?;
        tx.execute(
            "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = 'the webhook was removed' \
             WHERE webhook_id = ?1 AND status = 'pending'",
            [id.to_string()],
        )?;
        tx.commit()?;
        Ok(found)
    }

    fn queue_event(&self, event: WebhookEvent, event_id: &str, body: &str, now: Millis) -> StoreResult<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let subscribed: Vec<(String, String)> = {
            let mut stmt =
                tx.prepare_cached("SELECT id, events FROM webhooks WHERE removed_at IS NULL AND enabled = 1")?;
            let rows = stmt.query_map((), |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut queued = 0;
        for (webhook, events) in subscribed {
            let wants: Vec<WebhookEvent> = serde_json::from_str(&events).unwrap_or_default();
            if !wants.contains(&event) {
                continue;
            }
            queued += tx.execute(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, event, body, status, created_at, next_attempt_at) \
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5) ON CONFLICT (webhook_id, event_id) DO NOTHING",
                params![webhook, event_id, event.as_str(), body, now],
            )?;
        }
        tx.commit()?;
        Ok(queued)
    }

    fn due_deliveries(&self, now: Millis, limit: u32) -> StoreResult<Vec<DueDelivery>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT d.id, w.url, w.secret, d.event, d.event_id, d.body, d.attempts FROM webhook_deliveries d \
             JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 ORDER BY d.next_attempt_at, d.id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now, i64::from(limit)], |row| {
            let event: String = row.get(3)?;
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, event, row.get(4)?, row.get(5)?, row.get::<_, i64>(6)?))
        })?;
        let mut due = Vec::new();
        for row in rows {
            let (id, url, secret, event, event_id, body, attempts) = row?;
            let event = WebhookEvent::parse(&event).ok_or_else(|| corrupt("unknown webhook event"))?;
            due.push(DueDelivery {
                id,
                url,
                secret,
                event,
                event_id,
                body,
                attempts: u32::try_from(attempts).unwrap_or(0),
            });
        }
        Ok(due)
    }

    fn record_attempt(&self, delivery: i64, outcome: &AttemptOutcome, now: Millis) -> StoreResult<()> {
        let conn = self.conn();
        match outcome {
            AttemptOutcome::Delivered { status } => conn.execute(
                "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?2, \
                 last_error = '', next_attempt_at = NULL, delivered_at = ?3 WHERE id = ?1 AND status = 'pending'",
                params![delivery, i64::from(*status), now],
            )?,
            AttemptOutcome::Failed { status, error, next_attempt_at } => conn.execute(
                "UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1, last_status = ?3, last_error = ?4, \
                 next_attempt_at = ?5 WHERE id = ?1 AND status = 'pending'",
                params![
                    delivery,
                    if next_attempt_at.is_some() { "pending" } else { "failed" },
                    status.map(i64::from),
                    error,
                    *next_attempt_at
                ],
            )?,
        };
        Ok(())
    }

    fn deliveries(&self, id: WebhookId, limit: u32) -> StoreResult<Vec<Delivery>> {
        let conn = self.read();
        conn.query_row(&format!("{WEBHOOK} AND id = ?1"), [id.to_string()], webhook_from_row)
            .optional()?
            .ok_or(StoreError::NotFound("webhook"))?;
        let mut stmt = conn.prepare_cached(
            "SELECT event_id, event, status, attempts, last_status, last_error, created_at, next_attempt_at, delivered_at \
             FROM webhook_deliveries WHERE webhook_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id.to_string(), i64::from(limit)], |row| {
            let (event, status): (String, String) = (row.get(1)?, row.get(2)?);
            Ok((
                row.get::<_, String>(0)?,
                event,
                status,
                row.get::<_, i64>(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
            ))
        })?;
        let mut list = Vec::new();
        for row in rows {
            let (event_id, event, status, attempts, last_status, last_error, created_at, next_attempt_at, delivered_at) =
                row?;
            let status = [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed]
                .into_iter()
                .find(|s| status_name(*s) == status)
                .ok_or_else(|| corrupt("unknown delivery status"))?;
            list.push(Delivery {
                event_id,
                event: WebhookEvent::parse(&event).ok_or_else(|| corrupt("unknown webhook event"))?,
                status,
                attempts: u32::try_from(attempts).unwrap_or(0),
                last_status: http_status(last_status),
                last_error,
                created_at,
                next_attempt_at,
                delivered_at,
            });
        }
        Ok(list)
    }
}
