//! One conversation: its history (device copy first, then the server), older pages on demand,
//! live messages as they arrive, and the composer.

use crate::components::composer::Composer;
use crate::components::message_item::{MessageItem, PendingItem};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::{Timeline, use_chat};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use weft_protocol::ConversationId;

#[component]
pub fn ConversationPage() -> impl IntoView {
    let i18n = use_i18n();
    let chat = use_chat();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|id| id.parse::<ConversationId>().ok()))
    });

    // Load whenever the selected conversation changes.
    Effect::new(move |previous: Option<Option<ConversationId>>| {
        let current = id.get();
        if let Some(Some(old)) = previous {
            chat.close(old);
        }
        if let Some(current) = current {
            chat.open(current);
        }
        current
    });
    on_cleanup(move || {
        if let Some(current) = id.get_untracked() {
            chat.close(current);
        }
    });

    let me = move || session.0.with(|s| s.as_ref().map(|s| s.me.id));
    let timeline = move || -> Timeline {
        id.get()
            .and_then(|id| chat.timelines.with(|t| t.get(&id).cloned()))
            .unwrap_or_default()
    };
    let title = move || {
        let id = id.get()?;
        chat.conversations.with(|list| {
            list.iter()
                .find(|c| c.id == id)
                .map(|c| (c.title.clone(), c.member_count))
        })
    };

    // Keep the newest message in view as messages arrive.
    let log_ref = NodeRef::<html::Ol>::new();
    Effect::new(move |_| {
        let count = timeline().messages.len() + timeline().pending.len();
        if let Some(log) = log_ref.get() {
            let _ = count;
            log.set_scroll_top(log.scroll_height());
        }
    });

    let on_send = Callback::new(move |text: String| match id.get_untracked() {
        Some(id) => chat.send(id, text),
        None => Ok(()),
    });

    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="conversation-title">
                    {move || title().map(|(t, _)| t).unwrap_or_default()}
                </h2>
                <span class="conversation__members">
                    {move || title().map(|(_, n)| format!("{n} {}", Text::Members.in_lang(i18n.lang.get()))).unwrap_or_default()}
                </span>
            </header>
            <Show
                when=move || !(timeline().missing || (id.get().is_none()))
                fallback=move || view! { <p class="hint">{i18n.t(Text::ChatNotFound)}</p> }
            >
                <ol class="timeline" role="log" aria-live="polite" aria-label=i18n.t(Text::Chats) node_ref=log_ref tabindex="0">
                    <Show when=move || timeline().has_more>
                        <li class="timeline__more">
                            <button type="button" class="link" on:click=move |_| {
                                if let Some(id) = id.get_untracked() {
                                    chat.load_older(id);
                                }
                            }>{i18n.t(Text::EarlierMessages)}</button>
                        </li>
                    </Show>
                    <Show when=move || timeline().messages.is_empty() && timeline().pending.is_empty()>
                        <li class="hint">{i18n.t(Text::NoMessagesYet)}</li>
                    </Show>
                    <For each=move || timeline().messages key=|m| (m.id, m.seq) let:message>
                        {
                            let mine = me() == Some(message.sender_id);
                            view! { <MessageItem message=message mine=mine/> }
                        }
                    </For>
                    <For each=move || timeline().pending key=|p| (p.client_id, p.failed) let:pending>
                        {
                            let client_id = pending.client_id;
                            let on_retry = Callback::new(move |()| {
                                if let Some(id) = id.get_untracked() {
                                    chat.retry(id, client_id);
                                }
                            });
                            view! { <PendingItem text=pending.text failed=pending.failed on_retry=on_retry/> }
                        }
                    </For>
                </ol>
                <Composer on_send=on_send/>
            </Show>
        </section>
    }
}
