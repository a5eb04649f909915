//! `/admin/session-policies`: the default policy and each department's own (force shared
//! devices; per mode the lock, idle and lifetime numbers). Choosing a department edits its own
//! policy, or starts from the default for one that inherits; numbers stay as typed
//! ([`PolicyDraft`]) and are checked before sending; the server's 422 names the field
//! (`shared.idle_minutes: …`) and is shown beside it. "Use the default again" removes the
//! department's own policy.

use super::super::components::NoticeLine;
use super::super::model::Notice;
use super::super::state::use_admin;
use crate::i18n::{Lang, Text, use_i18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use weft_protocol::DepartmentId;
use weft_protocol::auth::{Lifetimes, SessionPolicies, SessionPolicy};

/// The two modes' field prefixes, as the server names them.
pub const MODES: [&str; 2] = ["shared", "personal"];
/// The three numbers of a mode, as the server names them.
pub const NUMBERS: [&str; 3] = ["lock_after_minutes", "idle_minutes", "lifetime_hours"];

/// A policy as typed: numbers kept as text until saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDraft {
    pub force_shared: bool,
    /// `numbers["shared.idle_minutes"]` and so on.
    pub numbers: BTreeMap<String, String>,
}

/// A problem beside a field: one of the app's texts, or the server's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Text(Text),
    Server(String),
}

impl FieldProblem {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            FieldProblem::Text(text) => text.in_lang(lang).to_owned(),
            FieldProblem::Server(message) => message.clone(),
        }
    }
}

fn numbers_of(lifetimes: &Lifetimes) -> [u32; 3] {
    [lifetimes.lock_after_minutes, lifetimes.idle_minutes, lifetimes.lifetime_hours]
}

impl PolicyDraft {
    pub fn from_policy(policy: &SessionPolicy) -> Self {
        let mut numbers = BTreeMap::new();
        for (mode, lifetimes) in MODES.iter().zip([&policy.shared, &policy.personal]) {
            for (name, value) in NUMBERS.iter().zip(numbers_of(lifetimes)) {
                numbers.insert(format!("{mode}.{name}"), value.to_string());
            }
        }
        Self { force_shared: policy.force_shared, numbers }
    }

    /// The policy, or every number that is not a whole number, by field path.
    pub fn to_policy(&self) -> Result<SessionPolicy, BTreeMap<String, FieldProblem>> {
        let mut problems = BTreeMap::new();
        let mut read = |path: String| -> u32 {
            match self.numbers.get(&path).map(|text| text.trim().parse::<u32>()) {
                Some(Ok(value)) => value,
                _ => {
                    problems.insert(path, FieldProblem::Text(Text::AdminNumberInvalid));
                    0
                }
            }
        };
        let mut lifetimes = |mode: &str| Lifetimes {
            lock_after_minutes: read(format!("{mode}.lock_after_minutes")),
            idle_minutes: read(format!("{mode}.idle_minutes")),
            lifetime_hours: read(format!("{mode}.lifetime_hours")),
        };
        let shared = lifetimes("shared");
        let personal = lifetimes("personal");
        if problems.is_empty() {
            Ok(SessionPolicy { force_shared: self.force_shared, shared, personal })
        } else {
            Err(problems)
        }
    }
}

/// The field a server refusal names (`"shared.idle_minutes: must be …"`) and its words.
pub fn server_field_problem(message: &str) -> Option<(String, FieldProblem)> {
    let (field, rest) = message.split_once(": ")?;
    let known = MODES.iter().any(|mode| NUMBERS.iter().any(|name| field == format!("{mode}.{name}")));
    known.then(|| (field.to_owned(), FieldProblem::Server(rest.to_owned())))
}

fn label_of(name: &str) -> Text {
    match name {
        "lock_after_minutes" => Text::AdminLockAfter,
        "idle_minutes" => Text::AdminIdleMinutes,
        _ => Text::AdminLifetimeHours,
    }
}

#[component]
pub fn SessionPoliciesPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let policies = RwSignal::new(None::<SessionPolicies>);
    let chosen = RwSignal::new(None::<DepartmentId>);
    let draft = RwSignal::new(None::<PolicyDraft>);
    let problems = RwSignal::new(BTreeMap::<String, FieldProblem>::new());
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(None::<Notice>);

    let load = move || {
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.session_policies().await {
                Ok(current) => policies.set(Some(current)),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    load();
    let own_policy = move |id: &DepartmentId| {
        policies
            .with(|p| p.as_ref().and_then(|p| p.departments.iter().find(|d| &d.department_id == id).map(|d| d.policy)))
    };
    let choose = move |id: Option<DepartmentId>| {
        problems.set(BTreeMap::new());
        done.set(None);
        let start = id.as_ref().and_then(own_policy).or_else(|| policies.with(|p| p.as_ref().map(|p| p.default)));
        draft.set(id.as_ref().and(start.as_ref()).map(PolicyDraft::from_policy));
        chosen.set(id);
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        done.set(None);
        let (Some(api), Some(department), Some(typed)) = (admin.api(), chosen.get_untracked(), draft.get_untracked())
        else {
            return;
        };
        let policy = match typed.to_policy() {
            Ok(policy) => policy,
            Err(found) => {
                problems.set(found);
                return;
            }
        };
        problems.set(BTreeMap::new());
        spawn_local(async move {
            match api.put_session_policy(&department, &policy).await {
                Ok(_) => {
                    done.set(Some(Notice::Text(Text::AdminPolicySaved)));
                    load();
                }
                Err(error) => match error.invalid_field().and_then(|_| server_field_problem(&error_message(&error))) {
                    Some((field, problem)) => problems.set(BTreeMap::from([(field, problem)])),
                    None => notice.set(Some(Notice::of(&error))),
                },
            }
        });
    };
    let inherit = move |_| {
        notice.set(None);
        let (Some(api), Some(department)) = (admin.api(), chosen.get_untracked()) else { return };
        spawn_local(async move {
            match api.delete_session_policy(&department).await {
                Ok(()) => {
                    done.set(Some(Notice::Text(Text::AdminPolicySaved)));
                    load();
                    choose(None);
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let number_field = move |mode: &'static str, name: &'static str| {
        let path = format!("{mode}.{name}");
        let id = format!("policy-{mode}-{name}");
        let error_id = format!("{id}-error");
        let value_path = path.clone();
        let input_path = path.clone();
        let error_path = path.clone();
        let invalid_path = path;
        view! {
            <label for=id.clone()>{i18n.t(label_of(name))}</label>
            <input
                id=id
                type="text"
                inputmode="numeric"
                prop:value=move || draft.with(|d| d.as_ref().and_then(|d| d.numbers.get(&value_path).cloned()).unwrap_or_default())
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    draft.update(|d| {
                        if let Some(d) = d {
                            d.numbers.insert(input_path.clone(), typed);
                        }
                    });
                }
                aria-invalid=move || problems.with(|p| p.contains_key(&invalid_path)).to_string()
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id>
                {move || problems.with(|p| p.get(&error_path).map(|problem| problem.render(i18n.lang.get())))}
            </p>
        }
    };

    view! {
        <section class="admin-section" aria-labelledby="policies-title">
            <h2 id="policies-title">{i18n.t(Text::AdminSessionPolicies)}</h2>
            <NoticeLine notice=notice/>
            <NoticeLine notice=done status=true/>
            <table class="admin-table">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t(Text::AdminPolicyDepartment)}</th>
                        <th scope="col">{i18n.t(Text::AdminPolicyForceShared)}</th>
                        <th scope="col">{i18n.t(Text::AdminPolicyShared)}</th>
                        <th scope="col">{i18n.t(Text::AdminPolicyPersonal)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let Some(all) = policies.get() else { return Vec::new() };
                        let mut rows = vec![(i18n.t(Text::AdminPolicyDefault)().to_owned(), all.default)];
                        rows.extend(all.departments.iter().map(|d| (d.department_name.clone(), d.policy)));
                        rows.into_iter()
                            .map(|(name, policy)| {
                                let numbers = |l: &Lifetimes| {
                                    let [lock, idle, hours] = numbers_of(l);
                                    format!("{lock} / {idle} min / {hours} h")
                                };
                                view! {
                                    <tr>
                                        <td>{name}</td>
                                        <td>{if policy.force_shared { "✓" } else { "—" }}</td>
                                        <td>{numbers(&policy.shared)}</td>
                                        <td>{numbers(&policy.personal)}</td>
                                    </tr>
                                }
                            })
                            .collect::<Vec<_>>()
                    }}
                </tbody>
            </table>
            <label for="policy-department">{i18n.t(Text::AdminPolicyDepartment)}</label>
            <select
                id="policy-department"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    choose((!value.is_empty()).then_some(DepartmentId(value)));
                }
            >
                <option value="" selected=move || chosen.with(Option::is_none)>"—"</option>
                {move || {
                    admin
                        .departments()
                        .into_iter()
                        .map(|d| {
                            let id = d.id.clone();
                            let selected_id = d.id.clone();
                            let own = own_policy(&id).is_some();
                            let state = if own { Text::AdminPolicyOwn } else { Text::AdminPolicyInherits };
                            view! {
                                <option value=id.0.clone() selected=move || chosen.get() == Some(selected_id.clone())>
                                    {format!("{} — {}", d.name, state.in_lang(i18n.lang.get()))}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <Show when=move || draft.with(Option::is_some)>
                <form class="policy-form" on:submit=save novalidate=true>
                    <span>
                        <input
                            type="checkbox"
                            id="policy-force-shared"
                            prop:checked=move || draft.with(|d| d.as_ref().is_some_and(|d| d.force_shared))
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                draft.update(|d| {
                                    if let Some(d) = d {
                                        d.force_shared = checked;
                                    }
                                });
                            }
                        />
                        <label for="policy-force-shared">{i18n.t(Text::AdminPolicyForceShared)}</label>
                    </span>
                    <fieldset>
                        <legend>{i18n.t(Text::AdminPolicyShared)}</legend>
                        {NUMBERS.map(|name| number_field("shared", name)).into_iter().collect_view()}
                    </fieldset>
                    <fieldset>
                        <legend>{i18n.t(Text::AdminPolicyPersonal)}</legend>
                        {NUMBERS.map(|name| number_field("personal", name)).into_iter().collect_view()}
                    </fieldset>
                    <div class="modal__actions">
                        <button type="submit" class="primary">{i18n.t(Text::AdminPolicySave)}</button>
                        <Show when=move || chosen.get().is_some_and(|id| own_policy(&id).is_some())>
                            <button type="button" on:click=inherit>{i18n.t(Text::AdminPolicyInherit)}</button>
                        </Show>
                    </div>
                </form>
            </Show>
        </section>
    }
}

fn error_message(error: &crate::api::ApiError) -> String {
    match error {
        crate::api::ApiError::Server { body, .. } => body.message.clone(),
        _ => String::new(),
    }
}
