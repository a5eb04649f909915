//! Approvals under `/api/v1/approvals`: templates (any member lists them; administrators create,
//! edit — each edit is a new version — and archive them), and requests: submit, read, the four
//! lists (paged with a cursor), decide, withdraw and comment. Every accepted action wakes the
//! sockets of the members who may read the request; a retry with a used client id answers 200
//! with the current state and records nothing.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, TemplatesAdmin};
use crate::store::{ApprovalFilter, ApprovalOutcome};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalSummary, CommentRequest, DecisionRequest, ListCursor, RequestStatus,
    SubmitApprovalRequest, Template, TemplateSpec, WithdrawRequest, validate_template,
};
use weft_protocol::{ApprovalId, TemplateId};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(templates, create_template))
        .routes(routes!(template, update_template, archive_template))
        .routes(routes!(list, submit))
        .routes(routes!(request))
        .routes(routes!(decide))
        .routes(routes!(withdraw))
        .routes(routes!(comment))
}

const TAG: &str = "approvals";

fn checked(spec: &TemplateSpec) -> Result<(), ApiError> {
    validate_template(spec).map_err(ApiError::problems)
}

/// The templates members can submit requests with, each at its current version (any member).
#[utoipa::path(get, path = "/approvals/templates", tag = TAG,
    responses((status = 200, description = "The templates that are not archived", body = Vec<Template>)))]
async fn templates(State(state): State<AppState>, _user: AuthUser) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(state.db(|store| store.templates()).await?))
}

/// One template at its current version (any member; 404 when unknown or archived).
#[utoipa::path(get, path = "/approvals/templates/{id}", tag = TAG,
    params(("id" = TemplateId, Path, description = "The template")),
    responses((status = 200, description = "The template", body = Template)))]
async fn template(
    State(state): State<AppState>,
    _user: AuthUser,
    ApiPath(id): ApiPath<TemplateId>,
) -> Result<Json<Template>, ApiError> {
    Ok(Json(state.db(move |store| store.template(id)).await?))
}

/// Creates a template at version 1 (administrators and approvals administrators). The members and departments it names
/// must exist.
#[utoipa::path(post, path = "/approvals/templates", tag = TAG, request_body = TemplateSpec,
    responses((status = 201, description = "The new template", body = Template)))]
async fn create_template(
    State(state): State<AppState>,
    TemplatesAdmin(admin): TemplatesAdmin,
    ApiJson(spec): ApiJson<TemplateSpec>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    checked(&spec)?;
    let now = crate::now_millis();
    let template = state.db(move |store| store.create_template(admin.member_id, &spec, now)).await?;
    Ok((StatusCode::CREATED, Json(template)))
}

/// Edits a template (administrators and approvals administrators): the spec becomes its next version; requests already
/// submitted keep the version they were filled in with.
#[utoipa::path(put, path = "/approvals/templates/{id}", tag = TAG, request_body = TemplateSpec,
    params(("id" = TemplateId, Path, description = "The template")),
    responses((status = 200, description = "The template at its new version", body = Template)))]
async fn update_template(
    State(state): State<AppState>,
    TemplatesAdmin(admin): TemplatesAdmin,
    ApiPath(id): ApiPath<TemplateId>,
    ApiJson(spec): ApiJson<TemplateSpec>,
) -> Result<Json<Template>, ApiError> {
    checked(&spec)?;
    let now = crate::now_millis();
    Ok(Json(state.db(move |store| store.update_template(admin.member_id, id, &spec, now)).await?))
}

/// Archives a template (administrators and approvals administrators): it leaves the list and takes no new requests;
/// requests already submitted with it go on.
#[utoipa::path(delete, path = "/approvals/templates/{id}", tag = TAG,
    params(("id" = TemplateId, Path, description = "The template")),
    responses((status = 204, description = "Archived")))]
async fn archive_template(
    State(state): State<AppState>,
    _admin: TemplatesAdmin,
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

/// Submits a request: a template's form, filled in by the caller (the applicant). A retry with the same `client_id` answers 200 with the request as it is and
/// records nothing. 409 when the template changed since the form was filled in, or a step has
/// nobody to approve it.
#[utoipa::path(post, path = "/approvals/requests", tag = TAG, request_body = SubmitApprovalRequest,
    responses(
        (status = 201, description = "The new request", body = ApprovalDetail),
        (status = 200, description = "A retry: the request as it is now", body = ApprovalDetail),
    ))]
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

/// One request with its chain, decisions and comments. Readable by its applicant, its approvers,
/// members copied on it (once notified) and administrators; 404 to anyone else.
#[utoipa::path(get, path = "/approvals/requests/{id}", tag = TAG,
    params(("id" = ApprovalId, Path, description = "The request")),
    responses((status = 200, description = "The request", body = ApprovalDetail)))]
async fn request(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ApprovalId>,
) -> Result<Json<ApprovalDetail>, ApiError> {
    Ok(Json(state.db(move |store| store.approval(user.member_id, id)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Which list: `waiting` (for the caller to decide), `submitted` (by the caller), `cc`
    /// (copied to the caller) or `done` (decided by the caller).
    #[serde(rename = "box")]
    list: ApprovalBox,
    /// Only requests made with this template.
    template: Option<TemplateId>,
    /// 1 in review, 2 approved, 3 rejected, 4 withdrawn.
    status: Option<u8>,
    /// The previous page's last row, `<updated_at>:<id>` ([`ListCursor`]).
    before: Option<String>,
    /// Most rows in the page: 1 to 200 (default 50).
    limit: Option<u32>,
}

/// Most requests one list returns.
const MAX_LIST: u32 = 200;

/// Requests one list page returns unless `limit` says otherwise.
const DEFAULT_LIST: u32 = 50;

/// One page of one of the caller's request lists (`box`), newest change first.
///
/// `GET /approvals/requests?box=waiting|submitted|cc|done[&template=][&status=1..4][&limit=][&before=]`:
/// one page of a list, newest change first (`updated_at` descending, ties by id descending), at
/// most `limit` rows (default 50, at most 200). A full page may have more after it: pass its last
/// row as `before=<updated_at>:<id>` (see [`ListCursor`]) for the next older page, which starts
/// strictly after that row, so paging through an unchanging list repeats and skips nothing. A
/// malformed cursor is 422 `{code: "invalid_field", message: "before: …"}`.
#[utoipa::path(get, path = "/approvals/requests", tag = TAG, params(ListQuery),
    responses((status = 200, description = "One page of the list, newest change first", body = Vec<ApprovalSummary>)))]
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

/// Approves or rejects a request, by an approver of its current step. A retry with the same
/// `client_id` answers 200 and records nothing. 403 when the caller approves no step of it; 409
/// when the state is in the way (already finished or withdrawn, already decided, the caller's
/// step is over or not started yet).
#[utoipa::path(post, path = "/approvals/requests/{id}/decision", tag = TAG, request_body = DecisionRequest,
    params(("id" = ApprovalId, Path, description = "The request")),
    responses(
        (status = 201, description = "The request after the decision", body = ApprovalDetail),
        (status = 200, description = "A retry: the request as it is now", body = ApprovalDetail),
    ))]
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

/// Withdraws a request while it is in review (its applicant only: 403 for anyone else; 409 once
/// it is no longer in review). A retry with the same `client_id` answers 200 and records nothing.
#[utoipa::path(post, path = "/approvals/requests/{id}/withdraw", tag = TAG, request_body = WithdrawRequest,
    params(("id" = ApprovalId, Path, description = "The request")),
    responses(
        (status = 201, description = "The withdrawn request", body = ApprovalDetail),
        (status = 200, description = "A retry: the request as it is now", body = ApprovalDetail),
    ))]
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

/// Comments on a request (anyone who may read it; 404 to anyone else). A retry with the same
/// `client_id` answers 200 and records nothing.
#[utoipa::path(post, path = "/approvals/requests/{id}/comments", tag = TAG, request_body = CommentRequest,
    params(("id" = ApprovalId, Path, description = "The request")),
    responses(
        (status = 201, description = "The request with the new comment", body = ApprovalDetail),
        (status = 200, description = "A retry: the request as it is now", body = ApprovalDetail),
    ))]
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
