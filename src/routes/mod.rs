//! One module per page.

pub mod admin;
pub mod approvals;
pub mod conversation;
pub mod directory;
pub mod group_settings;
pub mod new_chat;
pub mod search;
pub mod shell;
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
