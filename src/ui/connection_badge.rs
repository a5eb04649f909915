//! Shows whether the app is online, connecting, or working offline from the device copy.

use crate::features::chat::state::{Connection, use_chat};
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;

#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let i18n = use_i18n();
    let chat = use_chat();
    let state = move || chat.connection.get();
    view! {
        <span
            class="badge"
            class:badge--online=move || state() == Connection::Online
            class:badge--offline=move || state() == Connection::Offline
            role="status"
            data-testid="connection"
            data-state=move || match state() {
                Connection::Online => "online",
                Connection::Connecting => "connecting",
                Connection::Offline => "offline",
            }
        >
            {move || match state() {
                Connection::Online => Text::Online,
                Connection::Connecting => Text::Connecting,
                Connection::Offline => Text::Offline,
            }.in_lang(i18n.lang.get())}
        </span>
    }
}
