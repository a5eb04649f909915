//! The directory's administrative rules: what an administrator may do to a member's account
//! (their own included) and what keeps the department tree whole. The store loads the facts
//! (roles, whether a password is set, the new parent's line of ancestors, what a department
//! still holds) and saves what these rules allow; refusals are `DirectoryRefusal`s.

use weft_protocol::auth::Role;
use weft_protocol::directory::MemberStatus;
use weft_protocol::refusal::{FieldProblem, FieldRule};
use weft_protocol::{DepartmentId, DirectoryRefusal, MemberId};

/// A role as granted: the role and, for a department administrator, the top of their subtree.
pub type RoleGrant<'a> = (Role, Option<&'a DepartmentId>);

/// An administrator (`actor`) edits `member`'s fields: only someone else may change a role (or a
/// department administrator's scope), so a workspace never loses its last administrator by a
/// slip and nobody widens their own reach.
pub fn check_member_edit(
    actor: MemberId,
    member: MemberId,
    current: RoleGrant<'_>,
    requested: RoleGrant<'_>,
) -> Result<(), DirectoryRefusal> {
    if actor == member && current != requested {
        return Err(DirectoryRefusal::OwnRole);
    }
    Ok(())
}

/// An administrator sets `member`'s status. Nobody disables themselves; an invited member
/// becomes active by getting a password, not by a status change without one.
pub fn check_status_change(
    actor: MemberId,
    member: MemberId,
    status: MemberStatus,
    has_password: bool,
) -> Result<(), DirectoryRefusal> {
    if actor == member && status != MemberStatus::Active {
        return Err(DirectoryRefusal::DisableSelf);
    }
    if status == MemberStatus::Active && !has_password {
        return Err(DirectoryRefusal::NoPasswordYet);
    }
    Ok(())
}

/// An administrator deletes `member`: never themselves.
pub fn check_deletion(actor: MemberId, member: MemberId) -> Result<(), DirectoryRefusal> {
    if actor == member { Err(DirectoryRefusal::DeleteSelf) } else { Ok(()) }
}

/// Moving `department` under the department whose line of ancestors (itself first, up to the
/// root) is `new_parent_line`. The root stays the root; no department goes under itself.
pub fn check_department_move(
    department: &DepartmentId,
    is_root: bool,
    new_parent_line: &[DepartmentId],
) -> Result<(), DirectoryRefusal> {
    if is_root {
        return Err(DirectoryRefusal::RootCannotMove);
    }
    if new_parent_line.contains(department) {
        return Err(DirectoryRefusal::MoveUnderItself);
    }
    Ok(())
}

/// Deleting a department: not the root, and only once it holds no sub-departments and no members
/// (they are moved first, so nobody is left without a department by accident).
pub fn check_department_deletion(is_root: bool, children: u32, members: u32) -> Result<(), DirectoryRefusal> {
    if is_root {
        return Err(DirectoryRefusal::RootCannotBeDeleted);
    }
    if children > 0 {
        return Err(DirectoryRefusal::HasSubDepartments { count: children });
    }
    if members > 0 {
        return Err(DirectoryRefusal::HasMembers { count: members });
    }
    Ok(())
}

/// Naming a department `name` among siblings that already use `sibling_names`.
pub fn check_department_name<'a>(
    name: &str,
    mut sibling_names: impl Iterator<Item = &'a str>,
) -> Result<(), DirectoryRefusal> {
    if sibling_names.any(|sibling| sibling == name) { Err(DirectoryRefusal::DepartmentNameTaken) } else { Ok(()) }
}

/// A department's place among its siblings, when one is given: WeCom's range, 0 to 2³² − 1 (so
/// "one after the last" always fits too).
pub fn check_department_order(order: Option<i64>) -> Result<(), FieldProblem> {
    match order {
        Some(order) if order < 0 => Err(FieldProblem::new("order", FieldRule::AtLeast { min: 0 })),
        Some(order) if order > i64::from(u32::MAX) => {
            Err(FieldProblem::new("order", FieldRule::AtMost { max: u32::MAX }))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn member() -> MemberId {
        MemberId(Uuid::new_v4())
    }

    fn department(name: &str) -> DepartmentId {
        DepartmentId(name.to_owned())
    }

    #[test]
    fn a_department_order_stays_within_wecoms_range() {
        assert_eq!(check_department_order(None), Ok(()));
        assert_eq!(check_department_order(Some(0)), Ok(()));
        assert_eq!(check_department_order(Some(i64::from(u32::MAX))), Ok(()));
        assert_eq!(check_department_order(Some(-1)), Err(FieldProblem::new("order", FieldRule::AtLeast { min: 0 })));
        assert_eq!(
            check_department_order(Some(i64::MAX)),
            Err(FieldProblem::new("order", FieldRule::AtMost { max: u32::MAX }))
        );
    }

    #[test]
    fn an_administrator_changes_roles_of_others_but_not_their_own() {
        let (admin, other) = (member(), member());
        // (actor is the member, current, requested, allowed)
        let cases = [
            (false, Role::Member, Role::Admin, true),
            (false, Role::Admin, Role::Member, true),
            (false, Role::Member, Role::Member, true),
            (true, Role::Admin, Role::Admin, true),
            (true, Role::Admin, Role::Member, false),
        ];
        for (own, current, requested, allowed) in cases {
            let target = if own { admin } else { other };
            let outcome = check_member_edit(admin, target, (current, None), (requested, None));
            assert_eq!(outcome.is_ok(), allowed, "own {own}, {current:?} → {requested:?}");
            if !allowed {
                assert_eq!(outcome, Err(DirectoryRefusal::OwnRole));
            }
        }
        let (eng, sales) = (department("eng"), department("sales"));
        let own_scope =
            check_member_edit(admin, admin, (Role::DepartmentAdmin, Some(&eng)), (Role::DepartmentAdmin, Some(&sales)));
        assert_eq!(own_scope, Err(DirectoryRefusal::OwnRole));
        assert_eq!(
            check_member_edit(admin, other, (Role::DepartmentAdmin, Some(&eng)), (Role::DepartmentAdmin, Some(&sales))),
            Ok(())
        );
    }

    #[test]
    fn status_changes_follow_self_and_password_rules() {
        let (admin, other) = (member(), member());
        use MemberStatus::{Active, Disabled, Invited};
        // (own account, new status, has a password, expected)
        let cases = [
            (false, Disabled, true, Ok(())),
            (false, Disabled, false, Ok(())),
            (false, Active, true, Ok(())),
            (false, Active, false, Err(DirectoryRefusal::NoPasswordYet)),
            (false, Invited, false, Ok(())),
            (true, Disabled, true, Err(DirectoryRefusal::DisableSelf)),
            (true, Invited, true, Err(DirectoryRefusal::DisableSelf)),
            (true, Active, true, Ok(())),
        ];
        for (own, status, has_password, expected) in cases {
            let target = if own { admin } else { other };
            assert_eq!(
                check_status_change(admin, target, status, has_password),
                expected,
                "own {own}, {status:?}, password {has_password}"
            );
        }
    }

    #[test]
    fn nobody_deletes_their_own_account() {
        let (admin, other) = (member(), member());
        assert_eq!(check_deletion(admin, admin), Err(DirectoryRefusal::DeleteSelf));
        assert_eq!(check_deletion(admin, other), Ok(()));
    }

    #[test]
    fn a_department_moves_anywhere_but_under_itself_and_the_root_stays() {
        let eng = department("eng");
        let line = |names: &[&str]| names.iter().map(|name| department(name)).collect::<Vec<_>>();
        assert_eq!(check_department_move(&eng, false, &line(&["sales", "root"])), Ok(()));
        assert_eq!(check_department_move(&eng, false, &line(&["root"])), Ok(()));
        assert_eq!(
            check_department_move(&eng, false, &line(&["eng", "root"])),
            Err(DirectoryRefusal::MoveUnderItself),
            "under itself"
        );
        assert_eq!(
            check_department_move(&eng, false, &line(&["backend", "eng", "root"])),
            Err(DirectoryRefusal::MoveUnderItself),
            "under its own sub-department"
        );
        assert_eq!(
            check_department_move(&department("root"), true, &line(&["eng"])),
            Err(DirectoryRefusal::RootCannotMove)
        );
    }

    #[test]
    fn only_an_empty_department_other_than_the_root_is_deleted() {
        assert_eq!(check_department_deletion(false, 0, 0), Ok(()));
        assert_eq!(check_department_deletion(true, 0, 0), Err(DirectoryRefusal::RootCannotBeDeleted));
        assert_eq!(check_department_deletion(false, 2, 3), Err(DirectoryRefusal::HasSubDepartments { count: 2 }));
        assert_eq!(check_department_deletion(false, 0, 3), Err(DirectoryRefusal::HasMembers { count: 3 }));
    }

    #[test]
    fn sibling_departments_have_different_names() {
        assert_eq!(check_department_name("研发部", ["销售部", "市场部"].into_iter()), Ok(()));
        assert_eq!(check_department_name("研发部", ["研发部"].into_iter()), Err(DirectoryRefusal::DepartmentNameTaken));
        assert_eq!(check_department_name("研发部", std::iter::empty()), Ok(()));
    }
}
