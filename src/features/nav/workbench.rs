//! `/workbench` (工作台): the workspace's apps as tiles. Only what is built is listed: Approvals
//! (with the count of requests waiting for the member) and, for administrators, the admin
//! console. New apps (reports, schedule) add a tile here when they exist.

use super::main_nav::{badge_count, pending_approvals};
use crate::i18n::nav::Nt;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn WorkbenchPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let pending = pending_approvals();
    let is_admin = move || session.0.with(|s| s.as_ref().is_some_and(|s| s.me.role.administers()));
    view! {
        <section class="conversation page workbench" aria-labelledby="workbench-title">
            <header class="conversation__header">
                <h2 id="workbench-title">{i18n.nav(Nt::Workbench)}</h2>
            </header>
            <div class="page__body">
                <ul class="workbench__tiles" aria-label=i18n.nav(Nt::WorkbenchApps)>
                    <li>
                        <a class="workbench__tile" href="/approvals" aria-describedby="workbench-approvals-hint">
                            <span class="workbench__name">{i18n.t(Text::Approvals)}</span>
                            <Show when=move || { pending.get() > 0 }>
                                <span class="main-nav__badge">
                                    {move || badge_count(pending.get())}
                                    <span class="visually-hidden">" " {i18n.nav(Nt::Pending)}</span>
                                </span>
                            </Show>
                        </a>
                        <p class="workbench__hint" id="workbench-approvals-hint">{i18n.nav(Nt::ApprovalsTile)}</p>
                    </li>
                    <Show when=is_admin>
                        <li>
                            <a class="workbench__tile" href="/admin" aria-describedby="workbench-admin-hint">
                                <span class="workbench__name">{i18n.t(Text::AdminTitle)}</span>
                            </a>
                            <p class="workbench__hint" id="workbench-admin-hint">{i18n.nav(Nt::AdminTile)}</p>
                        </li>
                    </Show>
                </ul>
            </div>
        </section>
    }
}
