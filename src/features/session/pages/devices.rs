//! `/settings`: where the member is signed in (device, mode, last seen, address, whether it
//! receives pushes, "This device")
//! with sign-out of one session or of all the others, then the notification settings
//! (`features::notifications::settings`), and below them, on a shared device, the
//! quick-unlock PIN (`pin_form.rs`, which needs no server), and the password form
//! (`password.rs`). The sessions and the password need the server: offline, the page says so
//! and keeps what it showed.

use super::password::ChangePasswordForm;
use crate::api::ApiError;
use crate::i18n::notifications::Nt;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::ui::failure::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::SessionId;
use weft_protocol::auth::{DeviceMode, SessionInfo};

/// The words for a session's mode.
pub fn mode_text(mode: DeviceMode) -> Text {
    match mode {
        DeviceMode::Personal => Text::ModeMyDevice,
        DeviceMode::Shared => Text::ModeSharedDevice,
    }
}

/// This session first, then the most recently seen.
pub fn sort_sessions(sessions: &mut [SessionInfo]) {
    sessions.sort_by(|a, b| b.current.cmp(&a.current).then(b.last_seen_at.cmp(&a.last_seen_at)));
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sessions = RwSignal::new(None::<Vec<SessionInfo>>);
    let problem = RwSignal::new(None::<Text>);
    let working = RwSignal::new(false);

    let failed = move |error: ApiError| {
        app.on_error(&error);
        problem.set(Some(if error == ApiError::Network { Text::SettingsNeedNetwork } else { error_text(&error) }));
    };
    let reload = move || {
        let Some(api) = app.sync.api() else { return };
        spawn_local(async move {
            match api.my_sessions().await {
                Ok(mut list) => {
                    sort_sessions(&mut list);
                    problem.set(None);
                    sessions.set(Some(list));
                }
                Err(error) => failed(error),
            }
        });
    };
    reload();
    let end_one = move |id: SessionId| {
        let Some(api) = app.sync.api() else { return };
        working.set(true);
        spawn_local(async move {
            match api.end_my_session(id).await {
                Ok(()) => reload(),
                Err(error) => failed(error),
            }
            working.set(false);
        });
    };
    let end_others = move |_| {
        let Some(api) = app.sync.api() else { return };
        working.set(true);
        spawn_local(async move {
            match api.sign_out_others().await {
                Ok(()) => reload(),
                Err(error) => failed(error),
            }
            working.set(false);
        });
    };
    let others = move || sessions.with(|s| s.as_ref().map(|s| s.iter().filter(|s| !s.current).count()).unwrap_or(0));

    view! {
        <section class="conversation page settings" aria-labelledby="settings-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="settings-title">{i18n.t(Text::Settings)}</h2>
            </header>
            <div class="page__body settings__body">
                <section aria-labelledby="devices-title">
                    <h3 id="devices-title">{i18n.t(Text::Devices)}</h3>
                    <p class="device-mode__hint">{i18n.t(Text::DevicesHint)}</p>
                    <p class="form-error" role="alert">
                        {move || problem.get().map(|text| text.in_lang(i18n.lang.get()))}
                    </p>
                    <ul class="session-list" aria-label=i18n.t(Text::Devices)>
                        <For
                            each=move || sessions.get().unwrap_or_default()
                            key=|s| (s.id, s.last_seen_at)
                            children=move |s: SessionInfo| {
                                let id = s.id;
                                view! {
                                    <li class="session-item" aria-current=s.current.then_some("true")>
                                        <div class="session-item__device">
                                            <bdi>{s.device.clone()}</bdi>
                                            <Show when=move || s.current>
                                                <span class="badge">{i18n.t(Text::ThisDevice)}</span>
                                            </Show>
                                        </div>
                                        <dl class="session-item__facts">
                                            <dt>{i18n.t(Text::SessionMode)}</dt>
                                            <dd>{i18n.t(mode_text(s.mode))}</dd>
                                            <dt>{i18n.t(Text::LastSeen)}</dt>
                                            <dd>{crate::platform::date_time(s.last_seen_at)}</dd>
                                            <dt>{i18n.t(Text::SignedInAt)}</dt>
                                            <dd>{crate::platform::date_time(s.created_at)}</dd>
                                            <dt>{i18n.t(Text::SessionAddress)}</dt>
                                            <dd>{s.address.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                                            <dt>{i18n.nt(Nt::Notifications)}</dt>
                                            <dd>{i18n.nt(if s.push { Nt::SessionPushOn } else { Nt::SessionPushOff })}</dd>
                                        </dl>
                                        <Show when=move || !s.current>
                                            <button
                                                type="button"
                                                class="danger"
                                                disabled=move || working.get()
                                                on:click=move |_| end_one(id)
                                            >
                                                {i18n.t(Text::SignOut)}
                                            </button>
                                        </Show>
                                    </li>
                                }
                            }
                        />
                    </ul>
                    <Show
                        when=move || others() != 0
                        fallback=move || {
                            view! {
                                <Show when=move || sessions.with(Option::is_some)>
                                    <p class="device-mode__hint">{i18n.t(Text::NoOtherSessions)}</p>
                                </Show>
                            }
                        }
                    >
                        <button type="button" class="danger" disabled=move || working.get() on:click=end_others>
                            {i18n.t(Text::SignOutOthers)}
                        </button>
                    </Show>
                </section>
                <Show when=move || app.sync.session.0.with(|s| s.as_ref().is_some_and(crate::session::Session::is_shared))>
                    <crate::features::session::pin_form::PinSettings/>
                </Show>
                <ChangePasswordForm on_changed=Callback::new(move |()| reload())/>
            </div>
        </section>
    }
}
