//! Departments and members, read, as WeCom shows them: `department/list` and `simplelist`
//! (the whole tree, or the subtree of `id`), `user/get`, `user/simplelist` and `user/list`
//! (a department's members, with `fetch_child=1` those of its subtree too), and `user/list_id`
//! (every member's userid with each department, a page at a time). The app needs the
//! directory-read or directory-write scope. Integration apps see the whole directory: the
//! visibility rules are about members seeing members.

use super::body::WecomBody;
use super::{CallingApp, WecomError, errcode, ok, query_param};
use crate::AppState;
use crate::store::{WecomDepartment, WecomMember};
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
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
        .route("/user/list_id", post(user_list_id))
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
pub(super) fn subtree(all: Vec<WecomDepartment>, root: Option<i64>) -> Result<Vec<WecomDepartment>, WecomError> {
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

/// Entries of one `user/list_id` page when the caller names no limit, and the most it may ask.
const LIST_ID_DEFAULT: usize = 1_000;
const LIST_ID_MAX: usize = 10_000;

/// `POST user/list_id {cursor?, limit?}`: one entry per member and department, ordered by
/// userid, at most `limit` a page (a member's entries stay on one page); `next_cursor` is the
/// userid the next page starts at (empty on the last page), so members added meanwhile neither
/// shift nor repeat what was read.
async fn user_list_id(
    State(state): State<AppState>,
    app: CallingApp,
    body: WecomBody,
) -> Result<Json<Value>, WecomError> {
    app.require(&READ)?;
    let limit = match body.int("limit")? {
        None => LIST_ID_DEFAULT,
        Some(limit) => usize::try_from(limit)
            .ok()
            .filter(|limit| (1..=LIST_ID_MAX).contains(limit))
            .ok_or_else(|| WecomError::new(errcode::INVALID_PARAMETER, format!("limit: 1 to {LIST_ID_MAX}")))?,
    };
    let cursor = body.text("cursor").unwrap_or_default();
    let mut members = state.db(|store| store.wecom_members(None)).await?;
    members.retain(|member| member.userid.as_str() >= cursor.as_str());
    members.sort_by(|a, b| a.userid.cmp(&b.userid));
    let mut page: Vec<Value> = Vec::new();
    let mut next_cursor = String::new();
    for member in &members {
        if !page.is_empty() && page.len() + member.departments.len() > limit {
            next_cursor = member.userid.clone();
            break;
        }
        page.extend(member.departments.iter().map(|d| json!({ "userid": member.userid, "department": d })));
    }
    Ok(ok(json!({ "next_cursor": next_cursor, "dept_user": page })))
}
