//! The lock screen shown over a blanked, inert app after the idle lock fell: the member's name,
//! their password (checked by the server, `POST /auth/unlock`; a wrong one is said next to the
//! field), and "Not you? Sign out". Unlocking needs the server: offline, the error says so.

use super::idle::use_idle_lock;
use crate::i18n::{Text, use_i18n};
use crate::session::EndCause;
use crate::state::use_app;
use crate::ui::failure::error_text;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn LockScreen() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let idle = use_idle_lock();
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let name = move || app.sync.session.0.with(|s| s.as_ref().map(|s| s.me.name.clone()).unwrap_or_default());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let secret = password.get_untracked();
        if secret.is_empty() {
            problem.set(Some(Text::ErrorPasswordEmpty));
            return;
        }
        let (Some(api), Some(session)) = (app.sync.api(), app.sync.session.0.get_untracked()) else { return };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match api.unlock(&secret).await {
                Ok(()) => {
                    password.set(String::new());
                    idle.unlocked(&session);
                }
                Err(error) if error.invalid_field().is_some() => problem.set(Some(Text::UnlockWrong)),
                Err(error) if error.ends_session() => app.on_error(&error),
                Err(error) => problem.set(Some(error_text(&error))),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || idle.locked.get() && app.sync.session.0.with(Option::is_some)>
            <div class="lock-screen">
                <form class="sign-in__card" on:submit=submit novalidate=true role="dialog" aria-modal="true" aria-labelledby="lock-title">
                    <h1 id="lock-title">{i18n.t(Text::Locked)}</h1>
                    <p>
                        <bdi class="lock-screen__name">{name}</bdi>
                    </p>
                    <p class="device-mode__hint">{i18n.t(Text::LockedHint)}</p>
                    <TextField
                        id="unlock-password"
                        label=Text::Password
                        value=password
                        error=problem
                        input_type="password"
                        autocomplete="current-password"
                    />
                    <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::Unlock)}</button>
                    <button type="button" class="link" on:click=move |_| app.end_session(EndCause::SignedOut)>
                        {i18n.t(Text::NotYouSignOut)}
                    </button>
                </form>
            </div>
        </Show>
    }
}
