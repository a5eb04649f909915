//! Approvals through the outbox: submitting a request, deciding, withdrawing and commenting are
//! stored on the device first and delivered in order with their client id, so an action taken
//! offline is applied exactly once when the server can be reached. The server decides conflicts
//! (the request was withdrawn, another approver decided, the step moved on); a refused action
//! stays in the outbox with the server's reason, the request's current state is fetched, and the
//! screens explain the refusal in the member's language ([`refusal_words`]: the server's typed
//! reason, or the request's state) until dismissed.

use crate::api::{Api, ApiError};
use crate::i18n::{Lang, Text};
use crate::state::AppState;
use crate::store::{Store, StoredApproval};
use crate::sync::outbox::DeliverOutbox;
use crate::sync::outbox::{OutboxAction, OutboxEntry};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalSummary, Decision, FormValues, RequestStatus, SubmitApprovalRequest, Template,
};
use weft_protocol::{ApprovalId, ClientId, ErrorBody, MemberId, Refusal, TemplateId};

impl AppState {
    /// Queues a new request (already validated by the form); returns its client id.
    pub fn submit_approval(self, template: &Template, form: FormValues) -> ClientId {
        let client_id = crate::platform::new_client_id();
        let action = OutboxAction::SubmitApproval {
            template_id: template.id,
            template_version: template.version,
            template_name: template.spec.name.clone(),
            form,
        };
        // A new attempt replaces submissions of this template the server refused.
        let refused: Vec<String> = self.sync.outbox.with_untracked(|o| {
            o.iter()
                .filter(|e| e.failed.is_some())
                .filter(|e| matches!(&e.action, OutboxAction::SubmitApproval { template_id, .. } if *template_id == template.id))
                .map(|e| e.client_id.clone())
                .collect()
        });
        for entry in refused {
            self.discard(entry);
        }
        self.enqueue(OutboxEntry::new(None, client_id, action, self.sync.next_order()));
        client_id
    }

    /// Queues a decision on the step the member is looking at.
    pub fn decide_approval(self, request_id: ApprovalId, step: Option<u32>, decision: Decision, comment: String) {
        let action = OutboxAction::DecideApproval { request_id, step, decision, comment };
        self.enqueue(OutboxEntry::new(None, crate::platform::new_client_id(), action, self.sync.next_order()));
    }

    /// Queues withdrawing one of the member's own requests.
    pub fn withdraw_approval(self, request_id: ApprovalId) {
        let action = OutboxAction::WithdrawApproval { request_id };
        self.enqueue(OutboxEntry::new(None, crate::platform::new_client_id(), action, self.sync.next_order()));
    }

    /// Queues a comment on a request.
    pub fn comment_approval(self, request_id: ApprovalId, text: String) {
        let action = OutboxAction::CommentApproval { request_id, text };
        self.enqueue(OutboxEntry::new(None, crate::platform::new_client_id(), action, self.sync.next_order()));
    }

    /// The queued (or refused) actions on one request, oldest first.
    pub fn approval_actions(self, request: ApprovalId) -> Vec<OutboxEntry> {
        self.sync.outbox.with(|o| o.iter().filter(|e| e.action.approval() == Some(request)).cloned().collect())
    }

    /// Submissions not yet accepted by the server (waiting, or refused), oldest first.
    pub fn pending_submissions(self) -> Vec<OutboxEntry> {
        self.sync
            .outbox
            .with(|o| o.iter().filter(|e| matches!(e.action, OutboxAction::SubmitApproval { .. })).cloned().collect())
    }

    /// Delivers one approval action; the request's new state is applied at once. When the
    /// server refuses, the request is fetched again so the screens show why.
    pub(crate) async fn deliver_approval(
        self,
        api: &Api,
        client_id: ClientId,
        action: &OutboxAction,
    ) -> Result<(), ApiError> {
        let result = match action.clone() {
            OutboxAction::SubmitApproval { template_id, template_version, form, .. } => {
                let request = SubmitApprovalRequest { client_id, template_id, template_version, form };
                api.submit_approval(&request).await
            }
            OutboxAction::DecideApproval { request_id, decision, comment, .. } => {
                api.decide_approval(request_id, client_id, decision, comment).await
            }
            OutboxAction::WithdrawApproval { request_id } => api.withdraw_approval(request_id, client_id).await,
            OutboxAction::CommentApproval { request_id, text } => {
                api.comment_approval(request_id, client_id, text).await
            }
            _ => return Ok(()),
        };
        match result {
            Ok(detail) => {
                self.apply_approval(&detail);
                if let OutboxAction::SubmitApproval { template_id, .. } = action {
                    self.approvals.submission_accepted(client_id, detail.request.id);
                    // Kept until now, so a refused submission can be corrected from the draft.
                    self.forget_draft(*template_id).await;
                }
                Ok(())
            }
            Err(error @ ApiError::Server { status: 422, .. }) => {
                if let ApiError::Server { body, .. } = &error
                    && !body.problems.is_empty()
                {
                    self.approvals.form_refused(client_id, body.problems.clone());
                }
                Err(error)
            }
            Err(error @ ApiError::Server { status: 403 | 404 | 409, .. }) => {
                if let ApiError::Server { body: ErrorBody { reason: Some(reason), .. }, .. } = &error {
                    self.approvals.refused(client_id, reason.clone());
                }
                if let Some(request) = action.approval() {
                    match api.approval(request).await {
                        Ok(detail) => self.apply_approval(&detail),
                        Err(ApiError::Server { status: 404, .. }) => {
                            self.approvals.forget(request);
                        }
                        Err(_) => {}
                    }
                }
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    /// Deletes the device's draft of a form.
    pub(crate) async fn forget_draft(self, template: TemplateId) {
        if let Some(store) = self.sync.local() {
            self.sync.check_write("approval draft", store.delete_draft(template).await);
        }
    }

    /// The templates the member can start requests from: the server's list (kept on the device),
    /// or the device's copy when the server cannot be reached.
    pub async fn approval_templates(self) -> Result<Vec<Template>, ApiError> {
        let Some(api) = self.sync.api() else { return Err(ApiError::Network) };
        match api.approval_templates().await {
            Ok(found) => {
                if let Some(store) = self.sync.local() {
                    self.sync.check_write("approval templates", store.replace_templates(&found).await);
                }
                Ok(found)
            }
            Err(ApiError::Network) => match self.sync.opened_store().await {
                Some(store) => match store.templates().await {
                    Ok(kept) if !kept.is_empty() => Ok(kept),
                    _ => Err(ApiError::Network),
                },
                None => Err(ApiError::Network),
            },
            Err(other) => Err(other),
        }
    }

    /// One template (its current version), from the server or, offline, the device's copy.
    pub async fn approval_template(self, id: TemplateId) -> Result<Template, ApiError> {
        let Some(api) = self.sync.api() else { return Err(ApiError::Network) };
        match api.approval_template(id).await {
            Err(ApiError::Network) => {
                let kept = match self.sync.opened_store().await {
                    Some(store) => store.templates().await.unwrap_or_default(),
                    None => Vec::new(),
                };
                kept.into_iter().find(|t| t.id == id).ok_or(ApiError::Network)
            }
            other => other,
        }
    }

    /// A request's detail from the server (kept on the device), or the device's copy offline.
    pub async fn approval_detail(self, id: ApprovalId) -> Result<ApprovalDetail, ApiError> {
        let Some(api) = self.sync.api() else { return Err(ApiError::Network) };
        match api.approval(id).await {
            Ok(detail) => {
                self.apply_approval(&detail);
                Ok(detail)
            }
            Err(ApiError::Network) => match self.sync.opened_store().await {
                Some(store) => store.approval(id).await.ok().flatten().ok_or(ApiError::Network),
                None => Err(ApiError::Network),
            },
            Err(other) => Err(other),
        }
    }

    /// The requests kept on the device, for the lists while offline.
    pub async fn stored_approvals(self) -> Vec<StoredApproval> {
        match self.sync.opened_store().await {
            Some(store) => store.approvals().await.unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// Puts the device's known requests into the reactive state (cards show their state offline).
    pub(crate) async fn load_stored_approvals(self) {
        let kept = self.stored_approvals().await;
        self.approvals.remember(kept.into_iter().map(|stored| stored.summary).collect());
    }

    /// Records a request's current state (from an action's reply or a fetch), on the device too.
    pub(crate) fn apply_approval(self, detail: &ApprovalDetail) {
        self.approvals.remember(vec![detail.summary()]);
        if let Some(store) = self.sync.local() {
            let detail = detail.clone();
            spawn_local(async move { self.sync.check_write("approval request", store.put_approval(&detail).await) });
        }
    }

    /// Records a request's summary (from the feed or a list), on the device too.
    pub(crate) fn apply_approval_summary(self, summary: ApprovalSummary) {
        if let Some(store) = self.sync.local() {
            let kept = summary.clone();
            spawn_local(
                async move { self.sync.check_write("approval request", store.put_approval_summary(&kept).await) },
            );
        }
        self.approvals.remember(vec![summary]);
    }

    /// Brings the requests waiting for the member and their own ones up to date (after start-up
    /// and reconnecting: the feed only tells of changes, and cards need the current state), and
    /// keeps the templates on the device, so a request form opens offline even on a device where
    /// the approvals list was never opened online.
    pub(crate) async fn refresh_approvals(self) {
        let Some(api) = self.sync.api() else { return };
        if let Err(failure) = self.approval_templates().await {
            leptos::logging::warn!("approval templates were not refreshed: {failure:?}");
        }
        for list in [ApprovalBox::Waiting, ApprovalBox::Submitted] {
            let filter = crate::features::approvals::api::ListFilter { list, template: None, status: None };
            if let Ok(found) = api.approvals(filter, None, 100).await {
                if let Some(store) = self.sync.local() {
                    for summary in &found {
                        self.sync.check_write("approval request", store.put_approval_summary(summary).await);
                    }
                }
                self.approvals.remember(found);
            }
        }
    }
}

/// Whether `member` may decide `step` of the request now, as far as the device knows.
pub fn may_decide(summary: &ApprovalSummary, member: MemberId, step: u32) -> bool {
    summary.status == RequestStatus::InReview
        && summary.current_step == Some(step)
        && summary.waiting_on.contains(&member)
}

/// Why the server refused an approval action, in words for the member: the server's typed
/// reason when this visit heard it (`crate::i18n::refusal_text`), otherwise judged from the
/// request's current state (after a reload, or from an older server).
pub fn refusal_words(
    action: &OutboxAction,
    reason: Option<&Refusal>,
    current: Option<&ApprovalSummary>,
    lang: Lang,
) -> String {
    reason
        .and_then(|reason| crate::i18n::refusal_text(reason, lang))
        .unwrap_or_else(|| refusal_text(action, current).in_lang(lang).to_owned())
}

/// Why the server refused an approval action, judged from the request's current state (`None`
/// when the device does not know it).
pub fn refusal_text(action: &OutboxAction, current: Option<&ApprovalSummary>) -> Text {
    let Some(current) = current else { return Text::ApprovalRefused };
    match (action, current.status) {
        (OutboxAction::SubmitApproval { .. }, _) => Text::ApprovalRefused,
        (_, RequestStatus::Withdrawn) => Text::ApprovalConflictWithdrawn,
        (_, RequestStatus::Approved | RequestStatus::Rejected) => Text::ApprovalConflictFinished,
        (OutboxAction::DecideApproval { step: Some(step), .. }, RequestStatus::InReview)
            if current.current_step != Some(*step) =>
        {
            Text::ApprovalConflictMovedOn
        }
        (OutboxAction::DecideApproval { .. }, RequestStatus::InReview) => Text::ApprovalConflictDecided,
        _ => Text::ApprovalRefused,
    }
}
