//! The app's sync with the server, on the device: [`SyncState`] holds what every feature's sync
//! shares — the session, the device store and its health, the live socket, the outbox and the
//! feed engine (both from `weft-sync-core`), the connection — with the helpers to reach them.
//! `engine` applies the change feed ([`engine::ApplyFeed`]), `outbox` stores and delivers writes
//! ([`outbox::DeliverOutbox`]), `live` is the socket. Both reach the features only through
//! [`Features`], the narrow interface the app-level state implements, so nothing here imports a
//! feature, a page or a component.

pub mod engine;
pub mod live;
pub mod outbox;

use crate::api::{Api, ApiError};
use crate::session::SessionContext;
use crate::store::{AppStore, StoreError, StoreHealth};
use engine::Engine;
use leptos::prelude::*;
use live::LiveSocket;
use outbox::Outbox;
use std::collections::VecDeque;
use std::rc::Rc;
use weft_protocol::MemberId;
use weft_protocol::chat::ConversationSummary;
use weft_protocol::sync::ChangeEnvelope;
use weft_sync_core::{Effect, OutboxEntry};

/// The app's link to the server, as shown in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Online,
    Offline,
}

/// What the sync needs from the features it serves: where the feed's effects on their state go,
/// how each outbox entry is sent, and what the socket being ready or the session ending means to
/// them. The app-level [`AppState`](crate::state::AppState) implements it.
#[allow(async_fn_in_trait, reason = "used only on the browser's single thread, never as dyn")]
pub trait Features: Copy + 'static {
    /// What every feature's sync shares.
    fn sync(self) -> SyncState;
    /// Shows the feed engine's conversation list.
    fn show_list(self, list: Vec<ConversationSummary>);
    /// Carries out a feed effect on a feature's state, after the sync did its own part of it:
    /// `PutMessages` (already stored), `RemoveConversation` (already removed from the device),
    /// `RefreshDetail`, `Receipt`, `Recalled`, `Directory`, `Approval`. Others never come here.
    async fn apply(self, effect: Effect);
    /// The live socket is ready (first connection or a reconnection): bring up to date what the
    /// feed alone does not, and deliver the outbox.
    async fn ready(self);
    /// Sends one outbox entry to the server.
    async fn deliver(self, api: &Api, entry: &OutboxEntry) -> Result<(), ApiError>;
    /// The server ended this session: wipe and sign out.
    fn session_ended(self, over: SessionOver);
    /// The server says the session's terms may have changed: ask for them again.
    fn terms_changed(self);
}

/// How the sync learnt that the session is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOver {
    /// The server no longer knows the token (401 `unauthenticated`).
    Ended,
    /// An administrator asked this device to wipe the session's data (401 `wipe_required`).
    WipeRequired,
    /// The live socket said so; asking the server tells which of the two.
    Unknown,
}

/// What the features' sync shares; all fields are cheap handles (provided through context).
#[derive(Clone, Copy)]
pub struct SyncState {
    /// Writes not yet accepted by the server, in delivery order, and the state of their delivery.
    pub outbox: RwSignal<Outbox>,
    pub connection: RwSignal<Connection>,
    /// Whether the device store keeps what is saved (shown in the header when it does not).
    pub store_health: StoreHealth,
    pub(crate) session: SessionContext,
    pub(crate) store: StoredValue<Option<Rc<AppStore>>, LocalStorage>,
    pub(crate) live: StoredValue<Option<LiveSocket>, LocalStorage>,
    /// The conversation list and feed position as the sync engine keeps them (shown through
    /// [`Features::show_list`]).
    pub(crate) engine: StoredValue<Engine>,
    /// Change frames waiting to be applied, one batch at a time.
    pub(crate) incoming: StoredValue<VecDeque<(Vec<ChangeEnvelope>, u64)>>,
    pub(crate) applying: StoredValue<bool>,
    pub(crate) retry_timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    pub(crate) order_counter: StoredValue<u32>,
    /// A session ending while unsent writes wait: the member chooses (send now or discard)
    /// before anything is wiped.
    pub ending: RwSignal<Option<crate::session::EndCause>>,
    /// The lock this tab holds on a shared-device session's database while it uses it.
    pub(crate) database_lock: StoredValue<Option<crate::session::tabs::DatabaseLock>, LocalStorage>,
}

pub fn use_sync() -> SyncState {
    use_context::<SyncState>().expect("SyncState is provided by App; a component was mounted outside it")
}

impl SyncState {
    pub fn provide(session: SessionContext) -> Self {
        let state = Self {
            outbox: RwSignal::new(Outbox::default()),
            connection: RwSignal::new(Connection::Connecting),
            store_health: StoreHealth::provide(),
            session,
            store: StoredValue::new_local(None),
            live: StoredValue::new_local(None),
            engine: StoredValue::new(Engine::default()),
            incoming: StoredValue::new(VecDeque::new()),
            applying: StoredValue::new(false),
            retry_timer: StoredValue::new_local(None),
            order_counter: StoredValue::new(0),
            ending: RwSignal::new(None),
            database_lock: StoredValue::new_local(None),
        };
        provide_context(state);
        state
    }

    /// An API client with the session's token (`None` when signed out).
    pub fn api(&self) -> Option<Api> {
        self.session.0.with_untracked(|s| s.as_ref().map(|s| Api::with_token(&s.token)))
    }

    /// The signed-in member.
    pub fn me(&self) -> Option<MemberId> {
        self.session.0.with_untracked(|s| s.as_ref().map(|s| s.me.id))
    }

    /// Uses `store` as the device store (`AppState::start` opens the member's; tests give theirs).
    pub fn adopt_store(&self, store: Rc<AppStore>) {
        self.store.set_value(Some(store));
    }

    /// The device store once it is open.
    pub fn local(&self) -> Option<Rc<AppStore>> {
        self.store.with_value(|s| s.clone())
    }

    /// The device store, waiting for it while it opens (a page can be the first one shown after
    /// a reload); `None` once signed out or if it does not open within about five seconds.
    pub async fn opened_store(self) -> Option<Rc<AppStore>> {
        const POLL_MS: u32 = 25;
        for _ in 0..200 {
            if let Some(store) = self.local() {
                return Some(store);
            }
            self.me()?;
            gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
        }
        None
    }

    /// Reports a device-store write that failed (logged and shown in the header; the app goes
    /// on with what it has in memory).
    /// Writes that fail once the session has ended (its store closed for the wipe) are not a
    /// problem of the device.
    pub fn check_write(self, what: &str, result: Result<(), StoreError>) {
        if self.session.0.with_untracked(Option::is_some) {
            self.store_health.check(what, result);
        }
    }

    /// The position of a new outbox entry: after every entry queued before it.
    pub(crate) fn next_order(self) -> f64 {
        let counter = self.order_counter.try_update_value(|c| {
            *c = (*c + 1) % 1000;
            *c
        });
        crate::platform::now_millis() as f64 * 1000.0 + f64::from(counter.unwrap_or(0))
    }
}
