//! The signed-in session: who is signed in on this browser, with which token and under which
//! terms (device mode, lock and idle minutes). A session on "my device" is kept in local storage
//! so the installed app opens signed in, offline included; a shared-device session lives in this
//! tab's memory only, so closing the tab leaves nothing usable behind.
//!
//! Beside it: `kiosk` (a browser enrolled as a shared terminal), `wipe` (removing everything of
//! a person from the browser), `pending` (sign-outs and wipe reports the server has not heard
//! yet), `tabs` (telling the app's other tabs), `lock` (the idle lock's state), `pin` (the
//! quick-unlock PIN of a shared session) and `recent` (the recent names of a shared device).

pub mod kiosk;
pub mod lock;
pub mod pending;
pub mod pin;
pub mod recent;
pub mod tabs;
pub mod wipe;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use weft_protocol::SessionId;
use weft_protocol::auth::{DeviceMode, Lifetimes, MemberProfile, SessionTerms};

const SESSION_KEY: &str = "weft.session";
/// Prefix of the device databases of shared-device sessions (one per session, key in memory).
pub const SHARED_DATABASE_PREFIX: &str = "weft-shared-";

/// A signed-in member on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub session_id: SessionId,
    pub me: MemberProfile,
    /// The terms the server gave the session (absent in sessions kept by earlier versions until
    /// the server is asked again).
    #[serde(default)]
    pub terms: Option<SessionTerms>,
}

impl Session {
    /// The session kept on this device ("my device" sessions only).
    pub fn load() -> Option<Self> {
        crate::platform::local_get(SESSION_KEY).and_then(|text| serde_json::from_str(&text).ok())
    }

    /// Keeps a "my device" session in local storage; a shared one is never written anywhere.
    pub fn save(&self) {
        if self.is_shared() {
            Self::forget();
            // Nor is its lock state (a reload ends the session anyway).
            lock::keep_in_memory(self.session_id);
            return;
        }
        if let Ok(text) = serde_json::to_string(self) {
            crate::platform::local_set(SESSION_KEY, &text);
        }
    }

    pub fn forget() {
        crate::platform::local_remove(SESSION_KEY);
    }

    /// True when `key` is where sessions are kept (other tabs watch it to follow a sign-out).
    pub fn is_storage_key(key: &str) -> bool {
        key == SESSION_KEY
    }

    pub fn mode(&self) -> DeviceMode {
        self.terms.map(|t| t.mode).unwrap_or_default()
    }

    pub fn is_shared(&self) -> bool {
        self.mode() == DeviceMode::Shared
    }

    /// Whether the workspace's offline-copy policy lets this device keep chats (yes while the
    /// server has not said).
    pub fn keeps_chats_offline(&self) -> bool {
        self.terms.is_none_or(|terms| terms.offline_copy)
    }

    /// Whether the workspace lets this member share messages to other apps (yes while the
    /// server has not said; it is asked again at every share).
    pub fn shares_to_other_apps(&self) -> bool {
        self.terms.is_none_or(|terms| terms.external_sharing)
    }

    /// The session's lifetimes, or the defaults of its mode while the server has not said.
    pub fn lifetimes(&self) -> Lifetimes {
        match self.terms {
            Some(terms) => terms.lifetimes,
            None if self.is_shared() => Lifetimes::SHARED_DEFAULT,
            None => Lifetimes::PERSONAL_DEFAULT,
        }
    }

    /// The name of this session's local database: per member on "my device", so two people
    /// signing in on one browser never share data; per session on a shared device, whose key
    /// is never kept, so a leftover database is recognisable and deleted at the next start.
    pub fn database_name(&self) -> String {
        if self.is_shared() {
            format!("{SHARED_DATABASE_PREFIX}{}", self.session_id)
        } else {
            format!("weft-{}", self.me.id)
        }
    }
}

/// Why a session is ending on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndCause {
    /// The member pressed Sign out.
    SignedOut,
    /// Nobody used the app for longer than the policy's idle minutes.
    Idle,
    /// The server ended it (signed out elsewhere, by an administrator, expired, disabled).
    Ended,
    /// An administrator asked this device to wipe the session's data.
    WipeRequired,
}

impl EndCause {
    /// Whether the session's token still works, so unsent writes can still be sent.
    pub fn can_still_send(self) -> bool {
        matches!(self, EndCause::SignedOut | EndCause::Idle)
    }
}

/// The session context: `None` while signed out.
#[derive(Clone, Copy)]
pub struct SessionContext(pub RwSignal<Option<Session>>);

pub fn use_session() -> SessionContext {
    use_context::<SessionContext>().expect("SessionContext is provided by App; a component was mounted outside it")
}
