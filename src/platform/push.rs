//! The browser's Push API, reached through `js_sys::Reflect` (web-sys's push bindings would add
//! several features for four calls): ask for notification permission, subscribe this device
//! with the server's VAPID key — raced against a timeout, since a browser that cannot reach its
//! push service may never settle — read the current subscription, and unsubscribe.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use weft_protocol::push::PushSubscription;

/// How long subscribing may take before push counts as unavailable.
pub const SUBSCRIBE_TIMEOUT_MS: i32 = 8_000;

/// Why this device cannot receive pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushUnavailable {
    /// No service worker, Push API or Notification API here.
    Unsupported,
    /// The member (or the browser) refused notifications.
    Denied,
    /// The browser's push service did not answer in time, or failed.
    NoService,
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, PushUnavailable> {
    Reflect::get(target, &JsValue::from_str(key)).map_err(|_| PushUnavailable::Unsupported)
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(target, &JsValue::from_str(method))?.dyn_into()?;
    let list = js_sys::Array::new();
    for arg in args {
        list.push(arg);
    }
    let result = function.apply(target, &list)?;
    match result.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

/// Whether the browser has what push needs.
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let global: &JsValue = window.as_ref();
    ["PushManager", "Notification"].iter().all(|name| Reflect::has(global, &JsValue::from_str(name)).unwrap_or(false))
        && Reflect::has(&window.navigator(), &JsValue::from_str("serviceWorker")).unwrap_or(false)
}

async fn push_manager() -> Result<JsValue, PushUnavailable> {
    if !supported() {
        return Err(PushUnavailable::Unsupported);
    }
    let window = web_sys::window().ok_or(PushUnavailable::Unsupported)?;
    let ready = window.navigator().service_worker().ready().map_err(|_| PushUnavailable::Unsupported)?;
    let registration = JsFuture::from(ready).await.map_err(|_| PushUnavailable::Unsupported)?;
    get(&registration, "pushManager")
}

/// A promise rejected after `ms`.
fn timeout(ms: i32) -> Promise {
    Promise::new(&mut |_resolve, reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
        }
    })
}

fn to_subscription(value: &JsValue) -> Option<PushSubscription> {
    let json = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&json).ok()
}

/// Asks for permission (when not yet decided) and subscribes with `server_key` (base64url).
pub async fn subscribe(server_key: &str) -> Result<PushSubscription, PushUnavailable> {
    let manager = push_manager().await?;
    let window = web_sys::window().ok_or(PushUnavailable::Unsupported)?;
    let notification = get(window.as_ref(), "Notification")?;
    let permission = call(&notification, "requestPermission", &[]).await.ok().and_then(|p| p.as_string());
    if permission.as_deref() == Some("denied") {
        return Err(PushUnavailable::Denied);
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"userVisibleOnly".into(), &JsValue::TRUE);
    let _ = Reflect::set(&options, &"applicationServerKey".into(), &JsValue::from_str(server_key));
    let function: Function = get(&manager, "subscribe")?.dyn_into().map_err(|_| PushUnavailable::Unsupported)?;
    let started = function.call1(&manager, &options).map_err(|_| PushUnavailable::NoService)?;
    let started: Promise = started.dyn_into().map_err(|_| PushUnavailable::NoService)?;
    let raced = Promise::race(&js_sys::Array::of2(&started, &timeout(SUBSCRIBE_TIMEOUT_MS)));
    match JsFuture::from(raced).await {
        Ok(subscription) => {
            let json = call(&subscription, "toJSON", &[]).await.map_err(|_| PushUnavailable::NoService)?;
            to_subscription(&json).ok_or(PushUnavailable::NoService)
        }
        Err(error) => {
            let name = get(&error, "name").ok().and_then(|n| n.as_string());
            if name.as_deref() == Some("NotAllowedError") || permission_denied() {
                Err(PushUnavailable::Denied)
            } else {
                Err(PushUnavailable::NoService)
            }
        }
    }
}

fn permission_denied() -> bool {
    web_sys::window()
        .and_then(|window| Reflect::get(window.as_ref(), &"Notification".into()).ok())
        .and_then(|notification| Reflect::get(&notification, &"permission".into()).ok())
        .and_then(|permission| permission.as_string())
        .is_some_and(|permission| permission == "denied")
}

/// This device's current subscription, if it has one.
pub async fn current() -> Option<PushSubscription> {
    let manager = push_manager().await.ok()?;
    let subscription = call(&manager, "getSubscription", &[]).await.ok()?;
    if subscription.is_null() || subscription.is_undefined() {
        return None;
    }
    to_subscription(&call(&subscription, "toJSON", &[]).await.ok()?)
}

/// Unsubscribes this device; answers the endpoint it had.
pub async fn unsubscribe() -> Option<String> {
    let manager = push_manager().await.ok()?;
    let subscription = call(&manager, "getSubscription", &[]).await.ok()?;
    if subscription.is_null() || subscription.is_undefined() {
        return None;
    }
    let endpoint = get(&subscription, "endpoint").ok()?.as_string();
    let _ = call(&subscription, "unsubscribe", &[]).await;
    endpoint
}
