//! Message search: the device's saved messages are searched at once (offline too), and the
//! server's results are merged in when it can be reached. A two-character Chinese query finds
//! the characters inside a sentence on both sides.

use crate::i18n::confidential::Ct;
use crate::i18n::{Lang, Text, use_i18n};
use crate::platform::clock_time;
use crate::session::use_session;
use crate::state::use_app;
use crate::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;
use weft_protocol::ConversationId;
use weft_protocol::chat::Message;

/// How many results to show.
const LIMIT: usize = 50;

/// One result: the message and the title of its conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    title: String,
    message: Message,
}

/// What a result shows of its message: confidential content only inside its watermarked view
/// (the result still leads there).
fn shown_text(message: &Message, confidential: &HashSet<ConversationId>, lang: Lang) -> String {
    if confidential.contains(&message.conversation_id) {
        Ct::ConfidentialPreview.in_lang(lang).to_owned()
    } else {
        message.text.clone()
    }
}

/// Merges server hits into local ones (the server's copy wins), newest first.
fn merge(mut local: Vec<Hit>, server: Vec<Hit>) -> Vec<Hit> {
    for hit in server {
        match local.iter_mut().find(|h| h.message.id == hit.message.id) {
            Some(existing) => *existing = hit,
            None => local.push(hit),
        }
    }
    local.sort_by_key(|hit| std::cmp::Reverse(hit.message.sent_at));
    local.truncate(LIMIT);
    local
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = use_session();
    let query = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<Hit>::new());
    let offline = RwSignal::new(false);
    let searched = RwSignal::new(false);
    let confidential = Memo::new(move |_| {
        app.chat.conversations.with(|list| {
            list.iter().filter(|c| c.confidential.is_some()).map(|c| c.id).collect::<HashSet<ConversationId>>()
        })
    });
    // Each keystroke starts a search; only the newest one may write results.
    let generation = StoredValue::new(0u32);

    let run = move |text: String| {
        let this = generation.try_update_value(|g| {
            *g += 1;
            *g
        });
        let text = text.trim().to_owned();
        if text.is_empty() {
            hits.set(Vec::new());
            searched.set(false);
            return;
        }
        spawn_local(async move {
            let titles = app.chat.conversations.with_untracked(|list| {
                list.iter().map(|c| (c.id, c.title.clone())).collect::<std::collections::HashMap<_, _>>()
            });
            let local: Vec<Hit> = match app.sync.local() {
                Some(store) => store.search_messages(&text, LIMIT).await.unwrap_or_default(),
                None => Vec::new(),
            }
            .into_iter()
            .map(|message| Hit { title: titles.get(&message.conversation_id).cloned().unwrap_or_default(), message })
            .collect();
            if generation.get_value() != this.unwrap_or(0) {
                return;
            }
            hits.set(local.clone());
            searched.set(true);
            let api = session.0.with_untracked(|s| s.as_ref().map(|s| crate::api::Api::with_token(&s.token)));
            let Some(api) = api else { return };
            match api.search(&text).await {
                Ok(found) => {
                    if generation.get_value() == this.unwrap_or(0) {
                        offline.set(false);
                        let server = found
                            .into_iter()
                            .map(|h| Hit { title: h.conversation_title, message: h.message })
                            .collect();
                        hits.set(merge(local, server));
                    }
                }
                Err(crate::api::ApiError::Network) => offline.set(true),
                Err(_) => {}
            }
        });
    };

    view! {
        <section class="conversation page" aria-labelledby="search-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="search-title">{i18n.t(Text::Search)}</h2>
            </header>
            <div class="page__body">
                <label for="search-input">{i18n.t(Text::SearchMessages)}</label>
                <input
                    id="search-input"
                    type="search"
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        query.set(text.clone());
                        run(text);
                    }
                />
                <Show when=move || offline.get()>
                    <p class="hint" role="status">{i18n.t(Text::SearchOffline)}</p>
                </Show>
                <Show when=move || searched.get() && hits.with(Vec::is_empty)>
                    <p class="hint">{i18n.t(Text::NoResults)}</p>
                </Show>
                <ul class="search-results" aria-label=i18n.t(Text::SearchMessages)>
                    <For each=move || hits.get() key=|h| h.message.id let:hit>
                        {
                            let message = hit.message.clone();
                            let text = move || confidential.with(|c| shown_text(&message, c, i18n.lang.get()));
                            view! {
                                <li>
                                    <a class="search-hit" href=format!("/c/{}", hit.message.conversation_id)>
                                        <span class="search-hit__title">{hit.title.clone()}</span>
                                        <span class="hint">{format!("{} · {}", hit.message.sender_name, clock_time(hit.message.sent_at))}</span>
                                        <bdi class="search-hit__text">{text}</bdi>
                                    </a>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </div>
        </section>
    }
}
