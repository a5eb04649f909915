//! The signed-in layout: header with connection state and account actions, the main
//! navigation (a rail at the far left on desks, a tab bar at the bottom on phones), the
//! conversation list with New chat and Search in its header, and the selected page beside it.
//! On phones one pane shows at a time, and an open conversation fills the screen (no tab bar;
//! its Back link, or a swipe from the left edge, returns to the list).

use crate::features::chat::components::conversation_list::ConversationList;
use crate::features::nav::main_nav::MainNav;
use crate::i18n::nav::Nt;
use crate::i18n::{Text, use_i18n};
use crate::session::{EndCause, use_session};
use crate::state::use_app;
use crate::ui::connection_badge::ConnectionBadge;
use crate::ui::edge_swipe::EdgeSwipe;
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
    // A page is open beside (on phones: instead of) the chat list.
    let in_conversation = move || location.pathname.get() != "/";
    // A conversation is open: on phones it fills the screen.
    let in_chat = move || location.pathname.with(|path| path.starts_with("/c/"));
    // Only administrators (the delegated roles too) are offered the console (the server refuses
    // everyone else anyway).
    let is_admin = move || session.0.with(|s| s.as_ref().is_some_and(|s| s.me.role.administers()));
    let my_name = move || session.0.with(|s| s.as_ref().map(|s| s.me.name.clone()).unwrap_or_default());

    // Unsent writes are shown first; then this device's copy is wiped at once and the server
    // told when it can be reached.
    let sign_out = move |_| app.end_session(EndCause::SignedOut);
    // On phones a swipe from the left edge goes back, like the page's Back link.
    let swipe = EdgeSwipe::new();

    view! {
        <div
            class="shell"
            class:shell--conversation=in_conversation
            class:shell--chat=in_chat
            on:touchstart=move |ev| swipe.start(&ev)
            on:touchend=move |ev| swipe.end(&ev)
            on:touchcancel=move |_| swipe.cancel()
        >
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
                <MainNav/>
                <div class="sidebar">
                    <div class="sidebar__actions" role="group" aria-label=i18n.nav(Nt::ChatActions)>
                        <a class="button" href="/new">
                            <span class="button__icon" aria-hidden="true">"+"</span>
                            {i18n.t(Text::NewChat)}
                        </a>
                        <a class="button" href="/search">
                            <svg class="button__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                                <path d="M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5 20 20"/>
                            </svg>
                            {i18n.t(Text::Search)}
                        </a>
                    </div>
                    <ConversationList/>
                </div>
                <Outlet/>
            </div>
        </div>
    }
}
