//! Ending a session on this device, whatever the cause (Sign out, idle, ended by the server, a
//! wipe an administrator asked for): unsent writes are shown first and the member chooses to send
//! or discard them (never dropped silently); then the sync stops, everything of the person is
//! wiped, the other tabs follow (through the session kept in local storage), and the server is
//! told — at once, or when it can next be reached (`session::pending`).

use crate::session::pending::{self, PendingCall, PendingKind};
use crate::session::{EndCause, Session, wipe};
use crate::state::AppState;
use crate::sync::SessionOver;
use crate::sync::outbox::{DeliverOutbox, Outbox, OutboxAction, OutboxEntry};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Whether an outbox entry is something the member wrote and would miss (a read marker or a
/// mute/pin setting is not).
pub fn is_unsent_write(entry: &OutboxEntry) -> bool {
    !matches!(entry.action, OutboxAction::Read { .. } | OutboxAction::Prefs { .. })
}

/// How many writes the member would lose.
pub fn unsent_writes(outbox: &Outbox) -> usize {
    outbox.iter().filter(|entry| is_unsent_write(entry)).count()
}

impl AppState {
    /// Ends the session for `cause`; with unsent writes waiting, first asks the member (the
    /// dialog in `ui::unsent_dialog`). A wipe an administrator asked for is never held back.
    pub fn end_session(self, cause: EndCause) {
        if self.sync.session.0.with_untracked(Option::is_none) {
            return;
        }
        let unsent = self.sync.outbox.with_untracked(unsent_writes);
        if unsent > 0 && cause != EndCause::WipeRequired {
            // An earlier, weaker cause (Sign out) is replaced when the server ends the session.
            self.sync.ending.update(|ending| {
                if ending.is_none_or(|e| e.can_still_send()) {
                    *ending = Some(cause);
                }
            });
            return;
        }
        self.finish_ending(cause);
    }

    /// The member chose to discard the unsent writes: sign out now.
    pub fn discard_unsent_and_end(self) {
        let cause = self.sync.ending.get_untracked().unwrap_or(EndCause::SignedOut);
        self.finish_ending(cause);
    }

    /// The member chose to send first: deliver now; the session ends once the outbox is empty.
    pub fn send_unsent_then_end(self) {
        self.wake_outbox();
    }

    /// Called when the outbox changes: a pending sign-out goes ahead once nothing is unsent.
    pub(crate) fn continue_ending(self) {
        if let Some(cause) = self.sync.ending.get_untracked()
            && self.sync.outbox.with_untracked(unsent_writes) == 0
        {
            self.finish_ending(cause);
        }
    }

    /// The sync heard the session is over: when it is not sure why (the live socket only says
    /// it ended), the server says whether a wipe was asked for.
    pub(crate) fn session_over(self, over: SessionOver) {
        match over {
            SessionOver::Ended => self.end_session(EndCause::Ended),
            SessionOver::WipeRequired => self.end_session(EndCause::WipeRequired),
            SessionOver::Unknown => {
                let Some(api) = self.sync.api() else { return };
                spawn_local(async move {
                    let cause = match api.current_session().await {
                        Err(error) if error.is_wipe_required() => EndCause::WipeRequired,
                        _ => EndCause::Ended,
                    };
                    self.end_session(cause);
                });
            }
        }
    }

    /// Stops, wipes and tells the server and the other tabs.
    fn finish_ending(self, cause: EndCause) {
        self.sync.ending.set(None);
        let Some(session) = self.sync.session.0.get_untracked() else { return };
        let database = session.database_name();
        self.stop();
        if let Some(lock) = self.sync.database_lock.try_update_value(Option::take).flatten() {
            lock.release();
        }
        Session::forget();
        crate::session::pin::forget_pin();
        crate::session::lock::forget(session.session_id);
        self.sync.session.0.set(None);
        spawn_local(async move {
            wipe::wipe_person(&database).await;
            let kind = match cause {
                EndCause::SignedOut | EndCause::Idle => Some(PendingKind::SignOut),
                EndCause::WipeRequired => Some(PendingKind::Wiped),
                EndCause::Ended => None,
            };
            if let Some(kind) = kind {
                pending::send_or_keep(PendingCall { token: session.token, kind }).await;
            }
        });
    }

    /// Another tab signed out or in: follow it without wiping (that tab wipes) and close this
    /// tab's database at once so the deletion is not blocked.
    pub fn follow_other_tab(self, kept: Option<Session>) {
        let current = self.sync.session.0.get_untracked();
        if current.as_ref().is_some_and(Session::is_shared) {
            // A shared-device session belongs to this tab alone.
            return;
        }
        match (&current, &kept) {
            (Some(current), Some(kept)) if current.session_id == kept.session_id => {
                if current.token != kept.token {
                    self.replace_token(kept.token.clone());
                }
            }
            (None, None) => {}
            _ => {
                self.sync.ending.set(None);
                self.stop();
                self.sync.session.0.set(kept);
            }
        }
    }
}
