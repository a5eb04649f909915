//! Conversations: listing, creating groups, opening direct chats, and managing group membership.
//! To anyone who does not take part, a conversation does not exist (404).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, AuthUser};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use weft_protocol::chat::{
    AddMembersRequest, ConversationDetail, ConversationPrefs, ConversationSummary, CreateGroupRequest,
    OpenDirectRequest, RenameRequest, TransferOwnerRequest,
};
use weft_protocol::{ConversationId, MemberId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list).post(create_group))
        .route("/conversations/direct", post(open_direct))
        .route("/conversations/{id}", get(detail).patch(rename))
        .route("/conversations/{id}/members", post(add_members))
        .route("/conversations/{id}/members/{member}", delete(remove_member))
        .route("/conversations/{id}/leave", post(leave))
        .route("/conversations/{id}/owner", post(transfer_owner))
        .route("/conversations/{id}/prefs", put(set_prefs))
}

async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    Ok(Json(state.db(move |store| store.conversations_of(user.member_id)).await?))
}

/// The caller's view of one conversation.
async fn detail_of(state: &AppState, id: ConversationId, user: AuthUser) -> Result<ConversationDetail, ApiError> {
    state.db(move |store| store.conversation_detail(id, user.member_id)).await
}

async fn detail(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationDetail>, ApiError> {
    Ok(Json(detail_of(&state, id, user).await?))
}

async fn create_group(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<CreateGroupRequest>,
) -> Result<(StatusCode, Json<ConversationDetail>), ApiError> {
    let (limits, now) = (state.limits, crate::now_millis());
    let (id, recipients) = state
        .db(move |store| {
            store.create_group(user.member_id, request.client_id, &request.name, &request.members, limits, now)
        })
        .await?;
    state.hub.changed(recipients);
    apply_policy(&state, id).await?;
    Ok((StatusCode::CREATED, Json(detail_of(&state, id, user).await?)))
}

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

async fn add_members(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<AddMembersRequest>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let (limits, now) = (state.limits, crate::now_millis());
    let recipients =
        state.db(move |store| store.add_members(id, user.member_id, &request.members, limits, now)).await?;
    state.hub.changed(recipients);
    Ok(Json(detail_of(&state, id, user).await?))
}

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
