//! The app root: context providers (language, session, the app state), the router, and the
//! reactions to signing in and out and to the network coming and going. Only sign-in, the chat
//! list and a conversation are in the first download; every other screen is a [`LazyScreen`]
//! whose code is fetched on first use (see `lazy_screen.rs`).

use crate::features::chat::pages::{conversation::ConversationPage, shell::Shell};
use crate::features::sign_in::page::SignInPage;
use crate::i18n::I18n;
use crate::lazy_screen::{self as lazy, LazyScreen};
use crate::session::{Session, SessionContext};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    crate::platform::theme::Theme::load().apply();
    let session = SessionContext(RwSignal::new(Session::load()));
    provide_context(session);
    let app = AppState::provide(session);
    let idle = crate::features::session::idle::IdleLock::provide(app);

    // Start syncing whenever someone is signed in; stop when they sign out.
    // (A new token for the same session — a password change — only reconnects: `replace_token`.)
    Effect::new(move |previous: Option<Option<weft_protocol::SessionId>>| {
        let id = session.0.with(|s| s.as_ref().map(|s| s.session_id));
        if id != previous.flatten()
            && let Some(current) = session.0.get_untracked()
        {
            app.start(current);
        }
        id
    });
    // Sign-outs made offline reach the server now or when the network returns; databases left
    // by shared-device sessions whose tab is gone are deleted.
    leptos::task::spawn_local(crate::session::pending::flush());
    leptos::task::spawn_local(crate::session::wipe::delete_leftover_shared_databases());
    crate::session::tabs::on_session_changed_elsewhere(move |kept| app.follow_other_tab(kept));
    // A sign-out waiting for unsent writes goes ahead once they are delivered.
    Effect::new(move |_| {
        app.sync.outbox.track();
        app.continue_ending();
    });
    // A shared-device session lives in this page only: leaving it with unsent writes would lose
    // them, so the browser asks first.
    let _leaving = window_event_listener(leptos::ev::beforeunload, move |event| {
        let shared = session.0.with_untracked(|s| s.as_ref().is_some_and(Session::is_shared));
        if shared && app.sync.outbox.with_untracked(crate::sign_out::unsent_writes) > 0 {
            event.prevent_default();
            event.set_return_value("");
        }
    });
    let _online = window_event_listener_untyped("online", move |_| {
        app.network_back();
        leptos::task::spawn_local(crate::session::pending::flush());
    });
    let _offline = window_event_listener_untyped("offline", move |_| app.network_lost());
    crate::platform::pwa::register_service_worker();
    let update_ready = RwSignal::new(false);
    crate::platform::pwa::watch_for_updates(update_ready);
    let i18n = crate::i18n::use_i18n();

    view! {
        <Show when=move || update_ready.get()>
            <div class="update-banner" role="status">
                {i18n.t(crate::i18n::Text::UpdateReady)}
                " "
                <button type="button" class="link" on:click=|_| crate::platform::pwa::reload()>
                    {i18n.t(crate::i18n::Text::Reload)}
                </button>
            </div>
        </Show>
        <crate::features::session::unsent_dialog::UnsentDialog/>
        <crate::features::session::lock_screen::LockScreen/>
        <crate::features::session::pin_form::PinOffer/>
        // Locked: the app stays mounted (nothing typed is lost) but is neither visible nor usable.
        <div class="app-root" class:app-root--locked=move || idle.locked.get() inert=move || idle.locked.get()>
        <Router>
            <crate::features::notifications::in_app::InAppNotifications/>
            <crate::features::notifications::badge::AppBadge/>
            <Routes fallback=|| view! { <crate::features::NotFound/> }>
                <Route path=path!("/sign-in") view=SignInPage/>
                <ParentRoute path=path!("admin") view=|| view! { <LazyScreen load=lazy::admin_layout/> }>
                    <Route path=path!("") view=|| view! { <LazyScreen load=lazy::admin_members/> }/>
                    <Route
                        path=path!("departments")
                        view=|| view! { <LazyScreen load=lazy::admin_departments/> }
                    />
                    <Route path=path!("import") view=|| view! { <LazyScreen load=lazy::admin_import/> }/>
                    <Route path=path!("visibility") view=|| view! { <LazyScreen load=lazy::admin_visibility/> }/>
                    <Route path=path!("templates") view=|| view! { <LazyScreen load=lazy::admin_templates/> }/>
                    <Route path=path!("sessions") view=|| view! { <LazyScreen load=lazy::admin_sessions/> }/>
                    <Route
                        path=path!("session-policies")
                        view=|| view! { <LazyScreen load=lazy::admin_session_policies/> }
                    />
                    <Route path=path!("kiosk-codes") view=|| view! { <LazyScreen load=lazy::admin_kiosk_codes/> }/>
                    <Route path=path!("confidential") view=|| view! { <LazyScreen load=lazy::admin_confidential/> }/>
                    <Route path=path!("policies") view=|| view! { <LazyScreen load=lazy::admin_policies/> }/>
                    <Route
                        path=path!("watermark-trace")
                        view=|| view! { <LazyScreen load=lazy::admin_watermark_trace/> }
                    />
                    <Route path=path!("audit") view=|| view! { <LazyScreen load=lazy::admin_audit/> }/>
                    <Route path=path!("archive") view=|| view! { <LazyScreen load=lazy::admin_archive/> }/>
                    <Route path=path!("integrations") view=|| view! { <LazyScreen load=lazy::admin_integrations/> }/>
                    <Route
                        path=path!("templates/:id")
                        view=|| view! { <LazyScreen load=lazy::admin_template_editor/> }
                    />
                </ParentRoute>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=NoConversationSelected/>
                    <Route path=path!("c/:id") view=ConversationPage/>
                    <Route path=path!("c/:id/settings") view=|| view! { <LazyScreen load=lazy::group_settings/> }/>
                    <Route path=path!("new") view=|| view! { <LazyScreen load=lazy::new_chat/> }/>
                    <Route path=path!("search") view=|| view! { <LazyScreen load=lazy::search/> }/>
                    <Route path=path!("directory") view=|| view! { <LazyScreen load=lazy::directory/> }/>
                    <Route path=path!("settings") view=|| view! { <LazyScreen load=lazy::settings/> }/>
                    <Route path=path!("workbench") view=|| view! { <LazyScreen load=lazy::workbench/> }/>
                    <Route path=path!("me") view=|| view! { <LazyScreen load=lazy::me/> }/>
                    <Route path=path!("share") view=|| view! { <LazyScreen load=lazy::share/> }/>
                    <Route path=path!("approvals") view=|| view! { <LazyScreen load=lazy::approvals_list/> }/>
                    <Route
                        path=path!("approvals/new/:template")
                        view=|| view! { <LazyScreen load=lazy::approval_new/> }
                    />
                    <Route path=path!("approvals/:id") view=|| view! { <LazyScreen load=lazy::approval_detail/> }/>
                </ParentRoute>
            </Routes>
        </Router>
        </div>
    }
}

#[component]
fn NoConversationSelected() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <section class="conversation conversation--empty" aria-label=i18n.t(crate::i18n::Text::Chats)>
            <p class="hint">{i18n.t(crate::i18n::Text::PickAChat)}</p>
        </section>
    }
}

/// The wasm module's start function in the app build: mounts the app into the page.
#[cfg(feature = "split")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
