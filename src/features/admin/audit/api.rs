//! The audit log's calls: a page of `GET /api/v1/admin/audit`, and the CSV of
//! `GET /api/v1/admin/audit.csv` with the same filters, fetched with the session token and handed
//! to the browser as a download.

use super::model::{AuditQuery, PAGE_SIZE};
use crate::api::{Api, ApiError, decode, url};
use gloo_net::http::Request;
use wasm_bindgen::JsCast;
use weft_protocol::audit::AuditPage;

impl Api {
    /// One page of the log, newest first, older than `before` when given.
    pub async fn audit_page(&self, query: &AuditQuery, before: Option<u64>) -> Result<AuditPage, ApiError> {
        self.get(&format!("/admin/audit?{}", query.to_query(before, Some(PAGE_SIZE)))).await
    }

    /// The filtered log as the server's CSV bytes (as sent: with its byte-order mark).
    pub async fn audit_csv(&self, query: &AuditQuery) -> Result<Vec<u8>, ApiError> {
        let request = self.authorise(Request::get(&url(&format!("/admin/audit.csv?{}", query.to_query(None, None)))));
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if !response.ok() {
            return decode::<()>(response).await.map(|()| Vec::new());
        }
        response.binary().await.map_err(|err| ApiError::Decode(err.to_string()))
    }
}

/// Hands bytes to the browser as a file download (a Blob URL on a temporary link).
pub fn save_bytes(name: &str, bytes: &[u8], mime: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&href);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&href)
}
