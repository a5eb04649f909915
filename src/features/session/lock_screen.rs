//! The lock screen shown over a blanked, inert app after the idle lock fell: the member's name,
//! then their PIN when this shared session has one (checked in the tab, so offline too; after
//! too many wrong ones it is dropped and the screen says so), else — or after "Use password
//! instead" — their password (checked by the server, `POST /auth/unlock`; offline the screen
//! says it cannot). Each problem is said next to its field. A shared device offers "Switch
//! person" (the normal sign-out: unsent writes are decided first), a personal one "Not you?
//! Sign out".

use super::idle::use_idle_lock;
use super::pin_form::pin_problem_text;
use crate::api::ApiError;
use crate::i18n::{Text, pin_tries_left, use_i18n};
use crate::session::pin::{self, PinOutcome};
use crate::session::{EndCause, Session};
use crate::state::use_app;
use crate::sync::Connection;
use crate::ui::failure::error_text;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn LockScreen() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let idle = use_idle_lock();
    let session = app.sync.session.0;
    let password = RwSignal::new(String::new());
    let typed_pin = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Text>);
    let pin_error = RwSignal::new(None::<Text>);
    // Shown under the field: tries left after a wrong PIN, or that the PIN was dropped.
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let with_pin = RwSignal::new(false);
    // Each time the screen locks it asks for the PIN first, when there is one.
    Effect::new(move |_| {
        let id = session.with(|s| s.as_ref().map(|s| s.session_id));
        if idle.locked.get() {
            with_pin.set(id.is_some_and(pin::has_pin));
            problem.set(None);
            pin_error.set(None);
            notice.set(None);
        }
    });
    let shared = move || session.with(|s| s.as_ref().is_some_and(Session::is_shared));
    let offline = move || app.sync.connection.get() == Connection::Offline;
    let name = move || session.with(|s| s.as_ref().map(|s| s.me.name.clone()).unwrap_or_default());

    let submit_password = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let secret = password.get_untracked();
        if secret.is_empty() {
            problem.set(Some(Text::ErrorPasswordEmpty));
            return;
        }
        let (Some(api), Some(current)) = (app.sync.api(), session.get_untracked()) else { return };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match api.unlock(&secret).await {
                Ok(()) => {
                    password.set(String::new());
                    notice.set(None);
                    idle.unlocked_with_password(&current);
                }
                Err(error) if error.invalid_field().is_some() => problem.set(Some(Text::UnlockWrong)),
                Err(error) if error.ends_session() => app.on_error(&error),
                Err(ApiError::Network) => problem.set(Some(Text::UnlockNeedsNetwork)),
                Err(error) => problem.set(Some(error_text(&error))),
            }
            busy.set(false);
        });
    };
    let submit_pin = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(current) = session.get_untracked() else { return };
        let typed = typed_pin.get_untracked();
        if let Some(problem) = pin::pin_problem(&typed) {
            pin_error.set(Some(pin_problem_text(problem)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let outcome = pin::try_pin(current.session_id, &typed).await;
            typed_pin.set(String::new());
            match outcome {
                PinOutcome::Unlocked => {
                    pin_error.set(None);
                    notice.set(None);
                    idle.unlocked(&current);
                }
                PinOutcome::Wrong { left } => {
                    pin_error.set(Some(Text::PinWrong));
                    notice.set(Some(pin_tries_left(left, i18n.lang.get_untracked())));
                }
                PinOutcome::Refused(problem) => pin_error.set(Some(pin_problem_text(problem))),
                PinOutcome::Dropped | PinOutcome::NoPin => {
                    pin_error.set(None);
                    notice.set(Some(Text::PinDropped.in_lang(i18n.lang.get_untracked()).to_owned()));
                    with_pin.set(false);
                    crate::platform::focus_soon("unlock-password");
                }
            }
            busy.set(false);
        });
    };
    let switch_person = move |_| app.end_session(EndCause::SignedOut);

    view! {
        <Show when=move || idle.locked.get() && session.with(Option::is_some)>
            <div class="lock-screen">
                <div class="sign-in__card" role="dialog" aria-modal="true" aria-labelledby="lock-title">
                    <h1 id="lock-title">{i18n.t(Text::Locked)}</h1>
                    <p>
                        <bdi class="lock-screen__name">{name}</bdi>
                    </p>
                    <Show
                        when=move || with_pin.get()
                        fallback=move || {
                            view! {
                                <form on:submit=submit_password novalidate=true>
                                    <p class="device-mode__hint">{i18n.t(Text::LockedHint)}</p>
                                    <p class="hint" role="status">
                                        {move || notice.get()}
                                        {move || offline().then(|| i18n.t(Text::UnlockNeedsNetwork)())}
                                    </p>
                                    <TextField
                                        id="unlock-password"
                                        label=Text::Password
                                        value=password
                                        error=problem
                                        input_type="password"
                                        autocomplete="current-password"
                                    />
                                    <button type="submit" class="primary" disabled=move || busy.get()>
                                        {i18n.t(Text::Unlock)}
                                    </button>
                                    <Show when=move || session.with(|s| s.as_ref().is_some_and(|s| pin::has_pin(s.session_id)))>
                                        <button
                                            type="button"
                                            class="link"
                                            on:click=move |_| {
                                                with_pin.set(true);
                                                crate::platform::focus_soon("unlock-pin");
                                            }
                                        >
                                            {i18n.t(Text::UsePin)}
                                        </button>
                                    </Show>
                                </form>
                            }
                        }
                    >
                        <form on:submit=submit_pin novalidate=true>
                            <p class="device-mode__hint">{i18n.t(Text::LockedPinHint)}</p>
                            <TextField
                                id="unlock-pin"
                                label=Text::PinLabel
                                value=typed_pin
                                error=pin_error
                                input_type="password"
                                autocomplete="off"
                                inputmode="numeric"
                            />
                            <p class="hint" role="status">{move || notice.get()}</p>
                            <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::Unlock)}</button>
                            <button
                                type="button"
                                class="link"
                                on:click=move |_| {
                                    with_pin.set(false);
                                    crate::platform::focus_soon("unlock-password");
                                }
                            >
                                {i18n.t(Text::UsePassword)}
                            </button>
                        </form>
                    </Show>
                    <Show
                        when=shared
                        fallback=move || {
                            view! {
                                <button type="button" class="link" on:click=switch_person>
                                    {i18n.t(Text::NotYouSignOut)}
                                </button>
                            }
                        }
                    >
                        <button type="button" class="link" on:click=switch_person>{i18n.t(Text::SwitchPerson)}</button>
                    </Show>
                </div>
            </div>
        </Show>
    }
}
