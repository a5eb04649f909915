//! Shows whether the app is online, connecting, or working offline from the device copy.

use crate::i18n::{Text, use_i18n};
use crate::sync::{Connection, use_sync};
use leptos::prelude::*;

#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let state = move || sync.connection.get();
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
