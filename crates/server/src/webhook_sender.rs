//! Delivers queued webhook events: each due delivery is POSTed as JSON with
//! `X-Weft-Event`, `X-Weft-Delivery` (the event id, the same on every retry), `X-Weft-Timestamp`
//! (Unix seconds) and `X-Weft-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the
//! webhook's secret>`. A 2xx answer delivers it; anything else (another status, a timeout, a
//! refused connection) is tried again after a doubling wait, up to
//! [`MAX_DELIVERY_ATTEMPTS`]. Events are queued in the store (`WebhookStore::queue_event`), so a
//! restart loses nothing that was queued; [`emit`] queues one and wakes the sender.

use crate::AppState;
use crate::store::{AttemptOutcome, DueDelivery};
use std::time::Duration;
use tokio::sync::Notify;
use weft_protocol::Millis;
use weft_protocol::webhook::{MAX_DELIVERY_ATTEMPTS, WebhookEvent, retry_delay};

/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the sender looks for retries that came due without a wake-up.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Deliveries taken per pass.
const BATCH: u32 = 50;

/// The sender's shared parts: its wake-up, its HTTP client and its first retry wait.
pub struct WebhookSender {
    wake: Notify,
    client: reqwest::Client,
    /// The wait before the first retry (doubled for each later one).
    pub retry_base_ms: Millis,
}

impl Default for WebhookSender {
    fn default() -> Self {
        Self::new(5_000)
    }
}

impl WebhookSender {
    pub fn new(retry_base_ms: Millis) -> Self {
        let client = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Weft-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self { wake: Notify::new(), client, retry_base_ms }
    }
}

/// The signature header's value for a body sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!("sha256={}", crate::auth::hmac_sha256_hex(secret.as_bytes(), format!("{timestamp}.{body}").as_bytes()))
}

/// Queues `event` (once per webhook for `event_id`) with `data`, and wakes the sender.
pub async fn emit(state: &AppState, event: WebhookEvent, event_id: String, data: serde_json::Value) {
    let now = state.clock.now();
    let body = serde_json::json!({
        "event_id": event_id,
        "event": event.as_str(),
        "occurred_at": now,
        "data": data,
    })
    .to_string();
    match state.db(move |store| store.queue_event(event, &event_id, &body, now)).await {
        Ok(0) => {}
        Ok(_) => state.webhooks.wake.notify_one(),
        Err(err) => tracing::error!(error = %err.message, "a webhook event could not be queued"),
    }
}

/// The webhook events an approval action caused: a new request is `approval_submitted`, a request
/// its last step decided is `approval_decided` (each at most once per request: the event id is
/// the request's).
pub async fn approval_events(state: &AppState, detail: &weft_protocol::approval::ApprovalDetail, submitted: bool) {
    use weft_protocol::approval::RequestStatus;
    let request = &detail.request;
    let event = match request.status {
        RequestStatus::InReview if submitted => WebhookEvent::ApprovalSubmitted,
        RequestStatus::Approved | RequestStatus::Rejected if !submitted => WebhookEvent::ApprovalDecided,
        _ => return,
    };
    let data = serde_json::json!({
        "request_id": request.id,
        "template_id": request.template_id,
        "template_name": detail.template.spec.name,
        "applicant_id": request.applicant_id,
        "applicant_name": request.applicant_name,
        // WeCom's numbers: 1 in review, 2 approved, 3 rejected.
        "sp_status": request.status.number(),
        "submitted_at": request.submitted_at,
    });
    emit(state, event, format!("{}:{}", event.as_str(), request.id), data).await;
}

/// The webhook event of a member made (`member_created`) or disabled (`member_disabled`; the
/// event id is new each time, as a member may be disabled again after being enabled).
pub async fn member_event(state: &AppState, event: WebhookEvent, member: &weft_protocol::directory::DirectoryMember) {
    let data = serde_json::json!({
        "member_id": member.id,
        "userid": member.userid,
        "name": member.name,
    });
    let event_id = match event {
        WebhookEvent::MemberCreated => format!("{}:{}", event.as_str(), member.id),
        _ => format!("{}:{}:{}", event.as_str(), member.id, uuid::Uuid::now_v7()),
    };
    emit(state, event, event_id, data).await;
}

/// Runs the sender for as long as the server runs.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            while send_due(&state).await > 0 {}
            let _ = tokio::time::timeout(POLL_EVERY, state.webhooks.wake.notified()).await;
        }
    });
}

/// Sends every delivery due now; returns how many were attempted.
pub async fn send_due(state: &AppState) -> usize {
    let now = state.clock.now();
    let due = match state.db(move |store| store.due_deliveries(now, BATCH)).await {
        Ok(due) => due,
        Err(err) => {
            tracing::error!(error = %err.message, "webhook deliveries could not be read");
            return 0;
        }
    };
    let attempted = due.len();
    for delivery in due {
        let outcome = attempt(state, &delivery).await;
        let (id, now) = (delivery.id, state.clock.now());
        if let Err(err) = state.db(move |store| store.record_attempt(id, &outcome, now)).await {
            tracing::error!(error = %err.message, "a webhook attempt could not be recorded");
        }
    }
    attempted
}

async fn attempt(state: &AppState, delivery: &DueDelivery) -> AttemptOutcome {
    let timestamp = state.clock.now() / 1000;
    let sent = state
        .webhooks
        .client
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header("x-weft-event", delivery.event.as_str())
        .header("x-weft-delivery", &delivery.event_id)
        .header("x-weft-timestamp", timestamp.to_string())
        .header("x-weft-signature", signature(&delivery.secret, timestamp, &delivery.body))
        .body(delivery.body.clone())
        .send()
        .await;
    let (status, error) = match sent {
        Ok(response) if response.status().is_success() => {
            return AttemptOutcome::Delivered { status: response.status().as_u16() };
        }
        Ok(response) => (Some(response.status().as_u16()), format!("the receiver answered {}", response.status())),
        Err(err) if err.is_timeout() => (None, "no answer in time".to_owned()),
        Err(err) if err.is_connect() => (None, "the connection was refused or failed".to_owned()),
        Err(err) => (None, err.to_string()),
    };
    let tried = delivery.attempts + 1;
    let next_attempt_at = (tried < MAX_DELIVERY_ATTEMPTS)
        .then(|| state.clock.now() + retry_delay(state.webhooks.retry_base_ms, delivery.attempts));
    AttemptOutcome::Failed { status, error, next_attempt_at }
}
