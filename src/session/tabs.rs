//! The app's other tabs in this browser. A "my device" session is shared by every tab through
//! local storage, so a sign-out (or a new token) in one tab reaches the others through the
//! `storage` event, and they close their database at once so its deletion is not blocked. A
//! shared-device session belongs to one tab: while it lives, the tab holds a Web Lock named
//! after its database, so a start-up elsewhere never deletes a database that is still in use.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A session change another tab made: the session kept in local storage now (or none).
pub fn on_session_changed_elsewhere(handler: impl Fn(Option<super::Session>) + 'static) {
    let Some(window) = web_sys::window() else { return };
    let listener = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
        // `key` is null when another tab cleared the whole storage.
        let relevant = event.key().is_none_or(|key| super::Session::is_storage_key(&key));
        if relevant {
            handler(super::Session::load());
        }
    });
    let _ = window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
    // Lives as long as the page.
    listener.forget();
}

/// A held Web Lock; released by [`DatabaseLock::release`] or when the tab goes away.
pub struct DatabaseLock {
    release: Option<Function>,
}

impl DatabaseLock {
    pub fn release(mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

fn lock_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined()).then_some(locks)
}

/// Holds a lock named after `database` for as long as this tab uses it.
pub fn hold_database(database: &str) -> DatabaseLock {
    let Some(locks) = lock_manager() else { return DatabaseLock { release: None } };
    let mut release = None;
    // The lock is held until this promise settles.
    let held = Promise::new(&mut |resolve, _reject| release = Some(resolve));
    let callback = Closure::once_into_js(move |_lock: JsValue| held);
    let request = Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    if let Some(request) = request {
        let _ = request.call2(&locks, &database.into(), &callback);
    }
    DatabaseLock { release }
}

/// The databases some tab of this browser holds a lock on.
pub async fn held_databases() -> Vec<String> {
    let Some(locks) = lock_manager() else { return Vec::new() };
    let Ok(state) = crate::platform::call_promise(&locks, "query", &[]).await else { return Vec::new() };
    let held: Array = Reflect::get(&state, &"held".into()).map(JsCast::unchecked_into).unwrap_or_default();
    held.iter().filter_map(|lock| Reflect::get(&lock, &"name".into()).ok()?.as_string()).collect()
}
