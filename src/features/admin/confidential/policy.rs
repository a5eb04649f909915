//! `/admin/confidential`: the confidential-chat policy — departments (a checkbox each), the
//! offline-copy switch and the default lifetime — loaded from and saved to the server.

use super::super::components::NoticeLine;
use super::super::model::Notice;
use super::super::state::use_admin;
use crate::i18n::archive::Ar;
use crate::i18n::confidential::{Ct, LIFETIME_CHOICES, lifetime_text};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::confidential::ConfidentialPolicy;

#[component]
pub fn ConfidentialPolicyPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let policy = RwSignal::new(None::<ConfidentialPolicy>);
    let notice = RwSignal::new(None::<Notice>);
    let saved = RwSignal::new(false);
    if let Some(api) = admin.api() {
        spawn_local(async move {
            match api.confidential_policy().await {
                Ok(loaded) => policy.set(Some(loaded)),
                Err(err) => notice.set(Some(Notice::of(&err))),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(api), Some(current)) = (admin.api(), policy.get_untracked()) else { return };
        notice.set(None);
        saved.set(false);
        spawn_local(async move {
            match api.set_confidential_policy(&current).await {
                Ok(stored) => {
                    policy.set(Some(stored));
                    saved.set(true);
                }
                Err(err) => notice.set(Some(Notice::of(&err))),
            }
        });
    };
    let lifetime_index = move || {
        let current = policy.with(|p| p.as_ref().and_then(|p| p.default_lifetime));
        LIFETIME_CHOICES.iter().position(|c| *c == current).unwrap_or(0)
    };
    view! {
        <section aria-labelledby="confidential-policy-title">
            <h2 id="confidential-policy-title">{i18n.c(Ct::PolicyTitle)}</h2>
            <p class="hint">{i18n.c(Ct::Honest)}</p>
            <NoticeLine notice=notice/>
            <Show when=move || policy.with(Option::is_some)>
                <form on:submit=save>
                    <fieldset>
                        <legend>{i18n.c(Ct::PolicyDepartments)}</legend>
                        <For each=move || admin.departments() key=|d| d.id.clone() let:department>
                            {
                                let id = department.id.clone();
                                let input_id = format!("confidential-dept-{}", id.0);
                                let checked_id = id.clone();
                                view! {
                                    <div>
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            prop:checked=move || policy.with(|p| p.as_ref().is_some_and(|p| p.departments.contains(&checked_id)))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let id = id.clone();
                                                policy.update(|p| {
                                                    if let Some(p) = p {
                                                        p.departments.retain(|d| *d != id);
                                                        if on {
                                                            p.departments.push(id);
                                                        }
                                                    }
                                                });
                                            }
                                        />
                                        <label for=input_id>{department.name.clone()}</label>
                                    </div>
                                }
                            }
                        </For>
                    </fieldset>
                    <label class="switch">
                        <input
                            type="checkbox"
                            role="switch"
                            prop:checked=move || policy.with(|p| p.as_ref().is_some_and(|p| p.offline_copy))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                policy.update(|p| if let Some(p) = p { p.offline_copy = on });
                            }
                        />
                        " "{i18n.c(Ct::PolicyOfflineCopy)}
                    </label>
                    <label class="switch">
                        <input
                            type="checkbox"
                            role="switch"
                            aria-describedby="confidential-in-archives-hint"
                            prop:checked=move || policy.with(|p| p.as_ref().is_some_and(|p| p.in_archives))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                policy.update(|p| if let Some(p) = p { p.in_archives = on });
                            }
                        />
                        " "{i18n.archive(Ar::InArchives)}
                    </label>
                    <p class="hint" id="confidential-in-archives-hint">{i18n.archive(Ar::InArchivesHint)}</p>
                    <div>
                        <label for="confidential-default-lifetime">{i18n.c(Ct::PolicyDefaultLifetime)}</label>
                        <select
                            id="confidential-default-lifetime"
                            on:change=move |ev| {
                                let index: usize = event_target_value(&ev).parse().unwrap_or(0);
                                let chosen = LIFETIME_CHOICES.get(index).copied().flatten();
                                policy.update(|p| if let Some(p) = p { p.default_lifetime = chosen });
                            }
                        >
                            {LIFETIME_CHOICES
                                .iter()
                                .enumerate()
                                .map(|(index, choice)| {
                                    let choice = *choice;
                                    view! {
                                        <option value=index.to_string() selected=move || lifetime_index() == index>
                                            {move || lifetime_text(choice, i18n.lang.get())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="primary">{i18n.c(Ct::Save)}</button>
                    <Show when=move || saved.get()>
                        <span class="form-status" role="status">{i18n.c(Ct::Saved)}</span>
                    </Show>
                </form>
            </Show>
        </section>
    }
}
