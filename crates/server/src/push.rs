//! Web Push delivery (RFC 8030) with message encryption (RFC 8291, `aes128gcm`) and VAPID
//! (RFC 8292), through `web-push-native` and the server's reqwest client. Every message a member
//! sends is queued here by the store's feed listener (non-blocking: the writer is held); the
//! messages the server posts (approval cards, notices, bots') wait in the store's `push_pending`,
//! written in their transaction, and are taken whenever the hub wakes. [`spawn`]'s tasks decide per recipient (`domain::notifications`), encrypts the payload for each
//! of their live devices and POSTs it. A delivery that fails is logged and dropped — never
//! retried, so a dead push service cannot cause a storm; 404 or 410 removes the subscription.
//! The queue is bounded: when it is full, new pushes are dropped (counted in the log).
//!
//! Endpoints must be `https://` to the public internet (`public_address`: literal addresses
//! are checked at registration and before sending, names as they resolve); loopback, and plain
//! `http://` to it, are accepted only when [`PushSender::allow_loopback_http`] is on (tests,
//! `WEFT_PUSH_ALLOW_LOOPBACK=1`).

use crate::AppState;
use crate::domain::notifications;
use crate::public_address::{PublicOnlyResolver, literal, permitted};
use crate::store::{CommittedMessage, FeedListener, StoredPushSubscription};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::{Auth, WebPushBuilder, p256};
use weft_protocol::MemberId;
use weft_protocol::chat::Message;
use weft_protocol::push::{PushKind, PushSubscription};

/// Messages waiting to be pushed at most; more are dropped.
const QUEUE: usize = 1024;
/// How long one delivery may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a push service keeps an undelivered push (the `TTL` header; also the VAPID token's
/// lifetime, which RFC 8292 caps at 24 hours).
const TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// Server-posted messages taken from the store at once.
const PENDING_BATCH: u32 = 50;
/// Longest endpoint URL accepted.
const MAX_ENDPOINT: usize = 2048;

/// A committed message and who may hear of it.
struct Job {
    message: Message,
    recipients: Vec<MemberId>,
}

/// The push queue, its HTTP client and the VAPID key (loaded from the store on first use).
pub struct PushSender {
    queue: mpsc::Sender<Job>,
    receiver: Mutex<Option<mpsc::Receiver<Job>>>,
    running: AtomicBool,
    dropped: AtomicU64,
    client: reqwest::Client,
    key: OnceLock<Arc<ES256KeyPair>>,
    /// The VAPID `sub` claim: how a push service reaches the operator (`WEFT_PUSH_SUBJECT`).
    pub subject: String,
    /// Accept `http://` endpoints on loopback addresses (tests only).
    pub allow_loopback_http: Arc<AtomicBool>,
}

impl Default for PushSender {
    fn default() -> Self {
        let subject = std::env::var("WEFT_PUSH_SUBJECT").unwrap_or_else(|_| "mailto:weft@localhost".into());
        Self::new(subject)
    }
}

impl PushSender {
    pub fn new(subject: String) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE);
        let allow_loopback_http = Arc::new(AtomicBool::new(false));
        let resolver = PublicOnlyResolver { allow_loopback: Arc::clone(&allow_loopback_http) };
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .dns_resolver(Arc::new(resolver))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Weft-Push/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self {
            queue,
            receiver: Mutex::new(Some(receiver)),
            running: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
            client,
            key: OnceLock::new(),
            subject,
            allow_loopback_http,
        }
    }

    /// The VAPID key pair: stored once, made on first use.
    pub async fn key(&self, state: &AppState) -> Result<Arc<ES256KeyPair>, crate::error::ApiError> {
        if let Some(key) = self.key.get() {
            return Ok(Arc::clone(key));
        }
        let now = state.clock.now();
        let stored = state
            .db(move |store| {
                store.vapid_private_key(&|| URL_SAFE_NO_PAD.encode(ES256KeyPair::generate().to_bytes()), now)
            })
            .await?;
        let bytes = URL_SAFE_NO_PAD.decode(stored.as_bytes()).map_err(|_| crate::error::ApiError::internal())?;
        let pair = ES256KeyPair::from_bytes(&bytes).map_err(|_| crate::error::ApiError::internal())?;
        Ok(Arc::clone(self.key.get_or_init(|| Arc::new(pair))))
    }

    /// The public half, base64url, as the browser's `applicationServerKey`.
    pub fn public_key(key: &ES256KeyPair) -> String {
        URL_SAFE_NO_PAD.encode(key.public_key().public_key().to_bytes_uncompressed())
    }

    /// Checks a subscription a device registers: the endpoint's scheme and host, the keys'
    /// sizes and that `p256dh` is a point on P-256. The message names the field.
    pub fn check(&self, subscription: &PushSubscription) -> Result<(), String> {
        let endpoint = &subscription.endpoint;
        if endpoint.len() > MAX_ENDPOINT {
            return Err(format!("endpoint: at most {MAX_ENDPOINT} characters"));
        }
        let uri: axum::http::Uri = endpoint.parse().map_err(|_| "endpoint: not a URL".to_owned())?;
        let host = uri.host().unwrap_or_default();
        let allow_loopback = self.allow_loopback_http.load(Ordering::Relaxed);
        match uri.scheme_str() {
            Some("https") if !host.is_empty() => {}
            Some("http") if allow_loopback && is_loopback(host) => {}
            _ => return Err("endpoint: must be an https:// URL of a push service".into()),
        }
        if literal(host).is_some_and(|ip| !permitted(ip, allow_loopback)) {
            return Err("endpoint: must be a push service on the public internet".into());
        }
        let p256dh = URL_SAFE_NO_PAD
            .decode(subscription.keys.p256dh.trim_end_matches('='))
            .map_err(|_| "keys.p256dh: not base64url".to_owned())?;
        if p256dh.len() != 65 || p256::PublicKey::from_sec1_bytes(&p256dh).is_err() {
            return Err("keys.p256dh: not an uncompressed P-256 public key".into());
        }
        let auth = URL_SAFE_NO_PAD
            .decode(subscription.keys.auth.trim_end_matches('='))
            .map_err(|_| "keys.auth: not base64url".to_owned())?;
        if auth.len() != 16 {
            return Err("keys.auth: must be 16 bytes".into());
        }
        Ok(())
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || literal(host).is_some_and(|ip| ip.is_loopback())
}

impl FeedListener for PushSender {
    fn message_committed(&self, committed: CommittedMessage<'_>) {
        if !self.running.load(Ordering::Relaxed) {
            return;
        }
        let job = Job { message: committed.message.clone(), recipients: committed.recipients.to_vec() };
        if self.queue.try_send(job).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped.is_power_of_two() {
                tracing::warn!(dropped, "push queue full: pushes dropped");
            }
        }
    }
}

/// Runs the sender in the background: one queued message at a time.
pub fn spawn(state: AppState) {
    let Some(mut receiver) = state.push.receiver.lock().unwrap_or_else(|p| p.into_inner()).take() else {
        return;
    };
    state.push.running.store(true, Ordering::Relaxed);
    let members = state.clone();
    tokio::spawn(async move {
        while let Some(job) = receiver.recv().await {
            deliver(&members, job).await;
        }
    });
    // Messages the server posts (approval cards, notices, bots' messages) wait in the store;
    // every wake-up of the hub may mean some were committed.
    let mut events = state.hub.subscribe();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
            // Many wake-ups at once: one look at the store.
            while events.try_recv().is_ok() {}
            loop {
                let taken = match state.db(|store| store.take_pending_pushes(PENDING_BATCH)).await {
                    Ok(taken) => taken,
                    Err(err) => {
                        tracing::error!(error = %err.message, "pending pushes could not be read");
                        break;
                    }
                };
                let more = taken.len() == PENDING_BATCH as usize;
                for (message, recipients) in taken {
                    deliver(&state, Job { message, recipients }).await;
                }
                if !more {
                    break;
                }
            }
        }
    });
}

/// Pushes one message to every recipient it notifies.
async fn deliver(state: &AppState, job: Job) {
    let Job { message, recipients } = job;
    let members: Vec<MemberId> = recipients.into_iter().filter(|member| !message.sent_by(*member)).collect();
    if members.is_empty() || message.recalled {
        return;
    }
    let (conversation, now) = (message.conversation_id, state.clock.now());
    let targets = match state.db(move |store| store.push_targets(conversation, &members, now)).await {
        Ok(targets) => targets,
        Err(err) => {
            tracing::error!(error = %err.message, "push recipients could not be read");
            return;
        }
    };
    if targets.is_empty() {
        return;
    }
    let key = match state.push.key(state).await {
        Ok(key) => key,
        Err(err) => {
            tracing::error!(error = %err.message, "the VAPID key could not be loaded");
            return;
        }
    };
    for target in targets {
        let muted = target.conversation.muted;
        let Some(kind) = notifications::reason(&message, target.member, muted, &target.settings, now) else {
            continue;
        };
        let payload = notifications::payload(&message, &target.conversation, kind, target.unread_total);
        let Ok(body) = serde_json::to_vec(&payload) else { continue };
        for subscription in &target.subscriptions {
            send(state, &key, subscription, kind, &body).await;
        }
    }
}

/// Encrypts and POSTs one push; logs a failure and drops it.
async fn send(
    state: &AppState,
    key: &ES256KeyPair,
    subscription: &StoredPushSubscription,
    kind: PushKind,
    body: &[u8],
) {
    let endpoint = subscription.endpoint.as_str();
    let request = match build(state, key, subscription, kind, body) {
        Ok(request) => request,
        Err(err) => {
            tracing::warn!(endpoint, error = %err, "push not built; subscription removed");
            forget(state, endpoint).await;
            return;
        }
    };
    match state.push.client.execute(request).await {
        Ok(response) if response.status().is_success() => {
            tracing::debug!(endpoint, status = response.status().as_u16(), "push delivered");
        }
        Ok(response) if matches!(response.status().as_u16(), 404 | 410) => {
            tracing::info!(endpoint, status = response.status().as_u16(), "push subscription gone; removed");
            forget(state, endpoint).await;
        }
        Ok(response) => {
            tracing::warn!(endpoint, status = response.status().as_u16(), "push refused; dropped");
        }
        Err(err) => tracing::warn!(endpoint, error = %err, "push not delivered; dropped"),
    }
}

fn build(
    state: &AppState,
    key: &ES256KeyPair,
    subscription: &StoredPushSubscription,
    kind: PushKind,
    body: &[u8],
) -> Result<reqwest::Request, String> {
    let endpoint: axum::http::Uri = subscription.endpoint.parse().map_err(|_| "bad endpoint".to_owned())?;
    // Names are checked as they resolve (`PublicOnlyResolver`); a literal address is not resolved.
    let allow_loopback = state.push.allow_loopback_http.load(Ordering::Relaxed);
    if literal(endpoint.host().unwrap_or_default()).is_some_and(|ip| !permitted(ip, allow_loopback)) {
        return Err("endpoint is not a public address".into());
    }
    let p256dh = URL_SAFE_NO_PAD.decode(subscription.p256dh.trim_end_matches('=')).map_err(|e| e.to_string())?;
    let auth = URL_SAFE_NO_PAD.decode(subscription.auth.trim_end_matches('=')).map_err(|e| e.to_string())?;
    if auth.len() != 16 {
        return Err("bad auth secret".into());
    }
    let public = p256::PublicKey::from_sec1_bytes(&p256dh).map_err(|e| e.to_string())?;
    let mut request = WebPushBuilder::new(endpoint, public, Auth::clone_from_slice(&auth))
        .with_valid_duration(TTL)
        .with_vapid(key, &state.push.subject)
        .build(body.to_vec())
        .map_err(|e| e.to_string())?;
    let urgency = if kind == PushKind::Message { "normal" } else { "high" };
    request.headers_mut().insert("urgency", axum::http::HeaderValue::from_static(urgency));
    reqwest::Request::try_from(request).map_err(|e| e.to_string())
}

async fn forget(state: &AppState, endpoint: &str) {
    let endpoint = endpoint.to_owned();
    if let Err(err) = state.db(move |store| store.forget_push_endpoint(&endpoint)).await {
        tracing::error!(error = %err.message, "a push subscription could not be removed");
    }
}

/// Tells several listeners of each committed message, in order.
pub struct Listeners(pub Vec<Arc<dyn FeedListener>>);

impl FeedListener for Listeners {
    fn message_committed(&self, committed: CommittedMessage<'_>) {
        for listener in &self.0 {
            listener.message_committed(committed);
        }
    }
}
