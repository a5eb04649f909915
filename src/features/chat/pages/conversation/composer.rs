//! The conversation's composer: the message being replied to (with a way to cancel) above the
//! [`Composer`]. The Approvals conversation has none: its cards carry the actions.

use crate::features::chat::components::composer::{Composer, Outgoing};
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::chat::{Message, Participant, TextError};

#[component]
pub fn ConversationComposer(
    replying: RwSignal<Option<Message>>,
    on_send: Callback<Outgoing, Result<(), TextError>>,
    on_attach: Callback<web_sys::File, Result<(), Text>>,
    people: Signal<Vec<Participant>>,
    can_mention_all: Signal<bool>,
    /// True in the Approvals conversation (read-only).
    #[prop(into)]
    read_only: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || replying.with(Option::is_some)>
            <div class="reply-banner">
                <span>{i18n.t(Text::ReplyingTo)}" "<bdi>{move || replying.get().map(|m| m.sender_name).unwrap_or_default()}</bdi>": "
                    {move || replying.get().map(|m| weft_protocol::chat::excerpt(&m.text)).unwrap_or_default()}</span>
                <button type="button" class="link" aria-label=i18n.t(Text::CancelReply) on:click=move |_| replying.set(None)>"×"</button>
            </div>
        </Show>
        <Show when=move || !read_only.get()>
            <Composer on_send=on_send on_attach=on_attach people=people can_mention_all=can_mention_all/>
        </Show>
    }
}
