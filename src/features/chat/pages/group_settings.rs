//! A group's settings: its members and how far each has read, renaming, adding and removing
//! people, handing the group over, and leaving. The server decides who may do what; the page
//! only offers the owner's and administrators' actions to them. A direct chat's info (the same
//! route) shows its people and the confidential switch only.

use super::group_robots::GroupRobots;
use crate::api::{Api, ApiError};
use crate::features::confidential::controls::ConfidentialSwitch;
use crate::features::directory::components::member_picker::MemberPicker;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::use_app;
use crate::ui::failure::Failure;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::future::Future;
use std::pin::Pin;
use weft_protocol::auth::Role;
use weft_protocol::chat::{ConversationDetail, ConversationKind};
use weft_protocol::{ConversationId, MemberId};

/// One change to a group on the server; `Some(detail)` when the server answers with the new state.
type GroupCall =
    Box<dyn FnOnce(Api, ConversationId) -> Pin<Box<dyn Future<Output = Result<Option<ConversationDetail>, ApiError>>>>>;

#[component]
pub fn GroupSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = use_session();
    let navigate = use_navigate();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<ConversationId>().ok())));
    let detail = Memo::new(move |_| id.get().and_then(|id| app.chat.details.with(|d| d.get(&id).cloned())));
    let error = RwSignal::new(None::<Failure>);
    let new_name = RwSignal::new(String::new());
    let adding = RwSignal::new(Vec::<MemberId>::new());
    Effect::new(move |_| {
        if let Some(id) = id.get() {
            app.load_detail(id);
        }
    });
    // The name field follows the group's name when it changes, not on every receipt update.
    let title = Memo::new(move |_| detail.with(|d| d.as_ref().map(|d| d.summary.title.clone())));
    Effect::new(move |_| {
        if let Some(title) = title.get() {
            new_name.set(title);
        }
    });

    let me = move || session.0.with(|s| s.as_ref().map(|s| (s.me.id, s.me.role)));
    let can_manage = move || match (me(), detail.get()) {
        (Some((me, role)), Some(detail)) => detail.summary.owner_id == me || role == Role::Admin,
        _ => false,
    };
    let api = move || session.0.with_untracked(|s| s.as_ref().map(|s| Api::with_token(&s.token)));
    // Runs one change on the server and takes the result in; errors show above the form.
    let act = move |call: GroupCall| {
        let (Some(api), Some(id)) = (api(), id.get_untracked()) else {
            return;
        };
        error.set(None);
        spawn_local(async move {
            match call(api, id).await {
                Ok(Some(detail)) => app.adopt(detail),
                Ok(None) => {}
                Err(ApiError::Network) => error.set(Some(Failure::Text(Text::NeedsNetwork))),
                Err(err) => error.set(Some(Failure::of(&err))),
            }
        });
    };

    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked();
        act(Box::new(move |api, id| Box::pin(async move { api.rename(id, &name).await.map(Some) })));
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let members = adding.get_untracked();
        if members.is_empty() {
            return;
        }
        adding.set(Vec::new());
        act(Box::new(move |api, id| Box::pin(async move { api.add_members(id, members).await.map(Some) })));
    };
    let leave = {
        let navigate = navigate.clone();
        move |_| {
            let (Some(api), Some(id)) = (api(), id.get_untracked()) else {
                return;
            };
            let navigate = navigate.clone();
            spawn_local(async move {
                match api.leave(id).await {
                    Ok(()) => {
                        app.forget_conversation(id);
                        navigate("/", Default::default());
                    }
                    Err(ApiError::Network) => error.set(Some(Failure::Text(Text::NeedsNetwork))),
                    Err(err) => error.set(Some(Failure::of(&err))),
                }
            });
        }
    };
    let is_direct = move || detail.with(|d| d.as_ref().is_some_and(|d| d.summary.kind == ConversationKind::Direct));
    let summary = Signal::derive(move || detail.with(|d| d.as_ref().map(|d| d.summary.clone())));
    // Groups: the owner or an administrator; direct chats: either side (or an administrator).
    let can_mark = Signal::derive(move || is_direct() || can_manage());
    let in_group =
        Signal::derive(move || detail.get().map(|d| d.participants.iter().map(|p| p.id).collect()).unwrap_or_default());

    view! {
        <section class="conversation page" aria-labelledby="settings-title">
            <header class="conversation__header">
                <a class="back" href=move || id.get().map(|id| format!("/c/{id}")).unwrap_or_default() aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="settings-title">{move || if is_direct() { i18n.t(Text::ChatInfo)() } else { i18n.t(Text::GroupSettings)() }}</h2>
            </header>
            <div class="page__body">
                <p class="form-error" role="alert">{move || error.with(|e| e.as_ref().map(|e| e.render(i18n.lang.get())))}</p>
                <ConfidentialSwitch summary=summary can_change=can_mark/>
                <Show when=move || can_manage() && !is_direct()>
                    <form class="inline-form" on:submit=rename>
                        <label for="rename-input">{i18n.t(Text::GroupName)}</label>
                        <input id="rename-input" maxlength="60" prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                        <button type="submit" class="primary">{i18n.t(Text::Rename)}</button>
                    </form>
                </Show>
                <h3>{i18n.t(Text::GroupMembers)}</h3>
                <ul class="participants">
                    <For each=move || detail.get().map(|d| d.participants).unwrap_or_default() key=|p| p.id let:person>
                        {
                            let pid = person.id;
                            let is_owner = move || detail.get().is_some_and(|d| d.summary.owner_id == pid);
                            let is_me = move || me().map(|(m, _)| m) == Some(pid);
                            view! {
                                <li class="participant">
                                    <span>{person.name.clone()}" "<span class="hint">{person.alias.clone()}</span></span>
                                    <Show when=is_owner><span class="badge">{i18n.t(Text::Owner)}</span></Show>
                                    <Show when=move || can_manage() && !is_owner() && !is_me()>
                                        <button type="button" class="link" on:click=move |_| act(Box::new(move |api, id| Box::pin(async move { api.transfer_owner(id, pid).await.map(Some) })))>
                                            {i18n.t(Text::MakeOwner)}
                                        </button>
                                        <button type="button" class="link danger" on:click=move |_| act(Box::new(move |api, id| Box::pin(async move { api.remove_member(id, pid).await.map(|()| None) })))>
                                            {i18n.t(Text::Remove)}
                                        </button>
                                    </Show>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <Show when=move || !is_direct()>
                <form class="add-people" on:submit=add>
                    <h3>{i18n.t(Text::AddPeople)}</h3>
                    <MemberPicker exclude=in_group selected=adding/>
                    <button type="submit" class="primary" disabled=move || adding.with(Vec::is_empty)>{i18n.t(Text::AddPeople)}</button>
                </form>
                <GroupRobots conversation=id can_manage=Signal::derive(can_manage)/>
                <button type="button" class="link danger" on:click=leave.clone()>{i18n.t(Text::LeaveGroup)}</button>
                </Show>
            </div>
        </section>
    }
}
