//! Screens loaded on first use: each split point below builds one screen and, in the app build
//! (feature `split`, cargo-leptos `--split`), its code lives in a separate wasm chunk named after
//! the group (`split_admin`, `split_approvals`, …) that is fetched the first time the screen
//! opens. [`LazyScreen`] shows the screen once its chunk is in, and a message with a Retry button
//! if the chunk cannot be fetched (offline before it was cached), never a dead app.
//!
//! Why not `#[lazy_route]`: Leptos's lazy macros use wasm_split's infallible loader, which panics
//! when a chunk fails to load, and a panic aborts the wasm module. The same wasm_split macro with
//! its `fallible` option returns the failure instead, and the loader retries it from scratch.

use crate::features::admin::archive::ArchivePage;
use crate::features::admin::audit::page::AuditLogPage;
use crate::features::admin::confidential::{policy::ConfidentialPolicyPage, trace::WatermarkTracePage};
use crate::features::admin::integrations::page::IntegrationAppsPage;
use crate::features::admin::pages::layout::AdminLayout;
use crate::features::admin::pages::{
    departments::DepartmentsPage, import::ImportPage, members::MembersPage, visibility::VisibilityPage,
};
use crate::features::admin::policies::PoliciesPage;
use crate::features::admin::sessions::{
    kiosk_codes::KioskCodesPage, list::SessionsPage, policies::SessionPoliciesPage,
};
use crate::features::admin::templates::{editor::TemplateEditorPage, list::TemplatesPage};
use crate::features::approvals::pages::{
    detail::ApprovalDetailPage, list::ApprovalsPage, new_request::NewApprovalPage,
};
use crate::features::chat::pages::{group_settings::GroupSettingsPage, new_chat::NewChatPage, search::SearchPage};
use crate::features::directory::pages::directory::DirectoryPage;
use crate::features::nav::{me::MePage, workbench::WorkbenchPage};
use crate::features::session::pages::devices::SettingsPage;
use crate::features::share::page::SharePage;
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;

/// Declares `async fn $loader() -> Result<AnyView, SplitLoaderError>` that builds `<$page/>`, its
/// code split into the chunk `$chunk` in the app build (screens naming the same chunk share it).
macro_rules! split_screen {
    ($(#[$doc:meta])* $loader:ident in $chunk:ident => $page:ident) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split)]
        pub fn $loader() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page/> }.into_any())
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        pub async fn $loader() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page/> }.into_any())
        }
    };
}

split_screen!(
    /// The admin console's frame (guard, navigation, shared directory) around its pages.
    admin_layout in admin => AdminLayout
);
split_screen!(admin_members in admin => MembersPage);
split_screen!(admin_departments in admin => DepartmentsPage);
split_screen!(admin_import in admin => ImportPage);
split_screen!(admin_visibility in admin => VisibilityPage);
split_screen!(admin_templates in admin => TemplatesPage);
split_screen!(admin_template_editor in admin => TemplateEditorPage);
split_screen!(admin_sessions in admin => SessionsPage);
split_screen!(admin_session_policies in admin => SessionPoliciesPage);
split_screen!(admin_kiosk_codes in admin => KioskCodesPage);
split_screen!(admin_confidential in admin => ConfidentialPolicyPage);
split_screen!(admin_policies in admin => PoliciesPage);
split_screen!(admin_watermark_trace in admin => WatermarkTracePage);
split_screen!(admin_audit in admin => AuditLogPage);
split_screen!(admin_archive in admin => ArchivePage);
split_screen!(admin_integrations in admin => IntegrationAppsPage);
split_screen!(approvals_list in approvals => ApprovalsPage);
split_screen!(approval_detail in approvals => ApprovalDetailPage);
split_screen!(approval_new in approvals => NewApprovalPage);
split_screen!(directory in directory => DirectoryPage);
split_screen!(search in search => SearchPage);
split_screen!(new_chat in new_chat => NewChatPage);
split_screen!(group_settings in group_settings => GroupSettingsPage);
split_screen!(
    /// Share into Weft: what another app shared, and the chat to send it to.
    share in share => SharePage
);
split_screen!(
    /// Settings → Devices: the member's sessions and password.
    settings in settings => SettingsPage
);
split_screen!(
    /// The Workbench: the workspace's apps (Approvals, the admin console).
    workbench in workbench => WorkbenchPage
);
split_screen!(
    /// Me: profile, language, theme, devices, about.
    me in me => MePage
);

/// Shows the screen `load` builds: a loading line while its chunk downloads, then the screen, or
/// a message with Retry when the download failed (each Retry is a fresh attempt).
#[component]
pub fn LazyScreen<F>(load: F) -> impl IntoView
where
    F: AsyncFn() -> Result<AnyView, SplitLoaderError> + Copy + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let attempt = RwSignal::new(0_u32);
    let loading = move || {
        view! { <p class="screen-state" role="status">{i18n.t(Text::ScreenLoading)}</p> }
    };
    view! {
        <Suspense fallback=loading>
            {move || {
                attempt.track();
                // Single-threaded wasm: the loader's future never leaves this thread.
                Suspend::new(SendWrapper::new(async move {
                    match load().await {
                        Ok(screen) => screen,
                        Err(_) => view! { <ScreenUnavailable attempt=attempt/> }.into_any(),
                    }
                }))
            }}
        </Suspense>
    }
}

/// The screen's code could not be fetched: say so in the member's language and offer a retry.
#[component]
fn ScreenUnavailable(attempt: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="screen-state" role="alert">
            <p>{i18n.t(Text::ScreenUnavailable)}</p>
            <button type="button" on:click=move |_| attempt.update(|n| *n += 1)>
                {i18n.t(Text::Retry)}
            </button>
        </section>
    }
}
