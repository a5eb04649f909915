//! The administrator's directory API under `/admin`: members (create, update, disable, enable,
//! set password, delete), departments (create, rename/reorder/move, delete), visibility rules,
//! and the CSV import (with a dry run that only checks), export and template. Every route takes
//! [`AdminUser`]: 401 without a session, 403 for members who are not administrators.
//!
//! Writes wake every live socket: each pulls its member's feed, which shows only what that member
//! may see. Disabling (or deleting, or a new password) also closes the member's sockets.

use super::audit::{Actor, record};
use crate::AppState;
use crate::csv_io;
use crate::directory::{check_password, check_userid, member_input};
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, ApiQuery};
use crate::hub::HubEvent;
use crate::store::NewMember;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use weft_protocol::audit::AuditAction;
use weft_protocol::directory::{
    CreateDepartmentRequest, CreateMemberRequest, CsvImportError, CsvRowError, Department, DirectoryMember,
    HideMemberRequest, ImportSummary, MemberFields, MemberStatus, SetDepartmentScopeRequest, SetPasswordRequest,
    UpdateDepartmentRequest, VisibilityRules, validate_department_name,
};
use weft_protocol::webhook::WebhookEvent;
use weft_protocol::{DepartmentId, ErrorCode, MemberId, SessionId};

/// Largest CSV file an import takes (20,000 rows of about 200 bytes, with room to spare).
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/members", post(create_member))
        .route("/admin/members/{id}", put(update_member).delete(delete_member))
        .route("/admin/members/{id}/disable", post(disable_member))
        .route("/admin/members/{id}/enable", post(enable_member))
        .route("/admin/members/{id}/password", post(set_password))
        .route("/admin/members/import", post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)))
        .route("/admin/members.csv", get(export))
        .route("/admin/members/template.csv", get(template))
        .route("/admin/departments", post(create_department))
        .route("/admin/departments/{id}", axum::routing::patch(update_department).delete(delete_department))
        .route("/admin/visibility", get(visibility))
        .route("/admin/visibility/departments/{id}", put(set_scope).delete(clear_scope))
        .route("/admin/visibility/members/{id}", put(hide).delete(unhide))
}

/// Records an administrator's write in the audit log.
async fn audited(state: &AppState, admin: MemberId, action: AuditAction, target: String, detail: serde_json::Value) {
    record(state, Actor::Member(admin), action, target, detail, None).await;
}

/// Closes the live sockets of ended sessions, applies the confidential policy to the changed
/// directory and wakes everyone.
async fn announce(state: &AppState, ended: Vec<SessionId>) {
    for session in ended {
        state.hub.publish(HubEvent::SessionEnded { session });
    }
    state.directory_changed().await;
}

async fn create_member(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(request): ApiJson<CreateMemberRequest>,
) -> Result<(StatusCode, Json<DirectoryMember>), ApiError> {
    let userid = request.userid.trim().to_owned();
    check_userid(&userid)?;
    let input = member_input(&request.fields).map_err(ApiError::problems)?;
    let (password_hash, status) = match request.password {
        Some(password) => {
            check_password(&password)?;
            (super::auth::hash_new_password(password).await?, MemberStatus::Active)
        }
        None => (String::new(), MemberStatus::Invited),
    };
    let member = NewMember { id: MemberId(Uuid::now_v7()), userid, input, password_hash, status };
    let now = crate::now_millis();
    let card = state.db(move |store| store.create_member(admin.member_id, &member, now)).await?;
    let detail = json!({ "name": card.name, "role": card.role, "status": card.status });
    audited(&state, admin.member_id, AuditAction::MemberCreated, card.userid.clone(), detail).await;
    crate::webhook_sender::member_event(&state, WebhookEvent::MemberCreated, &card).await;
    announce(&state, Vec::new()).await;
    Ok((StatusCode::CREATED, Json(card)))
}

async fn update_member(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<MemberId>,
    ApiJson(fields): ApiJson<MemberFields>,
) -> Result<Json<DirectoryMember>, ApiError> {
    let input = member_input(&fields).map_err(ApiError::problems)?;
    let now = crate::now_millis();
    let before = state.db(move |store| store.member_profile(id)).await?;
    let (card, ended) = state.db(move |store| store.update_member(admin.member_id, id, &input, now)).await?;
    let old_role = before.map(|profile| profile.role);
    let (action, detail) = if old_role.is_some_and(|role| role != card.role) {
        (AuditAction::RoleChanged, json!({ "from": old_role, "to": card.role, "sessions_ended": ended.len() }))
    } else {
        (AuditAction::MemberUpdated, json!({ "fields": fields }))
    };
    audited(&state, admin.member_id, action, card.userid.clone(), detail).await;
    announce(&state, ended).await;
    Ok(Json(card))
}

async fn set_status(
    state: &AppState,
    admin: AdminUser,
    id: MemberId,
    status: MemberStatus,
) -> Result<Json<DirectoryMember>, ApiError> {
    let now = crate::now_millis();
    let actor = admin.0.member_id;
    let (card, ended) = state.db(move |store| store.set_member_status(actor, id, status, now)).await?;
    let action = if status == MemberStatus::Active { AuditAction::MemberEnabled } else { AuditAction::MemberDisabled };
    audited(state, actor, action, card.userid.clone(), json!({ "sessions_ended": ended.len() })).await;
    if status == MemberStatus::Disabled {
        crate::webhook_sender::member_event(state, WebhookEvent::MemberDisabled, &card).await;
    }
    announce(state, ended).await;
    Ok(Json(card))
}

/// Disables the member: they cannot sign in, every session ends and live sockets close.
async fn disable_member(
    State(state): State<AppState>,
    admin: AdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<Json<DirectoryMember>, ApiError> {
    set_status(&state, admin, id, MemberStatus::Disabled).await
}

async fn enable_member(
    State(state): State<AppState>,
    admin: AdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<Json<DirectoryMember>, ApiError> {
    set_status(&state, admin, id, MemberStatus::Active).await
}

async fn set_password(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<MemberId>,
    ApiJson(request): ApiJson<SetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    check_password(&request.password)?;
    let password_hash = super::auth::hash_new_password(request.password).await?;
    let now = crate::now_millis();
    let ended = state.db(move |store| store.set_password(id, &password_hash, now)).await?;
    let detail = json!({ "sessions_ended": ended.len() });
    audited(&state, admin.member_id, AuditAction::PasswordSetByAdmin, id.to_string(), detail).await;
    announce(&state, ended).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_member(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let ended = state.db(move |store| store.delete_member(admin.member_id, id, now)).await?;
    audited(&state, admin.member_id, AuditAction::MemberDeleted, id.to_string(), json!({})).await;
    announce(&state, ended).await;
    Ok(StatusCode::NO_CONTENT)
}

fn import_refused(errors: Vec<CsvRowError>) -> Response {
    let rows = {
        let mut rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    };
    let body = CsvImportError {
        code: ErrorCode::InvalidField,
        message: format!("{rows} row(s) have problems; nothing was imported. Fix them and import the file again."),
        errors,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// `POST /admin/members/import?dry_run=true` checks the file as an import would and answers
/// what it would do, without writing anything.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// Creates or updates (by userid) every member in the CSV body, all or nothing; or, as a dry
/// run, only reports the problems or the would-be summary.
async fn import(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let dry_run = query.dry_run;
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!("file: at most {} MiB", MAX_IMPORT_BYTES / (1024 * 1024)),
            )
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })?;
    let parsed = tokio::task::spawn_blocking(move || {
        let mut parsed = csv_io::parse(&bytes)?;
        if dry_run {
            csv_io::mark_passwords(&mut parsed)?;
        } else {
            csv_io::hash_passwords(&mut parsed)?;
        }
        Ok::<_, Vec<CsvRowError>>(parsed)
    })
    .await?;
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(import_refused(errors)),
    };
    let now = crate::now_millis();
    let outcome = state.db(move |store| store.import_members(&parsed.rows, now, dry_run)).await?;
    match outcome {
        Ok((summary, ended)) => {
            if !dry_run {
                let detail = json!({ "summary": summary, "sessions_ended": ended.len() });
                audited(&state, admin.member_id, AuditAction::MembersImported, "members.csv".into(), detail).await;
                announce(&state, ended).await;
            }
            Ok(Json::<ImportSummary>(summary).into_response())
        }
        Err(errors) => Ok(import_refused(errors)),
    }
}

fn csv_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn csv_failed(err: &csv::Error) -> ApiError {
    tracing::error!(error = %err, "writing CSV failed");
    ApiError::internal()
}

/// Every member (not deleted) with the import's columns.
async fn export(State(state): State<AppState>, AdminUser(admin): AdminUser) -> Result<Response, ApiError> {
    let rows = state.db(|store| store.export_members()).await?;
    let bytes = csv_io::write(&rows).map_err(|err| csv_failed(&err))?;
    let detail = json!({ "rows": rows.len() });
    audited(&state, admin.member_id, AuditAction::MembersExported, "members.csv".into(), detail).await;
    Ok(csv_response(bytes, "members.csv"))
}

/// The import template: the header row.
async fn template(_admin: AdminUser) -> Result<Response, ApiError> {
    let bytes = csv_io::write(&[]).map_err(|err| csv_failed(&err))?;
    Ok(csv_response(bytes, "members-template.csv"))
}

async fn create_department(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(request): ApiJson<CreateDepartmentRequest>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    let name = request.name.trim().to_owned();
    validate_department_name(&name).map_err(ApiError::invalid_field)?;
    let now = crate::now_millis();
    let department =
        state.db(move |store| store.create_department(&name, &request.parent_id, request.order, now)).await?;
    let detail = json!({ "name": department.name, "parent_id": department.parent_id });
    audited(&state, admin.member_id, AuditAction::DepartmentCreated, department.id.to_string(), detail).await;
    announce(&state, Vec::new()).await;
    Ok((StatusCode::CREATED, Json(department)))
}

async fn update_department(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
    ApiJson(mut request): ApiJson<UpdateDepartmentRequest>,
) -> Result<Json<Department>, ApiError> {
    if request == UpdateDepartmentRequest::default() {
        return Err(ApiError::invalid_field("name: send at least one of name, parent_id or order"));
    }
    if let Some(name) = &mut request.name {
        *name = name.trim().to_owned();
        validate_department_name(name).map_err(ApiError::invalid_field)?;
    }
    let now = crate::now_millis();
    let change = json!({ "change": request });
    let department = state.db(move |store| store.update_department(&id, &request, now)).await?;
    audited(&state, admin.member_id, AuditAction::DepartmentUpdated, department.id.to_string(), change).await;
    announce(&state, Vec::new()).await;
    Ok(Json(department))
}

async fn delete_department(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let target = id.to_string();
    state.db(move |store| store.delete_department(&id, now)).await?;
    audited(&state, admin.member_id, AuditAction::DepartmentDeleted, target, json!({})).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn visibility(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<VisibilityRules>, ApiError> {
    Ok(Json(state.db(|store| store.visibility_rules()).await?))
}

async fn set_scope(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
    ApiJson(request): ApiJson<SetDepartmentScopeRequest>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let (target, detail) = (id.to_string(), json!({ "scope": request.visible_department_ids }));
    state.db(move |store| store.set_department_scope(&id, &request.visible_department_ids, now)).await?;
    audited(&state, admin.member_id, AuditAction::VisibilityChanged, target, detail).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn clear_scope(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let target = id.to_string();
    state.db(move |store| store.clear_department_scope(&id, now)).await?;
    audited(&state, admin.member_id, AuditAction::VisibilityChanged, target, json!({ "scope": null })).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn hide(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<MemberId>,
    ApiJson(request): ApiJson<HideMemberRequest>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let detail = json!({ "hidden": true, "allow": request });
    state.db(move |store| store.hide_member(id, &request, now)).await?;
    audited(&state, admin.member_id, AuditAction::VisibilityChanged, id.to_string(), detail).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn unhide(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    state.db(move |store| store.unhide_member(id, now)).await?;
    audited(&state, admin.member_id, AuditAction::VisibilityChanged, id.to_string(), json!({ "hidden": false })).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}
