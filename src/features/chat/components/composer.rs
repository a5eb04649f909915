//! The message composer: Enter sends, Shift+Enter adds a line, and typing with an input method
//! (Chinese, Japanese, …) never sends half-composed text. Typing `@` offers the conversation's
//! people (and @all to those allowed); arrows move, Enter or Tab picks, Escape closes. Nothing
//! typed is cleared unless it was accepted for sending.

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::MemberId;
use weft_protocol::chat::{MAX_TEXT_BYTES, Participant, TextError};

pub use crate::sync::outbox::Outgoing;

/// One suggestion in the @ list: a person, or everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Suggestion {
    Person(MemberId, String),
    Everyone,
}

const EVERYONE: &str = "all";

/// The `@word` being typed at the end of the draft, if any (the text after `@`).
pub fn mention_query(draft: &str) -> Option<&str> {
    let at = draft.rfind('@')?;
    let before_ok = draft[..at].chars().next_back().is_none_or(char::is_whitespace);
    let query = &draft[at + 1..];
    (before_ok && !query.chars().any(char::is_whitespace)).then_some(query)
}

#[component]
pub fn Composer(
    on_send: Callback<Outgoing, Result<(), TextError>>,
    /// People who can be mentioned (everyone else in the conversation).
    #[prop(optional, into)]
    people: Signal<Vec<Participant>>,
    /// Whether @all is offered.
    #[prop(optional, into)]
    can_mention_all: Signal<bool>,
    /// Called with each chosen file; an error is shown next to the composer.
    #[prop(optional)]
    on_attach: Option<Callback<web_sys::File, Result<(), Text>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Text>);
    let too_long = move || draft.with(|d| d.len() > MAX_TEXT_BYTES);
    let picked = RwSignal::new(Vec::<(MemberId, String)>::new());
    let highlighted = RwSignal::new(0usize);
    let dismissed = RwSignal::new(false);
    let suggestions = Memo::new(move |_| {
        if dismissed.get() {
            return Vec::new();
        }
        let query = draft.with(|d| mention_query(d).map(str::to_lowercase));
        let Some(query) = query else { return Vec::new() };
        let mut list: Vec<Suggestion> = Vec::new();
        if can_mention_all.get() && EVERYONE.starts_with(&query) {
            list.push(Suggestion::Everyone);
        }
        people.with(|people| {
            list.extend(
                people
                    .iter()
                    .filter(|p| p.name.to_lowercase().contains(&query) || p.alias.to_lowercase().contains(&query))
                    .take(6)
                    .map(|p| Suggestion::Person(p.id, p.name.clone())),
            );
        });
        list
    });
    let pick = move |index: usize| {
        let Some(choice) = suggestions.with_untracked(|s| s.get(index).cloned()) else { return };
        let label = match &choice {
            Suggestion::Person(id, name) => {
                picked.update(|p| p.push((*id, name.clone())));
                name.clone()
            }
            Suggestion::Everyone => EVERYONE.to_owned(),
        };
        draft.update(|d| {
            if let Some(at) = d.rfind('@') {
                d.truncate(at);
                d.push('@');
                d.push_str(&label);
                d.push(' ');
            }
        });
        highlighted.set(0);
    };

    let submit = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        // Only the mentions still in the text count.
        let mut mentions: Vec<MemberId> = picked
            .get_untracked()
            .into_iter()
            .filter(|(_, name)| text.contains(&format!("@{name}")))
            .map(|(id, _)| id)
            .collect();
        mentions.dedup();
        let mention_all = can_mention_all.get_untracked() && text.contains(&format!("@{EVERYONE}"));
        match on_send.run(Outgoing { text, mentions, mention_all }) {
            Ok(()) => {
                draft.set(String::new());
                picked.set(Vec::new());
                error.set(None);
            }
            Err(TextError::TooLong { .. }) => error.set(Some(Text::ErrorTooLong)),
            Err(TextError::Empty) => {}
        }
    };

    view! {
        <form
            class="composer"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                submit();
            }
        >
            <label for="composer-input" class="visually-hidden">{i18n.t(Text::MessageLabel)}</label>
            <textarea
                id="composer-input"
                rows="2"
                placeholder=i18n.t(Text::MessageLabel)
                prop:value=move || draft.get()
                on:input=move |ev| {
                    draft.set(event_target_value(&ev));
                    dismissed.set(false);
                    highlighted.set(0);
                    error.set(None);
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let open = suggestions.with_untracked(|s| s.len());
                    if open > 0 && !ev.is_composing() {
                        match ev.key().as_str() {
                            "ArrowDown" => {
                                ev.prevent_default();
                                highlighted.update(|h| *h = (*h + 1) % open);
                                return;
                            }
                            "ArrowUp" => {
                                ev.prevent_default();
                                highlighted.update(|h| *h = (*h + open - 1) % open);
                                return;
                            }
                            "Enter" | "Tab" => {
                                ev.prevent_default();
                                pick(highlighted.get_untracked().min(open - 1));
                                return;
                            }
                            "Escape" => {
                                dismissed.set(true);
                                return;
                            }
                            _ => {}
                        }
                    }
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        submit();
                    }
                }
                // A text box cannot be "expanded"; while suggestions show, it points at the list
                // and at the highlighted one, which screen readers announce as it moves.
                aria-autocomplete="list"
                aria-controls=move || suggestions.with(|s| !s.is_empty()).then_some("mention-list")
                aria-activedescendant=move || {
                    suggestions.with(|s| !s.is_empty()).then(|| format!("mention-option-{}", highlighted.get()))
                }
                aria-invalid=move || too_long().to_string()
                aria-describedby="composer-error"
            ></textarea>
            {on_attach.map(|on_attach| view! {
                <input
                    id="composer-file"
                    class="visually-hidden"
                    type="file"
                    multiple=true
                    on:change=move |ev| {
                        let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) else { return };
                        if let Some(files) = input.files() {
                            for index in 0..files.length() {
                                if let Some(file) = files.get(index)
                                    && let Err(problem) = on_attach.run(file)
                                {
                                    error.set(Some(problem));
                                }
                            }
                        }
                        input.set_value("");
                    }
                />
                <label class="attach" for="composer-file">
                    <span class="visually-hidden">{i18n.t(Text::Attach)}</span>
                    <span aria-hidden="true">"📎"</span>
                </label>
            })}
            <button type="submit" class="primary" disabled=move || draft.with(|d| d.trim().is_empty()) || too_long()>
                {i18n.t(Text::Send)}
            </button>
            <Show when=move || suggestions.with(|s| !s.is_empty())>
                <ul class="mention-list" id="mention-list" role="listbox" aria-label=i18n.t(Text::MentionSomeone)>
                    {move || suggestions.get().into_iter().enumerate().map(|(index, suggestion)| {
                        let label = match &suggestion {
                            Suggestion::Person(_, name) => name.clone(),
                            Suggestion::Everyone => format!("{EVERYONE} · {}", Text::Everyone.in_lang(i18n.lang.get())),
                        };
                        view! {
                            <li
                                id=format!("mention-option-{index}")
                                role="option"
                                aria-selected=move || (highlighted.get() == index).to_string()
                                on:mousedown=move |ev| {
                                    ev.prevent_default();
                                    pick(index);
                                }
                            >
                                {label}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <p class="field-error" id="composer-error" role="alert">
                {move || {
                    error.get().or_else(|| too_long().then_some(Text::ErrorTooLong)).map(|t| t.in_lang(i18n.lang.get()))
                }}
            </p>
        </form>
    }
}
