//! Messages whose lifetime ended: deleted from the device store, the timeline and the list
//! preview when the feed says so (`Change::Expired`) and, locally, when `expires_at` passes while
//! the conversation is open; and the small hint each such message shows ("Disappears in 0:25",
//! "Disappears after reading").

use crate::i18n::confidential::{Ct, countdown_text};
use crate::i18n::use_i18n;
use crate::state::AppState;
use crate::store::Store;
use crate::sync::engine::ApplyFeed;
use leptos::prelude::*;
use weft_protocol::chat::Message;
use weft_protocol::confidential::MessageLifetime;
use weft_protocol::{ConversationId, Millis};

impl AppState {
    /// A message's lifetime ended: it goes from the device, the timeline and the list preview.
    pub async fn expire(self, conversation: ConversationId, seq: u64) {
        if let Some(store) = self.sync.local() {
            self.sync.check_write("expired message", store.delete_message(conversation, seq).await);
        }
        let mut previous: Option<Message> = None;
        self.chat.timelines.update(|t| {
            if let Some(timeline) = t.get_mut(&conversation) {
                timeline.messages.retain(|m| m.seq != seq);
                previous = timeline.messages.last().cloned();
            }
        });
        let summary = self.sync.engine.with_value(|e| e.conversation(conversation).cloned());
        if let Some(mut summary) = summary
            && summary.last_message.as_ref().is_some_and(|m| m.seq == seq)
        {
            summary.last_message = previous.filter(|m| m.seq < seq);
            // The engine's list and the stored row directly: going through the feed's effects
            // again from here would make applying an effect recursive.
            self.sync.engine.update_value(|e| drop(e.apply_summary(summary.clone())));
            if let Some(store) = self.sync.local() {
                self.sync.check_write("conversation", store.put_conversation(&summary).await);
            }
            self.publish_list();
        }
    }

    /// Expires the loaded messages of a conversation whose time has come (`now` in ms).
    pub async fn sweep_expired(self, conversation: ConversationId, now: Millis) {
        let due: Vec<u64> = self.chat.timelines.with_untracked(|t| {
            t.get(&conversation)
                .map(|t| {
                    t.messages.iter().filter(|m| m.expires_at.is_some_and(|at| at <= now)).map(|m| m.seq).collect()
                })
                .unwrap_or_default()
        });
        for seq in due {
            self.expire(conversation, seq).await;
        }
    }
}

/// The hint under a message of a conversation with a lifetime.
#[component]
pub fn ExpiryHint(expires_at: Option<Millis>, lifetime: Option<MessageLifetime>) -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(crate::platform::now_millis());
    if expires_at.is_some()
        && let Ok(timer) = set_interval_with_handle(
            move || now.set(crate::platform::now_millis()),
            std::time::Duration::from_millis(500),
        )
    {
        on_cleanup(move || timer.clear());
    }
    let text = move || match (expires_at, lifetime) {
        (Some(at), _) => Some(countdown_text(at - now.get(), i18n.lang.get())),
        (None, Some(MessageLifetime::AfterRead { .. })) => {
            Some(Ct::DisappearsAfterReading.in_lang(i18n.lang.get()).to_owned())
        }
        _ => None,
    };
    view! { <span class="message__expiry hint" data-testid="expiry">"⏱ "{text}</span> }
}
