//! The list of conversations, most recent first, with the last message and its time.

use crate::features::chat::state::use_chat;
use crate::features::confidential::controls::ConfidentialBadge;
use crate::i18n::confidential::Ct;
use crate::i18n::{Lang, Text, use_i18n};
use crate::platform::clock_time;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use weft_protocol::approval::CardEvent;
use weft_protocol::chat::{ConversationKind, ConversationSummary, MessageCard};

/// The title a member sees: the Approvals conversation's in their language, others as listed.
pub fn title_in(summary: &ConversationSummary, lang: Lang) -> String {
    match summary.kind {
        ConversationKind::Approvals => Text::Approvals.in_lang(lang).to_owned(),
        _ => summary.title.clone(),
    }
}

fn preview(summary: &ConversationSummary, lang: Lang) -> String {
    let Some(message) = summary.last_message.as_ref() else { return String::new() };
    // Confidential content never shows outside its watermarked view.
    if summary.confidential.is_some() {
        return Ct::ConfidentialPreview.in_lang(lang).to_owned();
    }
    match &message.card {
        Some(MessageCard::Approval(card)) => {
            let event = match card.event {
                CardEvent::AwaitingYou { .. } => Text::ApprovalCardAwaitingYou.in_lang(lang),
                CardEvent::Finished { status } => crate::features::approvals::words::status_text(status).in_lang(lang),
                CardEvent::Copied => Text::ApprovalCardCopied.in_lang(lang),
            };
            format!("{} · {} · {event}", card.template_name, card.applicant_name)
        }
        Some(MessageCard::Notice(_)) => message.text.clone(),
        Some(MessageCard::Bot(bot)) => {
            format!("{}: {}", bot.sender.name(), bot.plain_text().lines().next().unwrap_or_default())
        }
        None => format!("{}: {}", message.sender_name, message.text.lines().next().unwrap_or_default()),
    }
}

#[component]
pub fn ConversationList() -> impl IntoView {
    let i18n = use_i18n();
    let chat = use_chat();
    let location = use_location();
    view! {
        <nav class="conversation-list" aria-label=i18n.t(Text::Chats)>
            <h2 class="visually-hidden">{i18n.t(Text::Chats)}</h2>
            <Show when=move || chat.loaded.get() && chat.conversations.with(Vec::is_empty)>
                <p class="hint">{i18n.t(Text::NoChats)}</p>
            </Show>
            <ul>
                <For
                    each=move || chat.conversations.get()
                    key=|c| (c.id, c.last_seq, c.title.clone(), c.unread, c.muted, c.pinned, c.last_message.as_ref().map(|m| m.recalled), c.confidential.is_some())
                    let:summary
                >
                    {
                        let href = format!("/c/{}", summary.id);
                        let current_href = href.clone();
                        let is_current = move || location.pathname.get() == current_href;
                        let row_is_current = is_current.clone();
                        let preview_id = format!("conversation-preview-{}", summary.id);
                        let unread_id = format!("conversation-unread-{}", summary.id);
                        let described_by = if summary.unread > 0 { format!("{preview_id} {unread_id}") } else { preview_id.clone() };
                        let time = summary.last_message.as_ref().map(|m| clock_time(m.sent_at)).unwrap_or_default();
                        // The link's name is the conversation's title alone (what a person says to
                        // open it); preview, time and unread count describe it. The whole row is
                        // its click target (CSS stretches the link over the row).
                        view! {
                            <li class="conversation-item" class:conversation-item--current=row_is_current>
                                <span class="avatar" aria-hidden="true">{title_in(&summary, i18n.lang.get_untracked()).chars().next().map(String::from).unwrap_or_default()}</span>
                                <span class="conversation-item__text">
                                    <a
                                        href=href
                                        class="conversation-link"
                                        aria-current=move || is_current().then_some("page")
                                        aria-describedby=described_by
                                    >
                                        {summary.pinned.then(|| view! { <span class="pin" title=Text::Pinned.in_lang(i18n.lang.get_untracked())>"📌 "</span> })}
                                        {let shown = summary.clone(); move || title_in(&shown, i18n.lang.get())}
                                        {summary.confidential.is_some().then(|| view! { " " <ConfidentialBadge/> })}
                                        {summary.muted.then(|| view! { <span class="hint" title=Text::Muted.in_lang(i18n.lang.get_untracked())>" 🔕"</span> })}
                                    </a>
                                    <span class="conversation-item__preview" id=preview_id>{let shown = summary.clone(); move || preview(&shown, i18n.lang.get())}</span>
                                </span>
                                <span class="conversation-item__side">
                                    <time class="conversation-item__time">{time}</time>
                                    {(summary.unread > 0).then(|| {
                                        let count = if summary.unread > 99 { "99+".to_owned() } else { summary.unread.to_string() };
                                        let label = format!("{} {}", summary.unread, Text::Unread.in_lang(i18n.lang.get_untracked()));
                                        view! {
                                            <span class="unread-badge" class:unread-badge--muted=summary.muted data-testid="unread" aria-hidden="true">{count}</span>
                                            <span class="visually-hidden" id=unread_id>{label}</span>
                                        }
                                    })}
                                </span>
                            </li>
                        }
                    }
                </For>
            </ul>
        </nav>
    }
}
