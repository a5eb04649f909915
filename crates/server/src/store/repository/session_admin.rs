//! Sessions as administrators manage them: every member's sessions (with the ends the check
//! would find now), remote sign-out and wipe, departments' session policies (live sessions take
//! a changed idle time at once), and kiosk enrolment codes.

use super::sessions::{end_from, end_session, load_policy_tree, mode_from, policy_of, revoke_all_sessions};
use super::{SqlStore, corrupt, uuid_at};
use crate::domain::sessions::{self, SessionCheck, SessionFacts};
use crate::store::sql::{Connection, OptionalExtension, Row, params};
use crate::store::{SessionAdmin, StoreResult};
use uuid::Uuid;
use weft_protocol::auth::{
    AdminSessionInfo, DepartmentSessionPolicy, KioskCode, SessionEnd, SessionPolicies, SessionPolicy,
};
use weft_protocol::{DepartmentId, KioskCodeId, MemberId, Millis, SessionId};

/// How far back the list of ended sessions reaches.
const ENDED_KEPT_MS: Millis = 30 * 24 * 3_600_000;
const MAX_LISTED: i64 = 500;

const ADMIN_SELECT: &str = "SELECT s.id, s.member_id, m.userid, m.name, s.device, s.mode, s.address, k.label, \
     s.created_at, s.last_seen_at, s.revoked_at, s.ended_reason, s.wipe_requested_at, s.wiped_at, \
     m.status = 'active', s.idle_ms, s.ends_at \
     FROM sessions s JOIN members m ON m.id = s.member_id LEFT JOIN kiosk_codes k ON k.id = s.kiosk_code_id";

/// A listed session, with the end the session check would find at `now` if none is recorded yet.
fn admin_session_from_row(row: &Row<'_>, now: Millis) -> crate::store::sql::Result<AdminSessionInfo> {
    let revoked_at: Option<Millis> = row.get(10)?;
    let reason: Option<String> = row.get(11)?;
    let wipe_requested_at: Option<Millis> = row.get(12)?;
    let last_seen_at: Millis = row.get(9)?;
    let idle_ms: Millis = row.get(15)?;
    let ends_at: Millis = row.get(16)?;
    let facts = SessionFacts {
        ended: revoked_at.map(|_| end_from(reason.as_deref())),
        member_active: row.get(14)?,
        last_seen_at,
        idle_ms,
        ends_at,
        wipe_requested: wipe_requested_at.is_some(),
    };
    let (ended, ended_at) = match sessions::check(facts, now) {
        SessionCheck::Ended { reason, .. } => {
            let at = revoked_at.unwrap_or(match reason {
                SessionEnd::Idle => last_seen_at + idle_ms,
                SessionEnd::Expired => ends_at,
                _ => now,
            });
            (Some(reason), Some(at))
        }
        SessionCheck::Admitted { .. } | SessionCheck::WipeRequired => (None, None),
    };
    Ok(AdminSessionInfo {
        id: SessionId(uuid_at(row, 0)?),
        member_id: MemberId(uuid_at(row, 1)?),
        userid: row.get(2)?,
        name: row.get(3)?,
        device: row.get(4)?,
        mode: mode_from(&row.get::<_, String>(5)?),
        address: row.get(6)?,
        kiosk: row.get(7)?,
        created_at: row.get(8)?,
        last_seen_at,
        ended,
        ended_at,
        wipe_requested_at,
        wiped_at: row.get(13)?,
    })
}

fn kiosk_from_row(row: &Row<'_>) -> crate::store::sql::Result<KioskCode> {
    Ok(KioskCode {
        id: KioskCodeId(uuid_at(row, 0)?),
        label: row.get(1)?,
        code: None,
        created_at: row.get(2)?,
        revoked_at: row.get(3)?,
    })
}

fn department_name(conn: &Connection, department: &DepartmentId) -> StoreResult<Option<String>> {
    Ok(conn.query_row("SELECT name FROM departments WHERE id = ?1", [&department.0], |row| row.get(0)).optional()?)
}

/// Gives every live session the idle time its member's policy now sets (lifetimes stay as
/// they were given at sign-in unless the new policy ends them sooner).
fn refresh_live_sessions(conn: &Connection) -> StoreResult<()> {
    let tree = load_policy_tree(conn)?;
    let live: Vec<(SessionId, MemberId, String, Millis)> = conn
        .prepare_cached("SELECT id, member_id, mode, created_at FROM sessions WHERE revoked_at IS NULL")?
        .query_map((), |row| Ok((SessionId(uuid_at(row, 0)?), MemberId(uuid_at(row, 1)?), row.get(2)?, row.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (session, member, mode, created_at) in live {
        let policy = policy_of(conn, &tree, member)?;
        let terms = sessions::terms(&policy, mode_from(&mode), false, created_at);
        conn.prepare_cached(
            "UPDATE sessions SET idle_ms = ?2, ends_at = CASE WHEN ends_at < ?3 THEN ends_at ELSE ?3 END WHERE id = ?1",
        )?
        .execute(params![session.to_string(), sessions::idle_ms(&terms.lifetimes), terms.ends_at])?;
    }
    Ok(())
}

impl SessionAdmin for SqlStore {
    fn admin_sessions(
        &self,
        member: Option<MemberId>,
        include_ended: bool,
        now: Millis,
    ) -> StoreResult<Vec<AdminSessionInfo>> {
        let conn = self.read();
        // Live sessions, and those ended since `since` (none when ended ones are not asked for).
        let which = "(s.revoked_at IS NULL OR s.revoked_at > ?1)";
        let since = if include_ended { now - ENDED_KEPT_MS } else { Millis::MAX };
        let rows: Vec<AdminSessionInfo> = match member {
            Some(member) => conn
                .prepare(&format!(
                    "{ADMIN_SELECT} WHERE {which} AND s.member_id = ?2 ORDER BY s.last_seen_at DESC LIMIT {MAX_LISTED}"
                ))?
                .query_map(params![since, member.to_string()], |row| admin_session_from_row(row, now))?
                .collect::<Result<_, _>>()?,
            None => conn
                .prepare(&format!("{ADMIN_SELECT} WHERE {which} ORDER BY s.last_seen_at DESC LIMIT {MAX_LISTED}"))?
                .query_map(params![since], |row| admin_session_from_row(row, now))?
                .collect::<Result<_, _>>()?,
        };
        // A session idle or past its end is over even before a request records it.
        Ok(rows.into_iter().filter(|session| include_ended || session.ended.is_none()).collect())
    }

    fn admin_end_session(&self, session: SessionId, now: Millis) -> StoreResult<bool> {
        end_session(&self.conn(), session, SessionEnd::Administrator, now)
    }

    fn admin_end_member_sessions(&self, member: MemberId, now: Millis) -> StoreResult<Option<Vec<SessionId>>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let exists: Option<String> =
            tx.query_row("SELECT id FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0)).optional()?;
        if exists.is_none() {
            return Ok(None);
        }
        let ended = revoke_all_sessions(&tx, member, SessionEnd::Administrator, now)?;
        tx.commit()?;
        Ok(Some(ended))
    }

    fn request_wipe(&self, session: SessionId, now: Millis) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE sessions SET wipe_requested_at = ?2 \
             WHERE id = ?1 AND revoked_at IS NULL AND wipe_requested_at IS NULL",
            params![session.to_string(), now],
        )?;
        Ok(changed == 1)
    }

    fn session_policies(&self) -> StoreResult<SessionPolicies> {
        let conn = self.read();
        let stored: Vec<(String, String, String)> = conn
            .prepare(
                "SELECT p.department_id, d.name, p.policy FROM session_policies p \
                 JOIN departments d ON d.id = p.department_id ORDER BY d.sort_order, d.id",
            )?
            .query_map((), |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut departments = Vec::with_capacity(stored.len());
        for (department_id, department_name, json) in stored {
            let policy: SessionPolicy = serde_json::from_str(&json).map_err(|err| corrupt(&err.to_string()))?;
            departments.push(DepartmentSessionPolicy {
                department_id: DepartmentId(department_id),
                department_name,
                policy,
            });
        }
        Ok(SessionPolicies { default: SessionPolicy::default(), departments })
    }

    fn set_session_policy(
        &self,
        department: &DepartmentId,
        policy: &SessionPolicy,
        now: Millis,
    ) -> StoreResult<Option<DepartmentSessionPolicy>> {
        let json = serde_json::to_string(policy).map_err(|err| corrupt(&err.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let Some(department_name) = department_name(&tx, department)? else { return Ok(None) };
        let updated = tx.execute(
            "UPDATE session_policies SET policy = ?2, updated_at = ?3 WHERE department_id = ?1",
            params![department.0, json, now],
        )?;
        if updated == 0 {
            tx.execute(
                "INSERT INTO session_policies (department_id, policy, updated_at) VALUES (?1, ?2, ?3)",
                params![department.0, json, now],
            )?;
        }
        refresh_live_sessions(&tx)?;
        tx.commit()?;
        Ok(Some(DepartmentSessionPolicy { department_id: department.clone(), department_name, policy: *policy }))
    }

    fn clear_session_policy(&self, department: &DepartmentId) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removed = tx.execute("DELETE FROM session_policies WHERE department_id = ?1", [&department.0])?;
        if removed > 0 {
            refresh_live_sessions(&tx)?;
        }
        tx.commit()?;
        Ok(removed > 0)
    }

    fn create_kiosk_code(&self, label: &str, code_hash: &str, actor: MemberId, now: Millis) -> StoreResult<KioskCode> {
        let id = KioskCodeId(Uuid::now_v7());
        self.conn().execute(
            "INSERT INTO kiosk_codes (id, label, code_hash, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), label, code_hash, actor.to_string(), now],
        )?;
        Ok(KioskCode { id, label: label.to_owned(), code: None, created_at: now, revoked_at: None })
    }

    fn kiosk_codes(&self) -> StoreResult<Vec<KioskCode>> {
        Ok(self
            .read()
            .prepare("SELECT id, label, created_at, revoked_at FROM kiosk_codes ORDER BY created_at DESC, id")?
            .query_map((), kiosk_from_row)?
            .collect::<Result<_, _>>()?)
    }

    fn revoke_kiosk_code(&self, id: KioskCodeId, now: Millis) -> StoreResult<Option<Vec<SessionId>>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let known: Option<String> =
            tx.query_row("SELECT id FROM kiosk_codes WHERE id = ?1", [id.to_string()], |row| row.get(0)).optional()?;
        if known.is_none() {
            return Ok(None);
        }
        tx.execute(
            "UPDATE kiosk_codes SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id.to_string(), now],
        )?;
        let sessions: Vec<SessionId> = tx
            .prepare_cached("SELECT id FROM sessions WHERE kiosk_code_id = ?1 AND revoked_at IS NULL")?
            .query_map([id.to_string()], |row| Ok(SessionId(uuid_at(row, 0)?)))?
            .collect::<Result<_, _>>()?;
        for session in &sessions {
            end_session(&tx, *session, SessionEnd::Administrator, now)?;
        }
        tx.commit()?;
        Ok(Some(sessions))
    }
}
