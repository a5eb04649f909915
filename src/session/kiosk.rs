//! Kiosk enrolment: a browser set up as a shared terminal with an enrolment code an
//! administrator created. The code and its label stay in local storage (they name the
//! terminal, not a person, and survive every sign-out); every sign-in from it sends the code,
//! so its sessions are always shared.

use serde::{Deserialize, Serialize};

const KIOSK_KEY: &str = "weft.kiosk";

/// This browser's enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskEnrolment {
    pub code: String,
    /// The terminal's name as the administrator gave it ("Front desk 2").
    pub label: String,
}

impl KioskEnrolment {
    pub fn load() -> Option<Self> {
        crate::platform::local_get(KIOSK_KEY).and_then(|text| serde_json::from_str(&text).ok())
    }

    pub fn save(&self) {
        if let Ok(text) = serde_json::to_string(self) {
            crate::platform::local_set(KIOSK_KEY, &text);
        }
    }

    /// Ends the enrolment (the code was revoked, or the browser is given back to one person).
    pub fn forget() {
        crate::platform::local_remove(KIOSK_KEY);
    }

    /// The storage key, which a wipe keeps (it belongs to the terminal, not to a person).
    pub fn storage_key() -> &'static str {
        KIOSK_KEY
    }
}

/// What a typed enrolment code looks like once cleaned: no surrounding spaces, and `None` when
/// nothing is left.
pub fn clean_code(typed: &str) -> Option<String> {
    let code = typed.trim();
    (!code.is_empty()).then(|| code.to_owned())
}
