//! The colour theme: the device's (light or dark, as the system says), or light or dark chosen
//! by the member on the Me page. The choice is remembered on this device and applied as
//! `data-theme` on the root element, which the stylesheet's dark and light rules follow.

/// A colour theme choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Follow the device (`prefers-color-scheme`).
    System,
    Light,
    Dark,
}

const THEME_KEY: &str = "weft.theme";

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The remembered choice (the device's theme when none was made).
    pub fn load() -> Self {
        match super::local_get(THEME_KEY).as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn code(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// Remembers the choice and applies it to the page.
    pub fn choose(self) {
        match self.code() {
            Some(code) => super::local_set(THEME_KEY, code),
            None => super::local_remove(THEME_KEY),
        }
        self.apply();
    }

    /// Sets (or, for the device's theme, removes) `data-theme` on the root element.
    pub fn apply(self) {
        let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return;
        };
        let _ = match self.code() {
            Some(code) => root.set_attribute("data-theme", code),
            None => root.remove_attribute("data-theme"),
        };
    }
}
