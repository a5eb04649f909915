//! The idle lock: input anywhere in the page counts as use; after the session's
//! `lock_after_minutes` without any (0: never) the screen is locked behind the member's password
//! (or, on a shared device, a PIN set after the first password unlock: `session::pin`), and after
//! its `idle_minutes` the app signs out (unsent writes shown first). When the app was last used
//! and whether it is locked are kept by `session::lock` (local storage on "my device", so a
//! reload or another tab neither unlocks nor restarts the count; the tab's memory on a shared
//! device, whose session a reload ends). Works offline (the password unlock needs the server,
//! the PIN does not).

use crate::session::lock::{self, Idleness};
use crate::session::{EndCause, Session};
use crate::state::AppState;
use leptos::prelude::*;
use weft_protocol::{Millis, SessionId};

/// How often the idle time is looked at.
const CHECK_EVERY_MS: u32 = 5_000;
/// Input writes the time of last use at most this often.
const WRITE_EVERY_MS: Millis = 5_000;
/// Input tells the server the session is in use at most this often: the server ends a session
/// unused for its idle time, and reading or typing alone makes no request.
const TOUCH_EVERY_MS: Millis = 60_000;
/// The input events that count as use.
const INPUT_EVENTS: [&str; 5] = ["pointerdown", "keydown", "wheel", "touchstart", "input"];

/// Whether the screen is locked; provided through context.
#[derive(Clone, Copy)]
pub struct IdleLock {
    pub locked: RwSignal<bool>,
    /// The offer to set a PIN is shown (after a shared session's first password unlock).
    pub offer_pin: RwSignal<bool>,
    /// The session the PIN was offered to (once per session).
    pin_offered: StoredValue<Option<SessionId>>,
    last_written: StoredValue<Millis>,
    last_touched: StoredValue<Millis>,
}

pub fn use_idle_lock() -> IdleLock {
    use_context::<IdleLock>().expect("IdleLock is provided by App; a component was mounted outside it")
}

impl IdleLock {
    /// Watches input and time for the app's session; locks and signs out as its terms say.
    pub fn provide(app: AppState) -> Self {
        let idle = Self {
            locked: RwSignal::new(false),
            offer_pin: RwSignal::new(false),
            pin_offered: StoredValue::new(None),
            last_written: StoredValue::new(0),
            last_touched: StoredValue::new(0),
        };
        provide_context(idle);
        let session = app.sync.session;
        // A session that appears (sign-in, reload) starts locked if it was.
        Effect::new(move |_| {
            let (id, shared) =
                session.0.with(|s| (s.as_ref().map(|s| s.session_id), s.as_ref().is_some_and(Session::is_shared)));
            if let Some(id) = id.filter(|_| shared) {
                lock::keep_in_memory(id);
            }
            if id.is_none() {
                idle.offer_pin.set(false);
            }
            idle.locked.set(id.is_some_and(lock::is_locked));
            if let Some(id) = id
                && lock::last_active(id).is_none()
            {
                lock::set_last_active(id, crate::platform::now_millis());
            }
        });
        for name in INPUT_EVENTS {
            // Lives as long as the page.
            std::mem::forget(window_event_listener_untyped(name, move |_| idle.used(app)));
        }
        let check = gloo_timers::callback::Interval::new(CHECK_EVERY_MS, move || idle.check(app));
        check.forget();
        idle
    }

    fn session_id(app: AppState) -> Option<weft_protocol::SessionId> {
        app.sync.session.0.with_untracked(|s| s.as_ref().map(|s| s.session_id))
    }

    /// Input: the app is in use (unless locked: only the password unlocks).
    fn used(self, app: AppState) {
        let Some(id) = Self::session_id(app) else { return };
        if self.locked.get_untracked() {
            return;
        }
        let now = crate::platform::now_millis();
        if now - self.last_written.get_value() >= WRITE_EVERY_MS {
            self.last_written.set_value(now);
            lock::set_last_active(id, now);
        }
        if now - self.last_touched.get_value() >= TOUCH_EVERY_MS {
            self.last_touched.set_value(now);
            let token = app.sync.session.0.with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
            if let Some(token) = token {
                leptos::task::spawn_local(async move {
                    // Only the request matters (the server notes the session as seen). A failure
                    // needs nothing here: offline it is retried by the next input, and an ended
                    // session is found by the sync's own calls and the live socket.
                    let _ = crate::api::Api::with_token(&token).current_session().await;
                });
            }
        }
    }

    /// Locks or signs out when the session has been idle long enough.
    pub fn check(self, app: AppState) {
        let Some((id, lifetimes)) =
            app.sync.session.0.with_untracked(|s| s.as_ref().map(|s| (s.session_id, s.lifetimes())))
        else {
            return;
        };
        // Another tab may have locked or unlocked.
        if self.locked.get_untracked() != lock::is_locked(id) {
            self.locked.set(lock::is_locked(id));
        }
        let last = lock::last_active(id).unwrap_or_else(crate::platform::now_millis);
        match lock::idleness(crate::platform::now_millis() - last, lifetimes.lock_after_minutes, lifetimes.idle_minutes)
        {
            Idleness::Active => {}
            Idleness::Lock => {
                if !self.locked.get_untracked() {
                    lock::set_locked(id, true);
                    self.locked.set(true);
                }
            }
            Idleness::SignOut => app.end_session(EndCause::Idle),
        }
    }

    /// The password was accepted: unlocked; on a shared device without a PIN, the first time,
    /// setting one is offered.
    pub fn unlocked_with_password(self, session: &Session) {
        self.unlocked(session);
        let id = session.session_id;
        if session.is_shared() && !crate::session::pin::has_pin(id) && self.pin_offered.get_value() != Some(id) {
            self.pin_offered.set_value(Some(id));
            self.offer_pin.set(true);
        }
    }

    /// The password or the PIN was accepted: unlocked, and the idle count starts again.
    pub fn unlocked(self, session: &Session) {
        let now = crate::platform::now_millis();
        lock::set_last_active(session.session_id, now);
        self.last_written.set_value(now);
        lock::set_locked(session.session_id, false);
        self.locked.set(false);
    }
}
