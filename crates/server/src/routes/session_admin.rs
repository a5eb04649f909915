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
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use weft_protocol::audit::AuditAction;
use weft_protocol::auth::{
    AdminSessionInfo, DepartmentSessionPolicy, KioskCode, MAX_KIOSK_LABEL_LEN, NewKioskCode, SessionPolicies,
    SessionPolicy,
};
use weft_protocol::{DepartmentId, KioskCodeId, MemberId, SessionId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/sessions", get(list))
        .route("/admin/sessions/{id}", delete(end_one))
        .route("/admin/sessions/{id}/wipe", post(wipe))
        .route("/admin/members/{id}/sessions", delete(end_all_of_member))
        .route("/admin/session-policies", get(policies))
        .route("/admin/session-policies/{id}", put(set_policy).delete(clear_policy))
        .route("/admin/kiosk-codes", get(kiosk_codes).post(create_kiosk_code))
        .route("/admin/kiosk-codes/{id}", delete(revoke_kiosk_code))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    member: Option<MemberId>,
    #[serde(default)]
    ended: bool,
}

async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<AdminSessionInfo>>, ApiError> {
    let now = state.clock.now();
    Ok(Json(state.db(move |store| store.admin_sessions(query.member, query.ended, now)).await?))
}

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
/// now so that contact comes at once.
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

async fn policies(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<SessionPolicies>, ApiError> {
    Ok(Json(state.db(|store| store.session_policies()).await?))
}

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
    let set = state.db(move |store| store.set_session_policy(&department, &policy, now)).await?;
    let set = set.ok_or_else(|| ApiError::not_found("department"))?;
    let detail = json!({ "policy": policy });
    record(&state, Actor::Member(admin.member_id), AuditAction::SessionPolicyChanged, id, detail, ip).await;
    Ok(Json(set))
}

async fn clear_policy(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let department = DepartmentId(id.clone());
    if !state.db(move |store| store.clear_session_policy(&department)).await? {
        return Err(ApiError::not_found("session policy of this department"));
    }
    let detail = json!({ "policy": null });
    record(&state, Actor::Member(admin.member_id), AuditAction::SessionPolicyChanged, id, detail, ip).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn kiosk_codes(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<Vec<KioskCode>>, ApiError> {
    Ok(Json(state.db(|store| store.kiosk_codes()).await?))
}

/// Creates an enrolment code; the code itself is in this answer only (stored hashed).
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
