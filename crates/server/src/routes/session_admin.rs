//! The administrator's session API: every member's sessions, remote sign-out of one or all,
//! remote wipe, departments' session policies, and kiosk enrolment codes. Every route takes
//! [`AdminUser`]: 401 without a session, 403 for members who are not administrators.

use super::audit::{Actor, record};
use super::auth::close_sockets;
use crate::AppState;
use crate::auth::{hash_token, new_token};
use crate::domain::sessions::check_policy;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, ApiQuery, ClientIp};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::audit::AuditAction;
use weft_protocol::auth::{
    AdminSessionInfo, DepartmentSessionPolicy, KioskCode, MAX_KIOSK_LABEL_LEN, NewKioskCode, SessionPolicies,
    SessionPolicy,
};
use weft_protocol::{DepartmentId, KioskCodeId, MemberId, SessionId};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(end_one))
        .routes(routes!(wipe))
        .routes(routes!(end_all_of_member))
        .routes(routes!(policies))
        .routes(routes!(set_policy, clear_policy))
        .routes(routes!(kiosk_codes, create_kiosk_code))
        .routes(routes!(revoke_kiosk_code))
}

const TAG: &str = "admin-sessions";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this member's sessions.
    member: Option<MemberId>,
    /// Also list sessions that ended in the last 30 days (by default only live ones).
    #[serde(default)]
    ended: bool,
}

/// Every member's sessions, most recently used first, at most 500 (administrators only);
/// optionally only one member's, and recently ended ones too.
#[utoipa::path(get, path = "/admin/sessions", tag = TAG, params(ListQuery),
    responses((status = 200, description = "The sessions", body = Vec<AdminSessionInfo>)))]
async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<AdminSessionInfo>>, ApiError> {
    let now = state.clock.now();
    Ok(Json(state.db(move |store| store.admin_sessions(query.member, query.ended, now)).await?))
}

/// Signs out one session of any member (administrators only); its live sockets close. 404: no
/// live session has this id.
#[utoipa::path(delete, path = "/admin/sessions/{id}", tag = TAG,
    params(("id" = SessionId, Path, description = "The session to end")),
    responses((status = 204, description = "The session ended")))]
async fn end_one(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    if !state.db(move |store| store.admin_end_session(id, now)).await? {
        return Err(ApiError::not_found("live session"));
    }
    let actor = Actor::Member(admin.member_id);
    record(&state, actor, AuditAction::SessionsSignedOutByAdmin, id.to_string(), json!({}), ip).await;
    close_sockets(&state, vec![id]);
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out every session of one member (administrators only). 404: no such member.
#[utoipa::path(delete, path = "/admin/members/{id}/sessions", tag = TAG,
    params(("id" = MemberId, Path, description = "The member whose sessions end")),
    responses((status = 204, description = "Every session of the member ended")))]
async fn end_all_of_member(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let ended = state.db(move |store| store.admin_end_member_sessions(id, now)).await?;
    let ended = ended.ok_or_else(|| ApiError::not_found("member"))?;
    let detail = json!({ "member_id": id, "sessions": ended.len() });
    let actor = Actor::Member(admin.member_id);
    record(&state, actor, AuditAction::SessionsSignedOutByAdmin, id.to_string(), detail, ip).await;
    close_sockets(&state, ended);
    Ok(StatusCode::NO_CONTENT)
}

/// Asks the session's device to wipe what it keeps at its next contact; its open sockets close
/// now so that contact comes at once (administrators only). 404: no live session has this id,
/// or a wipe is already asked of it.
#[utoipa::path(post, path = "/admin/sessions/{id}/wipe", tag = TAG,
    params(("id" = SessionId, Path, description = "The session whose device wipes")),
    responses((status = 204, description = "The wipe is requested")))]
async fn wipe(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    if !state.db(move |store| store.request_wipe(id, now)).await? {
        return Err(ApiError::not_found("live session"));
    }
    record(&state, Actor::Member(admin.member_id), AuditAction::WipeRequested, id.to_string(), json!({}), ip).await;
    close_sockets(&state, vec![id]);
    Ok(StatusCode::NO_CONTENT)
}

/// The default session policy and every department's own one (administrators only).
#[utoipa::path(get, path = "/admin/session-policies", tag = TAG,
    responses((status = 200, description = "The session policies", body = SessionPolicies)))]
async fn policies(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<SessionPolicies>, ApiError> {
    Ok(Json(state.db(|store| store.session_policies()).await?))
}

/// Sets a department's own session policy, which its sub-departments without their own follow
/// too (administrators only). 404: no such department.
#[utoipa::path(put, path = "/admin/session-policies/{id}", tag = TAG, request_body = SessionPolicy,
    params(("id" = DepartmentId, Path, description = "The department")),
    responses((status = 200, description = "The department's new policy", body = DepartmentSessionPolicy)))]
async fn set_policy(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<String>,
    ApiJson(policy): ApiJson<SessionPolicy>,
) -> Result<Json<DepartmentSessionPolicy>, ApiError> {
    check_policy(&policy).map_err(ApiError::invalid_field)?;
    let now = state.clock.now();
    let department = DepartmentId(id.clone());
    let before = own_policy(&state, &department).await?;
    let set = state.db(move |store| store.set_session_policy(&department, &policy, now)).await?;
    let set = set.ok_or_else(|| ApiError::not_found("department"))?;
    let detail = json!({ "before": before, "policy": policy });
    record(&state, Actor::Member(admin.member_id), AuditAction::SessionPolicyChanged, id, detail, ip).await;
    Ok(Json(set))
}

/// Removes a department's own session policy, so it follows its parent's or the default
/// (administrators only). 404: the department has no policy of its own.
#[utoipa::path(delete, path = "/admin/session-policies/{id}", tag = TAG,
    params(("id" = DepartmentId, Path, description = "The department")),
    responses((status = 204, description = "The department's own policy is removed")))]
async fn clear_policy(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let department = DepartmentId(id.clone());
    let before = own_policy(&state, &department).await?;
    if !state.db(move |store| store.clear_session_policy(&department)).await? {
        return Err(ApiError::not_found("session policy of this department"));
    }
    let detail = json!({ "before": before, "policy": null });
    record(&state, Actor::Member(admin.member_id), AuditAction::SessionPolicyChanged, id, detail, ip).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A department's own session policy, if it has one (what a change replaces, for the audit log).
async fn own_policy(state: &AppState, department: &DepartmentId) -> Result<Option<SessionPolicy>, ApiError> {
    let department = department.clone();
    let policies = state.db(|store| store.session_policies()).await?;
    Ok(policies.departments.into_iter().find(|own| own.department_id == department).map(|own| own.policy))
}

/// The kiosk enrolment codes, revoked ones included, without the codes themselves
/// (administrators only).
#[utoipa::path(get, path = "/admin/kiosk-codes", tag = TAG,
    responses((status = 200, description = "The enrolment codes", body = Vec<KioskCode>)))]
async fn kiosk_codes(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<Vec<KioskCode>>, ApiError> {
    Ok(Json(state.db(|store| store.kiosk_codes()).await?))
}

/// Creates a kiosk enrolment code (administrators only); the code itself is in this answer only
/// (stored hashed).
#[utoipa::path(post, path = "/admin/kiosk-codes", tag = TAG, request_body = NewKioskCode,
    responses((status = 201, description = "The new code, with `code` filled in", body = KioskCode)))]
async fn create_kiosk_code(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<NewKioskCode>,
) -> Result<(StatusCode, Json<KioskCode>), ApiError> {
    let label = request.label.trim().to_owned();
    if label.is_empty() {
        return Err(ApiError::invalid_field("label: name the place of this kiosk (e.g. 前台 Front desk)"));
    }
    if label.chars().count() > MAX_KIOSK_LABEL_LEN {
        return Err(ApiError::invalid_field(format!("label: at most {MAX_KIOSK_LABEL_LEN} characters")));
    }
    let code = new_token();
    let code_hash = hash_token(&code);
    let now = state.clock.now();
    let created = state.db(move |store| store.create_kiosk_code(&label, &code_hash, admin.member_id, now)).await?;
    let detail = json!({ "label": created.label });
    let actor = Actor::Member(admin.member_id);
    record(&state, actor, AuditAction::KioskCodeCreated, created.id.to_string(), detail, ip).await;
    Ok((StatusCode::CREATED, Json(KioskCode { code: Some(code), ..created })))
}

/// Revokes a kiosk enrolment code and ends the sessions signed in with it (administrators
/// only). 404: no such code.
#[utoipa::path(delete, path = "/admin/kiosk-codes/{id}", tag = TAG,
    params(("id" = KioskCodeId, Path, description = "The enrolment code")),
    responses((status = 204, description = "The code is revoked")))]
async fn revoke_kiosk_code(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<KioskCodeId>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let ended = state.db(move |store| store.revoke_kiosk_code(id, now)).await?;
    let ended = ended.ok_or_else(|| ApiError::not_found("kiosk code"))?;
    let detail = json!({ "sessions": ended.len() });
    record(&state, Actor::Member(admin.member_id), AuditAction::KioskCodeRevoked, id.to_string(), detail, ip).await;
    close_sockets(&state, ended);
    Ok(StatusCode::NO_CONTENT)
}
