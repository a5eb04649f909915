//! The app-level context: [`AppState`] holds each feature's state (chat, directory, approvals)
//! beside the shared [`SyncState`], and starts and stops them together as members sign in and
//! out and as the network comes and goes. Each part is also provided on its own, so a page or
//! component that only reads asks for that part (`use_chat`, `use_directory`, `use_approvals`,
//! `use_sync`); one that acts through the outbox or the feed takes the whole (`use_app`).

use crate::api::{Api, ApiError};
use crate::features::approvals::state::ApprovalsState;
use crate::features::chat::state::ChatState;
use crate::features::directory::state::DirectoryState;
use crate::session::{Session, SessionContext};
use crate::store::{KeyPlace, LocalStore, NoCopy, Store};
use crate::sync::engine::{ApplyFeed, Engine};
use crate::sync::live::LiveSocket;
use crate::sync::outbox::{DeliverOutbox, Outbox, OutboxAction, OutboxEntry};
use crate::sync::{Connection, Features, SessionOver, SyncState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use weft_protocol::chat::ConversationSummary;
use weft_sync_core::Effect;

/// The features' states and what their sync shares; all fields are cheap handles.
#[derive(Clone, Copy)]
pub struct AppState {
    pub sync: SyncState,
    pub chat: ChatState,
    pub directory: DirectoryState,
    pub approvals: ApprovalsState,
}

pub fn use_app() -> AppState {
    use_context::<AppState>().expect("AppState is provided by App; a component was mounted outside it")
}

impl AppState {
    /// Provides the app's state and each of its parts through context.
    pub fn provide(session: SessionContext) -> Self {
        let state = Self {
            sync: SyncState::provide(session),
            chat: ChatState::provide(),
            directory: DirectoryState::provide(),
            approvals: ApprovalsState::provide(),
        };
        provide_context(state);
        state
    }

    /// Starts for a signed-in member: device copy first, then the server, then live updates,
    /// then whatever the outbox still holds.
    pub fn start(self, session: Session) {
        let sync = self.sync;
        sync.connection.set(if crate::platform::browser_online() {
            Connection::Connecting
        } else {
            Connection::Offline
        });
        sync.engine.set_value(Engine::new(Some(session.me.id)));
        let database = session.database_name();
        let key_place = if session.is_shared() {
            sync.database_lock.set_value(Some(crate::session::tabs::hold_database(&database)));
            KeyPlace::InMemory
        } else {
            KeyPlace::OnDevice
        };
        self.refresh_terms(&session);
        spawn_local(async move {
            let store = Rc::new(NoCopy::new(sync.store_health.open_store_with(&database, key_place).await));
            // The terms as the server last said (the refresh may have answered while the store opened).
            let keeps_chats = sync.session.0.with_untracked(|s| s.as_ref().is_none_or(Session::keeps_chats_offline));
            sync.check_write("offline-copy policy", store.set_device_barred(!keeps_chats).await);
            // The session may have ended while the store opened (a wipe answered at start): then
            // close it at once, or the wipe's delete would wait on this connection.
            if sync.session.0.with_untracked(|s| s.as_ref().map(|s| s.session_id)) != Some(session.session_id) {
                if let LocalStore::Idb(idb) = &**store {
                    idb.close();
                }
                return;
            }
            sync.check_write(
                "approval drafts",
                crate::features::approvals::drafts::move_local_storage_drafts(&*store, session.me.id).await.map(drop),
            );
            sync.store.set_value(Some(Rc::clone(&store)));
            // Entries queued before the store opened are kept and saved alongside the stored ones.
            let early: Vec<_> = sync.outbox.with_untracked(|o| o.iter().cloned().collect());
            for entry in &early {
                sync.check_write("outbox entry", store.put_outbox(entry).await);
            }
            let stored = store.outbox().await.unwrap_or_default();
            sync.outbox.update(|outbox| {
                for entry in stored.into_iter().filter(|s| !early.iter().any(|e| e.client_id == s.client_id)) {
                    outbox.push(entry);
                }
            });
            let cursor = store.cursor().await.ok().flatten();
            sync.engine.update_value(|e| e.restore_cursor(cursor));
            for id in self.chat.open.get_value() {
                self.load_local(id).await;
            }
            if let Ok(list) = store.conversations().await
                && !list.is_empty()
            {
                sync.engine.update_value(|e| e.replace_conversations(list));
                self.publish_list();
                self.chat.loaded.set(true);
            }
            self.load_directory_from_device();
            // Beside start-up, not in front of the live socket (it decrypts every kept request).
            spawn_local(self.load_stored_approvals());
            if sync.engine.with_value(Engine::cursor).is_none() {
                self.bootstrap().await;
            }
            if sync.session.0.with_untracked(|s| s.as_ref().map(|s| s.session_id)) != Some(session.session_id) {
                return;
            }
            self.connect_live(session.token.clone());
            self.flush().await;
        });
    }

    /// Tears everything down and closes the device store at once, so that deleting it (a wipe,
    /// here or in another tab) is not blocked.
    pub fn stop(self) {
        let sync = self.sync;
        if let Some(live) = sync.live.try_update_value(|l| l.take()).flatten() {
            live.stop();
        }
        sync.retry_timer.set_value(None);
        let store = sync.store.try_update_value(|s| s.take()).flatten();
        self.chat.reset();
        sync.outbox.set(Outbox::default());
        self.directory.reset();
        self.approvals.reset();
        sync.engine.set_value(Engine::default());
        sync.store_health.reset();
        if let Some(store) = store
            && let LocalStore::Idb(idb) = &**store
        {
            idb.close();
        }
    }

    /// The browser says the network is back: reconnect, catch up, deliver the outbox.
    pub fn network_back(self) {
        if let Some(live) = self.sync.live.with_value(|l| l.clone()) {
            self.sync.connection.set(Connection::Connecting);
            live.reconnect_now();
        }
        self.wake_outbox();
    }

    pub fn network_lost(self) {
        self.sync.connection.set(Connection::Offline);
    }

    fn connect_live(self, token: String) {
        let engine = self.sync.engine;
        let live = LiveSocket::start(
            token,
            move || engine.try_with_value(Engine::cursor).flatten(),
            move |event| self.on_live(event),
        );
        if let Some(old) = self.sync.live.try_update_value(|l| l.replace(live)).flatten() {
            old.stop();
        }
    }

    /// The server gave this session a new token (a password change, here or in another tab):
    /// keep it and reconnect with it; the device copy stays.
    pub fn replace_token(self, token: String) {
        let mut changed = false;
        self.sync.session.0.update(|kept| {
            if let Some(kept) = kept
                && kept.token != token
            {
                kept.token = token.clone();
                kept.save();
                changed = true;
            }
        });
        if changed && self.sync.live.with_value(Option::is_some) {
            self.connect_live(token);
        }
    }

    /// Asks the server for the session's terms (they may have changed since they were kept, or
    /// were kept by an earlier version without them).
    fn refresh_terms(self, session: &Session) {
        let api = Api::with_token(&session.token);
        let token = session.token.clone();
        let context = self.sync.session;
        spawn_local(async move {
            match api.current_session().await {
                Ok(current) => {
                    let changed = context.0.with_untracked(|kept| {
                        kept.as_ref().is_some_and(|kept| kept.token == token && kept.terms != Some(current.terms))
                    });
                    if changed {
                        context.0.update(|kept| {
                            if let Some(kept) = kept {
                                kept.terms = Some(current.terms);
                                kept.save();
                            }
                        });
                        if let Some(store) = self.sync.local() {
                            let barred = !current.terms.offline_copy;
                            self.sync.check_write("offline-copy policy", store.set_device_barred(barred).await);
                        }
                    }
                }
                Err(error) => self.on_error(&error),
            }
        });
    }

    /// A call failed: a session the server no longer knows signs out (wiping when an
    /// administrator asked); no network shows offline.
    pub fn on_error(self, error: &ApiError) {
        if error.is_wipe_required() {
            self.session_over(SessionOver::WipeRequired);
        } else if error.is_unauthenticated() {
            self.session_over(SessionOver::Ended);
        } else if *error == ApiError::Network {
            self.sync.connection.set(Connection::Offline);
        }
    }

    /// Sends a refused entry again (same client id, so never twice).
    pub fn retry(self, client_id: String) {
        DeliverOutbox::retry(self, client_id);
    }

    /// Deletes a queued entry the member gave up on.
    pub fn discard(self, client_id: String) {
        DeliverOutbox::discard(self, client_id);
    }
}

/// The narrow interface through which the sync reaches the features: each effect and each
/// outbox entry goes to the feature it concerns.
impl Features for AppState {
    fn sync(self) -> SyncState {
        self.sync
    }

    fn show_list(self, list: Vec<ConversationSummary>) {
        self.chat.show_list(list);
    }

    async fn apply(self, effect: Effect) {
        match effect {
            Effect::PutMessages(messages) => self.chat.merge_into_loaded(&messages),
            Effect::RemoveConversation(id) => self.chat.mark_missing(id),
            Effect::RefreshDetail(id) if self.chat.has_detail(id) => self.load_detail(id),
            Effect::Receipt { conversation_id, member_id, seq } => {
                self.chat.receipt(conversation_id, member_id, seq);
            }
            Effect::Recalled(message) => {
                let changed = self.chat.recalled(message);
                if let Some(store) = self.sync.local() {
                    self.sync.check_write("recalled message", store.put_messages(&changed).await);
                }
            }
            Effect::Directory(change) => self.apply_directory_change(change).await,
            Effect::Approval(summary) => self.apply_approval_summary(summary),
            Effect::Expired { conversation_id, seq } => self.expire(conversation_id, seq).await,
            _ => {}
        }
    }

    async fn ready(self) {
        // The terms may have changed while no socket could say so.
        self.terms_changed();
        if self.sync.engine.with_value(Engine::cursor).is_none() {
            self.bootstrap().await;
        }
        self.wake_outbox();
        if let Some(api) = self.sync.api() {
            crate::features::confidential::reports::send_unsent(&api).await;
        }
        self.ensure_directory().await;
        self.refresh_approvals().await;
    }

    async fn deliver(self, api: &Api, entry: &OutboxEntry) -> Result<(), ApiError> {
        match (entry.conversation_id, &entry.action) {
            (
                _,
                action @ (OutboxAction::SubmitApproval { .. }
                | OutboxAction::DecideApproval { .. }
                | OutboxAction::WithdrawApproval { .. }
                | OutboxAction::CommentApproval { .. }),
            ) => self.deliver_approval(api, entry.client_id(), action).await,
            (Some(id), _) => self.deliver_chat(api, id, entry).await,
            (None, _) => Ok(()),
        }
    }

    /// The server ended this session (signed out elsewhere, revoked, disabled, wipe asked):
    /// unsent writes are shown, then everything is wiped (`sign_out.rs`).
    fn session_ended(self, over: SessionOver) {
        self.session_over(over);
    }

    fn terms_changed(self) {
        if let Some(session) = self.sync.session.0.get_untracked() {
            self.refresh_terms(&session);
        }
    }
}
