//! One message in a timeline: sender, time, and text (always rendered as text, never as HTML;
//! bidirectional overrides are isolated so they cannot reorder the surrounding UI).

use crate::i18n::{Text, use_i18n};
use crate::platform::clock_time;
use leptos::prelude::*;
use weft_protocol::chat::Message;

#[component]
pub fn MessageItem(message: Message, mine: bool) -> impl IntoView {
    view! {
        <li class="message" class:message--mine=mine data-seq=message.seq>
            <div class="message__meta">
                <bdi class="message__sender">{message.sender_name.clone()}</bdi>
                <time>{clock_time(message.sent_at)}</time>
            </div>
            <bdi class="message__text">{message.text.clone()}</bdi>
        </li>
    }
}

/// A message typed here that the server has not confirmed yet.
#[component]
pub fn PendingItem(text: String, failed: bool, on_retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="message message--mine message--pending" data-pending="true">
            <bdi class="message__text">{text}</bdi>
            <div class="message__status">
                {if failed {
                    view! {
                        <span class="message__failed">{i18n.t(Text::NotSent)}</span>
                        " "
                        <button type="button" class="link" on:click=move |_| on_retry.run(())>{i18n.t(Text::Retry)}</button>
                    }.into_any()
                } else {
                    view! { <span>{i18n.t(Text::Sending)}</span> }.into_any()
                }}
            </div>
        </li>
    }
}
