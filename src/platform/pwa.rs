//! Progressive-web-app glue: registers the service worker (`/sw.js`, generated at build with the
//! hashed file names of the app shell and of every lazily loaded chunk) so the app opens offline,
//! on any screen, and can be installed, and tells the member when a newer version has taken over
//! so they can reload into it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;

/// Registers `/sw.js` for the whole origin. Failure (e.g. an old browser) only costs offline start.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let promise = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = JsFuture::from(promise).await {
            web_sys::console::warn_2(&"Weft: service worker registration failed".into(), &error);
        }
    });
}

/// Sets `update_ready` when a new service worker takes control of a page that already had one
/// (a new build was deployed). The first install, which also changes the controller, is ignored.
pub fn watch_for_updates(update_ready: RwSignal<bool>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    if container.controller().is_none() {
        return;
    }
    let on_change = Closure::<dyn FnMut()>::new(move || update_ready.set(true));
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    // Lives as long as the page.
    on_change.forget();
}

/// Reloads the page into the new version.
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
