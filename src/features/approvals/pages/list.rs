//! The approval lists: Waiting for me, Submitted by me, CC'd to me and Done by me, filtered by
//! template and status, with the templates to start a new request from. A list shows 50 rows and
//! "Load more" when the server has more (the next page after the last row shown); it reloads when
//! the feed reports a request changed.

use crate::api::ApiError;
use crate::features::approvals::api::ListFilter;
use crate::features::approvals::words::{date_time, status_text};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::use_app;
use crate::store::StoredApproval;
use crate::sync::outbox::OutboxAction;
use crate::ui::failure::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::approval::{ApprovalBox, ApprovalSummary, ListCursor, RequestStatus, Template};
use weft_protocol::{MemberId, TemplateId};

const BOXES: [(ApprovalBox, Text); 4] = [
    (ApprovalBox::Waiting, Text::ApprovalsWaiting),
    (ApprovalBox::Submitted, Text::ApprovalsSubmitted),
    (ApprovalBox::Cc, Text::ApprovalsCc),
    (ApprovalBox::Done, Text::ApprovalsDone),
];

/// Rows one page holds (the server's default).
const PAGE: u32 = 50;

/// Most rows a reload asks for (the server's maximum), however many pages were loaded.
const MAX_RELOAD: u32 = 199;

/// Keeps the first `wanted` rows of an answer asked for `wanted + 1`, and whether there were more
/// (a full page alone does not mean another one exists).
fn page_of(mut found: Vec<ApprovalSummary>, wanted: u32) -> (Vec<ApprovalSummary>, bool) {
    let wanted = wanted as usize;
    let more = found.len() > wanted;
    found.truncate(wanted);
    (found, more)
}

const STATUSES: [RequestStatus; 4] =
    [RequestStatus::InReview, RequestStatus::Approved, RequestStatus::Rejected, RequestStatus::Withdrawn];

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let app = use_app();
    let list = RwSignal::new(ApprovalBox::Waiting);
    let template = RwSignal::new(None::<TemplateId>);
    let status = RwSignal::new(None::<RequestStatus>);
    let templates = RwSignal::new(Vec::<Template>::new());
    let rows = RwSignal::new(None::<Vec<ApprovalSummary>>);
    let error = RwSignal::new(None::<Text>);
    let has_more = RwSignal::new(false);
    let loading_more = RwSignal::new(false);
    let api = move || session.0.with_untracked(|s| s.as_ref().map(|s| crate::api::Api::with_token(&s.token)));

    spawn_local(async move {
        if let Ok(found) = app.approval_templates().await {
            // The member may have left the page meanwhile.
            templates.try_set(found);
        }
    });
    // Every reload bumps the generation; a page answered for an older one is dropped.
    let generation = StoredValue::new(0u64);
    let shown_filter = StoredValue::new(None::<ListFilter>);
    // How many rows "Load more" asked for: a reload that starts while that page is on its way
    // (and so drops it) asks for them too, so the click is never lost.
    let wanted = StoredValue::new(0usize);
    Effect::new(move |_| {
        let filter = ListFilter { list: list.get(), template: template.get(), status: status.get() };
        app.approvals.summaries.track();
        let Some(api) = api() else { return };
        // A feed change reloads as many rows as are shown, so pages loaded stay; a new filter
        // starts again from one page.
        let same = shown_filter.get_value() == Some(filter);
        shown_filter.set_value(Some(filter));
        if !same {
            wanted.set_value(0);
        }
        let shown =
            if same { rows.with_untracked(|r| r.as_ref().map_or(0, Vec::len)).max(wanted.get_value()) } else { 0 };
        let limit = u32::try_from(shown).unwrap_or(MAX_RELOAD).clamp(PAGE, MAX_RELOAD);
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        spawn_local(async move {
            let result = api.approvals(filter, None, limit + 1).await;
            // Dropped when a newer reload started, or the page is gone.
            if rows.is_disposed() || generation.try_get_value() != Some(mine) {
                return;
            }
            match result {
                Ok(found) => {
                    let (found, more) = page_of(found, limit);
                    error.set(None);
                    has_more.set(more);
                    rows.set(Some(found));
                }
                Err(ApiError::Network) => {
                    // Offline: the requests this device knows, sorted into the lists it can tell.
                    let me = app.sync.me();
                    let kept = app.stored_approvals().await;
                    if rows.is_disposed() {
                        return;
                    }
                    let found: Vec<ApprovalSummary> = kept
                        .into_iter()
                        .filter(|stored| me.is_some_and(|me| offline_list_has(filter, stored, me)))
                        .map(|stored| stored.summary)
                        .collect();
                    error.set(Some(Text::ApprovalOfflineList));
                    has_more.set(false);
                    rows.set(Some(found));
                }
                Err(failure) => error.set(Some(error_text(&failure))),
            }
        });
    });
    let load_more = move |_| {
        let Some(filter) = shown_filter.get_value() else { return };
        let Some(before) = rows.with_untracked(|r| r.as_ref().and_then(|r| r.last()).map(ListCursor::after)) else {
            return;
        };
        let Some(api) = api() else { return };
        if loading_more.get_untracked() {
            return;
        }
        loading_more.set(true);
        let shown = rows.with_untracked(|r| r.as_ref().map_or(0, Vec::len));
        wanted.set_value(shown + PAGE as usize);
        let mine = generation.get_value();
        spawn_local(async move {
            let result = api.approvals(filter, Some(before), PAGE + 1).await;
            loading_more.try_set(false);
            if rows.is_disposed() || generation.try_get_value() != Some(mine) {
                return;
            }
            match result {
                Ok(found) => {
                    let (found, more) = page_of(found, PAGE);
                    error.set(None);
                    has_more.set(more);
                    rows.update(|shown| {
                        if let Some(shown) = shown {
                            let fresh: Vec<_> =
                                found.into_iter().filter(|row| !shown.iter().any(|s| s.id == row.id)).collect();
                            shown.extend(fresh);
                        }
                    });
                }
                Err(ApiError::Network) => error.set(Some(Text::ApprovalNeedsNetwork)),
                Err(failure) => error.set(Some(error_text(&failure))),
            }
        });
    };

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
                <Show when=move || has_more.get()>
                    <button type="button" class="approvals__more" disabled=move || loading_more.get() on:click=load_more>
                        {i18n.t(Text::ApprovalLoadMore)}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// Requests submitted on this device that the server does not have yet: waiting to be sent, or
/// refused (with the reason, "Edit" back to the kept draft, and "Delete").
#[component]
fn PendingSubmissions() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    view! {
        <Show when=move || !app.pending_submissions().is_empty()>
            <section class="approvals__pending" aria-labelledby="approvals-pending-title">
                <h3 id="approvals-pending-title">{i18n.t(Text::ApprovalQueuedTitle)}</h3>
                <ul>
                    <For each=move || app.pending_submissions() key=|e| (e.client_id.clone(), e.failed.clone()) let:entry>
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
                                    " "<button type="button" class="link" on:click=move |_| app.discard(client_id.clone())>{i18n.t(Text::Delete)}</button>
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

/// Whether a request kept on the device belongs in a list (and its filters), as far as the
/// device can tell: the waiting and submitted lists from the summary, CC and done from the
/// full request when it was opened on this device.
fn offline_list_has(filter: ListFilter, stored: &StoredApproval, me: MemberId) -> bool {
    let summary = &stored.summary;
    if filter.template.is_some_and(|t| t != summary.template_id) || filter.status.is_some_and(|s| s != summary.status) {
        return false;
    }
    let request = stored.detail.as_ref().map(|d| &d.request);
    match filter.list {
        ApprovalBox::Waiting => summary.status == RequestStatus::InReview && summary.waiting_on.contains(&me),
        ApprovalBox::Submitted => summary.applicant_id == me,
        ApprovalBox::Cc => request.is_some_and(|r| r.cc.iter().any(|cc| cc.member_id == me && cc.notified)),
        ApprovalBox::Done => request.is_some_and(|r| {
            r.steps.iter().flat_map(|s| &s.approvers).any(|a| a.member_id == me && a.decision.is_some())
        }),
    }
}
