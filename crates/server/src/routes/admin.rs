//! The administrator's directory API under `/admin`: members (create, update, disable, enable,
//! set password, delete), departments (create, rename/reorder/move, delete), visibility rules,
//! and the CSV import (with a dry run that only checks), export and template. Every route takes
//! [`DirectoryAdminUser`]: 401 without a session, 403 for members who are neither the workspace
//! administrator nor a department administrator; a department administrator's targets must lie
//! within their subtree (the store refuses others with 403 `outside_scope`).
//!
//! Writes wake every live socket: each pulls its member's feed, which shows only what that member
//! may see. Disabling (or deleting, or a new password) also closes the member's sockets.

use super::audit::{Actor, changed_fields, record};
use crate::AppState;
use crate::csv_io;
use crate::directory::{check_password, check_userid, member_input};
use crate::domain::admin_scope::DirectoryActor;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, DirectoryAdminUser};
use crate::hub::HubEvent;
use crate::store::NewMember;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_member))
        .routes(routes!(update_member, delete_member))
        .routes(routes!(disable_member))
        .routes(routes!(enable_member))
        .routes(routes!(set_password))
        .routes(routes!(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)))
        .routes(routes!(export))
        .routes(routes!(template))
        .routes(routes!(create_department))
        .routes(routes!(update_department, delete_department))
        .routes(routes!(visibility))
        .routes(routes!(set_scope, clear_scope))
        .routes(routes!(hide, unhide))
}

const TAG: &str = "admin";

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

/// Creates a member.
///
/// With a password the member is active; without one they are invited and cannot sign in until
/// an administrator sets a password. Administrators only. 409 when the userid, mobile or email
/// is already someone else's.
#[utoipa::path(post, path = "/admin/members", tag = TAG, request_body = CreateMemberRequest,
    responses((status = 201, description = "The new member", body = DirectoryMember)))]
async fn create_member(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
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
    let actor = admin.id;
    let card = state.db(move |store| store.create_member(&admin, &member, now)).await?;
    let detail = json!({ "name": card.name, "role": card.role, "status": card.status });
    audited(&state, actor, AuditAction::MemberCreated, card.userid.clone(), detail).await;
    crate::webhook_sender::member_event(&state, WebhookEvent::MemberCreated, &card).await;
    announce(&state, Vec::new()).await;
    Ok((StatusCode::CREATED, Json(card)))
}

/// Changes a member's directory fields (name, departments, leader, role, ...).
///
/// A changed role ends the member's sessions. Administrators only. 404 for an unknown or deleted
/// member; 409 when administrators change their own role, or the mobile or email is someone
/// else's.
#[utoipa::path(put, path = "/admin/members/{id}", tag = TAG, request_body = MemberFields,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 200, description = "The member as changed", body = DirectoryMember)))]
async fn update_member(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
    ApiJson(fields): ApiJson<MemberFields>,
) -> Result<Json<DirectoryMember>, ApiError> {
    let input = member_input(&fields).map_err(ApiError::problems)?;
    let now = crate::now_millis();
    let actor = admin.id;
    let old_role = state.db(move |store| store.member_profile(id)).await?.map(|profile| profile.role);
    // The card as the administrator saw it (absent when the rules hide it from them).
    let before = state.db(move |store| store.directory_member(actor, id)).await.ok();
    let (card, ended) = state.db(move |store| store.update_member(&admin, id, &input, now)).await?;
    let (action, detail) = if old_role.is_some_and(|role| role != card.role) {
        (AuditAction::RoleChanged, json!({ "from": old_role, "to": card.role, "sessions_ended": ended.len() }))
    } else {
        let after = serde_json::to_value(&card).unwrap_or_default();
        match before.and_then(|card| serde_json::to_value(card).ok()) {
            Some(before) => (AuditAction::MemberUpdated, changed_fields(&before, &after)),
            None => (AuditAction::MemberUpdated, json!({ "fields": fields })),
        }
    };
    audited(&state, actor, action, card.userid.clone(), detail).await;
    announce(&state, ended).await;
    Ok(Json(card))
}

async fn set_status(
    state: &AppState,
    admin: DirectoryActor,
    id: MemberId,
    status: MemberStatus,
) -> Result<Json<DirectoryMember>, ApiError> {
    let now = crate::now_millis();
    let actor = admin.id;
    let (card, ended) = state.db(move |store| store.set_member_status(&admin, id, status, now)).await?;
    let action = if status == MemberStatus::Active { AuditAction::MemberEnabled } else { AuditAction::MemberDisabled };
    audited(state, actor, action, card.userid.clone(), json!({ "sessions_ended": ended.len() })).await;
    if status == MemberStatus::Disabled {
        crate::webhook_sender::member_event(state, WebhookEvent::MemberDisabled, &card).await;
    }
    announce(state, ended).await;
    Ok(Json(card))
}

/// Disables a member: they cannot sign in, every session ends and live sockets close.
///
/// Administrators only. 404 for an unknown or deleted member; 409 when administrators disable
/// themselves.
#[utoipa::path(post, path = "/admin/members/{id}/disable", tag = TAG,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 200, description = "The disabled member", body = DirectoryMember)))]
async fn disable_member(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<Json<DirectoryMember>, ApiError> {
    set_status(&state, admin, id, MemberStatus::Disabled).await
}

/// Enables a disabled member again, so they can sign in.
///
/// Administrators only. 404 for an unknown or deleted member; 409 for an invited member without
/// a password (setting one activates them).
#[utoipa::path(post, path = "/admin/members/{id}/enable", tag = TAG,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 200, description = "The active member", body = DirectoryMember)))]
async fn enable_member(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<Json<DirectoryMember>, ApiError> {
    set_status(&state, admin, id, MemberStatus::Active).await
}

/// Sets a member's password and ends all their sessions.
///
/// An invited member becomes active. Administrators only. 404 for an unknown or deleted member;
/// 422 when the password is too short or too long.
#[utoipa::path(post, path = "/admin/members/{id}/password", tag = TAG, request_body = SetPasswordRequest,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 204, description = "Password set; the member's sessions have ended")))]
async fn set_password(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
    ApiJson(request): ApiJson<SetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    check_password(&request.password)?;
    let password_hash = super::auth::hash_new_password(request.password).await?;
    let now = crate::now_millis();
    let actor = admin.id;
    let ended = state.db(move |store| store.set_password(&admin, id, &password_hash, now)).await?;
    let detail = json!({ "sessions_ended": ended.len() });
    audited(&state, actor, AuditAction::PasswordSetByAdmin, id.to_string(), detail).await;
    announce(&state, ended).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a member from the directory and ends their sessions.
///
/// Their messages stay; their userid, mobile and email are freed. Administrators only. 404 for
/// an unknown or already deleted member; 409 when administrators delete themselves.
#[utoipa::path(delete, path = "/admin/members/{id}", tag = TAG,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 204, description = "Deleted")))]
async fn delete_member(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let actor = admin.id;
    let ended = state.db(move |store| store.delete_member(&admin, id, now)).await?;
    audited(&state, actor, AuditAction::MemberDeleted, id.to_string(), json!({})).await;
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
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    /// Only check the file and answer what the import would do; nothing is written.
    #[serde(default)]
    dry_run: bool,
}

/// Imports members from a CSV file, all or nothing (or, as a dry run, only checks it).
///
/// Creates or updates (by userid) every member in the file. The body is the CSV file itself (at
/// most 16 MiB, columns as in the template). When any row has problems nothing is imported and
/// the answer is 422 with a `CsvImportError` body listing every problem by row; 413 when the
/// file is too large. Administrators only.
#[utoipa::path(post, path = "/admin/members/import", tag = TAG, params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "What was imported (or, as a dry run, what would be)", body = ImportSummary),
        (status = 422, description = "Rows with problems; nothing was imported", body = CsvImportError),
    ))]
async fn import(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
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
    let actor = admin.id;
    let outcome = state.db(move |store| store.import_members(&admin, &parsed.rows, now, dry_run)).await?;
    match outcome {
        Ok((summary, ended)) => {
            if !dry_run {
                let detail = json!({ "summary": summary, "sessions_ended": ended.len() });
                audited(&state, actor, AuditAction::MembersImported, "members.csv".into(), detail).await;
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

/// Downloads every member (not deleted) as CSV, with the import's columns.
///
/// Administrators only.
#[utoipa::path(get, path = "/admin/members.csv", tag = TAG,
    responses((status = 200, description = "`members.csv`, as an attachment", content_type = "text/csv", body = String)))]
async fn export(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
) -> Result<Response, ApiError> {
    let actor = admin.id;
    let rows = state.db(move |store| store.export_members(&admin)).await?;
    let bytes = csv_io::write(&rows).map_err(|err| csv_failed(&err))?;
    let detail = json!({ "rows": rows.len() });
    audited(&state, actor, AuditAction::MembersExported, "members.csv".into(), detail).await;
    Ok(csv_response(bytes, "members.csv"))
}

/// Downloads the import template: a CSV file with only the header row.
///
/// Administrators only.
#[utoipa::path(get, path = "/admin/members/template.csv", tag = TAG,
    responses((status = 200, description = "`members-template.csv`, as an attachment", content_type = "text/csv", body = String)))]
async fn template(_admin: DirectoryAdminUser) -> Result<Response, ApiError> {
    let bytes = csv_io::write(&[]).map_err(|err| csv_failed(&err))?;
    Ok(csv_response(bytes, "members-template.csv"))
}

/// Creates a department under a parent.
///
/// It goes after its siblings unless `order` is given. Administrators only. 422 when the parent
/// does not exist or the name is invalid; 409 when a sibling already has that name.
#[utoipa::path(post, path = "/admin/departments", tag = TAG, request_body = CreateDepartmentRequest,
    responses((status = 201, description = "The new department", body = Department)))]
async fn create_department(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiJson(request): ApiJson<CreateDepartmentRequest>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    let name = request.name.trim().to_owned();
    validate_department_name(&name).map_err(ApiError::invalid_field)?;
    let now = crate::now_millis();
    let actor = admin.id;
    let department =
        state.db(move |store| store.create_department(&admin, &name, &request.parent_id, request.order, now)).await?;
    let detail = json!({ "name": department.name, "parent_id": department.parent_id });
    audited(&state, actor, AuditAction::DepartmentCreated, department.id.to_string(), detail).await;
    announce(&state, Vec::new()).await;
    Ok((StatusCode::CREATED, Json(department)))
}

/// Renames, reorders or moves a department.
///
/// Send at least one of `name`, `parent_id` and `order`. Administrators only. 404 for an unknown
/// department; 409 when a sibling already has that name, for moving the root, or for moving a
/// department under itself.
#[utoipa::path(patch, path = "/admin/departments/{id}", tag = TAG, request_body = UpdateDepartmentRequest,
    params(("id" = DepartmentId, Path, description = "The department")),
    responses((status = 200, description = "The department as changed", body = Department)))]
async fn update_department(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
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
    let actor = admin.id;
    let wanted = id.clone();
    let before = state
        .db(move |store| store.directory_snapshot(actor))
        .await?
        .departments
        .into_iter()
        .find(|department| department.id == wanted);
    let department = state.db(move |store| store.update_department(&admin, &id, &request, now)).await?;
    let described = |department: &Department| json!({ "name": department.name, "parent_id": department.parent_id, "order": department.order });
    let change = match &before {
        Some(before) => changed_fields(&described(before), &described(&department)),
        None => json!({ "after": described(&department) }),
    };
    audited(&state, actor, AuditAction::DepartmentUpdated, department.id.to_string(), change).await;
    announce(&state, Vec::new()).await;
    Ok(Json(department))
}

/// Deletes an empty department.
///
/// Administrators only. 404 for an unknown department; 409 for the root, or a department that
/// still has sub-departments or members.
#[utoipa::path(delete, path = "/admin/departments/{id}", tag = TAG,
    params(("id" = DepartmentId, Path, description = "The department")),
    responses((status = 204, description = "Deleted")))]
async fn delete_department(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let target = id.to_string();
    let actor = admin.id;
    state.db(move |store| store.delete_department(&admin, &id, now)).await?;
    audited(&state, actor, AuditAction::DepartmentDeleted, target, json!({})).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The visibility rules: departments with a limited view, and hidden members.
///
/// Administrators only.
#[utoipa::path(get, path = "/admin/visibility", tag = TAG,
    responses((status = 200, description = "Every visibility rule", body = VisibilityRules)))]
async fn visibility(
    State(state): State<AppState>,
    _admin: DirectoryAdminUser,
) -> Result<Json<VisibilityRules>, ApiError> {
    Ok(Json(state.db(|store| store.visibility_rules()).await?))
}

/// Limits what a department's members see to the listed departments.
///
/// Replaces any earlier scope; an empty list means they see only themselves. Administrators
/// only. 404 for an unknown department; 422 when a listed department does not exist.
#[utoipa::path(put, path = "/admin/visibility/departments/{id}", tag = TAG, request_body = SetDepartmentScopeRequest,
    params(("id" = DepartmentId, Path, description = "The department whose members' view is limited")),
    responses((status = 204, description = "Scope set")))]
async fn set_scope(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
    ApiJson(request): ApiJson<SetDepartmentScopeRequest>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let target = id.to_string();
    let actor = admin.id;
    let department = id.clone();
    let before = state
        .db(move |store| store.visibility_rules())
        .await?
        .department_scopes
        .into_iter()
        .find(|scope| scope.department_id == department)
        .map(|scope| scope.visible_department_ids);
    let detail = json!({ "before": before, "scope": request.visible_department_ids });
    state.db(move |store| store.set_department_scope(&admin, &id, &request.visible_department_ids, now)).await?;
    audited(&state, actor, AuditAction::VisibilityChanged, target, detail).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a department's scope: its members see the whole directory again.
///
/// Administrators only. 404 for an unknown department.
#[utoipa::path(delete, path = "/admin/visibility/departments/{id}", tag = TAG,
    params(("id" = DepartmentId, Path, description = "The department")),
    responses((status = 204, description = "Scope removed")))]
async fn clear_scope(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<DepartmentId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let target = id.to_string();
    let actor = admin.id;
    state.db(move |store| store.clear_department_scope(&admin, &id, now)).await?;
    audited(&state, actor, AuditAction::VisibilityChanged, target, json!({ "scope": null })).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Hides a member from everyone except the listed departments and members.
///
/// Replaces any earlier exceptions. Administrators only. 404 for an unknown or deleted member;
/// 422 when a listed department or member does not exist.
#[utoipa::path(put, path = "/admin/visibility/members/{id}", tag = TAG, request_body = HideMemberRequest,
    params(("id" = MemberId, Path, description = "The member to hide")),
    responses((status = 204, description = "Hidden")))]
async fn hide(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
    ApiJson(request): ApiJson<HideMemberRequest>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let detail = json!({ "hidden": true, "allow": request });
    let actor = admin.id;
    state.db(move |store| store.hide_member(&admin, id, &request, now)).await?;
    audited(&state, actor, AuditAction::VisibilityChanged, id.to_string(), detail).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a hidden member visible again.
///
/// Administrators only. 404 for an unknown or deleted member.
#[utoipa::path(delete, path = "/admin/visibility/members/{id}", tag = TAG,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 204, description = "Visible again")))]
async fn unhide(
    State(state): State<AppState>,
    DirectoryAdminUser { actor: admin, .. }: DirectoryAdminUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let actor = admin.id;
    state.db(move |store| store.unhide_member(&admin, id, now)).await?;
    audited(&state, actor, AuditAction::VisibilityChanged, id.to_string(), json!({ "hidden": false })).await;
    announce(&state, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}
