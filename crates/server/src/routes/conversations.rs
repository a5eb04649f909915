//! Conversations and their messages. Every route checks that the caller takes part in the
//! conversation; to anyone else it does not exist (404).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::hub::HubEvent;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use weft_protocol::ConversationId;
use weft_protocol::chat::{
    ConversationSummary, MAX_PAGE, Message, MessagePage, SendMessageRequest, validate_text,
};
use weft_protocol::live::ServerFrame;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list))
        .route("/conversations/{id}/messages", get(history).post(send))
}

async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    Ok(Json(
        state
            .db(move |store| store.conversations_of(user.member_id))
            .await?,
    ))
}

/// Refuses callers who do not take part in the conversation, without revealing whether it exists.
async fn require_participant(
    state: &AppState,
    conversation: ConversationId,
    user: AuthUser,
) -> Result<(), ApiError> {
    let allowed = state
        .db(move |store| store.is_participant(conversation, user.member_id))
        .await?;
    if allowed {
        Ok(())
    } else {
        Err(ApiError::not_found("conversation"))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    /// Return messages with a sequence number below this one (default: the newest).
    before: Option<u64>,
    limit: Option<u32>,
}

async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::invalid_field(format!(
            "limit: between 1 and {MAX_PAGE}"
        )));
    }
    require_participant(&state, id, user).await?;
    Ok(Json(
        state
            .db(move |store| store.messages(id, query.before, limit))
            .await?,
    ))
}

async fn send(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    validate_text(&request.text).map_err(|err| ApiError::invalid_field(err.to_string()))?;
    require_participant(&state, id, user).await?;
    let now = crate::now_millis();
    let (stored, participants) = state
        .db(move |store| {
            let stored =
                store.append_message(id, user.member_id, request.client_id, &request.text, now)?;
            let participants = store.participants(id)?;
            Ok((stored, participants))
        })
        .await?;
    if !stored.created {
        // A retry of a message already stored: answer as before, publish nothing new.
        return Ok((StatusCode::OK, Json(stored.message)));
    }
    state.hub.publish(HubEvent::ToMembers {
        members: Arc::new(participants),
        frame: Arc::new(ServerFrame::Message {
            message: stored.message.clone(),
        }),
    });
    Ok((StatusCode::CREATED, Json(stored.message)))
}
