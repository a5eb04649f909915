//! The visibility page: the rules in force (department scopes and hidden members) with a way to
//! remove each, limiting what a department's members see, and hiding a member from all but the
//! departments and people chosen.

use crate::api::ApiError;
use crate::features::admin::components::{DepartmentChecklist, MemberChecklist, NoticeLine};
use crate::features::admin::model::{Notice, indented, tree_rows};
use crate::features::admin::state::use_admin;
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use weft_protocol::directory::{HideMemberRequest, VisibilityRules};
use weft_protocol::{DepartmentId, MemberId};

type Call = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

#[component]
pub fn VisibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let rules = RwSignal::new(None::<VisibilityRules>);
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(None::<Notice>);
    let scope_department = RwSignal::new(None::<DepartmentId>);
    let scope_visible = RwSignal::new(Vec::<DepartmentId>::new());
    let hidden_member = RwSignal::new(None::<MemberId>);
    let allowed_departments = RwSignal::new(Vec::<DepartmentId>::new());
    let allowed_members = RwSignal::new(Vec::<MemberId>::new());

    let load = move || {
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.visibility_rules().await {
                Ok(current) => rules.set(Some(current)),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    load();
    let run = move |call: Call, success: Text| {
        notice.set(None);
        done.set(None);
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    done.set(Some(Notice::Text(success)));
                    load();
                    admin.reload();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    // Picking a department or member that already has a rule starts from that rule.
    let pick_department = move |id: Option<DepartmentId>| {
        let existing = rules.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.department_scopes.iter().find(|s| Some(&s.department_id) == id.as_ref()))
                .map(|s| s.visible_department_ids.clone())
        });
        scope_visible.set(existing.unwrap_or_default());
        scope_department.set(id);
    };
    let pick_member = move |id: Option<MemberId>| {
        let existing = rules.with_untracked(|r| {
            r.as_ref().and_then(|r| r.hidden_members.iter().find(|h| Some(h.member_id) == id)).cloned()
        });
        allowed_departments.set(existing.as_ref().map(|h| h.allowed_department_ids.clone()).unwrap_or_default());
        allowed_members.set(existing.map(|h| h.allowed_member_ids).unwrap_or_default());
        hidden_member.set(id);
    };
    let save_scope = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(api), Some(id)) = (admin.api(), scope_department.get_untracked()) else {
            notice.set(Some(Notice::Text(Text::AdminPickADepartment)));
            return;
        };
        let visible = scope_visible.get_untracked();
        run(Box::pin(async move { api.set_department_scope(&id, visible).await }), Text::AdminRuleSaved);
    };
    let save_hidden = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(api), Some(id)) = (admin.api(), hidden_member.get_untracked()) else {
            notice.set(Some(Notice::Text(Text::AdminPickAMember)));
            return;
        };
        let allow = HideMemberRequest {
            allowed_department_ids: allowed_departments.get_untracked(),
            allowed_member_ids: allowed_members.get_untracked(),
        };
        run(Box::pin(async move { api.hide_member(id, &allow).await }), Text::AdminRuleSaved);
    };
    let names = move |ids: &[DepartmentId]| {
        if ids.is_empty() {
            return Text::AdminOnlyThemselves.in_lang(i18n.lang.get()).to_owned();
        }
        ids.iter().map(|id| admin.department_name(id)).collect::<Vec<_>>().join("、")
    };
    let departments = Signal::derive(move || admin.departments());
    // The departments and members whose visibility the administrator may set.
    let reachable_departments = Signal::derive(move || {
        admin.departments().into_iter().filter(|d| admin.reach().covers(&d.id)).collect::<Vec<_>>()
    });
    let reachable_members = Signal::derive(move || {
        let reach = admin.reach();
        let mut members: Vec<_> = admin.members().into_iter().filter(|m| reach.covers_member(m)).collect();
        members.sort_by(|a, b| a.userid.cmp(&b.userid));
        members
    });
    let members = Signal::derive(move || {
        let mut members = admin.members();
        members.sort_by(|a, b| a.userid.cmp(&b.userid));
        members
    });

    view! {
        <section class="admin-section" aria-labelledby="visibility-title">
            <h2 id="visibility-title">{i18n.t(Text::AdminVisibility)}</h2>
            <p class="hint">{i18n.t(Text::AdminVisibilityHelp)}</p>
            <NoticeLine notice=notice/>
            <NoticeLine notice=done status=true/>
            <h3 id="rules-title">{i18n.t(Text::AdminCurrentRules)}</h3>
            <ul class="rules" aria-labelledby="rules-title">
                {move || rules.get().map(|current| {
                    let none = current.department_scopes.is_empty() && current.hidden_members.is_empty();
                    let reach = admin.reach();
                    let scopes = current.department_scopes.into_iter().map(|scope| {
                        let id = scope.department_id.clone();
                        let removable = reach.covers(&id);
                        let name = admin.department_name(&id);
                        let label = format!("{} {name}", Text::AdminRemoveRule.in_lang(i18n.lang.get()));
                        view! {
                            <li class="rule">
                                <span>
                                    <strong>{name.clone()}</strong>" "{i18n.t(Text::AdminSeesOnly)}" "
                                    {names(&scope.visible_department_ids)}
                                </span>
                                {removable.then(|| view! {
                                    <button type="button" class="link danger" aria-label=label on:click=move |_| {
                                        let (Some(api), id) = (admin.api(), id.clone()) else { return };
                                        run(Box::pin(async move { api.clear_department_scope(&id).await }), Text::AdminRuleRemoved);
                                    }>{i18n.t(Text::AdminRemoveRule)}</button>
                                })}
                            </li>
                        }
                    }).collect_view();
                    let hidden = current.hidden_members.into_iter().map(|rule| {
                        let id = rule.member_id;
                        let removable = admin.members().iter().any(|m| m.id == id && reach.covers_member(m));
                        let name = admin.member_name(id);
                        let label = format!("{} {name}", Text::AdminRemoveRule.in_lang(i18n.lang.get()));
                        let people = rule.allowed_member_ids.iter().map(|m| admin.member_name(*m)).collect::<Vec<_>>().join("、");
                        view! {
                            <li class="rule">
                                <span>
                                    <strong>{name.clone()}</strong>" "{i18n.t(Text::AdminHiddenFrom)}" "
                                    {names(&rule.allowed_department_ids)}
                                    {(!people.is_empty()).then(|| format!(" + {people}"))}
                                </span>
                                {removable.then(|| view! {
                                    <button type="button" class="link danger" aria-label=label on:click=move |_| {
                                        let Some(api) = admin.api() else { return };
                                        run(Box::pin(async move { api.unhide_member(id).await }), Text::AdminRuleRemoved);
                                    }>{i18n.t(Text::AdminRemoveRule)}</button>
                                })}
                            </li>
                        }
                    }).collect_view();
                    view! {
                        {none.then(|| view! { <li class="hint">{i18n.t(Text::AdminNoRules)}</li> })}
                        {scopes}
                        {hidden}
                    }
                })}
            </ul>

            <form class="admin-form" on:submit=save_scope aria-labelledby="scope-title">
                <h3 id="scope-title">{i18n.t(Text::AdminLimitDepartment)}</h3>
                <label for="scope-department">{i18n.t(Text::AdminDepartment)}</label>
                <select
                    id="scope-department"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        pick_department((!value.is_empty()).then_some(DepartmentId(value)));
                    }
                >
                    <option value="" prop:selected=move || scope_department.get().is_none()>{i18n.t(Text::AdminChoose)}</option>
                    <For each=move || tree_rows(&reachable_departments.get()) key=|row| row.department.id.clone() let:row>
                        {
                            let id = row.department.id.clone();
                            view! {
                                <option value=id.0.clone() prop:selected=move || scope_department.get().as_ref() == Some(&id)>
                                    {indented(&row)}
                                </option>
                            }
                        }
                    </For>
                </select>
                <DepartmentChecklist id="scope-visible" legend=Text::AdminMaySee departments=departments selected=scope_visible/>
                <button type="submit" class="primary">{i18n.t(Text::AdminSaveScope)}</button>
            </form>

            <form class="admin-form" on:submit=save_hidden aria-labelledby="hide-title">
                <h3 id="hide-title">{i18n.t(Text::AdminHideMember)}</h3>
                <label for="hide-member">{i18n.t(Text::AdminMember)}</label>
                <select id="hide-member" on:change=move |ev| pick_member(event_target_value(&ev).parse::<MemberId>().ok())>
                    <option value="" prop:selected=move || hidden_member.get().is_none()>{i18n.t(Text::AdminChoose)}</option>
                    <For each=move || reachable_members.get() key=|m| m.id let:member>
                        {
                            let id = member.id;
                            view! {
                                <option value=id.to_string() prop:selected=move || hidden_member.get() == Some(id)>
                                    {format!("{} ({})", member.name, member.userid)}
                                </option>
                            }
                        }
                    </For>
                </select>
                <DepartmentChecklist id="hide-departments" legend=Text::AdminSeenByDepartments departments=departments selected=allowed_departments/>
                <MemberChecklist id="hide-members" legend=Text::AdminSeenByMembers members=members selected=allowed_members/>
                <button type="submit" class="primary">{i18n.t(Text::AdminSaveHidden)}</button>
            </form>
        </section>
    }
}
