//! The Weft workspace API server: `app(state)` builds the whole HTTP surface (API under
//! `/api/v1`, the live socket, and the built app), so tests drive exactly what runs.

pub mod approvals;
pub mod auth;
pub mod blobs;
pub mod csv_io;
pub mod directory;
pub mod domain;
pub mod error;
pub mod extract;
pub mod hub;
mod routes;
pub mod search_keys;
pub mod seed;
pub mod seed_bench;
pub mod static_files;
pub mod store;
pub mod thumbnails;
/// The directory's visibility rules live in the domain layer; this path stays for older code.
pub use domain::visibility;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, Uri, header};
use error::ApiError;
use hub::Hub;
use static_files::Assets;
use std::sync::Arc;
use std::time::Duration;
use store::{Store, StoreResult};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted by any route.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Images decoded for thumbnails at once: each may hold up to `thumbnails::MAX_DECODE_BYTES`.
pub const THUMBNAIL_DECODES: usize = 2;

/// Everything a request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub hub: Hub,
    pub limiter: Arc<auth::LoginLimiter>,
    pub assets: Arc<Assets>,
    pub limits: store::Limits,
    /// Uploaded files' bytes.
    pub blobs: Arc<blobs::BlobStore>,
    /// Signs download links (random per process).
    pub url_key: Arc<[u8; 32]>,
    /// Makes image thumbnails, a few at a time.
    pub thumbnails: Arc<thumbnails::Thumbnailer>,
}

impl AppState {
    /// State with the default sign-in limits: per 15 minutes, 10 failures per account and 50 per address.
    pub fn new(store: Arc<dyn Store>, assets: Assets, blobs: blobs::BlobStore) -> Self {
        let hub = Hub::new();
        // New messages are announced to the hub in feed order, rendered once (see `hub`).
        store.set_feed_listener(Arc::new(hub.clone()));
        Self {
            store,
            hub,
            limiter: Arc::new(auth::LoginLimiter::new(Duration::from_secs(15 * 60), 10, 50)),
            assets: Arc::new(assets),
            limits: store::Limits::default(),
            blobs: Arc::new(blobs),
            url_key: Arc::new(auth::new_signing_key()),
            thumbnails: Arc::new(thumbnails::Thumbnailer::new(THUMBNAIL_DECODES)),
        }
    }

    /// Runs a store call on the blocking pool (the store does synchronous I/O).
    pub async fn db<T, F>(&self, call: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> StoreResult<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        Ok(tokio::task::spawn_blocking(move || call(store.as_ref())).await??)
    }
}

/// The whole server as one router.
pub fn app(state: AppState) -> Router {
    let csp = state.assets.csp();
    let api = routes::api()
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    Router::new()
        .nest("/api/v1", api)
        .fallback(serve_app)
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
}

async fn serve_app(
    axum::extract::State(state): axum::extract::State<AppState>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let accept_encoding = headers.get(header::ACCEPT_ENCODING).and_then(|value| value.to_str().ok());
    state.assets.respond(&method, &uri, accept_encoding)
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_millis() -> weft_protocol::Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
