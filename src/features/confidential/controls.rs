//! The marks and controls of confidentiality: the lock badge (icon and visible label, and a
//! full sentence for screen readers) shown in the header and the list, and the switch with its
//! lifetime choice that a group's owner, an administrator, or either side of a direct chat uses.

use crate::api::ApiError;
use crate::i18n::confidential::{Ct, LIFETIME_CHOICES, lifetime_text};
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::sync::engine::ApplyFeed;
use crate::ui::failure::Failure;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::chat::ConversationSummary;
use weft_protocol::confidential::{ConfidentialSettings, MessageLifetime};

/// "🔒 保密 Confidential", read out as the full sentence.
#[component]
pub fn ConfidentialBadge() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="confidential-badge" role="img" aria-label=i18n.c(Ct::LabelLong) title=i18n.c(Ct::LabelLong)>
            <span aria-hidden="true">"🔒 "{i18n.c(Ct::Label)}</span>
        </span>
    }
}

/// The index of a lifetime among the offered choices (0, "never", for one not offered).
fn choice_index(lifetime: Option<MessageLifetime>) -> usize {
    LIFETIME_CHOICES.iter().position(|c| *c == lifetime).unwrap_or(0)
}

/// The switch and lifetime choice; only shown to those the server allows (`can_change`).
#[component]
pub fn ConfidentialSwitch(summary: Signal<Option<ConversationSummary>>, can_change: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let enabled = Signal::derive(move || summary.with(|s| s.as_ref().is_some_and(|s| s.confidential.is_some())));
    let by_policy =
        Signal::derive(move || summary.with(|s| s.as_ref().and_then(|s| s.confidential).is_some_and(|c| c.by_policy)));
    let lifetime =
        Signal::derive(move || summary.with(|s| s.as_ref().and_then(|s| s.confidential).and_then(|c| c.lifetime)));
    let save = move |settings: ConfidentialSettings| {
        let (Some(api), Some(id)) = (app.sync.api(), summary.with_untracked(|s| s.as_ref().map(|s| s.id))) else {
            return;
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            match api.set_confidential(id, &settings).await {
                Ok(summary) => app.apply_summary(summary).await,
                Err(ApiError::Network) => error.set(Some(Failure::Text(Text::NeedsNetwork))),
                Err(err) => error.set(Some(Failure::of(&err))),
            }
            busy.set(false);
        });
    };
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        save(ConfidentialSettings { enabled: on, lifetime: if on { lifetime.get_untracked() } else { None } });
    };
    let choose = move |ev: leptos::ev::Event| {
        let index: usize = event_target_value(&ev).parse().unwrap_or(0);
        let chosen = LIFETIME_CHOICES.get(index).copied().flatten();
        save(ConfidentialSettings { enabled: true, lifetime: chosen });
    };
    view! {
        <section class="confidential-settings" aria-labelledby="confidential-settings-title">
            <h3 id="confidential-settings-title">{i18n.c(Ct::Switch)}</h3>
            <p class="form-error" role="alert">{move || error.with(|e| e.as_ref().map(|e| e.render(i18n.lang.get())))}</p>
            <Show when=move || can_change.get() fallback=move || view! {
                <p>{move || if enabled.get() { i18n.c(Ct::Label)() } else { "" }}</p>
            }>
                <label class="switch">
                    <input
                        type="checkbox"
                        role="switch"
                        prop:checked=move || enabled.get()
                        disabled=move || busy.get() || (enabled.get() && by_policy.get())
                        on:change=toggle
                    />
                    " "{i18n.c(Ct::Switch)}
                </label>
                <Show when=move || enabled.get()>
                    <label for="confidential-lifetime">{i18n.c(Ct::Lifetime)}</label>
                    <select id="confidential-lifetime" disabled=move || busy.get() on:change=choose>
                        {LIFETIME_CHOICES
                            .iter()
                            .enumerate()
                            .map(|(index, choice)| {
                                let choice = *choice;
                                view! {
                                    <option value=index.to_string() selected=move || choice_index(lifetime.get()) == index>
                                        {move || lifetime_text(choice, i18n.lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </Show>
            </Show>
            <Show when=move || by_policy.get()>
                <p class="hint">{i18n.c(Ct::ByPolicy)}</p>
            </Show>
            <Show when=move || enabled.get()>
                <p class="hint confidential-settings__honest">{i18n.c(Ct::Honest)}</p>
            </Show>
        </section>
    }
}
