//! The sign-in page. Accounts are created by the organisation, so there is no sign-up: only a
//! username and password, errors next to the field they concern, and the form kept on failure.

use crate::api::Api;
use crate::i18n::{Text, use_i18n};
use crate::session::{Session, use_session};
use crate::ui::failure::error_text;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use weft_protocol::auth::LoginRequest;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let username_error = RwSignal::new(None::<Text>);
    let password_error = RwSignal::new(None::<Text>);
    let form_error = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let name = username.get_untracked().trim().to_owned();
        let secret = password.get_untracked();
        username_error.set(name.is_empty().then_some(Text::ErrorUsernameEmpty));
        password_error.set(secret.is_empty().then_some(Text::ErrorPasswordEmpty));
        form_error.set(None);
        if name.is_empty() || secret.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let request = LoginRequest {
                username: name,
                password: secret,
                device: Some(crate::platform::device_label()),
                mode: weft_protocol::auth::DeviceMode::Personal,
                kiosk_code: None,
            };
            match Api::anonymous().login(&request).await {
                Ok(reply) => {
                    let signed_in = Session { token: reply.token, session_id: reply.session_id, me: reply.me };
                    signed_in.save();
                    password.set(String::new());
                    session.0.set(Some(signed_in));
                }
                Err(error) => form_error.set(Some(error_text(&error))),
            }
            busy.set(false);
        });
    };

    view! {
        <Show when=move || session.0.with(Option::is_some)>
            <Redirect path="/"/>
        </Show>
        <main class="sign-in">
            <form class="sign-in__card" on:submit=submit novalidate=true>
                <div class="sign-in__brand">
                    <img src="/icons/icon-192.png" alt="" width="48" height="48"/>
                    <div>
                        <h1>"Weft"</h1>
                        <p>{i18n.t(Text::AppTagline)}</p>
                    </div>
                </div>
                <TextField id="username" label=Text::Username value=username error=username_error autocomplete="username" verbatim=true/>
                <TextField
                    id="password"
                    label=Text::Password
                    value=password
                    error=password_error
                    input_type="password"
                    autocomplete="current-password"
                />
                <p class="form-error" role="alert">
                    {move || form_error.get().map(|text| text.in_lang(i18n.lang.get()))}
                </p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { Text::SigningIn.in_lang(i18n.lang.get()) } else { Text::SignIn.in_lang(i18n.lang.get()) }}
                </button>
                <button type="button" class="link" on:click=move |_| i18n.toggle()>
                    {i18n.t(Text::SwitchLanguage)}
                </button>
            </form>
        </main>
    }
}
