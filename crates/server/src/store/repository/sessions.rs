//! Sessions as their members meet them: creation under the terms their policy gives, the check
//! every request makes (live, idle, expired, ended, asked to wipe), the member's own list and
//! sign-outs, the password change that rotates the token, and the wipe report.

use super::directory::role_from;
use super::{SqlStore, corrupt, uuid_at};
use crate::domain::sessions::{self, SessionCheck, SessionFacts};
use crate::store::sql::{Connection, OptionalExtension, Row, params};
use crate::store::{ActiveSession, NewSession, SessionStore, StoreResult, TokenStatus};
use std::collections::HashMap;
use weft_protocol::auth::{DeviceMode, SessionEnd, SessionInfo, SessionPolicy, SessionTerms};
use weft_protocol::{DepartmentId, KioskCodeId, MemberId, Millis, SessionId};

pub(super) fn mode_name(mode: DeviceMode) -> &'static str {
    match mode {
        DeviceMode::Personal => "personal",
        DeviceMode::Shared => "shared",
    }
}

pub(super) fn mode_from(name: &str) -> DeviceMode {
    if name == "shared" { DeviceMode::Shared } else { DeviceMode::Personal }
}

pub(super) fn end_name(end: SessionEnd) -> &'static str {
    match end {
        SessionEnd::SignedOut => "signed_out",
        SessionEnd::Administrator => "administrator",
        SessionEnd::Idle => "idle",
        SessionEnd::Expired => "expired",
        SessionEnd::MemberDisabled => "member_disabled",
        SessionEnd::CredentialsChanged => "credentials_changed",
        SessionEnd::Wiped => "wiped",
    }
}

/// The recorded reason of an ended session (sessions ended before reasons were kept: signed out).
pub(super) fn end_from(name: Option<&str>) -> SessionEnd {
    match name {
        Some("administrator") => SessionEnd::Administrator,
        Some("idle") => SessionEnd::Idle,
        Some("expired") => SessionEnd::Expired,
        Some("member_disabled") => SessionEnd::MemberDisabled,
        Some("credentials_changed") => SessionEnd::CredentialsChanged,
        Some("wiped") => SessionEnd::Wiped,
        _ => SessionEnd::SignedOut,
    }
}

/// Removes the push subscriptions a session registered (it ended: its device hears no more).
fn forget_pushes(conn: &Connection, session: SessionId) -> StoreResult<()> {
    conn.execute("DELETE FROM push_subscriptions WHERE session_id = ?1", [session.to_string()])?;
    Ok(())
}

/// Ends every live session of the member for `reason`; returns them (their sockets must close).
pub(super) fn revoke_all_sessions(
    conn: &Connection,
    member: MemberId,
    reason: SessionEnd,
    now: Millis,
) -> StoreResult<Vec<SessionId>> {
    let ids: Vec<SessionId> = conn
        .prepare_cached("SELECT id FROM sessions WHERE member_id = ?1 AND revoked_at IS NULL")?
        .query_map([member.to_string()], |row| Ok(SessionId(uuid_at(row, 0)?)))?
        .collect::<Result<_, _>>()?;
    conn.execute(
        "UPDATE sessions SET revoked_at = ?2, ended_reason = ?3 WHERE member_id = ?1 AND revoked_at IS NULL",
        params![member.to_string(), now, end_name(reason)],
    )?;
    for id in &ids {
        forget_pushes(conn, *id)?;
    }
    Ok(ids)
}

/// Ends one session for `reason` if it is live; true when it was.
pub(super) fn end_session(conn: &Connection, session: SessionId, reason: SessionEnd, now: Millis) -> StoreResult<bool> {
    let changed = conn.execute(
        "UPDATE sessions SET revoked_at = ?2, ended_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL",
        params![session.to_string(), now, end_name(reason)],
    )?;
    forget_pushes(conn, session)?;
    Ok(changed == 1)
}

/// Every department's parent, and the departments that have a policy of their own.
pub(super) type PolicyTree = (HashMap<DepartmentId, Option<DepartmentId>>, HashMap<DepartmentId, SessionPolicy>);

pub(super) fn load_policy_tree(conn: &Connection) -> StoreResult<PolicyTree> {
    let parents = conn
        .prepare_cached("SELECT id, parent_id FROM departments")?
        .query_map((), |row| Ok((DepartmentId(row.get(0)?), row.get::<_, Option<String>>(1)?.map(DepartmentId))))?
        .collect::<Result<_, _>>()?;
    let stored: Vec<(String, String)> = conn
        .prepare_cached("SELECT department_id, policy FROM session_policies")?
        .query_map((), |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut own = HashMap::new();
    for (department, json) in stored {
        let policy: SessionPolicy = serde_json::from_str(&json).map_err(|err| corrupt(&err.to_string()))?;
        own.insert(DepartmentId(department), policy);
    }
    Ok((parents, own))
}

pub(super) fn member_departments(conn: &Connection, member: MemberId) -> StoreResult<Vec<DepartmentId>> {
    Ok(conn
        .prepare_cached("SELECT department_id FROM member_departments WHERE member_id = ?1")?
        .query_map([member.to_string()], |row| Ok(DepartmentId(row.get(0)?)))?
        .collect::<Result<_, _>>()?)
}

pub(super) fn policy_of(conn: &Connection, tree: &PolicyTree, member: MemberId) -> StoreResult<SessionPolicy> {
    Ok(sessions::resolve_policy(&member_departments(conn, member)?, &tree.0, &tree.1))
}

const FACTS_SELECT: &str = "SELECT s.id, s.member_id, COALESCE(m.admin_role, m.role), s.last_seen_at, s.ended_reason, \
     s.revoked_at IS NOT NULL, m.status = 'active', s.idle_ms, s.ends_at, s.wipe_requested_at IS NOT NULL \
     FROM sessions s JOIN members m ON m.id = s.member_id";

fn facts_from_row(row: &Row<'_>) -> crate::store::sql::Result<(ActiveSession, SessionFacts)> {
    let session = ActiveSession {
        id: SessionId(uuid_at(row, 0)?),
        member_id: MemberId(uuid_at(row, 1)?),
        role: role_from(&row.get::<_, String>(2)?),
    };
    let revoked: bool = row.get(5)?;
    let reason: Option<String> = row.get(4)?;
    let facts = SessionFacts {
        last_seen_at: row.get(3)?,
        ended: revoked.then(|| end_from(reason.as_deref())),
        member_active: row.get(6)?,
        idle_ms: row.get(7)?,
        ends_at: row.get(8)?,
        wipe_requested: row.get(9)?,
    };
    Ok((session, facts))
}

impl SqlStore {
    /// Checks a session found by `condition` (`s.token_hash = ?1` or `s.id = ?1`); records an end
    /// found now, and notes the session seen when `note_seen` allows.
    fn check_session(&self, condition: &str, key: &str, now: Millis, note_seen: bool) -> StoreResult<TokenStatus> {
        let found =
            self.read().query_row(&format!("{FACTS_SELECT} WHERE {condition}"), [key], facts_from_row).optional()?;
        let Some((session, facts)) = found else { return Ok(TokenStatus::Unknown) };
        Ok(match sessions::check(facts, now) {
            SessionCheck::Ended { reason, newly } => {
                if newly {
                    end_session(&self.conn(), session.id, reason, now)?;
                }
                TokenStatus::Ended(reason)
            }
            SessionCheck::WipeRequired => TokenStatus::WipeRequired(session),
            SessionCheck::Admitted { note_seen: stale } => {
                if stale && note_seen {
                    self.conn().execute(
                        "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND last_seen_at < ?3",
                        params![session.id.to_string(), now, now - sessions::LAST_SEEN_GRANULARITY_MS],
                    )?;
                }
                TokenStatus::Admitted(session)
            }
        })
    }
}

impl SessionStore for SqlStore {
    fn session_policy_of(&self, member: MemberId) -> StoreResult<SessionPolicy> {
        let conn = self.read();
        let tree = load_policy_tree(&conn)?;
        policy_of(&conn, &tree, member)
    }

    fn create_session(&self, new: &NewSession<'_>) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO sessions (id, member_id, token_hash, device, created_at, last_seen_at, mode, address, \
             kiosk_code_id, idle_ms, ends_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                new.id.to_string(),
                new.member.to_string(),
                new.token_hash,
                new.device,
                new.now,
                mode_name(new.terms.mode),
                new.address,
                new.kiosk.map(|id| id.to_string()),
                sessions::idle_ms(&new.terms.lifetimes),
                new.terms.ends_at,
            ],
        )?;
        Ok(())
    }

    fn session_by_token(&self, token_hash: &str, now: Millis) -> StoreResult<TokenStatus> {
        // Every request authenticates: read on a reader, and take the writer only to note a
        // session seen for the first time in a minute, or to record that it ended.
        self.check_session("s.token_hash = ?1", token_hash, now, true)
    }

    fn session_status(&self, session: SessionId, now: Millis) -> StoreResult<TokenStatus> {
        self.check_session("s.id = ?1", &session.to_string(), now, false)
    }

    fn session_terms(&self, session: SessionId) -> StoreResult<Option<SessionTerms>> {
        let conn = self.read();
        let found: Option<(MemberId, String, Millis)> = conn
            .query_row(
                "SELECT member_id, mode, ends_at FROM sessions WHERE id = ?1 AND revoked_at IS NULL",
                [session.to_string()],
                |row| Ok((MemberId(uuid_at(row, 0)?), row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((member, mode, ends_at)) = found else { return Ok(None) };
        let tree = load_policy_tree(&conn)?;
        let mode = mode_from(&mode);
        let lifetimes = sessions::lifetimes_for(&policy_of(&conn, &tree, member)?, mode);
        Ok(Some(SessionTerms { mode, lifetimes, ends_at, offline_copy: true, external_sharing: true }))
    }

    fn sessions_of(&self, member: MemberId, current: SessionId) -> StoreResult<Vec<SessionInfo>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT id, device, created_at, last_seen_at, mode, address, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.session_id = sessions.id) THEN 1 ELSE 0 END AS BIGINT) \
             FROM sessions \
             WHERE member_id = ?1 AND revoked_at IS NULL AND wipe_requested_at IS NULL ORDER BY last_seen_at DESC",
        )?;
        let rows = stmt.query_map([member.to_string()], |row| {
            let id = SessionId(uuid_at(row, 0)?);
            Ok(SessionInfo {
                id,
                device: row.get(1)?,
                created_at: row.get(2)?,
                last_seen_at: row.get(3)?,
                current: id == current,
                mode: mode_from(&row.get::<_, String>(4)?),
                address: row.get(5)?,
                push: row.get::<_, i64>(6)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_session(
        &self,
        member: MemberId,
        session: SessionId,
        reason: SessionEnd,
        now: Millis,
    ) -> StoreResult<bool> {
        let conn = self.conn();
        let changed = conn.execute(
            "UPDATE sessions SET revoked_at = ?3, ended_reason = ?4 \
             WHERE id = ?1 AND member_id = ?2 AND revoked_at IS NULL",
            params![session.to_string(), member.to_string(), now, end_name(reason)],
        )?;
        if changed == 1 {
            forget_pushes(&conn, session)?;
        }
        Ok(changed == 1)
    }

    fn revoke_other_sessions(&self, member: MemberId, keep: SessionId, now: Millis) -> StoreResult<Vec<SessionId>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let ended = revoke_all_except(&tx, member, keep, SessionEnd::SignedOut, now)?;
        tx.commit()?;
        Ok(ended)
    }

    fn change_own_password(
        &self,
        member: MemberId,
        session: SessionId,
        password_hash: &str,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Vec<SessionId>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE members SET password_hash = ?2 WHERE id = ?1", params![member.to_string(), password_hash])?;
        tx.execute(
            "UPDATE sessions SET token_hash = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![session.to_string(), token_hash],
        )?;
        let ended = revoke_all_except(&tx, member, session, SessionEnd::CredentialsChanged, now)?;
        tx.commit()?;
        Ok(ended)
    }

    fn report_wiped(&self, session: SessionId, now: Millis) -> StoreResult<bool> {
        let conn = self.conn();
        let changed = conn.execute(
            "UPDATE sessions SET wiped_at = ?2, revoked_at = ?2, ended_reason = 'wiped' \
             WHERE id = ?1 AND wipe_requested_at IS NOT NULL AND revoked_at IS NULL",
            params![session.to_string(), now],
        )?;
        forget_pushes(&conn, session)?;
        Ok(changed == 1)
    }

    fn kiosk_by_code(&self, code_hash: &str) -> StoreResult<Option<(KioskCodeId, String)>> {
        Ok(self
            .read()
            .query_row(
                "SELECT id, label FROM kiosk_codes WHERE code_hash = ?1 AND revoked_at IS NULL",
                [code_hash],
                |row| Ok((KioskCodeId(uuid_at(row, 0)?), row.get(1)?)),
            )
            .optional()?)
    }
}

fn revoke_all_except(
    conn: &Connection,
    member: MemberId,
    keep: SessionId,
    reason: SessionEnd,
    now: Millis,
) -> StoreResult<Vec<SessionId>> {
    let ids: Vec<SessionId> = conn
        .prepare_cached("SELECT id FROM sessions WHERE member_id = ?1 AND id <> ?2 AND revoked_at IS NULL")?
        .query_map(params![member.to_string(), keep.to_string()], |row| Ok(SessionId(uuid_at(row, 0)?)))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        end_session(conn, *id, reason, now)?;
    }
    Ok(ids)
}
