//! The approval calls under `/api/v1/approvals`: templates, submitting a request, the four
//! lists with their filters (a page at a time), a request's detail, and deciding, withdrawing
//! and commenting.

use crate::api::{Api, ApiError};
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalSummary, CommentRequest, Decision, DecisionRequest, ListCursor, RequestStatus,
    SubmitApprovalRequest, Template, WithdrawRequest,
};
use weft_protocol::{ApprovalId, ClientId, TemplateId};

/// The `box` query value of a list.
pub fn box_name(list: ApprovalBox) -> &'static str {
    match list {
        ApprovalBox::Waiting => "waiting",
        ApprovalBox::Submitted => "submitted",
        ApprovalBox::Cc => "cc",
        ApprovalBox::Done => "done",
    }
}

/// Which list, filtered how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListFilter {
    pub list: ApprovalBox,
    pub template: Option<TemplateId>,
    pub status: Option<RequestStatus>,
}

/// The query string of a list request: one page of at most `limit` rows, after `before` (the
/// previous page's last row) when given.
pub fn list_query(filter: ListFilter, before: Option<ListCursor>, limit: u32) -> String {
    let mut query = format!("box={}&limit={limit}", box_name(filter.list));
    if let Some(template) = filter.template {
        query.push_str(&format!("&template={template}"));
    }
    if let Some(status) = filter.status {
        query.push_str(&format!("&status={}", status.number()));
    }
    if let Some(before) = before {
        query.push_str(&format!("&before={before}"));
    }
    query
}

impl Api {
    /// The templates a member may fill in (current versions).
    pub async fn approval_templates(&self) -> Result<Vec<Template>, ApiError> {
        self.get("/approvals/templates").await
    }

    pub async fn approval_template(&self, id: TemplateId) -> Result<Template, ApiError> {
        self.get(&format!("/approvals/templates/{id}")).await
    }

    /// Submits a form; a retry with the same client id answers with the request it made.
    pub async fn submit_approval(&self, request: &SubmitApprovalRequest) -> Result<ApprovalDetail, ApiError> {
        self.post("/approvals/requests", request).await
    }

    /// One page of a list: at most `limit` rows after `before` (none: the newest).
    pub async fn approvals(
        &self,
        filter: ListFilter,
        before: Option<ListCursor>,
        limit: u32,
    ) -> Result<Vec<ApprovalSummary>, ApiError> {
        self.get(&format!("/approvals/requests?{}", list_query(filter, before, limit))).await
    }

    pub async fn approval(&self, id: ApprovalId) -> Result<ApprovalDetail, ApiError> {
        self.get(&format!("/approvals/requests/{id}")).await
    }

    pub async fn decide_approval(
        &self,
        id: ApprovalId,
        client_id: ClientId,
        decision: Decision,
        comment: String,
    ) -> Result<ApprovalDetail, ApiError> {
        let body = DecisionRequest { client_id, decision, comment };
        self.post(&format!("/approvals/requests/{id}/decision"), &body).await
    }

    pub async fn withdraw_approval(&self, id: ApprovalId, client_id: ClientId) -> Result<ApprovalDetail, ApiError> {
        self.post(&format!("/approvals/requests/{id}/withdraw"), &WithdrawRequest { client_id }).await
    }

    pub async fn comment_approval(
        &self,
        id: ApprovalId,
        client_id: ClientId,
        text: String,
    ) -> Result<ApprovalDetail, ApiError> {
        self.post(&format!("/approvals/requests/{id}/comments"), &CommentRequest { client_id, text }).await
    }
}
