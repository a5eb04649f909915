//! Forwarding a message of an ordinary conversation: a dialog listing the member's other
//! conversations (at most [`MAX_FORWARD_TARGETS`] chosen), sent in one call whose copies arrive
//! through the feed. Confidential conversations never offer it, and the server refuses it there.

use crate::api::ApiError;
use crate::features::chat::components::conversation_list::title_in;
use crate::i18n::confidential::Ct;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::ui::failure::Failure;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ConversationId;
use weft_protocol::chat::Message;
use weft_protocol::confidential::MAX_FORWARD_TARGETS;

#[component]
pub fn ForwardDialog(message: Message, on_close: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let chosen = RwSignal::new(Vec::<ConversationId>::new());
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let source = message.conversation_id;
    let targets = move || {
        app.chat.conversations.with(|list| {
            list.iter()
                .filter(|c| c.id != source && !c.kind.is_read_only() && c.confidential.is_none())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let too_many = move || chosen.with(|c| c.len() > MAX_FORWARD_TARGETS);
    let send = move |_| {
        let Some(api) = app.sync.api() else { return };
        let to = chosen.get_untracked();
        let seq = message.seq;
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api.forward(source, seq, to, crate::platform::new_client_id()).await {
                Ok(_) => on_close.run(true),
                Err(ApiError::Network) => error.set(Some(Failure::Text(Text::NeedsNetwork))),
                Err(err) => error.set(Some(Failure::of(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <div
            class="modal-backdrop"
            data-app-layer=""
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    on_close.run(false);
                }
            }
        >
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="forward-title">
                <h2 id="forward-title">{i18n.c(Ct::ForwardTitle)}</h2>
                <p class="form-error" role="alert">
                    {move || error.with(|e| e.as_ref().map(|e| e.render(i18n.lang.get())))}
                    {move || too_many().then(|| Ct::ForwardTooMany.in_lang(i18n.lang.get()))}
                </p>
                <ul class="forward-targets">
                    <For each=targets key=|c| c.id let:target>
                        {
                            let id = target.id;
                            let input_id = format!("forward-{id}");
                            view! {
                                <li>
                                    <input
                                        type="checkbox"
                                        id=input_id.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                c.retain(|x| *x != id);
                                                if on {
                                                    c.push(id);
                                                }
                                            });
                                        }
                                    />
                                    <label for=input_id>{move || title_in(&target, i18n.lang.get())}</label>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <div class="modal__actions">
                    <button
                        type="button"
                        class="primary"
                        disabled=move || busy.get() || too_many() || chosen.with(Vec::is_empty)
                        on:click=send
                    >
                        {i18n.c(Ct::ForwardSend)}
                    </button>
                    <button type="button" on:click=move |_| on_close.run(false)>{i18n.c(Ct::ForwardCancel)}</button>
                </div>
            </div>
        </div>
    }
}
