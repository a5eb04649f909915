//! The back gesture of full-screen pages on phones: a swipe from the left edge to the right does
//! what the page's visible Back link (`a.back`) does, as members know it from their phones.
//! Where no Back link shows (desks, the chat list), a swipe does nothing.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A swipe must start this close to the left edge…
const EDGE_PX: i32 = 32;
/// …travel at least this far right…
const MIN_TRAVEL_PX: i32 = 72;
/// …and mostly sideways (vertical travel at most half the horizontal).
const MAX_SLOPE: f64 = 0.5;

/// Where an edge swipe started, while one is under way.
#[derive(Clone, Copy)]
pub struct EdgeSwipe(StoredValue<Option<(i32, i32)>>);

impl Default for EdgeSwipe {
    fn default() -> Self {
        Self::new()
    }
}

impl EdgeSwipe {
    pub fn new() -> Self {
        Self(StoredValue::new(None))
    }

    pub fn start(self, event: &web_sys::TouchEvent) {
        let touches = event.touches();
        let at_edge = (touches.length() == 1)
            .then(|| touches.get(0))
            .flatten()
            .filter(|touch| touch.client_x() <= EDGE_PX)
            .map(|touch| (touch.client_x(), touch.client_y()));
        self.0.set_value(at_edge);
    }

    pub fn end(self, event: &web_sys::TouchEvent) {
        let Some((x0, y0)) = self.0.get_value() else { return };
        self.0.set_value(None);
        let Some(touch) = event.changed_touches().get(0) else { return };
        if is_back_swipe(touch.client_x() - x0, touch.client_y() - y0) {
            press_visible_back_link();
        }
    }

    pub fn cancel(self) {
        self.0.set_value(None);
    }
}

/// Whether a finger that moved (dx, dy) from the left edge means "back".
pub fn is_back_swipe(dx: i32, dy: i32) -> bool {
    dx >= MIN_TRAVEL_PX && f64::from(dy.abs()) <= f64::from(dx) * MAX_SLOPE
}

fn press_visible_back_link() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    // One page shows beside (on phones: instead of) the list; its header holds the Back link.
    let shown = document
        .query_selector(".shell a.back")
        .ok()
        .flatten()
        .and_then(|link| link.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|link| link.offset_parent().is_some());
    if let Some(link) = shown {
        link.click();
    }
}
