//! The app by feature: each folder holds one feature's calls, model, state, pages and
//! components. Features build on the shared layers (`api`, `store`, `sync`, `i18n`, `platform`,
//! `ui`), which import no feature.

pub mod admin;
pub mod approvals;
pub mod chat;
pub mod confidential;
pub mod directory;
pub mod nav;
pub mod notifications;
pub mod session;
pub mod share;
pub mod sign_in;

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;

/// Any address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="not-found">
            <h1>"404"</h1>
            <a href="/">{i18n.t(Text::Back)}</a>
        </main>
    }
}
