//! The members page: the list with its filters (name, userid or pinyin; department; status), the
//! member form, and per-member actions — edit, disable or enable, set a password, delete (after a
//! confirmation).

use super::member_form::MemberForm;
use crate::api::ApiError;
use crate::features::admin::components::{ConfirmButton, NoticeLine};
use crate::features::admin::model::{Notice, indented, tree_rows};
use crate::features::admin::state::use_admin;
use crate::i18n::roles::{Rt, role_label};
use crate::i18n::{Text, use_i18n};
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use weft_protocol::auth::Role;
use weft_protocol::directory::{DirectoryMember, MemberStatus, validate_new_password};
use weft_protocol::{DepartmentId, MemberId};

/// An action on one member waiting for the administrator to confirm or finish it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Delete(MemberId),
    Password(MemberId),
}

fn status_text(status: MemberStatus) -> Text {
    match status {
        MemberStatus::Active => Text::AdminStatusActive,
        MemberStatus::Disabled => Text::AdminStatusDisabled,
        MemberStatus::Invited => Text::AdminStatusInvited,
    }
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let filter = RwSignal::new(String::new());
    let department = RwSignal::new(None::<DepartmentId>);
    let status = RwSignal::new(None::<MemberStatus>);
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(None::<Pending>);
    let new_password = RwSignal::new(String::new());
    let password_error = RwSignal::new(None::<Text>);

    let shown = Memo::new(move |_| {
        let query = filter.get();
        let department = department.get();
        let status = status.get();
        let mut members: Vec<DirectoryMember> = admin
            .members()
            .into_iter()
            .filter(|m| m.matches(&query))
            .filter(|m| department.as_ref().is_none_or(|d| m.departments.iter().any(|md| &md.department_id == d)))
            .filter(|m| status.is_none_or(|s| m.status == s))
            .collect();
        members.sort_by(|a, b| a.userid.cmp(&b.userid));
        members
    });

    // Runs one change on the server, then reloads the directory; problems show above the list.
    let act = move |call: std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>>>>, success: Text| {
        notice.set(None);
        done.set(None);
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    pending.set(None);
                    done.set(Some(Notice::Text(success)));
                    admin.reload();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let set_enabled = move |id: MemberId, enabled: bool| {
        let Some(api) = admin.api() else { return };
        let success = if enabled { Text::AdminEnabledDone } else { Text::AdminDisabledDone };
        act(Box::pin(async move { api.set_member_enabled(id, enabled).await.map(|_| ()) }), success);
    };
    let delete = move |id: MemberId| {
        let Some(api) = admin.api() else { return };
        act(Box::pin(async move { api.delete_member(id).await }), Text::AdminDeletedDone);
    };
    let save_password = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(Pending::Password(id)) = pending.get_untracked() else { return };
        let password = new_password.get_untracked();
        if validate_new_password(&password).is_err() {
            password_error.set(Some(Text::AdminPasswordRule));
            return;
        }
        password_error.set(None);
        let Some(api) = admin.api() else { return };
        new_password.set(String::new());
        act(Box::pin(async move { api.set_member_password(id, &password).await }), Text::AdminPasswordDone);
    };
    let edit = move |card: DirectoryMember| {
        admin.draft.start_edit(&card);
        focus("member-name");
    };

    view! {
        <section class="admin-section" aria-labelledby="members-title">
            <h2 id="members-title">{i18n.t(Text::AdminMembers)}</h2>
            <div class="admin-filters">
                <div>
                    <label for="members-filter">{i18n.t(Text::AdminFilterMembers)}</label>
                    <input
                        id="members-filter"
                        type="search"
                        autocomplete="off"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                </div>
                <div>
                    <label for="members-department">{i18n.t(Text::AdminDepartment)}</label>
                    <select
                        id="members-department"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            department.set((!value.is_empty()).then_some(DepartmentId(value)));
                        }
                    >
                        <option value="">{i18n.t(Text::AdminAll)}</option>
                        <For each=move || tree_rows(&admin.departments()) key=|row| row.department.id.clone() let:row>
                            <option value=row.department.id.0.clone()>{indented(&row)}</option>
                        </For>
                    </select>
                </div>
                <div>
                    <label for="members-status">{i18n.t(Text::AdminStatus)}</label>
                    <select id="members-status" on:change=move |ev| status.set(MemberStatus::parse(&event_target_value(&ev)))>
                        <option value="">{i18n.t(Text::AdminAll)}</option>
                        <option value="active">{i18n.t(Text::AdminStatusActive)}</option>
                        <option value="disabled">{i18n.t(Text::AdminStatusDisabled)}</option>
                        <option value="invited">{i18n.t(Text::AdminStatusInvited)}</option>
                    </select>
                </div>
                <button
                    type="button"
                    class="primary"
                    on:click=move |_| {
                        if !(admin.draft.open.get_untracked() && admin.draft.editing.get_untracked().is_none()) {
                            admin.draft.start_new();
                        }
                        focus("member-userid");
                    }
                >
                    {i18n.t(Text::AdminNewMember)}
                </button>
            </div>
            <MemberForm/>
            <NoticeLine notice=notice/>
            <NoticeLine notice=done status=true/>
            <Show when=move || matches!(pending.get(), Some(Pending::Password(_)))>
                <form class="admin-form inline-form" on:submit=save_password novalidate=true>
                    <p>
                        {move || match pending.get() {
                            Some(Pending::Password(id)) => {
                                format!("{} {}", Text::AdminSetPasswordFor.in_lang(i18n.lang.get()), admin.member_name(id))
                            }
                            _ => String::new(),
                        }}
                    </p>
                    <TextField
                        id="new-password"
                        label=Text::AdminNewPassword
                        value=new_password
                        error=password_error
                        input_type="password"
                        autocomplete="new-password"
                        verbatim=true
                    />
                    <button type="submit" class="primary">{i18n.t(Text::AdminSetPassword)}</button>
                    <button type="button" on:click=move |_| pending.set(None)>{i18n.t(Text::AdminCancel)}</button>
                </form>
            </Show>
            <p class="hint" aria-live="polite" data-testid="members-count">
                {move || format!("{} {}", shown.with(Vec::len), Text::AdminMembersShown.in_lang(i18n.lang.get()))}
            </p>
            <table class="admin-table">
                <caption class="visually-hidden">{i18n.t(Text::AdminMembers)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{i18n.t(Text::AdminName)}</th>
                        <th scope="col">{i18n.t(Text::AdminUserid)}</th>
                        <th scope="col">{i18n.t(Text::AdminMainDepartment)}</th>
                        <th scope="col">{i18n.t(Text::AdminPosition)}</th>
                        <th scope="col">{i18n.t(Text::AdminStatus)}</th>
                        <th scope="col">{i18n.t(Text::AdminActions)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=|m| (m.id, m.version) let:member>
                        {
                            let id = member.id;
                            let card = member.clone();
                            let disabled = member.status == MemberStatus::Disabled;
                            let invited = member.status == MemberStatus::Invited;
                            let confirming = move || pending.get() == Some(Pending::Delete(id));
                            let role = member.role;
                            let reached = {
                                let card = member.clone();
                                move || admin.reach().covers_member(&card)
                            };
                            view! {
                                <tr class:member--disabled=disabled>
                                    <th scope="row">
                                        {member.name.clone()}
                                        {(role != Role::Member).then(|| view! {
                                            " " <span class="badge">{move || role_label(role, i18n.lang.get())}</span>
                                        })}
                                    </th>
                                    <td>{member.userid.clone()}</td>
                                    <td>{admin.department_name(&member.main_department_id)}</td>
                                    <td>{member.position.clone()}</td>
                                    <td>{i18n.t(status_text(member.status))}</td>
                                    <td class="admin-table__actions">
                                        <Show when=reached.clone() fallback=move || view! { <span class="hint">{i18n.role(Rt::OutsideReach)}</span> }>
                                        <button type="button" class="link" on:click={
                                            let card = card.clone();
                                            move |_| edit(card.clone())
                                        }>
                                            {i18n.t(Text::AdminEdit)}
                                        </button>
                                        <Show when=move || !invited>
                                            <button type="button" class="link" on:click=move |_| set_enabled(id, disabled)>
                                                {i18n.t(if disabled { Text::AdminEnable } else { Text::AdminDisable })}
                                            </button>
                                        </Show>
                                        <button type="button" class="link" on:click=move |_| {
                                            pending.set(Some(Pending::Password(id)));
                                            focus("new-password");
                                        }>
                                            {i18n.t(Text::AdminSetPassword)}
                                        </button>
                                        <ConfirmButton
                                            confirming=Signal::derive(confirming)
                                            label=Text::Delete
                                            question=Text::AdminConfirmDelete
                                            yes=Text::AdminYesDelete
                                            on_ask=Callback::new(move |()| pending.set(Some(Pending::Delete(id))))
                                            on_yes=Callback::new(move |()| delete(id))
                                            on_cancel=Callback::new(move |()| pending.set(None))
                                        />
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// Moves keyboard focus to an element once it is on screen (after the current render).
pub fn focus(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || {
        if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id)) {
            use wasm_bindgen::JsCast;
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}
