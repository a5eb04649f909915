//! The chat state: reactive conversations and timelines built from the offline store and the
//! server. It reads the device copy first (so the app shows something at once, offline too),
//! then refreshes from the server and follows the live socket.

use crate::api::{Api, ApiError};
use crate::live::{LiveEvent, LiveSocket};
use crate::session::{Session, SessionContext};
use crate::store::{IdbStore, LocalStore, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use std::rc::Rc;
use weft_protocol::chat::{
    ConversationSummary, Message, SendMessageRequest, TextError, validate_text,
};
use weft_protocol::live::ServerFrame;
use weft_protocol::{ClientId, ConversationId, ErrorCode};

/// How many messages one page of history holds.
pub const PAGE: u32 = 50;

/// The app's link to the server, as shown in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Online,
    Offline,
}

/// A message typed here and not yet confirmed by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMessage {
    pub client_id: ClientId,
    pub text: String,
    pub failed: bool,
}

/// One conversation's loaded messages (ordered by `seq`) and its pending sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub messages: Vec<Message>,
    pub pending: Vec<PendingMessage>,
    pub has_more: bool,
    /// The server said this member cannot see the conversation.
    pub missing: bool,
}

impl Timeline {
    /// Adds messages, keeping `seq` order without duplicates, and settles pending sends they confirm.
    pub fn merge(&mut self, incoming: &[Message]) {
        for message in incoming {
            match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
                Ok(at) => self.messages[at] = message.clone(),
                Err(at) => self.messages.insert(at, message.clone()),
            }
            self.pending.retain(|p| p.client_id != message.client_id);
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
    pub connection: RwSignal<Connection>,
    session: SessionContext,
    store: StoredValue<Option<Rc<LocalStore>>, LocalStorage>,
    live: StoredValue<Option<LiveSocket>, LocalStorage>,
    /// Conversations whose history is currently shown (refreshed after a reconnect).
    open: StoredValue<Vec<ConversationId>>,
}

pub fn use_chat() -> ChatState {
    use_context::<ChatState>()
        .expect("ChatState is provided by App; a component was mounted outside it")
}

impl ChatState {
    pub fn provide(session: SessionContext) -> Self {
        let state = Self {
            conversations: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            timelines: RwSignal::new(HashMap::new()),
            connection: RwSignal::new(Connection::Connecting),
            session,
            store: StoredValue::new_local(None),
            live: StoredValue::new_local(None),
            open: StoredValue::new(Vec::new()),
        };
        provide_context(state);
        state
    }

    fn api(&self) -> Option<Api> {
        self.session
            .0
            .with_untracked(|s| s.as_ref().map(|s| Api::with_token(&s.token)))
    }

    fn local(&self) -> Option<Rc<LocalStore>> {
        self.store.with_value(|s| s.clone())
    }

    /// Starts for a signed-in member: device copy first, then the server, then live updates.
    pub fn start(self, session: Session) {
        self.connection.set(if crate::platform::browser_online() {
            Connection::Connecting
        } else {
            Connection::Offline
        });
        spawn_local(async move {
            let store = Rc::new(LocalStore::open(&session.database_name()).await);
            self.store.set_value(Some(Rc::clone(&store)));
            for id in self.open.get_value() {
                self.load_local(id).await;
            }
            if let Ok(list) = store.conversations().await
                && !list.is_empty()
            {
                self.conversations.set(list);
                self.loaded.set(true);
            }
            self.refresh().await;
            let live = LiveSocket::start(session.token.clone(), move |event| self.on_live(event));
            self.live.set_value(Some(live));
        });
    }

    /// Tears everything down; with `wipe`, deletes the device copy as well.
    pub fn stop(self, database: Option<String>) {
        if let Some(live) = self.live.try_update_value(|l| l.take()).flatten() {
            live.stop();
        }
        let store = self.store.try_update_value(|s| s.take()).flatten();
        self.conversations.set(Vec::new());
        self.timelines.set(HashMap::new());
        self.loaded.set(false);
        spawn_local(async move {
            if let Some(LocalStore::Idb(idb)) = store.and_then(|s| Rc::try_unwrap(s).ok()) {
                idb.close();
            }
            if let Some(name) = database {
                let _ = IdbStore::delete(&name).await;
            }
        });
    }

    /// The browser says the network is back: reconnect and catch up.
    pub fn network_back(self) {
        if let Some(live) = self.live.with_value(|l| l.clone()) {
            self.connection.set(Connection::Connecting);
            live.reconnect_now();
        }
    }

    pub fn network_lost(self) {
        self.connection.set(Connection::Offline);
    }

    fn on_error(self, error: &ApiError) {
        if error.is_unauthenticated() {
            self.session_ended();
        } else if *error == ApiError::Network {
            self.connection.set(Connection::Offline);
        }
    }

    /// The server ended this session (signed out elsewhere, revoked, disabled): wipe and sign out.
    fn session_ended(self) {
        let database = self
            .session
            .0
            .with_untracked(|s| s.as_ref().map(Session::database_name));
        self.stop(database);
        Session::forget();
        self.session.0.set(None);
    }

    /// Fetches the conversation list and the newest page of each conversation into the device copy.
    pub async fn refresh(self) {
        let Some(api) = self.api() else { return };
        match api.conversations().await {
            Ok(list) => {
                if let Some(store) = self.local() {
                    let _ = store.replace_conversations(&list).await;
                }
                let ids: Vec<ConversationId> = list.iter().map(|c| c.id).collect();
                self.conversations.set(list);
                self.loaded.set(true);
                // Keep recent history on the device so every chat opens offline.
                for id in ids {
                    self.fetch_latest(id).await;
                }
            }
            Err(error) => {
                self.loaded.set(true);
                self.on_error(&error);
            }
        }
    }

    async fn fetch_latest(self, id: ConversationId) {
        let Some(api) = self.api() else { return };
        match api.messages(id, None, PAGE).await {
            Ok(page) => {
                if let Some(store) = self.local() {
                    let _ = store.put_messages(&page.messages).await;
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
                self.timelines
                    .update(|t| t.entry(id).or_default().missing = true);
            }
            Err(error) => self.on_error(&error),
        }
    }

    /// Shows a conversation: the device copy at once, then the server's newest page.
    pub fn open(self, id: ConversationId) {
        self.open.update_value(|open| {
            if !open.contains(&id) {
                open.push(id);
            }
        });
        spawn_local(async move {
            self.load_local(id).await;
            self.fetch_latest(id).await;
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
        let Some(before) = self
            .timelines
            .with_untracked(|t| t.get(&id).and_then(Timeline::oldest_seq))
        else {
            return;
        };
        spawn_local(async move {
            let mut older = match self.local() {
                Some(store) => store
                    .messages(id, Some(before), PAGE)
                    .await
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            let mut has_more = true;
            if (older.len() as u32) < PAGE
                && let Some(api) = self.api()
            {
                match api.messages(id, Some(before), PAGE).await {
                    Ok(page) => {
                        if let Some(store) = self.local() {
                            let _ = store.put_messages(&page.messages).await;
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

    /// Sends a message; it shows at once as pending and turns into the server's copy on success.
    pub fn send(self, id: ConversationId, text: String) -> Result<(), TextError> {
        validate_text(&text)?;
        let client_id = crate::platform::new_client_id();
        self.timelines.update(|t| {
            t.entry(id).or_default().pending.push(PendingMessage {
                client_id,
                text: text.clone(),
                failed: false,
            });
        });
        self.deliver(id, client_id, text);
        Ok(())
    }

    /// Sends a failed message again with the same client id (the server de-duplicates).
    pub fn retry(self, id: ConversationId, client_id: ClientId) {
        let text = self.timelines.try_update(|t| {
            let pending = t
                .get_mut(&id)?
                .pending
                .iter_mut()
                .find(|p| p.client_id == client_id)?;
            pending.failed = false;
            Some(pending.text.clone())
        });
        if let Some(Some(text)) = text {
            self.deliver(id, client_id, text);
        }
    }

    fn deliver(self, id: ConversationId, client_id: ClientId, text: String) {
        let Some(api) = self.api() else { return };
        spawn_local(async move {
            match api.send(id, &SendMessageRequest { client_id, text }).await {
                Ok(message) => self.accept(message).await,
                Err(error) => {
                    self.timelines.update(|t| {
                        if let Some(p) = t
                            .get_mut(&id)
                            .and_then(|t| t.pending.iter_mut().find(|p| p.client_id == client_id))
                        {
                            p.failed = true;
                        }
                    });
                    self.on_error(&error);
                }
            }
        });
    }

    /// Records a message from the server (own send, or live from others).
    async fn accept(self, message: Message) {
        if let Some(store) = self.local() {
            let _ = store.put_messages(std::slice::from_ref(&message)).await;
        }
        self.timelines.update(|t| {
            if let Some(timeline) = t.get_mut(&message.conversation_id) {
                timeline.merge(std::slice::from_ref(&message));
            }
        });
        let mut known = false;
        let mut updated = None;
        self.conversations.update(|list| {
            if let Some(summary) = list.iter_mut().find(|c| c.id == message.conversation_id) {
                known = true;
                if message.seq >= summary.last_seq {
                    summary.last_seq = message.seq;
                    summary.updated_at = message.sent_at.max(summary.updated_at);
                    summary.last_message = Some(message.clone());
                    updated = Some(summary.clone());
                }
                crate::store::sort_conversations(list);
            }
        });
        if let (Some(summary), Some(store)) = (updated, self.local()) {
            let _ = store.put_conversation(&summary).await;
        }
        if !known {
            // A conversation this device has not seen yet (e.g. a new group): fetch the list.
            self.refresh().await;
        }
    }

    fn on_live(self, event: LiveEvent) {
        match event {
            LiveEvent::Frame(ServerFrame::Ready { .. }) => {
                let was_offline = self.connection.get_untracked() != Connection::Online;
                self.connection.set(Connection::Online);
                if was_offline {
                    // Catch up on whatever happened while the socket was down.
                    spawn_local(async move {
                        self.refresh().await;
                        let open = self.open.get_value();
                        for id in open {
                            self.fetch_latest(id).await;
                        }
                        self.resend_failed();
                    });
                }
            }
            LiveEvent::Frame(ServerFrame::Message { message }) => spawn_local(self.accept(message)),
            LiveEvent::Frame(ServerFrame::SessionEnded) => self.session_ended(),
            LiveEvent::Frame(ServerFrame::Pong) => {}
            LiveEvent::Disconnected => {
                if self.connection.get_untracked() == Connection::Online {
                    self.connection.set(Connection::Connecting);
                }
                if !crate::platform::browser_online() {
                    self.connection.set(Connection::Offline);
                }
            }
        }
    }

    /// After reconnecting, sends again what failed while offline (same client ids: no duplicates).
    fn resend_failed(self) {
        let failed: Vec<(ConversationId, ClientId)> = self.timelines.with_untracked(|t| {
            t.iter()
                .flat_map(|(id, timeline)| {
                    timeline
                        .pending
                        .iter()
                        .filter(|p| p.failed)
                        .map(|p| (*id, p.client_id))
                })
                .collect()
        });
        for (id, client_id) in failed {
            self.retry(id, client_id);
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
