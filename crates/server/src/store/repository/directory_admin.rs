//! The administrator's changes to the directory in SQLite. Every write records its changes in the
//! same transaction: a change for everyone for each member or department it touched (rendered per
//! viewer when pulled), and — when the write may change who sees whom (rules, departments, roles,
//! moves, deletions) — corrections addressed to each viewer whose directory changed: removals and
//! additions when they are few, one directory reset when there are more than
//! [`MAX_LISTED_CORRECTIONS`].

use super::approval_departures::release_departed_approver;
use super::changes::{StoredChange, record_directory};
use super::directory::{DirectoryView, Facts, department_from_row, load_model, role_from};
use super::members::role_columns;
use super::sessions::revoke_all_sessions;
use super::{SqlStore, unique_violation, uuid_at};
use crate::directory::leader_cycle;
use crate::domain::admin_scope::{DirectoryActor, MemberPlace, Reach};
use crate::domain::directory;
use crate::search_keys::{join, search_keys};
use crate::store::sql::{Connection, OptionalExtension, params};
use crate::store::{DirectoryAdmin, MemberInput, NewMember, StoreError, StoreResult};
use crate::visibility::{OrgModel, diff_viewers};
use std::collections::HashSet;
use uuid::Uuid;
use weft_protocol::auth::{Role, SessionEnd};
use weft_protocol::directory::{
    Department, DirectoryMember, HideMemberRequest, MemberStatus, UpdateDepartmentRequest, VisibilityRules,
};
use weft_protocol::{DepartmentId, DirectoryRefusal, FieldProblem, FieldRule, MemberId, Millis, SessionId};

/// Above this many removals and additions for one viewer, they get a directory reset instead.
pub const MAX_LISTED_CORRECTIONS: usize = 200;

/// Inserts a member and their departments (no checks beyond the schema's, no change recorded).
pub(super) fn insert_member_row(conn: &Connection, member: &NewMember, now: Millis) -> StoreResult<()> {
    let input = &member.input;
    let keys = search_keys(&input.name, &input.alias, &member.userid, &input.email, &input.position);
    conn.prepare_cached(
        "INSERT INTO members (id, userid, name, alias, position, department_id, role, status, password_hash, \
         mobile, email, direct_leader_id, avatar, search_keys, version, updated_at, admin_role, admin_scope) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?16, ?17)",
    )?
    .execute(params![
        member.id.to_string(),
        member.userid,
        input.name,
        input.alias,
        input.position,
        input.main_department.0,
        role_columns(input.role).0,
        member.status.as_str(),
        member.password_hash,
        input.mobile,
        input.email,
        input.direct_leader.map(|l| l.to_string()),
        input.avatar,
        join(&keys),
        now,
        role_columns(input.role).1,
        input.admin_scope.as_ref().map(|scope| scope.0.as_str())
    ])
    .map_err(|err| if unique_violation(&err) { StoreError::Duplicate("userid") } else { err.into() })?;
    write_departments(conn, member.id, input)
}

/// Replaces the member's department list (order kept, leader flags set).
pub(super) fn write_departments(conn: &Connection, member: MemberId, input: &MemberInput) -> StoreResult<()> {
    let id = member.to_string();
    conn.prepare_cached("DELETE FROM member_departments WHERE member_id = ?1")?.execute([&id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO member_departments (member_id, department_id, is_leader, sort) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (sort, department) in input.departments.iter().enumerate() {
        let leads = input.leader_of.contains(department);
        insert.execute(params![id, department.0, i64::from(leads), sort as i64])?;
    }
    Ok(())
}

/// Updates a member's fields (the userid stays), bumping the version.
pub(super) fn update_member_row(
    conn: &Connection,
    member: MemberId,
    userid: &str,
    input: &MemberInput,
    now: Millis,
) -> StoreResult<()> {
    let keys = search_keys(&input.name, &input.alias, userid, &input.email, &input.position);
    conn.prepare_cached(
        "UPDATE members SET name = ?2, alias = ?3, position = ?4, department_id = ?5, role = ?6, mobile = ?7, \
         email = ?8, direct_leader_id = ?9, avatar = ?10, search_keys = ?11, version = version + 1, updated_at = ?12, \
         admin_role = ?13, admin_scope = ?14 WHERE id = ?1",
    )?
    .execute(params![
        member.to_string(),
        input.name,
        input.alias,
        input.position,
        input.main_department.0,
        role_columns(input.role).0,
        input.mobile,
        input.email,
        input.direct_leader.map(|l| l.to_string()),
        input.avatar,
        join(&keys),
        now,
        role_columns(input.role).1,
        input.admin_scope.as_ref().map(|scope| scope.0.as_str())
    ])?;
    write_departments(conn, member, input)
}

pub(super) fn department_exists(conn: &Connection, id: &DepartmentId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM departments WHERE id = ?1")?
        .query_row([&id.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The member's direct leader as stored.
pub(super) fn stored_leader(conn: &Connection, member: MemberId) -> StoreResult<Option<MemberId>> {
    let leader: Option<Option<String>> = conn
        .prepare_cached("SELECT direct_leader_id FROM members WHERE id = ?1")?
        .query_row([member.to_string()], |row| row.get(0))
        .optional()?;
    Ok(leader.flatten().and_then(|l| l.parse().ok()))
}

/// Checks a member's fields against the directory: the departments exist, the direct leader is
/// someone else who is not deleted and does not close a cycle, and the userid (for a new member),
/// mobile and email are nobody else's.
fn check_member(conn: &Connection, member: MemberId, userid: Option<&str>, input: &MemberInput) -> StoreResult<()> {
    if let Some(scope) = &input.admin_scope
        && !department_exists(conn, scope)?
    {
        return Err(unknown_department("admin_scope", scope));
    }
    for department in &input.departments {
        if !department_exists(conn, department)? {
            return Err(FieldProblem::new(
                "departments",
                FieldRule::UnknownDepartment { department: department.to_string() },
            )
            .into());
        }
    }
    if let Some(leader) = input.direct_leader {
        if leader == member {
            return Err(FieldProblem::new("direct_leader_id", FieldRule::OwnLeader).into());
        }
        let status: Option<String> = conn
            .query_row("SELECT status FROM members WHERE id = ?1", [leader.to_string()], |row| row.get(0))
            .optional()?;
        if status.is_none_or(|s| s == "deleted") {
            return Err(FieldProblem::new("direct_leader_id", FieldRule::UnknownMember { member: leader }).into());
        }
        if leader_cycle(member, leader, |m| stored_leader(conn, m).ok().flatten()) {
            return Err(FieldProblem::new("direct_leader_id", FieldRule::LeaderCycle).into());
        }
    }
    let taken = |column: &str, value: &str| -> StoreResult<bool> {
        let sql = format!("SELECT 1 FROM members WHERE {column} = ?1 AND id <> ?2");
        Ok(conn.prepare_cached(&sql)?.query_row(params![value, member.to_string()], |_| Ok(())).optional()?.is_some())
    };
    if let Some(userid) = userid
        && taken("userid", userid)?
    {
        return Err(StoreError::Duplicate("userid"));
    }
    if !input.mobile.is_empty() && taken("mobile", &input.mobile)? {
        return Err(StoreError::Duplicate("mobile"));
    }
    if !input.email.is_empty() && taken("email", &input.email)? {
        return Err(StoreError::Duplicate("email"));
    }
    Ok(())
}

/// Each department's line of ancestors (itself first, up to the root).
fn lines_of(conn: &Connection, departments: &[DepartmentId]) -> StoreResult<Vec<Vec<DepartmentId>>> {
    departments.iter().map(|department| ancestor_line(conn, department)).collect()
}

/// A member's stored role and, for a department administrator, their scope.
fn stored_role(conn: &Connection, member: MemberId) -> StoreResult<(Role, Option<DepartmentId>)> {
    let (role, scope): (String, Option<String>) = conn
        .prepare_cached("SELECT COALESCE(admin_role, role), admin_scope FROM members WHERE id = ?1")?
        .query_row([member.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .ok_or(StoreError::NotFound("member"))?;
    Ok((role_from(&role), scope.map(DepartmentId)))
}

/// Refuses when the member is outside the administrator's reach (a department administrator's
/// subtree, or another administrator).
pub(super) fn check_member_reach(conn: &Connection, actor: &DirectoryActor, member: MemberId) -> StoreResult<()> {
    if actor.reach == Reach::Workspace {
        return Ok(());
    }
    let (role, scope) = stored_role(conn, member)?;
    let lines = lines_of(conn, &departments_of(conn, member)?)?;
    Ok(actor.reach.check_member(&MemberPlace { role, admin_scope: scope.as_ref(), department_lines: &lines })?)
}

/// Refuses a member as they would be after a create or an edit when the administrator may not
/// make them so.
fn check_result_reach(
    conn: &Connection,
    actor: &DirectoryActor,
    before: Option<MemberId>,
    input: &MemberInput,
) -> StoreResult<()> {
    if actor.reach == Reach::Workspace {
        return Ok(());
    }
    if let Some(member) = before {
        check_member_reach(conn, actor, member)?;
    }
    let lines = lines_of(conn, &input.departments)?;
    let after = MemberPlace { role: input.role, admin_scope: input.admin_scope.as_ref(), department_lines: &lines };
    Ok(actor.reach.check_result(None, &after)?)
}

/// Refuses a department outside the administrator's reach (for a department administrator,
/// the top of their subtree too).
fn check_department_reach(conn: &Connection, actor: &DirectoryActor, department: &DepartmentId) -> StoreResult<()> {
    if actor.reach == Reach::Workspace {
        return Ok(());
    }
    Ok(actor.reach.check_department(&ancestor_line(conn, department)?)?)
}

/// Departments the member leads.
pub(super) fn led_departments(conn: &Connection, member: MemberId) -> StoreResult<Vec<DepartmentId>> {
    Ok(conn
        .prepare_cached("SELECT department_id FROM member_departments WHERE member_id = ?1 AND is_leader = 1")?
        .query_map([member.to_string()], |row| Ok(DepartmentId(row.get(0)?)))?
        .collect::<Result<_, _>>()?)
}

/// The member's departments in order.
fn departments_of(conn: &Connection, member: MemberId) -> StoreResult<Vec<DepartmentId>> {
    Ok(conn
        .prepare_cached("SELECT department_id FROM member_departments WHERE member_id = ?1 ORDER BY sort")?
        .query_map([member.to_string()], |row| Ok(DepartmentId(row.get(0)?)))?
        .collect::<Result<_, _>>()?)
}

/// Records, after a write, what each active viewer lost or gained compared with `before`.
/// `broadcast_members`/`broadcast_departments` already have a change for everyone in this write,
/// so viewers who gained them need no addressed one (and departments deleted in this write have a
/// removal for everyone).
pub(super) fn record_corrections(
    conn: &Connection,
    before: &OrgModel,
    broadcast_members: &HashSet<MemberId>,
    broadcast_departments: &HashSet<DepartmentId>,
    now: Millis,
) -> StoreResult<()> {
    let after = load_model(conn, Facts::All)?;
    let viewers: Vec<MemberId> = conn
        .prepare_cached("SELECT id FROM members WHERE status = 'active'")?
        .query_map((), |row| Ok(MemberId(uuid_at(row, 0)?)))?
        .collect::<Result<_, _>>()?;
    for (viewer, mut diff) in diff_viewers(before, &after, &viewers) {
        diff.gained_members.retain(|m| !broadcast_members.contains(m));
        diff.gained_departments.retain(|d| !broadcast_departments.contains(d));
        diff.lost_departments.retain(|d| !broadcast_departments.contains(d));
        if diff.is_empty() {
            continue;
        }
        if diff.size() > MAX_LISTED_CORRECTIONS {
            record_directory(conn, Some(viewer), &StoredChange::DirReset, now)?;
            continue;
        }
        for member_id in diff.lost_members {
            record_directory(conn, Some(viewer), &StoredChange::DirMemberRemoved { member_id }, now)?;
        }
        for member_id in diff.gained_members {
            record_directory(conn, Some(viewer), &StoredChange::DirMember { member_id }, now)?;
        }
        for department_id in diff.lost_departments {
            record_directory(conn, Some(viewer), &StoredChange::DirDepartmentRemoved { department_id }, now)?;
        }
        for department_id in diff.gained_departments {
            record_directory(conn, Some(viewer), &StoredChange::DirDepartment { department_id }, now)?;
        }
    }
    Ok(())
}

/// A change for everyone about each of these departments.
fn broadcast_departments<'a>(
    conn: &Connection,
    departments: impl IntoIterator<Item = &'a DepartmentId>,
    now: Millis,
) -> StoreResult<()> {
    for department_id in departments {
        record_directory(conn, None, &StoredChange::DirDepartment { department_id: department_id.clone() }, now)?;
    }
    Ok(())
}

/// The departments in exactly one of the two lists (their leaders changed).
fn changed_leads(before: &[DepartmentId], after: &[DepartmentId]) -> Vec<DepartmentId> {
    before.iter().filter(|d| !after.contains(d)).chain(after.iter().filter(|d| !before.contains(d))).cloned().collect()
}

/// The card as an administrator sees it.
fn admin_card(conn: &Connection, actor: MemberId, member: MemberId) -> StoreResult<DirectoryMember> {
    DirectoryView::new(conn, actor, Facts::Only(&[member]))?.member(conn, member)?.ok_or(StoreError::NotFound("member"))
}

/// The department as an administrator sees it (every leader).
fn admin_department(conn: &Connection, id: &DepartmentId) -> StoreResult<Department> {
    let mut department = conn
        .query_row(
            "SELECT id, name, parent_id, sort_order FROM departments WHERE id = ?1",
            [&id.0],
            department_from_row,
        )
        .optional()?
        .ok_or(StoreError::NotFound("department"))?;
    department.leaders = conn
        .prepare_cached(
            "SELECT md.member_id FROM member_departments md JOIN members m ON m.id = md.member_id \
             WHERE md.department_id = ?1 AND md.is_leader = 1 ORDER BY m.userid",
        )?
        .query_map([&id.0], |row| Ok(MemberId(uuid_at(row, 0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(department)
}

/// (userid, role, status) of a member who is not deleted.
pub(super) fn live_member(conn: &Connection, member: MemberId) -> StoreResult<(String, String, String)> {
    conn.query_row(
        "SELECT userid, COALESCE(admin_role, role), status FROM members WHERE id = ?1 AND status <> 'deleted'",
        [member.to_string()],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
    .optional()?
    .ok_or(StoreError::NotFound("member"))
}

/// A department named in `path` does not exist.
fn unknown_department(path: &str, department: &DepartmentId) -> StoreError {
    FieldProblem::new(path, FieldRule::UnknownDepartment { department: department.0.clone() }).into()
}

/// The names of `parent`'s sub-departments, `except` one (the department being renamed).
fn sibling_names(conn: &Connection, parent: &DepartmentId, except: Option<&DepartmentId>) -> StoreResult<Vec<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM departments WHERE parent_id = ?1 AND id <> COALESCE(?2, '')")?
        .query_map(params![parent.0, except.map(|e| e.0.as_str())], |row| row.get(0))?
        .collect::<Result<_, _>>()?)
}

/// `start` and its ancestors up to the root, nearest first.
pub(super) fn ancestor_line(conn: &Connection, start: &DepartmentId) -> StoreResult<Vec<DepartmentId>> {
    Ok(conn
        .prepare_cached(
            "WITH RECURSIVE up(id, depth) AS (SELECT id, 0 FROM departments WHERE id = ?1 \
             UNION ALL SELECT d.parent_id, up.depth + 1 FROM departments d JOIN up ON d.id = up.id \
             WHERE d.parent_id IS NOT NULL) SELECT id FROM up ORDER BY depth",
        )?
        .query_map([&start.0], |row| Ok(DepartmentId(row.get(0)?)))?
        .collect::<Result<_, _>>()?)
}

fn count(conn: &Connection, sql: &str, id: &DepartmentId) -> StoreResult<u32> {
    let count: i64 = conn.query_row(sql, [&id.0], |row| row.get(0))?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

impl DirectoryAdmin for SqlStore {
    fn create_member(&self, actor: &DirectoryActor, member: &NewMember, now: Millis) -> StoreResult<DirectoryMember> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        check_member(&tx, member.id, Some(&member.userid), &member.input)?;
        check_result_reach(&tx, actor, None, &member.input)?;
        insert_member_row(&tx, member, now)?;
        // Nobody loses anyone by a new member, and those who may see them get this change.
        record_directory(&tx, None, &StoredChange::DirMember { member_id: member.id }, now)?;
        broadcast_departments(&tx, &member.input.leader_of, now)?;
        let card = admin_card(&tx, actor.id, member.id)?;
        tx.commit()?;
        Ok(card)
    }

    fn update_member(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        input: &MemberInput,
        now: Millis,
    ) -> StoreResult<(DirectoryMember, Vec<SessionId>)> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (userid, _, _) = live_member(&tx, member)?;
        let (role, scope) = stored_role(&tx, member)?;
        check_result_reach(&tx, actor, Some(member), input)?;
        let role_changes = role != input.role || scope != input.admin_scope;
        directory::check_member_edit(
            actor.id,
            member,
            (role, scope.as_ref()),
            (input.role, input.admin_scope.as_ref()),
        )?;
        check_member(&tx, member, None, input)?;
        let old_departments = departments_of(&tx, member)?;
        let old_leads = led_departments(&tx, member)?;
        // Who sees whom depends on departments and roles only: skip the diff otherwise.
        let moves = role != input.role || old_departments != input.departments;
        let before = if moves { Some(load_model(&tx, Facts::All)?) } else { None };
        update_member_row(&tx, member, &userid, input, now)?;
        record_directory(&tx, None, &StoredChange::DirMember { member_id: member }, now)?;
        broadcast_departments(&tx, &changed_leads(&old_leads, &input.leader_of), now)?;
        if let Some(before) = before {
            record_corrections(&tx, &before, &HashSet::from([member]), &HashSet::new(), now)?;
        }
        // A changed role or scope rotates the member's sessions: they sign in again under the
        // new rights.
        let ended = if role_changes {
            revoke_all_sessions(&tx, member, SessionEnd::CredentialsChanged, now)?
        } else {
            Vec::new()
        };
        let card = admin_card(&tx, actor.id, member)?;
        tx.commit()?;
        Ok((card, ended))
    }

    fn set_member_status(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        status: MemberStatus,
        now: Millis,
    ) -> StoreResult<(DirectoryMember, Vec<SessionId>)> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        live_member(&tx, member)?;
        check_member_reach(&tx, actor, member)?;
        let hash: String =
            tx.query_row("SELECT password_hash FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))?;
        directory::check_status_change(actor.id, member, status, !hash.is_empty())?;
        let changed = tx.execute(
            "UPDATE members SET status = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1 AND status <> ?2",
            params![member.to_string(), status.as_str(), now],
        )?;
        let sessions = if status == MemberStatus::Active {
            Vec::new()
        } else {
            revoke_all_sessions(&tx, member, SessionEnd::MemberDisabled, now)?
        };
        if changed > 0 {
            // Disabled members stay in the directory (greyed out): nobody's visibility changes.
            record_directory(&tx, None, &StoredChange::DirMember { member_id: member }, now)?;
            if status != MemberStatus::Active {
                release_departed_approver(&tx, member, actor.id, now)?;
            }
        }
        let card = admin_card(&tx, actor.id, member)?;
        tx.commit()?;
        Ok((card, sessions))
    }

    fn delete_member(&self, actor: &DirectoryActor, member: MemberId, now: Millis) -> StoreResult<Vec<SessionId>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        live_member(&tx, member)?;
        check_member_reach(&tx, actor, member)?;
        directory::check_deletion(actor.id, member)?;
        let before = load_model(&tx, Facts::All)?;
        let led = led_departments(&tx, member)?;
        let id = member.to_string();
        let reports: Vec<MemberId> = tx
            .prepare("SELECT id FROM members WHERE direct_leader_id = ?1")?
            .query_map([&id], |row| Ok(MemberId(uuid_at(row, 0)?)))?
            .collect::<Result<_, _>>()?;
        tx.execute(
            "UPDATE members SET direct_leader_id = NULL, version = version + 1, updated_at = ?2 WHERE direct_leader_id = ?1",
            params![id, now],
        )?;
        tx.execute("DELETE FROM visibility_hidden_allow WHERE member_id = ?1 OR allowed_member_id = ?1", [&id])?;
        tx.execute("DELETE FROM visibility_hidden_member WHERE member_id = ?1", [&id])?;
        tx.execute("DELETE FROM member_departments WHERE member_id = ?1", [&id])?;
        // The row stays for message history; what must stay unique is freed ('#' is never in a
        // valid userid).
        tx.execute(
            "UPDATE members SET status = 'deleted', userid = '#' || id, mobile = '', email = '', password_hash = '', \
             search_keys = '', direct_leader_id = NULL, version = version + 1, updated_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        let sessions = revoke_all_sessions(&tx, member, SessionEnd::MemberDisabled, now)?;
        release_departed_approver(&tx, member, actor.id, now)?;
        for report in &reports {
            record_directory(&tx, None, &StoredChange::DirMember { member_id: *report }, now)?;
        }
        broadcast_departments(&tx, &led, now)?;
        record_corrections(&tx, &before, &HashSet::new(), &HashSet::new(), now)?;
        tx.commit()?;
        Ok(sessions)
    }

    fn set_password(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        password_hash: &str,
        now: Millis,
    ) -> StoreResult<Vec<SessionId>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (_, _, status) = live_member(&tx, member)?;
        check_member_reach(&tx, actor, member)?;
        tx.execute("UPDATE members SET password_hash = ?2 WHERE id = ?1", params![member.to_string(), password_hash])?;
        if status == "invited" {
            tx.execute(
                "UPDATE members SET status = 'active', version = version + 1, updated_at = ?2 WHERE id = ?1",
                params![member.to_string(), now],
            )?;
            record_directory(&tx, None, &StoredChange::DirMember { member_id: member }, now)?;
        }
        let sessions = revoke_all_sessions(&tx, member, SessionEnd::CredentialsChanged, now)?;
        tx.commit()?;
        Ok(sessions)
    }

    fn create_department(
        &self,
        actor: &DirectoryActor,
        name: &str,
        parent: &DepartmentId,
        order: Option<i64>,
        now: Millis,
    ) -> StoreResult<Department> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if !department_exists(&tx, parent)? {
            return Err(unknown_department("parent_id", parent));
        }
        actor.reach.check_parent(&ancestor_line(&tx, parent)?)?;
        directory::check_department_order(order)?;
        let siblings = sibling_names(&tx, parent, None)?;
        directory::check_department_name(name, siblings.iter().map(String::as_str))?;
        let order = match order {
            Some(order) => order,
            None => tx.query_row(
                "SELECT COALESCE(MAX(sort_order) + 1, 0) FROM departments WHERE parent_id = ?1",
                [&parent.0],
                |row| row.get(0),
            )?,
        };
        let id = DepartmentId(Uuid::now_v7().to_string());
        tx.execute(
            "INSERT INTO departments (id, name, parent_id, sort_order, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.0, name, parent.0, order, now],
        )?;
        record_directory(&tx, None, &StoredChange::DirDepartment { department_id: id.clone() }, now)?;
        let department = admin_department(&tx, &id)?;
        tx.commit()?;
        Ok(department)
    }

    fn update_department(
        &self,
        actor: &DirectoryActor,
        id: &DepartmentId,
        change: &UpdateDepartmentRequest,
        now: Millis,
    ) -> StoreResult<Department> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        directory::check_department_order(change.order)?;
        let current = admin_department(&tx, id)?;
        check_department_reach(&tx, actor, id)?;
        let parent = change.parent_id.clone().or_else(|| current.parent_id.clone());
        let name = change.name.clone().unwrap_or_else(|| current.name.clone());
        let moving = change.parent_id.is_some() && change.parent_id != current.parent_id;
        if moving {
            let Some(new_parent) = &change.parent_id else { return Err(StoreError::NotFound("department")) };
            let line = ancestor_line(&tx, new_parent)?;
            if line.is_empty() && current.parent_id.is_some() {
                return Err(unknown_department("parent_id", new_parent));
            }
            directory::check_department_move(id, current.parent_id.is_none(), &line)?;
            actor.reach.check_parent(&line)?;
        }
        if let Some(parent) = &parent
            && (moving || name != current.name)
        {
            let siblings = sibling_names(&tx, parent, Some(id))?;
            directory::check_department_name(&name, siblings.iter().map(String::as_str))?;
        }
        let before = if moving { Some(load_model(&tx, Facts::All)?) } else { None };
        tx.execute(
            "UPDATE departments SET name = ?2, parent_id = ?3, sort_order = ?4, updated_at = ?5 WHERE id = ?1",
            params![id.0, name, parent.as_ref().map(|p| p.0.as_str()), change.order.unwrap_or(current.order), now],
        )?;
        record_directory(&tx, None, &StoredChange::DirDepartment { department_id: id.clone() }, now)?;
        if let Some(before) = before {
            record_corrections(&tx, &before, &HashSet::new(), &HashSet::from([id.clone()]), now)?;
        }
        let department = admin_department(&tx, id)?;
        tx.commit()?;
        Ok(department)
    }

    fn delete_department(&self, actor: &DirectoryActor, id: &DepartmentId, now: Millis) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = admin_department(&tx, id)?;
        check_department_reach(&tx, actor, id)?;
        let children = count(&tx, "SELECT COUNT(*) FROM departments WHERE parent_id = ?1", id)?;
        let members = count(&tx, "SELECT COUNT(*) FROM member_departments WHERE department_id = ?1", id)?;
        directory::check_department_deletion(current.parent_id.is_none(), children, members)?;
        let administrators =
            count(&tx, "SELECT COUNT(*) FROM members WHERE admin_scope = ?1 AND status <> 'deleted'", id)?;
        if administrators > 0 {
            return Err(DirectoryRefusal::AdministeredBy { count: administrators }.into());
        }
        let Some(parent) = current.parent_id else { return Err(DirectoryRefusal::RootCannotBeDeleted.into()) };
        let before = load_model(&tx, Facts::All)?;
        tx.execute(
            "DELETE FROM visibility_department_scope WHERE department_id = ?1 OR visible_department_id = ?1",
            [&id.0],
        )?;
        tx.execute("DELETE FROM visibility_scoped_department WHERE department_id = ?1", [&id.0])?;
        tx.execute("DELETE FROM visibility_hidden_allow WHERE allowed_department_id = ?1", [&id.0])?;
        // Its members (there are none left) took their session policy from it; sub-departments
        // (none either) would inherit the parent's.
        tx.execute("DELETE FROM session_policies WHERE department_id = ?1", [&id.0])?;
        // Deleted members keep a main department for their row; give them the parent.
        tx.execute("UPDATE members SET department_id = ?2 WHERE department_id = ?1", params![id.0, parent.0])?;
        tx.execute("DELETE FROM departments WHERE id = ?1", [&id.0])?;
        record_directory(&tx, None, &StoredChange::DirDepartmentRemoved { department_id: id.clone() }, now)?;
        record_corrections(&tx, &before, &HashSet::new(), &HashSet::from([id.clone()]), now)?;
        tx.commit()?;
        Ok(())
    }

    fn visibility_rules(&self) -> StoreResult<VisibilityRules> {
        super::rules::visibility_rules(&self.read())
    }

    // The rule writes open their own transaction on the writer connection held here, so the
    // reach checked first still holds when they write (there is one writer at a time).
    fn set_department_scope(
        &self,
        actor: &DirectoryActor,
        department: &DepartmentId,
        visible: &[DepartmentId],
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        actor.reach.check_visibility_of(&ancestor_line(&conn, department)?)?;
        super::rules::set_department_scope(&mut conn, department, visible, now)
    }

    fn clear_department_scope(
        &self,
        actor: &DirectoryActor,
        department: &DepartmentId,
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        actor.reach.check_visibility_of(&ancestor_line(&conn, department)?)?;
        super::rules::clear_department_scope(&mut conn, department, now)
    }

    fn hide_member(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        allow: &HideMemberRequest,
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        check_member_reach(&conn, actor, member)?;
        super::rules::hide_member(&mut conn, member, allow, now)
    }

    fn unhide_member(&self, actor: &DirectoryActor, member: MemberId, now: Millis) -> StoreResult<()> {
        let mut conn = self.conn();
        check_member_reach(&conn, actor, member)?;
        super::rules::unhide_member(&mut conn, member, now)
    }

    fn import_members(
        &self,
        actor: &DirectoryActor,
        rows: &[crate::store::ImportRow],
        now: Millis,
        dry_run: bool,
    ) -> StoreResult<crate::store::ImportOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let outcome = super::import::import(&tx, actor, rows, now)?;
        // A dry run applies the rows inside the transaction (so the summary is exact) and then
        // rolls it back; a refused import is never committed either.
        match outcome {
            Ok((summary, _)) if dry_run => {
                tx.rollback()?;
                Ok(Ok((summary, Vec::new())))
            }
            Ok(applied) => {
                tx.commit()?;
                Ok(Ok(applied))
            }
            Err(errors) => Ok(Err(errors)),
        }
    }

    fn export_members(&self, actor: &DirectoryActor) -> StoreResult<Vec<crate::store::ExportRow>> {
        super::import::export(&self.read(), actor)
    }

    fn directory_reach(&self, member: MemberId) -> StoreResult<Option<Reach>> {
        let (role, scope) = stored_role(&self.read(), member)?;
        Ok(match (role, scope) {
            (Role::Admin, _) => Some(Reach::Workspace),
            (Role::DepartmentAdmin, Some(top)) => Some(Reach::Subtree(top)),
            _ => None,
        })
    }
}
