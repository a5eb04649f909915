//! The Share screen (`/share?id=…`): what another app shared (files, and its words as an editable
//! message), a chat to send it to, then Send: files first, then the message, all through the
//! outbox, so it works offline and is delivered exactly once. Discard forgets the share.

use super::inbox::{self, MAX_SHARED_FILES, Share, SharedFile};
use crate::features::chat::components::conversation_list::title_in;
use crate::features::chat::outbox::FileError;
use crate::features::confidential::controls::ConfidentialBadge;
use crate::i18n::share::St;
use crate::i18n::{Lang, Text, use_i18n};
use crate::state::use_app;
use crate::sync::Connection;
use crate::sync::outbox::Outgoing;
use crate::ui::attachment::human_size;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use weft_protocol::ConversationId;
use weft_protocol::chat::{TextError, validate_text};

/// Where the Share screen stands.
#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    /// Nothing waits (or the address named a share that is gone).
    Nothing,
    /// The share went to the server instead of this device (no service worker yet).
    Unavailable,
    Ready(String),
}

/// A file still to be sent, and why it cannot be, if so.
#[derive(Debug, Clone, PartialEq)]
struct FileRow {
    index: usize,
    file: SharedFile,
    problem: Option<FileProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FileProblem {
    /// Refused as any attached file would be (empty, too large).
    File(FileError),
    Gone,
    NotKept,
}

impl FileProblem {
    fn in_lang(self, lang: Lang) -> &'static str {
        match self {
            FileProblem::File(error) => error.text().in_lang(lang),
            FileProblem::Gone => St::FileGone.in_lang(lang),
            FileProblem::NotKept => St::StoreFailed.in_lang(lang),
        }
    }
}

#[component]
pub fn SharePage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let query = use_query_map();
    let loaded = RwSignal::new(Loaded::Loading);
    let files = RwSignal::new(Vec::<FileRow>::new());
    let note = RwSignal::new(String::new());
    let note_error = RwSignal::new(None::<Text>);
    let filter = RwSignal::new(String::new());
    let target = RwSignal::new(None::<ConversationId>);
    let target_error = RwSignal::new(false);
    let form_error = RwSignal::new(None::<St>);
    let busy = RwSignal::new(false);

    Effect::new(move |_| {
        let asked = query.with(|q| (q.get("id"), q.get("error")));
        spawn_local(async move {
            let id = match asked {
                (_, Some(_)) => {
                    loaded.set(Loaded::Unavailable);
                    return;
                }
                (Some(id), None) => Some(id),
                (None, None) => inbox::newest().await.ok().flatten(),
            };
            let share = match id {
                Some(id) => inbox::open(&id).await.ok().flatten().map(|share| (id, share)),
                None => None,
            };
            match share {
                Some((id, share)) => {
                    note.set(share.message());
                    files.set(rows(&share));
                    loaded.set(Loaded::Ready(id));
                }
                None => loaded.set(Loaded::Nothing),
            }
        });
    });

    let targets = move || {
        let wanted = filter.get().trim().to_lowercase();
        let lang = i18n.lang.get();
        app.chat.conversations.with(|list| {
            list.iter()
                .filter(|c| !c.kind.is_read_only())
                .filter(|c| wanted.is_empty() || title_in(c, lang).to_lowercase().contains(&wanted))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let too_many = move || files.with(|f| f.len() > MAX_SHARED_FILES);
    let blocked = move || files.with(|f| f.iter().any(|row| row.problem.is_some())) || too_many();

    let go_to = navigate.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Loaded::Ready(id) = loaded.get_untracked() else { return };
        let text = note.get_untracked().trim().to_owned();
        let text_problem = match validate_text(&text) {
            Err(TextError::TooLong { .. }) => Some(Text::ErrorTooLong),
            _ => None,
        };
        note_error.set(text_problem);
        target_error.set(target.get_untracked().is_none());
        form_error.set(None);
        let Some(conversation) = target.get_untracked() else { return };
        if text_problem.is_some() || blocked() || busy.get_untracked() {
            return;
        }
        if text.is_empty() && files.with_untracked(Vec::is_empty) {
            form_error.set(Some(St::Nothing));
            return;
        }
        busy.set(true);
        let navigate = go_to.clone();
        spawn_local(async move {
            // Files first, each kept on the device and queued before the share lets go of it.
            for row in files.get_untracked() {
                let problem = match inbox::file(&id, row.index).await {
                    Ok(Some(blob)) => {
                        app.queue_file(conversation, &row.file.name, blob).await.err().map(FileProblem::File)
                    }
                    Ok(None) => Some(FileProblem::Gone),
                    Err(_) => Some(FileProblem::NotKept),
                };
                match problem {
                    // Sent files leave the list, so pressing Send again never sends them twice.
                    None => files.update(|f| f.retain(|r| r.index != row.index)),
                    Some(problem) => {
                        files.update(|f| {
                            f.iter_mut().filter(|r| r.index == row.index).for_each(|r| r.problem = Some(problem))
                        });
                        busy.set(false);
                        return;
                    }
                }
            }
            if !text.is_empty() {
                let outgoing = Outgoing { text, mentions: Vec::new(), mention_all: false };
                if app.send(conversation, outgoing, None).is_err() {
                    note_error.set(Some(Text::ErrorTooLong));
                    busy.set(false);
                    return;
                }
                note.set(String::new());
            }
            if let Err(error) = inbox::discard(&id).await {
                crate::platform::log_error(&format!("could not forget a sent share: {error:?}"));
            }
            busy.set(false);
            navigate(&format!("/c/{conversation}"), Default::default());
        });
    };

    let go_home = navigate;
    let discard = move |_| {
        let Loaded::Ready(id) = loaded.get_untracked() else { return };
        let navigate = go_home.clone();
        spawn_local(async move {
            if let Err(error) = inbox::discard(&id).await {
                crate::platform::log_error(&format!("could not discard a share: {error:?}"));
            }
            navigate("/", Default::default());
        });
    };

    let remove_file = move |index: usize| files.update(|f| f.retain(|row| row.index != index));

    view! {
        <section class="conversation page" aria-labelledby="share-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="share-title">{i18n.share(St::Title)}</h2>
            </header>
            {move || match loaded.get() {
                Loaded::Loading => view! { <p class="hint" role="status">{i18n.share(St::Loading)}</p> }.into_any(),
                Loaded::Nothing => view! { <p class="hint" role="status">{i18n.share(St::Nothing)}</p> }.into_any(),
                Loaded::Unavailable => view! { <p class="form-error" role="alert">{i18n.share(St::Unavailable)}</p> }.into_any(),
                Loaded::Ready(_) => view! {
                    <form class="page__body share" on:submit=submit.clone() novalidate=true>
                        <Show when=move || files.with(|f| !f.is_empty())>
                            <h3 id="share-files-title">{i18n.share(St::Shared)}</h3>
                            <ul class="share__files" aria-labelledby="share-files-title">
                                <For each=move || files.get() key=|row| (row.index, row.problem) let:row>
                                    {
                                        let index = row.index;
                                        let error_id = format!("share-file-error-{index}");
                                        let problem = row.problem;
                                        view! {
                                            <li class="share__file">
                                                <span class="share__file-name" aria-describedby=problem.map(|_| error_id.clone())>
                                                    <span aria-hidden="true">"📎 "</span>
                                                    {row.file.name.clone()}
                                                </span>
                                                <span class="hint share__file-size">{human_size(row.file.size)}</span>
                                                <button type="button" class="link" on:click=move |_| remove_file(index)>
                                                    {i18n.share(St::Remove)}
                                                    <span class="visually-hidden">{format!(" {}", row.file.name)}</span>
                                                </button>
                                                {problem.map(|p| view! {
                                                    <p class="field-error" id=error_id role="alert">{move || p.in_lang(i18n.lang.get())}</p>
                                                })}
                                            </li>
                                        }
                                    }
                                </For>
                            </ul>
                            <Show when=too_many>
                                <p class="field-error" role="alert">{i18n.share(St::TooManyFiles)}</p>
                            </Show>
                        </Show>
                        <label for="share-note">{i18n.share(St::Note)}</label>
                        <textarea
                            id="share-note"
                            rows="3"
                            prop:value=move || note.get()
                            on:input=move |ev| {
                                note.set(event_target_value(&ev));
                                note_error.set(None);
                            }
                            aria-invalid=move || note_error.with(Option::is_some).to_string()
                            aria-describedby="share-note-error"
                        ></textarea>
                        <p class="field-error" id="share-note-error" role="alert">
                            {move || note_error.get().map(|t| t.in_lang(i18n.lang.get()))}
                        </p>
                        <fieldset class="share__targets" aria-describedby="share-target-error">
                            <legend>{i18n.share(St::SendTo)}</legend>
                            <label for="share-filter" class="visually-hidden">{i18n.share(St::FindChat)}</label>
                            <input
                                id="share-filter"
                                type="search"
                                placeholder=i18n.share(St::FindChat)
                                prop:value=move || filter.get()
                                on:input=move |ev| filter.set(event_target_value(&ev))
                            />
                            <Show when=move || targets().is_empty()>
                                <p class="hint">{i18n.share(St::NoMatch)}</p>
                            </Show>
                            <ul>
                                <For each=targets key=|c| (c.id, c.title.clone()) let:summary>
                                    {
                                        let id = summary.id;
                                        let input_id = format!("share-to-{id}");
                                        let confidential = summary.confidential.is_some();
                                        view! {
                                            <li>
                                                <input
                                                    type="radio"
                                                    name="share-target"
                                                    id=input_id.clone()
                                                    prop:checked=move || target.get() == Some(id)
                                                    on:change=move |_| {
                                                        target.set(Some(id));
                                                        target_error.set(false);
                                                    }
                                                />
                                                <label for=input_id>
                                                    {move || title_in(&summary, i18n.lang.get())}
                                                    {confidential.then(|| view! { " " <ConfidentialBadge/> })}
                                                </label>
                                            </li>
                                        }
                                    }
                                </For>
                            </ul>
                            <p class="field-error" id="share-target-error" role="alert">
                                {move || target_error.get().then(|| St::PickChat.in_lang(i18n.lang.get()))}
                            </p>
                        </fieldset>
                        <Show when=move || app.sync.connection.get() == Connection::Offline>
                            <p class="hint" role="status">{i18n.share(St::OfflineHint)}</p>
                        </Show>
                        <p class="form-error" role="alert">{move || form_error.get().map(|t| t.in_lang(i18n.lang.get()))}</p>
                        <div class="share__actions">
                            <button type="submit" class="primary" disabled=move || busy.get() || blocked()>
                                {i18n.share(St::Send)}
                            </button>
                            <button type="button" on:click=discard.clone() disabled=move || busy.get()>{i18n.share(St::Discard)}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

fn rows(share: &Share) -> Vec<FileRow> {
    share
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| FileRow {
            index,
            file: file.clone(),
            problem: FileError::of_size(file.size).map(FileProblem::File),
        })
        .collect()
}
