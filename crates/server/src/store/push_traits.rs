//! The store's trait for Web Push: the server's VAPID key (made once and kept), the devices'
//! subscriptions (one per endpoint, tied to the session that registered it), the members'
//! notification settings, and what the sender must know about one new message's recipients.

use super::StoreResult;
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::push::{PushSettings, PushSubscription};
use weft_protocol::{ConversationId, MemberId, Millis, SessionId};

/// One stored subscription, as the sender uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPushSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// A recipient of a new message who has live subscriptions: the conversation as they see it
/// (title, muted, confidential), their settings and unread total, and where to push.
#[derive(Debug, Clone)]
pub struct PushTarget {
    pub member: MemberId,
    pub conversation: ConversationSummary,
    pub settings: PushSettings,
    pub unread_total: u32,
    pub subscriptions: Vec<StoredPushSubscription>,
}

pub trait PushStore {
    /// The VAPID private key (the P-256 scalar, base64url), made with `make` the first time.
    fn vapid_private_key(&self, make: &dyn Fn() -> String, now: Millis) -> StoreResult<String>;
    /// Registers (or moves to this session) the subscription for `endpoint`.
    fn save_push_subscription(
        &self,
        member: MemberId,
        session: SessionId,
        subscription: &PushSubscription,
        now: Millis,
    ) -> StoreResult<()>;
    /// Removes the member's subscription for `endpoint`; true when there was one.
    fn remove_push_subscription(&self, member: MemberId, endpoint: &str) -> StoreResult<bool>;
    /// Removes whatever subscription `endpoint` is (the push service answered 404 or 410).
    fn forget_push_endpoint(&self, endpoint: &str) -> StoreResult<()>;
    /// Removes the subscriptions registered by `session` (it ended).
    fn remove_session_push_subscriptions(&self, session: SessionId) -> StoreResult<()>;
    /// Endpoints registered by the member's sessions (for the settings page).
    fn push_endpoints(&self, member: MemberId, session: SessionId) -> StoreResult<Vec<String>>;
    fn push_settings(&self, member: MemberId) -> StoreResult<PushSettings>;
    fn save_push_settings(&self, member: MemberId, settings: &PushSettings) -> StoreResult<()>;
    /// Takes (and forgets) up to `limit` messages the server posted that wait to be pushed,
    /// oldest first, each with the conversation's participants.
    fn take_pending_pushes(&self, limit: u32) -> StoreResult<Vec<(Message, Vec<MemberId>)>>;
    /// Of `members`, those with subscriptions of live sessions, with what deciding and writing
    /// their push needs. Subscriptions of ended sessions are removed on the way.
    fn push_targets(
        &self,
        conversation: ConversationId,
        members: &[MemberId],
        now: Millis,
    ) -> StoreResult<Vec<PushTarget>>;
}
