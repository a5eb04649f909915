//! The outgoing webhooks section of `/admin/integrations`: adding an address with the events it
//! wants (the signing secret shown once, with Copy), turning one off and on, removing one (after
//! a confirmation), and each one's deliveries with their results.

use super::super::components::{ChoiceBoxes, ConfirmButton, NoticeLine};
use super::super::model::Notice;
use super::super::state::use_admin;
use crate::i18n::integrations::{It, event_text};
use crate::i18n::{Text, use_i18n};
use crate::platform::{copy_to_clipboard, date_time};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::WebhookId;
use weft_protocol::webhook::{
    Delivery, DeliveryStatus, MAX_WEBHOOK_URL_BYTES, NewWebhook, Webhook, WebhookEvent, WebhookSettings,
    validate_webhook_url,
};

#[component]
pub fn WebhooksSection() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let webhooks = RwSignal::new(None::<Vec<Webhook>>);
    let notice = RwSignal::new(None::<Notice>);
    let url = RwSignal::new(String::new());
    let url_problem = RwSignal::new(None::<It>);
    let events = RwSignal::new(Vec::<WebhookEvent>::new());
    let events_problem = RwSignal::new(None::<It>);
    let made = RwSignal::new(None::<NewWebhook>);
    let copied = RwSignal::new(false);
    let removing = RwSignal::new(None::<WebhookId>);
    let open = RwSignal::new(None::<(WebhookId, Vec<Delivery>)>);

    let load = move || {
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.webhooks().await {
                Ok(list) => webhooks.set(Some(list)),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    load();
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        let address = url.get_untracked().trim().to_owned();
        url_problem.set(validate_webhook_url(&address).is_err().then_some(It::WebhookUrlBad));
        events_problem.set(events.with_untracked(Vec::is_empty).then_some(It::EventsEmpty));
        if url_problem.get_untracked().is_some() || events_problem.get_untracked().is_some() {
            return;
        }
        let settings = WebhookSettings { url: address, events: events.get_untracked(), enabled: true };
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.create_webhook(&settings).await {
                Ok(new) => {
                    copied.set(false);
                    made.set(Some(new));
                    url.set(String::new());
                    events.set(Vec::new());
                    load();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let toggle = move |webhook: Webhook| {
        let Some(api) = admin.api() else { return };
        let settings = WebhookSettings { url: webhook.url, events: webhook.events, enabled: !webhook.enabled };
        spawn_local(async move {
            match api.update_webhook(webhook.id, &settings).await {
                Ok(_) => load(),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let remove = move |id: WebhookId| {
        removing.set(None);
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.remove_webhook(id).await {
                Ok(()) => load(),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let show_deliveries = move |id: WebhookId| {
        if open.with_untracked(|o| o.as_ref().is_some_and(|(shown, _)| *shown == id)) {
            open.set(None);
            return;
        }
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.webhook_deliveries(id).await {
                Ok(list) => open.set(Some((id, list))),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let status_text = move |delivery: &Delivery| {
        let lang = i18n.lang.get();
        let state = match delivery.status {
            DeliveryStatus::Pending => It::Pending,
            DeliveryStatus::Delivered => It::Delivered,
            DeliveryStatus::Failed => It::Failed,
        }
        .in_lang(lang);
        match (delivery.last_status, delivery.last_error.is_empty()) {
            (Some(code), true) => format!("{state} · HTTP {code}"),
            (_, false) => format!("{state} · {}", delivery.last_error),
            (None, true) => state.to_owned(),
        }
    };

    view! {
        <section class="admin-section" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{i18n.integ(It::Webhooks)}</h2>
            <p class="hint">{i18n.integ(It::WebhooksIntro)}</p>
            <NoticeLine notice=notice/>
            <Show when=move || made.with(Option::is_some)>
                <div class="kiosk-created" role="status">
                    <p>{i18n.integ(It::WebhookSecretOnce)}</p>
                    <p>
                        <code data-testid="webhook-secret">{move || made.with(|m| m.as_ref().map(|m| m.secret.clone()))}</code>" "
                        <button type="button" on:click=move |_| {
                            let secret = made.with_untracked(|m| m.as_ref().map(|m| m.secret.clone()).unwrap_or_default());
                            spawn_local(async move { copied.set(copy_to_clipboard(&secret).await) });
                        }>{i18n.integ(It::Copy)}</button>
                        <Show when=move || copied.get()>" "<span>{i18n.integ(It::Copied)}</span></Show>
                    </p>
                </div>
            </Show>
            <form class="integration-form" on:submit=add novalidate=true>
                <label for="webhook-url">{i18n.integ(It::WebhookUrl)}</label>
                <input
                    id="webhook-url"
                    type="url"
                    inputmode="url"
                    maxlength=MAX_WEBHOOK_URL_BYTES.to_string()
                    placeholder="https://erp.example.com/hooks/weft"
                    aria-invalid=move || url_problem.with(Option::is_some).to_string()
                    aria-describedby="webhook-url-error"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
                <p class="field-error" id="webhook-url-error">{move || url_problem.get().map(|p| p.in_lang(i18n.lang.get()))}</p>
                <fieldset aria-describedby="webhook-events-error">
                    <legend>{i18n.integ(It::Events)}</legend>
                    <ChoiceBoxes choices=WebhookEvent::ALL.to_vec() chosen=events label=event_text/>
                    <p class="field-error" id="webhook-events-error">{move || events_problem.get().map(|p| p.in_lang(i18n.lang.get()))}</p>
                </fieldset>
                <button type="submit" class="primary">{i18n.integ(It::AddWebhook)}</button>
            </form>
            <Show
                when=move || webhooks.with(|w| w.as_ref().is_some_and(|w| !w.is_empty()))
                fallback=move || view! { <p class="hint">{move || webhooks.with(Option::is_some).then(|| i18n.integ(It::NoWebhooks)())}</p> }
            >
                <ul class="webhook-list">
                    <For
                        each=move || webhooks.get().unwrap_or_default()
                        key=|w| (w.id, w.enabled, w.events.clone(), w.url.clone())
                        children=move |webhook: Webhook| {
                            let id = webhook.id;
                            let enabled = webhook.enabled;
                            let for_toggle = webhook.clone();
                            let address = webhook.url.clone();
                            let shown_events = webhook.events.clone();
                            let is_open = move || open.with(|o| o.as_ref().is_some_and(|(shown, _)| *shown == id));
                            view! {
                                <li class="webhook" aria-label=address.clone()>
                                    <p>
                                        <code class="webhook__url">{address.clone()}</code>" · "
                                        {move || shown_events.iter().map(|e| event_text(*e, i18n.lang.get())).collect::<Vec<_>>().join("、")}" · "
                                        {move || if enabled { i18n.integ(It::Enabled)() } else { i18n.integ(It::Disabled)() }}
                                    </p>
                                    <div class="admin-table__actions">
                                        <button type="button" class="link" aria-expanded=move || is_open().to_string() on:click=move |_| show_deliveries(id)>
                                            {move || if is_open() { i18n.integ(It::HideDeliveries)() } else { i18n.integ(It::ShowDeliveries)() }}
                                        </button>
                                        <button type="button" class="link" on:click=move |_| toggle(for_toggle.clone())>
                                            {move || if enabled { i18n.integ(It::Disable)() } else { i18n.integ(It::Enable)() }}
                                        </button>
                                        <ConfirmButton
                                            confirming=Signal::derive(move || removing.get() == Some(id))
                                            label=Text::Remove
                                            question=Text::AdminRemoveWebhookQuestion
                                            yes=Text::Remove
                                            on_ask=Callback::new(move |()| removing.set(Some(id)))
                                            on_yes=Callback::new(move |()| remove(id))
                                            on_cancel=Callback::new(move |()| removing.set(None))
                                        />
                                    </div>
                                    <Show when=is_open>
                                        {move || {
                                            let list = open.with(|o| o.as_ref().map(|(_, list)| list.clone()).unwrap_or_default());
                                            if list.is_empty() {
                                                return view! { <p class="hint">{i18n.integ(It::NoDeliveries)}</p> }.into_any();
                                            }
                                            view! {
                                                <div class="table-scroll" role="region" tabindex="0" aria-label=i18n.integ(It::ShowDeliveries)>
                                                <table class="admin-table">
                                                    <caption class="visually-hidden">{i18n.integ(It::ShowDeliveries)}</caption>
                                                    <thead><tr>
                                                        <th scope="col">{i18n.integ(It::Time)}</th>
                                                        <th scope="col">{i18n.integ(It::Event)}</th>
                                                        <th scope="col">{i18n.integ(It::EventId)}</th>
                                                        <th scope="col">{i18n.integ(It::Attempts)}</th>
                                                        <th scope="col">{i18n.integ(It::Result)}</th>
                                                    </tr></thead>
                                                    <tbody>
                                                        {list.into_iter().map(|delivery| {
                                                            let result = status_text(&delivery);
                                                            view! {
                                                                <tr>
                                                                    <td>{date_time(delivery.created_at)}</td>
                                                                    <td>{event_text(delivery.event, i18n.lang.get_untracked())}</td>
                                                                    <td><code>{delivery.event_id.clone()}</code></td>
                                                                    <td>{delivery.attempts}</td>
                                                                    <td>{result}</td>
                                                                </tr>
                                                            }
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                                </div>
                                            }.into_any()
                                        }}
                                    </Show>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </section>
    }
}
