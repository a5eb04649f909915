//! What other apps shared into Weft, waiting on this device. The service worker
//! (`public/sw.js`, `receiveShare`) keeps each share in Cache Storage under
//! `/share-inbox/<id>` (its words and the list of its files) and `/share-inbox/<id>/<n>` (each
//! file) until the member sends or discards it; signing out deletes it with the member's data.

use crate::platform::call_promise;
use js_sys::{Array, Reflect};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

/// The Cache Storage name the service worker keeps shares in.
pub const SHARE_CACHE: &str = "weft-share";
const INBOX_PATH: &str = "/share-inbox/";
/// At most this many files are sent from one share.
pub const MAX_SHARED_FILES: usize = 10;

/// One file of a share, as the sharing app named it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SharedFile {
    pub name: String,
    #[serde(rename = "type", default)]
    pub mime: String,
    pub size: u64,
}

/// One share: its words and its files (read separately with [`file`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Share {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub files: Vec<SharedFile>,
    #[serde(default)]
    pub received_at: i64,
}

impl Share {
    /// The message the shared words make: title, text and link, one per line, each left out
    /// when another part already holds it (apps often put the link inside the text, or repeat
    /// the title).
    pub fn message(&self) -> String {
        let parts: Vec<&str> = [self.title.trim(), self.text.trim(), self.url.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect();
        let mut lines: Vec<&str> = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            let inside_another = parts
                .iter()
                .enumerate()
                .any(|(other_index, other)| other_index != index && other.len() > part.len() && other.contains(part));
            if !inside_another && !lines.contains(part) {
                lines.push(part);
            }
        }
        lines.join("\n")
    }
}

/// Whether `id` can name a share (the service worker makes them of lowercase letters, digits
/// and one hyphen); anything else in the address is ignored.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The share cache, if the service worker ever made one (opening makes it, so look first).
async fn open_cache() -> Result<Option<JsValue>, JsValue> {
    let Some(window) = web_sys::window() else { return Ok(None) };
    let caches = Reflect::get(&window, &"caches".into())?;
    if caches.is_undefined() || !call_promise(&caches, "has", &[SHARE_CACHE.into()]).await?.is_truthy() {
        return Ok(None);
    }
    Ok(Some(call_promise(&caches, "open", &[SHARE_CACHE.into()]).await?))
}

async fn cached(cache: &JsValue, path: &str) -> Result<Option<JsValue>, JsValue> {
    let response = call_promise(cache, "match", &[path.into()]).await?;
    Ok((!response.is_undefined()).then_some(response))
}

/// The share `id`, or None when it is not (or no longer) on this device.
pub async fn open(id: &str) -> Result<Option<Share>, JsValue> {
    if !valid_id(id) {
        return Ok(None);
    }
    let Some(cache) = open_cache().await? else { return Ok(None) };
    let Some(response) = cached(&cache, &format!("{INBOX_PATH}{id}")).await? else { return Ok(None) };
    let text = call_promise(&response, "text", &[]).await?.as_string().unwrap_or_default();
    serde_json::from_str(&text).map(Some).map_err(|error| JsValue::from_str(&format!("unreadable share: {error}")))
}

/// The id of the share received last, if any waits.
pub async fn newest() -> Result<Option<String>, JsValue> {
    let Some(cache) = open_cache().await? else { return Ok(None) };
    let requests: Array = call_promise(&cache, "keys", &[]).await?.unchecked_into();
    let mut best: Option<(i64, String)> = None;
    for request in requests.iter() {
        let url = Reflect::get(&request, &"url".into())?.as_string().unwrap_or_default();
        let Some(id) = url.split(INBOX_PATH).nth(1).filter(|rest| valid_id(rest)) else { continue };
        if let Some(share) = open(id).await?
            && best.as_ref().is_none_or(|(at, _)| share.received_at > *at)
        {
            best = Some((share.received_at, id.to_owned()));
        }
    }
    Ok(best.map(|(_, id)| id))
}

/// The bytes of file `index` of share `id`, or None when they are gone.
pub async fn file(id: &str, index: usize) -> Result<Option<web_sys::Blob>, JsValue> {
    if !valid_id(id) {
        return Ok(None);
    }
    let Some(cache) = open_cache().await? else { return Ok(None) };
    let Some(response) = cached(&cache, &format!("{INBOX_PATH}{id}/{index}")).await? else { return Ok(None) };
    Ok(Some(call_promise(&response, "blob", &[]).await?.unchecked_into()))
}

/// Removes share `id` and its files from the device.
pub async fn discard(id: &str) -> Result<(), JsValue> {
    if !valid_id(id) {
        return Ok(());
    }
    let Some(cache) = open_cache().await? else { return Ok(()) };
    let requests: Array = call_promise(&cache, "keys", &[]).await?.unchecked_into();
    let own = format!("{INBOX_PATH}{id}");
    for request in requests.iter() {
        let url = Reflect::get(&request, &"url".into())?.as_string().unwrap_or_default();
        let path = url.find(INBOX_PATH).map(|at| &url[at..]).unwrap_or_default();
        if path == own || path.starts_with(&format!("{own}/")) {
            call_promise(&cache, "delete", &[request]).await?;
        }
    }
    Ok(())
}
