//! The conversation's header: back link, title (in the member's language), the group's settings
//! link, pin and mute, and the member count (not for the Approvals conversation).

use crate::features::chat::components::conversation_list::title_in;
use crate::features::confidential::controls::ConfidentialBadge;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::ui::toggle_button::ToggleButton;
use leptos::prelude::*;
use weft_protocol::ConversationId;
use weft_protocol::chat::{ConversationKind, ConversationSummary};

#[component]
pub fn ConversationHeader(
    id: Memo<Option<ConversationId>>,
    summary: Memo<Option<ConversationSummary>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let is_read_only = move || summary.with(|s| s.as_ref().is_some_and(|s| s.kind.is_read_only()));
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
    view! {
        <header class="conversation__header">
            <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
            <h2 id="conversation-title">{move || summary.get().map(|s| title_in(&s, i18n.lang.get())).unwrap_or_default()}</h2>
            <Show when=move || summary.with(|s| s.as_ref().is_some_and(|s| s.confidential.is_some()))>
                <ConfidentialBadge/>
            </Show>
            <Show when=move || summary.get().is_some_and(|s| s.kind == ConversationKind::Direct)>
                <a class="conversation__settings" href=move || id.get().map(|id| format!("/c/{id}/settings")).unwrap_or_default()>
                    {i18n.t(Text::ChatInfo)}
                </a>
            </Show>
            <Show when=move || summary.get().is_some_and(|s| s.kind == ConversationKind::Group)>
                <a class="conversation__settings" href=move || id.get().map(|id| format!("/c/{id}/settings")).unwrap_or_default()>
                    {i18n.t(Text::GroupSettings)}
                </a>
            </Show>
            <ToggleButton pressed=pinned when_pressed=Text::Unpin otherwise=Text::Pin on_toggle=toggle_prefs(true)/>
            <ToggleButton pressed=muted when_pressed=Text::Unmute otherwise=Text::Mute on_toggle=toggle_prefs(false)/>
            <Show when=move || !is_read_only()>
                <span class="conversation__members">
                    {move || summary.get().map(|s| format!("{} {}", s.member_count, Text::Members.in_lang(i18n.lang.get()))).unwrap_or_default()}
                </span>
            </Show>
        </header>
    }
}
