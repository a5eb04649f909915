//! The directory as members see it, in SQLite: loading the facts into a
//! [`crate::visibility::OrgModel`], rendering cards for a viewer (leaders they may not see are left
//! out), and the snapshot, member detail, search and `GET /members` built on them.

use super::{SqlStore, uuid_at};
use crate::search_keys;
use crate::store::sql::{Connection, OptionalExtension, Row, params};
use crate::store::{DirectoryStore, StoreError, StoreResult};
use crate::visibility::{HiddenAllow, MemberFacts, OrgModel, Viewer};
use std::collections::HashMap;
use weft_protocol::auth::{MemberProfile, Role};
use weft_protocol::directory::{
    Department, DirectoryMember, DirectorySnapshot, MemberDepartment, MemberStatus, keys_match, normalize_query,
};
use weft_protocol::{DepartmentId, MemberId};

/// Which members' facts to load: all (snapshots, searches, diffs) or those a request concerns.
pub(super) enum Facts<'a> {
    All,
    Only(&'a [MemberId]),
}

/// A stored role (`COALESCE(admin_role, role)`); anything unknown acts as a member.
pub(super) fn role_from(text: &str) -> Role {
    Role::parse(text).unwrap_or(Role::Member)
}

pub(super) fn status_from(text: &str) -> MemberStatus {
    MemberStatus::parse(text).unwrap_or(MemberStatus::Disabled)
}

/// The department tree, the rules, and the facts of the chosen members.
pub(super) fn load_model(conn: &Connection, facts: Facts<'_>) -> StoreResult<OrgModel> {
    let mut model = OrgModel::default();
    let mut stmt = conn.prepare_cached("SELECT id, parent_id FROM departments")?;
    let rows =
        stmt.query_map((), |row| Ok((DepartmentId(row.get(0)?), row.get::<_, Option<String>>(1)?.map(DepartmentId))))?;
    for row in rows {
        let (id, parent) = row?;
        model.parent.insert(id, parent);
    }
    let mut stmt = conn.prepare_cached("SELECT department_id FROM visibility_scoped_department")?;
    for id in stmt.query_map((), |row| row.get::<_, String>(0))? {
        model.scopes.insert(DepartmentId(id?), Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT department_id, visible_department_id FROM visibility_department_scope ORDER BY department_id, visible_department_id",
    )?;
    for row in stmt.query_map((), |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))? {
        let (department, visible) = row?;
        model.scopes.entry(DepartmentId(department)).or_default().push(DepartmentId(visible));
    }
    let mut stmt = conn.prepare_cached("SELECT member_id FROM visibility_hidden_member")?;
    for id in stmt.query_map((), |row| uuid_at(row, 0))? {
        model.hidden.insert(MemberId(id?), HiddenAllow::default());
    }
    let mut stmt =
        conn.prepare_cached("SELECT member_id, allowed_department_id, allowed_member_id FROM visibility_hidden_allow")?;
    let rows = stmt.query_map((), |row| {
        Ok((uuid_at(row, 0)?, row.get::<_, Option<String>>(1)?, row.get::<_, Option<String>>(2)?))
    })?;
    for row in rows {
        let (hidden, department, member) = row?;
        let allow = model.hidden.entry(MemberId(hidden)).or_default();
        if let Some(department) = department {
            allow.departments.push(DepartmentId(department));
        }
        if let Some(member) = member.and_then(|m| m.parse().ok()) {
            allow.members.insert(member);
        }
    }
    match facts {
        Facts::All => load_all_facts(conn, &mut model)?,
        Facts::Only(ids) => ensure_facts(conn, &mut model, ids)?,
    }
    Ok(model)
}

fn load_all_facts(conn: &Connection, model: &mut OrgModel) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached("SELECT id, role, status FROM members")?;
    let rows =
        stmt.query_map((), |row| Ok((MemberId(uuid_at(row, 0)?), row.get::<_, String>(1)?, row.get::<_, String>(2)?)))?;
    for row in rows {
        let (id, role, status) = row?;
        model
            .members
            .insert(id, MemberFacts { departments: Vec::new(), admin: role == "admin", deleted: status == "deleted" });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, department_id, is_leader FROM member_departments ORDER BY member_id, sort",
    )?;
    let rows = stmt
        .query_map((), |row| Ok((MemberId(uuid_at(row, 0)?), DepartmentId(row.get(1)?), row.get::<_, i64>(2)? != 0)))?;
    for row in rows {
        let (member, department_id, is_leader) = row?;
        if let Some(facts) = model.members.get_mut(&member) {
            facts.departments.push(MemberDepartment { department_id, is_leader });
        }
    }
    Ok(())
}

/// Loads the facts of members not loaded yet (unknown ids are skipped: nobody sees them).
pub(super) fn ensure_facts(conn: &Connection, model: &mut OrgModel, ids: &[MemberId]) -> StoreResult<()> {
    let mut member_stmt = conn.prepare_cached("SELECT role, status FROM members WHERE id = ?1")?;
    let mut department_stmt = conn
        .prepare_cached("SELECT department_id, is_leader FROM member_departments WHERE member_id = ?1 ORDER BY sort")?;
    for id in ids {
        if model.members.contains_key(id) {
            continue;
        }
        let key = id.to_string();
        let found =
            member_stmt.query_row([&key], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))).optional()?;
        let Some((role, status)) = found else { continue };
        let departments = department_stmt
            .query_map([&key], |row| {
                Ok(MemberDepartment { department_id: DepartmentId(row.get(0)?), is_leader: row.get::<_, i64>(1)? != 0 })
            })?
            .collect::<Result<_, _>>()?;
        model.members.insert(*id, MemberFacts { departments, admin: role == "admin", deleted: status == "deleted" });
    }
    Ok(())
}

/// `SELECT … FROM members m` for directory cards; callers add `WHERE`/`ORDER BY`.
pub(super) const CARD_SELECT: &str = "SELECT m.id, m.userid, m.name, m.alias, m.position, m.mobile, m.email, \
     m.department_id, m.direct_leader_id, m.status, COALESCE(m.admin_role, m.role), m.avatar, m.search_keys, m.version, \
     m.updated_at, m.admin_scope \
     FROM members m";

/// A card as stored (departments and leader still unfiltered).
pub(super) fn card_from_row(row: &Row<'_>) -> crate::store::sql::Result<DirectoryMember> {
    let status: String = row.get(9)?;
    let role: String = row.get(10)?;
    let keys: String = row.get(12)?;
    let version: i64 = row.get(13)?;
    let leader: Option<String> = row.get(8)?;
    Ok(DirectoryMember {
        id: MemberId(uuid_at(row, 0)?),
        userid: row.get(1)?,
        name: row.get(2)?,
        alias: row.get(3)?,
        position: row.get(4)?,
        mobile: row.get(5)?,
        email: row.get(6)?,
        departments: Vec::new(),
        main_department_id: DepartmentId(row.get(7)?),
        direct_leader_id: leader.and_then(|l| l.parse().ok()),
        status: status_from(&status),
        role: role_from(&role),
        admin_scope: row.get::<_, Option<String>>(15)?.map(DepartmentId),
        avatar: row.get(11)?,
        search_keys: search_keys::split(&keys),
        version: u64::try_from(version).unwrap_or(0),
        updated_at: row.get(14)?,
    })
}

/// Fills in a stored card's departments and hides a direct leader the viewer may not see.
fn finish_card(model: &OrgModel, viewer: &Viewer, mut card: DirectoryMember) -> DirectoryMember {
    if let Some(facts) = model.members.get(&card.id) {
        card.departments.clone_from(&facts.departments);
    }
    if card.direct_leader_id.is_some_and(|leader| !model.can_see(viewer, leader)) {
        card.direct_leader_id = None;
    }
    card
}

/// A viewer and the facts needed to answer for them, loaded as requests go.
pub(super) struct DirectoryView {
    pub model: OrgModel,
    pub viewer: Viewer,
}

impl DirectoryView {
    pub fn new(conn: &Connection, viewer: MemberId, facts: Facts<'_>) -> StoreResult<Self> {
        let mut model = load_model(conn, facts)?;
        ensure_facts(conn, &mut model, &[viewer])?;
        let viewer = model.viewer(viewer).ok_or(StoreError::NotFound("member"))?;
        Ok(Self { model, viewer })
    }

    pub fn can_see(&mut self, conn: &Connection, member: MemberId) -> StoreResult<bool> {
        ensure_facts(conn, &mut self.model, &[member])?;
        Ok(self.model.can_see(&self.viewer, member))
    }

    /// The member's card for this viewer, or `None` when they may not see them.
    pub fn member(&mut self, conn: &Connection, member: MemberId) -> StoreResult<Option<DirectoryMember>> {
        if !self.can_see(conn, member)? {
            return Ok(None);
        }
        let sql = format!("{CARD_SELECT} WHERE m.id = ?1");
        let Some(card) = conn.prepare_cached(&sql)?.query_row([member.to_string()], card_from_row).optional()? else {
            return Ok(None);
        };
        if let Some(leader) = card.direct_leader_id {
            ensure_facts(conn, &mut self.model, &[leader])?;
        }
        Ok(Some(finish_card(&self.model, &self.viewer, card)))
    }

    /// The department for this viewer (with the leaders they may see), or `None`.
    pub fn department(&mut self, conn: &Connection, id: &DepartmentId) -> StoreResult<Option<Department>> {
        if !self.model.can_see_department(&self.viewer, id) {
            return Ok(None);
        }
        let Some(mut department) = conn
            .prepare_cached("SELECT id, name, parent_id, sort_order FROM departments WHERE id = ?1")?
            .query_row([&id.0], department_from_row)
            .optional()?
        else {
            return Ok(None);
        };
        let leaders: Vec<MemberId> = conn
            .prepare_cached(
                "SELECT md.member_id FROM member_departments md JOIN members m ON m.id = md.member_id \
                 WHERE md.department_id = ?1 AND md.is_leader = 1 AND m.status <> 'deleted' ORDER BY m.userid",
            )?
            .query_map([&id.0], |row| Ok(MemberId(uuid_at(row, 0)?)))?
            .collect::<Result<_, _>>()?;
        for leader in leaders {
            if self.can_see(conn, leader)? {
                department.leaders.push(leader);
            }
        }
        Ok(Some(department))
    }
}

pub(super) fn department_from_row(row: &Row<'_>) -> crate::store::sql::Result<Department> {
    Ok(Department {
        id: DepartmentId(row.get(0)?),
        name: row.get(1)?,
        parent_id: row.get::<_, Option<String>>(2)?.map(DepartmentId),
        order: row.get(3)?,
        leaders: Vec::new(),
    })
}

/// Every department the viewer may see, with the leaders they may see (needs a full model).
fn visible_departments(conn: &Connection, model: &OrgModel, viewer: &Viewer) -> StoreResult<Vec<Department>> {
    let mut leaders: HashMap<&DepartmentId, Vec<MemberId>> = HashMap::new();
    for (id, facts) in &model.members {
        for membership in facts.departments.iter().filter(|m| m.is_leader) {
            if model.can_see(viewer, *id) {
                leaders.entry(&membership.department_id).or_default().push(*id);
            }
        }
    }
    let mut stmt =
        conn.prepare_cached("SELECT id, name, parent_id, sort_order FROM departments ORDER BY sort_order, id")?;
    let rows = stmt.query_map((), department_from_row)?;
    let mut out = Vec::new();
    for department in rows {
        let mut department = department?;
        if model.can_see_department(viewer, &department.id) {
            if let Some(list) = leaders.get_mut(&department.id) {
                list.sort();
                department.leaders = std::mem::take(list);
            }
            out.push(department);
        }
    }
    Ok(out)
}

/// Every card the viewer may see, ordered by userid (needs a full model).
fn visible_cards(
    conn: &Connection,
    model: &OrgModel,
    viewer: &Viewer,
    query: Option<&str>,
) -> StoreResult<Vec<DirectoryMember>> {
    // The query is matched in SQL first (cheap), then key by key (a match must not span keys).
    let sql = format!(
        "{CARD_SELECT} WHERE m.status <> 'deleted' AND (CAST(?1 AS TEXT) IS NULL OR instr(m.search_keys, ?1) > 0) ORDER BY m.userid"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([query], card_from_row)?;
    let mut out = Vec::new();
    for card in rows {
        let card = card?;
        if query.is_some_and(|q| !keys_match(&card.search_keys, q)) || !model.can_see(viewer, card.id) {
            continue;
        }
        out.push(finish_card(model, viewer, card));
    }
    Ok(out)
}

impl DirectoryStore for SqlStore {
    fn directory_snapshot(&self, viewer: MemberId) -> StoreResult<DirectorySnapshot> {
        let reader = self.read();
        // One read transaction for the cursor and the data: no write can land in between.
        let conn = reader.unchecked_transaction()?;
        let cursor: Option<i64> = conn.query_row("SELECT MAX(position) FROM changes", (), |row| row.get(0))?;
        let view = DirectoryView::new(&conn, viewer, Facts::All)?;
        Ok(DirectorySnapshot {
            departments: visible_departments(&conn, &view.model, &view.viewer)?,
            members: visible_cards(&conn, &view.model, &view.viewer, None)?,
            cursor: cursor.map_or(0, |c| u64::try_from(c).unwrap_or(0)),
        })
    }

    fn directory_member(&self, viewer: MemberId, member: MemberId) -> StoreResult<DirectoryMember> {
        let conn = self.read();
        let mut view = DirectoryView::new(&conn, viewer, Facts::Only(&[member]))?;
        view.member(&conn, member)?.ok_or(StoreError::NotFound("member"))
    }

    fn search_directory(&self, viewer: MemberId, query: &str, limit: u32) -> StoreResult<Vec<DirectoryMember>> {
        let conn = self.read();
        let query = normalize_query(query);
        let view = DirectoryView::new(&conn, viewer, Facts::All)?;
        let mut found = visible_cards(&conn, &view.model, &view.viewer, Some(&query))?;
        // Best first: an exact key, then a key that starts with the query, then the rest; by name.
        let rank = |card: &DirectoryMember| {
            if card.search_keys.contains(&query) {
                0
            } else if card.search_keys.iter().any(|k| k.starts_with(&query)) {
                1
            } else {
                2
            }
        };
        found.sort_by(|a, b| {
            rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)).then_with(|| a.userid.cmp(&b.userid))
        });
        found.truncate(limit as usize);
        Ok(found)
    }
}

/// The active members the viewer may see, as profiles (for `GET /members`).
pub(super) fn visible_active_profiles(conn: &Connection, viewer: MemberId) -> StoreResult<Vec<MemberProfile>> {
    let view = DirectoryView::new(conn, viewer, Facts::All)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.userid, m.name, m.alias, m.position, d.name, COALESCE(m.admin_role, m.role), m.admin_scope \
         FROM members m JOIN departments d ON d.id = m.department_id \
         WHERE m.status = 'active' ORDER BY d.sort_order, m.userid",
    )?;
    let rows = stmt.query_map((), |row| {
        Ok(MemberProfile {
            id: MemberId(uuid_at(row, 0)?),
            userid: row.get(1)?,
            name: row.get(2)?,
            alias: row.get(3)?,
            position: row.get(4)?,
            department: row.get(5)?,
            role: role_from(&row.get::<_, String>(6)?),
            admin_scope: row.get::<_, Option<String>>(7)?.map(DepartmentId),
        })
    })?;
    let mut out = Vec::new();
    for profile in rows {
        let profile = profile?;
        if view.model.can_see(&view.viewer, profile.id) {
            out.push(profile);
        }
    }
    Ok(out)
}

/// Recomputes the search keys of members whose keys are empty (after the migration that added
/// them); returns how many were filled in.
pub(super) fn refresh_search_keys(conn: &Connection) -> StoreResult<usize> {
    let mut stmt = conn.prepare(
        "SELECT id, name, alias, userid, email, position FROM members WHERE search_keys = '' AND status <> 'deleted'",
    )?;
    let rows: Vec<(String, String)> = stmt
        .query_map((), |row| {
            let keys = search_keys::search_keys(
                &row.get::<_, String>(1)?,
                &row.get::<_, String>(2)?,
                &row.get::<_, String>(3)?,
                &row.get::<_, String>(4)?,
                &row.get::<_, String>(5)?,
            );
            Ok((row.get(0)?, search_keys::join(&keys)))
        })?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    for (id, keys) in &rows {
        conn.execute("UPDATE members SET search_keys = ?2 WHERE id = ?1", params![id, keys])?;
    }
    Ok(rows.len())
}
