//! A button that turns a setting on and off, announcing its state (`aria-pressed`) and naming
//! the action it will take ("Pin" / "Unpin").

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;

#[component]
pub fn ToggleButton(
    #[prop(into)] pressed: Signal<bool>,
    /// The label while on (the action that turns it off).
    when_pressed: Text,
    /// The label while off.
    otherwise: Text,
    on_toggle: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="link" aria-pressed=move || pressed.get().to_string() on:click=move |_| on_toggle.run(())>
            {move || if pressed.get() { when_pressed } else { otherwise }.in_lang(i18n.lang.get())}
        </button>
    }
}
