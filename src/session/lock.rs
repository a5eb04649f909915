//! The idle lock's state: when the member last used the app, and whether the screen is locked.
//! Both are kept in local storage under the session's id, so neither a reload nor another tab
//! unlocks the screen or forgets how long the app has been idle; a wipe removes them.

use weft_protocol::{Millis, SessionId};

fn locked_key(session: SessionId) -> String {
    format!("weft.locked.{session}")
}

fn active_key(session: SessionId) -> String {
    format!("weft.active.{session}")
}

pub fn is_locked(session: SessionId) -> bool {
    crate::platform::local_get(&locked_key(session)).is_some()
}

pub fn set_locked(session: SessionId, locked: bool) {
    if locked {
        crate::platform::local_set(&locked_key(session), "1");
    } else {
        crate::platform::local_remove(&locked_key(session));
    }
}

/// True when `key` holds a lock state (other tabs follow a lock or an unlock).
pub fn is_lock_key(key: &str) -> bool {
    key.starts_with("weft.locked.")
}

/// When the member last used the app in this tab (`None` before the first use).
pub fn last_active(session: SessionId) -> Option<Millis> {
    crate::platform::local_get(&active_key(session)).and_then(|v| v.parse().ok())
}

pub fn set_last_active(session: SessionId, at: Millis) {
    crate::platform::local_set(&active_key(session), &at.to_string());
}

/// What idleness means after `idle_ms` without input, under `lock_after_minutes` and
/// `sign_out_after_minutes` (0: never).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idleness {
    Active,
    Lock,
    SignOut,
}

pub fn idleness(idle_ms: Millis, lock_after_minutes: u32, sign_out_after_minutes: u32) -> Idleness {
    let past = |minutes: u32| minutes > 0 && idle_ms >= Millis::from(minutes) * 60_000;
    if past(sign_out_after_minutes) {
        Idleness::SignOut
    } else if past(lock_after_minutes) {
        Idleness::Lock
    } else {
        Idleness::Active
    }
}
