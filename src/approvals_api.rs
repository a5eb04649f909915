//! The approval calls under `/api/v1/approvals`: templates, submitting a request, the four
//! lists with their filters, a request's detail, and deciding, withdrawing and commenting.

use crate::api::{Api, ApiError};
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalSummary, CommentRequest, Decision, DecisionRequest, RequestStatus,
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

/// The query string of a list request.
pub fn list_query(list: ApprovalBox, template: Option<TemplateId>, status: Option<RequestStatus>) -> String {
    let mut query = format!("box={}", box_name(list));
    if let Some(template) = template {
        query.push_str(&format!("&template={template}"));
    }
    if let Some(status) = status {
        query.push_str(&format!("&status={}", status.number()));
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

    pub async fn approvals(
        &self,
        list: ApprovalBox,
        template: Option<TemplateId>,
        status: Option<RequestStatus>,
    ) -> Result<Vec<ApprovalSummary>, ApiError> {
        self.get(&format!("/approvals/requests?{}", list_query(list, template, status))).await
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
