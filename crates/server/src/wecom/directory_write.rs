//! Departments written through the WeCom-compatible API: `department/create`, `update` (absent
//! fields unchanged) and `delete`, with WeCom's error codes for what the directory's rules refuse.
//! The app needs the directory-write scope; each write is an audit entry and reaches every
//! member's device like an administrator's change.

use super::body::WecomBody;
use super::{CallingApp, DIRECTORY_WRITE, WecomError, errcode, ok_with, query_param};
use crate::AppState;
use crate::domain::admin_scope::DirectoryActor;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use weft_protocol::audit::AuditAction;
use weft_protocol::directory::{UpdateDepartmentRequest, validate_department_name};
use weft_protocol::{DepartmentId, DirectoryRefusal, ErrorCode, Refusal};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/department/create", post(create))
        .route("/department/update", post(update))
        .route("/department/delete", get(delete))
}

/// WeCom's code for what the directory refused.
fn refused(err: ApiError) -> WecomError {
    let code = match err.reason.as_deref() {
        Some(Refusal::Directory(refusal)) => match refusal {
            DirectoryRefusal::HasMembers { .. } => 60005,
            DirectoryRefusal::HasSubDepartments { .. } => 60006,
            DirectoryRefusal::RootCannotBeDeleted | DirectoryRefusal::RootCannotMove => 60007,
            DirectoryRefusal::DepartmentNameTaken => 60008,
            DirectoryRefusal::MoveUnderItself => 60010,
            _ => return err.into(),
        },
        _ => match err.code {
            ErrorCode::NotFound => errcode::DEPARTMENT_NOT_FOUND,
            ErrorCode::Conflict => 60008,
            ErrorCode::InvalidField if err.message.starts_with("parent") => 60004,
            ErrorCode::InvalidField => 60001,
            _ => return err.into(),
        },
    };
    WecomError::new(code, err.message)
}

/// Integration apps change the directory as the administrator who made them, everywhere.
async fn acting_for(state: &AppState, app: &CallingApp) -> Result<DirectoryActor, WecomError> {
    let agent_id = app.0.agent_id;
    Ok(DirectoryActor::workspace(state.db(move |store| store.integration_app_creator(agent_id)).await?))
}

async fn department(state: &AppState, id: i64, missing: i64) -> Result<DepartmentId, WecomError> {
    state
        .db(move |store| store.department_by_wecom_id(id))
        .await?
        .ok_or_else(|| WecomError::new(missing, format!("department not found: {id}")))
}

fn checked_name(name: &str) -> Result<String, WecomError> {
    let name = name.trim().to_owned();
    validate_department_name(&name).map_err(|message| WecomError::new(60001, message))?;
    Ok(name)
}

async fn create(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let name = checked_name(&body.text("name").unwrap_or_default())?;
    let parent_id = body.int("parentid")?.ok_or_else(|| WecomError::new(60004, "parentid missing"))?;
    let parent = department(&state, parent_id, 60004).await?;
    let (order, wanted) = (body.int("order")?, body.int("id")?);
    if wanted.is_some_and(|id| id <= 1) {
        return Err(WecomError::new(errcode::INVALID_DEPARTMENT_ID, "invalid department id"));
    }
    if let Some(id) = wanted
        && state.db(move |store| store.department_by_wecom_id(id)).await?.is_some()
    {
        return Err(WecomError::new(60008, format!("department id exists: {id}")));
    }
    let now = state.clock.now();
    let actor = acting_for(&state, &app).await?;
    let created =
        state.db(move |store| store.create_department(&actor, &name, &parent, order, now)).await.map_err(refused)?;
    let key = created.id.clone();
    let id = state.db(move |store| store.number_department(&key, wanted)).await.map_err(refused)?;
    let detail = json!({ "name": created.name, "parentid": parent_id, "id": id });
    app.audit(&state, AuditAction::DepartmentCreated, detail).await;
    state.directory_changed().await;
    Ok(ok_with("created", json!({ "id": id })))
}

async fn update(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let id = body.int("id")?.ok_or_else(|| WecomError::new(errcode::INVALID_DEPARTMENT_ID, "id missing"))?;
    let target = department(&state, id, errcode::DEPARTMENT_NOT_FOUND).await?;
    let name = body.text("name").map(|name| checked_name(&name)).transpose()?;
    let parent_id = match body.int("parentid")? {
        Some(parent) => Some(department(&state, parent, 60004).await?),
        None => None,
    };
    let change = UpdateDepartmentRequest { name, parent_id, order: body.int("order")? };
    let now = state.clock.now();
    let detail = json!({ "id": id, "change": serde_json::to_value(&change).unwrap_or_default() });
    let actor = acting_for(&state, &app).await?;
    state.db(move |store| store.update_department(&actor, &target, &change, now)).await.map_err(refused)?;
    app.audit(&state, AuditAction::DepartmentUpdated, detail).await;
    state.directory_changed().await;
    Ok(ok_with("updated", json!({})))
}

async fn delete(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let id = query_param(query.as_deref(), "id")
        .and_then(|id| id.trim().parse::<i64>().ok())
        .ok_or_else(|| WecomError::new(errcode::INVALID_DEPARTMENT_ID, "invalid department id"))?;
    let target = department(&state, id, errcode::DEPARTMENT_NOT_FOUND).await?;
    let now = state.clock.now();
    let actor = acting_for(&state, &app).await?;
    state.db(move |store| store.delete_department(&actor, &target, now)).await.map_err(refused)?;
    app.audit(&state, AuditAction::DepartmentDeleted, json!({ "id": id })).await;
    state.directory_changed().await;
    Ok(ok_with("deleted", json!({})))
}
