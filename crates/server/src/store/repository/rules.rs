//! Visibility rules in SQLite: reading them all, setting or clearing a department's scope, hiding
//! and unhiding a member. Each change diffs what every active viewer sees before and after, in
//! the same transaction (`record_corrections`).

use super::directory::{Facts, load_model};
use super::directory_admin::{department_exists, live_member, record_corrections};
use crate::store::sql::{Connection, params};
use crate::store::{StoreError, StoreResult};
use std::collections::HashSet;
use weft_protocol::directory::{DepartmentScope, HiddenMember, HideMemberRequest, VisibilityRules};
use weft_protocol::{DepartmentId, MemberId, Millis};

pub(super) fn visibility_rules(conn: &Connection) -> StoreResult<VisibilityRules> {
    let model = load_model(conn, Facts::Only(&[]))?;
    let mut rules = VisibilityRules::default();
    for (department_id, visible) in model.scopes {
        rules.department_scopes.push(DepartmentScope { department_id, visible_department_ids: visible });
    }
    rules.department_scopes.sort_by(|a, b| a.department_id.cmp(&b.department_id));
    for (member_id, allow) in model.hidden {
        let mut allowed_member_ids: Vec<MemberId> = allow.members.into_iter().collect();
        allowed_member_ids.sort();
        let mut allowed_department_ids = allow.departments;
        allowed_department_ids.sort();
        rules.hidden_members.push(HiddenMember { member_id, allowed_department_ids, allowed_member_ids });
    }
    rules.hidden_members.sort_by_key(|h| h.member_id);
    Ok(rules)
}

pub(super) fn set_department_scope(
    conn: &mut Connection,
    department: &DepartmentId,
    visible: &[DepartmentId],
    now: Millis,
) -> StoreResult<()> {
    let tx = conn.transaction()?;
    if !department_exists(&tx, department)? {
        return Err(StoreError::NotFound("department"));
    }
    for allowed in visible {
        if !department_exists(&tx, allowed)? {
            return Err(StoreError::Invalid(format!("visible_department_ids: there is no department {allowed}")));
        }
    }
    let before = load_model(&tx, Facts::All)?;
    tx.execute("DELETE FROM visibility_department_scope WHERE department_id = ?1", [&department.0])?;
    tx.execute(
        "INSERT INTO visibility_scoped_department (department_id) VALUES (?1) ON CONFLICT DO NOTHING",
        [&department.0],
    )?;
    for allowed in visible {
        tx.execute(
            "INSERT INTO visibility_department_scope (department_id, visible_department_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![department.0, allowed.0],
        )?;
    }
    record_corrections(&tx, &before, &HashSet::new(), &HashSet::new(), now)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn clear_department_scope(conn: &mut Connection, department: &DepartmentId, now: Millis) -> StoreResult<()> {
    let tx = conn.transaction()?;
    if !department_exists(&tx, department)? {
        return Err(StoreError::NotFound("department"));
    }
    let before = load_model(&tx, Facts::All)?;
    tx.execute("DELETE FROM visibility_department_scope WHERE department_id = ?1", [&department.0])?;
    tx.execute("DELETE FROM visibility_scoped_department WHERE department_id = ?1", [&department.0])?;
    record_corrections(&tx, &before, &HashSet::new(), &HashSet::new(), now)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn hide_member(
    conn: &mut Connection,
    member: MemberId,
    allow: &HideMemberRequest,
    now: Millis,
) -> StoreResult<()> {
    let tx = conn.transaction()?;
    live_member(&tx, member)?;
    for department in &allow.allowed_department_ids {
        if !department_exists(&tx, department)? {
            return Err(StoreError::Invalid(format!("allowed_department_ids: there is no department {department}")));
        }
    }
    for allowed in &allow.allowed_member_ids {
        live_member(&tx, *allowed)
            .map_err(|_| StoreError::Invalid(format!("allowed_member_ids: there is no member {allowed}")))?;
    }
    let before = load_model(&tx, Facts::All)?;
    let id = member.to_string();
    tx.execute("DELETE FROM visibility_hidden_allow WHERE member_id = ?1", [&id])?;
    tx.execute("INSERT INTO visibility_hidden_member (member_id) VALUES (?1) ON CONFLICT DO NOTHING", [&id])?;
    for department in &allow.allowed_department_ids {
        tx.execute(
            "INSERT INTO visibility_hidden_allow (member_id, allowed_department_id) VALUES (?1, ?2)",
            params![id, department.0],
        )?;
    }
    for allowed in &allow.allowed_member_ids {
        tx.execute(
            "INSERT INTO visibility_hidden_allow (member_id, allowed_member_id) VALUES (?1, ?2)",
            params![id, allowed.to_string()],
        )?;
    }
    record_corrections(&tx, &before, &HashSet::new(), &HashSet::new(), now)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn unhide_member(conn: &mut Connection, member: MemberId, now: Millis) -> StoreResult<()> {
    let tx = conn.transaction()?;
    live_member(&tx, member)?;
    let before = load_model(&tx, Facts::All)?;
    tx.execute("DELETE FROM visibility_hidden_allow WHERE member_id = ?1", [member.to_string()])?;
    tx.execute("DELETE FROM visibility_hidden_member WHERE member_id = ?1", [member.to_string()])?;
    record_corrections(&tx, &before, &HashSet::new(), &HashSet::new(), now)?;
    tx.commit()?;
    Ok(())
}
