//! How far an administrator's directory rights reach: the workspace administrator everywhere, a
//! department administrator within one department's subtree. The store loads each department's
//! line of ancestors (itself first, up to the root) and asks these rules before it writes.
//!
//! Within their subtree a department administrator manages ordinary members whose every
//! department lies inside it, the departments below its top, and those departments' visibility.
//! The top itself (moving, renaming, deleting it) and every role stay with the workspace
//! administrator, so a department administrator can neither widen their own reach nor make
//! another administrator.

use weft_protocol::auth::Role;
use weft_protocol::{DepartmentId, DirectoryRefusal, MemberId};

/// How far an administrator reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The workspace administrator.
    Workspace,
    /// A department administrator: this department and everything under it.
    Subtree(DepartmentId),
}

/// The administrator acting on the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryActor {
    pub id: MemberId,
    pub reach: Reach,
}

impl DirectoryActor {
    /// The workspace administrator (also what seeding, integration apps and tests act as).
    pub fn workspace(id: MemberId) -> Self {
        Self { id, reach: Reach::Workspace }
    }
}

/// A member as the rules see them: their role and each department's line of ancestors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPlace<'a> {
    pub role: Role,
    pub admin_scope: Option<&'a DepartmentId>,
    pub department_lines: &'a [Vec<DepartmentId>],
}

impl Reach {
    /// Whether a department (given its line of ancestors) lies within.
    pub fn covers(&self, line: &[DepartmentId]) -> bool {
        match self {
            Self::Workspace => true,
            Self::Subtree(top) => line.contains(top),
        }
    }

    /// Creating a department under `parent_line`, or moving one there.
    pub fn check_parent(&self, parent_line: &[DepartmentId]) -> Result<(), DirectoryRefusal> {
        if self.covers(parent_line) { Ok(()) } else { Err(DirectoryRefusal::OutsideScope) }
    }

    /// Renaming, moving, deleting a department or setting its visibility: strictly below the
    /// top of a department administrator's subtree.
    pub fn check_department(&self, line: &[DepartmentId]) -> Result<(), DirectoryRefusal> {
        match self {
            Self::Workspace => Ok(()),
            Self::Subtree(top) if line.first() != Some(top) && line.contains(top) => Ok(()),
            Self::Subtree(_) => Err(DirectoryRefusal::OutsideScope),
        }
    }

    /// Setting a department's visibility (its members' view): the top of the subtree too.
    pub fn check_visibility_of(&self, line: &[DepartmentId]) -> Result<(), DirectoryRefusal> {
        if self.covers(line) { Ok(()) } else { Err(DirectoryRefusal::OutsideScope) }
    }

    /// Acting on an existing member: a department administrator only on ordinary members whose
    /// every department lies within.
    pub fn check_member(&self, member: &MemberPlace<'_>) -> Result<(), DirectoryRefusal> {
        match self {
            Self::Workspace => Ok(()),
            Self::Subtree(_) => {
                let inside =
                    !member.department_lines.is_empty() && member.department_lines.iter().all(|line| self.covers(line));
                if inside && member.role == Role::Member { Ok(()) } else { Err(DirectoryRefusal::OutsideScope) }
            }
        }
    }

    /// A member as they will be after a create or an edit (`before` is `None` for a new member):
    /// their departments within reach, and — for a department administrator — no role given or
    /// taken.
    pub fn check_result(
        &self,
        before: Option<&MemberPlace<'_>>,
        after: &MemberPlace<'_>,
    ) -> Result<(), DirectoryRefusal> {
        if *self == Self::Workspace {
            return Ok(());
        }
        if let Some(before) = before {
            self.check_member(before)?;
        }
        if after.role != Role::Member || after.admin_scope.is_some() {
            return Err(DirectoryRefusal::RoleNotTheirs);
        }
        self.check_member(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: &str) -> DepartmentId {
        DepartmentId(id.to_owned())
    }

    /// root ─ eng ─ backend; root ─ sales.
    fn line(id: &str) -> Vec<DepartmentId> {
        match id {
            "root" => vec![d("root")],
            "eng" => vec![d("eng"), d("root")],
            "backend" => vec![d("backend"), d("eng"), d("root")],
            "sales" => vec![d("sales"), d("root")],
            other => panic!("no department {other}"),
        }
    }

    fn lines(ids: &[&str]) -> Vec<Vec<DepartmentId>> {
        ids.iter().map(|id| line(id)).collect()
    }

    fn eng() -> Reach {
        Reach::Subtree(d("eng"))
    }

    #[test]
    fn the_workspace_administrator_reaches_everything() {
        let everywhere = lines(&["sales", "backend"]);
        let admin = MemberPlace { role: Role::Admin, admin_scope: None, department_lines: &everywhere };
        assert_eq!(Reach::Workspace.check_member(&admin), Ok(()));
        assert_eq!(Reach::Workspace.check_department(&line("root")), Ok(()));
        assert_eq!(Reach::Workspace.check_result(Some(&admin), &admin), Ok(()));
    }

    #[test]
    fn a_department_administrator_reaches_members_wholly_inside_their_subtree() {
        let cases = [
            (vec!["eng"], Role::Member, Ok(())),
            (vec!["backend"], Role::Member, Ok(())),
            (vec!["eng", "backend"], Role::Member, Ok(())),
            (vec!["sales"], Role::Member, Err(DirectoryRefusal::OutsideScope)),
            (vec!["root"], Role::Member, Err(DirectoryRefusal::OutsideScope)),
            // Half inside is outside: moving them would take them from another administrator.
            (vec!["backend", "sales"], Role::Member, Err(DirectoryRefusal::OutsideScope)),
            (vec![], Role::Member, Err(DirectoryRefusal::OutsideScope)),
            // Other administrators are never within a department administrator's reach.
            (vec!["eng"], Role::Admin, Err(DirectoryRefusal::OutsideScope)),
            (vec!["eng"], Role::DepartmentAdmin, Err(DirectoryRefusal::OutsideScope)),
            (vec!["eng"], Role::Auditor, Err(DirectoryRefusal::OutsideScope)),
            (vec!["eng"], Role::ApprovalsAdmin, Err(DirectoryRefusal::OutsideScope)),
        ];
        for (departments, role, expected) in cases {
            let held = lines(&departments);
            let member = MemberPlace { role, admin_scope: None, department_lines: &held };
            assert_eq!(eng().check_member(&member), expected, "{departments:?} {role:?}");
        }
    }

    #[test]
    fn a_department_administrator_gives_no_roles_and_moves_nobody_out() {
        let inside = lines(&["eng"]);
        let outside = lines(&["sales"]);
        let scope = d("backend");
        let member = MemberPlace { role: Role::Member, admin_scope: None, department_lines: &inside };
        assert_eq!(eng().check_result(None, &member), Ok(()));
        assert_eq!(eng().check_result(Some(&member), &member), Ok(()));
        let moved_out = MemberPlace { department_lines: &outside, ..member.clone() };
        assert_eq!(eng().check_result(Some(&member), &moved_out), Err(DirectoryRefusal::OutsideScope));
        assert_eq!(eng().check_result(Some(&moved_out), &member), Err(DirectoryRefusal::OutsideScope));
        for role in [Role::Admin, Role::DepartmentAdmin, Role::Auditor, Role::ApprovalsAdmin] {
            let promoted = MemberPlace { role, ..member.clone() };
            assert_eq!(eng().check_result(Some(&member), &promoted), Err(DirectoryRefusal::RoleNotTheirs));
            assert_eq!(eng().check_result(None, &promoted), Err(DirectoryRefusal::RoleNotTheirs));
        }
        let scoped = MemberPlace { admin_scope: Some(&scope), ..member.clone() };
        assert_eq!(eng().check_result(None, &scoped), Err(DirectoryRefusal::RoleNotTheirs));
    }

    #[test]
    fn the_top_of_a_subtree_stays_with_the_workspace_administrator() {
        assert_eq!(eng().check_department(&line("backend")), Ok(()));
        assert_eq!(eng().check_department(&line("eng")), Err(DirectoryRefusal::OutsideScope));
        assert_eq!(eng().check_department(&line("sales")), Err(DirectoryRefusal::OutsideScope));
        assert_eq!(eng().check_department(&line("root")), Err(DirectoryRefusal::OutsideScope));
        assert_eq!(eng().check_parent(&line("eng")), Ok(()));
        assert_eq!(eng().check_parent(&line("backend")), Ok(()));
        assert_eq!(eng().check_parent(&line("root")), Err(DirectoryRefusal::OutsideScope));
        assert_eq!(eng().check_visibility_of(&line("eng")), Ok(()));
        assert_eq!(eng().check_visibility_of(&line("sales")), Err(DirectoryRefusal::OutsideScope));
    }
}
