//! Progressive-web-app glue: registers the service worker (`/sw.js`, generated at build with the
//! hashed file names of the app shell) so the app opens offline and can be installed.

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
