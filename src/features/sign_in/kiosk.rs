//! Kiosk enrolment on the sign-in page: the form that checks an enrolment code with the server
//! (`POST /auth/kiosk-check`) before the browser keeps it, and the terminal's name shown once
//! enrolled. Enrolling needs the server; offline the error says so next to the field.

use crate::api::{Api, ApiError};
use crate::i18n::{Text, use_i18n};
use crate::session::kiosk::{KioskEnrolment, clean_code};
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ErrorCode;

/// What an enrolment code check's failure says next to the field.
pub fn code_error(error: &ApiError) -> Text {
    match error.code() {
        Some(ErrorCode::NotFound) => Text::KioskCodeUnknown,
        _ => crate::ui::failure::error_text(error),
    }
}

#[component]
pub fn KioskEnrolmentForm(enrolment: Callback<KioskEnrolment>, cancel: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let code_problem = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(typed) = clean_code(&code.get_untracked()) else {
            code_problem.set(Some(Text::KioskCodeEmpty));
            return;
        };
        code_problem.set(None);
        busy.set(true);
        spawn_local(async move {
            match Api::anonymous().kiosk_check(&typed).await {
                Ok(reply) => enrolment.run(KioskEnrolment { code: typed, label: reply.label }),
                Err(error) => code_problem.set(Some(code_error(&error))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="sign-in__card kiosk-enrol" on:submit=submit novalidate=true aria-labelledby="kiosk-enrol-title">
            <h2 id="kiosk-enrol-title">{i18n.t(Text::KioskSetUp)}</h2>
            <TextField id="kiosk-code" label=Text::KioskCode value=code error=code_problem verbatim=true/>
            <div class="modal__actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::KioskEnrol)}</button>
                <button type="button" class="link" on:click=move |_| cancel.set(false)>{i18n.t(Text::Cancel)}</button>
            </div>
        </form>
    }
}

/// The terminal's name and what signing in here means; once its code is refused, a way back
/// to a normal browser.
#[component]
pub fn KioskTerminal(
    enrolment: RwSignal<Option<KioskEnrolment>>,
    /// The server refused the code (revoked): only then may the browser leave kiosk mode, so a
    /// person at the terminal cannot switch it to "my device".
    revoked: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || enrolment.with(|e| e.as_ref().map(|e| e.label.clone()).unwrap_or_default());
    let leave = move |_| {
        KioskEnrolment::forget();
        enrolment.set(None);
    };
    view! {
        <section class="kiosk-terminal" aria-label=i18n.t(Text::KioskTerminal)>
            <p>
                <strong>{i18n.t(Text::KioskTerminal)}": "</strong>
                <bdi data-testid="kiosk-label">{label}</bdi>
            </p>
            <p class="device-mode__hint">{i18n.t(Text::KioskSharedNote)}</p>
            <Show when=move || revoked.get()>
                <button type="button" class="link" on:click=leave>{i18n.t(Text::KioskLeave)}</button>
            </Show>
        </section>
    }
}
