//! The template editor's approval chain: ordered steps (name, approvers, whether any one or all
//! must approve, an optional condition on a number, amount or choice field of this form), moved
//! up and down or removed; the people copied when a request is submitted and when it is approved;
//! and the fallback approver. Approvers come from the console's directory: members are picked in
//! the admin's filterable checklist, departments from the tree.

use super::controls::focus_after_move;
use super::editor::{Editor, ProblemLine};
use crate::features::admin::components::MemberChecklist;
use crate::features::admin::model::{indented, tree_rows};
use crate::features::admin::pages::members::focus;
use crate::features::admin::state::{AdminContext, use_admin};
use crate::features::admin::templates::draft::{CcList, Place, Settings, SourceKind};
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::approval::{ApprovalMode, CompareOp};
use weft_protocol::auth::Role;
use weft_protocol::directory::DirectoryMember;
use weft_protocol::{DepartmentId, MemberId};

/// The directory's members, by account, for the pickers.
fn members(admin: AdminContext) -> Signal<Vec<DirectoryMember>> {
    Signal::derive(move || {
        let mut members = admin.members();
        members.sort_by(|a, b| a.userid.cmp(&b.userid));
        members
    })
}

#[component]
pub fn ChainSection(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let keys = move || editor.draft.with(|d| d.steps.iter().map(|s| s.key).collect::<Vec<_>>());
    let steps_problem = Signal::derive(editor.problems_at(Place::Steps));
    let fallback_problem = Signal::derive(editor.problems_at(Place::Fallback));
    let add_step = move |_| {
        let mut key = 0;
        editor.edit(|d| key = d.add_step());
        focus(format!("tpl-step-{key}-name"));
    };
    let everyone = members(admin);
    view! {
        <fieldset class="template-section" aria-describedby="template-steps-error">
            <legend>{i18n.t(Text::ApprovalChain)}</legend>
            <ol class="template-list">
                <For each=keys key=|key| *key let:key>
                    <li>{step_card(editor, key)}</li>
                </For>
            </ol>
            <ProblemLine id="template-steps-error" text=steps_problem/>
            <button type="button" id="template-add-step" on:click=add_step>{i18n.t(Text::TemplateAddStep)}</button>
            {cc_view(editor, CcList::OnSubmit)}
            {cc_view(editor, CcList::OnCompletion)}
            <label for="template-fallback">{i18n.t(Text::TemplateFallback)}</label>
            <select
                id="template-fallback"
                aria-describedby="template-fallback-hint template-fallback-error"
                aria-invalid=editor.invalid_at(Place::Fallback)
                on:change=move |ev| {
                    let picked = event_target_value(&ev).parse::<MemberId>().ok();
                    editor.edit(|d| d.fallback = picked);
                }
            >
                <option value="" prop:selected=move || editor.draft.with(|d| d.fallback.is_none())>{i18n.t(Text::AdminChoose)}</option>
                <For each=move || everyone.get() key=|m| m.id let:member>
                    {
                        let id = member.id;
                        view! {
                            <option value=id.to_string() prop:selected=move || editor.draft.with(|d| d.fallback == Some(id))>
                                {format!("{} ({})", member.name, member.userid)}
                            </option>
                        }
                    }
                </For>
            </select>
            <p class="hint" id="template-fallback-hint">{i18n.t(Text::TemplateFallbackHint)}</p>
            <ProblemLine id="template-fallback-error" text=fallback_problem/>
        </fieldset>
    }
}

fn step_card(editor: Editor, key: u32) -> AnyView {
    let i18n = use_i18n();
    let prefix = format!("tpl-step-{key}");
    let position = Memo::new(move |_| {
        editor.draft.with(|d| (d.steps.iter().position(|s| s.key == key).unwrap_or(0), d.steps.len()))
    });
    let name = move || {
        editor.draft.with(|d| d.steps.iter().find(|s| s.key == key).map(|s| s.name.clone()).unwrap_or_default())
    };
    // What the buttons name: the step's name once there is one.
    let called = move || {
        let name = name();
        if name.trim().is_empty() {
            format!("{} {}", Text::TemplateStep.in_lang(i18n.lang.get()), position.get().0 + 1)
        } else {
            name
        }
    };
    let (name_id, mode_id) = (format!("{prefix}-name"), format!("{prefix}-mode"));
    let (up_id, down_id, error_id) = (format!("{prefix}-up"), format!("{prefix}-down"), format!("{prefix}-error"));
    let name_error = format!("{name_id}-error");
    let described = error_id.clone();
    let name_problem = Signal::derive(editor.problems_at(Place::StepName(key)));
    let problem = Signal::derive(editor.problems_at(Place::Step(key)));
    let shift = {
        let (up_id, down_id) = (up_id.clone(), down_id.clone());
        move |delta: isize| {
            editor.edit(|d| {
                d.move_step(key, delta);
            });
            focus(focus_after_move(position.get_untracked(), delta, &up_id, &down_id));
        }
    };
    let shift_down = shift.clone();
    let mode = move || editor.draft.with(|d| d.steps.iter().find(|s| s.key == key).map(|s| s.mode));
    view! {
        <fieldset class="template-card" aria-describedby=described>
            <legend>{move || format!("{} {}", Text::TemplateStep.in_lang(i18n.lang.get()), position.get().0 + 1)}</legend>
            <label for=name_id.clone()>{i18n.t(Text::TemplateStepName)}</label>
            <input
                id=name_id.clone()
                type="text"
                maxlength="50"
                autocomplete="off"
                prop:value=name
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    editor.edit(|d| {
                        if let Some(step) = d.step_mut(key) {
                            step.name = text;
                        }
                    });
                }
                aria-invalid=editor.invalid_at(Place::StepName(key))
                aria-describedby=name_error.clone()
            />
            <ProblemLine id=name_error text=name_problem/>
            {source_view(editor, key, prefix.clone(), Text::TemplateApprovers)}
            <label for=mode_id.clone()>{i18n.t(Text::TemplateMode)}</label>
            <select
                id=mode_id
                on:change=move |ev| {
                    let wanted = if event_target_value(&ev) == "all" { ApprovalMode::All } else { ApprovalMode::AnyOne };
                    editor.edit(|d| {
                        if let Some(step) = d.step_mut(key) {
                            step.mode = wanted;
                        }
                    });
                }
            >
                <option value="any_one" prop:selected=move || mode() == Some(ApprovalMode::AnyOne)>{i18n.t(Text::TemplateModeAnyOne)}</option>
                <option value="all" prop:selected=move || mode() == Some(ApprovalMode::All)>{i18n.t(Text::TemplateModeAll)}</option>
            </select>
            {condition_view(editor, key, prefix.clone())}
            <ProblemLine id=error_id text=problem/>
            <div class="template-card__actions">
                <button type="button" id=up_id aria-label=move || format!("{} {}", Text::AdminMoveUp.in_lang(i18n.lang.get()), called())
                    disabled=move || position.get().0 == 0 on:click=move |_| shift(-1)>
                    {i18n.t(Text::AdminMoveUp)}
                </button>
                <button type="button" id=down_id aria-label=move || format!("{} {}", Text::AdminMoveDown.in_lang(i18n.lang.get()), called())
                    disabled=move || { let (at, len) = position.get(); at + 1 >= len } on:click=move |_| shift_down(1)>
                    {i18n.t(Text::AdminMoveDown)}
                </button>
                <button type="button" class="link danger"
                    aria-label=move || format!("{} {}", Text::Remove.in_lang(i18n.lang.get()), called())
                    on:click=move |_| {
                        editor.edit(|d| d.remove_step(key));
                        focus("template-add-step");
                    }>
                    {i18n.t(Text::Remove)}
                </button>
            </div>
        </fieldset>
    }
    .into_any()
}

/// Who a step's approvers (or a CC entry's people) are: the source, then what it needs.
fn source_view(editor: Editor, key: u32, prefix: String, label: Text) -> AnyView {
    let i18n = use_i18n();
    let admin = use_admin();
    let kind = Memo::new(move |_| editor.draft.with(|d| d.source(key).map(|s| s.kind)));
    let source_id = format!("{prefix}-source");
    let details = {
        let prefix = prefix.clone();
        move || match kind.get() {
            Some(SourceKind::Members) => members_view(editor, admin, key, format!("{prefix}-members")),
            Some(SourceKind::DirectLeader) => {
                view! { <p class="hint">{i18n.t(Text::TemplateDirectLeaderHint)}</p> }.into_any()
            }
            Some(SourceKind::DepartmentLeader) => level_view(editor, key, format!("{prefix}-level")),
            Some(SourceKind::LeaderOf) => department_view(editor, admin, key, format!("{prefix}-department")),
            Some(SourceKind::Role) => role_view(editor, key, format!("{prefix}-role")),
            None => ().into_any(),
        }
    };
    view! {
        <label for=source_id.clone()>{i18n.t(label)}</label>
        <select
            id=source_id
            on:change=move |ev| {
                if let Some(wanted) = SourceKind::from_slug(&event_target_value(&ev)) {
                    editor.edit(|d| {
                        if let Some(source) = d.source_mut(key) {
                            source.kind = wanted;
                        }
                    });
                }
            }
        >
            {SourceKind::ALL
                .into_iter()
                .map(|option| view! {
                    <option value=option.slug() prop:selected=move || kind.get() == Some(option)>{i18n.t(option.label())}</option>
                })
                .collect_view()}
        </select>
        {details}
    }
    .into_any()
}

fn members_view(editor: Editor, admin: AdminContext, key: u32, id: String) -> AnyView {
    let initial = editor.draft.with_untracked(|d| d.source(key).map(|s| s.members.clone())).unwrap_or_default();
    let selected = RwSignal::new(initial);
    // The checklist has its own list; every change is copied into the draft.
    Effect::new(move |previous: Option<()>| {
        let picked = selected.get();
        if previous.is_some() {
            editor.edit(|d| {
                if let Some(source) = d.source_mut(key) {
                    source.members = picked;
                }
            });
        }
    });
    view! { <MemberChecklist id=id legend=Text::AdminMembers members=members(admin) selected=selected/> }.into_any()
}

fn level_view(editor: Editor, key: u32, id: String) -> AnyView {
    let i18n = use_i18n();
    view! {
        <label for=id.clone()>{i18n.t(Text::TemplateLevel)}</label>
        <input
            id=id
            type="number"
            min="1"
            max="20"
            prop:value=move || editor.draft.with(|d| d.source(key).map(|s| s.level.clone()).unwrap_or_default())
            on:input=move |ev| {
                let level = event_target_value(&ev);
                editor.edit(|d| {
                    if let Some(source) = d.source_mut(key) {
                        source.level = level;
                    }
                });
            }
        />
    }
    .into_any()
}

fn department_view(editor: Editor, admin: AdminContext, key: u32, id: String) -> AnyView {
    let i18n = use_i18n();
    let chosen = move || editor.draft.with(|d| d.source(key).and_then(|s| s.department.clone()));
    view! {
        <label for=id.clone()>{i18n.t(Text::AdminDepartment)}</label>
        <select
            id=id
            on:change=move |ev| {
                let value = event_target_value(&ev);
                editor.edit(|d| {
                    if let Some(source) = d.source_mut(key) {
                        source.department = (!value.is_empty()).then_some(DepartmentId(value));
                    }
                });
            }
        >
            <option value="" prop:selected=move || chosen().is_none()>{i18n.t(Text::AdminChoose)}</option>
            <For each=move || tree_rows(&admin.departments()) key=|row| row.department.id.clone() let:row>
                {
                    let department = row.department.id.clone();
                    view! {
                        <option value=department.0.clone() prop:selected=move || chosen().as_ref() == Some(&department)>
                            {indented(&row)}
                        </option>
                    }
                }
            </For>
        </select>
    }
    .into_any()
}

fn role_view(editor: Editor, key: u32, id: String) -> AnyView {
    let i18n = use_i18n();
    let role = move || editor.draft.with(|d| d.source(key).map(|s| s.role));
    view! {
        <label for=id.clone()>{i18n.t(Text::AdminRole)}</label>
        <select
            id=id
            on:change=move |ev| {
                let wanted = if event_target_value(&ev) == "member" { Role::Member } else { Role::Admin };
                editor.edit(|d| {
                    if let Some(source) = d.source_mut(key) {
                        source.role = wanted;
                    }
                });
            }
        >
            <option value="admin" prop:selected=move || role() == Some(Role::Admin)>{i18n.t(Text::AdminRoleAdmin)}</option>
            <option value="member" prop:selected=move || role() == Some(Role::Member)>{i18n.t(Text::AdminRoleMember)}</option>
        </select>
    }
    .into_any()
}

/// What kind of test the chosen condition field allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    Always,
    Compare,
    Option,
}

const OPERATORS: [(CompareOp, &str, Text); 4] = [
    (CompareOp::Gt, "gt", Text::TemplateOpGt),
    (CompareOp::Ge, "ge", Text::TemplateOpGe),
    (CompareOp::Lt, "lt", Text::TemplateOpLt),
    (CompareOp::Le, "le", Text::TemplateOpLe),
];

/// The step's optional condition: a field of this form, then a comparison or an option.
fn condition_view(editor: Editor, key: u32, prefix: String) -> AnyView {
    let i18n = use_i18n();
    let condition = move || editor.draft.with(|d| d.steps.iter().find(|s| s.key == key).map(|s| s.condition.clone()));
    let chosen = move || condition().map(|c| c.control).unwrap_or_default();
    let test = Memo::new(move |_| {
        let control = chosen();
        editor.draft.with(|d| match d.controls.iter().find(|c| c.id == control).map(|c| &c.settings) {
            Some(Settings::Number { .. } | Settings::Money { .. }) => Test::Compare,
            Some(Settings::Selector { .. }) => Test::Option,
            _ => Test::Always,
        })
    });
    // The fields a condition can test, named by their titles (or their ids while untitled).
    let fields = move || {
        editor.draft.with(|d| {
            d.condition_controls()
                .into_iter()
                .map(|c| (c.id.clone(), if c.title.trim().is_empty() { c.id.clone() } else { c.title.clone() }))
                .collect::<Vec<_>>()
        })
    };
    let options = move || {
        let control = chosen();
        editor.draft.with(|d| match d.control(&control).map(|c| &c.settings) {
            Some(Settings::Selector { options, .. }) => {
                options.iter().map(|o| (o.id.clone(), o.label.clone())).collect::<Vec<_>>()
            }
            _ => Vec::new(),
        })
    };
    let (field_id, op_id, value_id, option_id) =
        (format!("{prefix}-condition"), format!("{prefix}-op"), format!("{prefix}-value"), format!("{prefix}-option"));
    let update = move |change: Box<dyn FnOnce(&mut crate::features::admin::templates::draft::ConditionDraft)>| {
        editor.edit(|d| {
            if let Some(step) = d.step_mut(key) {
                change(&mut step.condition);
            }
        });
    };
    let details = move || {
        match test.get() {
        Test::Always => ().into_any(),
        Test::Compare => view! {
            <label for=op_id.clone()>{i18n.t(Text::TemplateComparison)}</label>
            <select
                id=op_id.clone()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some((op, _, _)) = OPERATORS.iter().find(|(_, slug, _)| *slug == value) {
                        let op = *op;
                        update(Box::new(move |c| c.op = op));
                    }
                }
            >
                {OPERATORS
                    .into_iter()
                    .map(|(op, slug, label)| view! {
                        <option value=slug prop:selected=move || condition().is_some_and(|c| c.op == op)>{i18n.t(label)}</option>
                    })
                    .collect_view()}
            </select>
            <label for=value_id.clone()>{i18n.t(Text::TemplateConditionValue)}</label>
            <input
                id=value_id.clone()
                type="text"
                inputmode="decimal"
                autocomplete="off"
                prop:value=move || condition().map(|c| c.value).unwrap_or_default()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    update(Box::new(move |c| c.value = value));
                }
            />
        }
        .into_any(),
        Test::Option => view! {
            <label for=option_id.clone()>{i18n.t(Text::TemplateOption)}</label>
            <select
                id=option_id.clone()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    update(Box::new(move |c| c.option = value));
                }
            >
                <option value="" prop:selected=move || condition().is_some_and(|c| c.option.is_empty())>{i18n.t(Text::AdminChoose)}</option>
                <For each=options key=|option| option.clone() let:option>
                    {
                        let id = option.0.clone();
                        view! {
                            <option value=option.0.clone() prop:selected=move || condition().is_some_and(|c| c.option == id)>
                                {option.1.clone()}
                            </option>
                        }
                    }
                </For>
            </select>
        }
        .into_any(),
    }
    };
    view! {
        <label for=field_id.clone()>{i18n.t(Text::TemplateCondition)}</label>
        <select
            id=field_id
            on:change=move |ev| {
                let control = event_target_value(&ev);
                update(Box::new(move |c| {
                    c.control = control;
                    c.option.clear();
                }));
            }
        >
            <option value="" prop:selected=move || chosen().is_empty()>{i18n.t(Text::TemplateAlways)}</option>
            <For each=fields key=|field| field.clone() let:field>
                {
                    let id = field.0.clone();
                    view! { <option value=field.0.clone() prop:selected=move || chosen() == id>{field.1.clone()}</option> }
                }
            </For>
        </select>
        {details}
    }
    .into_any()
}

/// One CC list: entries (each a source, like a step's approvers), added and removed.
fn cc_view(editor: Editor, list: CcList) -> AnyView {
    let i18n = use_i18n();
    let (legend, slug) = match list {
        CcList::OnSubmit => (Text::TemplateCcOnSubmit, "submit"),
        CcList::OnCompletion => (Text::TemplateCcOnCompletion, "completion"),
    };
    let add_id = format!("template-add-cc-{slug}");
    let keys = move || editor.draft.with(|d| d.cc(list).iter().map(|c| c.key).collect::<Vec<_>>());
    let add = move |_| {
        let mut key = 0;
        editor.edit(|d| key = d.add_cc(list));
        focus(format!("tpl-cc-{key}-source"));
    };
    view! {
        <fieldset class="template-cc">
            <legend>{i18n.t(legend)}</legend>
            <ul class="template-list">
                <For each=keys key=|key| *key let:key>
                    {
                        let add_id = format!("template-add-cc-{slug}");
                        let problem = Signal::derive(editor.problems_at(Place::Cc(key)));
                        let number = move || editor.draft.with(|d| d.cc(list).iter().position(|c| c.key == key).unwrap_or(0) + 1);
                        view! {
                            <li class="template-card">
                                {source_view(editor, key, format!("tpl-cc-{key}"), Text::TemplateCopied)}
                                <ProblemLine id=format!("tpl-cc-{key}-error") text=problem/>
                                <button type="button" class="link danger"
                                    aria-label=move || format!("{} {} {}", Text::Remove.in_lang(i18n.lang.get()), legend.in_lang(i18n.lang.get()), number())
                                    on:click=move |_| {
                                        editor.edit(|d| d.remove_cc(key));
                                        focus(add_id.clone());
                                    }>
                                    {i18n.t(Text::Remove)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <button type="button" id=add_id on:click=add>{i18n.t(Text::TemplateAddCc)}</button>
        </fieldset>
    }
    .into_any()
}
