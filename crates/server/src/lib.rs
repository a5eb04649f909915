//! The Weft workspace API server: `app(state)` builds the whole HTTP surface (API under
//! `/api/v1`, the live socket, and the built app), so tests drive exactly what runs.

pub mod approvals;
pub mod archive_tar;
pub mod audit_retention;
pub mod auth;
pub mod blobs;
pub mod clock;
pub mod csv_io;
pub mod deterrent_limit;
pub mod directory;
pub mod domain;
pub mod error;
pub mod expiry;
pub mod extract;
pub mod file_gc;
pub mod hub;
pub mod live_policies;
pub mod openapi;
pub mod openapi_page;
pub mod pdf_pages;
pub mod proxies;
pub mod public_address;
pub mod push;
pub mod robot_limit;
mod routes;
pub mod search_keys;
pub mod seed;
pub mod seed_bench;
pub mod sign_in_guard;
pub mod static_files;
pub mod store;
pub mod thumbnails;
pub mod webhook_sender;
pub mod wecom;
/// The directory's visibility rules live in the domain layer; this path stays for older code.
pub use domain::visibility;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
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
    /// Failed sign-ins per address and per account at an address.
    pub sign_in_guard: Arc<sign_in_guard::SignInGuard>,
    /// Now, for sessions (a manual clock in tests).
    pub clock: clock::Clock,
    /// Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Arc<proxies::TrustedProxies>,
    /// How often an open live socket checks that its session still admits it (idle time,
    /// lifetime, wipe request): the longest an ended session's socket stays open.
    pub session_recheck: Duration,
    pub assets: Arc<Assets>,
    /// The workspace's policies in force (recall window, group size, files); see `live_policies`.
    pub policies: Arc<live_policies::LivePolicies>,
    /// Uploaded files' bytes.
    pub blobs: Arc<blobs::BlobStore>,
    /// Signs download links (random per process).
    pub url_key: Arc<[u8; 32]>,
    /// Makes image thumbnails, a few at a time.
    pub thumbnails: Arc<thumbnails::Thumbnailer>,
    /// Spaces out the deterrent reports of confidential views.
    pub deterrents: Arc<deterrent_limit::DeterrentLimiter>,
    /// Counts each group robot's messages per minute.
    pub robots: Arc<robot_limit::RobotLimiter>,
    /// Sends outgoing webhooks' deliveries (`webhook_sender::spawn` runs it).
    pub webhooks: Arc<webhook_sender::WebhookSender>,
    /// Sends Web Push notifications of new messages (`push::spawn` runs it).
    pub push: Arc<push::PushSender>,
}

impl AppState {
    /// State with the default sign-in limits: per 15 minutes, 50 failures per address, and 5
    /// free tries per account from one address before tries from there are spaced out.
    pub fn new(store: Arc<dyn Store>, assets: Assets, blobs: blobs::BlobStore) -> Self {
        let hub = Hub::new();
        let push = Arc::new(push::PushSender::default());
        // New messages are announced to the hub in feed order, rendered once (see `hub`), and
        // queued for Web Push.
        let listeners: Vec<Arc<dyn store::FeedListener>> = vec![Arc::new(hub.clone()), push.clone()];
        store.set_feed_listener(Arc::new(push::Listeners(listeners)));
        Self {
            store,
            hub,
            sign_in_guard: Arc::new(sign_in_guard::SignInGuard::new(Duration::from_secs(15 * 60), 50, 5)),
            clock: clock::Clock::system(),
            trusted_proxies: Arc::new(proxies::TrustedProxies::default()),
            session_recheck: Duration::from_secs(30),
            assets: Arc::new(assets),
            policies: Arc::new(live_policies::LivePolicies::default()),
            blobs: Arc::new(blobs),
            url_key: Arc::new(auth::new_signing_key()),
            thumbnails: Arc::new(thumbnails::Thumbnailer::new(THUMBNAIL_DECODES)),
            deterrents: Arc::new(deterrent_limit::DeterrentLimiter::default()),
            robots: Arc::new(robot_limit::RobotLimiter::default()),
            webhooks: Arc::new(webhook_sender::WebhookSender::default()),
            push,
        }
    }

    /// The store limits of the policies in force now.
    pub fn limits(&self) -> store::Limits {
        self.policies.limits()
    }

    /// Puts the server's start-up limits (flags, or their defaults) in force, unless an
    /// administrator has saved the workspace's policies, which win.
    pub fn start_with_limits(&self, limits: store::Limits) -> Result<(), store::StoreError> {
        let saved = self.store.workspace_policies()?;
        self.policies.replace(saved.unwrap_or_else(|| domain::policies::defaults(limits)));
        Ok(())
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

    /// After a change to the directory (members or departments moved, added or removed): the
    /// confidential-chat policy applied again, then every socket woken to fetch what changed.
    pub async fn directory_changed(&self) {
        let now = self.clock.now();
        if let Err(err) = self.db(move |store| store.reapply_confidential_policy(now)).await {
            tracing::error!(error = ?err, "cannot apply the confidential policy after a directory change");
        }
        self.hub.changed_for_everyone();
    }
}

/// How long an API request may take before it is answered 503 (the live socket, uploads and
/// the CSV import are exempt: they are long by nature).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What the browser may use: no camera, microphone, location, payment or USB for this origin.
const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()";

/// HSTS for a year when the request came over HTTPS through a trusted proxy (the server itself
/// speaks plain HTTP: TLS ends at the proxy, see README "Serving it").
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The `/api/v1` router, built once per process and cloned (tests build the whole app for every
/// request, and collecting the OpenAPI description with it is not free).
fn api_router() -> Router<AppState> {
    static API: std::sync::OnceLock<Router<AppState>> = std::sync::OnceLock::new();
    API.get_or_init(|| routes::api().0).clone()
}

/// The whole server as one router.
pub fn app(state: AppState) -> Router {
    let csp = state.assets.csp();
    let published = openapi::published();
    let api = api_router()
        .route(
            openapi::DOCUMENT_PATH,
            axum::routing::get(|| std::future::ready(openapi_page::json_response(published.json.clone()))),
        )
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(axum::middleware::from_fn_with_state(state.clone(), routes::audit::record_refusals));
    let wecom = wecom::router()
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let proxies = Arc::clone(&state.trusted_proxies);
    Router::new()
        .nest("/api/v1", api)
        .nest("/cgi-bin", wecom)
        .route(
            openapi::REFERENCE_PATH,
            axum::routing::get(|| std::future::ready(openapi_page::html_response(published.page.clone()))),
        )
        .route(SHARE_TARGET_PATH, axum::routing::post(share_without_worker))
        .fallback(serve_app)
        .with_state(state)
        .layer(axum::middleware::from_fn(time_limit))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        .layer(axum::middleware::from_fn(move |request, next| strict_transport(Arc::clone(&proxies), request, next)))
}

/// Adds HSTS to answers of requests that reached a trusted proxy over HTTPS.
async fn strict_transport(
    proxies: Arc<proxies::TrustedProxies>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip());
    let proto = request.headers().get("x-forwarded-proto").and_then(|value| value.to_str().ok());
    let https = proxies.forwarded_https(peer, proto);
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// Answers 503 when a request runs past [`REQUEST_TIMEOUT`].
async fn time_limit(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let path = request.uri().path();
    let long_by_nature =
        path == "/api/v1/live" || path == "/api/v1/attachments" || path == "/api/v1/admin/members/import";
    if long_by_nature {
        return next.run(request).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            weft_protocol::ErrorCode::Busy,
            format!("the request took longer than {} s; try again", REQUEST_TIMEOUT.as_secs()),
        )),
    }
}

/// The manifest's `share_target` action. The app's service worker takes shares on the device
/// (`public/sw.js`, offline too); one reaches the server only when no worker runs yet (the app
/// not opened since it was installed). The server keeps nobody's unsent files, so the Share
/// screen is told that the share did not arrive and asks to share again.
pub const SHARE_TARGET_PATH: &str = "/share-target";

async fn share_without_worker() -> axum::response::Redirect {
    axum::response::Redirect::to("/share?error=unavailable")
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
