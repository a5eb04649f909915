//! The departments page: the tree (indented, with each department's member count) and, for the
//! chosen department, renaming, moving up or down among its siblings, moving under another
//! parent, adding a sub-department and deleting it. The server's refusals are shown as it words
//! them (a department with members or sub-departments cannot be deleted).

use crate::api::ApiError;
use crate::features::admin::components::NoticeLine;
use crate::features::admin::model::{Notice, TreeRow, depth_class, indented, subtree, tree_rows};
use crate::features::admin::state::use_admin;
use crate::i18n::roles::Rt;
use crate::i18n::{Text, use_i18n};
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use weft_protocol::DepartmentId;
use weft_protocol::directory::{
    CreateDepartmentRequest, Department, UpdateDepartmentRequest, validate_department_name,
};

type Call = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

/// The PATCHes that put `id` one place earlier (`-1`) or later (`+1`) among its siblings,
/// numbering the siblings 0, 1, 2… (only those whose number changes are sent).
pub fn reorder(departments: &[Department], id: &DepartmentId, step: i64) -> Vec<(DepartmentId, i64)> {
    let Some(parent) = departments.iter().find(|d| &d.id == id).map(|d| d.parent_id.clone()) else {
        return Vec::new();
    };
    let mut siblings: Vec<&Department> = departments.iter().filter(|d| d.parent_id == parent).collect();
    siblings.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name)));
    let Some(at) = siblings.iter().position(|d| &d.id == id) else { return Vec::new() };
    let Some(to) = at.checked_add_signed(step as isize).filter(|to| *to < siblings.len()) else {
        return Vec::new();
    };
    siblings.swap(at, to);
    siblings
        .iter()
        .enumerate()
        .filter(|(index, d)| d.order != *index as i64)
        .map(|(index, d)| (d.id.clone(), index as i64))
        .collect()
}

#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let selected = RwSignal::new(None::<DepartmentId>);
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(None::<Notice>);
    let confirming = RwSignal::new(false);
    let rename = RwSignal::new(String::new());
    let rename_error = RwSignal::new(None::<Text>);
    let new_name = RwSignal::new(String::new());
    let new_name_error = RwSignal::new(None::<Text>);
    let new_parent = RwSignal::new(None::<DepartmentId>);

    let rows = Memo::new(move |_| tree_rows(&admin.departments()));
    let counts = Memo::new(move |_| {
        let mut counts = std::collections::HashMap::<DepartmentId, usize>::new();
        for member in admin.members() {
            for department in member.departments {
                *counts.entry(department.department_id).or_default() += 1;
            }
        }
        counts
    });
    let current = Memo::new(move |_| {
        let id = selected.get()?;
        admin.departments().into_iter().find(|d| d.id == id)
    });
    // Choosing a department fills the rename box with its name (and forgets a pending delete).
    Effect::new(move |previous: Option<Option<DepartmentId>>| {
        let id = selected.get();
        if previous.as_ref() != Some(&id) {
            rename.set(current.get_untracked().map(|d| d.name).unwrap_or_default());
            rename_error.set(None);
            confirming.set(false);
            new_parent.set(None);
        }
        id
    });
    // Places it may move to: anywhere but under itself.
    let parents = move || {
        let Some(id) = selected.get() else { return Vec::new() };
        let departments = admin.departments();
        let inside = subtree(&departments, &id);
        let reach = admin.reach();
        tree_rows(&departments)
            .into_iter()
            .filter(|r| !inside.contains(&r.department.id) && reach.covers(&r.department.id))
            .collect::<Vec<TreeRow>>()
    };
    // A department administrator edits the departments below the top of their subtree, and adds
    // sub-departments anywhere in it.
    let edits = move || current.get().is_some_and(|d| admin.reach().edits_department(&d.id));
    let extends = move || current.get().is_some_and(|d| admin.reach().covers(&d.id));

    let run = move |call: Call, success: Text, after: Box<dyn FnOnce()>| {
        notice.set(None);
        done.set(None);
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    after();
                    done.set(Some(Notice::Text(success)));
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
            admin.reload();
        });
    };
    let update = move |change: UpdateDepartmentRequest, success: Text| {
        let (Some(api), Some(id)) = (admin.api(), selected.get_untracked()) else { return };
        run(Box::pin(async move { api.update_department(&id, &change).await.map(|_| ()) }), success, Box::new(|| {}));
    };
    let submit_rename = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let name = rename.get_untracked().trim().to_owned();
        if validate_department_name(&name).is_err() {
            rename_error.set(Some(Text::AdminDepartmentNameRule));
            return;
        }
        rename_error.set(None);
        update(UpdateDepartmentRequest { name: Some(name), ..Default::default() }, Text::AdminDepartmentSaved);
    };
    let submit_move = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let parent = new_parent.get_untracked().or_else(|| parents().first().map(|r| r.department.id.clone()));
        let Some(parent) = parent else { return };
        update(UpdateDepartmentRequest { parent_id: Some(parent), ..Default::default() }, Text::AdminDepartmentMoved);
    };
    let shift = move |step: i64| {
        let (Some(api), Some(id)) = (admin.api(), selected.get_untracked()) else { return };
        let changes = reorder(&admin.departments(), &id, step);
        if changes.is_empty() {
            return;
        }
        let call: Call = Box::pin(async move {
            for (id, order) in changes {
                api.update_department(&id, &UpdateDepartmentRequest { order: Some(order), ..Default::default() })
                    .await?;
            }
            Ok(())
        });
        run(call, Text::AdminDepartmentSaved, Box::new(|| {}));
    };
    let delete = move |_| {
        let (Some(api), Some(id)) = (admin.api(), selected.get_untracked()) else { return };
        confirming.set(false);
        run(
            Box::pin(async move { api.delete_department(&id).await }),
            Text::AdminDepartmentDeleted,
            Box::new(move || selected.set(None)),
        );
    };
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let name = new_name.get_untracked().trim().to_owned();
        if validate_department_name(&name).is_err() {
            new_name_error.set(Some(Text::AdminDepartmentNameRule));
            return;
        }
        new_name_error.set(None);
        let (Some(api), Some(parent_id)) = (admin.api(), selected.get_untracked()) else { return };
        let request = CreateDepartmentRequest { name, parent_id, order: None };
        run(
            Box::pin(async move { api.create_department(&request).await.map(|_| ()) }),
            Text::AdminDepartmentCreated,
            Box::new(move || new_name.set(String::new())),
        );
    };

    view! {
        <section class="admin-section admin-columns" aria-labelledby="departments-title">
            <div>
                <h2 id="departments-title">{i18n.t(Text::AdminDepartments)}</h2>
                <ul class="dept-tree" aria-label=i18n.t(Text::AdminDepartments)>
                    <For each=move || rows.get() key=|row| (row.department.id.clone(), row.depth, row.department.name.clone()) let:row>
                        {
                            let id = row.department.id.clone();
                            let pick = id.clone();
                            let count_of = id.clone();
                            let count = move || counts.with(|c| c.get(&count_of).copied().unwrap_or(0));
                            view! {
                                <li class=depth_class(row.depth)>
                                    <button
                                        type="button"
                                        class="dept-tree__item"
                                        aria-pressed=move || (selected.get().as_ref() == Some(&id)).to_string()
                                        on:click=move |_| selected.set(Some(pick.clone()))
                                    >
                                        <span>{row.department.name.clone()}</span>
                                        <span class="hint">
                                            {move || format!("{} {}", Text::AdminMemberCount.in_lang(i18n.lang.get()), count())}
                                        </span>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </div>
            <div>
                <NoticeLine notice=notice/>
                <NoticeLine notice=done status=true/>
                <Show when=move || current.get().is_some() fallback=move || view! { <p class="hint">{i18n.t(Text::AdminPickADepartment)}</p> }>
                    <h3>{move || current.get().map(|d| d.name).unwrap_or_default()}</h3>
                    <Show when=move || !extends()>
                        <p class="hint">{i18n.role(Rt::OutsideReach)}</p>
                    </Show>
                    <Show when=edits>
                    <form class="admin-form" on:submit=submit_rename novalidate=true>
                        <TextField id="department-name" label=Text::AdminDepartmentName value=rename error=rename_error maxlength=64/>
                        <button type="submit">{i18n.t(Text::AdminRenameDepartment)}</button>
                    </form>
                    <div class="inline-form">
                        <button type="button" on:click=move |_| shift(-1)>{i18n.t(Text::AdminMoveUp)}</button>
                        <button type="button" on:click=move |_| shift(1)>{i18n.t(Text::AdminMoveDown)}</button>
                    </div>
                    <Show when=move || current.get().is_some_and(|d| d.parent_id.is_some())>
                        <form class="admin-form" on:submit=submit_move>
                            <label for="department-parent">{i18n.t(Text::AdminNewParent)}</label>
                            <select id="department-parent" on:change=move |ev| new_parent.set(Some(DepartmentId(event_target_value(&ev))))>
                                <For each=parents key=|row| row.department.id.clone() let:row>
                                    {
                                        let id = row.department.id.clone();
                                        view! {
                                            <option value=id.0.clone() prop:selected=move || new_parent.get().as_ref() == Some(&id)>
                                                {indented(&row)}
                                            </option>
                                        }
                                    }
                                </For>
                            </select>
                            <button type="submit">{i18n.t(Text::AdminMoveDepartment)}</button>
                        </form>
                    </Show>
                    </Show>
                    <Show when=extends>
                    <form class="admin-form" on:submit=add novalidate=true>
                        <TextField id="department-new" label=Text::AdminSubDepartmentName value=new_name error=new_name_error maxlength=64/>
                        <button type="submit">{i18n.t(Text::AdminAddSubDepartment)}</button>
                    </form>
                    </Show>
                    <Show when=move || edits() && current.get().is_some_and(|d| d.parent_id.is_some())>
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button type="button" class="danger" on:click=move |_| confirming.set(true)>
                                    {i18n.t(Text::AdminDeleteDepartment)}
                                </button>
                            }
                        >
                            <div role="group" class="inline-form" aria-label=i18n.t(Text::AdminConfirmDelete)>
                                <span>{i18n.t(Text::AdminConfirmDelete)}</span>
                                <button type="button" class="danger" on:click=delete>{i18n.t(Text::AdminYesDelete)}</button>
                                <button type="button" on:click=move |_| confirming.set(false)>{i18n.t(Text::AdminCancel)}</button>
                            </div>
                        </Show>
                    </Show>
                </Show>
            </div>
        </section>
    }
}
