//! Setting the quick-unlock PIN of a shared-device session (`session::pin`): the form (PIN and
//! its confirmation, each problem said next to its field), the offer shown after the first
//! password unlock, and the section of Settings → Devices that sets, changes or removes it.

use super::idle::use_idle_lock;
use crate::i18n::{Text, use_i18n};
use crate::session::pin::{self, PinProblem};
use crate::state::use_app;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The words for a problem with a typed PIN.
pub fn pin_problem_text(problem: PinProblem) -> Text {
    match problem {
        PinProblem::Empty => Text::PinEmpty,
        PinProblem::NotDigits => Text::PinNotDigits,
        PinProblem::TooShort => Text::PinTooShort,
        PinProblem::TooLong => Text::PinTooLong,
        PinProblem::Mismatch => Text::PinMismatch,
        PinProblem::Unavailable => Text::PinUnavailable,
    }
}

/// New PIN, Confirm PIN, Set PIN (and `cancel`, when given). `done` runs once the PIN is set.
#[component]
pub fn SetPinForm(done: Callback<()>, #[prop(optional)] cancel: Option<(Text, Callback<()>)>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let new_pin = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let new_problem = RwSignal::new(None::<Text>);
    let confirm_problem = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(session) = app.sync.session.0.with_untracked(|s| s.as_ref().map(|s| s.session_id)) else { return };
        let (typed, again) = (new_pin.get_untracked(), confirm.get_untracked());
        let problem = pin::new_pin_problem(&typed, &again);
        new_problem.set(problem.filter(|p| *p != PinProblem::Mismatch).map(pin_problem_text));
        confirm_problem.set(problem.filter(|p| *p == PinProblem::Mismatch).map(pin_problem_text));
        if problem.is_some() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match pin::set_pin(session, &typed, &again).await {
                Ok(()) => {
                    new_pin.set(String::new());
                    confirm.set(String::new());
                    done.run(());
                }
                Err(problem) => new_problem.set(Some(pin_problem_text(problem))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="pin-form" on:submit=submit novalidate=true>
            <TextField
                id="new-pin"
                label=Text::NewPin
                value=new_pin
                error=new_problem
                input_type="password"
                autocomplete="off"
                inputmode="numeric"
            />
            <TextField
                id="confirm-pin"
                label=Text::ConfirmPin
                value=confirm
                error=confirm_problem
                input_type="password"
                autocomplete="off"
                inputmode="numeric"
            />
            <div class="modal__actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::SetPin)}</button>
                {cancel.map(|(label, cancel)| {
                    view! {
                        <button type="button" class="link" on:click=move |_| cancel.run(())>{i18n.t(label)}</button>
                    }
                })}
            </div>
        </form>
    }
}

/// "Set a PIN for quick unlock": offered once per shared session, after its first password unlock.
#[component]
pub fn PinOffer() -> impl IntoView {
    let i18n = use_i18n();
    let idle = use_idle_lock();
    let close = Callback::new(move |()| idle.offer_pin.set(false));
    // The keyboard goes to the dialog when it opens.
    Effect::new(move |_| {
        if idle.offer_pin.get() && !idle.locked.get() {
            crate::platform::focus_soon("new-pin");
        }
    });
    view! {
        <Show when=move || idle.offer_pin.get() && !idle.locked.get()>
            <div class="modal-backdrop">
                <div class="modal" role="dialog" aria-modal="true" aria-labelledby="pin-offer-title" aria-describedby="pin-offer-hint">
                    <h2 id="pin-offer-title">{i18n.t(Text::PinTitle)}</h2>
                    <p id="pin-offer-hint" class="device-mode__hint">{i18n.t(Text::PinOfferHint)}</p>
                    <SetPinForm done=close cancel=(Text::NotNow, close)/>
                </div>
            </div>
        </Show>
    }
}

/// Settings → Devices on a shared device: set, change or remove the PIN.
#[component]
pub fn PinSettings() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = move || app.sync.session.0.with(|s| s.as_ref().map(|s| s.session_id));
    // `session::pin` is not reactive: this counter re-reads it after each change.
    let changed = RwSignal::new(0u32);
    let status = RwSignal::new(None::<Text>);
    let editing = RwSignal::new(false);
    let has_pin = move || {
        changed.track();
        session().is_some_and(pin::has_pin)
    };
    let saved = Callback::new(move |()| {
        editing.set(false);
        status.set(Some(Text::PinSaved));
        changed.update(|n| *n += 1);
    });
    let remove = move |_| {
        pin::forget_pin();
        editing.set(false);
        status.set(Some(Text::PinRemoved));
        changed.update(|n| *n += 1);
    };
    view! {
        <section aria-labelledby="pin-title" class="pin-settings">
            <h3 id="pin-title">{i18n.t(Text::PinTitle)}</h3>
            <p class="device-mode__hint">{i18n.t(Text::PinOfferHint)}</p>
            <p role="status">{move || status.get().map(|text| text.in_lang(i18n.lang.get()))}</p>
            <Show
                when=move || has_pin() && !editing.get()
                fallback=move || view! { <SetPinForm done=saved/> }
            >
                <p>{i18n.t(Text::PinIsSet)}</p>
                <div class="modal__actions">
                    <button type="button" on:click=move |_| editing.set(true)>{i18n.t(Text::ChangePin)}</button>
                    <button type="button" class="danger" on:click=remove>{i18n.t(Text::RemovePin)}</button>
                </div>
            </Show>
        </section>
    }
}
