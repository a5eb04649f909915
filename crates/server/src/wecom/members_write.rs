//! Members written through the WeCom-compatible API: `user/create` (the member is invited: they
//! set a password through an administrator or an import, as with the console), `user/update`
//! (only the fields named change), `user/delete` and `user/batchdelete`. The app needs the directory-write scope and acts with the authority of the
//! administrator who made it; each write is an audit entry in the app's name.

use super::body::WecomBody;
use super::{CallingApp, DIRECTORY_WRITE, WecomError, errcode, ok, query_param};
use crate::AppState;
use crate::domain::admin_scope::DirectoryActor;
use crate::error::ApiError;
use crate::store::NewMember;
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;
use weft_protocol::audit::AuditAction;
use weft_protocol::directory::{MemberFields, MemberStatus};
use weft_protocol::{DepartmentId, ErrorCode, MemberId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/user/create", post(create))
        .route("/user/update", post(update))
        .route("/user/delete", get(delete))
        .route("/user/batchdelete", post(batch_delete))
}

async fn audited(state: &AppState, app: &CallingApp, action: AuditAction, target: &str, detail: Value) {
    app.audit(state, action, json!({ "userid": target, "detail": detail })).await;
}

/// A list of integers given as numbers or strings.
fn int_list(body: &WecomBody, key: &str) -> Result<Vec<i64>, WecomError> {
    let Some(Value::Array(items)) = body.0.get(key) else { return Ok(Vec::new()) };
    items
        .iter()
        .map(|item| match item {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        })
        .collect::<Option<Vec<i64>>>()
        .ok_or_else(|| WecomError::new(40066, format!("invalid department list: {key}")))
}

async fn department_key(state: &AppState, id: i64) -> Result<DepartmentId, WecomError> {
    state
        .db(move |store| store.department_by_wecom_id(id))
        .await?
        .ok_or_else(|| WecomError::new(40066, format!("invalid department: {id}")))
}

async fn department_keys(state: &AppState, ids: &[i64]) -> Result<Vec<DepartmentId>, WecomError> {
    let mut departments = Vec::with_capacity(ids.len());
    for id in ids {
        departments.push(department_key(state, *id).await?);
    }
    Ok(departments)
}

/// The departments whose `is_leader_in_dept` entry (same position) is 1.
fn leaders_among(departments: &[DepartmentId], leads: &[i64]) -> Vec<DepartmentId> {
    departments
        .iter()
        .zip(leads.iter().chain(std::iter::repeat(&0)))
        .filter(|(_, lead)| **lead == 1)
        .map(|(department, _)| department.clone())
        .collect()
}

/// `direct_leader` as given: absent (`None`), emptied (`Some(None)`) or a member's userid.
async fn direct_leader(state: &AppState, body: &WecomBody) -> Result<Option<Option<MemberId>>, WecomError> {
    let Some(Value::Array(list)) = body.0.get("direct_leader") else { return Ok(None) };
    let Some(Value::String(leader)) = list.first() else { return Ok(Some(None)) };
    let leader = member_by_userid(state, leader)
        .await
        .map_err(|_| WecomError::new(errcode::USER_NOT_FOUND, format!("direct_leader: no such userid: {leader}")))?;
    Ok(Some(Some(leader)))
}

/// The member with `userid`, or WeCom's "not found".
async fn member_by_userid(state: &AppState, userid: &str) -> Result<MemberId, WecomError> {
    let wanted = userid.to_owned();
    state
        .db(move |store| store.member_id_by_userid(&wanted))
        .await?
        .ok_or_else(|| WecomError::new(errcode::USER_NOT_FOUND, format!("userid not found: {userid}")))
}

/// The member named by `userid` in the body, or WeCom's "missing" or "not found".
async fn named_member(state: &AppState, body: &WecomBody) -> Result<(String, MemberId), WecomError> {
    let userid = body.text("userid").map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    let userid = userid.ok_or_else(|| WecomError::new(errcode::MISSING_USERID, "userid missing"))?;
    let id = member_by_userid(state, &userid).await?;
    Ok((userid, id))
}

/// WeCom's code for a refused member field or a taken value.
fn refused(err: ApiError) -> WecomError {
    let field = err
        .problems
        .first()
        .map(|problem| problem.path.clone())
        .unwrap_or_else(|| err.message.split(':').next().unwrap_or_default().trim().to_owned());
    let taken = err.code == ErrorCode::Conflict;
    let code = match (field.as_str(), taken) {
        ("userid", true) => 60102,
        ("mobile", true) => 60104,
        ("email", true) => 60106,
        ("mobile", false) => 60103,
        ("email", false) => 60105,
        ("name", _) => 60112,
        (path, _) if path.starts_with("department") || path.starts_with("main_department") => 40066,
        ("userid", false) => 40031,
        _ => return err.into(),
    };
    WecomError::new(code, err.message)
}

async fn create(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let userid = body.text("userid").map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    let userid = userid.ok_or_else(|| WecomError::new(errcode::MISSING_USERID, "userid missing"))?;
    crate::directory::check_userid(&userid).map_err(|err| WecomError::new(40031, err.message))?;
    let ids = int_list(&body, "department")?;
    if ids.is_empty() {
        return Err(WecomError::new(40066, "department: at least one"));
    }
    let departments = department_keys(&state, &ids).await?;
    let main_department_id = match body.int("main_department")? {
        Some(main) => Some(department_key(&state, main).await?),
        None => None,
    };
    let leader_of = leaders_among(&departments, &int_list(&body, "is_leader_in_dept")?);
    let direct_leader_id = direct_leader(&state, &body).await?.flatten();
    let fields = MemberFields {
        name: body.text("name").unwrap_or_default(),
        alias: body.text("alias").unwrap_or_default(),
        position: body.text("position").unwrap_or_default(),
        mobile: body.text("mobile").unwrap_or_default(),
        email: body.text("email").unwrap_or_default(),
        departments,
        main_department_id,
        leader_of,
        direct_leader_id,
        avatar: String::new(),
        role: None,
        admin_scope: None,
    };
    let input = crate::directory::member_input(&fields).map_err(|problems| refused(ApiError::problems(problems)))?;
    let member = NewMember {
        id: MemberId(Uuid::now_v7()),
        userid: userid.clone(),
        input,
        password_hash: String::new(),
        status: MemberStatus::Invited,
    };
    let agent_id = app.0.agent_id;
    let acting = state.db(move |store| store.integration_app_creator(agent_id)).await?;
    let now = state.clock.now();
    let card = state
        .db(move |store| store.create_member(&DirectoryActor::workspace(acting), &member, now))
        .await
        .map_err(refused)?;
    audited(&state, &app, AuditAction::MemberCreated, &userid, json!({ "name": card.name })).await;
    crate::webhook_sender::member_event(&state, weft_protocol::webhook::WebhookEvent::MemberCreated, &card).await;
    state.directory_changed().await;
    Ok(super::ok_with("created", json!({})))
}

/// Changes only the fields the body names; the member keeps their role and everything else.
async fn update(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let (userid, id) = named_member(&state, &body).await?;
    let agent_id = app.0.agent_id;
    let acting = state.db(move |store| store.integration_app_creator(agent_id)).await?;
    let current = state.db(move |store| store.directory_member(acting, id)).await?;
    let mut fields = MemberFields {
        name: current.name,
        alias: current.alias,
        position: current.position,
        mobile: current.mobile,
        email: current.email,
        departments: current.departments.iter().map(|d| d.department_id.clone()).collect(),
        main_department_id: Some(current.main_department_id),
        leader_of: current.departments.iter().filter(|d| d.is_leader).map(|d| d.department_id.clone()).collect(),
        direct_leader_id: current.direct_leader_id,
        avatar: current.avatar,
        role: Some(current.role),
        admin_scope: current.admin_scope,
    };
    for (key, field) in [
        ("name", &mut fields.name),
        ("alias", &mut fields.alias),
        ("position", &mut fields.position),
        ("mobile", &mut fields.mobile),
        ("email", &mut fields.email),
    ] {
        if let Some(value) = body.text(key) {
            *field = value;
        }
    }
    let leads = body.0.get("is_leader_in_dept").is_some().then(|| int_list(&body, "is_leader_in_dept")).transpose()?;
    if body.0.get("department").is_some() {
        let ids = int_list(&body, "department")?;
        if ids.is_empty() {
            return Err(WecomError::new(40066, "department: at least one"));
        }
        let departments = department_keys(&state, &ids).await?;
        // Without new leader flags, the member still leads those of their departments they led.
        fields.leader_of = match &leads {
            Some(leads) => leaders_among(&departments, leads),
            None => fields.leader_of.iter().filter(|d| departments.contains(d)).cloned().collect(),
        };
        if fields.main_department_id.as_ref().is_some_and(|main| !departments.contains(main)) {
            fields.main_department_id = None;
        }
        fields.departments = departments;
    } else if let Some(leads) = &leads {
        fields.leader_of = leaders_among(&fields.departments, leads);
    }
    if let Some(main) = body.int("main_department")? {
        fields.main_department_id = Some(department_key(&state, main).await?);
    }
    if let Some(leader) = direct_leader(&state, &body).await? {
        fields.direct_leader_id = leader;
    }
    let input = crate::directory::member_input(&fields).map_err(|problems| refused(ApiError::problems(problems)))?;
    let now = state.clock.now();
    let (_, ended) = state
        .db(move |store| store.update_member(&DirectoryActor::workspace(acting), id, &input, now))
        .await
        .map_err(refused)?;
    for session in ended {
        state.hub.publish(crate::hub::HubEvent::SessionEnded { session });
    }
    let named: Vec<&String> =
        body.0.as_object().map(|o| o.keys().filter(|key| key.as_str() != "userid").collect()).unwrap_or_default();
    audited(&state, &app, AuditAction::MemberUpdated, &userid, json!({ "fields": named })).await;
    state.directory_changed().await;
    Ok(super::ok_with("updated", json!({})))
}

async fn delete_one(state: &AppState, app: &CallingApp, userid: String) -> Result<(), WecomError> {
    let member = member_by_userid(state, &userid).await?;
    let agent_id = app.0.agent_id;
    let acting = state.db(move |store| store.integration_app_creator(agent_id)).await?;
    let now = state.clock.now();
    let ended = state
        .db(move |store| store.delete_member(&DirectoryActor::workspace(acting), member, now))
        .await
        .map_err(|err| {
            // The member is gone already, or is the administrator the app acts for.
            let code = if err.code == ErrorCode::NotFound { errcode::USER_NOT_FOUND } else { errcode::NO_PRIVILEGE };
            WecomError::new(code, err.message)
        })?;
    for session in ended {
        state.hub.publish(crate::hub::HubEvent::SessionEnded { session });
    }
    audited(state, app, AuditAction::MemberDeleted, &userid, json!({})).await;
    Ok(())
}

async fn delete(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let userid = query_param(query.as_deref(), "userid")
        .filter(|userid| !userid.is_empty())
        .ok_or_else(|| WecomError::new(errcode::MISSING_USERID, "userid missing"))?;
    delete_one(&state, &app, userid).await?;
    state.directory_changed().await;
    Ok(super::ok_with("deleted", json!({})))
}

async fn batch_delete(
    State(state): State<AppState>,
    app: CallingApp,
    body: WecomBody,
) -> Result<Json<Value>, WecomError> {
    app.require(&DIRECTORY_WRITE)?;
    let list: Vec<String> = body
        .0
        .get("useridlist")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if list.is_empty() {
        return Err(WecomError::new(errcode::MISSING_USERID, "useridlist missing"));
    }
    for userid in list {
        delete_one(&state, &app, userid).await?;
    }
    state.directory_changed().await;
    Ok(ok(json!({})))
}
