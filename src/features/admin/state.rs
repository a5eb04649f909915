//! The admin console's state, shared by its pages: the directory as the server has it now
//! (downloaded again after every change), whether it loaded, and the drafts kept across pages
//! (the member form, the approval template).

use super::access::Reach;
use super::model::Notice;
use super::pages::member_form::MemberDraft;
use super::templates::editor::TemplateEditing;
use crate::api::Api;
use crate::session::SessionContext;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::auth::Role;
use weft_protocol::directory::{Department, DirectoryMember, DirectorySnapshot};
use weft_protocol::{DepartmentId, MemberId};

/// Whether the directory could be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    Loading,
    Ready,
    Failed(Notice),
}

/// What every admin page shares: the directory as the server has it now, and the member form's
/// and the approval template's drafts (kept here so moving between pages never loses what was
/// typed).
#[derive(Clone, Copy)]
pub struct AdminContext {
    session: SessionContext,
    pub directory: RwSignal<Option<DirectorySnapshot>>,
    pub load: RwSignal<Load>,
    pub draft: MemberDraft,
    pub templates: TemplateEditing,
}

pub fn use_admin() -> AdminContext {
    use_context::<AdminContext>().expect("AdminContext is provided by AdminLayout")
}

impl AdminContext {
    /// The console's state for the signed-in administrator, with nothing loaded yet.
    pub fn new(session: SessionContext) -> Self {
        Self {
            session,
            directory: RwSignal::new(None),
            load: RwSignal::new(Load::Loading),
            draft: MemberDraft::new(),
            templates: TemplateEditing::new(),
        }
    }

    /// An API client for the signed-in administrator.
    pub fn api(self) -> Option<Api> {
        self.session.0.with_untracked(|s| s.as_ref().map(|s| Api::with_token(&s.token)))
    }

    /// Downloads the directory again (after every change, so pages show what the server has).
    pub fn reload(self) {
        let Some(api) = self.api() else { return };
        if self.directory.with_untracked(Option::is_none) {
            self.load.set(Load::Loading);
        }
        spawn_local(async move {
            match api.directory().await {
                Ok(snapshot) => {
                    self.directory.set(Some(snapshot));
                    self.load.set(Load::Ready);
                }
                Err(error) => self.load.set(Load::Failed(Notice::of(&error))),
            }
        });
    }

    /// The signed-in administrator's role.
    pub fn role(self) -> Role {
        self.session.0.with(|s| s.as_ref().map_or(Role::Member, |s| s.me.role))
    }

    /// How far the signed-in administrator reaches in the directory (reactive).
    pub fn reach(self) -> Reach {
        let (role, scope) =
            self.session.0.with(|s| s.as_ref().map_or((Role::Member, None), |s| (s.me.role, s.me.admin_scope.clone())));
        self.directory
            .with(|d| Reach::of(role, scope.as_ref(), d.as_ref().map(|d| d.departments.as_slice()).unwrap_or_default()))
    }

    pub fn departments(self) -> Vec<Department> {
        self.directory.with(|d| d.as_ref().map(|d| d.departments.clone()).unwrap_or_default())
    }

    pub fn members(self) -> Vec<DirectoryMember> {
        self.directory.with(|d| d.as_ref().map(|d| d.members.clone()).unwrap_or_default())
    }

    pub fn department_name(self, id: &DepartmentId) -> String {
        self.directory.with(|d| {
            d.as_ref()
                .and_then(|d| d.departments.iter().find(|dep| &dep.id == id))
                .map_or_else(|| id.0.clone(), |dep| dep.name.clone())
        })
    }

    pub fn member_name(self, id: MemberId) -> String {
        self.directory.with(|d| {
            d.as_ref()
                .and_then(|d| d.members.iter().find(|m| m.id == id))
                .map_or_else(|| id.to_string(), |m| format!("{} ({})", m.name, m.userid))
        })
    }
}
