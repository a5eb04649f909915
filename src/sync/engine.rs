//! The down path's I/O: change frames from the live socket are queued and handed one at a time
//! to the [`Engine`] (from `weft-sync-core`, which decides what each change does), and the
//! [`Effects`] it answers with are carried out in order here — device-store writes, fetches,
//! outbox settlements — and handed through [`Features::apply`] to the feature state each
//! concerns (messages, receipts and recalls to chat, directory changes, request summaries);
//! then the conversation list is shown again. Applying a change again has no further effect, so
//! a replay after a crash is harmless.

use crate::store::Store;
use crate::sync::live::LiveEvent;
use crate::sync::outbox::DeliverOutbox;
use crate::sync::{Connection, Features, SessionOver};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::VecDeque;
use weft_protocol::ConversationId;
use weft_protocol::chat::{ConversationSummary, Message};
use weft_protocol::live::ServerFrame;
use weft_sync_core::{Effect, Effects};

pub use weft_sync_core::Engine;

/// The feed's side of the sync, for every [`Features`]: implemented once for all of them.
#[allow(async_fn_in_trait, reason = "used only on the browser's single thread, never as dyn")]
pub trait ApplyFeed: Features {
    /// What the live socket reports.
    fn on_live(self, event: LiveEvent) {
        match event {
            LiveEvent::Frame(ServerFrame::Ready { .. }) => {
                self.sync().connection.set(Connection::Online);
                spawn_local(self.ready());
            }
            LiveEvent::Frame(ServerFrame::Changes { changes, cursor }) => {
                self.sync().incoming.update_value(|queue| queue.push_back((changes, cursor)));
                spawn_local(self.apply_incoming());
            }
            LiveEvent::Frame(ServerFrame::SessionEnded) => self.session_ended(SessionOver::Unknown),
            LiveEvent::Frame(ServerFrame::TermsChanged) => self.terms_changed(),
            LiveEvent::Frame(ServerFrame::Pong) => {}
            LiveEvent::Disconnected => {
                self.sync().connection.set(if crate::platform::browser_online() {
                    Connection::Connecting
                } else {
                    Connection::Offline
                });
            }
        }
    }

    /// Applies queued change frames one after another (never two at once).
    async fn apply_incoming(self) {
        if self.sync().applying.get_value() {
            return;
        }
        self.sync().applying.set_value(true);
        while let Some((changes, cursor)) = self.sync().incoming.try_update_value(|q| q.pop_front()).flatten() {
            let Some(effects) = self.sync().engine.try_update_value(|e| e.apply_frame(changes, cursor)) else { break };
            self.perform(effects).await;
        }
        self.sync().applying.set_value(false);
    }

    /// Saves the cursor if it moved forward.
    async fn advance_cursor(self, cursor: u64) {
        let effects = self.sync().engine.try_update_value(|e| e.advance_cursor(cursor)).unwrap_or_default();
        self.perform(effects).await;
    }

    /// The member no longer takes part: drop the conversation, its messages and queued writes.
    async fn apply_removed(self, conversation_id: ConversationId) {
        let effects = self.sync().engine.try_update_value(|e| e.remove(conversation_id)).unwrap_or_default();
        self.perform(effects).await;
    }

    /// A conversation's current summary replaces what the device had.
    async fn apply_summary(self, summary: ConversationSummary) {
        let effects = self.sync().engine.try_update_value(|e| e.apply_summary(summary)).unwrap_or_default();
        self.perform(effects).await;
    }

    /// Records messages from the server (an own send or anyone's, live or replayed): one
    /// device-store transaction for the messages, one reactive update for the timelines and one
    /// for the list, whatever the batch size.
    async fn apply_messages(self, messages: Vec<Message>) {
        let effects = self.sync().engine.try_update_value(|e| e.apply_messages(messages)).unwrap_or_default();
        self.perform(effects).await;
    }

    /// The member's own read position moved forward (shown at once, stored).
    async fn own_read(self, conversation: ConversationId, seq: u64) {
        let effects = self.sync().engine.try_update_value(|e| e.own_read(conversation, seq)).unwrap_or_default();
        self.perform(effects).await;
    }

    /// Shows the engine's conversation list.
    fn publish_list(self) {
        if let Some(list) = self.sync().engine.try_with_value(|e| e.conversations().to_vec()) {
            self.show_list(list);
        }
    }

    /// Carries out effects in order; an effect that leads to more (a fetched summary, a recalled
    /// message read from the device) has those carried out next.
    async fn perform(self, effects: Effects) {
        let mut pending: VecDeque<Effect> = VecDeque::new();
        self.queue_effects(&mut pending, effects);
        while let Some(effect) = pending.pop_front() {
            let more = self.perform_one(effect).await;
            self.queue_effects(&mut pending, more);
        }
    }

    fn queue_effects(self, pending: &mut VecDeque<Effect>, effects: Effects) {
        if effects.list_changed() {
            self.publish_list();
        }
        for effect in effects.into_iter().rev() {
            pending.push_front(effect);
        }
    }

    async fn perform_one(self, effect: Effect) -> Effects {
        let store = self.sync().local();
        match effect {
            Effect::PutMessages(messages) => {
                if let Some(store) = &store {
                    self.sync().check_write("messages", store.put_messages(&messages).await);
                }
                self.apply(Effect::PutMessages(messages)).await;
            }
            Effect::PutConversations(summaries) => {
                if let Some(store) = &store {
                    for summary in &summaries {
                        self.sync().check_write("conversation", store.put_conversation(summary).await);
                    }
                }
            }
            Effect::RemoveConversation(id) => {
                if let Some(store) = &store {
                    self.sync().check_write("conversation removal", store.remove_conversation(id).await);
                }
                self.apply(Effect::RemoveConversation(id)).await;
                let dropped = self.sync().outbox.try_update(|o| o.drop_conversation(id)).unwrap_or_default();
                self.forget_stored_entries(&dropped).await;
            }
            Effect::Settle(client_ids) => {
                let queued = self.sync().outbox.with_untracked(|o| client_ids.iter().any(|id| o.get(id).is_some()));
                if queued {
                    let settled: Vec<String> = self
                        .sync()
                        .outbox
                        .try_update(|o| client_ids.iter().filter_map(|id| o.settle(id)).map(|e| e.client_id).collect())
                        .unwrap_or_default();
                    self.forget_stored_entries(&settled).await;
                }
            }
            Effect::FetchSummary(id) => {
                if let Some(api) = self.sync().api()
                    && let Ok(detail) = api.detail(id).await
                {
                    return self
                        .sync()
                        .engine
                        .try_update_value(|e| e.apply_summary(detail.summary))
                        .unwrap_or_default();
                }
            }
            effect @ (Effect::RefreshDetail(_)
            | Effect::Receipt { .. }
            | Effect::Recalled(_)
            | Effect::Expired { .. }
            | Effect::Directory(_)
            | Effect::Approval(_)) => self.apply(effect).await,
            Effect::LookUpRecalled { conversation_id, seq } => {
                if let Some(store) = &store
                    && let Ok(Some(message)) = store.message(conversation_id, seq).await
                {
                    return self.sync().engine.try_update_value(|e| e.recalled(message)).unwrap_or_default();
                }
            }
            Effect::SaveCursor(cursor) => {
                if let Some(store) = &store {
                    self.sync().check_write("feed position", store.set_cursor(cursor).await);
                }
            }
        }
        Effects::default()
    }
}

impl<F: Features> ApplyFeed for F {}
