//! The pieces the console's pages share: the notice line, a destructive button behind a
//! confirmation, checkboxes for a few fixed choices, and checkbox lists over departments (as a
//! tree) and members (with a filter).

use super::model::{Notice, depth_class, toggle_in, tree_rows};
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::directory::{Department, DirectoryMember};
use weft_protocol::{DepartmentId, MemberId};

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

/// Checkboxes over the department tree (indented). `id` prefixes the inputs' ids.
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

/// Checkboxes for a few fixed choices (an app's permissions, a webhook's events), each a full-height
/// row; `chosen` holds the ticked ones.
#[component]
pub fn ChoiceBoxes<T>(
    choices: Vec<T>,
    chosen: RwSignal<Vec<T>>,
    /// A choice's words in a language.
    label: fn(T, crate::i18n::Lang) -> &'static str,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    choices
        .into_iter()
        .map(|choice| {
            view! {
                <label class="checkbox">
                    <input
                        type="checkbox"
                        prop:checked=move || chosen.with(|c| c.contains(&choice))
                        on:change=move |_| chosen.update(|c| toggle_in(c, &choice))
                    />
                    {move || label(choice, i18n.lang.get())}
                </label>
            }
        })
        .collect_view()
}
