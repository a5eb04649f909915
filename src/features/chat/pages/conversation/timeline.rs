//! The conversation's timeline: the loaded history rendered through a moving window of at most
//! [`WINDOW`] messages ([`TimelineWindow`]), earlier and later messages as the member scrolls
//! (older pages loaded on demand, device first, then the server), the place being read kept on
//! screen while the window moves, the "new messages" marker, receipts on the member's own
//! messages, and the messages still in the outbox at the end.
//!
//! [`TimelineModel`] holds the reactive parts and is created with the page, so it lives as long as
//! the page does whatever is shown; [`Timeline`] renders it.

use super::pending::PendingList;
use crate::features::chat::components::message_item::MessageItem;
use crate::features::chat::components::timeline_window::{TimelineWindow, WINDOW};
use crate::i18n::{Text, use_i18n};
use crate::state::AppState;
use crate::sync::outbox::OutboxEntry;
use leptos::html;
use leptos::prelude::*;
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message};
use weft_protocol::{ConversationId, MemberId};

/// How close to the top or bottom (in pixels) scrolling shows earlier or later messages.
const NEAR_EDGE_PX: i32 = 200;

/// The facts about a conversation's loaded history that the page shows or acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimelineFacts {
    pub has_more: bool,
    pub missing: bool,
    pub oldest: Option<u64>,
    pub newest: Option<u64>,
}

/// The timeline's reactive state and what scrolling does to it; all fields are cheap handles.
#[derive(Clone, Copy)]
pub struct TimelineModel {
    app: AppState,
    id: Memo<Option<ConversationId>>,
    /// What the page needs of the loaded history, without copying all of it on every change.
    pub facts: Memo<TimelineFacts>,
    seqs: Memo<Vec<u64>>,
    visible: Memo<Vec<Message>>,
    window: RwSignal<TimelineWindow>,
    log_ref: NodeRef<html::Div>,
    /// Where one message that stays on screen sat before the window moved: its `seq` and top.
    anchor: StoredValue<Option<(u64, f64)>>,
    /// Set from a move of the window until the page has been put back in place: scroll events
    /// in between come from the redraw, not from the member.
    redrawing: StoredValue<bool>,
    requested_before: StoredValue<Option<u64>>,
    awaiting_older: StoredValue<bool>,
    /// Where "new messages" start: the read position when the chat was opened.
    unread_from: StoredValue<Option<(ConversationId, u64)>>,
}

impl TimelineModel {
    /// Creates the timeline's state for the conversation `id` shown through `window`; `queued`
    /// are its outbox entries (a new one keeps the newest message in view, like a new message).
    pub fn new(
        app: AppState,
        id: Memo<Option<ConversationId>>,
        window: RwSignal<TimelineWindow>,
        summary: Memo<Option<ConversationSummary>>,
        queued: Memo<Vec<OutboxEntry>>,
    ) -> Self {
        let facts = Memo::new(move |_| -> TimelineFacts {
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
        let model = Self {
            app,
            id,
            facts,
            seqs,
            visible,
            window,
            log_ref: NodeRef::new(),
            anchor: StoredValue::new(None),
            redrawing: StoredValue::new(false),
            requested_before: StoredValue::new(None),
            awaiting_older: StoredValue::new(false),
            unread_from: StoredValue::new(None),
        };

        // Keep the newest message in view when a newer one arrives, while the window follows it
        // (not when older pages load above, nor while the member reads further back).
        // Its own memo, so an older page loading (which changes the facts) does not count as news.
        let newest = Memo::new(move |_| facts.with(|t| t.newest));
        Effect::new(move |_| {
            let _newest = (newest.get(), queued.with(Vec::len));
            if window.with_untracked(TimelineWindow::follows_newest) {
                // After the redraw that adds the message, or the list would not be tall enough yet.
                request_animation_frame(move || model.scroll_to_newest());
            }
        });
        // Another conversation starts afresh (its pages may have the same sequence numbers).
        Effect::new(move |_| {
            id.track();
            model.requested_before.set_value(None);
            model.awaiting_older.set_value(false);
            model.anchor.set_value(None);
        });
        // An older page arrived: show it above what is on screen.
        Effect::new(move |previous: Option<Option<u64>>| {
            let oldest = facts.with(|t| t.oldest);
            if previous.is_some_and(|p| p != oldest) && model.awaiting_older.get_value() {
                model.awaiting_older.set_value(false);
                let mut moved = window.get_untracked();
                if seqs.with_untracked(|seqs| moved.earlier(seqs)) {
                    window.set(moved);
                }
                model.release();
            }
            oldest
        });
        Effect::new(move |_| {
            if let (Some(id), Some(summary)) = (id.get(), summary.get())
                && model.unread_from.get_value().is_none_or(|(seen, _)| seen != id)
            {
                model.unread_from.set_value(Some((id, summary.read_seq)));
            }
        });
        model
    }

    /// Back to the newest messages, scrolled to the end.
    pub fn jump_to_newest(self) {
        self.window.set(TimelineWindow::newest());
        request_animation_frame(move || self.scroll_to_newest());
    }

    fn follows_newest(self) -> bool {
        self.window.with(TimelineWindow::follows_newest)
    }

    fn scroll_to_newest(self) {
        if let Some(log) = self.log_ref.get_untracked() {
            log.set_scroll_top(log.scroll_height());
        }
    }

    fn screen_top(self, seq: u64) -> Option<f64> {
        let log = self.log_ref.get_untracked()?;
        let item = log.query_selector(&format!("li[data-seq=\"{seq}\"]")).ok()??;
        Some(item.get_bounding_client_rect().top())
    }

    /// Moving the window or loading older messages must not move what the member is reading:
    /// remember where one message that stays sits on screen ...
    fn hold(self, seq: Option<u64>) {
        self.anchor.set_value(seq.and_then(|seq| self.screen_top(seq).map(|top| (seq, top))));
    }

    /// ... and put it back there once the page has been redrawn.
    fn release(self) {
        self.redrawing.set_value(true);
        request_animation_frame(move || {
            self.redrawing.set_value(false);
            let Some((seq, before)) = self.anchor.get_value() else { return };
            self.anchor.set_value(None);
            if let (Some(log), Some(after)) = (self.log_ref.get_untracked(), self.screen_top(seq)) {
                log.set_scroll_top(log.scroll_top() + (after - before).round() as i32);
            }
        });
    }

    /// Reaching the top shows earlier messages: first those already loaded, then the page before
    /// (device first, then the server), requested once per page.
    fn show_earlier(self) {
        let Some(id) = self.id.get_untracked() else { return };
        let seqs = self.seqs;
        let mut moved = self.window.get_untracked();
        let first_shown = seqs.with_untracked(|seqs| seqs.get(moved.range(seqs).start).copied());
        if seqs.with_untracked(|seqs| moved.earlier(seqs)) {
            self.hold(first_shown);
            self.window.set(moved);
            self.release();
            return;
        }
        let TimelineFacts { has_more, oldest, .. } = self.facts.get_untracked();
        if has_more && oldest.is_some() && self.requested_before.get_value() != oldest {
            self.hold(first_shown);
            self.requested_before.set_value(oldest);
            self.awaiting_older.set_value(true);
            self.app.load_older(id);
        }
    }

    fn show_later(self) {
        let seqs = self.seqs;
        let mut moved = self.window.get_untracked();
        let last_shown = seqs.with_untracked(|seqs| {
            let range = moved.range(seqs);
            range.end.checked_sub(1).and_then(|last| seqs.get(last).copied())
        });
        if seqs.with_untracked(|seqs| moved.later(seqs)) {
            self.hold(last_shown);
            self.window.set(moved);
            self.release();
        }
    }

    fn on_scroll(self) {
        let Some(log) = self.log_ref.get_untracked() else { return };
        if self.redrawing.get_value() {
            return;
        }
        if log.scroll_top() < NEAR_EDGE_PX {
            self.show_earlier();
        } else if log.scroll_height() - log.scroll_top() - log.client_height() < NEAR_EDGE_PX
            && !self.window.with_untracked(TimelineWindow::follows_newest)
        {
            self.show_later();
        }
    }

    fn first_unread_seq(self, me: Option<MemberId>) -> Option<u64> {
        let (_, read) = self.unread_from.get_value()?;
        self.app.chat.timelines.with(|t| {
            let messages = &t.get(&self.unread_from.get_value()?.0)?.messages;
            messages.iter().find(|m| m.seq > read && !me.is_some_and(|me| m.sent_by(me))).map(|m| m.seq)
        })
    }

    /// Who has read one of the member's own messages, for the receipt's tooltip.
    fn readers_of(self, seq: u64, sender: MemberId) -> Signal<String> {
        let (app, id) = (self.app, self.id);
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
    }

    /// "Read", "Unread" or "2/4 read" under one of the member's own messages.
    fn receipt_for(self, message: &Message) -> Signal<Option<String>> {
        let (app, id) = (self.app, self.id);
        let i18n = use_i18n();
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
                ConversationKind::Approvals | ConversationKind::App => return None,
            })
        })
    }
}

/// The timeline as a live log, with the messages still waiting to be sent at its end and a way
/// back to the newest messages while reading further back.
#[component]
pub fn Timeline(
    model: TimelineModel,
    /// The member signed in.
    #[prop(into)]
    me: Signal<Option<MemberId>>,
    /// The conversation's messages waiting in the outbox.
    #[prop(into)]
    pending: Signal<Vec<OutboxEntry>>,
    on_reply: Callback<Message>,
    on_recall: Callback<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let TimelineModel { facts, seqs, visible, window, log_ref, .. } = model;
    // Queued messages show after the newest ones, so only while the window shows those.
    let shown_pending =
        Signal::derive(move || if window.with(TimelineWindow::follows_newest) { pending.get() } else { Vec::new() });
    view! {
        // The log is the scrolling region (announced politely as messages arrive); the list of
        // messages inside it keeps every item in a list for assistive technology.
        <div
            class="timeline"
            role="log"
            aria-live="polite"
            aria-label=i18n.t(Text::Chats)
            node_ref=log_ref
            tabindex="0"
            on:scroll=move |_| model.on_scroll()
            data-window=WINDOW
            data-follows-newest=move || window.get().follows_newest().to_string()
        >
        <ol class="timeline__list">
            <Show when=move || facts.with(|t| t.has_more) || window.with(|w| seqs.with(|s| w.range(s).start > 0))>
                <li class="timeline__more">
                    <button type="button" class="link" on:click=move |_| model.show_earlier()>{i18n.t(Text::EarlierMessages)}</button>
                </li>
            </Show>
            <Show when=move || facts.with(|t| t.newest.is_none()) && pending.with(Vec::is_empty)>
                <li class="hint">{i18n.t(Text::NoMessagesYet)}</li>
            </Show>
            <For each=move || visible.get() key=|m| (m.id, m.seq, m.recalled, m.reply_to.as_ref().is_some_and(|r| r.recalled), m.expires_at) let:message>
                {
                    let mine = me.get().is_some_and(|me| message.sent_by(me));
                    let receipt = if mine { model.receipt_for(&message) } else { Signal::derive(|| None) };
                    let readers = model.readers_of(message.seq, message.sender_id);
                    let seq = message.seq;
                    view! {
                        <Show when=move || model.first_unread_seq(me.get()) == Some(seq)>
                            <li class="new-marker" role="separator">{i18n.t(Text::NewMessages)}</li>
                        </Show>
                        <MessageItem message=message mine=mine receipt=receipt readers=readers on_reply=on_reply on_recall=on_recall/>
                    }
                }
            </For>
            <Show when=move || !model.follows_newest()>
                <li class="timeline__more">
                    <button type="button" class="link" on:click=move |_| model.show_later()>{i18n.t(Text::LaterMessages)}</button>
                </li>
            </Show>
            <PendingList entries=shown_pending/>
        </ol>
        </div>
        <Show when=move || !model.follows_newest()>
            <button type="button" class="jump-newest" on:click=move |_| model.jump_to_newest()>{i18n.t(Text::JumpToNewest)}</button>
        </Show>
    }
}
