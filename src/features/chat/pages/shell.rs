//! The signed-in layout: header with connection state and account actions, the conversation
//! list, and the selected page beside it (stacked on narrow screens).

use crate::features::chat::components::conversation_list::ConversationList;
use crate::i18n::{Text, use_i18n};
use crate::session::{EndCause, use_session};
use crate::state::use_app;
use crate::ui::connection_badge::ConnectionBadge;
use crate::ui::store_health_banner::StoreHealthBanner;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    view! {
        <Show
            when=move || session.0.with(Option::is_some)
            fallback=|| view! { <Redirect path="/sign-in"/> }
        >
            <SignedIn/>
        </Show>
    }
}

#[component]
fn SignedIn() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let app = use_app();
    let location = use_location();
    let in_conversation = move || location.pathname.get() != "/";
    // Only administrators are offered the console (the server refuses everyone else anyway).
    let is_admin = move || session.0.with(|s| s.as_ref().map(|s| s.me.role)) == Some(weft_protocol::auth::Role::Admin);
    let my_name = move || session.0.with(|s| s.as_ref().map(|s| s.me.name.clone()).unwrap_or_default());

    // Unsent writes are shown first; then this device's copy is wiped at once and the server
    // told when it can be reached.
    let sign_out = move |_| app.end_session(EndCause::SignedOut);

    view! {
        <div class="shell" class:shell--conversation=in_conversation>
            <header class="topbar">
                <a class="topbar__brand" href="/">
                    <img src="/icons/icon-192.png" alt="" width="28" height="28"/>
                    <span>"Weft"</span>
                </a>
                <ConnectionBadge/>
                <span class="topbar__me" data-testid="me">{my_name}</span>
                <a class="topbar__settings" href="/settings">{i18n.t(Text::Settings)}</a>
                <Show when=is_admin>
                    <a class="topbar__admin" href="/admin">{i18n.t(Text::AdminTitle)}</a>
                </Show>
                <button type="button" class="link" on:click=move |_| i18n.toggle()>
                    {i18n.t(Text::SwitchLanguage)}
                </button>
                <button type="button" class="link" on:click=sign_out>{i18n.t(Text::SignOut)}</button>
            </header>
            <Show when=move || app.sync.connection.get() == crate::sync::Connection::Offline>
                <p class="offline-banner" role="status">{i18n.t(Text::OfflineHint)}</p>
            </Show>
            <StoreHealthBanner/>
            <div class="shell__body">
                <div class="sidebar">
                    <div class="sidebar__actions">
                        <a class="button" href="/new">{i18n.t(Text::NewChat)}</a>
                        <a class="button" href="/search">{i18n.t(Text::Search)}</a>
                        <a class="button" href="/directory">{i18n.t(Text::Directory)}</a>
                        <a class="button" href="/approvals">{i18n.t(Text::Approvals)}</a>
                    </div>
                    <ConversationList/>
                </div>
                <Outlet/>
            </div>
        </div>
    }
}
