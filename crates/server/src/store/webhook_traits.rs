//! The store's trait for outgoing webhooks: the registered addresses, and the deliveries queued,
//! retried and finished for them (one per webhook and event id, so an event is never sent twice).

use super::StoreResult;
use weft_protocol::webhook::{Delivery, Webhook, WebhookEvent, WebhookSettings};
use weft_protocol::{MemberId, Millis, WebhookId};

/// A delivery whose time has come, with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: WebhookEvent,
    pub event_id: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered {
        status: u16,
    },
    /// Try again at `next_attempt_at`, or give up when it is None.
    Failed {
        status: Option<u16>,
        error: String,
        next_attempt_at: Option<Millis>,
    },
}

pub trait WebhookStore {
    fn webhooks(&self) -> StoreResult<Vec<Webhook>>;
    fn create_webhook(
        &self,
        settings: &WebhookSettings,
        secret: &str,
        by: MemberId,
        now: Millis,
    ) -> StoreResult<Webhook>;
    fn update_webhook(&self, id: WebhookId, settings: &WebhookSettings) -> StoreResult<Webhook>;
    /// Removes it: nothing more is delivered to it (its deliveries stay listed nowhere).
    fn remove_webhook(&self, id: WebhookId, now: Millis) -> StoreResult<Webhook>;
    /// Queues `body` for every enabled webhook that wants `event`, once per webhook and event
    /// id; returns how many deliveries were queued.
    fn queue_event(&self, event: WebhookEvent, event_id: &str, body: &str, now: Millis) -> StoreResult<usize>;
    /// Deliveries due at `now`, oldest first, at most `limit`.
    fn due_deliveries(&self, now: Millis, limit: u32) -> StoreResult<Vec<DueDelivery>>;
    fn record_attempt(&self, delivery: i64, outcome: &AttemptOutcome, now: Millis) -> StoreResult<()>;
    /// A webhook's newest deliveries first, at most `limit`; `NotFound` for a removed or unknown
    /// webhook.
    fn deliveries(&self, id: WebhookId, limit: u32) -> StoreResult<Vec<Delivery>>;
}
