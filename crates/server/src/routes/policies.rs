//! The workspace's policies (the console's Policies page): read and replace them. They apply at
//! once to every request after the save (`live_policies`), and each change is an audit entry with
//! the policies before and after. Administrators only: 401 without a session, 403 for members.

use super::audit::{Actor, record};
use crate::AppState;
use crate::domain::policies::check;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ClientIp};
use axum::Json;
use axum::extract::State;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::audit::AuditAction;
use weft_protocol::policy::WorkspacePolicies;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(policies, set_policies))
}

const TAG: &str = "admin-policies";

/// The workspace's policies in force (administrators only).
#[utoipa::path(get, path = "/admin/policies", tag = TAG,
    responses((status = 200, description = "The policies in force", body = WorkspacePolicies)))]
async fn policies(State(state): State<AppState>, _admin: AdminUser) -> Json<WorkspacePolicies> {
    Json(state.policies.current())
}

/// Replaces the workspace's policies (administrators only): they apply to every request from
/// now on, and are kept across restarts (the server's start-up flags no longer apply). File
/// types are tidied (lowercase, no dot, sorted, each once). 422 names the field out of range.
#[utoipa::path(put, path = "/admin/policies", tag = TAG, request_body = WorkspacePolicies,
    responses((status = 200, description = "The saved policies", body = WorkspacePolicies)))]
async fn set_policies(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiJson(new): ApiJson<WorkspacePolicies>,
) -> Result<Json<WorkspacePolicies>, ApiError> {
    let new = check(new).map_err(ApiError::invalid_field)?;
    let now = state.clock.now();
    let saved = new.clone();
    state.db(move |store| store.set_workspace_policies(&saved, now)).await?;
    let before = state.policies.current();
    state.policies.replace(new.clone());
    let detail = json!({ "before": before, "after": new });
    record(&state, Actor::Member(admin.member_id), AuditAction::WorkspacePoliciesChanged, "workspace", detail, ip)
        .await;
    if new.offline_copies != before.offline_copies || new.external_sharing != before.external_sharing {
        // Devices follow at once: each app asks for its session's terms again.
        state.hub.terms_changed();
    }
    if new.audit_retention_days != before.audit_retention_days {
        // A shorter retention applies now, not at the next hourly pass.
        tokio::spawn(async move { crate::audit_retention::purge_all(&state).await });
    }
    Ok(Json(new))
}
