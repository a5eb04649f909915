//! The approval lists: Waiting for me, Submitted by me, CC'd to me and Done by me, filtered by
//! template and status, with the templates to start a new request from. A list reloads when the
//! feed reports a request changed.

use super::{date_time, status_text};
use crate::api::ApiError;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::{error_text, use_chat};
use crate::sync::outbox::OutboxAction;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::TemplateId;
use weft_protocol::approval::{ApprovalBox, ApprovalSummary, RequestStatus, Template};

const BOXES: [(ApprovalBox, Text); 4] = [
    (ApprovalBox::Waiting, Text::ApprovalsWaiting),
    (ApprovalBox::Submitted, Text::ApprovalsSubmitted),
    (ApprovalBox::Cc, Text::ApprovalsCc),
    (ApprovalBox::Done, Text::ApprovalsDone),
];

const STATUSES: [RequestStatus; 4] =
    [RequestStatus::InReview, RequestStatus::Approved, RequestStatus::Rejected, RequestStatus::Withdrawn];

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let chat = use_chat();
    let list = RwSignal::new(ApprovalBox::Waiting);
    let template = RwSignal::new(None::<TemplateId>);
    let status = RwSignal::new(None::<RequestStatus>);
    let templates = RwSignal::new(Vec::<Template>::new());
    let rows = RwSignal::new(None::<Vec<ApprovalSummary>>);
    let error = RwSignal::new(None::<Text>);
    let api = move || session.0.with_untracked(|s| s.as_ref().map(|s| crate::api::Api::with_token(&s.token)));

    if let Some(api) = api() {
        spawn_local(async move {
            if let Ok(found) = api.approval_templates().await {
                templates.set(found);
            }
        });
    }
    Effect::new(move |_| {
        let (list, template, status) = (list.get(), template.get(), status.get());
        chat.approvals.track();
        let Some(api) = api() else { return };
        spawn_local(async move {
            match api.approvals(list, template, status).await {
                Ok(found) => {
                    error.set(None);
                    rows.set(Some(found));
                }
                Err(ApiError::Network) => error.set(Some(Text::ApprovalNeedsNetwork)),
                Err(failure) => error.set(Some(error_text(&failure))),
            }
        });
    });

    view! {
        <section class="conversation page" aria-labelledby="approvals-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="approvals-title">{i18n.t(Text::Approvals)}</h2>
            </header>
            <div class="page__body approvals">
                <nav class="approvals__new" aria-label=i18n.t(Text::ApprovalNewRequest)>
                    <h3>{i18n.t(Text::ApprovalNewRequest)}</h3>
                    <ul>
                        <For each=move || templates.get() key=|t| (t.id, t.version) let:t>
                            <li><a class="button" href=format!("/approvals/new/{}", t.id)>{t.spec.name.clone()}</a></li>
                        </For>
                    </ul>
                </nav>
                <PendingSubmissions/>
                <div class="approvals__tabs" role="group" aria-label=i18n.t(Text::ApprovalsLists)>
                    {BOXES
                        .into_iter()
                        .map(|(which, label)| view! {
                            <button type="button" aria-pressed=move || (list.get() == which).to_string()
                                on:click=move |_| list.set(which)>
                                {i18n.t(label)}
                            </button>
                        })
                        .collect_view()}
                </div>
                <div class="approvals__filters">
                    <label for="approvals-template">{i18n.t(Text::ApprovalTemplate)}</label>
                    <select id="approvals-template" on:change=move |ev| template.set(event_target_value(&ev).parse().ok())>
                        <option value="">{i18n.t(Text::ApprovalAll)}</option>
                        <For each=move || templates.get() key=|t| (t.id, t.version) let:t>
                            <option value=t.id.to_string()>{t.spec.name.clone()}</option>
                        </For>
                    </select>
                    <label for="approvals-status">{i18n.t(Text::ApprovalStatus)}</label>
                    <select id="approvals-status"
                        on:change=move |ev| status.set(event_target_value(&ev).parse::<u8>().ok().and_then(RequestStatus::from_number))>
                        <option value="">{i18n.t(Text::ApprovalAll)}</option>
                        {STATUSES
                            .into_iter()
                            .map(|s| view! { <option value=s.number().to_string()>{i18n.t(status_text(s))}</option> })
                            .collect_view()}
                    </select>
                </div>
                <p class="form-error" role="alert">{move || error.get().map(|t| t.in_lang(i18n.lang.get()))}</p>
                {move || match rows.get() {
                    None => view! { <p class="hint">{i18n.t(Text::ApprovalLoading)}</p> }.into_any(),
                    Some(found) if found.is_empty() => view! { <p class="hint">{i18n.t(Text::ApprovalNothing)}</p> }.into_any(),
                    Some(found) => view! {
                        <ul class="approvals__list" aria-label=i18n.t(Text::Approvals)>
                            {found.into_iter().map(|row| view! {
                                <li>
                                    <a class="approvals__row" href=format!("/approvals/{}", row.id)>
                                        <span class="approvals__name">{row.template_name.clone()}</span>
                                        <span class="approvals__who">{row.applicant_name.clone()}</span>
                                        <span class=format!("approvals__status approvals__status--{}", row.status.number())>
                                            {i18n.t(status_text(row.status))}
                                        </span>
                                        <time class="hint">{date_time(row.updated_at)}</time>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}

/// Requests submitted on this device that the server does not have yet: waiting to be sent, or
/// refused (with the reason, "Edit" back to the kept draft, and "Delete").
#[component]
fn PendingSubmissions() -> impl IntoView {
    let i18n = use_i18n();
    let chat = use_chat();
    view! {
        <Show when=move || !chat.pending_submissions().is_empty()>
            <section class="approvals__pending" aria-labelledby="approvals-pending-title">
                <h3 id="approvals-pending-title">{i18n.t(Text::ApprovalQueuedTitle)}</h3>
                <ul>
                    <For each=move || chat.pending_submissions() key=|e| (e.client_id.clone(), e.failed.clone()) let:entry>
                        {
                            let OutboxAction::SubmitApproval { template_id, template_name, .. } = entry.action.clone() else {
                                return ().into_any();
                            };
                            let client_id = entry.client_id.clone();
                            let state = match entry.failed.clone() {
                                Some(reason) => view! {
                                    <span class="approvals__status approvals__status--3">{i18n.t(Text::ApprovalNotSubmitted)}</span>
                                    " "<span class="hint">{reason}</span>" "
                                    <a class="link" href=format!("/approvals/new/{template_id}")>{i18n.t(Text::ApprovalEditDraft)}</a>
                                    " "<button type="button" class="link" on:click=move |_| chat.discard(client_id.clone())>{i18n.t(Text::Delete)}</button>
                                }.into_any(),
                                None => view! { <span class="hint">{i18n.t(Text::ApprovalQueued)}</span> }.into_any(),
                            };
                            view! {
                                <li class="approvals__row approvals__row--pending" data-testid="pending-submission">
                                    <span class="approvals__name">{template_name}</span>" "{state}
                                </li>
                            }.into_any()
                        }
                    </For>
                </ul>
            </section>
        </Show>
    }
}

