//! The console's frame (`/admin/*`): the administrators-only guard, the header and navigation,
//! the directory every page works from (with a retry when it could not be loaded), and the
//! outlet for the page.

use crate::features::admin::access::{Reach, home, may_open, section_of};
use crate::features::admin::model::Notice;
use crate::features::admin::state::use_admin;
use crate::features::admin::state::{AdminContext, Load};
use crate::i18n::confidential::Ct;
use crate::i18n::roles::Rt;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::sync::{Connection, use_sync};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

/// `/admin/*`: for the workspace administrator and the delegated roles; everyone else gets a
/// refusal, not a broken page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let session = use_session();
    let is_admin = move || session.0.with(|s| s.as_ref().is_some_and(|s| s.me.role.administers()));
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
    let location = use_location();
    let role = move || context.role();
    // A section the role may not open: the console's start for its role instead of `/admin`,
    // a refusal for any other page.
    let section = move || section_of(&location.pathname.get());
    let allowed = move || may_open(role(), section());
    let at_start = move || location.pathname.with(|path| path.trim_end_matches('/') == "/admin");
    let link = move |href: &'static str, label: Box<dyn Fn() -> &'static str + Send + Sync>| {
        // Only the members page (`/admin`) is current on its own address alone.
        may_open(role(), section_of(href)).then(|| view! { <A href=href exact={href == "/admin"}>{label}</A> })
    };
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
                {link("/admin", Box::new(i18n.t(Text::AdminMembers)))}
                {link("/admin/departments", Box::new(i18n.t(Text::AdminDepartments)))}
                {link("/admin/import", Box::new(i18n.t(Text::AdminImport)))}
                {link("/admin/visibility", Box::new(i18n.t(Text::AdminVisibility)))}
                {link("/admin/templates", Box::new(i18n.t(Text::AdminTemplates)))}
                {link("/admin/sessions", Box::new(i18n.t(Text::AdminSessions)))}
                {link("/admin/policies", Box::new(i18n.policy(crate::i18n::policies::Pt::Title)))}
                {link("/admin/session-policies", Box::new(i18n.t(Text::AdminSessionPolicies)))}
                {link("/admin/kiosk-codes", Box::new(i18n.t(Text::AdminKioskCodes)))}
                {link("/admin/confidential", Box::new(i18n.c(Ct::PolicyTitle)))}
                {link("/admin/watermark-trace", Box::new(i18n.c(Ct::TraceTitle)))}
                {link("/admin/audit", Box::new(i18n.audit(crate::i18n::audit::At::Title)))}
                {link("/admin/archive", Box::new(i18n.archive(crate::i18n::archive::Ar::Title)))}
                {link("/admin/integrations", Box::new(i18n.integ(crate::i18n::integrations::It::Title)))}
            </nav>
            <ScopeNote/>
            <Show when=move || allowed() || !at_start() fallback=move || view! { <Redirect path=home(role())/> }>
            <Show when=move || !refused() && allowed() fallback=|| view! { <Refusal/> }>
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
            </Show>
        </div>
    }
}

/// For a department administrator: which part of the directory is theirs.
#[component]
fn ScopeNote() -> impl IntoView {
    let i18n = use_i18n();
    let context = use_admin();
    let scope = move || match context.reach() {
        Reach::Subtree { top, .. } => Some(context.department_name(&top)),
        _ => None,
    };
    view! {
        <Show when=move || scope().is_some()>
            <p class="hint admin__scope" data-testid="admin-scope">
                {i18n.role(Rt::YourScope)} "： " <strong>{scope}</strong>
            </p>
        </Show>
    }
}
