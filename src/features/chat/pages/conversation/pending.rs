//! What the outbox still holds for this conversation: messages waiting to be sent ("Sending…",
//! or "Not sent" with Retry and Delete) at the end of the timeline, and other refused actions
//! (recall, read, pin/mute) with the server's reason and Dismiss.

use crate::features::chat::components::message_item::PendingItem;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::sync::outbox::{OutboxAction, OutboxEntry};
use leptos::prelude::*;

/// The conversation's queued messages, as the last items of the timeline.
#[component]
pub fn PendingList(#[prop(into)] entries: Signal<Vec<OutboxEntry>>) -> impl IntoView {
    let app = use_app();
    view! {
        <For each=move || entries.get() key=|e| (e.client_id.clone(), e.failed.clone()) let:entry>
            {
                let (retry_id, delete_id) = (entry.client_id.clone(), entry.client_id.clone());
                let text = match &entry.action {
                    OutboxAction::Send { file: Some(file), .. } => format!("📎 {} ({})", file.file_name, crate::ui::attachment::human_size(file.size)),
                    OutboxAction::Send { text, .. } => text.clone(),
                    _ => String::new(),
                };
                view! {
                    <PendingItem
                        text=text
                        failed=entry.failed.clone()
                        on_retry=Callback::new(move |()| app.retry(retry_id.clone()))
                        on_delete=Callback::new(move |()| app.discard(delete_id.clone()))
                    />
                }
            }
        </For>
    }
}

/// Actions on the conversation other than sending that the server refused.
#[component]
pub fn RefusedActions(#[prop(into)] entries: Signal<Vec<OutboxEntry>>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    view! {
        <For each=move || entries.get() key=|e| e.client_id.clone() let:entry>
            {
                let client_id = entry.client_id.clone();
                view! {
                    <p class="action-error" role="alert">
                        {i18n.t(Text::ActionFailed)}" "{entry.failed.clone().unwrap_or_default()}" "
                        <button type="button" class="link" on:click=move |_| app.discard(client_id.clone())>{i18n.t(Text::Dismiss)}</button>
                    </p>
                }
            }
        </For>
    }
}
