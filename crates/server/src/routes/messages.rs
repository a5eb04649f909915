//! Messages: history, sending (idempotent on the client id), recall, read positions, search.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::store::NewMessage;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::chat::{
    MAX_PAGE, MarkReadRequest, Message, MessagePage, SearchHit, SendMessageRequest, validate_body,
};
use weft_protocol::{ConversationId, Millis};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history, send))
        .routes(routes!(recall))
        .routes(routes!(mark_read))
        .routes(routes!(search))
}

const TAG: &str = "messages";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    /// Return messages with a sequence number below this one (default: the newest).
    before: Option<u64>,
    /// Most messages to return: 1 to 200 (default 50).
    limit: Option<u32>,
}

/// One page of a conversation's messages, oldest first, ending at the newest (or just before
/// `before`). Participants only: 404 to anyone else. Messages past their lifetime are left out.
#[utoipa::path(get, path = "/conversations/{id}/messages", tag = TAG,
    params(("id" = ConversationId, Path, description = "The conversation"), HistoryQuery),
    responses((status = 200, description = "The page of messages", body = MessagePage)))]
async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::invalid_field(format!("limit: between 1 and {MAX_PAGE}")));
    }
    let allowed = state.db(move |store| store.is_participant(id, user.member_id)).await?;
    if !allowed {
        return Err(ApiError::not_found("conversation"));
    }
    let mut page = state.db(move |store| store.messages(id, query.before, limit)).await?;
    let now = state.clock.now();
    page.messages.retain(|message| !is_expired(message, now));
    Ok(Json(page))
}

/// A message past its lifetime: the sweep deletes it within a second, and until then it is not
/// served.
fn is_expired(message: &Message, now: Millis) -> bool {
    message.expires_at.is_some_and(|at| at <= now)
}

/// Sends a message (text, or an uploaded attachment) to a conversation the caller takes part in.
/// A retry with the same `client_id` stores nothing new and answers 200 with the message stored
/// the first time.
#[utoipa::path(post, path = "/conversations/{id}/messages", tag = TAG, request_body = SendMessageRequest,
    params(("id" = ConversationId, Path, description = "The conversation")),
    responses(
        (status = 201, description = "The message as stored", body = Message),
        (status = 200, description = "A retry: the message stored the first time", body = Message),
    ))]
async fn send(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    validate_body(&request.text, request.attachment_id.is_some())
        .map_err(|err| ApiError::invalid_field(err.to_string()))?;
    let now = crate::now_millis();
    let stored = state
        .db(move |store| {
            store.append_message(NewMessage {
                conversation: id,
                sender: user.member_id,
                client_id: request.client_id,
                text: &request.text,
                reply_to: request.reply_to,
                mentions: &request.mentions,
                mention_all: request.mention_all,
                attachment: request.attachment_id,
                now,
            })
        })
        .await?;
    if !stored.created {
        // A retry of a message already stored: answer as before, publish nothing new.
        return Ok((StatusCode::OK, Json(stored.message)));
    }
    if !stored.announced {
        state.hub.changed(stored.recipients);
    }
    Ok((StatusCode::CREATED, Json(stored.message)))
}

/// Takes back one of the caller's own messages within the recall window: its text and file are
/// removed for everyone. Recalling it again changes nothing. 403 for someone else's message,
/// 409 once the window has passed.
#[utoipa::path(post, path = "/conversations/{id}/messages/{seq}/recall", tag = TAG,
    params(("id" = ConversationId, Path, description = "The conversation"), ("seq" = u64, Path, description = "The message's sequence number in the conversation")),
    responses((status = 204, description = "Recalled")))]
async fn recall(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, seq)): ApiPath<(ConversationId, u64)>,
) -> Result<StatusCode, ApiError> {
    let (limits, now) = (state.limits(), crate::now_millis());
    let recipients = state.db(move |store| store.recall_message(id, seq, user.member_id, limits, now)).await?;
    state.hub.changed(recipients);
    Ok(StatusCode::NO_CONTENT)
}

/// Marks everything up to `seq` as read by the caller. The read position only moves forward,
/// never past the newest message.
#[utoipa::path(post, path = "/conversations/{id}/read", tag = TAG, request_body = MarkReadRequest,
    params(("id" = ConversationId, Path, description = "The conversation")),
    responses((status = 204, description = "Read position saved")))]
async fn mark_read(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<MarkReadRequest>,
) -> Result<StatusCode, ApiError> {
    let now = crate::now_millis();
    let recipients = state.db(move |store| store.mark_read(id, user.member_id, request.seq, now)).await?;
    state.hub.changed(recipients);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    /// The text to look for (1 to 100 characters after trimming).
    q: String,
    /// Most hits to return: 1 to 200 (default 50).
    limit: Option<u32>,
}

/// Longest search query, in characters.
const MAX_QUERY_CHARS: usize = 100;

/// Searches the messages of every conversation the caller takes part in, newest first.
#[utoipa::path(get, path = "/search/messages", tag = TAG, params(SearchQuery),
    responses((status = 200, description = "The matching messages", body = Vec<SearchHit>)))]
async fn search(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    let text = query.q.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::invalid_field("q: enter something to search for"));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::invalid_field(format!("q: at most {MAX_QUERY_CHARS} characters")));
    }
    let limit = query.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let mut hits = state.db(move |store| store.search(user.member_id, &text, limit)).await?;
    let now = state.clock.now();
    hits.retain(|hit| !is_expired(&hit.message, now));
    Ok(Json(hits))
}
