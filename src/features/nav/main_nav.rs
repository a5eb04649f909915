//! The main navigation: Messages (with the unread count), Directory, Workbench (with the count
//! of approvals waiting for the member) and Me. One `<nav>` element: a rail at the far left on
//! desks, a tab bar at the bottom on phones (hidden while a conversation is open there, which
//! then fills the screen). Each destination is a link named by its visible label; the current
//! one is marked `aria-current="page"`.

use crate::features::approvals::sync::may_decide;
use crate::i18n::nav::Nt;
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::state::use_app;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// A top-level destination of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Messages,
    Directory,
    Workbench,
    Me,
}

impl Destination {
    pub const ALL: [Destination; 4] =
        [Destination::Messages, Destination::Directory, Destination::Workbench, Destination::Me];

    pub fn href(self) -> &'static str {
        match self {
            Destination::Messages => "/",
            Destination::Directory => "/directory",
            Destination::Workbench => "/workbench",
            Destination::Me => "/me",
        }
    }

    pub fn label(self) -> Nt {
        match self {
            Destination::Messages => Nt::Messages,
            Destination::Directory => Nt::Directory,
            Destination::Workbench => Nt::Workbench,
            Destination::Me => Nt::Me,
        }
    }

    /// The destination an address belongs to: the chat list's own screens (a conversation, a
    /// new chat, search) are Messages; the approvals and the console are reached from the
    /// Workbench; the devices settings from Me.
    pub fn of_path(path: &str) -> Destination {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        if under("/directory") {
            Destination::Directory
        } else if under("/workbench") || under("/approvals") || under("/admin") {
            Destination::Workbench
        } else if under("/me") || under("/settings") {
            Destination::Me
        } else {
            Destination::Messages
        }
    }

    /// The icon's SVG path (24×24, stroked), drawn beside or above the label.
    fn icon(self) -> &'static str {
        match self {
            Destination::Messages => "M4 5h16v11H9l-5 4z",
            Destination::Directory => {
                "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM3 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14c1.8.8 3 2.6 3 5"
            }
            Destination::Workbench => "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z",
            Destination::Me => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4.4 3.6-8 8-8s8 3.6 8 8",
        }
    }
}

/// The number shown on a badge: up to 99, then "99+".
pub fn badge_count(count: usize) -> String {
    if count > 99 { "99+".to_owned() } else { count.to_string() }
}

/// Unread messages in conversations that are not muted (what the Messages badge counts).
pub fn unread_total() -> Memo<usize> {
    let chat = crate::features::chat::state::use_chat();
    Memo::new(move |_| chat.conversations.with(|all| all.iter().filter(|c| !c.muted).map(|c| c.unread as usize).sum()))
}

/// Approval steps waiting for the member's decision, as far as the device knows (the requests
/// waiting for them are refreshed at start-up and kept current by the change feed).
pub fn pending_approvals() -> Memo<usize> {
    let app = use_app();
    let session = use_session();
    Memo::new(move |_| {
        let Some(me) = session.0.with(|s| s.as_ref().map(|s| s.me.id)) else { return 0 };
        app.approvals
            .summaries
            .with(|all| all.values().filter(|s| s.current_step.is_some_and(|step| may_decide(s, me, step))).count())
    })
}

#[component]
pub fn MainNav() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = Memo::new(move |_| Destination::of_path(&location.pathname.get()));
    let unread = unread_total();
    let pending = pending_approvals();
    let count_of = move |destination: Destination| match destination {
        Destination::Messages => Some((unread, Nt::Unread)),
        Destination::Workbench => Some((pending, Nt::Pending)),
        _ => None,
    };
    view! {
        <nav class="main-nav" aria-label=i18n.nav(Nt::MainNavigation)>
            <ul class="main-nav__list">
                {Destination::ALL
                    .into_iter()
                    .map(|destination| {
                        let badge = count_of(destination).map(|(count, words)| {
                            view! {
                                <Show when=move || { count.get() > 0 }>
                                    <span class="main-nav__badge">
                                        {move || badge_count(count.get())}
                                        <span class="visually-hidden">" " {i18n.nav(words)}</span>
                                    </span>
                                </Show>
                            }
                        });
                        view! {
                            <li>
                                <a
                                    class="main-nav__link"
                                    href=destination.href()
                                    aria-current=move || (current.get() == destination).then_some("page")
                                >
                                    <svg class="main-nav__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                                        <path d=destination.icon()/>
                                    </svg>
                                    <span class="main-nav__label">{i18n.nav(destination.label())}</span>
                                    {badge}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
