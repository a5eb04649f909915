//! The directory as members see it: the snapshot a device downloads once (then it follows the
//! change feed), search, one member's card, and the member list used to pick people for chats.
//! Every answer holds only people the caller may see (`crate::visibility`).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, AuthUser};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::MemberId;
use weft_protocol::auth::MemberProfile;
use weft_protocol::directory::{DirectoryMember, DirectorySnapshot};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(snapshot))
        .routes(routes!(search))
        .routes(routes!(member))
        .routes(routes!(members))
}

const TAG: &str = "directory";

/// The whole directory the caller may see, downloaded once by a new device.
///
/// Departments and members; after this the device follows the change feed from the position
/// the snapshot names.
#[utoipa::path(get, path = "/directory", tag = TAG,
    responses((status = 200, description = "Visible departments and members, and the feed position they are current at", body = DirectorySnapshot)))]
async fn snapshot(State(state): State<AppState>, user: AuthUser) -> Result<Json<DirectorySnapshot>, ApiError> {
    Ok(Json(state.db(move |store| store.directory_snapshot(user.member_id)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    /// What to look for: a name, pinyin, alias, userid, email or position (1 to 64 characters).
    q: String,
    /// Most results to answer (1 to 200; 50 when omitted).
    limit: Option<u32>,
}

/// Longest directory query, in characters.
const MAX_QUERY_CHARS: usize = 64;
/// Most results of one search.
const MAX_RESULTS: u32 = 200;

/// Searches the members the caller may see.
///
/// Matches name, pinyin, alias, userid, email or position. 422 when `q` is empty or longer than
/// 64 characters.
#[utoipa::path(get, path = "/directory/search", tag = TAG, params(SearchQuery),
    responses((status = 200, description = "Matching visible members, by name", body = Vec<DirectoryMember>)))]
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

/// One member's directory card.
///
/// 404 when the member does not exist or the caller may not see them.
#[utoipa::path(get, path = "/directory/members/{id}", tag = TAG,
    params(("id" = MemberId, Path, description = "The member")),
    responses((status = 200, description = "The member's card", body = DirectoryMember)))]
async fn member(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<MemberId>,
) -> Result<Json<DirectoryMember>, ApiError> {
    Ok(Json(state.db(move |store| store.directory_member(user.member_id, id)).await?))
}

/// The active members the caller may see (for picking people to chat with).
#[utoipa::path(get, path = "/members", tag = TAG,
    responses((status = 200, description = "Visible active members", body = Vec<MemberProfile>)))]
async fn members(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<MemberProfile>>, ApiError> {
    Ok(Json(state.db(move |store| store.visible_active_members(user.member_id)).await?))
}
