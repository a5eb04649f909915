//! The chat feature's loading: the first start's snapshot, a conversation's newest page and
//! participants, older history (device first, then the server), and conversations the server
//! just created or changed. Results go into [`ChatState`](super::state::ChatState) and the device
//! store; the change feed does the rest (`sync::engine`).

use super::state::{PAGE, Timeline};
use crate::api::ApiError;
use crate::state::AppState;
use crate::store::Store;
use crate::sync::engine::ApplyFeed;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ConversationId;
use weft_protocol::chat::ConversationDetail;

impl AppState {
    /// First start on this device: the conversation list, the cursor it is current at, and the
    /// newest page of every conversation so each opens offline.
    pub(crate) async fn bootstrap(self) {
        let Some(api) = self.sync.api() else { return };
        match api.bootstrap().await {
            Ok(snapshot) => {
                if let Some(store) = self.sync.local() {
                    self.sync
                        .check_write("conversation list", store.replace_conversations(&snapshot.conversations).await);
                }
                let ids: Vec<ConversationId> = snapshot.conversations.iter().map(|c| c.id).collect();
                self.sync.engine.update_value(|e| e.replace_conversations(snapshot.conversations));
                self.publish_list();
                self.chat.loaded.set(true);
                for id in ids {
                    self.fetch_latest(id).await;
                }
                self.advance_cursor(snapshot.cursor).await;
            }
            Err(error) => {
                self.chat.loaded.set(true);
                self.on_error(&error);
            }
        }
    }

    /// Fetches the newest page of a conversation into the device copy and the timeline.
    pub(crate) async fn fetch_latest(self, id: ConversationId) {
        let Some(api) = self.sync.api() else { return };
        match api.messages(id, None, PAGE).await {
            Ok(page) => {
                if let Some(store) = self.sync.local() {
                    self.sync.check_write("messages", store.put_messages(&page.messages).await);
                }
                self.chat.timelines.update(|timelines| {
                    if let Some(timeline) = timelines.get_mut(&id) {
                        timeline.merge(&page.messages);
                        if timeline.messages.len() <= page.messages.len() {
                            timeline.has_more = page.has_more;
                        }
                    }
                });
            }
            Err(ApiError::Server { status: 404, .. }) => {
                self.chat.timelines.update(|t| t.entry(id).or_default().missing = true);
            }
            Err(error) => self.on_error(&error),
        }
    }

    async fn fetch_detail(self, id: ConversationId) {
        let Some(api) = self.sync.api() else { return };
        if let Ok(detail) = api.detail(id).await {
            self.chat.put_detail(id, detail);
        }
    }

    /// Fetches a conversation's participants and read positions (for pages that need only those).
    pub fn load_detail(self, id: ConversationId) {
        spawn_local(self.fetch_detail(id));
    }

    /// Shows a conversation: the device copy at once, then the server's newest page and receipts.
    pub fn open(self, id: ConversationId) {
        self.chat.open.update_value(|open| {
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
    pub(crate) async fn load_local(self, id: ConversationId) {
        let messages = match self.sync.local() {
            Some(store) => store.messages(id, None, PAGE).await.unwrap_or_default(),
            None => Vec::new(),
        };
        self.chat.timelines.update(|t| {
            let timeline = t.entry(id).or_default();
            if timeline.messages.is_empty() {
                timeline.has_more = messages.len() as u32 == PAGE;
            }
            timeline.merge(&messages);
        });
    }

    pub fn close(self, id: ConversationId) {
        self.chat.open.update_value(|open| open.retain(|o| *o != id));
    }

    /// Loads the page before the oldest loaded message: device first, then the server.
    pub fn load_older(self, id: ConversationId) {
        let Some(before) = self.chat.timelines.with_untracked(|t| t.get(&id).and_then(Timeline::oldest_seq)) else {
            return;
        };
        spawn_local(async move {
            let mut older = match self.sync.local() {
                Some(store) => store.messages(id, Some(before), PAGE).await.unwrap_or_default(),
                None => Vec::new(),
            };
            let mut has_more = true;
            if (older.len() as u32) < PAGE
                && let Some(api) = self.sync.api()
            {
                match api.messages(id, Some(before), PAGE).await {
                    Ok(page) => {
                        if let Some(store) = self.sync.local() {
                            self.sync.check_write("messages", store.put_messages(&page.messages).await);
                        }
                        has_more = page.has_more;
                        older = page.messages;
                    }
                    Err(error) => self.on_error(&error),
                }
            }
            self.chat.timelines.update(|t| {
                let timeline = t.entry(id).or_default();
                timeline.merge(&older);
                timeline.has_more = has_more && !older.is_empty();
            });
        });
    }
}

impl AppState {
    /// Takes a conversation the server just created or changed into the list and receipts.
    pub fn adopt(self, detail: ConversationDetail) {
        let id = detail.summary.id;
        let summary = detail.summary.clone();
        self.chat.put_detail(id, detail);
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
