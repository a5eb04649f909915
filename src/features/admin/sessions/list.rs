//! `/admin/sessions`: every member's sessions (device, mode, address, kiosk, signed in, last
//! seen, and — with ended ones included — how and when each ended), filtered by member; remote
//! sign-out of one session or of all of a member's, and remote wipe (the device wipes at its next
//! contact; the row then says "Wiped at …").

use super::super::components::{ConfirmButton, NoticeLine};
use super::super::model::Notice;
use super::super::state::use_admin;
use crate::api::ApiError;
use crate::features::session::pages::devices::mode_text;
use crate::i18n::{Text, use_i18n};
use crate::platform::date_time;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use weft_protocol::auth::{AdminSessionInfo, SessionEnd};
use weft_protocol::{MemberId, SessionId};

type Call = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

/// How a session ended, in words.
pub fn end_text(end: SessionEnd) -> Text {
    match end {
        SessionEnd::SignedOut => Text::EndSignedOut,
        SessionEnd::Administrator => Text::EndAdministrator,
        SessionEnd::Idle => Text::EndIdle,
        SessionEnd::Expired => Text::EndExpired,
        SessionEnd::MemberDisabled => Text::EndMemberDisabled,
        SessionEnd::CredentialsChanged => Text::EndCredentialsChanged,
        SessionEnd::Wiped => Text::EndWiped,
    }
}

/// A session's state line: live, wipe requested, wiped at …, or how it ended.
pub fn state_line(session: &AdminSessionInfo, lang: crate::i18n::Lang) -> String {
    let mut parts = Vec::new();
    match (session.ended, session.ended_at) {
        (None, _) => parts.push(Text::AdminLive.in_lang(lang).to_owned()),
        (Some(end), Some(at)) => parts.push(format!("{} {}", end_text(end).in_lang(lang), date_time(at))),
        (Some(end), None) => parts.push(end_text(end).in_lang(lang).to_owned()),
    }
    match (session.wipe_requested_at, session.wiped_at) {
        (_, Some(at)) => parts.push(format!("{} {}", Text::AdminWipedAt.in_lang(lang), date_time(at))),
        (Some(_), None) => parts.push(Text::AdminWipeRequested.in_lang(lang).to_owned()),
        (None, None) => {}
    }
    parts.join(" · ")
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let sessions = RwSignal::new(None::<Vec<AdminSessionInfo>>);
    let member = RwSignal::new(None::<MemberId>);
    let include_ended = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(None::<Notice>);
    let confirming = RwSignal::new(None::<(SessionId, bool)>);

    let load = move || {
        let Some(api) = admin.api() else { return };
        let (who, ended) = (member.get_untracked(), include_ended.get_untracked());
        spawn_local(async move {
            match api.admin_sessions(who, ended).await {
                Ok(mut list) => {
                    list.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
                    sessions.set(Some(list));
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    Effect::new(move |_| {
        member.track();
        include_ended.track();
        load();
    });
    let run = move |call: Call| {
        notice.set(None);
        done.set(None);
        confirming.set(None);
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    done.set(Some(Notice::Text(Text::AdminSessionDone)));
                    load();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let end_one = move |id: SessionId| {
        let Some(api) = admin.api() else { return };
        run(Box::pin(async move { api.admin_end_session(id).await }));
    };
    let wipe_one = move |id: SessionId| {
        let Some(api) = admin.api() else { return };
        run(Box::pin(async move { api.admin_wipe_session(id).await }));
    };
    let end_member = move |_| {
        let (Some(api), Some(id)) = (admin.api(), member.get_untracked()) else { return };
        run(Box::pin(async move { api.admin_end_member_sessions(id).await }));
    };
    let members = move || {
        let mut list = admin.members();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        list
    };

    view! {
        <section class="admin-section" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{i18n.t(Text::AdminSessions)}</h2>
            <div class="admin-filters">
                <label for="sessions-member">{i18n.t(Text::AdminSessionsOf)}</label>
                <select
                    id="sessions-member"
                    on:change=move |ev| member.set(event_target_value(&ev).parse().ok().map(MemberId))
                >
                    <option value="" selected=move || member.with(Option::is_none)>{i18n.t(Text::AdminEveryone)}</option>
                    {move || {
                        members()
                            .into_iter()
                            .map(|m| {
                                let id = m.id;
                                view! {
                                    <option value=id.to_string() selected=move || member.get() == Some(id)>
                                        {format!("{} ({})", m.name, m.userid)}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <span>
                    <input
                        type="checkbox"
                        id="sessions-ended"
                        prop:checked=move || include_ended.get()
                        on:change=move |ev| include_ended.set(event_target_checked(&ev))
                    />
                    <label for="sessions-ended">{i18n.t(Text::AdminIncludeEnded)}</label>
                </span>
                <Show when=move || member.with(Option::is_some)>
                    <button type="button" class="danger" on:click=end_member>{i18n.t(Text::AdminSignOutAllOfMember)}</button>
                </Show>
            </div>
            <NoticeLine notice=notice/>
            <NoticeLine notice=done status=true/>
            <Show
                when=move || sessions.with(|s| s.as_ref().is_some_and(|s| !s.is_empty()))
                fallback=move || view! { <p class="hint">{move || sessions.with(Option::is_some).then(|| i18n.t(Text::AdminNoSessions)())}</p> }
            >
                <table class="admin-table admin-sessions">
                    <thead>
                        <tr>
                            <th scope="col">{i18n.t(Text::AdminSessionMember)}</th>
                            <th scope="col">{i18n.t(Text::SessionDevice)}</th>
                            <th scope="col">{i18n.t(Text::SessionMode)}</th>
                            <th scope="col">{i18n.t(Text::SessionAddress)}</th>
                            <th scope="col">{i18n.t(Text::LastSeen)}</th>
                            <th scope="col">{i18n.t(Text::AdminSessionState)}</th>
                            <th scope="col"><span class="visually-hidden">{i18n.t(Text::AdminSessions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || sessions.get().unwrap_or_default()
                            key=|s| (s.id, s.ended_at, s.wipe_requested_at, s.wiped_at, s.last_seen_at)
                            children=move |s: AdminSessionInfo| {
                                let id = s.id;
                                let live = s.ended.is_none();
                                let wipe_asked = s.wipe_requested_at.is_some();
                                let state = s.clone();
                                let device = match &s.kiosk {
                                    Some(kiosk) => format!("{} · {kiosk}", s.device),
                                    None => s.device.clone(),
                                };
                                view! {
                                    <tr data-session=id.to_string()>
                                        <td>{format!("{} ({})", s.name, s.userid)}</td>
                                        <td><bdi>{device}</bdi></td>
                                        <td>{i18n.t(mode_text(s.mode))}</td>
                                        <td>{s.address.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                        <td>{date_time(s.last_seen_at)}</td>
                                        <td class="admin-sessions__state">{move || state_line(&state, i18n.lang.get())}</td>
                                        <td class="admin-table__actions">
                                            <Show when=move || live>
                                                <ConfirmButton
                                                    confirming=Signal::derive(move || confirming.get() == Some((id, false)))
                                                    label=Text::SignOut
                                                    question=Text::AdminSignOutQuestion
                                                    yes=Text::SignOut
                                                    on_ask=Callback::new(move |()| confirming.set(Some((id, false))))
                                                    on_yes=Callback::new(move |()| end_one(id))
                                                    on_cancel=Callback::new(move |()| confirming.set(None))
                                                />
                                                <Show when=move || !wipe_asked>
                                                    <ConfirmButton
                                                        confirming=Signal::derive(move || confirming.get() == Some((id, true)))
                                                        label=Text::AdminWipe
                                                        question=Text::AdminWipeQuestion
                                                        yes=Text::AdminWipe
                                                        on_ask=Callback::new(move |()| confirming.set(Some((id, true))))
                                                        on_yes=Callback::new(move |()| wipe_one(id))
                                                        on_cancel=Callback::new(move |()| confirming.set(None))
                                                    />
                                                </Show>
                                            </Show>
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
