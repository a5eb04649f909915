//! One request: the form read-only (files as download links), the chain with each step's state
//! and who acted when, the history (decisions and comments), and the actions the viewer may take
//! — approve or reject (current-step approvers), withdraw (the applicant, while in review),
//! comment (anyone who reads it). Actions go through the outbox (offline too); waiting and
//! refused ones are shown beside the actions, refusals explained in the member's language.

use crate::api::ApiError;
use crate::features::approvals::components::approval_card::QueuedApprovalActions;
use crate::features::approvals::form::format_money;
use crate::features::approvals::words::{date_time, status_text};
use crate::features::directory::model::Directory;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::use_app;
use crate::sync::outbox::OutboxAction;
use crate::ui::attachment::AttachmentView;
use crate::ui::failure::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use weft_protocol::approval::{
    ApprovalDetail, AuditAction, Control, ControlKind, Decision, FieldValue, FormValues, RequestStatus, StepStatus,
};
use weft_protocol::chat::Attachment;
use weft_protocol::{ApprovalId, AttachmentId};

/// A value as text for reading.
fn value_text(control: &Control, value: &FieldValue, directory: &Directory) -> String {
    match value {
        FieldValue::Text(text) | FieldValue::Date(text) => text.clone(),
        FieldValue::Number(number) => number.to_string(),
        FieldValue::Money(cents) => match &control.kind {
            ControlKind::Money { currency } => format!("{} {currency}", format_money(*cents)),
            _ => format_money(*cents),
        },
        FieldValue::DateRange { start, end } => format!("{start} – {end}"),
        FieldValue::Selected(ids) => match &control.kind {
            ControlKind::Selector { options, .. } => ids
                .iter()
                .map(|id| options.iter().find(|o| &o.id == id).map_or(id.clone(), |o| o.label.clone()))
                .collect::<Vec<_>>()
                .join(", "),
            _ => ids.join(", "),
        },
        FieldValue::Members(ids) => ids
            .iter()
            .map(|id| directory.member(*id).map_or_else(|| id.to_string(), |m| m.name.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        FieldValue::Departments(ids) => ids
            .iter()
            .map(|id| directory.department(id).map_or_else(|| id.0.clone(), |d| d.name.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        FieldValue::Files(ids) => format!("{}", ids.len()),
        FieldValue::Rows(rows) => format!("{}", rows.len()),
    }
}

/// A File field's files as download links (images as their thumbnail), each link signed when
/// shown; a file the detail does not describe is named as unavailable.
fn files_view(ids: &[AttachmentId], files: &[Attachment]) -> AnyView {
    let i18n = use_i18n();
    let items = ids
        .iter()
        .map(|id| match files.iter().find(|file| file.id == *id) {
            Some(file) => view! { <li><AttachmentView file=file.clone()/></li> }.into_any(),
            None => view! { <li class="hint">{i18n.t(Text::ApprovalFileUnavailable)}</li> }.into_any(),
        })
        .collect_view();
    view! { <ul class="approval-detail__files">{items}</ul> }.into_any()
}

fn form_view(controls: &[Control], form: &FormValues, files: &[Attachment], directory: &Directory) -> AnyView {
    controls
        .iter()
        .map(|control| {
            let shown = match (form.get(&control.id), &control.kind) {
                (Some(FieldValue::Rows(rows)), ControlKind::Table { columns }) => rows
                    .iter()
                    .map(|cells| {
                        view! { <dl class="approval-detail__row">{form_view(columns, cells, files, directory)}</dl> }
                    })
                    .collect_view()
                    .into_any(),
                (Some(FieldValue::Files(ids)), _) => files_view(ids, files),
                (Some(value), _) => value_text(control, value, directory).into_any(),
                (None, _) => "—".into_any(),
            };
            view! { <dt>{control.title.clone()}</dt><dd>{shown}</dd> }
        })
        .collect_view()
        .into_any()
}

fn step_text(status: StepStatus) -> Text {
    match status {
        StepStatus::Waiting => Text::StepWaiting,
        StepStatus::Active => Text::StepActive,
        StepStatus::Approved => Text::StatusApproved,
        StepStatus::Rejected => Text::StatusRejected,
        StepStatus::Cancelled => Text::StepCancelled,
    }
}

fn audit_text(action: AuditAction) -> Text {
    match action {
        AuditAction::Submitted => Text::AuditSubmitted,
        AuditAction::Approved => Text::AuditApproved,
        AuditAction::Rejected => Text::AuditRejected,
        AuditAction::Withdrawn => Text::AuditWithdrawn,
        AuditAction::Commented => Text::AuditCommented,
        AuditAction::Reassigned => Text::AuditReassigned,
    }
}

/// What a request action was.
#[derive(Clone, Copy)]
enum Act {
    Decide(Decision),
    Withdraw,
    Comment,
}

#[component]
pub fn ApprovalDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let app = use_app();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<ApprovalId>().ok())));
    let detail = RwSignal::new(None::<ApprovalDetail>);
    let load_error = RwSignal::new(None::<Text>);
    let me = move || session.0.with_untracked(|s| s.as_ref().map(|s| s.me.id));
    // Reload when this request changes on the feed.
    let feed_version =
        Memo::new(move |_| id.get().and_then(|id| app.approvals.summaries.with(|a| a.get(&id).map(|s| s.updated_at))));
    Effect::new(move |_| {
        let _ = feed_version.get();
        let Some(id) = id.get() else {
            load_error.set(Some(Text::ApprovalNotFound));
            return;
        };
        spawn_local(async move {
            let result = app.approval_detail(id).await;
            // The member may have left the page meanwhile.
            if detail.is_disposed() {
                return;
            }
            match result {
                Ok(found) => {
                    load_error.set(None);
                    detail.set(Some(found));
                }
                Err(ApiError::Network) => load_error.set(Some(Text::ApprovalNeedsNetwork)),
                Err(error) if error.code() == Some(weft_protocol::ErrorCode::NotFound) => {
                    load_error.set(Some(Text::ApprovalNotFound))
                }
                Err(error) => load_error.set(Some(error_text(&error))),
            }
        });
    });

    let comment = RwSignal::new(String::new());
    // Every action goes through the outbox: applied once, offline too; refusals are explained
    // by `QueuedApprovalActions`.
    let act = move |act: Act| {
        let Some(id) = id.get_untracked() else { return };
        let text = comment.get_untracked().trim().to_owned();
        match act {
            Act::Decide(decision) => {
                let step = detail.with_untracked(|d| d.as_ref().and_then(|d| d.request.current_step));
                app.decide_approval(id, step, decision, text);
            }
            Act::Withdraw => app.withdraw_approval(id),
            Act::Comment if text.is_empty() => return,
            Act::Comment => app.comment_approval(id, text),
        }
        comment.set(String::new());
    };
    // An action of the member's that is waiting to be sent holds back another of its kind.
    let queued = move |decision: bool| {
        id.get().is_some_and(|id| {
            app.approval_actions(id).iter().any(|e| {
                e.failed.is_none()
                    && if decision {
                        matches!(e.action, OutboxAction::DecideApproval { .. })
                    } else {
                        matches!(e.action, OutboxAction::WithdrawApproval { .. })
                    }
            })
        })
    };

    let body = move || {
        detail.get().map(|found| {
            let request = found.request;
            let me = me();
            let in_review = request.status == RequestStatus::InReview;
            let may_decide = in_review
                && request.current_step.and_then(|n| request.steps.get(n as usize)).is_some_and(|step| {
                    step.approvers.iter().any(|a| Some(a.member_id) == me && a.decision.is_none())
                });
            let may_withdraw = in_review && Some(request.applicant_id) == me;
            let form = app.directory.copy.with_untracked(|d| form_view(&found.template.spec.controls, &request.form, &found.files, d));
            let names = app.directory.copy.with_untracked(|d| {
                request
                    .steps
                    .iter()
                    .map(|step| {
                        step.approvers
                            .iter()
                            .map(|a| {
                                // A card the rules hide is not in the copy; the request names them.
                                d.member(a.member_id).map(|m| m.name.clone()).unwrap_or_else(|| {
                                    if a.name.is_empty() { a.member_id.to_string() } else { a.name.clone() }
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            });
            let steps = request
                .steps
                .iter()
                .zip(names)
                .map(|(step, names)| {
                    let approvers = step
                        .approvers
                        .iter()
                        .zip(names)
                        .map(|(a, name)| {
                            let acted = match (a.decision, a.decided_at) {
                                (Some(Decision::Approve), Some(at)) => {
                                    format!("{} · {}", Text::StatusApproved.in_lang(i18n.lang.get()), date_time(at))
                                }
                                (Some(Decision::Reject), Some(at)) => {
                                    format!("{} · {}", Text::StatusRejected.in_lang(i18n.lang.get()), date_time(at))
                                }
                                _ => Text::ApprovalPending.in_lang(i18n.lang.get()).to_owned(),
                            };
                            view! { <li><bdi>{name}</bdi>" — "{acted}</li> }
                        })
                        .collect_view();
                    let fallback = step.fallback.then(|| view! { <span class="chip">{i18n.t(Text::ApprovalFallback)}</span> });
                    view! {
                        <li class="approval-step" data-status=format!("{:?}", step.status).to_lowercase()>
                            <strong>{step.name.clone()}</strong>" · "{i18n.t(step_text(step.status))}" "{fallback}
                            <ul>{approvers}</ul>
                        </li>
                    }
                })
                .collect_view();
            let history = request
                .audit
                .iter()
                .map(|entry| {
                    let comment = (!entry.comment.is_empty()).then(|| view! { <q>{entry.comment.clone()}</q> });
                    view! {
                        <li>
                            <time class="hint">{date_time(entry.at)}</time>" "
                            <bdi>{entry.actor_name.clone()}</bdi>" "{i18n.t(audit_text(entry.action))}" "{comment}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p>
                    {i18n.t(Text::ApprovalApplicant)}": "<bdi>{request.applicant_name.clone()}</bdi>" · "
                    <strong data-testid="approval-status">{i18n.t(status_text(request.status))}</strong>" · "
                    <time class="hint">{date_time(request.submitted_at)}</time>
                </p>
                <dl class="approval-detail__form">{form}</dl>
                <h3 id="approval-chain-title">{i18n.t(Text::ApprovalChain)}</h3>
                <ol class="approval-chain" aria-labelledby="approval-chain-title">{steps}</ol>
                <h3 id="approval-history-title">{i18n.t(Text::ApprovalHistory)}</h3>
                <ol class="approval-history" aria-labelledby="approval-history-title">{history}</ol>
                <div class="approval-actions">
                    <label for="approval-comment">
                        {move || if may_decide { i18n.t(Text::ApprovalOptionalComment)() } else { i18n.t(Text::ApprovalComment)() }}
                    </label>
                    <textarea id="approval-comment" rows="2" prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))
                        aria-describedby="approval-action-error"></textarea>
                    <div class="approval-actions__buttons">
                        <Show when=move || may_decide && !queued(true)>
                            <button type="button" class="primary"
                                on:click=move |_| act(Act::Decide(Decision::Approve))>{i18n.t(Text::ApprovalApprove)}</button>
                            <button type="button"
                                on:click=move |_| act(Act::Decide(Decision::Reject))>{i18n.t(Text::ApprovalReject)}</button>
                        </Show>
                        <Show when=move || may_withdraw && !queued(false)>
                            <button type="button"
                                on:click=move |_| act(Act::Withdraw)>{i18n.t(Text::ApprovalWithdraw)}</button>
                        </Show>
                        <button type="button"
                            on:click=move |_| act(Act::Comment)>{i18n.t(Text::ApprovalSendComment)}</button>
                    </div>
                    <div id="approval-action-error">
                        {move || id.get().map(|request_id| view! { <QueuedApprovalActions request_id=request_id/> })}
                    </div>
                </div>
            }
        })
    };

    view! {
        <section class="conversation page" aria-labelledby="approval-title">
            <header class="conversation__header">
                <a class="back" href="/approvals" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="approval-title">
                    {move || detail.with(|d| d.as_ref().map(|d| d.template.spec.name.clone()))
                        .unwrap_or_else(|| Text::Approvals.in_lang(i18n.lang.get()).to_owned())}
                </h2>
            </header>
            <div class="page__body approval-detail">
                <p class="form-error" role="alert">{move || load_error.get().map(|t| t.in_lang(i18n.lang.get()))}</p>
                {body}
            </div>
        </section>
    }
}
