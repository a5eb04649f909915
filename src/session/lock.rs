//! The idle lock's state: when the member last used the app, and whether the screen is locked.
//! For a "my device" session both are kept in local storage under the session's id, so neither a
//! reload nor another tab unlocks the screen or forgets how long the app has been idle; a wipe
//! removes them. A shared-device session ends with its tab (a reload signs it out), so its state
//! is kept in the tab's memory only and leaves nothing on disk.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use weft_protocol::{Millis, SessionId};

thread_local! {
    static MEMORY_ONLY: RefCell<HashSet<SessionId>> = RefCell::new(HashSet::new());
    static IN_MEMORY: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Keeps the lock state of `session` (a shared-device session) in this tab's memory only.
pub fn keep_in_memory(session: SessionId) {
    MEMORY_ONLY.with_borrow_mut(|ids| ids.insert(session));
}

fn in_memory(session: SessionId) -> bool {
    MEMORY_ONLY.with_borrow(|ids| ids.contains(&session))
}

fn get(session: SessionId, key: &str) -> Option<String> {
    if in_memory(session) {
        IN_MEMORY.with_borrow(|values| values.get(key).cloned())
    } else {
        crate::platform::local_get(key)
    }
}

fn set(session: SessionId, key: &str, value: Option<&str>) {
    match (in_memory(session), value) {
        (true, Some(value)) => {
            IN_MEMORY.with_borrow_mut(|values| values.insert(key.to_owned(), value.to_owned()));
        }
        (true, None) => {
            IN_MEMORY.with_borrow_mut(|values| values.remove(key));
        }
        (false, Some(value)) => crate::platform::local_set(key, value),
        (false, None) => crate::platform::local_remove(key),
    }
}

fn locked_key(session: SessionId) -> String {
    format!("weft.locked.{session}")
}

fn active_key(session: SessionId) -> String {
    format!("weft.active.{session}")
}

pub fn is_locked(session: SessionId) -> bool {
    get(session, &locked_key(session)).is_some()
}

pub fn set_locked(session: SessionId, locked: bool) {
    set(session, &locked_key(session), locked.then_some("1"));
}

/// Forgets the lock state of a session that ended.
pub fn forget(session: SessionId) {
    set(session, &locked_key(session), None);
    set(session, &active_key(session), None);
    MEMORY_ONLY.with_borrow_mut(|ids| ids.remove(&session));
}

/// True when `key` holds a lock state (other tabs follow a lock or an unlock).
pub fn is_lock_key(key: &str) -> bool {
    key.starts_with("weft.locked.")
}

/// When the member last used the app in this tab (`None` before the first use).
pub fn last_active(session: SessionId) -> Option<Millis> {
    get(session, &active_key(session)).and_then(|v| v.parse().ok())
}

pub fn set_last_active(session: SessionId, at: Millis) {
    set(session, &active_key(session), Some(&at.to_string()));
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
