//! The message composer: Enter sends, Shift+Enter adds a line, and typing with an input method
//! (Chinese, Japanese, …) never sends half-composed text. Nothing typed is cleared unless it was
//! accepted for sending.

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::chat::{MAX_TEXT_BYTES, TextError};

#[component]
pub fn Composer(on_send: Callback<String, Result<(), TextError>>) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let too_long = move || draft.with(|d| d.len() > MAX_TEXT_BYTES);

    let submit = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        match on_send.run(text) {
            Ok(()) => {
                draft.set(String::new());
                error.set(None);
            }
            Err(TextError::TooLong { .. }) => error.set(Some(Text::ErrorTooLong)),
            Err(TextError::Empty) => {}
        }
    };

    view! {
        <form
            class="composer"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                submit();
            }
        >
            <label for="composer-input" class="visually-hidden">{i18n.t(Text::MessageLabel)}</label>
            <textarea
                id="composer-input"
                rows="2"
                placeholder=i18n.t(Text::MessageLabel)
                prop:value=move || draft.get()
                on:input=move |ev| {
                    draft.set(event_target_value(&ev));
                    error.set(None);
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        submit();
                    }
                }
                aria-invalid=move || too_long().to_string()
                aria-describedby="composer-error"
            ></textarea>
            <button type="submit" class="primary" disabled=move || draft.with(|d| d.trim().is_empty()) || too_long()>
                {i18n.t(Text::Send)}
            </button>
            <p class="field-error" id="composer-error" role="alert">
                {move || {
                    error.get().or_else(|| too_long().then_some(Text::ErrorTooLong)).map(|t| t.in_lang(i18n.lang.get()))
                }}
            </p>
        </form>
    }
}
