//! An approval card in the Approvals conversation: the request's form name, applicant and first
//! fields, its live status (from the request's latest summary, so an old card never offers a
//! decision that is gone), and — on a card for a step waiting on the member — Approve and Reject
//! that work in place, offline too (through the outbox). A queued decision shows as waiting to
//! send; a refused one shows why, in the member's words, until dismissed.

use crate::features::approvals::sync::{may_decide, refusal_words};
use crate::features::approvals::words::status_text;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::sync::outbox::OutboxAction;
use leptos::prelude::*;
use weft_protocol::approval::{ApprovalCard, CardEvent, Decision, RequestStatus};

/// The status a card shows: the request's latest known one, else what the card itself says.
fn shown_status(card: &ApprovalCard, known: Option<RequestStatus>) -> RequestStatus {
    known.unwrap_or(match card.event {
        CardEvent::Finished { status } => status,
        _ => RequestStatus::InReview,
    })
}

#[component]
pub fn ApprovalCardView(card: ApprovalCard) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let me = app.sync.me();
    let request_id = card.request_id;
    let summary = Memo::new(move |_| app.approvals.summaries.with(|all| all.get(&request_id).cloned()));
    let actions = Memo::new(move |_| app.approval_actions(request_id));
    let waiting_step = match card.event {
        CardEvent::AwaitingYou { step } => Some(step),
        _ => None,
    };
    // Approve/Reject: on a card for the member's step, while the request still waits on them
    // (as far as the device knows) and no decision of theirs is queued.
    let can_decide = move || {
        let (Some(step), Some(me)) = (waiting_step, me) else { return false };
        let queued = actions.with(|a| a.iter().any(|e| matches!(e.action, OutboxAction::DecideApproval { .. })));
        !queued && summary.with(|s| s.as_ref().is_none_or(|s| may_decide(s, me, step)))
    };
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let decide = move |decision: Decision| {
        let comment = reason.get_untracked().trim().to_owned();
        app.decide_approval(request_id, waiting_step, decision, comment);
        rejecting.set(false);
        reason.set(String::new());
    };
    let status_card = card.clone();
    let status = Memo::new(move |_| shown_status(&status_card, summary.with(|s| s.as_ref().map(|s| s.status))));
    let status = move || status.get();
    let event_text = match card.event {
        CardEvent::AwaitingYou { .. } => Text::ApprovalCardAwaitingYou,
        CardEvent::Finished { status } => status_text(status),
        CardEvent::Copied => Text::ApprovalCardCopied,
    };
    let reason_for = StoredValue::new(format!("card-reason-{request_id}-{}", waiting_step.unwrap_or(0)));
    let lines = card
        .lines
        .iter()
        .map(|line| view! { <dt>{line.label.clone()}</dt><dd><bdi>{line.value.clone()}</bdi></dd> })
        .collect_view();
    view! {
        <article class="approval-card" data-request=request_id.to_string()
            data-status=move || status().number().to_string()
            aria-label=format!("{} · {}", card.template_name, card.applicant_name)>
            <header class="approval-card__head">
                <strong class="approval-card__name">{card.template_name.clone()}</strong>
                <span class="approval-card__event">{i18n.t(event_text)}</span>
            </header>
            <p class="approval-card__who">{i18n.t(Text::ApprovalApplicant)}": "<bdi>{card.applicant_name.clone()}</bdi></p>
            <dl class="approval-card__lines">{lines}</dl>
            <p class="approval-card__status">
                <span class=move || format!("approvals__status approvals__status--{}", status().number())
                    data-testid="card-status">
                    {move || status_text(status()).in_lang(i18n.lang.get())}
                </span>
                {move || {
                    let mine_done = waiting_step.is_some()
                        && status() == RequestStatus::InReview
                        && !can_decide()
                        && actions.with(Vec::is_empty);
                    mine_done.then(|| view! { " · "<span class="hint">{i18n.t(Text::ApprovalAwaitingOthers)}</span> })
                }}
            </p>
            <QueuedApprovalActions request_id=request_id/>
            <Show when=can_decide>
                <div class="approval-card__actions">
                    <Show when=move || rejecting.get()
                        fallback=move || view! {
                            <button type="button" class="primary" on:click=move |_| decide(Decision::Approve)>
                                {i18n.t(Text::ApprovalApprove)}
                            </button>
                            <button type="button" on:click=move |_| rejecting.set(true)>{i18n.t(Text::ApprovalReject)}</button>
                        }>
                        <label for=reason_for.get_value()>{i18n.t(Text::ApprovalRejectReason)}</label>
                        <input id=reason_for.get_value() type="text" maxlength="500" prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))/>
                        <button type="button" class="danger" on:click=move |_| decide(Decision::Reject)>
                            {i18n.t(Text::ApprovalRejectConfirm)}
                        </button>
                        <button type="button" on:click=move |_| rejecting.set(false)>{i18n.t(Text::ApprovalCancel)}</button>
                    </Show>
                </div>
            </Show>
            <a class="approval-card__details" href=format!("/approvals/{request_id}")>{i18n.t(Text::ApprovalCardDetails)}</a>
        </article>
    }
}

/// The member's queued actions on a request (waiting to send) and refused ones, explained, with
/// "Dismiss". Shown on cards and on the request's page.
#[component]
pub fn QueuedApprovalActions(request_id: weft_protocol::ApprovalId) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let summary = Memo::new(move |_| app.approvals.summaries.with(|all| all.get(&request_id).cloned()));
    view! {
        <For each=move || app.approval_actions(request_id) key=|e| (e.client_id.clone(), e.failed.clone()) let:entry>
            {
                let client_id = entry.client_id.clone();
                match entry.failed.clone() {
                    Some(server_says) => {
                        let action = entry.action.clone();
                        let key = entry.client_id.clone();
                        let explained = move || {
                            let lang = i18n.lang.get();
                            app.approvals.refusals.with(|reasons| {
                                summary.with(|s| refusal_words(&action, reasons.get(&key), s.as_ref(), lang))
                            })
                        };
                        view! {
                            <p class="approval-refused" role="alert" data-testid="approval-refused">
                                {explained}" "<span class="hint">{server_says}</span>" "
                                <button type="button" class="link" on:click=move |_| app.discard(client_id.clone())>
                                    {i18n.t(Text::Dismiss)}
                                </button>
                            </p>
                        }
                        .into_any()
                    }
                    None => view! {
                        <p class="approval-queued hint" data-testid="approval-queued">{i18n.t(Text::ApprovalQueued)}</p>
                    }
                    .into_any(),
                }
            }
        </For>
    }
}
