//! One conversation: its history (device copy first, then the server) rendered through a
//! moving window of at most `WINDOW` messages, older pages on demand, live messages as they
//! arrive, pending and refused sends from the outbox, replies, recall, receipts on the member's
//! own messages, and the composer. Opening it marks it read.

use crate::features::chat::components::composer::{Composer, Outgoing};
use crate::features::chat::components::conversation_list::title_in;
use crate::features::chat::components::message_item::{MessageItem, PendingItem};
use crate::features::chat::components::timeline_window::{TimelineWindow, WINDOW};
use crate::features::chat::outbox::FileError;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::use_app;
use crate::sync::outbox::{OutboxAction, OutboxEntry};
use crate::ui::toggle_button::ToggleButton;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use weft_protocol::ConversationId;
use weft_protocol::chat::{ConversationKind, Message};

#[component]
pub fn ConversationPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<ConversationId>().ok())));
    let replying = RwSignal::new(None::<Message>);
    let window = RwSignal::new(TimelineWindow::newest());

    // Load whenever the selected conversation changes.
    Effect::new(move |previous: Option<Option<ConversationId>>| {
        let current = id.get();
        if let Some(Some(old)) = previous {
            app.close(old);
        }
        replying.set(None);
        window.set(TimelineWindow::newest());
        if let Some(current) = current {
            app.open(current);
        }
        current
    });
    on_cleanup(move || {
        if let Some(current) = id.get_untracked() {
            app.close(current);
        }
    });

    let me = move || session.0.with(|s| s.as_ref().map(|s| s.me.id));
    // What the page needs of the loaded history, without copying all of it on every change.
    let timeline = Memo::new(move |_| -> TimelineFacts {
        let id = id.get();
        app.chat.timelines.with(|t| {
            id.and_then(|id| t.get(&id))
                .map(|t| TimelineFacts {
                    has_more: t.has_more,
                    missing: t.missing,
                    oldest: t.oldest_seq(),
                    newest: t.messages.last().map(|m| m.seq),
                })
                .unwrap_or_default()
        })
    });
    let seqs = Memo::new(move |_| -> Vec<u64> {
        let id = id.get();
        app.chat
            .timelines
            .with(|t| id.and_then(|id| t.get(&id)).map(|t| t.messages.iter().map(|m| m.seq).collect()))
            .unwrap_or_default()
    });
    let visible = Memo::new(move |_| -> Vec<Message> {
        let id = id.get();
        let range = window.with(|w| seqs.with(|seqs| w.range(seqs)));
        app.chat
            .timelines
            .with(|t| id.and_then(|id| t.get(&id)).and_then(|t| t.messages.get(range).map(<[Message]>::to_vec)))
            .unwrap_or_default()
    });
    let summary = Memo::new(move |_| {
        let id = id.get()?;
        app.chat.conversations.with(|list| list.iter().find(|c| c.id == id).cloned())
    });
    let queued = Memo::new(move |_| -> Vec<OutboxEntry> {
        let Some(id) = id.get() else {
            return Vec::new();
        };
        app.sync.outbox.with(|o| o.iter().filter(|e| e.conversation_id == Some(id)).cloned().collect())
    });
    let pending =
        move || queued.get().into_iter().filter(|e| matches!(e.action, OutboxAction::Send { .. })).collect::<Vec<_>>();
    let refused_actions = move || {
        queued
            .get()
            .into_iter()
            .filter(|e| e.failed.is_some() && !matches!(e.action, OutboxAction::Send { .. }))
            .collect::<Vec<_>>()
    };

    // Seeing the newest message marks the conversation read.
    Effect::new(move |_| {
        if let (Some(id), Some(summary)) = (id.get(), summary.get())
            && summary.last_seq > summary.read_seq
        {
            app.mark_read(id);
        }
    });

    // Keep the newest message in view when a newer one arrives, while the window follows it
    // (not when older pages load above, nor while the member reads further back).
    let log_ref = NodeRef::<html::Ol>::new();
    let scroll_to_newest = move || {
        if let Some(log) = log_ref.get_untracked() {
            log.set_scroll_top(log.scroll_height());
        }
    };
    // Its own memo, so an older page loading (which changes the facts) does not count as news.
    let newest = Memo::new(move |_| timeline.with(|t| t.newest));
    Effect::new(move |_| {
        let _newest = (newest.get(), queued.with(Vec::len));
        if window.with_untracked(TimelineWindow::follows_newest) {
            // After the redraw that adds the message, or the list would not be tall enough yet.
            request_animation_frame(scroll_to_newest);
        }
    });
    // Moving the window or loading older messages must not move what the member is reading:
    // remember where one message that stays sits on screen, and put it back there once the page
    // has been redrawn.
    let anchor = StoredValue::new(None::<(u64, f64)>);
    let screen_top = move |seq: u64| -> Option<f64> {
        let log = log_ref.get_untracked()?;
        let item = log.query_selector(&format!("li[data-seq=\"{seq}\"]")).ok()??;
        Some(item.get_bounding_client_rect().top())
    };
    let hold = move |seq: Option<u64>| {
        anchor.set_value(seq.and_then(|seq| screen_top(seq).map(|top| (seq, top))));
    };
    // Set from a move of the window until the page has been put back in place: scroll events in
    // between come from the redraw, not from the member.
    let redrawing = StoredValue::new(false);
    let release = move || {
        redrawing.set_value(true);
        request_animation_frame(move || {
            redrawing.set_value(false);
            let Some((seq, before)) = anchor.get_value() else { return };
            anchor.set_value(None);
            if let (Some(log), Some(after)) = (log_ref.get_untracked(), screen_top(seq)) {
                log.set_scroll_top(log.scroll_top() + (after - before).round() as i32);
            }
        });
    };
    // Reaching the top shows earlier messages: first those already loaded, then the page before
    // (device first, then the server), requested once per page.
    let requested_before = StoredValue::new(None::<u64>);
    let awaiting_older = StoredValue::new(false);
    // Another conversation starts afresh (its pages may have the same sequence numbers).
    Effect::new(move |_| {
        id.track();
        requested_before.set_value(None);
        awaiting_older.set_value(false);
        anchor.set_value(None);
    });
    let show_earlier = move || {
        let Some(id) = id.get_untracked() else { return };
        let mut moved = window.get_untracked();
        let first_shown = seqs.with_untracked(|seqs| seqs.get(moved.range(seqs).start).copied());
        if seqs.with_untracked(|seqs| moved.earlier(seqs)) {
            hold(first_shown);
            window.set(moved);
            release();
            return;
        }
        let TimelineFacts { has_more, oldest, .. } = timeline.get_untracked();
        if has_more && oldest.is_some() && requested_before.get_value() != oldest {
            hold(first_shown);
            requested_before.set_value(oldest);
            awaiting_older.set_value(true);
            app.load_older(id);
        }
    };
    // An older page arrived: show it above what is on screen.
    Effect::new(move |previous: Option<Option<u64>>| {
        let oldest = timeline.with(|t| t.oldest);
        if previous.is_some_and(|p| p != oldest) && awaiting_older.get_value() {
            awaiting_older.set_value(false);
            let mut moved = window.get_untracked();
            if seqs.with_untracked(|seqs| moved.earlier(seqs)) {
                window.set(moved);
            }
            release();
        }
        oldest
    });
    let show_later = move || {
        let mut moved = window.get_untracked();
        let last_shown = seqs.with_untracked(|seqs| {
            let range = moved.range(seqs);
            range.end.checked_sub(1).and_then(|last| seqs.get(last).copied())
        });
        if seqs.with_untracked(|seqs| moved.later(seqs)) {
            hold(last_shown);
            window.set(moved);
            release();
        }
    };
    let jump_to_newest = move || {
        window.set(TimelineWindow::newest());
        request_animation_frame(scroll_to_newest);
    };
    const NEAR_EDGE_PX: i32 = 200;
    let on_scroll = move |_| {
        let Some(log) = log_ref.get_untracked() else { return };
        if redrawing.get_value() {
            return;
        }
        if log.scroll_top() < NEAR_EDGE_PX {
            show_earlier();
        } else if log.scroll_height() - log.scroll_top() - log.client_height() < NEAR_EDGE_PX
            && !window.with_untracked(TimelineWindow::follows_newest)
        {
            show_later();
        }
    };
    // Where "new messages" start: the read position when the chat was opened.
    let unread_from = StoredValue::new(None::<(ConversationId, u64)>);
    Effect::new(move |_| {
        if let (Some(id), Some(summary)) = (id.get(), summary.get())
            && unread_from.get_value().is_none_or(|(seen, _)| seen != id)
        {
            unread_from.set_value(Some((id, summary.read_seq)));
        }
    });
    let first_unread_seq = move || {
        let (_, read) = unread_from.get_value()?;
        let me = me();
        app.chat.timelines.with(|t| {
            let messages = &t.get(&unread_from.get_value()?.0)?.messages;
            messages.iter().find(|m| m.seq > read && Some(m.sender_id) != me).map(|m| m.seq)
        })
    };

    // Who has read one of the member's own messages, for the receipt's tooltip.
    let readers_of = move |seq: u64, sender: weft_protocol::MemberId| -> Signal<String> {
        Signal::derive(move || {
            let Some(id) = id.get() else { return String::new() };
            app.chat.details.with(|d| {
                d.get(&id)
                    .map(|detail| {
                        detail
                            .participants
                            .iter()
                            .filter(|p| p.id != sender && p.read_seq >= seq)
                            .map(|p| p.name.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            })
        })
    };
    let receipt_for = move |message: &Message| -> Signal<Option<String>> {
        let (seq, sender) = (message.seq, message.sender_id);
        Signal::derive(move || {
            let id = id.get()?;
            let detail = app.chat.details.with(|d| d.get(&id).cloned())?;
            let (read, total) = detail.read_count(seq, sender);
            let lang = i18n.lang.get();
            Some(match detail.summary.kind {
                ConversationKind::Direct => {
                    if read == total { Text::Read } else { Text::Unread }.in_lang(lang).to_owned()
                }
                ConversationKind::Group => format!("{read}/{total} {}", Text::ReadOf.in_lang(lang)),
                ConversationKind::Approvals => return None,
            })
        })
    };

    let on_send = Callback::new(move |outgoing: Outgoing| match id.get_untracked() {
        Some(id) => {
            let reply_to = replying.get_untracked().map(|m| m.seq);
            app.send(id, outgoing, reply_to).inspect(|()| {
                replying.set(None);
                jump_to_newest();
            })
        }
        None => Ok(()),
    });
    let people = Signal::derive(move || {
        let me = me();
        id.get()
            .and_then(|id| app.chat.details.with(|d| d.get(&id).map(|d| d.participants.clone())))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| Some(p.id) != me)
            .collect::<Vec<_>>()
    });
    let can_mention_all = Signal::derive(move || {
        let admin = session.0.with(|s| s.as_ref().is_some_and(|s| s.me.role == weft_protocol::auth::Role::Admin));
        summary.get().is_some_and(|s| s.kind == ConversationKind::Group && (Some(s.owner_id) == me() || admin))
    });
    let on_attach = Callback::new(move |file: web_sys::File| match id.get_untracked() {
        Some(id) => app.send_file(id, file).map_err(|problem| match problem {
            FileError::Empty => Text::FileEmpty,
            FileError::TooLarge => Text::FileTooLarge,
        }),
        None => Ok(()),
    });
    let on_reply = Callback::new(move |message: Message| replying.set(Some(message)));
    // The Approvals conversation is read-only: its cards carry the actions.
    let is_approvals = move || summary.with(|s| s.as_ref().is_some_and(|s| s.kind == ConversationKind::Approvals));
    let pinned = Signal::derive(move || summary.get().is_some_and(|s| s.pinned));
    let muted = Signal::derive(move || summary.get().is_some_and(|s| s.muted));
    // Flips pin (`true`) or mute (`false`), keeping the other as it is.
    let toggle_prefs = move |pin: bool| {
        Callback::new(move |()| {
            if let Some(s) = summary.get_untracked() {
                let (muted, pinned) = if pin { (s.muted, !s.pinned) } else { (!s.muted, s.pinned) };
                app.set_prefs(s.id, muted, pinned);
            }
        })
    };
    let on_recall = Callback::new(move |seq: u64| {
        if let Some(id) = id.get_untracked() {
            app.recall(id, seq);
        }
    });

    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="conversation-title">{move || summary.get().map(|s| title_in(&s, i18n.lang.get())).unwrap_or_default()}</h2>
                <Show when=move || summary.get().is_some_and(|s| s.kind == ConversationKind::Group)>
                    <a class="conversation__settings" href=move || id.get().map(|id| format!("/c/{id}/settings")).unwrap_or_default()>
                        {i18n.t(Text::GroupSettings)}
                    </a>
                </Show>
                <ToggleButton pressed=pinned when_pressed=Text::Unpin otherwise=Text::Pin on_toggle=toggle_prefs(true)/>
                <ToggleButton pressed=muted when_pressed=Text::Unmute otherwise=Text::Mute on_toggle=toggle_prefs(false)/>
                <Show when=move || !is_approvals()>
                    <span class="conversation__members">
                        {move || summary.get().map(|s| format!("{} {}", s.member_count, Text::Members.in_lang(i18n.lang.get()))).unwrap_or_default()}
                    </span>
                </Show>
            </header>
            <Show when=is_approvals>
                <p class="hint conversation__hint">{i18n.t(Text::ApprovalCardsHint)}</p>
            </Show>
            <Show
                when=move || !(timeline.with(|t| t.missing) || id.get().is_none())
                fallback=move || view! { <p class="hint">{i18n.t(Text::ChatNotFound)}</p> }
            >
                <ol
                    class="timeline"
                    role="log"
                    aria-live="polite"
                    aria-label=i18n.t(Text::Chats)
                    node_ref=log_ref
                    tabindex="0"
                    on:scroll=on_scroll
                    data-window=WINDOW
                    data-follows-newest=move || window.get().follows_newest().to_string()
                >
                    <Show when=move || timeline.with(|t| t.has_more) || window.with(|w| seqs.with(|s| w.range(s).start > 0))>
                        <li class="timeline__more">
                            <button type="button" class="link" on:click=move |_| show_earlier()>{i18n.t(Text::EarlierMessages)}</button>
                        </li>
                    </Show>
                    <Show when=move || timeline.with(|t| t.newest.is_none()) && pending().is_empty()>
                        <li class="hint">{i18n.t(Text::NoMessagesYet)}</li>
                    </Show>
                    <For each=move || visible.get() key=|m| (m.id, m.seq, m.recalled, m.reply_to.as_ref().is_some_and(|r| r.recalled)) let:message>
                        {
                            let mine = me() == Some(message.sender_id);
                            let receipt = if mine { receipt_for(&message) } else { Signal::derive(|| None) };
                            let readers = readers_of(message.seq, message.sender_id);
                            let seq = message.seq;
                            view! {
                                <Show when=move || first_unread_seq() == Some(seq)>
                                    <li class="new-marker" role="separator">{i18n.t(Text::NewMessages)}</li>
                                </Show>
                                <MessageItem message=message mine=mine receipt=receipt readers=readers on_reply=on_reply on_recall=on_recall/>
                            }
                        }
                    </For>
                    <Show when=move || !window.with(TimelineWindow::follows_newest)>
                        <li class="timeline__more">
                            <button type="button" class="link" on:click=move |_| show_later()>{i18n.t(Text::LaterMessages)}</button>
                        </li>
                    </Show>
                    <For each=move || if window.with(TimelineWindow::follows_newest) { pending() } else { Vec::new() } key=|e| (e.client_id.clone(), e.failed.clone()) let:entry>
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
                </ol>
                <Show when=move || !window.with(TimelineWindow::follows_newest)>
                    <button type="button" class="jump-newest" on:click=move |_| jump_to_newest()>{i18n.t(Text::JumpToNewest)}</button>
                </Show>
                <For each=refused_actions key=|e| e.client_id.clone() let:entry>
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
                <Show when=move || replying.with(Option::is_some)>
                    <div class="reply-banner">
                        <span>{i18n.t(Text::ReplyingTo)}" "<bdi>{move || replying.get().map(|m| m.sender_name).unwrap_or_default()}</bdi>": "
                            {move || replying.get().map(|m| weft_protocol::chat::excerpt(&m.text)).unwrap_or_default()}</span>
                        <button type="button" class="link" aria-label=i18n.t(Text::CancelReply) on:click=move |_| replying.set(None)>"×"</button>
                    </div>
                </Show>
                <Show when=move || !is_approvals()>
                    <Composer on_send=on_send on_attach=on_attach people=people can_mention_all=can_mention_all/>
                </Show>
            </Show>
        </section>
    }
}

/// The facts about a conversation's loaded history that the page shows or acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TimelineFacts {
    has_more: bool,
    missing: bool,
    oldest: Option<u64>,
    newest: Option<u64>,
}
