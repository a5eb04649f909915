//! Departments and members, read, as WeCom shows them: `department/list` and `simplelist`
//! (the whole tree, or the subtree of `id`), `user/get`, `user/simplelist` and `user/list`
//! (a department's members, with `fetch_child=1` those of its subtree too). The app needs the
//! directory-read or directory-write scope. Integration apps see the whole directory: the
//! visibility rules are about members seeing members.

use super::{CallingApp, WecomError, errcode, ok, query_param};
use crate::AppState;
use crate::store::{WecomDepartment, WecomMember};
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::{Value, json};
use weft_protocol::integration::IntegrationScope;

const READ: [IntegrationScope; 2] = [IntegrationScope::DirectoryRead, IntegrationScope::DirectoryWrite];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/department/list", get(department_list))
        .route("/department/simplelist", get(department_simplelist))
        .route("/user/get", get(user_get))
        .route("/user/simplelist", get(user_simplelist))
        .route("/user/list", get(user_list))
}

/// An integer parameter that may be absent (lenient: `"5"` and `5` alike; junk is an error).
fn int_param(query: Option<&str>, key: &str) -> Result<Option<i64>, WecomError> {
    match query_param(query, key).filter(|value| !value.trim().is_empty()) {
        None => Ok(None),
        Some(value) => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| WecomError::new(errcode::INVALID_DEPARTMENT_ID, format!("invalid {key}: {value}"))),
    }
}

/// The department `root` and everything under it (all, when `root` is None).
fn subtree(all: Vec<WecomDepartment>, root: Option<i64>) -> Result<Vec<WecomDepartment>, WecomError> {
    let Some(root) = root else { return Ok(all) };
    if !all.iter().any(|department| department.id == root) {
        return Err(WecomError::new(errcode::DEPARTMENT_NOT_FOUND, format!("department not found: {root}")));
    }
    let mut keep = vec![root];
    let mut index = 0;
    while index < keep.len() {
        let parent = keep[index];
        keep.extend(all.iter().filter(|d| d.parent_id == parent && d.id != parent).map(|d| d.id));
        index += 1;
    }
    Ok(all.into_iter().filter(|department| keep.contains(&department.id)).collect())
}

async fn departments(state: &AppState, query: Option<&str>) -> Result<Vec<WecomDepartment>, WecomError> {
    let root = int_param(query, "id")?;
    subtree(state.db(|store| store.wecom_departments()).await?, root)
}

async fn department_list(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&READ)?;
    let list: Vec<Value> = departments(&state, query.as_deref())
        .await?
        .into_iter()
        .map(|d| {
            json!({
                "id": d.id, "name": d.name, "name_en": "", "department_leader": d.leaders,
                "parentid": d.parent_id, "order": d.order,
            })
        })
        .collect();
    Ok(ok(json!({ "department": list })))
}

async fn department_simplelist(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&READ)?;
    let list: Vec<Value> = departments(&state, query.as_deref())
        .await?
        .into_iter()
        .map(|d| json!({ "id": d.id, "parentid": d.parent_id, "order": d.order }))
        .collect();
    Ok(ok(json!({ "department_id": list })))
}

fn full(member: &WecomMember) -> Value {
    json!({
        "userid": member.userid, "name": member.name, "department": member.departments,
        "order": member.orders, "position": member.position, "mobile": member.mobile, "gender": "0",
        "email": member.email, "telephone": "", "alias": member.alias, "address": "",
        "is_leader_in_dept": member.is_leader_in_dept, "direct_leader": member.direct_leader,
        "main_department": member.main_department, "avatar": member.avatar, "status": member.status,
    })
}

async fn user_get(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&READ)?;
    let userid = query_param(query.as_deref(), "userid")
        .filter(|userid| !userid.is_empty())
        .ok_or_else(|| WecomError::new(errcode::MISSING_USERID, "userid missing"))?;
    let wanted = userid.clone();
    let found = state.db(move |store| store.wecom_members(Some(&wanted))).await?;
    let member =
        found.first().ok_or_else(|| WecomError::new(errcode::USER_NOT_FOUND, format!("userid not found: {userid}")))?;
    Ok(ok(full(member)))
}

/// The members of `department_id` (and its subtree with `fetch_child=1`).
async fn members_of(state: &AppState, query: Option<&str>) -> Result<Vec<WecomMember>, WecomError> {
    let department = int_param(query, "department_id")?
        .ok_or_else(|| WecomError::new(errcode::INVALID_DEPARTMENT_ID, "department_id missing"))?;
    let all = state.db(|store| store.wecom_departments()).await?;
    let departments: Vec<i64> = if query_param(query, "fetch_child").as_deref() == Some("1") {
        subtree(all, Some(department))?.into_iter().map(|d| d.id).collect()
    } else {
        subtree(all, Some(department))?;
        vec![department]
    };
    let members = state.db(|store| store.wecom_members(None)).await?;
    Ok(members.into_iter().filter(|m| m.departments.iter().any(|d| departments.contains(d))).collect())
}

async fn user_simplelist(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&READ)?;
    let list: Vec<Value> = members_of(&state, query.as_deref())
        .await?
        .iter()
        .map(|m| json!({ "userid": m.userid, "name": m.name, "department": m.departments }))
        .collect();
    Ok(ok(json!({ "userlist": list })))
}

async fn user_list(
    State(state): State<AppState>,
    app: CallingApp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    app.require(&READ)?;
    let list: Vec<Value> = members_of(&state, query.as_deref()).await?.iter().map(full).collect();
    Ok(ok(json!({ "userlist": list })))
}
