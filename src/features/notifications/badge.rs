//! The installed app's icon badge (`navigator.setAppBadge`): the member's unread total, the same
//! total the server puts in pushes (which set it while the app is closed). While the app is open
//! it follows the chat list as messages arrive and are read, and it is cleared at sign-out.

use crate::features::chat::state::use_chat;
use crate::platform::set_app_badge;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AppBadge() -> impl IntoView {
    let chat = use_chat();
    let shown = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        let total = if chat.loaded.get() {
            chat.conversations.with(|list| list.iter().map(|c| u64::from(c.unread)).sum::<u64>())
        } else {
            0
        };
        if shown.get_value() != Some(total) {
            shown.set_value(Some(total));
            spawn_local(set_app_badge(total));
        }
    });
}
