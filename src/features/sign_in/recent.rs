//! The Switch person list on the sign-in page of a shared device: the recent names
//! (`session::recent`), newest first. Choosing one fills the account field and moves to the
//! password; each has a × button that removes it from the list.

use crate::i18n::{Text, remove_recent_label, use_i18n};
use crate::session::recent::{self, RecentPerson};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the keyboard focus to the element with `id` now (the field is already there).
fn focus(id: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// `username` is the sign-in form's account field; `password_id` the id of its password field.
#[component]
pub fn RecentPeople(username: RwSignal<String>, password_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let people = RwSignal::new(recent::recent_people());
    let choose = move |account: String| {
        username.set(account);
        focus(password_id);
    };
    let remove = move |account: String| {
        recent::remove(&account);
        people.set(recent::recent_people());
        // The button is gone: the keyboard goes on to the account field.
        focus("username");
    };
    view! {
        <Show when=move || people.with(|p| !p.is_empty())>
            <section class="recent-people" aria-labelledby="recent-people-title">
                <h2 id="recent-people-title">{i18n.t(Text::RecentPeople)}</h2>
                <ul aria-labelledby="recent-people-title">
                    <For
                        each=move || people.get()
                        key=|person| person.account.clone()
                        children=move |person: RecentPerson| {
                            let account = person.account.clone();
                            let account_for_remove = person.account.clone();
                            let name = person.name.clone();
                            view! {
                                <li class="recent-people__item">
                                    <button type="button" class="recent-people__name" on:click=move |_| choose(account.clone())>
                                        <bdi>{person.name.clone()}</bdi>
                                    </button>
                                    <button
                                        type="button"
                                        class="icon-button recent-people__remove"
                                        aria-label=move || remove_recent_label(&name, i18n.lang.get())
                                        on:click=move |_| remove(account_for_remove.clone())
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
        </Show>
    }
}
