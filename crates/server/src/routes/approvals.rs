//! Approvals under `/api/v1/approvals`: templates (any member lists them; administrators create,
//! edit — each edit is a new version — and archive them), and requests: submit, read, the four
//! lists (paged with a cursor), decide, withdraw and comment. Every accepted action wakes the
//! sockets of the members who may read the request; a retry with a used client id answers 200
//! with the current state and records nothing.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::store::{ApprovalFilter, ApprovalOutcome};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalSummary, CommentRequest, DecisionRequest, ListCursor, RequestStatus,
    SubmitApprovalRequest, Template, TemplateSpec, WithdrawRequest, validate_template,
};
use weft_protocol::{ApprovalId, TemplateId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/approvals/templates", get(templates).post(create_template))
        .route("/approvals/templates/{id}", get(template).put(update_template).delete(archive_template))
        .route("/approvals/requests", get(list).post(submit))
        .route("/approvals/requests/{id}", get(request))
        .route("/approvals/requests/{id}/decision", post(decide))
        .route("/approvals/requests/{id}/withdraw", post(withdraw))
        .route("/approvals/requests/{id}/comments", post(comment))
}

fn checked(spec: &TemplateSpec) -> Result<(), ApiError> {
    validate_template(spec).map_err(ApiError::problems)
}

async fn templates(State(state): State<AppState>, _user: AuthUser) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(state.db(|store| store.templates()).await?))
}

async fn template(
    State(state): State<AppState>,
    _user: AuthUser,
    ApiPath(id): ApiPath<TemplateId>,
) -> Result<Json<Template>, ApiError> {
    Ok(Json(state.db(move |store| store.template(id)).await?))
}

async fn create_template(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(spec): ApiJson<TemplateSpec>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    checked(&spec)?;
    let now = crate::now_millis();
    let template = state.db(move |store| store.create_template(admin.member_id, &spec, now)).await?;
    Ok((StatusCode::CREATED, Json(template)))
}

async fn update_template(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiPath(id): ApiPath<TemplateId>,
    ApiJson(spec): ApiJson<TemplateSpec>,
) -> Result<Json<Template>, ApiError> {
    checked(&spec)?;
    let now = crate::now_millis();
    Ok(Json(state.db(move |store| store.update_template(admin.member_id, id, &spec, now)).await?))
}

async fn archive_template(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<TemplateId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    state.db(move |store| store.archive_template(id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 201 for a new action, 200 for a retry; wakes the readers' sockets.
fn reply(state: &AppState, outcome: ApprovalOutcome) -> (StatusCode, Json<ApprovalDetail>) {
    if !outcome.created {
        return (StatusCode::OK, Json(outcome.detail));
    }
    state.hub.changed(outcome.recipients);
    (StatusCode::CREATED, Json(outcome.detail))
}

async fn submit(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<SubmitApprovalRequest>,
) -> Result<(StatusCode, Json<ApprovalDetail>), ApiError> {
    let now = crate::now_millis();
    let outcome = state.db(move |store| store.submit_approval(user.member_id, &request, now)).await?;
    if outcome.created {
        crate::webhook_sender::approval_events(&state, &outcome.detail, true).await;
    }
    Ok(reply(&state, outcome))
}

async fn request(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ApprovalId>,
) -> Result<Json<ApprovalDetail>, ApiError> {
    Ok(Json(state.db(move |store| store.approval(user.member_id, id)).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[serde(rename = "box")]
    list: ApprovalBox,
    template: Option<TemplateId>,
    /// 1 in review, 2 approved, 3 rejected, 4 withdrawn.
    status: Option<u8>,
    /// The previous page's last row, `<updated_at>:<id>` ([`ListCursor`]).
    before: Option<String>,
    limit: Option<u32>,
}

/// Most requests one list returns.
const MAX_LIST: u32 = 200;

/// Requests one list page returns unless `limit` says otherwise.
const DEFAULT_LIST: u32 = 50;

/// `GET /approvals/requests?box=waiting|submitted|cc|done[&template=][&status=1..4][&limit=][&before=]`:
/// one page of a list, newest change first (`updated_at` descending, ties by id descending), at
/// most `limit` rows (default 50, at most 200). A full page may have more after it: pass its last
/// row as `before=<updated_at>:<id>` (see [`ListCursor`]) for the next older page, which starts
/// strictly after that row, so paging through an unchanging list repeats and skips nothing. A
/// malformed cursor is 422 `{code: "invalid_field", message: "before: …"}`.
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ApprovalSummary>>, ApiError> {
    let status = match query.status {
        Some(number) => Some(
            RequestStatus::from_number(number)
                .ok_or_else(|| ApiError::invalid_field("status: 1 in review, 2 approved, 3 rejected, 4 withdrawn"))?,
        ),
        None => None,
    };
    let before = match query.before.as_deref() {
        Some(text) => Some(text.parse::<ListCursor>().map_err(ApiError::invalid_field)?),
        None => None,
    };
    let filter = ApprovalFilter {
        list: query.list,
        template: query.template,
        status,
        before,
        limit: query.limit.unwrap_or(DEFAULT_LIST).clamp(1, MAX_LIST),
    };
    Ok(Json(state.db(move |store| store.approvals(user.member_id, filter)).await?))
}

async fn decide(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ApprovalId>,
    ApiJson(request): ApiJson<DecisionRequest>,
) -> Result<(StatusCode, Json<ApprovalDetail>), ApiError> {
    let now = crate::now_millis();
    let outcome = state.db(move |store| store.decide_approval(user.member_id, id, &request, now)).await?;
    if outcome.created {
        crate::webhook_sender::approval_events(&state, &outcome.detail, false).await;
    }
    Ok(reply(&state, outcome))
}

async fn withdraw(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ApprovalId>,
    ApiJson(request): ApiJson<WithdrawRequest>,
) -> Result<(StatusCode, Json<ApprovalDetail>), ApiError> {
    let now = crate::now_millis();
    let outcome = state.db(move |store| store.withdraw_approval(user.member_id, id, request.client_id, now)).await?;
    Ok(reply(&state, outcome))
}

async fn comment(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ApprovalId>,
    ApiJson(request): ApiJson<CommentRequest>,
) -> Result<(StatusCode, Json<ApprovalDetail>), ApiError> {
    let now = crate::now_millis();
    let outcome = state.db(move |store| store.comment_approval(user.member_id, id, &request, now)).await?;
    Ok(reply(&state, outcome))
}
