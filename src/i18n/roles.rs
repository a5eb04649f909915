//! The wording of roles and delegated administration, in English and Chinese.

use super::{I18n, Lang};
use leptos::prelude::*;
use weft_protocol::auth::Role;

/// A role's name ("Department administrator", "部门管理员").
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    let (en, zh) = match role {
        Role::Member => ("Member", "普通成员"),
        Role::Admin => ("Administrator", "管理员"),
        Role::DepartmentAdmin => ("Department administrator", "部门管理员"),
        Role::Auditor => ("Auditor", "审计员"),
        Role::ApprovalsAdmin => ("Approvals administrator", "审批管理员"),
    };
    if lang == Lang::Zh { zh } else { en }
}

/// Texts about delegated administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rt {
    /// The label of the department a department administrator manages.
    Scope,
    ScopeHint,
    PickScope,
    /// The console's note for a department administrator.
    YourScope,
    /// Shown for members outside the administrator's reach instead of actions.
    OutsideReach,
    /// Why the role field is not offered to a department administrator.
    RolesAreTheAdministrators,
}

impl Rt {
    pub fn in_lang(self, lang: Lang) -> &'static str {
        use Rt::*;
        let (en, zh) = match self {
            Scope => ("Administers (department and its sub-departments)", "管理范围（该部门及其下级部门）"),
            ScopeHint => (
                "They manage members, departments and visibility there, and nowhere else.",
                "只能管理该范围内的成员、部门和可见范围。",
            ),
            PickScope => ("Choose the department they administer.", "请选择其管理的部门。"),
            YourScope => ("You administer", "你管理的范围"),
            OutsideReach => ("Outside your scope", "不在你的管理范围"),
            RolesAreTheAdministrators => {
                ("Roles are given by the workspace administrator.", "角色由工作区管理员授予。")
            }
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl I18n {
    /// A reactive text about roles.
    pub fn role(self, text: Rt) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || text.in_lang(lang.get())
    }
}
