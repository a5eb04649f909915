//! A labelled text input with its error shown next to it (`aria-invalid`, `aria-describedby`):
//! the one shape every form field in the app takes.

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;

#[component]
pub fn TextField(
    /// The input's id; the error element is `<id>-error`.
    id: &'static str,
    label: Text,
    value: RwSignal<String>,
    error: RwSignal<Option<Text>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// Exact text such as account names: no auto-capitalisation or spell-checking.
    #[prop(optional)]
    verbatim: bool,
    #[prop(optional)] maxlength: Option<u32>,
    /// The on-screen keyboard to offer ("numeric" for a PIN).
    #[prop(optional)]
    inputmode: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    view! {
        <label for=id>{i18n.t(label)}</label>
        <input
            id=id
            name=id
            type=input_type
            autocomplete=autocomplete
            autocapitalize=verbatim.then_some("none")
            spellcheck=verbatim.then_some("false")
            maxlength=maxlength
            inputmode=inputmode
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
            aria-invalid=move || error.get().is_some().to_string()
            aria-describedby=error_id.clone()
        />
        <p class="field-error" id=error_id>{move || error.get().map(|text| text.in_lang(i18n.lang.get()))}</p>
    }
}
