//! The console's frame (`/admin/*`): the administrators-only guard, the header and navigation,
//! the directory every page works from (with a retry when it could not be loaded), and the
//! outlet for the page.

use crate::features::admin::model::Notice;
use crate::features::admin::state::{AdminContext, Load};
use crate::i18n::confidential::Ct;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::sync::{Connection, use_sync};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use weft_protocol::auth::Role;

/// `/admin/*`: only for administrators; everyone else gets a refusal, not a broken page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let session = use_session();
    let is_admin = move || session.0.with(|s| s.as_ref().map(|s| s.me.role)) == Some(Role::Admin);
    view! {
        <Show when=move || session.0.with(Option::is_some) fallback=|| view! { <Redirect path="/sign-in"/> }>
            <Show when=is_admin fallback=|| view! { <Refusal/> }>
                <AdminConsole/>
            </Show>
        </Show>
    }
}

#[component]
fn Refusal() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="admin admin--refused" aria-labelledby="admin-refused-title">
            <h1 id="admin-refused-title">{i18n.t(Text::AdminTitle)}</h1>
            <p role="alert">{i18n.t(Text::AdminOnly)}</p>
            <a href="/">{i18n.t(Text::Back)}</a>
        </main>
    }
}

#[component]
fn AdminConsole() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let context = AdminContext::new(use_session());
    provide_context(context);
    context.reload();
    // Back online after a failed load: try again by itself.
    Effect::new(move |_| {
        if sync.connection.get() == Connection::Online && matches!(context.load.get_untracked(), Load::Failed(_)) {
            context.reload();
        }
    });
    let offline = move || sync.connection.get() == Connection::Offline;
    let refused = move || context.load.get() == Load::Failed(Notice::Text(Text::AdminOnly));
    let failure = move || match context.load.get() {
        Load::Failed(notice) => Some(notice.render(i18n.lang.get())),
        _ => None,
    };

    view! {
        <div class="admin">
            <header class="topbar">
                <a class="topbar__brand" href="/">
                    <img src="/icons/icon-192.png" alt="" width="28" height="28"/>
                    <span>"Weft"</span>
                </a>
                <h1 class="admin__title">{i18n.t(Text::AdminTitle)}</h1>
                <a class="admin__back" href="/">{i18n.t(Text::Back)}</a>
                <button type="button" class="link" on:click=move |_| i18n.toggle()>
                    {i18n.t(Text::SwitchLanguage)}
                </button>
            </header>
            <Show when=offline>
                <p class="offline-banner" role="status">{i18n.t(Text::AdminOffline)}</p>
            </Show>
            <nav class="admin__nav" aria-label=i18n.t(Text::AdminTitle)>
                <A href="/admin" exact=true>{i18n.t(Text::AdminMembers)}</A>
                <A href="/admin/departments">{i18n.t(Text::AdminDepartments)}</A>
                <A href="/admin/import">{i18n.t(Text::AdminImport)}</A>
                <A href="/admin/visibility">{i18n.t(Text::AdminVisibility)}</A>
                <A href="/admin/templates">{i18n.t(Text::AdminTemplates)}</A>
                <A href="/admin/sessions">{i18n.t(Text::AdminSessions)}</A>
                <A href="/admin/policies">{i18n.policy(crate::i18n::policies::Pt::Title)}</A>
                <A href="/admin/session-policies">{i18n.t(Text::AdminSessionPolicies)}</A>
                <A href="/admin/kiosk-codes">{i18n.t(Text::AdminKioskCodes)}</A>
                <A href="/admin/confidential">{i18n.c(Ct::PolicyTitle)}</A>
                <A href="/admin/watermark-trace">{i18n.c(Ct::TraceTitle)}</A>
                <A href="/admin/audit">{i18n.audit(crate::i18n::audit::At::Title)}</A>
                <A href="/admin/integrations">{i18n.integ(crate::i18n::integrations::It::Title)}</A>
            </nav>
            <Show when=move || !refused() fallback=|| view! { <Refusal/> }>
                <Show when=move || context.directory.with(Option::is_some) fallback=move || view! {
                    <div class="admin__page">
                        <p class="form-error" role="alert">{failure}</p>
                        <Show when=move || failure().is_some() fallback=move || view! { <p class="hint">{i18n.t(Text::AdminLoading)}</p> }>
                            <button type="button" on:click=move |_| context.reload()>{i18n.t(Text::Retry)}</button>
                        </Show>
                    </div>
                }>
                    <div class="admin__page">
                        <Outlet/>
                    </div>
                </Show>
            </Show>
        </div>
    }
}
