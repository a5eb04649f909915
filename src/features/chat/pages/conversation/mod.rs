//! One conversation: which one is open (device copy first, then the server; opening it marks it
//! read), and the page built from its parts — the header (`header`), the timeline with the
//! messages still waiting in the outbox (`timeline`, `pending`), refused actions, and the
//! composer with the message being replied to (`composer`).

mod composer;
mod header;
mod pending;
mod timeline;

use crate::features::chat::components::composer::Outgoing;
use crate::features::chat::components::timeline_window::TimelineWindow;
use crate::features::chat::outbox::FileError;
use crate::features::confidential::view::ConfidentialView;
use crate::i18n::bots::Bt;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::use_app;
use crate::sync::outbox::{OutboxAction, OutboxEntry};
use composer::ConversationComposer;
use header::ConversationHeader;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pending::RefusedActions;
use timeline::{Timeline, TimelineModel};
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

    let me = Signal::derive(move || session.0.with(|s| s.as_ref().map(|s| s.me.id)));
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
    let pending = Signal::derive(move || {
        queued.get().into_iter().filter(|e| matches!(e.action, OutboxAction::Send { .. })).collect::<Vec<_>>()
    });
    let refused_actions = Signal::derive(move || {
        queued
            .get()
            .into_iter()
            .filter(|e| e.failed.is_some() && !matches!(e.action, OutboxAction::Send { .. }))
            .collect::<Vec<_>>()
    });

    // Seeing the newest message marks the conversation read.
    Effect::new(move |_| {
        if let (Some(id), Some(summary)) = (id.get(), summary.get())
            && summary.last_seq > summary.read_seq
        {
            app.mark_read(id);
        }
    });

    let timeline = TimelineModel::new(app, id, window, summary, queued);

    let on_send = Callback::new(move |outgoing: Outgoing| match id.get_untracked() {
        Some(id) => {
            let reply_to = replying.get_untracked().map(|m| m.seq);
            app.send(id, outgoing, reply_to).inspect(|()| {
                replying.set(None);
                timeline.jump_to_newest();
            })
        }
        None => Ok(()),
    });
    let people = Signal::derive(move || {
        let me = me.get();
        id.get()
            .and_then(|id| app.chat.details.with(|d| d.get(&id).map(|d| d.participants.clone())))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| Some(p.id) != me)
            .collect::<Vec<_>>()
    });
    let can_mention_all = Signal::derive(move || {
        let admin = session.0.with(|s| s.as_ref().is_some_and(|s| s.me.role == weft_protocol::auth::Role::Admin));
        summary.get().is_some_and(|s| s.kind == ConversationKind::Group && (Some(s.owner_id) == me.get() || admin))
    });
    let on_attach = Callback::new(move |file: web_sys::File| match id.get_untracked() {
        Some(id) => app.send_file(id, &file.name(), file.into()).map_err(FileError::text),
        None => Ok(()),
    });
    let on_reply = Callback::new(move |message: Message| replying.set(Some(message)));
    // The Approvals conversation is read-only (its cards carry the actions), and so is a
    // conversation with an app.
    let is_approvals =
        Signal::derive(move || summary.with(|s| s.as_ref().is_some_and(|s| s.kind == ConversationKind::Approvals)));
    let is_app = Signal::derive(move || summary.with(|s| s.as_ref().is_some_and(|s| s.kind == ConversationKind::App)));
    let read_only = Signal::derive(move || is_approvals.get() || is_app.get());
    let on_recall = Callback::new(move |seq: u64| {
        if let Some(id) = id.get_untracked() {
            app.recall(id, seq);
        }
    });
    let facts = timeline.facts;
    let confidential = Signal::derive(move || summary.with(|s| s.as_ref().and_then(|s| s.confidential)));
    // Messages whose `expires_at` passed go at once, without waiting for the feed.
    if let Ok(sweep) = set_interval_with_handle(
        move || {
            if let Some(id) = id.get_untracked() {
                leptos::task::spawn_local(app.sweep_expired(id, crate::platform::now_millis()));
            }
        },
        std::time::Duration::from_millis(250),
    ) {
        on_cleanup(move || sweep.clear());
    }

    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            <ConversationHeader id=id summary=summary/>
            <Show when=move || is_approvals.get()>
                <p class="hint conversation__hint">{i18n.t(Text::ApprovalCardsHint)}</p>
            </Show>
            <Show when=move || is_app.get()>
                <p class="hint conversation__hint">{i18n.bot(Bt::AppConversationReadOnly)}</p>
            </Show>
            <Show
                when=move || !(facts.with(|t| t.missing) || id.get().is_none())
                fallback=move || view! { <p class="hint">{i18n.t(Text::ChatNotFound)}</p> }
            >
                <ConfidentialView conversation=id confidential=confidential>
                    <Timeline model=timeline me=me pending=pending on_reply=on_reply on_recall=on_recall/>
                </ConfidentialView>
                <RefusedActions entries=refused_actions/>
                <ConversationComposer
                    replying=replying
                    on_send=on_send
                    on_attach=on_attach
                    people=people
                    can_mention_all=can_mention_all
                    read_only=read_only
                />
            </Show>
        </section>
    }
}
