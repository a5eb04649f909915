//! The watermark overlay and what keeps it in place: an element created here (not by the view,
//! so nothing else re-renders it), `aria-hidden`, taking no pointer events, above everything in
//! its container, with every property that could hide it pinned `!important` inline. A
//! MutationObserver (the overlay removed or restyled, a sibling put above it) and a check every
//! [`CHECK_MS`] (computed display, visibility, opacity, background, size, and what lies at a few
//! points of the view) put it back at once and tell the caller what was seen.

use super::watermark::Layers;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{Element, HtmlElement, MutationObserver, MutationObserverInit};

/// How often the periodic check runs.
pub const CHECK_MS: i32 = 40;
/// The overlay's class (also how tests and styles find it).
pub const OVERLAY_CLASS: &str = "watermark-overlay";
/// Marks app layers allowed above the view (dialogs, the "Show" shield).
pub const APP_LAYER_ATTR: &str = "data-app-layer";

/// Everything pinned on the overlay, before the background layers.
const PINNED: &str = "position:absolute !important;inset:0 !important;top:0 !important;left:0 !important;\
width:auto !important;height:auto !important;margin:0 !important;padding:0 !important;\
z-index:2147483647 !important;pointer-events:none !important;display:block !important;\
visibility:visible !important;opacity:1 !important;background-repeat:repeat !important;\
background-position:0 0 !important;background-color:transparent !important;\
image-rendering:pixelated !important;filter:none !important;transform:none !important;\
clip-path:none !important;mask-image:none !important;mix-blend-mode:normal !important;\
content-visibility:visible !important;border:0 !important;";

struct Inner {
    container: HtmlElement,
    overlay: HtmlElement,
    style: RefCell<String>,
    /// The overlay's `cssText` as last applied.
    applied: RefCell<String>,
    label: RefCell<String>,
    on_tamper: Box<dyn Fn(String)>,
}

impl Inner {
    fn apply(&self) {
        // Through the CSSOM: the app's Content-Security-Policy (`style-src 'self'`) ignores a
        // `style` attribute set as text.
        let _ = self.overlay.remove_attribute("style");
        let style = self.overlay.style();
        for declaration in split_declarations(&self.style.borrow()) {
            if let Some((name, value)) = declaration.split_once(':') {
                let value = value.trim().trim_end_matches("!important").trim();
                let _ = style.set_property_with_priority(name.trim(), value, "important");
            }
        }
        *self.applied.borrow_mut() = style.css_text();
        let _ = self.overlay.set_attribute("class", OVERLAY_CLASS);
        let _ = self.overlay.set_attribute("aria-hidden", "true");
        let _ = self.overlay.set_attribute("data-watermark", &self.label.borrow());
    }

    /// Finds what is wrong, puts it right, and names it (`None`: all was well).
    fn check(&self) -> Option<String> {
        let mut seen: Vec<&str> = Vec::new();
        if self.overlay.parent_element().as_ref() != Some(self.container.as_ref()) {
            seen.push("overlay removed");
        } else if self.overlay.next_element_sibling().is_some() {
            seen.push("element put above the overlay");
        }
        let attrs_ok = self.overlay.style().css_text() == *self.applied.borrow()
            && self.overlay.get_attribute("class").as_deref() == Some(OVERLAY_CLASS)
            && self.overlay.get_attribute("aria-hidden").as_deref() == Some("true")
            && self.overlay.get_attribute("data-watermark").as_deref() == Some(self.label.borrow().as_str())
            && self.overlay.get_attribute_names().length() == 4;
        if !attrs_ok {
            seen.push("overlay attributes changed");
        }
        if seen.is_empty()
            && let Some(problem) = self.computed_problem().or_else(|| self.covered())
        {
            seen.push(problem);
        }
        if seen.is_empty() {
            return None;
        }
        self.apply();
        if !self.container.is_connected() {
            return None;
        }
        let _ = self.container.append_child(&self.overlay);
        Some(seen.join(", "))
    }

    fn computed_problem(&self) -> Option<&'static str> {
        if !self.container.is_connected() {
            return None;
        }
        let style = web_sys::window()?.get_computed_style(&self.overlay).ok()??;
        let value = |name: &str| style.get_property_value(name).unwrap_or_default();
        if value("display") == "none" {
            return Some("display none");
        }
        if value("visibility") != "visible" {
            return Some("visibility hidden");
        }
        if value("opacity") != "1" {
            return Some("opacity changed");
        }
        if !value("background-image").contains("url(") {
            return Some("background removed");
        }
        let (own, outer) = (self.overlay.get_bounding_client_rect(), self.container.get_bounding_client_rect());
        if (own.width() - outer.width()).abs() > 2.0 || (own.height() - outer.height()).abs() > 2.0 {
            return Some("overlay resized");
        }
        None
    }

    /// Something outside the view lies over it at one of a few points: it is hidden.
    fn covered(&self) -> Option<&'static str> {
        let document = web_sys::window()?.document()?;
        let rect = self.container.get_bounding_client_rect();
        if rect.width() < 4.0 || rect.height() < 4.0 {
            return None;
        }
        let mut found = None;
        for (fx, fy) in [(0.5, 0.5), (0.2, 0.2), (0.8, 0.2), (0.2, 0.8), (0.8, 0.8)] {
            let (x, y) = (rect.left() + rect.width() * fx, rect.top() + rect.height() * fy);
            let Some(hit) = document.element_from_point(x as f32, y as f32) else { continue };
            if self.container.contains(Some(&hit)) || is_app_layer(&hit) {
                continue;
            }
            if hit.contains(Some(&self.container)) {
                // An ancestor: the point lies outside the visible part of the view (scrolled).
                continue;
            }
            if let Some(hit) = hit.dyn_ref::<HtmlElement>() {
                let _ = hit.style().set_property_with_priority("display", "none", "important");
            }
            found = Some("covering element");
        }
        found
    }
}

/// Splits `a:b !important;c:url("data:…;base64,…") !important;` at the semicolons outside quotes.
fn split_declarations(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in css.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => {
                if !current.trim().is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

fn is_app_layer(element: &Element) -> bool {
    element
        .closest(&format!("[{APP_LAYER_ATTR}], dialog[open], [aria-modal='true'], .lock-screen, .modal-backdrop"))
        .ok()
        .flatten()
        .is_some()
}

/// A guarded overlay inside `container` (which should be `position:relative` and must not be a
/// stacking context of its own). Dropping it stops the guard and removes the overlay.
pub struct WatermarkGuard {
    inner: Rc<Inner>,
    observer: MutationObserver,
    interval: i32,
    _observe: Closure<dyn FnMut(js_sys::Array, MutationObserver)>,
    _tick: Closure<dyn FnMut()>,
}

impl WatermarkGuard {
    /// Creates the overlay with `layers` and starts guarding it; `on_tamper` hears what was
    /// seen each time it had to be put back.
    pub fn start(
        container: HtmlElement,
        layers: &Layers,
        label: String,
        on_tamper: impl Fn(String) + 'static,
    ) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let overlay: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
        let inner = Rc::new(Inner {
            container,
            overlay,
            style: RefCell::new(format!("{PINNED}{}", layers.css())),
            applied: RefCell::default(),
            label: RefCell::new(label),
            on_tamper: Box::new(on_tamper),
        });
        inner.apply();
        inner.container.append_child(&inner.overlay).ok()?;

        let run = {
            let inner = Rc::clone(&inner);
            move || {
                if let Some(seen) = inner.check() {
                    (inner.on_tamper)(seen);
                }
            }
        };
        let observe = {
            let run = run.clone();
            Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(move |_records, observer: MutationObserver| {
                observer.take_records();
                run();
                observer.take_records();
            })
        };
        let observer = MutationObserver::new(observe.as_ref().unchecked_ref()).ok()?;
        let children = MutationObserverInit::new();
        children.set_child_list(true);
        observer.observe_with_options(&inner.container, &children).ok()?;
        let attributes = MutationObserverInit::new();
        attributes.set_attributes(true);
        observer.observe_with_options(&inner.overlay, &attributes).ok()?;
        let tick = Closure::<dyn FnMut()>::new(run);
        let interval = web_sys::window()?
            .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), CHECK_MS)
            .ok()?;
        Some(Self { inner, observer, interval, _observe: observe, _tick: tick })
    }

    /// New background layers (a new mark, or the minute changed) and label.
    pub fn update(&self, layers: &Layers, label: String) {
        *self.inner.style.borrow_mut() = format!("{PINNED}{}", layers.css());
        *self.inner.label.borrow_mut() = label;
        self.inner.apply();
        self.observer.take_records();
    }

    /// The overlay element (for tests).
    pub fn overlay(&self) -> HtmlElement {
        self.inner.overlay.clone()
    }
}

impl Drop for WatermarkGuard {
    fn drop(&mut self) {
        self.observer.disconnect();
        if let Some(window) = web_sys::window() {
            window.clear_interval_with_handle(self.interval);
        }
        self.inner.overlay.remove();
    }
}
