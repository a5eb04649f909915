//! The banner under the header that says, in the member's language, that this device cannot
//! keep offline copies (the device store would not open, or a write failed).

use crate::i18n::{Text, use_i18n};
use crate::store::use_store_health;
use leptos::prelude::*;

#[component]
pub fn StoreHealthBanner() -> impl IntoView {
    let i18n = use_i18n();
    let health = use_store_health();
    view! {
        <Show when=move || health.problem().is_some()>
            <p class="offline-banner store-health" role="status" data-testid="store-health">
                <strong>{i18n.t(Text::StoreCannotSave)}</strong>
                " "
                {i18n.t(Text::StoreCannotSaveHint)}
            </p>
        </Show>
    }
}
