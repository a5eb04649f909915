//! The chat state: reactive conversations, timelines, receipts and the outbox, built from the
//! device copy and kept current by the sync engine (`crate::sync::engine`). It reads the device
//! first, so the app shows something at once, offline too.

use crate::api::{Api, ApiError};
use crate::features::directory::model::Directory;
use crate::session::{Session, SessionContext};
use crate::store::{IdbStore, LocalStore, Store, StoreError, StoreHealth};
use crate::sync::engine::Engine;
use crate::sync::live::LiveSocket;
use crate::sync::outbox::Outbox;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use weft_protocol::approval::ApprovalSummary;
use weft_protocol::chat::{ConversationDetail, ConversationSummary, Message};
use weft_protocol::sync::ChangeEnvelope;
use weft_protocol::{ApprovalId, ClientId, ConversationId, ErrorCode, MemberId};

/// How many messages one page of history holds.
pub const PAGE: u32 = 50;

/// The app's link to the server, as shown in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Online,
    Offline,
}

/// One conversation's loaded messages, ordered by `seq`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub messages: Vec<Message>,
    pub has_more: bool,
    /// The server said this member cannot see the conversation (never was, or was removed).
    pub missing: bool,
}

impl Timeline {
    /// Adds or replaces messages, keeping `seq` order without duplicates.
    pub fn merge(&mut self, incoming: &[Message]) {
        for message in incoming {
            match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
                Ok(at) => self.messages[at] = message.clone(),
                Err(at) => self.messages.insert(at, message.clone()),
            }
        }
    }

    pub fn oldest_seq(&self) -> Option<u64> {
        self.messages.first().map(|m| m.seq)
    }
}

/// Shared through context; all fields are cheap handles.
#[derive(Clone, Copy)]
pub struct ChatState {
    pub conversations: RwSignal<Vec<ConversationSummary>>,
    /// True once the list came from the device or the server.
    pub loaded: RwSignal<bool>,
    pub timelines: RwSignal<HashMap<ConversationId, Timeline>>,
    /// Participants and read positions of opened conversations (for receipts).
    pub details: RwSignal<HashMap<ConversationId, ConversationDetail>>,
    /// Writes not yet accepted by the server, in delivery order, and the state of their delivery.
    pub outbox: RwSignal<Outbox>,
    pub connection: RwSignal<Connection>,
    /// The organisation directory as this member may see it (device copy, kept current by the feed).
    pub directory: RwSignal<Directory>,
    /// Approval requests as the feed last described them (by id), so open lists and details
    /// refresh when one changes.
    pub approvals: RwSignal<HashMap<ApprovalId, ApprovalSummary>>,
    /// Submissions the server accepted during this visit: the outbox client id and the new
    /// request's id (so the form that sent one can open it).
    pub submitted: RwSignal<HashMap<ClientId, ApprovalId>>,
    /// Why the server refused outbox entries during this visit, by client id, when it said so
    /// with a typed reason (the entry itself keeps the server's message).
    pub refusals: RwSignal<HashMap<String, weft_protocol::Refusal>>,
    /// The typed field problems the server gave for refused form submissions during this visit,
    /// by client id (placed beside the fields when the form is open).
    pub form_problems: RwSignal<HashMap<String, Vec<weft_protocol::FieldProblem>>>,
    pub(crate) directory_downloading: StoredValue<bool>,
    /// Set once the device's copy of the directory has been read (it may be empty).
    pub(crate) directory_read: StoredValue<bool>,
    /// Whether the device store keeps what is saved (shown in the header when it does not).
    pub store_health: StoreHealth,
    pub(crate) session: SessionContext,
    pub(crate) store: StoredValue<Option<Rc<LocalStore>>, LocalStorage>,
    pub(crate) live: StoredValue<Option<LiveSocket>, LocalStorage>,
    /// Conversations whose history is on screen.
    pub(crate) open: StoredValue<Vec<ConversationId>>,
    /// The conversation list and feed position as the sync engine keeps them (`conversations`
    /// shows its list).
    pub(crate) engine: StoredValue<Engine>,
    /// Change frames waiting to be applied, one batch at a time.
    pub(crate) incoming: StoredValue<VecDeque<(Vec<ChangeEnvelope>, u64)>>,
    pub(crate) applying: StoredValue<bool>,
    pub(crate) retry_timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    pub(crate) order_counter: StoredValue<u32>,
}

pub fn use_chat() -> ChatState {
    use_context::<ChatState>().expect("ChatState is provided by App; a component was mounted outside it")
}

impl ChatState {
    pub fn provide(session: SessionContext) -> Self {
        let state = Self {
            conversations: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            timelines: RwSignal::new(HashMap::new()),
            details: RwSignal::new(HashMap::new()),
            outbox: RwSignal::new(Outbox::default()),
            connection: RwSignal::new(Connection::Connecting),
            directory: RwSignal::new(Directory::default()),
            approvals: RwSignal::new(HashMap::new()),
            submitted: RwSignal::new(HashMap::new()),
            refusals: RwSignal::new(HashMap::new()),
            form_problems: RwSignal::new(HashMap::new()),
            directory_downloading: StoredValue::new(false),
            directory_read: StoredValue::new(false),
            store_health: StoreHealth::provide(),
            session,
            store: StoredValue::new_local(None),
            live: StoredValue::new_local(None),
            open: StoredValue::new(Vec::new()),
            engine: StoredValue::new(Engine::default()),
            incoming: StoredValue::new(VecDeque::new()),
            applying: StoredValue::new(false),
            retry_timer: StoredValue::new_local(None),
            order_counter: StoredValue::new(0),
        };
        provide_context(state);
        state
    }

    pub(crate) fn api(&self) -> Option<Api> {
        self.session.0.with_untracked(|s| s.as_ref().map(|s| Api::with_token(&s.token)))
    }

    pub(crate) fn me(&self) -> Option<MemberId> {
        self.session.0.with_untracked(|s| s.as_ref().map(|s| s.me.id))
    }

    pub(crate) fn local(&self) -> Option<Rc<LocalStore>> {
        self.store.with_value(|s| s.clone())
    }

    /// The device store, waiting for it while it opens (a page can be the first one shown after
    /// a reload); `None` once signed out or if it does not open within about five seconds.
    pub(crate) async fn opened_store(self) -> Option<Rc<LocalStore>> {
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

    /// Starts for a signed-in member: device copy first, then the server, then live updates,
    /// then whatever the outbox still holds.
    pub fn start(self, session: Session) {
        self.connection.set(if crate::platform::browser_online() {
            Connection::Connecting
        } else {
            Connection::Offline
        });
        self.engine.set_value(Engine::new(Some(session.me.id)));
        spawn_local(async move {
            let store = Rc::new(self.store_health.open_store(&session.database_name()).await);
            self.check_write(
                "approval drafts",
                crate::features::approvals::drafts::move_local_storage_drafts(&*store, session.me.id).await.map(drop),
            );
            self.store.set_value(Some(Rc::clone(&store)));
            // Entries queued before the store opened are kept and saved alongside the stored ones.
            let early: Vec<_> = self.outbox.with_untracked(|o| o.iter().cloned().collect());
            for entry in &early {
                self.check_write("outbox entry", store.put_outbox(entry).await);
            }
            let stored = store.outbox().await.unwrap_or_default();
            self.outbox.update(|outbox| {
                for entry in stored.into_iter().filter(|s| !early.iter().any(|e| e.client_id == s.client_id)) {
                    outbox.push(entry);
                }
            });
            let cursor = store.cursor().await.ok().flatten();
            self.engine.update_value(|e| e.restore_cursor(cursor));
            for id in self.open.get_value() {
                self.load_local(id).await;
            }
            if let Ok(list) = store.conversations().await
                && !list.is_empty()
            {
                self.engine.update_value(|e| e.replace_conversations(list));
                self.publish_list();
                self.loaded.set(true);
            }
            self.load_directory_from_device();
            // Beside start-up, not in front of the live socket (it decrypts every kept request).
            spawn_local(self.load_stored_approvals());
            if self.engine.with_value(Engine::cursor).is_none() {
                self.bootstrap().await;
            }
            let engine = self.engine;
            let live = LiveSocket::start(
                session.token.clone(),
                move || engine.try_with_value(Engine::cursor).flatten(),
                move |event| self.on_live(event),
            );
            self.live.set_value(Some(live));
            self.flush().await;
        });
    }

    /// Tears everything down; with `database`, deletes the device copy as well (approval drafts
    /// included).
    pub fn stop(self, database: Option<String>) {
        if let Some(live) = self.live.try_update_value(|l| l.take()).flatten() {
            live.stop();
        }
        self.retry_timer.set_value(None);
        let store = self.store.try_update_value(|s| s.take()).flatten();
        self.conversations.set(Vec::new());
        self.timelines.set(HashMap::new());
        self.details.set(HashMap::new());
        self.outbox.set(Outbox::default());
        self.directory.set(Directory::default());
        self.approvals.set(HashMap::new());
        self.submitted.set(HashMap::new());
        self.refusals.set(HashMap::new());
        self.form_problems.set(HashMap::new());
        self.directory_read.set_value(false);
        self.engine.set_value(Engine::default());
        self.store_health.reset();
        self.loaded.set(false);
        spawn_local(async move {
            if let Some(LocalStore::Idb(idb)) = store.and_then(|s| Rc::try_unwrap(s).ok()) {
                idb.close();
            }
            if let Some(name) = database
                && let Err(error) = IdbStore::delete(&name).await
            {
                crate::platform::log_error(&format!("could not delete the device copy {name}: {error}"));
            }
        });
    }

    /// The browser says the network is back: reconnect, catch up, deliver the outbox.
    pub fn network_back(self) {
        if let Some(live) = self.live.with_value(|l| l.clone()) {
            self.connection.set(Connection::Connecting);
            live.reconnect_now();
        }
        self.wake_outbox();
    }

    pub fn network_lost(self) {
        self.connection.set(Connection::Offline);
    }

    /// Reports a device-store write that failed (logged and shown in the header; the app goes
    /// on with what it has in memory).
    pub(crate) fn check_write(self, what: &str, result: Result<(), StoreError>) {
        self.store_health.check(what, result);
    }

    pub(crate) fn on_error(self, error: &ApiError) {
        if error.is_unauthenticated() {
            self.session_ended();
        } else if *error == ApiError::Network {
            self.connection.set(Connection::Offline);
        }
    }

    /// The server ended this session (signed out elsewhere, revoked, disabled): wipe and sign out.
    pub(crate) fn session_ended(self) {
        let database = self.session.0.with_untracked(|s| s.as_ref().map(Session::database_name));
        self.stop(database);
        Session::forget();
        self.session.0.set(None);
    }

    /// First start on this device: the conversation list, the cursor it is current at, and the
    /// newest page of every conversation so each opens offline.
    pub(crate) async fn bootstrap(self) {
        let Some(api) = self.api() else { return };
        match api.bootstrap().await {
            Ok(snapshot) => {
                if let Some(store) = self.local() {
                    self.check_write("conversation list", store.replace_conversations(&snapshot.conversations).await);
                }
                let ids: Vec<ConversationId> = snapshot.conversations.iter().map(|c| c.id).collect();
                self.engine.update_value(|e| e.replace_conversations(snapshot.conversations));
                self.publish_list();
                self.loaded.set(true);
                for id in ids {
                    self.fetch_latest(id).await;
                }
                self.advance_cursor(snapshot.cursor).await;
            }
            Err(error) => {
                self.loaded.set(true);
                self.on_error(&error);
            }
        }
    }

    /// Fetches the newest page of a conversation into the device copy and the timeline.
    pub(crate) async fn fetch_latest(self, id: ConversationId) {
        let Some(api) = self.api() else { return };
        match api.messages(id, None, PAGE).await {
            Ok(page) => {
                if let Some(store) = self.local() {
                    self.check_write("messages", store.put_messages(&page.messages).await);
                }
                self.timelines.update(|timelines| {
                    if let Some(timeline) = timelines.get_mut(&id) {
                        timeline.merge(&page.messages);
                        if timeline.messages.len() <= page.messages.len() {
                            timeline.has_more = page.has_more;
                        }
                    }
                });
            }
            Err(ApiError::Server { status: 404, .. }) => {
                self.timelines.update(|t| t.entry(id).or_default().missing = true);
            }
            Err(error) => self.on_error(&error),
        }
    }

    async fn fetch_detail(self, id: ConversationId) {
        let Some(api) = self.api() else { return };
        if let Ok(detail) = api.detail(id).await {
            self.details.update(|d| {
                d.insert(id, detail);
            });
        }
    }

    /// Fetches a conversation's participants and read positions (for pages that need only those).
    pub fn load_detail(self, id: ConversationId) {
        spawn_local(self.fetch_detail(id));
    }

    /// Shows a conversation: the device copy at once, then the server's newest page and receipts.
    pub fn open(self, id: ConversationId) {
        self.open.update_value(|open| {
            if !open.contains(&id) {
                open.push(id);
            }
        });
        spawn_local(async move {
            self.load_local(id).await;
            self.fetch_latest(id).await;
            self.fetch_detail(id).await;
        });
    }

    /// Fills a timeline from the device copy (a no-op until the store is open; `start` calls it
    /// again for every open conversation once it is).
    async fn load_local(self, id: ConversationId) {
        let messages = match self.local() {
            Some(store) => store.messages(id, None, PAGE).await.unwrap_or_default(),
            None => Vec::new(),
        };
        self.timelines.update(|t| {
            let timeline = t.entry(id).or_default();
            if timeline.messages.is_empty() {
                timeline.has_more = messages.len() as u32 == PAGE;
            }
            timeline.merge(&messages);
        });
    }

    pub fn close(self, id: ConversationId) {
        self.open.update_value(|open| open.retain(|o| *o != id));
    }

    /// Loads the page before the oldest loaded message: device first, then the server.
    pub fn load_older(self, id: ConversationId) {
        let Some(before) = self.timelines.with_untracked(|t| t.get(&id).and_then(Timeline::oldest_seq)) else {
            return;
        };
        spawn_local(async move {
            let mut older = match self.local() {
                Some(store) => store.messages(id, Some(before), PAGE).await.unwrap_or_default(),
                None => Vec::new(),
            };
            let mut has_more = true;
            if (older.len() as u32) < PAGE
                && let Some(api) = self.api()
            {
                match api.messages(id, Some(before), PAGE).await {
                    Ok(page) => {
                        if let Some(store) = self.local() {
                            self.check_write("messages", store.put_messages(&page.messages).await);
                        }
                        has_more = page.has_more;
                        older = page.messages;
                    }
                    Err(error) => self.on_error(&error),
                }
            }
            self.timelines.update(|t| {
                let timeline = t.entry(id).or_default();
                timeline.merge(&older);
                timeline.has_more = has_more && !older.is_empty();
            });
        });
    }
}

impl ChatState {
    /// Takes a conversation the server just created or changed into the list and receipts.
    pub fn adopt(self, detail: ConversationDetail) {
        let id = detail.summary.id;
        let summary = detail.summary.clone();
        self.details.update(|d| {
            d.insert(id, detail);
        });
        spawn_local(self.apply_summary(summary));
    }

    /// Takes a conversation the server just opened or created, and the address that shows it.
    pub fn adopt_for_display(self, detail: ConversationDetail) -> String {
        let path = format!("/c/{}", detail.summary.id);
        self.adopt(detail);
        path
    }

    /// Forgets a conversation the member just left.
    pub fn forget_conversation(self, id: ConversationId) {
        spawn_local(self.apply_removed(id));
    }
}

/// What a form shows after a failed call: one of the app's texts, or a refusal the server gave
/// as a typed reason (worded by `i18n::refusal_text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Text(crate::i18n::Text),
    Refused(weft_protocol::Refusal),
}

impl Failure {
    /// The server's typed reason when this build can word it, else [`error_text`].
    pub fn of(error: &ApiError) -> Self {
        match error {
            ApiError::Server { body: weft_protocol::ErrorBody { reason: Some(reason), .. }, .. }
                if crate::i18n::refusal_text(reason, crate::i18n::Lang::En).is_some() =>
            {
                Failure::Refused(reason.clone())
            }
            other => Failure::Text(error_text(other)),
        }
    }

    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Failure::Text(text) => text.in_lang(lang).to_owned(),
            Failure::Refused(reason) => crate::i18n::refusal_text(reason, lang).unwrap_or_default(),
        }
    }
}

/// The wording key for an API failure shown to the member.
pub fn error_text(error: &ApiError) -> crate::i18n::Text {
    use crate::i18n::Text;
    match error.code() {
        Some(ErrorCode::BadCredentials) => Text::ErrorBadCredentials,
        Some(ErrorCode::RateLimited) => Text::ErrorRateLimited,
        Some(ErrorCode::AccountDisabled) => Text::ErrorDisabled,
        None if *error == ApiError::Network => Text::ErrorNetwork,
        _ => Text::ErrorServer,
    }
}
