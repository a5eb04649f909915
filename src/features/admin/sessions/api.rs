//! The administrator's session calls: `/api/v1/admin/sessions`, `/admin/members/{id}/sessions`,
//! `/admin/session-policies` and `/admin/kiosk-codes`.

use crate::api::{Api, ApiError, url};
use gloo_net::http::Request;
use weft_protocol::auth::{
    AdminSessionInfo, DepartmentSessionPolicy, KioskCode, NewKioskCode, SessionPolicies, SessionPolicy,
};
use weft_protocol::{DepartmentId, KioskCodeId, MemberId, SessionId};

/// A department id as a path segment.
fn segment(id: &DepartmentId) -> String {
    String::from(js_sys::encode_uri_component(&id.0))
}

impl Api {
    /// Sessions of everyone (or of `member`), live only unless `ended`.
    pub async fn admin_sessions(
        &self,
        member: Option<MemberId>,
        ended: bool,
    ) -> Result<Vec<AdminSessionInfo>, ApiError> {
        let mut query = Vec::new();
        if let Some(member) = member {
            query.push(format!("member={member}"));
        }
        if ended {
            query.push("ended=true".to_owned());
        }
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        self.get(&format!("/admin/sessions{query}")).await
    }

    pub async fn admin_end_session(&self, id: SessionId) -> Result<(), ApiError> {
        self.delete_empty(&format!("/admin/sessions/{id}")).await
    }

    pub async fn admin_end_member_sessions(&self, member: MemberId) -> Result<(), ApiError> {
        self.delete_empty(&format!("/admin/members/{member}/sessions")).await
    }

    pub async fn admin_wipe_session(&self, id: SessionId) -> Result<(), ApiError> {
        self.post_empty::<()>(&format!("/admin/sessions/{id}/wipe"), None).await
    }

    pub async fn session_policies(&self) -> Result<SessionPolicies, ApiError> {
        self.get("/admin/session-policies").await
    }

    pub async fn put_session_policy(
        &self,
        department: &DepartmentId,
        policy: &SessionPolicy,
    ) -> Result<DepartmentSessionPolicy, ApiError> {
        let request = Request::put(&url(&format!("/admin/session-policies/{}", segment(department))));
        self.send_json(request, policy).await
    }

    pub async fn delete_session_policy(&self, department: &DepartmentId) -> Result<(), ApiError> {
        self.delete_empty(&format!("/admin/session-policies/{}", segment(department))).await
    }

    pub async fn kiosk_codes(&self) -> Result<Vec<KioskCode>, ApiError> {
        self.get("/admin/kiosk-codes").await
    }

    pub async fn create_kiosk_code(&self, label: &str) -> Result<KioskCode, ApiError> {
        self.post("/admin/kiosk-codes", &NewKioskCode { label: label.to_owned() }).await
    }

    pub async fn revoke_kiosk_code(&self, id: KioskCodeId) -> Result<(), ApiError> {
        self.delete_empty(&format!("/admin/kiosk-codes/{id}")).await
    }
}
