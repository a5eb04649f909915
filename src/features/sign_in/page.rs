//! The sign-in page. Accounts are created by the organisation, so there is no sign-up: only a
//! username and password, errors next to the field they concern, and the form kept on failure.
//! The member says which device this is ("My device" keeps the session; "Shared device" keeps
//! nothing after sign-out); a browser enrolled as a kiosk (`kiosk.rs`) offers no choice. Above
//! the form, a shared device lists the people who recently signed in on it (`recent.rs`). Signed
//! in, the member lands on the chats, or on the Share screen when something shared into Weft
//! waits on their own device.

use super::kiosk::{KioskEnrolmentForm, KioskTerminal};
use super::recent::RecentPeople;
use crate::api::Api;
use crate::i18n::{Text, use_i18n};
use crate::session::kiosk::KioskEnrolment;
use crate::session::{Session, use_session};
use crate::ui::failure::error_text;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use weft_protocol::auth::{DeviceMode, LoginRequest};

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
    let mode = RwSignal::new(DeviceMode::Personal);
    let enrolment = RwSignal::new(KioskEnrolment::load());
    let enrolling = RwSignal::new(false);

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
        let kiosk_code = enrolment.get_untracked().map(|e| e.code);
        spawn_local(async move {
            let request = LoginRequest {
                username: name,
                password: secret,
                device: Some(crate::platform::device_label()),
                mode: if kiosk_code.is_some() { DeviceMode::Shared } else { mode.get_untracked() },
                kiosk_code,
            };
            match Api::anonymous().login(&request).await {
                Ok(reply) => {
                    let signed_in = Session {
                        token: reply.token,
                        session_id: reply.session_id,
                        me: reply.me,
                        terms: Some(reply.terms),
                    };
                    signed_in.save();
                    crate::session::recent::note_sign_in(signed_in.mode(), &signed_in.me.name, &signed_in.me.userid);
                    password.set(String::new());
                    session.0.set(Some(signed_in));
                }
                Err(error) if error.invalid_field().is_some_and(|(field, _)| field == "kiosk_code") => {
                    form_error.set(Some(Text::KioskCodeRevoked));
                }
                Err(error) => form_error.set(Some(error_text(&error))),
            }
            busy.set(false);
        });
    };

    view! {
        <Show when=move || session.0.with(Option::is_some)>
            <AfterSignIn/>
        </Show>
        // Signed in, the form is gone at once (not while deciding where to go).
        <main class="sign-in" hidden=move || session.0.with(Option::is_some)>
            <form class="sign-in__card" on:submit=submit novalidate=true>
                <div class="sign-in__brand">
                    <img src="/icons/icon-192.png" alt="" width="48" height="48"/>
                    <div>
                        <h1>"Weft"</h1>
                        <p>{i18n.t(Text::AppTagline)}</p>
                    </div>
                </div>
                <Show when=move || enrolment.with(Option::is_some)>
                    <KioskTerminal
                        enrolment=enrolment
                        revoked=Signal::derive(move || form_error.get() == Some(Text::KioskCodeRevoked))
                    />
                </Show>
                <RecentPeople username=username password_id="password"/>
                <TextField id="username" label=Text::Username value=username error=username_error autocomplete="username" verbatim=true/>
                <TextField
                    id="password"
                    label=Text::Password
                    value=password
                    error=password_error
                    input_type="password"
                    autocomplete="current-password"
                />
                <Show when=move || enrolment.with(Option::is_none)>
                    <DeviceModeChoice mode=mode/>
                </Show>
                <p class="form-error" role="alert">
                    {move || form_error.get().map(|text| text.in_lang(i18n.lang.get()))}
                </p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { Text::SigningIn.in_lang(i18n.lang.get()) } else { Text::SignIn.in_lang(i18n.lang.get()) }}
                </button>
                <button type="button" class="link" on:click=move |_| i18n.toggle()>
                    {i18n.t(Text::SwitchLanguage)}
                </button>
                <Show when=move || enrolment.with(Option::is_none) && !enrolling.get()>
                    <button type="button" class="link" on:click=move |_| enrolling.set(true)>
                        {i18n.t(Text::KioskSetUp)}
                    </button>
                </Show>
            </form>
            <Show when=move || enrolling.get()>
                <KioskEnrolmentForm enrolment=enrolling_done(enrolment, enrolling) cancel=enrolling/>
            </Show>
        </main>
    }
}

/// Where a successful enrolment goes: the page's enrolment, and the form closes.
fn enrolling_done(enrolment: RwSignal<Option<KioskEnrolment>>, enrolling: RwSignal<bool>) -> Callback<KioskEnrolment> {
    Callback::new(move |enrolled: KioskEnrolment| {
        enrolled.save();
        enrolment.set(Some(enrolled));
        enrolling.set(false);
    })
}

/// "My device" / "Shared device": a labelled radio group, My device first and chosen.
#[component]
fn DeviceModeChoice(mode: RwSignal<DeviceMode>) -> impl IntoView {
    let i18n = use_i18n();
    let option = move |value: DeviceMode, id: &'static str, label: Text, hint: Text| {
        let hint_id = format!("{id}-hint");
        view! {
            <div class="device-mode__option">
                <input
                    type="radio"
                    id=id
                    name="device-mode"
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                    aria-describedby=hint_id.clone()
                />
                <label for=id>{i18n.t(label)}</label>
                <p class="device-mode__hint" id=hint_id>{i18n.t(hint)}</p>
            </div>
        }
    };
    view! {
        <fieldset class="device-mode">
            <legend>{i18n.t(Text::DeviceModeLegend)}</legend>
            {option(DeviceMode::Personal, "mode-personal", Text::ModeMyDevice, Text::ModeMyDeviceHint)}
            {option(DeviceMode::Shared, "mode-shared", Text::ModeSharedDevice, Text::ModeSharedDeviceHint)}
        </fieldset>
    }
}

/// Where signing in lands: the Share screen when something shared from another app waits on
/// this device (personal devices only: on a shared one it may be someone else's), else the chats.
#[component]
fn AfterSignIn() -> impl IntoView {
    let session = use_session();
    let personal = session
        .0
        .with_untracked(|s| s.as_ref().and_then(|s| s.terms.as_ref()).is_some_and(|t| t.mode == DeviceMode::Personal));
    let target = RwSignal::new(None::<String>);
    spawn_local(async move {
        let waiting = if personal { crate::features::share::inbox::newest().await.ok().flatten() } else { None };
        target.set(Some(waiting.map_or_else(|| "/".to_owned(), |id| format!("/share?id={id}"))));
    });
    move || target.get().map(|path| view! { <Redirect path=path/> })
}
