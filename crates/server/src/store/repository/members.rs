//! Accounts: the demo seed's members, credentials for sign-in and profiles.

use super::directory::{refresh_search_keys, role_from, visible_active_profiles};
use super::directory_admin::insert_member_row;
use super::{SqlStore, uuid_at};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{Credentials, MemberStatus, MemberStore, NewMember, StoreResult};
use weft_protocol::auth::{MemberProfile, Role};
use weft_protocol::{DepartmentId, MemberId};

/// How a role is stored: `members.role` ('admin' or 'member') and the delegated `admin_role`.
pub(super) fn role_columns(role: Role) -> (&'static str, Option<&'static str>) {
    match role {
        Role::Admin => ("admin", None),
        Role::Member => ("member", None),
        delegated => ("member", Some(delegated.name())),
    }
}

const PROFILE_SELECT: &str = "SELECT m.id, m.userid, m.name, m.alias, m.position, d.name, COALESCE(m.admin_role, m.role), m.admin_scope \
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
        admin_scope: row.get::<_, Option<String>>(7)?.map(DepartmentId),
    })
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
