//! Who may open which part of the console, and how far a department administrator reaches in
//! the directory. The app only hides what a role may not do; the server refuses it either way.

use super::model::subtree;
use std::collections::HashSet;
use weft_protocol::DepartmentId;
use weft_protocol::auth::Role;
use weft_protocol::directory::{Department, DirectoryMember};

/// A part of the console, by the right it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Members, departments, import, visibility.
    Directory,
    /// Approval templates.
    Templates,
    /// The audit log and watermark tracing.
    Audit,
    /// The workspace's own settings (sessions, policies, kiosks, integrations, …).
    Workspace,
    /// Compliance archives: auditors only (never an administrator alone).
    Archive,
}

/// The section a console path belongs to (`/admin/departments` → directory).
pub fn section_of(path: &str) -> Section {
    let page = path.trim_start_matches("/admin").trim_start_matches('/');
    let first = page.split('/').next().unwrap_or_default();
    match first {
        "" | "departments" | "import" | "visibility" => Section::Directory,
        "templates" => Section::Templates,
        "audit" | "watermark-trace" => Section::Audit,
        "archive" => Section::Archive,
        _ => Section::Workspace,
    }
}

/// Whether a role opens a section.
pub fn may_open(role: Role, section: Section) -> bool {
    match section {
        Section::Directory => role.manages_directory(),
        Section::Templates => role.manages_templates(),
        Section::Audit => role.reads_audit_log(),
        Section::Workspace => role == Role::Admin,
        Section::Archive => role == Role::Auditor,
    }
}

/// Where a role's console starts.
pub fn home(role: Role) -> &'static str {
    match role {
        Role::Auditor => "/admin/audit",
        Role::ApprovalsAdmin => "/admin/templates",
        _ => "/admin",
    }
}

/// How far the signed-in administrator reaches in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Workspace,
    /// A department administrator: the top of their subtree, and every department in it.
    Subtree {
        top: DepartmentId,
        within: HashSet<DepartmentId>,
    },
    /// Roles that manage no part of the directory.
    Nothing,
}

impl Reach {
    pub fn of(role: Role, scope: Option<&DepartmentId>, departments: &[Department]) -> Self {
        match (role, scope) {
            (Role::Admin, _) => Self::Workspace,
            (Role::DepartmentAdmin, Some(top)) => Self::Subtree { top: top.clone(), within: subtree(departments, top) },
            _ => Self::Nothing,
        }
    }

    /// Whether a department lies within (a member may be placed there, a sub-department made).
    pub fn covers(&self, department: &DepartmentId) -> bool {
        match self {
            Self::Workspace => true,
            Self::Subtree { within, .. } => within.contains(department),
            Self::Nothing => false,
        }
    }

    /// Whether a department may be renamed, moved or deleted (the top of a subtree may not).
    pub fn edits_department(&self, department: &DepartmentId) -> bool {
        match self {
            Self::Subtree { top, .. } => top != department && self.covers(department),
            _ => self.covers(department),
        }
    }

    /// Whether a member may be acted on: an ordinary member wholly within.
    pub fn covers_member(&self, member: &DirectoryMember) -> bool {
        match self {
            Self::Workspace => true,
            Self::Subtree { .. } => {
                member.role == Role::Member
                    && !member.departments.is_empty()
                    && member.departments.iter().all(|d| self.covers(&d.department_id))
            }
            Self::Nothing => false,
        }
    }

    /// Whether roles may be given (the workspace administrator only).
    pub fn gives_roles(&self) -> bool {
        *self == Self::Workspace
    }
}
