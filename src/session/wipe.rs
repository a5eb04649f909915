//! Removing everything of a person from this browser when their session ends: their device
//! database, Cache Storage entries other than the app's own shell, the app's local and session
//! storage keys (the language, a kiosk enrolment and calls still owed to the server stay), the
//! notifications shown for them and the app icon's unread badge. Also, at start, the databases
//! left by shared-device sessions whose tab is gone (their key died with the tab, so nothing in
//! them is readable).

use crate::platform::call_promise;
use crate::store::IdbStore;
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Cache Storage names the app's service worker owns: the built app, nobody's data.
const SHELL_CACHE_PREFIX: &str = "weft-shell-";
/// Prefix of every storage key the app writes.
const APP_KEY_PREFIX: &str = "weft.";
const LANGUAGE_KEY: &str = "weft.lang";

/// Wipes everything of the person whose device database is `database`. Each part is attempted
/// even when another fails; failures are logged.
pub async fn wipe_person(database: &str) {
    if let Err(error) = IdbStore::delete(database).await {
        crate::platform::log_error(&format!("could not delete the device copy {database}: {error}"));
    }
    clear_storage_keys();
    if let Err(error) = delete_data_caches().await {
        crate::platform::log_error(&format!("could not clear cached data: {}", describe(&error)));
    }
    if let Err(error) = close_notifications().await {
        crate::platform::log_error(&format!("could not close notifications: {}", describe(&error)));
    }
    crate::platform::set_app_badge(0).await;
}

/// Whether a storage key survives a wipe: it belongs to the browser or the terminal, not to a
/// person.
pub fn key_survives_wipe(key: &str) -> bool {
    !key.starts_with(APP_KEY_PREFIX)
        || key == LANGUAGE_KEY
        || key == super::kiosk::KioskEnrolment::storage_key()
        || key == super::pending::storage_key()
        // The recent names of a shared device stay on purpose (see `recent`); the key is also
        // outside the app's prefix.
        || key == super::recent::RECENT_KEY
}

/// Whether a Cache Storage name holds data rather than the app itself.
pub fn cache_holds_data(name: &str) -> bool {
    !name.starts_with(SHELL_CACHE_PREFIX)
}

fn clear_storage_keys() {
    let Some(window) = web_sys::window() else { return };
    for storage in [window.local_storage(), window.session_storage()].into_iter().filter_map(|s| s.ok().flatten()) {
        let count = storage.length().unwrap_or(0);
        let keys: Vec<String> = (0..count).filter_map(|i| storage.key(i).ok().flatten()).collect();
        for key in keys.iter().filter(|key| !key_survives_wipe(key)) {
            let _ = storage.remove_item(key);
        }
    }
}

async fn delete_data_caches() -> Result<(), JsValue> {
    let Some(window) = web_sys::window() else { return Ok(()) };
    let caches = Reflect::get(&window, &"caches".into())?;
    if caches.is_undefined() {
        return Ok(());
    }
    let names: Array = call_promise(&caches, "keys", &[]).await?.unchecked_into();
    for name in names.iter() {
        if name.as_string().is_some_and(|n| cache_holds_data(&n)) {
            call_promise(&caches, "delete", &[name]).await?;
        }
    }
    Ok(())
}

async fn close_notifications() -> Result<(), JsValue> {
    let Some(window) = web_sys::window() else { return Ok(()) };
    let container = window.navigator().service_worker();
    let registration = JsFuture::from(container.get_registration()).await?;
    if registration.is_undefined() || !Reflect::has(&registration, &"getNotifications".into())? {
        return Ok(());
    }
    let shown: Array = call_promise(&registration, "getNotifications", &[]).await?.unchecked_into();
    for notification in shown.iter() {
        let close: js_sys::Function = Reflect::get(&notification, &"close".into())?.unchecked_into();
        close.call0(&notification)?;
    }
    Ok(())
}

/// Deletes the databases of shared-device sessions that no open tab holds (see
/// [`super::tabs::held_databases`]).
pub async fn delete_leftover_shared_databases() {
    let held = super::tabs::held_databases().await;
    let names = match database_names().await {
        Ok(names) => names,
        Err(error) => {
            crate::platform::log_error(&format!("could not list device databases: {}", describe(&error)));
            return;
        }
    };
    for name in names.iter().filter(|n| n.starts_with(super::SHARED_DATABASE_PREFIX) && !held.contains(n)) {
        if let Err(error) = IdbStore::delete(name).await {
            crate::platform::log_error(&format!("could not delete the leftover copy {name}: {error}"));
        }
    }
}

/// The names `indexedDB.databases()` lists.
async fn database_names() -> Result<Vec<String>, JsValue> {
    let Some(window) = web_sys::window() else { return Ok(Vec::new()) };
    let factory = Reflect::get(&window, &"indexedDB".into())?;
    if factory.is_undefined() || !Reflect::has(&factory, &"databases".into())? {
        return Ok(Vec::new());
    }
    let list: Array = call_promise(&factory, "databases", &[]).await?.unchecked_into();
    Ok(list.iter().filter_map(|info| Reflect::get(&info, &"name".into()).ok()?.as_string()).collect())
}

fn describe(error: &JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
