//! The directory as members see it: the snapshot a device downloads once (then it follows the
//! change feed), search, one member's card, and the member list used to pick people for chats.
//! Every answer holds only people the caller may see (`crate::visibility`).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, AuthUser};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use weft_protocol::MemberId;
use weft_protocol::auth::MemberProfile;
use weft_protocol::directory::{DirectoryMember, DirectorySnapshot};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/directory", get(snapshot))
        .route("/directory/search", get(search))
        .route("/directory/members/{id}", get(member))
        .route("/members", get(members))
}

async fn snapshot(State(state): State<AppState>, user: AuthUser) -> Result<Json<DirectorySnapshot>, ApiError> {
    Ok(Json(state.db(move |store| store.directory_snapshot(user.member_id)).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: String,
    limit: Option<u32>,
}

/// Longest directory query, in characters.
const MAX_QUERY_CHARS: usize = 64;
/// Most results of one search.
const MAX_RESULTS: u32 = 200;

async fn search(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<DirectoryMember>>, ApiError> {
    let text = query.q.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::invalid_field("q: enter a name, pinyin, alias, userid, email or position"));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::invalid_field(format!("q: at most {MAX_QUERY_CHARS} characters")));
    }
    let limit = query.limit.unwrap_or(50).clamp(1, MAX_RESULTS);
    Ok(Json(state.db(move |store| store.search_directory(user.member_id, &text, limit)).await?))
}

async fn member(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<Json<DirectoryMember>, ApiError> {
    Ok(Json(state.db(move |store| store.directory_member(user.member_id, id)).await?))
}

/// The active members the caller may see (for picking people to chat with).
async fn members(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<MemberProfile>>, ApiError> {
    Ok(Json(state.db(move |store| store.visible_active_members(user.member_id)).await?))
}
