//! A confidential view: wraps a conversation's content and, while the conversation is
//! confidential, keeps the guarded watermark over it ([`WatermarkGuard`]), listens for copying,
//! screenshot shortcuts, printing and the window leaving the front ([`Deterrents`]), blurs the
//! content until the member chooses "Show", blanks it for a moment after a screenshot shortcut,
//! and reports each of these (rate-limited) to the server. Pages below it learn through
//! [`ConfidentialContext`] that they must offer no forward, download or quote elsewhere.

use super::deterrents::{Deterrents, RateLimit, Seen};
use super::guard::WatermarkGuard;
use super::reports;
use super::watermark::{Layers, VisibleText};
use crate::i18n::confidential::Ct;
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use weft_protocol::ConversationId;
use weft_protocol::confidential::{Confidentiality, DeterrentKind, WatermarkMark};

/// How long the view stays blank after a screenshot shortcut.
pub const BLANK_MS: u32 = 1_500;
/// How often the session's mark is fetched again while a view is open.
pub const MARK_REFRESH_MS: u32 = 60 * 60 * 1000;

/// Whether the conversation on screen is confidential (for messages and their actions).
#[derive(Clone, Copy)]
pub struct ConfidentialContext(pub Signal<Option<Confidentiality>>);

/// The current conversation's confidentiality, `None` outside a conversation.
pub fn use_confidential() -> Signal<Option<Confidentiality>> {
    use_context::<ConfidentialContext>().map(|c| c.0).unwrap_or_else(|| Signal::derive(|| None))
}

thread_local! {
    /// The last mark the server issued this tab (kept for offline use).
    static LAST_MARK: RefCell<Option<WatermarkMark>> = const { RefCell::new(None) };
}

/// "2026-11-30 20:41" in local time.
fn minute_now() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

#[component]
pub fn ConfidentialView(
    conversation: Memo<Option<ConversationId>>,
    confidential: Signal<Option<Confidentiality>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = use_session();
    provide_context(ConfidentialContext(confidential));
    super::viewer::FileViewer::provide(conversation);
    let active = Memo::new(move |_| confidential.with(Option::is_some));
    let root = NodeRef::<leptos::html::Div>::new();
    let hidden = RwSignal::new(false);
    let blank = RwSignal::new(false);
    let minute = RwSignal::new(minute_now());
    let mark = RwSignal::new(None::<WatermarkMark>);
    let limits = StoredValue::new_local(RateLimit::default());
    let guard = StoredValue::new_local(None::<(WatermarkGuard, Deterrents)>);

    let report = move |kind: DeterrentKind, detail: String| {
        let Some(id) = conversation.get_untracked() else { return };
        let now = js_sys::Date::now();
        if !limits.try_update_value(|l| l.allow(kind, now)).unwrap_or(false) {
            return;
        }
        if let Some(api) = app.sync.api() {
            reports::send(api, id, kind, detail, minute_now());
        }
    };
    let fetch_mark = move || {
        let Some(api) = app.sync.api() else { return };
        spawn_local(async move {
            if let Ok(fresh) = api.watermark().await {
                LAST_MARK.with(|m| *m.borrow_mut() = Some(fresh.clone()));
                mark.set(Some(fresh));
            }
        });
    };
    let text = Memo::new(move |_| {
        let me = session.0.with(|s| s.as_ref().map(|s| (s.me.name.clone(), s.me.userid.clone(), s.session_id)));
        let (name, userid, session_short) = match (mark.get(), me) {
            (Some(m), _) => (m.name, m.userid, m.session_short),
            (None, Some((name, userid, id))) => (name, userid, id.to_string().chars().take(8).collect()),
            (None, None) => Default::default(),
        };
        VisibleText { name, userid, date_time: minute.get(), session_short }
    });
    let layers = Memo::new(move |_| {
        let number = mark.with(|m| m.as_ref().map(|m| m.mark));
        text.with(|t| Layers::draw(t, number))
    });

    let on_seen = move |seen: Seen| match seen {
        Seen::Copy => report(DeterrentKind::CopyAttempt, "copy or cut".to_owned()),
        Seen::Print => report(DeterrentKind::PrintAttempt, "beforeprint".to_owned()),
        Seen::Hidden => {
            if !hidden.get_untracked() {
                hidden.set(true);
                report(DeterrentKind::ViewHidden, "window left the front".to_owned());
            }
        }
        Seen::Screenshot => {
            blank.set(true);
            set_timeout(move || blank.set(false), std::time::Duration::from_millis(u64::from(BLANK_MS)));
            report(DeterrentKind::ScreenshotShortcut, "screenshot shortcut".to_owned());
        }
    };

    // Start and stop the guard and listeners with confidentiality.
    Effect::new(move |_| {
        let on = active.get();
        let Some(element) = root.get() else { return };
        if !on {
            guard.set_value(None);
            hidden.set(false);
            return;
        }
        if guard.with_value(Option::is_some) {
            return;
        }
        // The mark of this member kept from earlier (offline), then the server's.
        let me = session.0.with_untracked(|s| s.as_ref().map(|s| s.me.userid.clone()));
        if let Some(kept) = LAST_MARK.with(|m| m.borrow().clone()).filter(|m| Some(&m.userid) == me.as_ref()) {
            mark.set(Some(kept));
        }
        fetch_mark();
        let element: web_sys::HtmlElement = element.into();
        let label = text.with_untracked(VisibleText::line);
        let tamper = move |seen: String| report(DeterrentKind::WatermarkTampered, seen);
        let started = layers.with_untracked(|l| WatermarkGuard::start(element.clone(), l, label, tamper));
        let listening = Deterrents::install(element, on_seen);
        if let (Some(started), Some(listening)) = (started, listening) {
            guard.set_value(Some((started, listening)));
        }
    });
    // New layers (the minute, the mark) go onto the guarded overlay.
    Effect::new(move |_| {
        let current = layers.get();
        let label = text.with(VisibleText::line);
        guard.with_value(|g| {
            if let Some((g, _)) = g {
                g.update(&current, label);
            }
        });
    });
    let minute_timer =
        set_interval_with_handle(move || minute.set(minute_now()), std::time::Duration::from_secs(20)).ok();
    let mark_timer = set_interval_with_handle(
        move || {
            if active.get_untracked() {
                fetch_mark();
            }
        },
        std::time::Duration::from_millis(u64::from(MARK_REFRESH_MS)),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = minute_timer {
            t.clear();
        }
        if let Some(t) = mark_timer {
            t.clear();
        }
        guard.try_set_value(None);
    });

    let stop = move |ev: &web_sys::Event| {
        if active.get_untracked() {
            ev.prevent_default();
        }
    };
    view! {
        <div
            class="confidential-view"
            class:confidential-view--on=move || active.get()
            class:confidential-view--hidden=move || active.get() && hidden.get()
            class:confidential-view--blank=move || active.get() && blank.get()
            node_ref=root
            on:contextmenu=move |ev| stop(&ev)
            on:dragstart=move |ev| stop(&ev)
            on:selectstart=move |ev| stop(&ev)
        >
            <div class="confidential-view__content">{children()}<super::viewer::FileViewerPanel/></div>
            <Show when=move || active.get()>
                <p class="confidential-view__print" role="note">{i18n.c(Ct::PrintNotice)}</p>
            </Show>
            <Show when=move || active.get() && hidden.get()>
                <div class="confidential-view__shield" data-app-layer="">
                    <p>{i18n.c(Ct::HiddenTitle)}</p>
                    <button type="button" class="primary" on:click=move |_| hidden.set(false)>{i18n.c(Ct::Show)}</button>
                </div>
            </Show>
        </div>
    }
}
