//! Turning an administrator's member fields into a validated [`MemberInput`]: the same rules for
//! the JSON API (typed [`FieldProblem`]s) and the CSV import (whose per-field messages come from
//! here too).

use crate::store::MemberInput;
use weft_protocol::auth::MAX_PASSWORD_LEN;
use weft_protocol::auth::Role;
use weft_protocol::directory::{
    MAX_AVATAR_LEN, MAX_EMAIL_LEN, MAX_NAME_CHARS, MAX_USERID_LEN, MIN_PASSWORD_LEN, MemberFields, normalize_mobile,
    validate_avatar, validate_email, validate_mobile, validate_new_password, validate_text_field, validate_userid,
};
use weft_protocol::{DepartmentId, FieldProblem, FieldRule, MemberId};

/// A field's problem: the field's name (as the API spells it), the rule it breaks, and a
/// message that starts with the field's name (for the CSV import's report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub rule: FieldRule,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, rule: FieldRule) -> Self {
        let message = format!("{field}: {rule}");
        Self { field, rule, message }
    }

    pub fn problem(&self) -> FieldProblem {
        FieldProblem::new(self.field, self.rule.clone())
    }
}

fn length(max: usize) -> FieldRule {
    FieldRule::Length { min: 0, max: u32::try_from(max).unwrap_or(u32::MAX) }
}

/// The rule a name, alias or position breaks (once `validate_text_field` refused it).
fn text_rule(value: &str, required: bool) -> FieldRule {
    if required && value.is_empty() {
        FieldRule::Required
    } else if value.chars().count() > MAX_NAME_CHARS {
        length(MAX_NAME_CHARS)
    } else {
        FieldRule::ControlCharacters
    }
}

/// Text fields trimmed, mobile normalised, email lower-cased: the stored form.
pub struct TextFields {
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    pub avatar: String,
}

/// A new member's userid, checked with the protocol's rule; `Err` names the rule it breaks.
pub fn check_userid(userid: &str) -> Result<(), FieldError> {
    validate_userid(userid).map_err(|message| {
        let rule = if userid.is_empty() {
            FieldRule::Required
        } else if userid.len() > MAX_USERID_LEN {
            length(MAX_USERID_LEN)
        } else {
            FieldRule::UseridChars
        };
        FieldError { field: "userid", rule, message }
    })
}

/// A password an administrator sets, checked; `Err` names the rule it breaks.
pub fn check_password(password: &str) -> Result<(), FieldError> {
    validate_new_password(password).map_err(|message| {
        let rule = if password.trim().is_empty() {
            FieldRule::Required
        } else {
            FieldRule::Length {
                min: u32::try_from(MIN_PASSWORD_LEN).unwrap_or(u32::MAX),
                max: u32::try_from(MAX_PASSWORD_LEN).unwrap_or(u32::MAX),
            }
        };
        FieldError { field: "password", rule, message }
    })
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
    let mut check = |field: &'static str, result: Result<(), String>, rule: &dyn Fn() -> FieldRule| {
        if let Err(message) = result {
            errors.push(FieldError { field, rule: rule(), message });
        }
    };
    check("name", validate_text_field("name", &fields.name, true), &|| text_rule(&fields.name, true));
    check("alias", validate_text_field("alias", &fields.alias, false), &|| text_rule(&fields.alias, false));
    check("position", validate_text_field("position", &fields.position, false), &|| text_rule(&fields.position, false));
    check("mobile", validate_mobile(&fields.mobile), &|| FieldRule::PhoneNumber);
    check("email", validate_email(&fields.email), &|| {
        if fields.email.len() > MAX_EMAIL_LEN { length(MAX_EMAIL_LEN) } else { FieldRule::EmailAddress }
    });
    check("avatar", validate_avatar(&fields.avatar), &|| {
        if fields.avatar.len() > MAX_AVATAR_LEN { length(MAX_AVATAR_LEN) } else { FieldRule::AvatarUrl }
    });
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
        return Err(FieldError::new("departments", FieldRule::AtLeastOne));
    };
    let main = main.cloned().unwrap_or(first);
    if !unique.contains(&main) {
        return Err(FieldError::new(
            "main_department_id",
            FieldRule::NotAmongDepartments { department: main.to_string() },
        ));
    }
    let mut leads: Vec<DepartmentId> = Vec::new();
    for department in leader_of {
        if !unique.contains(department) {
            return Err(FieldError::new(
                "leader_of",
                FieldRule::NotAmongDepartments { department: department.to_string() },
            ));
        }
        if !leads.contains(department) {
            leads.push(department.clone());
        }
    }
    Ok((unique, main, leads))
}

/// The API's member fields as a [`MemberInput`]; `Err` is every text field's problem, or the
/// departments' (for a 422).
pub fn member_input(fields: &MemberFields) -> Result<MemberInput, Vec<FieldProblem>> {
    let text =
        text_fields(&fields.name, &fields.alias, &fields.position, &fields.mobile, &fields.email, &fields.avatar)
            .map_err(|errors| errors.iter().map(FieldError::problem).collect::<Vec<_>>())?;
    let (departments, main_department, leader_of) =
        department_fields(&fields.departments, fields.main_department_id.as_ref(), &fields.leader_of)
            .map_err(|error| vec![error.problem()])?;
    let role = fields.role.unwrap_or(Role::Member);
    // A scope belongs to a department administrator only (and they need one).
    let admin_scope = match (role, &fields.admin_scope) {
        (Role::DepartmentAdmin, Some(scope)) => Some(scope.clone()),
        (Role::DepartmentAdmin, None) => return Err(vec![FieldProblem::new("admin_scope", FieldRule::Required)]),
        _ => None,
    };
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
        role,
        admin_scope,
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
        let fields: Vec<(&str, FieldRule)> = errors.iter().map(|e| (e.field, e.rule.clone())).collect();
        assert_eq!(
            fields,
            vec![
                ("name", FieldRule::Required),
                ("mobile", FieldRule::PhoneNumber),
                ("email", FieldRule::EmailAddress),
                ("avatar", FieldRule::AvatarUrl)
            ]
        );
        assert!(errors.iter().all(|e| e.message.starts_with(e.field)));
        let ok = text_fields(" 张三 ", "", "", "138 0013 8000", "A@B.CN", "").ok().map(|t| (t.name, t.mobile, t.email));
        assert_eq!(ok, Some(("张三".into(), "13800138000".into(), "a@b.cn".into())));
    }

    #[test]
    fn departments_need_one_main_and_leaders_among_them() {
        assert!(department_fields(&[], None, &[]).is_err());
        let (all, main, leads) = department_fields(&[d("a"), d("b"), d("a")], None, &[d("b")]).expect("valid");
        assert_eq!((all, main, leads), (vec![d("a"), d("b")], d("a"), vec![d("b")]));
        assert_eq!(department_fields(&[d("a")], Some(&d("b")), &[]).map_err(|e| e.field), Err("main_department_id"));
        assert_eq!(department_fields(&[d("a")], None, &[d("c")]).map_err(|e| e.field), Err("leader_of"));
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
