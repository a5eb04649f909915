//! Conversations: listing, creating groups, opening direct chats, and managing group membership.
//! To anyone who does not take part, a conversation does not exist (404).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, AuthUser};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::chat::{
    AddMembersRequest, ConversationDetail, ConversationPrefs, ConversationSummary, CreateGroupRequest,
    OpenDirectRequest, RenameRequest, TransferOwnerRequest,
};
use weft_protocol::{ConversationId, MemberId};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create_group))
        .routes(routes!(open_direct))
        .routes(routes!(detail, rename))
        .routes(routes!(add_members))
        .routes(routes!(remove_member))
        .routes(routes!(leave))
        .routes(routes!(transfer_owner))
        .routes(routes!(set_prefs))
}

const TAG: &str = "conversations";

/// The caller's conversations, newest activity first.
#[utoipa::path(get, path = "/conversations", tag = TAG,
    responses((status = 200, description = "Every conversation the caller takes part in", body = Vec<ConversationSummary>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    Ok(Json(state.db(move |store| store.conversations_of(user.member_id)).await?))
}

/// The caller's view of one conversation.
async fn detail_of(state: &AppState, id: ConversationId, user: AuthUser) -> Result<ConversationDetail, ApiError> {
    state.db(move |store| store.conversation_detail(id, user.member_id)).await
}

/// One conversation as the caller sees it (404 to anyone who does not take part).
#[utoipa::path(get, path = "/conversations/{id}", tag = TAG,
    params(("id" = ConversationId, Path, description = "The conversation")),
    responses((status = 200, description = "The conversation", body = ConversationDetail)))]
async fn detail(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationDetail>, ApiError> {
    Ok(Json(detail_of(&state, id, user).await?))
}

/// Creates a group with the caller as its owner (a retry with the same `client_id` returns the
/// same group).
#[utoipa::path(post, path = "/conversations", tag = TAG, request_body = CreateGroupRequest,
    responses((status = 201, description = "The new group", body = ConversationDetail)))]
async fn create_group(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<CreateGroupRequest>,
) -> Result<(StatusCode, Json<ConversationDetail>), ApiError> {
    let (limits, now) = (state.limits(), crate::now_millis());
    let (id, recipients) = state
        .db(move |store| {
            store.create_group(user.member_id, request.client_id, &request.name, &request.members, limits, now)
        })
        .await?;
    state.hub.changed(recipients);
    apply_policy(&state, id).await?;
    Ok((StatusCode::CREATED, Json(detail_of(&state, id, user).await?)))
}

/// Opens (or finds) the direct conversation with one member the caller can see.
#[utoipa::path(post, path = "/conversations/direct", tag = TAG, request_body = OpenDirectRequest,
    responses((status = 200, description = "The direct conversation", body = ConversationDetail)))]
async fn open_direct(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<OpenDirectRequest>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let now = crate::now_millis();
    let (id, recipients) = state.db(move |store| store.open_direct(user.member_id, request.member, now)).await?;
    state.hub.changed(recipients);
    apply_policy(&state, id).await?;
    Ok(Json(detail_of(&state, id, user).await?))
}

/// A new conversation with a member of a department the confidential policy lists is
/// confidential from the start.
async fn apply_policy(state: &AppState, id: ConversationId) -> Result<(), ApiError> {
    let now = state.clock.now();
    let recipients = state.db(move |store| store.apply_confidential_policy(id, now)).await?;
    state.hub.changed(recipients);
    Ok(())
}

/// Renames a group (members may, unless the owner restricted it).
#[utoipa::path(patch, path = "/conversations/{id}", tag = TAG, request_body = RenameRequest,
    params(("id" = ConversationId, Path, description = "The group")),
    responses((status = 200, description = "The renamed group", body = ConversationDetail)))]
async fn rename(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<RenameRequest>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let now = crate::now_millis();
    let recipients = state.db(move |store| store.rename_group(id, user.member_id, &request.name, now)).await?;
    state.hub.changed(recipients);
    Ok(Json(detail_of(&state, id, user).await?))
}

/// Adds members to a group, up to the group size limit.
#[utoipa::path(post, path = "/conversations/{id}/members", tag = TAG, request_body = AddMembersRequest,
    params(("id" = ConversationId, Path, description = "The group")),
    responses((status = 200, description = "The group with its new members", body = ConversationDetail)))]
async fn add_members(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<AddMembersRequest>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let (limits, now) = (state.limits(), crate::now_millis());
    let recipients =
        state.db(move |store| store.add_members(id, user.member_id, &request.members, limits, now)).await?;
    state.hub.changed(recipients);
    Ok(Json(detail_of(&state, id, user).await?))
}

/// Removes a member from a group (the owner only).
#[utoipa::path(delete, path = "/conversations/{id}/members/{member}", tag = TAG,
    params(("id" = ConversationId, Path, description = "The group"), ("member" = MemberId, Path, description = "The member to remove")),
    responses((status = 204, description = "Removed")))]
async fn remove_member(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, member)): ApiPath<(ConversationId, MemberId)>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let recipients = state.db(move |store| store.remove_member(id, user.member_id, member, now)).await?;
    state.hub.changed(recipients);
    Ok(StatusCode::NO_CONTENT)
}

/// The caller leaves a group (an owner hands it over first).
#[utoipa::path(post, path = "/conversations/{id}/leave", tag = TAG,
    params(("id" = ConversationId, Path, description = "The group")),
    responses((status = 204, description = "Left")))]
async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let recipients = state.db(move |store| store.remove_member(id, user.member_id, user.member_id, now)).await?;
    state.hub.changed(recipients);
    Ok(StatusCode::NO_CONTENT)
}

/// Hands a group's ownership to another of its members (the owner only).
#[utoipa::path(post, path = "/conversations/{id}/owner", tag = TAG, request_body = TransferOwnerRequest,
    params(("id" = ConversationId, Path, description = "The group")),
    responses((status = 200, description = "The group under its new owner", body = ConversationDetail)))]
async fn transfer_owner(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<TransferOwnerRequest>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let now = crate::now_millis();
    let recipients = state.db(move |store| store.transfer_owner(id, user.member_id, request.member, now)).await?;
    state.hub.changed(recipients);
    Ok(Json(detail_of(&state, id, user).await?))
}

/// The caller's own settings for a conversation: muted, pinned.
#[utoipa::path(put, path = "/conversations/{id}/prefs", tag = TAG, request_body = ConversationPrefs,
    params(("id" = ConversationId, Path, description = "The conversation")),
    responses((status = 200, description = "The conversation with the new settings", body = ConversationDetail)))]
async fn set_prefs(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(prefs): ApiJson<ConversationPrefs>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let now = crate::now_millis();
    let recipients = state.db(move |store| store.set_prefs(id, user.member_id, prefs.muted, prefs.pinned, now)).await?;
    state.hub.changed(recipients);
    Ok(Json(detail_of(&state, id, user).await?))
}
