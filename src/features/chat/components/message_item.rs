//! One message in a timeline: sender, time, the quoted message it replies to, the text (always
//! rendered as text, never as HTML; bidirectional overrides are isolated so they cannot reorder
//! the surrounding UI), actions (reply, recall) and, on the member's own messages, receipts.
//! Messages carrying a card (approvals) show the card instead; notices (confidential chats) are a
//! centred system line worded from their typed data. In a conversation with a lifetime each
//! message shows when it disappears.

use crate::features::approvals::components::approval_card::ApprovalCardView;
use crate::features::chat::components::bot_message::BotMessageView;
use crate::features::chat::components::forward::ForwardDialog;
use crate::features::chat::components::share_out::ShareOutButton;
use crate::features::chat::state::use_chat;
use crate::features::confidential::expiry::ExpiryHint;
use crate::features::confidential::view::use_confidential;
use crate::i18n::bots::Bt;
use crate::i18n::confidential::Ct;
use crate::i18n::confidential::notice_text;
use crate::i18n::{Text, use_i18n};
use crate::platform::clock_time;
use crate::ui::attachment::AttachmentView;
use leptos::prelude::*;
use weft_protocol::bot::BotSender;
use weft_protocol::chat::{Message, MessageCard};

/// How long after sending the app offers "Recall" (the server enforces its own window).
pub const RECALL_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

#[component]
pub fn MessageItem(
    message: Message,
    mine: bool,
    /// "Read" / "2/4 read" for own messages, when known.
    #[prop(into)]
    receipt: Signal<Option<String>>,
    /// Names of those who have read it (shown on hover and read out with the receipt).
    #[prop(optional, into)]
    readers: Signal<String>,
    on_reply: Callback<Message>,
    on_recall: Callback<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    if message.recalled {
        let who = message.sender_name.clone();
        return view! {
            <li class="message message--recalled" data-seq=message.seq data-recalled="true">
                <span class="hint">{who}" "{i18n.t(Text::RecalledMessage)}</span>
            </li>
        }
        .into_any();
    }
    if let Some(MessageCard::Notice(notice)) = message.card.clone() {
        return view! {
            <li class="message message--notice" data-seq=message.seq role="note">
                <span>{move || notice_text(&notice, i18n.lang.get())}</span>
            </li>
        }
        .into_any();
    }
    if let Some(MessageCard::Approval(card)) = message.card.clone() {
        return view! {
            <li class="message message--card" data-seq=message.seq>
                <div class="message__meta"><time>{clock_time(message.sent_at)}</time></div>
                <ApprovalCardView card=card/>
            </li>
        }
        .into_any();
    }
    let confidential = use_confidential();
    let is_confidential = confidential.with_untracked(Option::is_some);
    let lifetime = confidential.with_untracked(|c| c.and_then(|c| c.lifetime));
    let expiry = (message.expires_at.is_some() || lifetime.is_some())
        .then(|| view! { <ExpiryHint expires_at=message.expires_at lifetime=lifetime/> });
    let can_recall = mine && crate::platform::now_millis() - message.sent_at < RECALL_WINDOW_MS;
    let seq = message.seq;
    let quoted = message.reply_to.clone().map(|reply| {
        view! {
            <blockquote class="message__quote">
                <bdi>{reply.sender_name}</bdi>": "
                {if reply.recalled { Text::RecalledMessage.in_lang(i18n.lang.get_untracked()).to_owned() } else { reply.excerpt }}
            </blockquote>
        }
    });
    let for_reply = message.clone();
    // Nothing is typed into a read-only conversation (an app's), so nothing answers a message.
    let read_only = use_chat()
        .conversations
        .with_untracked(|list| list.iter().any(|c| c.id == message.conversation_id && c.kind.is_read_only()));
    let bot = message.bot().cloned();
    let bot_tag = bot.as_ref().map(|bot| {
        let tag = match bot.sender {
            BotSender::App { .. } => Bt::AppTag,
            BotSender::Robot { .. } => Bt::RobotTag,
        };
        view! { <span class="message__bot-tag">{i18n.bot(tag)}</span> }
    });
    let text = message.text.clone();
    let text_view = match bot {
        Some(bot) => view! { <BotMessageView bot=bot/> }.into_any(),
        None => view! {
            <Show when={
                let empty = message.text.is_empty();
                move || !empty
            }>
                <bdi class="message__text">{text.clone()}</bdi>
            </Show>
        }
        .into_any(),
    };
    // Forwarding exists only outside confidential chats.
    let forwarding = RwSignal::new(false);
    let forwarded = RwSignal::new(false);
    let forward = (!is_confidential).then(|| {
        let message = message.clone();
        let on_close = Callback::new(move |sent: bool| {
            forwarding.set(false);
            forwarded.set(sent);
        });
        view! {
            <button type="button" class="link" on:click=move |_| forwarding.set(true)>{i18n.c(Ct::Forward)}</button>
            <Show when=move || forwarded.get()><span class="hint" role="status">{i18n.c(Ct::Forwarded)}</span></Show>
            <Show when=move || forwarding.get()>
                <ForwardDialog message=message.clone() on_close=on_close/>
            </Show>
        }
    });
    view! {
        <li class="message" class:message--mine=mine data-seq=message.seq>
            <div class="message__meta">
                <bdi class="message__sender">{message.sender_name.clone()}</bdi>
                {bot_tag}
                <time>{clock_time(message.sent_at)}</time>
            </div>
            {quoted}
            {message.attachment.clone().map(|file| view! { <AttachmentView file=file confidential=is_confidential/> })}
            {text_view}
            <div class="message__actions">
                {(!read_only).then(|| view! {
                    <button type="button" class="link" on:click=move |_| on_reply.run(for_reply.clone())>{i18n.t(Text::Reply)}</button>
                })}
                {forward}
                <ShareOutButton message=message.clone() confidential=is_confidential/>
                {can_recall.then(|| view! {
                    <button type="button" class="link" on:click=move |_| on_recall.run(seq)>{i18n.t(Text::Recall)}</button>
                })}
                {expiry}
                <span class="message__receipt" data-testid="receipt" title=move || readers.get()>{move || receipt.get()}</span>
            </div>
        </li>
    }
    .into_any()
}

/// A message typed here that the server has not accepted yet (or refused).
#[component]
pub fn PendingItem(
    text: String,
    failed: Option<String>,
    on_retry: Callback<()>,
    on_delete: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let is_failed = failed.is_some().to_string();
    view! {
        <li class="message message--mine message--pending" data-pending="true" data-failed=is_failed>
            <bdi class="message__text">{text}</bdi>
            <div class="message__status">
                {match failed {
                    Some(reason) => view! {
                        <span class="message__failed">{i18n.t(Text::NotSent)}</span>
                        " "<span class="hint">{reason}</span>" "
                        <button type="button" class="link" on:click=move |_| on_retry.run(())>{i18n.t(Text::Retry)}</button>
                        <button type="button" class="link" on:click=move |_| on_delete.run(())>{i18n.t(Text::Delete)}</button>
                    }.into_any(),
                    None => view! { <span>{i18n.t(Text::Sending)}</span> }.into_any(),
                }}
            </div>
        </li>
    }
}
