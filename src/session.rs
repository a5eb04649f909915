//! The signed-in session: who is signed in on this browser and with which token. Kept in local
//! storage so the installed app opens signed in, offline included.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use weft_protocol::SessionId;
use weft_protocol::auth::MemberProfile;

const SESSION_KEY: &str = "weft.session";

/// A signed-in member on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub session_id: SessionId,
    pub me: MemberProfile,
}

impl Session {
    pub fn load() -> Option<Self> {
        crate::platform::local_get(SESSION_KEY).and_then(|text| serde_json::from_str(&text).ok())
    }

    pub fn save(&self) {
        if let Ok(text) = serde_json::to_string(self) {
            crate::platform::local_set(SESSION_KEY, &text);
        }
    }

    pub fn forget() {
        crate::platform::local_remove(SESSION_KEY);
    }

    /// The name of this member's local database: per member, so two people signing in on one
    /// browser never share data.
    pub fn database_name(&self) -> String {
        format!("weft-{}", self.me.id)
    }
}

/// The session context: `None` while signed out.
#[derive(Clone, Copy)]
pub struct SessionContext(pub RwSignal<Option<Session>>);

pub fn use_session() -> SessionContext {
    use_context::<SessionContext>().expect("SessionContext is provided by App; a component was mounted outside it")
}
