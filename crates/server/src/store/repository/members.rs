//! Accounts and sessions in SQLite.

use super::directory::{refresh_search_keys, role_from, visible_active_profiles};
use super::directory_admin::insert_member_row;
use super::{SqlStore, uuid_at};
use crate::domain::sessions::{self, SessionCheck, SessionFacts};
use crate::store::sql::{Connection, OptionalExtension, Row, params};
use crate::store::{ActiveSession, Credentials, MemberStatus, MemberStore, NewMember, SessionStore, StoreResult};
use weft_protocol::auth::{MemberProfile, Role, SessionInfo};
use weft_protocol::{MemberId, Millis, SessionId};

pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Member => "member",
    }
}

const PROFILE_SELECT: &str = "SELECT m.id, m.userid, m.name, m.alias, m.position, d.name, m.role \
     FROM members m JOIN departments d ON d.id = m.department_id";

fn profile_from_row(row: &Row<'_>) -> crate::store::sql::Result<MemberProfile> {
    let role: String = row.get(6)?;
    Ok(MemberProfile {
        id: MemberId(uuid_at(row, 0)?),
        userid: row.get(1)?,
        name: row.get(2)?,
        alias: row.get(3)?,
        position: row.get(4)?,
        department: row.get(5)?,
        role: role_from(&role),
    })
}

/// Revokes every live session of the member; returns them (their sockets must be closed).
pub(super) fn revoke_all_sessions(conn: &Connection, member: MemberId, now: Millis) -> StoreResult<Vec<SessionId>> {
    let ids: Vec<SessionId> = conn
        .prepare_cached("SELECT id FROM sessions WHERE member_id = ?1 AND revoked_at IS NULL")?
        .query_map([member.to_string()], |row| Ok(SessionId(uuid_at(row, 0)?)))?
        .collect::<Result<_, _>>()?;
    conn.execute(
        "UPDATE sessions SET revoked_at = ?2 WHERE member_id = ?1 AND revoked_at IS NULL",
        params![member.to_string(), now],
    )?;
    Ok(ids)
}

impl MemberStore for SqlStore {
    fn is_empty(&self) -> StoreResult<bool> {
        let count: i64 = self.conn().query_row("SELECT COUNT(*) FROM members", (), |row| row.get(0))?;
        Ok(count == 0)
    }

    fn insert_department(&self, id: &str, name: &str, parent: Option<&str>, order: i64) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO departments (id, name, parent_id, sort_order) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, parent, order],
        )?;
        Ok(())
    }

    fn insert_member(&self, member: &NewMember) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        insert_member_row(&tx, member, 0)?;
        tx.commit()?;
        Ok(())
    }

    fn credentials(&self, userid: &str) -> StoreResult<Option<Credentials>> {
        let found = self
            .read()
            .query_row("SELECT id, password_hash, status FROM members WHERE userid = ?1", [userid], |row| {
                let status: String = row.get(2)?;
                Ok(Credentials {
                    member_id: MemberId(uuid_at(row, 0)?),
                    password_hash: row.get(1)?,
                    status: if status == "active" { MemberStatus::Active } else { MemberStatus::Disabled },
                })
            })
            .optional()?;
        Ok(found)
    }

    fn member_profile(&self, id: MemberId) -> StoreResult<Option<MemberProfile>> {
        let sql = format!("{PROFILE_SELECT} WHERE m.id = ?1");
        Ok(self.read().query_row(&sql, [id.to_string()], profile_from_row).optional()?)
    }

    fn visible_active_members(&self, viewer: MemberId) -> StoreResult<Vec<MemberProfile>> {
        visible_active_profiles(&self.read(), viewer)
    }

    fn refresh_search_keys(&self) -> StoreResult<usize> {
        refresh_search_keys(&self.conn())
    }
}

impl SessionStore for SqlStore {
    fn create_session(
        &self,
        id: SessionId,
        member: MemberId,
        token_hash: &str,
        device: &str,
        now: Millis,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO sessions (id, member_id, token_hash, device, created_at, last_seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id.to_string(), member.to_string(), token_hash, device, now],
        )?;
        Ok(())
    }

    fn session_by_token(&self, token_hash: &str, now: Millis) -> StoreResult<Option<ActiveSession>> {
        // Every request authenticates: read on a reader, and take the writer only to note a
        // session seen for the first time in a minute.
        let found = self
            .read()
            .query_row(
                "SELECT s.id, s.member_id, m.role, s.last_seen_at, s.revoked_at IS NOT NULL, m.status = 'active' \
                 FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.token_hash = ?1",
                [token_hash],
                |row| {
                    let session = ActiveSession {
                        id: SessionId(uuid_at(row, 0)?),
                        member_id: MemberId(uuid_at(row, 1)?),
                        role: role_from(&row.get::<_, String>(2)?),
                    };
                    let facts =
                        SessionFacts { last_seen_at: row.get(3)?, revoked: row.get(4)?, member_active: row.get(5)? };
                    Ok((session, facts))
                },
            )
            .optional()?;
        let Some((session, facts)) = found else { return Ok(None) };
        match sessions::check(facts, now) {
            SessionCheck::Ended => Ok(None),
            SessionCheck::Admitted { note_seen } => {
                if note_seen {
                    self.conn().execute(
                        "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND last_seen_at < ?3",
                        params![session.id.to_string(), now, now - sessions::LAST_SEEN_GRANULARITY_MS],
                    )?;
                }
                Ok(Some(session))
            }
        }
    }

    fn sessions_of(&self, member: MemberId, current: SessionId) -> StoreResult<Vec<SessionInfo>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT id, device, created_at, last_seen_at FROM sessions \
             WHERE member_id = ?1 AND revoked_at IS NULL ORDER BY last_seen_at DESC",
        )?;
        let rows = stmt.query_map([member.to_string()], |row| {
            let id = SessionId(uuid_at(row, 0)?);
            Ok(SessionInfo {
                id,
                device: row.get(1)?,
                created_at: row.get(2)?,
                last_seen_at: row.get(3)?,
                current: id == current,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_session(&self, member: MemberId, session: SessionId, now: Millis) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE sessions SET revoked_at = ?3 WHERE id = ?1 AND member_id = ?2 AND revoked_at IS NULL",
            params![session.to_string(), member.to_string(), now],
        )?;
        Ok(changed == 1)
    }
}
