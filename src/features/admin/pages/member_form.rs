//! Creating and editing a member: the fields checked with the protocol's rules before sending,
//! each problem shown next to its field, and the server's typed problems placed by the field they name.

use crate::api::ApiError;
use crate::features::admin::components::{DepartmentChecklist, NoticeLine};
use crate::features::admin::model::{Notice, indented, toggle_in, tree_rows};
use crate::features::admin::state::{AdminContext, use_admin};
use crate::i18n::roles::{Rt, role_label};
use crate::i18n::{Lang, Text, field_rule_text, use_i18n};
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::auth::Role;
use weft_protocol::directory::{
    CreateMemberRequest, DirectoryMember, MemberFields, normalize_mobile, validate_email, validate_mobile,
    validate_new_password, validate_text_field, validate_userid,
};
use weft_protocol::{DepartmentId, FieldProblem, FieldRule, MemberId};

/// The form's contents. Lives in the console's context, so it survives moving between pages and
/// failed saves (offline included): nothing typed is lost until it is saved or cancelled.
#[derive(Clone, Copy)]
pub struct MemberDraft {
    /// The form is on screen.
    pub open: RwSignal<bool>,
    /// `None` while creating.
    pub editing: RwSignal<Option<MemberId>>,
    pub userid: RwSignal<String>,
    pub name: RwSignal<String>,
    pub alias: RwSignal<String>,
    pub position: RwSignal<String>,
    pub mobile: RwSignal<String>,
    pub email: RwSignal<String>,
    pub password: RwSignal<String>,
    pub departments: RwSignal<Vec<DepartmentId>>,
    pub main_department: RwSignal<Option<DepartmentId>>,
    pub leader_of: RwSignal<Vec<DepartmentId>>,
    pub direct_leader: RwSignal<Option<MemberId>>,
    pub role: RwSignal<Role>,
    /// The department a department administrator manages.
    pub admin_scope: RwSignal<Option<DepartmentId>>,
    /// Kept as it was (the console does not edit pictures).
    pub avatar: RwSignal<String>,
}

impl MemberDraft {
    pub fn new() -> Self {
        Self {
            open: RwSignal::new(false),
            editing: RwSignal::new(None),
            userid: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            alias: RwSignal::new(String::new()),
            position: RwSignal::new(String::new()),
            mobile: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            departments: RwSignal::new(Vec::new()),
            main_department: RwSignal::new(None),
            leader_of: RwSignal::new(Vec::new()),
            direct_leader: RwSignal::new(None),
            role: RwSignal::new(Role::Member),
            admin_scope: RwSignal::new(None),
            avatar: RwSignal::new(String::new()),
        }
    }

    /// An empty form for a new member.
    pub fn start_new(self) {
        self.fill(None);
    }

    /// The form filled with a member's card.
    pub fn start_edit(self, card: &DirectoryMember) {
        self.fill(Some(card));
    }

    fn fill(self, card: Option<&DirectoryMember>) {
        let text = |get: fn(&DirectoryMember) -> &String| card.map(|c| get(c).clone()).unwrap_or_default();
        self.editing.set(card.map(|c| c.id));
        self.userid.set(text(|c| &c.userid));
        self.name.set(text(|c| &c.name));
        self.alias.set(text(|c| &c.alias));
        self.position.set(text(|c| &c.position));
        self.mobile.set(text(|c| &c.mobile));
        self.email.set(text(|c| &c.email));
        self.avatar.set(text(|c| &c.avatar));
        self.password.set(String::new());
        self.departments
            .set(card.map(|c| c.departments.iter().map(|d| d.department_id.clone()).collect()).unwrap_or_default());
        self.main_department.set(card.map(|c| c.main_department_id.clone()));
        self.leader_of.set(
            card.map(|c| c.departments.iter().filter(|d| d.is_leader).map(|d| d.department_id.clone()).collect())
                .unwrap_or_default(),
        );
        self.direct_leader.set(card.and_then(|c| c.direct_leader_id));
        self.role.set(card.map_or(Role::Member, |c| c.role));
        self.admin_scope.set(card.and_then(|c| c.admin_scope.clone()));
        self.open.set(true);
    }

    fn fields(self) -> MemberFields {
        let departments = self.departments.get_untracked();
        let main = self.main_department.get_untracked().filter(|m| departments.contains(m));
        MemberFields {
            name: self.name.get_untracked().trim().to_owned(),
            alias: self.alias.get_untracked().trim().to_owned(),
            position: self.position.get_untracked().trim().to_owned(),
            mobile: normalize_mobile(&self.mobile.get_untracked()),
            email: self.email.get_untracked().trim().to_owned(),
            leader_of: self.leader_of.get_untracked().into_iter().filter(|d| departments.contains(d)).collect(),
            main_department_id: main.or_else(|| departments.first().cloned()),
            departments,
            direct_leader_id: self.direct_leader.get_untracked(),
            avatar: self.avatar.get_untracked(),
            role: Some(self.role.get_untracked()),
            admin_scope: self
                .admin_scope
                .get_untracked()
                .filter(|_| self.role.get_untracked() == Role::DepartmentAdmin),
        }
    }
}

impl Default for MemberDraft {
    fn default() -> Self {
        Self::new()
    }
}

/// Each field's problem: text fields take a [`Text`]; the pickers show the server's words.
#[derive(Clone, Copy)]
struct FieldErrors {
    userid: RwSignal<Option<Text>>,
    name: RwSignal<Option<Text>>,
    alias: RwSignal<Option<Text>>,
    position: RwSignal<Option<Text>>,
    mobile: RwSignal<Option<Text>>,
    email: RwSignal<Option<Text>>,
    password: RwSignal<Option<Text>>,
    departments: RwSignal<Option<String>>,
    direct_leader: RwSignal<Option<String>>,
    role: RwSignal<Option<String>>,
    admin_scope: RwSignal<Option<String>>,
}

impl FieldErrors {
    fn new() -> Self {
        Self {
            userid: RwSignal::new(None),
            name: RwSignal::new(None),
            alias: RwSignal::new(None),
            position: RwSignal::new(None),
            mobile: RwSignal::new(None),
            email: RwSignal::new(None),
            password: RwSignal::new(None),
            departments: RwSignal::new(None),
            direct_leader: RwSignal::new(None),
            role: RwSignal::new(None),
            admin_scope: RwSignal::new(None),
        }
    }

    fn clear(self) {
        for text in [self.userid, self.name, self.alias, self.position, self.mobile, self.email, self.password] {
            text.set(None);
        }
        for raw in [self.departments, self.direct_leader, self.role, self.admin_scope] {
            raw.set(None);
        }
    }

    /// Puts the server's typed problems next to the fields they name; `false` when it sent none,
    /// or one names no field of this form (the caller then shows its message as a notice).
    fn show_server(self, error: &ApiError, lang: Lang) -> bool {
        let ApiError::Server { body, .. } = error else { return false };
        let mut all_placed = !body.problems.is_empty();
        for problem in &body.problems {
            match place_member_problem(problem, lang) {
                Some(MemberPlace::Text { field, text }) => {
                    if let Some(signal) = self.text_signal(field) {
                        signal.set(Some(text));
                    }
                }
                Some(MemberPlace::Picker { field, words }) => {
                    if let Some(signal) = self.picker_signal(field) {
                        signal.set(Some(words));
                    }
                }
                None => all_placed = false,
            }
        }
        all_placed
    }

    fn text_signal(self, field: &str) -> Option<RwSignal<Option<Text>>> {
        Some(match field {
            "userid" => self.userid,
            "name" => self.name,
            "alias" => self.alias,
            "position" => self.position,
            "mobile" => self.mobile,
            "email" => self.email,
            "password" => self.password,
            _ => return None,
        })
    }

    fn picker_signal(self, field: &str) -> Option<RwSignal<Option<String>>> {
        match field {
            "departments" => Some(self.departments),
            "direct_leader" => Some(self.direct_leader),
            "role" => Some(self.role),
            "admin_scope" => Some(self.admin_scope),
            _ => None,
        }
    }
}

/// Where a typed problem from the server goes on the member form, and what it says there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberPlace {
    /// A text field (`userid`, `name`, `mobile`, …), with its rule's wording (or "already used").
    Text { field: &'static str, text: Text },
    /// A picker (`departments`, `direct_leader`, `role`), with the problem in the member's words.
    Picker { field: &'static str, words: String },
}

/// Places a problem by its path (the API's field names); `None` for a path the form has no
/// field for.
pub fn place_member_problem(problem: &FieldProblem, lang: Lang) -> Option<MemberPlace> {
    let text = |field: &'static str, rule: Text| {
        let text = if problem.rule == FieldRule::Taken { Text::AdminAlreadyUsed } else { rule };
        Some(MemberPlace::Text { field, text })
    };
    let picker = |field: &'static str| {
        let words = field_rule_text(&problem.rule, lang).unwrap_or_else(|| problem.rule.to_string());
        Some(MemberPlace::Picker { field, words })
    };
    match problem.path.as_str() {
        "userid" => text("userid", Text::AdminUseridRule),
        "name" => text("name", Text::AdminNameRule),
        "alias" => text("alias", Text::AdminTextRule),
        "position" => text("position", Text::AdminTextRule),
        "mobile" => text("mobile", Text::AdminMobileRule),
        "email" => text("email", Text::AdminEmailRule),
        "password" => text("password", Text::AdminPasswordRule),
        "departments" | "main_department_id" | "leader_of" => picker("departments"),
        "direct_leader_id" => picker("direct_leader"),
        "role" => picker("role"),
        "admin_scope" => picker("admin_scope"),
        _ => None,
    }
}

/// Checks the draft with the protocol's rules; every problem is shown next to its field.
fn check(draft: MemberDraft, errors: FieldErrors, creating: bool, lang: crate::i18n::Lang) -> bool {
    let fields = draft.fields();
    let mut ok = true;
    let mut judge = |signal: RwSignal<Option<Text>>, result: Result<(), String>, rule: Text| {
        let problem = result.is_err().then_some(rule);
        ok &= problem.is_none();
        signal.set(problem);
    };
    if creating {
        judge(errors.userid, validate_userid(draft.userid.get_untracked().trim()), Text::AdminUseridRule);
        let password = draft.password.get_untracked();
        let result = if password.is_empty() { Ok(()) } else { validate_new_password(&password) };
        judge(errors.password, result, Text::AdminPasswordRule);
    }
    judge(errors.name, validate_text_field("name", &fields.name, true), Text::AdminNameRule);
    judge(errors.alias, validate_text_field("alias", &fields.alias, false), Text::AdminTextRule);
    judge(errors.position, validate_text_field("position", &fields.position, false), Text::AdminTextRule);
    judge(errors.mobile, validate_mobile(&fields.mobile), Text::AdminMobileRule);
    judge(errors.email, validate_email(&fields.email), Text::AdminEmailRule);
    let no_department = fields.departments.is_empty();
    errors.departments.set(no_department.then(|| Text::AdminPickDepartment.in_lang(lang).to_owned()));
    let no_scope = fields.role == Some(Role::DepartmentAdmin) && fields.admin_scope.is_none();
    errors.admin_scope.set(no_scope.then(|| Rt::PickScope.in_lang(lang).to_owned()));
    ok && !no_department && !no_scope
}

#[component]
pub fn MemberForm() -> impl IntoView {
    let i18n = use_i18n();
    let admin: AdminContext = use_admin();
    let draft = admin.draft;
    let errors = FieldErrors::new();
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    let creating = move || draft.editing.get().is_none();
    // A department administrator places members only within their subtree.
    let departments = Signal::derive(move || {
        admin.departments().into_iter().filter(|d| admin.reach().covers(&d.id)).collect::<Vec<_>>()
    });
    let gives_roles = move || admin.reach().gives_roles();
    // The chosen departments, in tree order, for the main-department and leader-of pickers.
    let chosen = move || {
        let picked = draft.departments.get();
        tree_rows(&departments.get()).into_iter().filter(|r| picked.contains(&r.department.id)).collect::<Vec<_>>()
    };
    let leaders = move || {
        let me = draft.editing.get();
        let mut members: Vec<DirectoryMember> = admin.members().into_iter().filter(|m| Some(m.id) != me).collect();
        members.sort_by(|a, b| a.userid.cmp(&b.userid));
        members
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        done.set(None);
        let editing = draft.editing.get_untracked();
        if !check(draft, errors, editing.is_none(), i18n.lang.get_untracked()) || busy.get_untracked() {
            return;
        }
        let Some(api) = admin.api() else { return };
        let fields = draft.fields();
        let userid = draft.userid.get_untracked().trim().to_owned();
        let password = Some(draft.password.get_untracked()).filter(|p| !p.is_empty());
        busy.set(true);
        spawn_local(async move {
            let result = match editing {
                Some(id) => api.update_member(id, &fields).await,
                None => api.create_member(&CreateMemberRequest { userid, fields, password }).await,
            };
            busy.set(false);
            match result {
                Ok(_) => {
                    errors.clear();
                    draft.open.set(false);
                    draft.password.set(String::new());
                    let saved = if editing.is_some() { Text::AdminMemberSaved } else { Text::AdminMemberCreated };
                    done.set(Some(Notice::Text(saved)));
                    admin.reload();
                }
                Err(error) => {
                    if !errors.show_server(&error, i18n.lang.get_untracked()) {
                        notice.set(Some(Notice::of(&error)));
                    }
                }
            }
        });
    };

    let show = move |signal: RwSignal<Option<String>>| move || signal.get();
    view! {
        <NoticeLine notice=done status=true/>
        <Show when=move || draft.open.get()>
            <form class="admin-form" on:submit=submit novalidate=true aria-labelledby="member-form-title">
                <h3 id="member-form-title">
                    {move || if creating() { Text::AdminNewMember } else { Text::AdminEditMember }.in_lang(i18n.lang.get())}
                </h3>
                <Show when=creating>
                    <TextField id="member-userid" label=Text::AdminUserid value=draft.userid error=errors.userid verbatim=true maxlength=64/>
                </Show>
                <TextField id="member-name" label=Text::AdminName value=draft.name error=errors.name maxlength=64/>
                <TextField id="member-alias" label=Text::AdminAlias value=draft.alias error=errors.alias maxlength=64/>
                <TextField id="member-position" label=Text::AdminPosition value=draft.position error=errors.position maxlength=64/>
                <TextField id="member-mobile" label=Text::AdminMobile value=draft.mobile error=errors.mobile input_type="tel" verbatim=true/>
                <TextField id="member-email" label=Text::AdminEmail value=draft.email error=errors.email input_type="email" verbatim=true/>
                <DepartmentChecklist
                    id="member-departments"
                    legend=Text::AdminDepartments
                    departments=departments
                    selected=draft.departments
                    error=Signal::derive(show(errors.departments))
                />
                <label for="member-main-department">{i18n.t(Text::AdminMainDepartment)}</label>
                <select
                    id="member-main-department"
                    on:change=move |ev| draft.main_department.set(Some(DepartmentId(event_target_value(&ev))))
                >
                    <For each=chosen key=|row| row.department.id.clone() let:row>
                        {
                            let id = row.department.id.clone();
                            let value = id.0.clone();
                            view! {
                                <option value=value prop:selected=move || {
                                    let main = draft.main_department.get();
                                    main.as_ref() == Some(&id) || (main.is_none() && draft.departments.with(|d| d.first() == Some(&id)))
                                }>{indented(&row)}</option>
                            }
                        }
                    </For>
                </select>
                <fieldset class="checklist">
                    <legend>{i18n.t(Text::AdminLeaderOf)}</legend>
                    <ul class="checklist__list">
                        <For each=chosen key=|row| row.department.id.clone() let:row>
                            {
                                let id = row.department.id.clone();
                                let toggle = id.clone();
                                let input_id = format!("member-leads-{}", id.0);
                                view! {
                                    <li>
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            prop:checked=move || draft.leader_of.with(|l| l.contains(&id))
                                            on:change=move |_| draft.leader_of.update(|l| toggle_in(l, &toggle))
                                        />
                                        <label for=input_id>{row.department.name.clone()}</label>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </fieldset>
                <label for="member-direct-leader">{i18n.t(Text::AdminDirectLeader)}</label>
                <select
                    id="member-direct-leader"
                    aria-describedby="member-direct-leader-error"
                    on:change=move |ev| draft.direct_leader.set(event_target_value(&ev).parse::<MemberId>().ok())
                >
                    <option value="" prop:selected=move || draft.direct_leader.get().is_none()>{i18n.t(Text::AdminNobody)}</option>
                    <For each=leaders key=|m| m.id let:member>
                        {
                            let id = member.id;
                            view! {
                                <option value=id.to_string() prop:selected=move || draft.direct_leader.get() == Some(id)>
                                    {format!("{} ({})", member.name, member.userid)}
                                </option>
                            }
                        }
                    </For>
                </select>
                <p class="field-error" id="member-direct-leader-error">{show(errors.direct_leader)}</p>
                <Show when=gives_roles fallback=move || view! { <p class="hint">{i18n.role(Rt::RolesAreTheAdministrators)}</p> }>
                    <label for="member-role">{i18n.t(Text::AdminRole)}</label>
                    <select
                        id="member-role"
                        aria-describedby="member-role-error"
                        on:change=move |ev| draft.role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Member))
                    >
                        {Role::ALL
                            .into_iter()
                            .map(|role| view! {
                                <option value=role.name() prop:selected=move || draft.role.get() == role>
                                    {move || role_label(role, i18n.lang.get())}
                                </option>
                            })
                            .collect_view()}
                    </select>
                    <p class="field-error" id="member-role-error">{show(errors.role)}</p>
                    <Show when=move || draft.role.get() == Role::DepartmentAdmin>
                        <label for="member-admin-scope">{i18n.role(Rt::Scope)}</label>
                        <select
                            id="member-admin-scope"
                            aria-describedby="member-admin-scope-hint member-admin-scope-error"
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                draft.admin_scope.set((!value.is_empty()).then_some(DepartmentId(value)));
                            }
                        >
                            <option value="" prop:selected=move || draft.admin_scope.get().is_none()>"—"</option>
                            <For each=move || tree_rows(&admin.departments()) key=|row| row.department.id.clone() let:row>
                                {
                                    let id = row.department.id.clone();
                                    let value = id.0.clone();
                                    view! {
                                        <option value=value prop:selected=move || draft.admin_scope.get().as_ref() == Some(&id)>
                                            {indented(&row)}
                                        </option>
                                    }
                                }
                            </For>
                        </select>
                        <p class="hint" id="member-admin-scope-hint">{i18n.role(Rt::ScopeHint)}</p>
                        <p class="field-error" id="member-admin-scope-error">{show(errors.admin_scope)}</p>
                    </Show>
                </Show>
                <Show when=creating>
                    <TextField
                        id="member-password"
                        label=Text::AdminInitialPassword
                        value=draft.password
                        error=errors.password
                        input_type="password"
                        autocomplete="new-password"
                        verbatim=true
                    />
                    <p class="hint">{i18n.t(Text::AdminPasswordOptional)}</p>
                </Show>
                <NoticeLine notice=notice/>
                <div class="admin-form__actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {move || if creating() { Text::AdminCreateMember } else { Text::AdminSave }.in_lang(i18n.lang.get())}
                    </button>
                    <button type="button" on:click=move |_| { errors.clear(); notice.set(None); draft.open.set(false); }>
                        {i18n.t(Text::AdminCancel)}
                    </button>
                </div>
            </form>
        </Show>
    }
}
