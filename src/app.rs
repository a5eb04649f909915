//! The app root: context providers (language, session, chat state), the router, and the
//! reactions to signing in and out and to the network coming and going.

use crate::i18n::I18n;
use crate::routes::admin::{
    AdminLayout, departments::DepartmentsPage, import::ImportPage, members::MembersPage,
    template_editor::TemplateEditorPage, templates::TemplatesPage, visibility::VisibilityPage,
};
use crate::routes::approvals::{detail::ApprovalDetailPage, list::ApprovalsPage, new_request::NewApprovalPage};
use crate::routes::{
    conversation::ConversationPage, directory::DirectoryPage, group_settings::GroupSettingsPage, new_chat::NewChatPage,
    search::SearchPage, shell::Shell, sign_in::SignInPage,
};
use crate::session::{Session, SessionContext};
use crate::state::ChatState;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    let session = SessionContext(RwSignal::new(Session::load()));
    provide_context(session);
    let chat = ChatState::provide(session);

    // Start syncing whenever someone is signed in; stop when they sign out.
    Effect::new(move |previous: Option<Option<String>>| {
        let token = session.0.with(|s| s.as_ref().map(|s| s.token.clone()));
        if token != previous.flatten()
            && let Some(current) = session.0.get_untracked()
        {
            chat.start(current);
        }
        token
    });
    let _online = window_event_listener_untyped("online", move |_| chat.network_back());
    let _offline = window_event_listener_untyped("offline", move |_| chat.network_lost());
    crate::pwa::register_service_worker();
    let update_ready = RwSignal::new(false);
    crate::pwa::watch_for_updates(update_ready);
    let i18n = crate::i18n::use_i18n();

    view! {
        <Show when=move || update_ready.get()>
            <div class="update-banner" role="status">
                {i18n.t(crate::i18n::Text::UpdateReady)}
                " "
                <button type="button" class="link" on:click=|_| crate::pwa::reload()>
                    {i18n.t(crate::i18n::Text::Reload)}
                </button>
            </div>
        </Show>
        <Router>
            <Routes fallback=|| view! { <crate::routes::NotFound/> }>
                <Route path=path!("/sign-in") view=SignInPage/>
                <ParentRoute path=path!("admin") view=AdminLayout>
                    <Route path=path!("") view=MembersPage/>
                    <Route path=path!("departments") view=DepartmentsPage/>
                    <Route path=path!("import") view=ImportPage/>
                    <Route path=path!("visibility") view=VisibilityPage/>
                    <Route path=path!("templates") view=TemplatesPage/>
                    <Route path=path!("templates/:id") view=TemplateEditorPage/>
                </ParentRoute>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=NoConversationSelected/>
                    <Route path=path!("c/:id") view=ConversationPage/>
                    <Route path=path!("c/:id/settings") view=GroupSettingsPage/>
                    <Route path=path!("new") view=NewChatPage/>
                    <Route path=path!("search") view=SearchPage/>
                    <Route path=path!("directory") view=DirectoryPage/>
                    <Route path=path!("approvals") view=ApprovalsPage/>
                    <Route path=path!("approvals/new/:template") view=NewApprovalPage/>
                    <Route path=path!("approvals/:id") view=ApprovalDetailPage/>
                </ParentRoute>
            </Routes>
        </Router>
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
