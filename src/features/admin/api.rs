//! The administrator's calls: the full directory the console works from, and `/api/v1/admin/*`
//! (members, departments, visibility rules, the CSV import with its dry run, export and template,
//! the workspace policies),
//! and writing approval templates (`/api/v1/approvals/templates`: create, new version, archive).

use crate::api::{Api, ApiError, decode, url};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use weft_protocol::approval::{Template, TemplateSpec};
use weft_protocol::directory::{
    CreateDepartmentRequest, CreateMemberRequest, CsvImportError, Department, DirectoryMember, HideMemberRequest,
    ImportSummary, MemberFields, SetDepartmentScopeRequest, SetPasswordRequest, UpdateDepartmentRequest,
    VisibilityRules,
};
use weft_protocol::policy::WorkspacePolicies;
use weft_protocol::{DepartmentId, ErrorBody, MemberId, TemplateId};

/// What the server said about a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportAnswer {
    /// Every row is acceptable: what the import did (or, for a dry run, would do).
    Accepted(ImportSummary),
    /// Some rows are not; nothing was imported.
    Refused(CsvImportError),
}

/// Reads an answer whose success has no body (204).
async fn no_content(response: Response) -> Result<(), ApiError> {
    if response.ok() { Ok(()) } else { decode::<()>(response).await }
}

/// A path segment: department ids are strings chosen by the server, so escape them anyway.
fn segment(id: &DepartmentId) -> String {
    String::from(js_sys::encode_uri_component(&id.0))
}

impl Api {
    async fn dispatch(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        self.authorise(request).send().await.map_err(|_| ApiError::Network)
    }

    async fn send_body<B: Serialize>(&self, request: RequestBuilder, body: &B) -> Result<Response, ApiError> {
        let request = self.authorise(request).json(body).map_err(|err| ApiError::Decode(err.to_string()))?;
        request.send().await.map_err(|_| ApiError::Network)
    }

    pub async fn create_member(&self, request: &CreateMemberRequest) -> Result<DirectoryMember, ApiError> {
        self.post("/admin/members", request).await
    }

    pub async fn update_member(&self, id: MemberId, fields: &MemberFields) -> Result<DirectoryMember, ApiError> {
        self.send_json(Request::put(&url(&format!("/admin/members/{id}"))), fields).await
    }

    /// Enables (`true`) or disables a member.
    pub async fn set_member_enabled(&self, id: MemberId, enabled: bool) -> Result<DirectoryMember, ApiError> {
        let action = if enabled { "enable" } else { "disable" };
        decode(self.dispatch(Request::post(&url(&format!("/admin/members/{id}/{action}")))).await?).await
    }

    pub async fn delete_member(&self, id: MemberId) -> Result<(), ApiError> {
        no_content(self.dispatch(Request::delete(&url(&format!("/admin/members/{id}")))).await?).await
    }

    pub async fn set_member_password(&self, id: MemberId, password: &str) -> Result<(), ApiError> {
        let body = SetPasswordRequest { password: password.to_owned() };
        self.post_empty(&format!("/admin/members/{id}/password"), Some(&body)).await
    }

    pub async fn create_department(&self, request: &CreateDepartmentRequest) -> Result<Department, ApiError> {
        self.post("/admin/departments", request).await
    }

    pub async fn update_department(
        &self,
        id: &DepartmentId,
        change: &UpdateDepartmentRequest,
    ) -> Result<Department, ApiError> {
        self.send_json(Request::patch(&url(&format!("/admin/departments/{}", segment(id)))), change).await
    }

    pub async fn delete_department(&self, id: &DepartmentId) -> Result<(), ApiError> {
        no_content(self.dispatch(Request::delete(&url(&format!("/admin/departments/{}", segment(id))))).await?).await
    }

    pub async fn visibility_rules(&self) -> Result<VisibilityRules, ApiError> {
        self.get("/admin/visibility").await
    }

    pub async fn set_department_scope(&self, id: &DepartmentId, visible: Vec<DepartmentId>) -> Result<(), ApiError> {
        let request = Request::put(&url(&format!("/admin/visibility/departments/{}", segment(id))));
        let body = SetDepartmentScopeRequest { visible_department_ids: visible };
        no_content(self.send_body(request, &body).await?).await
    }

    pub async fn clear_department_scope(&self, id: &DepartmentId) -> Result<(), ApiError> {
        let request = Request::delete(&url(&format!("/admin/visibility/departments/{}", segment(id))));
        no_content(self.dispatch(request).await?).await
    }

    pub async fn hide_member(&self, id: MemberId, allow: &HideMemberRequest) -> Result<(), ApiError> {
        let request = Request::put(&url(&format!("/admin/visibility/members/{id}")));
        no_content(self.send_body(request, allow).await?).await
    }

    pub async fn unhide_member(&self, id: MemberId) -> Result<(), ApiError> {
        no_content(self.dispatch(Request::delete(&url(&format!("/admin/visibility/members/{id}")))).await?).await
    }

    pub async fn create_template(&self, spec: &TemplateSpec) -> Result<Template, ApiError> {
        self.post("/approvals/templates", spec).await
    }

    /// Stores the next version of a template; requests already made keep theirs.
    pub async fn update_template(&self, id: TemplateId, spec: &TemplateSpec) -> Result<Template, ApiError> {
        self.send_json(Request::put(&url(&format!("/approvals/templates/{id}"))), spec).await
    }

    /// Archives a template: members can no longer start it.
    pub async fn archive_template(&self, id: TemplateId) -> Result<(), ApiError> {
        no_content(self.dispatch(Request::delete(&url(&format!("/approvals/templates/{id}")))).await?).await
    }

    /// Sends a member CSV: with `dry_run` the server only checks it and says what it would do.
    pub async fn import_members(&self, csv: &[u8], dry_run: bool) -> Result<ImportAnswer, ApiError> {
        let path = if dry_run { "/admin/members/import?dry_run=true" } else { "/admin/members/import" };
        let request = self
            .authorise(Request::post(&url(path)))
            .header("Content-Type", "text/csv")
            .body(js_sys::Uint8Array::from(csv))
            .map_err(|err| ApiError::Decode(err.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if response.status() != 422 {
            return decode::<ImportSummary>(response).await.map(ImportAnswer::Accepted);
        }
        let text = response.text().await.map_err(|err| ApiError::Decode(err.to_string()))?;
        match serde_json::from_str::<CsvImportError>(&text) {
            Ok(refused) => Ok(ImportAnswer::Refused(refused)),
            Err(_) => {
                let body = serde_json::from_str::<ErrorBody>(&text).map_err(|err| ApiError::Decode(err.to_string()))?;
                Err(ApiError::Server { status: 422, body })
            }
        }
    }

    /// A CSV the server offers for download (`/admin/members.csv`, the template): downloads need
    /// the session token, so the app fetches the text and hands it to the browser itself.
    pub async fn download_text(&self, path: &str) -> Result<String, ApiError> {
        let response = self.dispatch(Request::get(&url(path))).await?;
        if !response.ok() {
            return decode::<()>(response).await.map(|()| String::new());
        }
        response.text().await.map_err(|err| ApiError::Decode(err.to_string()))
    }

    /// The workspace's policies in force (`GET /admin/policies`).
    pub async fn workspace_policies(&self) -> Result<WorkspacePolicies, ApiError> {
        self.get("/admin/policies").await
    }

    /// Replaces the workspace's policies; the answer is what the server saved (tidied).
    pub async fn set_workspace_policies(&self, policies: &WorkspacePolicies) -> Result<WorkspacePolicies, ApiError> {
        self.send_json(Request::put(&url("/admin/policies")), policies).await
    }
}
