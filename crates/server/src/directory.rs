//! Turning an administrator's member fields into a validated [`MemberInput`]: the same rules for
//! the JSON API and the CSV import (whose per-field messages come from here too).

use crate::store::MemberInput;
use weft_protocol::auth::Role;
use weft_protocol::directory::{
    MemberFields, normalize_mobile, validate_avatar, validate_email, validate_mobile, validate_text_field,
};
use weft_protocol::{DepartmentId, MemberId};

/// A field's problem: the field's name and a message that starts with it.
pub type FieldError = (&'static str, String);

/// Text fields trimmed, mobile normalised, email lower-cased: the stored form.
pub struct TextFields {
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    pub avatar: String,
}

/// Checks and normalises the text fields; every problem is returned, not just the first.
pub fn text_fields(
    name: &str,
    alias: &str,
    position: &str,
    mobile: &str,
    email: &str,
    avatar: &str,
) -> Result<TextFields, Vec<FieldError>> {
    let fields = TextFields {
        name: name.trim().to_owned(),
        alias: alias.trim().to_owned(),
        position: position.trim().to_owned(),
        mobile: normalize_mobile(mobile),
        email: email.trim().to_lowercase(),
        avatar: avatar.trim().to_owned(),
    };
    let mut errors = Vec::new();
    let mut check = |field: &'static str, result: Result<(), String>| {
        if let Err(message) = result {
            errors.push((field, message));
        }
    };
    check("name", validate_text_field("name", &fields.name, true));
    check("alias", validate_text_field("alias", &fields.alias, false));
    check("position", validate_text_field("position", &fields.position, false));
    check("mobile", validate_mobile(&fields.mobile));
    check("email", validate_email(&fields.email));
    check("avatar", validate_avatar(&fields.avatar));
    if errors.is_empty() { Ok(fields) } else { Err(errors) }
}

/// Departments without repeats, the main one among them, leader flags a subset.
pub fn department_fields(
    departments: &[DepartmentId],
    main: Option<&DepartmentId>,
    leader_of: &[DepartmentId],
) -> Result<(Vec<DepartmentId>, DepartmentId, Vec<DepartmentId>), FieldError> {
    let mut unique: Vec<DepartmentId> = Vec::with_capacity(departments.len());
    for department in departments {
        if !unique.contains(department) {
            unique.push(department.clone());
        }
    }
    let Some(first) = unique.first().cloned() else {
        return Err(("departments", "departments: a member belongs to at least one department".into()));
    };
    let main = main.cloned().unwrap_or(first);
    if !unique.contains(&main) {
        return Err(("main_department", "main_department: must be one of the member's departments".into()));
    }
    let mut leads: Vec<DepartmentId> = Vec::new();
    for department in leader_of {
        if !unique.contains(department) {
            return Err(("leader_of", format!("leader_of: {department} is not one of the member's departments")));
        }
        if !leads.contains(department) {
            leads.push(department.clone());
        }
    }
    Ok((unique, main, leads))
}

/// The API's member fields as a [`MemberInput`]; `Err` is the first problem (for a 422).
pub fn member_input(fields: &MemberFields) -> Result<MemberInput, String> {
    let text =
        text_fields(&fields.name, &fields.alias, &fields.position, &fields.mobile, &fields.email, &fields.avatar)
            .map_err(|errors| errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("; "))?;
    let (departments, main_department, leader_of) =
        department_fields(&fields.departments, fields.main_department_id.as_ref(), &fields.leader_of)
            .map_err(|(_, message)| message)?;
    Ok(MemberInput {
        name: text.name,
        alias: text.alias,
        position: text.position,
        mobile: text.mobile,
        email: text.email,
        departments,
        main_department,
        leader_of,
        direct_leader: fields.direct_leader_id,
        avatar: text.avatar,
        role: fields.role.unwrap_or(Role::Member),
    })
}

/// Follows direct leaders from `start` (whose leader would become `leader`); true when the chain
/// comes back to `start` (a cycle would make "the leader N levels up" endless).
pub fn leader_cycle(start: MemberId, leader: MemberId, leader_of: impl Fn(MemberId) -> Option<MemberId>) -> bool {
    let mut current = Some(leader);
    let mut steps = 0;
    while let Some(member) = current {
        if member == start {
            return true;
        }
        steps += 1;
        if steps > 10_000 {
            return true;
        }
        current = leader_of(member);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: &str) -> DepartmentId {
        DepartmentId(id.into())
    }

    #[test]
    fn every_text_problem_is_reported_with_its_field() {
        let errors = text_fields(" ", "ok", "ok", "12", "not-an-email", "javascript:x").err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["name", "mobile", "email", "avatar"]);
        assert!(errors.iter().all(|(f, m)| m.starts_with(f)));
        let ok = text_fields(" 张三 ", "", "", "138 0013 8000", "A@B.CN", "").ok().map(|t| (t.name, t.mobile, t.email));
        assert_eq!(ok, Some(("张三".into(), "13800138000".into(), "a@b.cn".into())));
    }

    #[test]
    fn departments_need_one_main_and_leaders_among_them() {
        assert!(department_fields(&[], None, &[]).is_err());
        let (all, main, leads) = department_fields(&[d("a"), d("b"), d("a")], None, &[d("b")]).expect("valid");
        assert_eq!((all, main, leads), (vec![d("a"), d("b")], d("a"), vec![d("b")]));
        assert_eq!(department_fields(&[d("a")], Some(&d("b")), &[]).map_err(|e| e.0), Err("main_department"));
        assert_eq!(department_fields(&[d("a")], None, &[d("c")]).map_err(|e| e.0), Err("leader_of"));
    }

    #[test]
    fn leader_cycles_are_found() {
        let (a, b, c) = (
            MemberId(uuid::Uuid::from_u128(1)),
            MemberId(uuid::Uuid::from_u128(2)),
            MemberId(uuid::Uuid::from_u128(3)),
        );
        // b → c → a: making a's leader b closes a cycle.
        let chain = |m: MemberId| {
            if m == b {
                Some(c)
            } else if m == c {
                Some(a)
            } else {
                None
            }
        };
        assert!(leader_cycle(a, b, chain));
        assert!(leader_cycle(a, a, |_| None));
        assert!(!leader_cycle(a, b, |m| if m == b { Some(c) } else { None }));
    }
}
