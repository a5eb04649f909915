//! The admin console's frame: the administrators-only guard, its navigation, the directory every
//! page works from (loaded from the server, reloaded after each change), the drafts kept across
//! pages (the member form, the approval template), and the pieces pages share (messages, the
//! department tree, checkbox lists).

pub mod api;
pub mod pages;
pub mod templates;

use crate::api::{Api, ApiError};
use crate::i18n::{Text, use_i18n};
use crate::session::{SessionContext, use_session};
use crate::sync::Connection;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet, Redirect};
use pages::member_form::MemberDraft;
use std::collections::{HashMap, HashSet};
use templates::editor::TemplateEditing;
use weft_protocol::auth::Role;
use weft_protocol::directory::{Department, DirectoryMember, DirectorySnapshot};
use weft_protocol::{DepartmentId, MemberId};

/// Something to tell the administrator about the last action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Text(Text),
    /// The server refused; its own message follows "Could not be done:".
    Refused(String),
}

impl Notice {
    pub fn of(error: &ApiError) -> Self {
        match error {
            ApiError::Network => Notice::Text(Text::AdminNeedsServer),
            ApiError::Server { status: 403, .. } => Notice::Text(Text::AdminOnly),
            ApiError::Server { body, .. } => Notice::Refused(body.message.clone()),
            ApiError::Decode(_) => Notice::Text(Text::ErrorServer),
        }
    }

    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Notice::Text(text) => text.in_lang(lang).to_owned(),
            Notice::Refused(message) => format!("{} {message}", Text::ActionFailed.in_lang(lang)),
        }
    }
}

/// A problem (`role="alert"`) or, with `status`, a confirmation (`role="status"`).
#[component]
pub fn NoticeLine(notice: RwSignal<Option<Notice>>, #[prop(optional)] status: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class=if status { "form-status" } else { "form-error" } role=if status { "status" } else { "alert" }>
            {move || notice.get().map(|n| n.render(i18n.lang.get()))}
        </p>
    }
}

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

/// One line of the department tree: the department and how deep it sits (the root is 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub department: Department,
    pub depth: usize,
}

/// The departments in tree order (parents before children, siblings by their order then name).
pub fn tree_rows(departments: &[Department]) -> Vec<TreeRow> {
    let known: HashSet<&DepartmentId> = departments.iter().map(|d| &d.id).collect();
    let mut children: HashMap<Option<&DepartmentId>, Vec<&Department>> = HashMap::new();
    for department in departments {
        let parent = department.parent_id.as_ref().filter(|p| known.contains(p));
        children.entry(parent).or_default().push(department);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name)));
    }
    let mut rows = Vec::with_capacity(departments.len());
    let mut stack: Vec<(&Department, usize)> =
        children.get(&None).map(|roots| roots.iter().rev().map(|d| (*d, 0)).collect()).unwrap_or_default();
    while let Some((department, depth)) = stack.pop() {
        rows.push(TreeRow { department: department.clone(), depth });
        if let Some(kids) = children.get(&Some(&department.id)) {
            stack.extend(kids.iter().rev().map(|d| (*d, depth + 1)));
        }
    }
    rows
}

/// A department and everything under it.
pub fn subtree(departments: &[Department], id: &DepartmentId) -> HashSet<DepartmentId> {
    let mut found = HashSet::from([id.clone()]);
    loop {
        let before = found.len();
        for department in departments {
            if department.parent_id.as_ref().is_some_and(|p| found.contains(p)) {
                found.insert(department.id.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// The class that indents a tree line (deeper levels share the last indent).
pub fn depth_class(depth: usize) -> String {
    format!("tree-depth-{}", depth.min(6))
}

/// A department's name indented for a `<select>` option.
pub fn indented(row: &TreeRow) -> String {
    format!("{}{}", "\u{2003}".repeat(row.depth), row.department.name)
}

/// Checkboxes over the department tree (indented). `id` prefixes the inputs' ids.
/// A destructive action behind a confirmation: its button, then the question with Yes and
/// Cancel in its place (a group labelled by the question).
#[component]
pub fn ConfirmButton(
    #[prop(into)] confirming: Signal<bool>,
    label: Text,
    /// What the first button says to assistive technology (e.g. "Archive 报销 Expense").
    #[prop(optional, into)]
    aria_label: Option<Signal<String>>,
    question: Text,
    yes: Text,
    on_ask: Callback<()>,
    on_yes: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="link danger" aria-label=move || aria_label.map(|l| l.get())
                    on:click=move |_| on_ask.run(())>
                    {i18n.t(label)}
                </button>
            }
        >
            <span role="group" aria-label=i18n.t(question)>
                {i18n.t(question)}" "
                <button type="button" class="danger" on:click=move |_| on_yes.run(())>{i18n.t(yes)}</button>
                <button type="button" on:click=move |_| on_cancel.run(())>{i18n.t(Text::AdminCancel)}</button>
            </span>
        </Show>
    }
}

#[component]
pub fn DepartmentChecklist(
    id: &'static str,
    legend: Text,
    #[prop(into)] departments: Signal<Vec<Department>>,
    selected: RwSignal<Vec<DepartmentId>>,
    /// A problem shown under the list.
    #[prop(optional)]
    error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    view! {
        <fieldset class="checklist" aria-describedby=described>
            <legend>{i18n.t(legend)}</legend>
            <ul class="checklist__list">
                <For each=move || tree_rows(&departments.get()) key=|row| (row.department.id.clone(), row.depth) let:row>
                    {
                        let dep = row.department.id.clone();
                        let toggle = dep.clone();
                        let input_id = format!("{id}-{}", dep.0);
                        view! {
                            <li class=depth_class(row.depth)>
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    prop:checked=move || selected.with(|s| s.contains(&dep))
                                    on:change=move |_| selected.update(|s| toggle_in(s, &toggle))
                                />
                                <label for=input_id>{row.department.name.clone()}</label>
                            </li>
                        }
                    }
                </For>
            </ul>
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </fieldset>
    }
}

/// Adds `item` to the list, or removes it when present.
pub fn toggle_in<T: PartialEq + Clone>(list: &mut Vec<T>, item: &T) {
    if let Some(at) = list.iter().position(|x| x == item) {
        list.remove(at);
    } else {
        list.push(item.clone());
    }
}

/// Checkboxes over members, with a filter box (name, pinyin, userid… via the search keys).
#[component]
pub fn MemberChecklist(
    /// Prefixes the inputs' ids.
    #[prop(into)]
    id: String,
    legend: Text,
    #[prop(into)] members: Signal<Vec<DirectoryMember>>,
    selected: RwSignal<Vec<MemberId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let filter_id = format!("{id}-filter");
    let shown = move || {
        let query = filter.get();
        members.get().into_iter().filter(|m| m.matches(&query)).collect::<Vec<_>>()
    };
    view! {
        <fieldset class="checklist">
            <legend>{i18n.t(legend)}</legend>
            <label for=filter_id.clone()>{i18n.t(Text::AdminFilterMembers)}</label>
            <input
                id=filter_id
                type="search"
                autocomplete="off"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
            <p class="hint" aria-live="polite">
                {move || format!("{} {}", selected.with(Vec::len), Text::Selected.in_lang(i18n.lang.get()))}
            </p>
            <ul class="checklist__list">
                <For each=shown key=|m| m.id let:member>
                    {
                        let member_id = member.id;
                        let id = id.clone();
                        let input_id = format!("{id}-{member_id}");
                        view! {
                            <li>
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    prop:checked=move || selected.with(|s| s.contains(&member_id))
                                    on:change=move |_| selected.update(|s| toggle_in(s, &member_id))
                                />
                                <label for=input_id>{format!("{} ({})", member.name, member.userid)}</label>
                            </li>
                        }
                    }
                </For>
            </ul>
        </fieldset>
    }
}

/// `/admin/*`: only for administrators; everyone else gets a refusal, not a broken page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let session = use_session();
    let is_admin = move || session.0.with(|s| s.as_ref().map(|s| s.me.role)) == Some(Role::Admin);
    view! {
        <Show when=move || session.0.with(Option::is_some) fallback=|| view! { <Redirect path="/sign-in"/> }>
            <Show when=is_admin fallback=|| view! { <Refusal/> }>
                <AdminConsole/>
            </Show>
        </Show>
    }
}

#[component]
fn Refusal() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="admin admin--refused" aria-labelledby="admin-refused-title">
            <h1 id="admin-refused-title">{i18n.t(Text::AdminTitle)}</h1>
            <p role="alert">{i18n.t(Text::AdminOnly)}</p>
            <a href="/">{i18n.t(Text::Back)}</a>
        </main>
    }
}

#[component]
fn AdminConsole() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let context = AdminContext {
        session: use_session(),
        directory: RwSignal::new(None),
        load: RwSignal::new(Load::Loading),
        draft: MemberDraft::new(),
        templates: TemplateEditing::new(),
    };
    provide_context(context);
    context.reload();
    // Back online after a failed load: try again by itself.
    Effect::new(move |_| {
        if sync.connection.get() == Connection::Online && matches!(context.load.get_untracked(), Load::Failed(_)) {
            context.reload();
        }
    });
    let offline = move || sync.connection.get() == Connection::Offline;
    let refused = move || context.load.get() == Load::Failed(Notice::Text(Text::AdminOnly));
    let failure = move || match context.load.get() {
        Load::Failed(notice) => Some(notice.render(i18n.lang.get())),
        _ => None,
    };

    view! {
        <div class="admin">
            <header class="topbar">
                <a class="topbar__brand" href="/">
                    <img src="/icons/icon-192.png" alt="" width="28" height="28"/>
                    <span>"Weft"</span>
                </a>
                <h1 class="admin__title">{i18n.t(Text::AdminTitle)}</h1>
                <a class="admin__back" href="/">{i18n.t(Text::Back)}</a>
                <button type="button" class="link" on:click=move |_| i18n.toggle()>
                    {i18n.t(Text::SwitchLanguage)}
                </button>
            </header>
            <Show when=offline>
                <p class="offline-banner" role="status">{i18n.t(Text::AdminOffline)}</p>
            </Show>
            <nav class="admin__nav" aria-label=i18n.t(Text::AdminTitle)>
                <A href="/admin" exact=true>{i18n.t(Text::AdminMembers)}</A>
                <A href="/admin/departments">{i18n.t(Text::AdminDepartments)}</A>
                <A href="/admin/import">{i18n.t(Text::AdminImport)}</A>
                <A href="/admin/visibility">{i18n.t(Text::AdminVisibility)}</A>
                <A href="/admin/templates">{i18n.t(Text::AdminTemplates)}</A>
            </nav>
            <Show when=move || !refused() fallback=|| view! { <Refusal/> }>
                <Show when=move || context.directory.with(Option::is_some) fallback=move || view! {
                    <div class="admin__page">
                        <p class="form-error" role="alert">{failure}</p>
                        <Show when=move || failure().is_some() fallback=move || view! { <p class="hint">{i18n.t(Text::AdminLoading)}</p> }>
                            <button type="button" on:click=move |_| context.reload()>{i18n.t(Text::Retry)}</button>
                        </Show>
                    </div>
                }>
                    <div class="admin__page">
                        <Outlet/>
                    </div>
                </Show>
            </Show>
        </div>
    }
}
