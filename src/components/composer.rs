//! The message composer: Enter sends, Shift+Enter adds a line, and typing with an input method
//! (Chinese, Japanese, …) never sends half-composed text. Nothing typed is cleared unless it was
//! accepted for sending.

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::chat::{MAX_TEXT_BYTES, TextError};

#[component]
pub fn Composer(
    on_send: Callback<String, Result<(), TextError>>,
    /// Called with each chosen file; an error is shown next to the composer.
    #[prop(optional)]
    on_attach: Option<Callback<web_sys::File, Result<(), Text>>>,
) -> impl IntoView {
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
            {on_attach.map(|on_attach| view! {
                <input
                    id="composer-file"
                    class="visually-hidden"
                    type="file"
                    multiple=true
                    on:change=move |ev| {
                        let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) else { return };
                        if let Some(files) = input.files() {
                            for index in 0..files.length() {
                                if let Some(file) = files.get(index)
                                    && let Err(problem) = on_attach.run(file)
                                {
                                    error.set(Some(problem));
                                }
                            }
                        }
                        input.set_value("");
                    }
                />
                <label class="attach" for="composer-file">
                    <span class="visually-hidden">{i18n.t(Text::Attach)}</span>
                    <span aria-hidden="true">"📎"</span>
                </label>
            })}
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
