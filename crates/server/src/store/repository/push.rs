//! Web Push rows: the VAPID key (one row, made on first use), subscriptions per endpoint and
//! session, the members' settings, and the recipients' facts the push sender needs. A
//! subscription counts only while its session is live (not ended, not asked to wipe, within its
//! lifetime and idle time); those of ended sessions are removed when found.

use super::{SqlStore, uuid_at};
use crate::store::sql::{OptionalExtension, params};
use crate::store::{PushStore, PushTarget, StoreResult, StoredPushSubscription};
use std::collections::{HashMap, HashSet};
use weft_protocol::chat::Message;
use weft_protocol::push::{PushSettings, PushSubscription, QuietHours};
use weft_protocol::{ConversationId, MemberId, Millis, SessionId};

/// A session that still admits its member at `?2` (see `domain::sessions`).
const LIVE_SESSION: &str = "s.revoked_at IS NULL AND s.wipe_requested_at IS NULL AND s.ends_at > ?2 \
     AND s.last_seen_at + s.idle_ms >= ?2";

fn settings_of(conn: &crate::store::sql::Connection, member: MemberId) -> StoreResult<PushSettings> {
    let row = conn
        .query_row(
            "SELECT mentions_break_mute, quiet_start, quiet_end, utc_offset_minutes FROM push_settings \
             WHERE member_id = ?1",
            [member.to_string()],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((breaks, start, end, offset)) = row else { return Ok(PushSettings::default()) };
    let quiet_hours = match (start, end) {
        (Some(start), Some(end)) => Some(QuietHours {
            start: u16::try_from(start).unwrap_or_default(),
            end: u16::try_from(end).unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(PushSettings {
        mentions_break_mute: breaks != 0,
        quiet_hours,
        utc_offset_minutes: i16::try_from(offset).unwrap_or_default(),
    })
}

fn unread_total(conn: &crate::store::sql::Connection, member: MemberId) -> StoreResult<u32> {
    let total: i64 = conn.query_row(
        "SELECT CAST(COALESCE(SUM((SELECT COUNT(*) FROM messages um WHERE um.conversation_id = p.conversation_id \
            AND um.seq > COALESCE(r.seq, 0) AND (um.sender_id <> ?1 OR um.from_bot = 1) \
            AND um.recalled_at IS NULL)), 0) AS BIGINT) \
         FROM participants p \
         LEFT JOIN read_positions r ON r.conversation_id = p.conversation_id AND r.member_id = ?1 \
         WHERE p.member_id = ?1",
        [member.to_string()],
        |row| row.get(0),
    )?;
    Ok(u32::try_from(total).unwrap_or(u32::MAX))
}

impl PushStore for SqlStore {
    fn vapid_private_key(&self, make: &dyn Fn() -> String, now: Millis) -> StoreResult<String> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO push_vapid (id, private_key, created_at) VALUES (1, ?1, ?2) ON CONFLICT (id) DO NOTHING",
            params![make(), now],
        )?;
        Ok(conn.query_row("SELECT private_key FROM push_vapid WHERE id = 1", (), |row| row.get(0))?)
    }

    fn save_push_subscription(
        &self,
        member: MemberId,
        session: SessionId,
        subscription: &PushSubscription,
        now: Millis,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO push_subscriptions (endpoint, member_id, session_id, p256dh, auth, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (endpoint) DO UPDATE SET member_id = excluded.member_id, session_id = excluded.session_id, \
               p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at",
            params![
                subscription.endpoint,
                member.to_string(),
                session.to_string(),
                subscription.keys.p256dh,
                subscription.keys.auth,
                now
            ],
        )?;
        Ok(())
    }

    fn remove_push_subscription(&self, member: MemberId, endpoint: &str) -> StoreResult<bool> {
        let removed = self.conn().execute(
            "DELETE FROM push_subscriptions WHERE endpoint = ?1 AND member_id = ?2",
            params![endpoint, member.to_string()],
        )?;
        Ok(removed > 0)
    }

    fn forget_push_endpoint(&self, endpoint: &str) -> StoreResult<()> {
        self.conn().execute("DELETE FROM push_subscriptions WHERE endpoint = ?1", [endpoint])?;
        Ok(())
    }

    fn remove_session_push_subscriptions(&self, session: SessionId) -> StoreResult<()> {
        self.conn().execute("DELETE FROM push_subscriptions WHERE session_id = ?1", [session.to_string()])?;
        Ok(())
    }

    fn push_endpoints(&self, member: MemberId, session: SessionId) -> StoreResult<Vec<String>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT endpoint FROM push_subscriptions WHERE member_id = ?1 AND session_id = ?2 ORDER BY endpoint",
        )?;
        let rows = stmt.query_map(params![member.to_string(), session.to_string()], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn push_settings(&self, member: MemberId) -> StoreResult<PushSettings> {
        settings_of(&self.read(), member)
    }

    fn save_push_settings(&self, member: MemberId, settings: &PushSettings) -> StoreResult<()> {
        let (start, end) = match settings.quiet_hours {
            Some(quiet) => (Some(i64::from(quiet.start)), Some(i64::from(quiet.end))),
            None => (None, None),
        };
        self.conn().execute(
            "INSERT INTO push_settings (member_id, mentions_break_mute, quiet_start, quiet_end, utc_offset_minutes) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (member_id) DO UPDATE SET mentions_break_mute = excluded.mentions_break_mute, \
               quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, \
               utc_offset_minutes = excluded.utc_offset_minutes",
            params![
                member.to_string(),
                i64::from(settings.mentions_break_mute),
                start,
                end,
                i64::from(settings.utc_offset_minutes)
            ],
        )?;
        Ok(())
    }

    fn take_pending_pushes(&self, limit: u32) -> StoreResult<Vec<(Message, Vec<MemberId>)>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let rows: Vec<(i64, String, i64)> = tx
            .prepare_cached("SELECT id, conversation_id, seq FROM push_pending ORDER BY id LIMIT ?1")?
            .query_map([i64::from(limit)], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut taken = Vec::new();
        for (id, conversation, seq) in rows {
            tx.execute("DELETE FROM push_pending WHERE id = ?1", [id])?;
            let Ok(conversation) = conversation.parse::<uuid::Uuid>().map(ConversationId) else { continue };
            let seq = u64::try_from(seq).unwrap_or_default();
            if let Some(message) = super::message_by_seq(&tx, conversation, seq)? {
                taken.push((message, super::conversations::participant_ids(&tx, conversation)?));
            }
        }
        tx.commit()?;
        Ok(taken)
    }

    fn push_targets(
        &self,
        conversation: ConversationId,
        members: &[MemberId],
        now: Millis,
    ) -> StoreResult<Vec<PushTarget>> {
        let wanted: HashSet<MemberId> = members.iter().copied().collect();
        let mut by_member: HashMap<MemberId, Vec<StoredPushSubscription>> = HashMap::new();
        let mut ended: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        {
            let conn = self.read();
            let sql = format!(
                "SELECT ps.member_id, ps.endpoint, ps.p256dh, ps.auth, CASE WHEN {LIVE_SESSION} THEN 1 ELSE 0 END \
                 FROM push_subscriptions ps \
                 JOIN participants p ON p.member_id = ps.member_id AND p.conversation_id = ?1 \
                 JOIN sessions s ON s.id = ps.session_id \
                 ORDER BY ps.member_id, ps.endpoint"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![conversation.to_string(), now], |row| {
                Ok((
                    MemberId(uuid_at(row, 0)?),
                    StoredPushSubscription { endpoint: row.get(1)?, p256dh: row.get(2)?, auth: row.get(3)? },
                    row.get::<_, i64>(4)? != 0,
                ))
            })?;
            for row in rows {
                let (member, subscription, live) = row?;
                if !live {
                    ended.push(subscription.endpoint);
                } else if wanted.contains(&member) {
                    by_member.entry(member).or_default().push(subscription);
                }
            }
            drop(stmt);
            let mut members: Vec<_> = by_member.into_iter().collect();
            members.sort_by_key(|(member, _)| *member);
            for (member, subscriptions) in members {
                let Some(summary) =
                    super::conversations::summaries(&conn, member, Some(conversation))?.into_iter().next()
                else {
                    continue;
                };
                targets.push(PushTarget {
                    member,
                    conversation: summary,
                    settings: settings_of(&conn, member)?,
                    unread_total: unread_total(&conn, member)?,
                    subscriptions,
                });
            }
        }
        if !ended.is_empty() {
            let conn = self.conn();
            for endpoint in &ended {
                conn.execute(
                    "DELETE FROM push_subscriptions WHERE endpoint = ?1 AND session_id IN \
                     (SELECT id FROM sessions s WHERE NOT (s.revoked_at IS NULL AND s.wipe_requested_at IS NULL \
                        AND s.ends_at > ?2 AND s.last_seen_at + s.idle_ms >= ?2))",
                    params![endpoint, now],
                )?;
            }
        }
        Ok(targets)
    }
}
