//! The CSV import and export against SQLite. Rows arrive already checked field by field
//! (`crate::csv_io`); here they are checked against the directory and each other — department
//! paths exist, userids appear once, mobiles and emails end up unique, direct leaders exist (in
//! the directory or the same file) without circles, statuses make sense — and then applied in the
//! caller's one transaction, or not at all.

use super::changes::{StoredChange, record_directory};
use super::directory::{Facts, load_model, role_from, status_from};
use super::directory_admin::ancestor_line;
use super::directory_admin::{insert_member_row, led_departments, record_corrections, update_member_row};
use super::sessions::revoke_all_sessions;
use super::uuid_at;
use crate::domain::admin_scope::{DirectoryActor, MemberPlace, Reach};
use crate::store::sql::{Connection, params};
use crate::store::{ExportRow, ImportRow, MemberInput, NewMember, StoreResult};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;
use weft_protocol::auth::Role;
use weft_protocol::auth::SessionEnd;
use weft_protocol::directory::{CsvRowError, ImportSummary, MemberStatus};
use weft_protocol::{DepartmentId, DirectoryRefusal, MemberId, Millis, SessionId};

/// Every department's path from the root (`织锦科技/研发部/前端组`).
fn department_paths(conn: &Connection) -> StoreResult<HashMap<DepartmentId, String>> {
    let rows: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT id, name, parent_id FROM departments")?
        .query_map((), |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let by_id: HashMap<&str, (&str, Option<&str>)> =
        rows.iter().map(|(id, name, parent)| (id.as_str(), (name.as_str(), parent.as_deref()))).collect();
    let mut paths = HashMap::new();
    for (id, _, _) in &rows {
        let mut names = Vec::new();
        let mut current = Some(id.as_str());
        while let Some(department) = current {
            let Some((name, parent)) = by_id.get(department) else { break };
            names.push(*name);
            current = *parent;
            if names.len() > by_id.len() {
                break;
            }
        }
        names.reverse();
        paths.insert(DepartmentId(id.clone()), names.join("/"));
    }
    Ok(paths)
}

/// A path as typed, with spaces around each segment removed.
pub(crate) fn normalize_path(path: &str) -> String {
    path.split('/').map(str::trim).collect::<Vec<_>>().join("/")
}

/// A member as stored, for comparing with a row.
struct Existing {
    id: MemberId,
    userid: String,
    status: MemberStatus,
    has_password: bool,
    mobile: String,
    email: String,
    leader: Option<MemberId>,
    row: ExportRow,
    role: Role,
    admin_scope: Option<DepartmentId>,
    departments: Vec<DepartmentId>,
}

/// Departments' lines of ancestors, looked up once each (only department administrators need
/// them).
struct Lines<'c> {
    conn: &'c Connection,
    known: HashMap<DepartmentId, Vec<DepartmentId>>,
}

impl<'c> Lines<'c> {
    fn new(conn: &'c Connection) -> Self {
        Self { conn, known: HashMap::new() }
    }

    fn of(&mut self, departments: &[DepartmentId]) -> StoreResult<Vec<Vec<DepartmentId>>> {
        let mut lines = Vec::with_capacity(departments.len());
        for department in departments {
            if !self.known.contains_key(department) {
                let line = ancestor_line(self.conn, department)?;
                self.known.insert(department.clone(), line);
            }
            lines.push(self.known[department].clone());
        }
        Ok(lines)
    }
}

impl Existing {
    /// Whether a department administrator reaches this member.
    fn within(&self, reach: &Reach, lines: &mut Lines<'_>) -> StoreResult<bool> {
        let department_lines = lines.of(&self.departments)?;
        let place = MemberPlace {
            role: self.role,
            admin_scope: self.admin_scope.as_ref(),
            department_lines: &department_lines,
        };
        Ok(reach.check_member(&place).is_ok())
    }
}

fn existing_members(conn: &Connection, paths: &HashMap<DepartmentId, String>) -> StoreResult<Vec<Existing>> {
    let mut memberships: HashMap<MemberId, Vec<(DepartmentId, bool)>> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT member_id, department_id, is_leader FROM member_departments ORDER BY member_id, sort")?;
    let rows = stmt
        .query_map((), |row| Ok((MemberId(uuid_at(row, 0)?), DepartmentId(row.get(1)?), row.get::<_, i64>(2)? != 0)))?;
    for row in rows {
        let (member, department, leads) = row?;
        memberships.entry(member).or_default().push((department, leads));
    }
    let mut stmt = conn.prepare(
        "SELECT m.id, m.userid, m.name, m.alias, m.position, m.mobile, m.email, m.department_id, m.status, \
         m.password_hash <> '', m.direct_leader_id, COALESCE(l.userid, ''), COALESCE(m.admin_role, m.role), \
         m.admin_scope \
         FROM members m LEFT JOIN members l ON l.id = m.direct_leader_id WHERE m.status <> 'deleted' \
         ORDER BY m.department_id, m.userid",
    )?;
    let rows = stmt.query_map((), |row| {
        Ok((
            MemberId(uuid_at(row, 0)?),
            [row.get::<_, String>(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?],
            DepartmentId(row.get(7)?),
            row.get::<_, String>(8)?,
            row.get::<_, bool>(9)?,
            row.get::<_, Option<String>>(10)?,
            row.get::<_, String>(11)?,
            row.get::<_, String>(12)?,
            row.get::<_, Option<String>>(13)?.map(DepartmentId),
        ))
    })?;
    let path = |d: &DepartmentId| paths.get(d).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            [userid, name, alias, position, mobile, email],
            main,
            status,
            has_password,
            leader,
            leader_userid,
            role,
            admin_scope,
        ) = row?;
        let departments = memberships.remove(&id).unwrap_or_default();
        let status = status_from(&status);
        out.push(Existing {
            id,
            userid: userid.clone(),
            status,
            has_password,
            mobile: mobile.clone(),
            email: email.clone(),
            leader: leader.and_then(|l| l.parse().ok()),
            role: role_from(&role),
            row: ExportRow {
                userid,
                name,
                alias,
                position,
                mobile,
                email,
                departments: departments.iter().map(|(d, _)| path(d)).collect(),
                main_department: path(&main),
                leader_of: departments.iter().filter(|(_, leads)| *leads).map(|(d, _)| path(d)).collect(),
                direct_leader: leader_userid,
                status,
                role: role_from(&role),
                admin_scope: admin_scope.as_ref().map(&path).unwrap_or_default(),
            },
            admin_scope,
            departments: departments.into_iter().map(|(d, _)| d).collect(),
        });
    }
    Ok(out)
}

/// Every member not deleted within the administrator's reach, for the CSV export.
pub(super) fn export(conn: &Connection, actor: &DirectoryActor) -> StoreResult<Vec<ExportRow>> {
    let paths = department_paths(conn)?;
    let mut lines = Lines::new(conn);
    let mut rows = Vec::new();
    for member in existing_members(conn, &paths)? {
        if actor.reach == Reach::Workspace || member.within(&actor.reach, &mut lines)? {
            rows.push(member.row);
        }
    }
    Ok(rows)
}

/// A row resolved against the directory.
struct Planned<'a> {
    row: &'a ImportRow,
    id: MemberId,
    existing: Option<usize>,
    input: MemberInput,
    leader_userid: String,
    status: MemberStatus,
}

/// Checks every row, then applies them all; `Ok(Err(errors))` when anything is wrong (nothing is
/// written then: the caller does not commit).
pub(super) fn import(
    conn: &Connection,
    actor: &DirectoryActor,
    rows: &[ImportRow],
    now: Millis,
) -> StoreResult<crate::store::ImportOutcome> {
    let paths = department_paths(conn)?;
    let by_path: HashMap<&str, &DepartmentId> = paths.iter().map(|(id, path)| (path.as_str(), id)).collect();
    let existing = existing_members(conn, &paths)?;
    let by_userid: HashMap<String, usize> =
        existing.iter().enumerate().map(|(i, e)| (e.userid.to_lowercase(), i)).collect();
    let mut errors = Vec::new();
    let mut error = |row: usize, field: &str, message: String| {
        errors.push(CsvRowError { row, field: field.to_owned(), message });
    };

    // Userids appear once in the file.
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut plans: Vec<Planned<'_>> = Vec::with_capacity(rows.len());
    for row in rows {
        let key = row.userid.to_lowercase();
        if let Some(first) = first_row.get(&key) {
            error(row.row, "userid", format!("userid: {} is already in row {first}", row.userid));
            continue;
        }
        first_row.insert(key.clone(), row.row);
        let existing_index = by_userid.get(&key).copied();
        let resolve = |path: &str| by_path.get(normalize_path(path).as_str()).map(|id| (*id).clone());
        let mut departments = Vec::new();
        for path in &row.departments {
            match resolve(path) {
                Some(id) if !departments.contains(&id) => departments.push(id),
                Some(_) => {}
                None => error(row.row, "departments", format!("departments: there is no department {path:?}")),
            }
        }
        let main = if row.main_department.is_empty() {
            departments.first().cloned()
        } else {
            match resolve(&row.main_department) {
                Some(id) if departments.contains(&id) => Some(id),
                Some(_) => {
                    error(
                        row.row,
                        "main_department",
                        "main_department: must be one of the member's departments".into(),
                    );
                    None
                }
                None => {
                    error(
                        row.row,
                        "main_department",
                        format!("main_department: there is no department {:?}", row.main_department),
                    );
                    None
                }
            }
        };
        let (role, admin_scope) = match (row.role, existing_index) {
            (Some(role), _) if row.admin_scope.is_empty() => (role, None),
            (Some(role), _) => match resolve(&row.admin_scope) {
                Some(scope) => (role, Some(scope)),
                None => {
                    error(row.row, "admin_scope", format!("admin_scope: there is no department {:?}", row.admin_scope));
                    (role, None)
                }
            },
            (None, Some(i)) => (existing[i].role, existing[i].admin_scope.clone()),
            (None, None) => (Role::Member, None),
        };
        let mut leader_of = Vec::new();
        for path in &row.leader_of {
            match resolve(path) {
                Some(id) if departments.contains(&id) => leader_of.push(id),
                _ => error(row.row, "leader_of", format!("leader_of: {path:?} is not one of the member's departments")),
            }
        }
        let has_password = row.password_hash.is_some() || existing_index.is_some_and(|i| existing[i].has_password);
        let status = match (row.status, existing_index) {
            (Some(MemberStatus::Active), _) if !has_password => {
                error(
                    row.row,
                    "status",
                    "status: an account without a password can only be invited or disabled; give a password".into(),
                );
                MemberStatus::Invited
            }
            (Some(status), _) => status,
            (None, Some(i)) => existing[i].status,
            (None, None) if has_password => MemberStatus::Active,
            (None, None) => MemberStatus::Invited,
        };
        if row.departments.is_empty() {
            error(row.row, "departments", "departments: a member belongs to at least one department".into());
        }
        // A row whose departments failed is still checked for the rest (its problems are already
        // listed, so it is never applied).
        let main = main.unwrap_or_else(|| DepartmentId(String::new()));
        plans.push(Planned {
            row,
            id: existing_index.map_or_else(|| MemberId(Uuid::now_v7()), |i| existing[i].id),
            existing: existing_index,
            input: MemberInput {
                name: row.name.clone(),
                alias: row.alias.clone(),
                position: row.position.clone(),
                mobile: row.mobile.clone(),
                email: row.email.clone(),
                departments,
                main_department: main,
                leader_of,
                direct_leader: None,
                avatar: String::new(),
                role,
                admin_scope,
            },
            leader_userid: row.direct_leader.clone(),
            status,
        });
    }

    // A department administrator imports only members within their reach, and gives no roles.
    if actor.reach != Reach::Workspace {
        let mut lines = Lines::new(conn);
        for plan in &plans {
            if let Some(i) = plan.existing
                && !existing[i].within(&actor.reach, &mut lines)?
            {
                let userid = &plan.row.userid;
                error(plan.row.row, "userid", format!("userid: {userid} is outside the departments you administer"));
                continue;
            }
            let department_lines = lines.of(&plan.input.departments)?;
            let after = MemberPlace {
                role: plan.input.role,
                admin_scope: plan.input.admin_scope.as_ref(),
                department_lines: &department_lines,
            };
            let role_kept = plan.existing.is_some_and(|i| {
                existing[i].role == plan.input.role && existing[i].admin_scope == plan.input.admin_scope
            });
            match actor.reach.check_result(None, &after) {
                Err(DirectoryRefusal::RoleNotTheirs) if !role_kept => {
                    error(plan.row.row, "role", "role: only the workspace administrator gives or takes roles".into())
                }
                Err(_) if !department_lines.is_empty() && department_lines.iter().all(|line| !line.is_empty()) => {
                    error(plan.row.row, "departments", "departments: outside the departments you administer".into());
                }
                _ => {}
            }
        }
    }

    // Mobiles and emails are unique among the members that will exist afterwards.
    let in_file: HashSet<usize> = plans.iter().filter_map(|p| p.existing).collect();
    for (field, value_of) in [("mobile", 0usize), ("email", 1)] {
        let mut holders: HashMap<String, String> = HashMap::new();
        for (i, member) in existing.iter().enumerate() {
            let value = if value_of == 0 { &member.mobile } else { &member.email };
            if !in_file.contains(&i) && !value.is_empty() {
                holders.insert(value.clone(), format!("{} ({})", member.row.name, member.userid));
            }
        }
        for plan in &plans {
            let value = if value_of == 0 { &plan.input.mobile } else { &plan.input.email };
            if value.is_empty() {
                continue;
            }
            match holders.get(value) {
                Some(holder) => error(plan.row.row, field, format!("{field}: {value} is already used by {holder}")),
                None => {
                    holders.insert(value.clone(), format!("row {}", plan.row.row));
                }
            }
        }
    }

    // Direct leaders: in the file or the directory, not oneself, no circles.
    let file_ids: HashMap<String, MemberId> = plans.iter().map(|p| (p.row.userid.to_lowercase(), p.id)).collect();
    let mut leader_of_member: HashMap<MemberId, MemberId> =
        existing.iter().filter_map(|e| e.leader.map(|l| (e.id, l))).collect();
    for plan in &mut plans {
        if plan.leader_userid.is_empty() {
            leader_of_member.remove(&plan.id);
            continue;
        }
        let key = plan.leader_userid.to_lowercase();
        let leader = file_ids.get(&key).copied().or_else(|| by_userid.get(&key).map(|i| existing[*i].id));
        match leader {
            Some(leader) if leader == plan.id => {
                error(plan.row.row, "direct_leader", "direct_leader: a member cannot be their own leader".into());
            }
            Some(leader) => {
                plan.input.direct_leader = Some(leader);
                leader_of_member.insert(plan.id, leader);
            }
            None => error(
                plan.row.row,
                "direct_leader",
                format!("direct_leader: no member {:?} in the directory or this file", plan.leader_userid),
            ),
        }
    }
    for plan in &plans {
        if let Some(leader) = plan.input.direct_leader
            && crate::directory::leader_cycle(plan.id, leader, |m| leader_of_member.get(&m).copied())
        {
            error(
                plan.row.row,
                "direct_leader",
                "direct_leader: the leaders in this file would go round in a circle".into(),
            );
        }
    }
    // An import never leaves the workspace without an active administrator.
    let status_after = |index: usize| plans.iter().find(|p| p.existing == Some(index)).map(|p| p.status);
    let role_after = |index: usize| plans.iter().find(|p| p.existing == Some(index)).map(|p| p.input.role);
    let admins_left = existing
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            role_after(*i).unwrap_or(e.role) == Role::Admin
                && status_after(*i).unwrap_or(e.status) == MemberStatus::Active
        })
        .count();
    if admins_left == 0 {
        for plan in &plans {
            if !plan.existing.is_some_and(|i| existing[i].role == Role::Admin) {
                continue;
            }
            let field = if plan.input.role == Role::Admin { "status" } else { "role" };
            error(
                plan.row.row,
                field,
                format!("{field}: this would leave the workspace without an active administrator"),
            );
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Ok(Err(errors));
    }
    apply(conn, &plans, &existing, &paths, now).map(Ok)
}

fn apply(
    conn: &Connection,
    plans: &[Planned<'_>],
    existing: &[Existing],
    paths: &HashMap<DepartmentId, String>,
    now: Millis,
) -> StoreResult<(ImportSummary, Vec<SessionId>)> {
    let path = |d: &DepartmentId| paths.get(d).cloned().unwrap_or_default();
    let mut summary = ImportSummary { created: 0, updated: 0, unchanged: 0 };
    let changed: Vec<&Planned<'_>> = plans
        .iter()
        .filter(|plan| {
            let Some(i) = plan.existing else { return true };
            let input = &plan.input;
            let now_row = ExportRow {
                userid: existing[i].userid.clone(),
                name: input.name.clone(),
                alias: input.alias.clone(),
                position: input.position.clone(),
                mobile: input.mobile.clone(),
                email: input.email.clone(),
                departments: input.departments.iter().map(path).collect(),
                main_department: path(&input.main_department),
                leader_of: input.leader_of.iter().map(path).collect(),
                direct_leader: plan.leader_userid.clone(),
                status: plan.status,
                role: input.role,
                admin_scope: input.admin_scope.as_ref().map(path).unwrap_or_default(),
            };
            let same = existing[i].row.direct_leader.eq_ignore_ascii_case(&now_row.direct_leader)
                && ExportRow { direct_leader: String::new(), ..existing[i].row.clone() }
                    == ExportRow { direct_leader: String::new(), ..now_row }
                && plan.row.password_hash.is_none();
            !same
        })
        .collect();
    summary.unchanged = plans.len() - changed.len();
    // Only updates can take someone out of a viewer's sight.
    let before = if changed.iter().any(|p| p.existing.is_some()) { Some(load_model(conn, Facts::All)?) } else { None };
    let mut sessions = Vec::new();
    let mut touched_departments: HashSet<DepartmentId> = HashSet::new();
    // New members first (without leaders, who may be later in the file), then everything else.
    for plan in changed.iter().filter(|p| p.existing.is_none()) {
        let member = NewMember {
            id: plan.id,
            userid: plan.row.userid.clone(),
            input: MemberInput { direct_leader: None, ..plan.input.clone() },
            password_hash: plan.row.password_hash.clone().unwrap_or_default(),
            status: plan.status,
        };
        insert_member_row(conn, &member, now)?;
        touched_departments.extend(plan.input.leader_of.iter().cloned());
        summary.created += 1;
    }
    let mut set_leader = conn.prepare_cached("UPDATE members SET direct_leader_id = ?2 WHERE id = ?1")?;
    for plan in &changed {
        match plan.existing {
            None => {
                if let Some(leader) = plan.input.direct_leader {
                    set_leader.execute(params![plan.id.to_string(), leader.to_string()])?;
                }
            }
            Some(i) => {
                let old_leads = led_departments(conn, plan.id)?;
                touched_departments.extend(old_leads.iter().filter(|d| !plan.input.leader_of.contains(d)).cloned());
                touched_departments.extend(plan.input.leader_of.iter().filter(|d| !old_leads.contains(d)).cloned());
                update_member_row(conn, plan.id, &existing[i].userid, &plan.input, now)?;
                if existing[i].role != plan.input.role || existing[i].admin_scope != plan.input.admin_scope {
                    // A changed role ends the member's sessions, as the admin API's does.
                    sessions.extend(revoke_all_sessions(conn, plan.id, SessionEnd::CredentialsChanged, now)?);
                }
                if let Some(hash) = &plan.row.password_hash {
                    conn.execute(
                        "UPDATE members SET password_hash = ?2 WHERE id = ?1",
                        params![plan.id.to_string(), hash],
                    )?;
                    // A password reset by import ends the member's sessions, as the admin API's does.
                    sessions.extend(revoke_all_sessions(conn, plan.id, SessionEnd::CredentialsChanged, now)?);
                }
                if plan.status != existing[i].status {
                    conn.execute(
                        "UPDATE members SET status = ?2 WHERE id = ?1",
                        params![plan.id.to_string(), plan.status.as_str()],
                    )?;
                    if plan.status != MemberStatus::Active {
                        sessions.extend(revoke_all_sessions(conn, plan.id, SessionEnd::MemberDisabled, now)?);
                    }
                }
                summary.updated += 1;
            }
        }
        record_directory(conn, None, &StoredChange::DirMember { member_id: plan.id }, now)?;
    }
    drop(set_leader);
    for department_id in touched_departments {
        record_directory(conn, None, &StoredChange::DirDepartment { department_id }, now)?;
    }
    if let Some(before) = before {
        let broadcast: HashSet<MemberId> = changed.iter().map(|p| p.id).collect();
        record_corrections(conn, &before, &broadcast, &HashSet::new(), now)?;
    }
    Ok((summary, sessions))
}
