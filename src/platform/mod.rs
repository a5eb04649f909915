//! Small wrappers over browser APIs the app uses in several places: local storage, time, ids;
//! the service worker in `pwa`, the Push API in `push`.

pub mod push;
pub mod pwa;
pub mod theme;

use weft_protocol::{ClientId, Millis};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn local_get(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

pub fn local_set(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn local_remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Puts `text` on the clipboard; false when the browser refused.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Ok(clipboard) = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()) else { return false };
    if clipboard.is_undefined() {
        return false;
    }
    call_promise(&clipboard, "writeText", &[text.into()]).await.is_ok()
}

/// The address this app was loaded from (`https://weft.example.com`).
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Writes an error to the browser console (for failures the member is told about in words).
pub fn log_error(message: &str) {
    web_sys::console::error_1(&message.into());
}

/// Every local-storage key that starts with `prefix`.
pub fn local_keys_with_prefix(prefix: &str) -> Vec<String> {
    let Some(storage) = storage() else { return Vec::new() };
    let count = storage.length().unwrap_or(0);
    (0..count).filter_map(|i| storage.key(i).ok().flatten()).filter(|key| key.starts_with(prefix)).collect()
}

/// Moves the keyboard focus to the element with `id`, after the next frame (so an element just
/// rendered is there).
pub fn focus_soon(id: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
        if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}

pub fn now_millis() -> Millis {
    js_sys::Date::now() as Millis
}

/// A fresh client id from the browser's CSPRNG.
pub fn new_client_id() -> ClientId {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    ClientId(uuid::Builder::from_random_bytes(bytes).into_uuid())
}

/// `HH:MM` in the device's time zone.
pub fn clock_time(at: Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// `YYYY-MM-DD HH:MM` in the device's time zone.
pub fn date_time(at: Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{}-{:02}-{:02} {}", date.get_full_year(), date.get_month() + 1, date.get_date(), clock_time(at))
}

/// True when the browser believes it has a network.
pub fn browser_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

/// A short description of this browser for the session list.
pub fn device_label() -> String {
    let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
    let browser = ["Edg/", "Chrome/", "Firefox/", "Safari/"]
        .iter()
        .find(|marker| agent.contains(*marker))
        .map(|marker| match *marker {
            "Edg/" => "Edge",
            "Chrome/" => "Chrome",
            "Firefox/" => "Firefox",
            _ => "Safari",
        })
        .unwrap_or("Browser");
    let os = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .iter()
        .find(|marker| agent.contains(*marker))
        .copied()
        .unwrap_or("unknown OS");
    format!("{browser} on {os}")
}

/// Calls `target[method](...args)` and awaits the promise it returns.
pub async fn call_promise(
    target: &wasm_bindgen::JsValue,
    method: &str,
    args: &[wasm_bindgen::JsValue],
) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let function: js_sys::Function = js_sys::Reflect::get(target, &method.into())?.dyn_into()?;
    let promise: js_sys::Promise = function.apply(target, &args.iter().collect::<js_sys::Array>())?.dyn_into()?;
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// Shows `count` on the app's icon (nothing for 0); browsers without badges ignore it.
pub async fn set_app_badge(count: u64) {
    let Some(window) = web_sys::window() else { return };
    let navigator: wasm_bindgen::JsValue = window.navigator().into();
    let supported = js_sys::Reflect::has(&navigator, &"setAppBadge".into()).unwrap_or(false);
    if !supported {
        return;
    }
    // Browsers refuse badges in some states (not installed, no permission); that changes nothing.
    let _ = if count == 0 {
        call_promise(&navigator, "clearAppBadge", &[]).await
    } else {
        call_promise(&navigator, "setAppBadge", &[(count as f64).into()]).await
    };
}
