//! What a confidential view listens for while it is open: copy and cut anywhere the selection
//! touches the view (the clipboard gets nothing), screenshot shortcuts, the window losing focus
//! or the page being hidden, and printing. Each is handed to the view as a [`Seen`]; reports to
//! the server are limited to one per kind every [`REPORT_EVERY_MS`] by [`RateLimit`].

use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{EventTarget, HtmlElement};
use weft_protocol::confidential::DeterrentKind;

/// Shortest time between two reports of one kind.
pub const REPORT_EVERY_MS: f64 = 5_000.0;

/// Allows one report per kind every [`REPORT_EVERY_MS`].
#[derive(Debug, Default)]
pub struct RateLimit {
    last: HashMap<DeterrentKind, f64>,
}

impl RateLimit {
    /// Whether a report of `kind` at `now` (ms) may go; remembers it when it may.
    pub fn allow(&mut self, kind: DeterrentKind, now: f64) -> bool {
        match self.last.get(&kind) {
            Some(at) if now - at < REPORT_EVERY_MS => false,
            _ => {
                self.last.insert(kind, now);
                true
            }
        }
    }
}

/// PrintScreen, Win/Meta+Shift+S, Cmd+Shift+3/4/5.
pub fn is_screenshot_shortcut(key: &str, code: &str, meta: bool, shift: bool) -> bool {
    key == "PrintScreen"
        || code == "PrintScreen"
        || (meta && shift && matches!(code, "KeyS" | "Digit3" | "Digit4" | "Digit5"))
        || (meta && shift && matches!(key, "s" | "S" | "3" | "4" | "5" | "#" | "$" | "%"))
}

/// What the listeners saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    Copy,
    Screenshot,
    /// Window blurred or page hidden.
    Hidden,
    Print,
}

type Listener = (EventTarget, &'static str, Closure<dyn FnMut(web_sys::Event)>, bool);

/// The installed listeners; dropping it removes them.
pub struct Deterrents {
    listeners: Vec<Listener>,
}

impl Deterrents {
    /// Listens on the window and document for what concerns `view`.
    pub fn install(view: HtmlElement, on_seen: impl Fn(Seen) + Clone + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        let document = window.document()?;
        let mut listeners: Vec<Listener> = Vec::new();
        let mut add = |target: &EventTarget, name: &'static str, capture: bool, f: Box<dyn FnMut(web_sys::Event)>| {
            let closure = Closure::wrap(f);
            let _ = target.add_event_listener_with_callback_and_bool(name, closure.as_ref().unchecked_ref(), capture);
            listeners.push((target.clone(), name, closure, capture));
        };
        for name in ["copy", "cut"] {
            let (view, on_seen) = (view.clone(), on_seen.clone());
            add(
                document.as_ref(),
                name,
                true,
                Box::new(move |event| {
                    if !touches(&view, &event) {
                        return;
                    }
                    if let Some(event) = event.dyn_ref::<web_sys::ClipboardEvent>()
                        && let Some(data) = event.clipboard_data()
                    {
                        let _ = data.clear_data();
                        let _ = data.set_data("text/plain", "");
                    }
                    event.prevent_default();
                    event.stop_propagation();
                    on_seen(Seen::Copy);
                }),
            );
        }
        for name in ["keydown", "keyup"] {
            let on_seen = on_seen.clone();
            add(
                window.as_ref(),
                name,
                true,
                Box::new(move |event| {
                    if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>()
                        && is_screenshot_shortcut(&key.key(), &key.code(), key.meta_key(), key.shift_key())
                    {
                        on_seen(Seen::Screenshot);
                    }
                }),
            );
        }
        {
            let on_seen = on_seen.clone();
            add(window.as_ref(), "blur", false, Box::new(move |_| on_seen(Seen::Hidden)));
        }
        {
            let (on_seen, document) = (on_seen.clone(), document.clone());
            add(
                document.clone().as_ref(),
                "visibilitychange",
                false,
                Box::new(move |_| {
                    if document.hidden() {
                        on_seen(Seen::Hidden);
                    }
                }),
            );
        }
        add(window.as_ref(), "beforeprint", false, Box::new(move |_| on_seen(Seen::Print)));
        Some(Self { listeners })
    }
}

/// Whether a copy concerns the view: it happened inside it, or the selection reaches into it.
fn touches(view: &HtmlElement, event: &web_sys::Event) -> bool {
    let inside =
        event.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()).is_some_and(|node| view.contains(Some(&node)));
    let selected = web_sys::window()
        .and_then(|w| w.get_selection().ok().flatten())
        .is_some_and(|s| s.contains_node_with_allow_partial_containment(view, true).unwrap_or(false));
    inside || selected
}

impl Drop for Deterrents {
    fn drop(&mut self) {
        for (target, name, closure, capture) in &self.listeners {
            let _ =
                target.remove_event_listener_with_callback_and_bool(name, closure.as_ref().unchecked_ref(), *capture);
        }
    }
}
