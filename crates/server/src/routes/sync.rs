//! The change feed over HTTP: a bootstrap snapshot with its cursor, and pulling changes after a
//! cursor. The live socket delivers the same feed.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiQuery, AuthUser};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::sync::{Bootstrap, MAX_PULL, PullResponse};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(bootstrap)).routes(routes!(pull))
}

const TAG: &str = "sync";

/// A new device's starting point: the caller's conversations and the feed cursor to pull changes
/// after.
#[utoipa::path(get, path = "/sync/bootstrap", tag = TAG,
    responses((status = 200, description = "The caller's conversations and the cursor they were read at", body = Bootstrap)))]
async fn bootstrap(State(state): State<AppState>, user: AuthUser) -> Result<Json<Bootstrap>, ApiError> {
    // The cursor is read before the list: a change landing in between is delivered again
    // (harmless, applying is idempotent) rather than missed.
    let snapshot = state
        .db(move |store| {
            let cursor = store.current_position()?;
            let conversations = store.conversations_of(user.member_id)?;
            Ok(Bootstrap { conversations, cursor })
        })
        .await?;
    Ok(Json(snapshot))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    /// The cursor of the last change this device applied (from the bootstrap or the last pull).
    after: u64,
    /// At most this many changes, 1 to 500 (the default).
    limit: Option<u32>,
}

/// The caller's changes after a cursor, in feed order (`has_more` says to pull again from the
/// returned cursor). An unknown query parameter, or a `limit` out of range, is a field error.
#[utoipa::path(get, path = "/changes", tag = TAG, params(PullQuery),
    responses((status = 200, description = "A page of changes and the cursor after it", body = PullResponse)))]
async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<PullQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    let limit = query.limit.unwrap_or(MAX_PULL);
    if limit == 0 || limit > MAX_PULL {
        return Err(ApiError::invalid_field(format!("limit: between 1 and {MAX_PULL}")));
    }
    Ok(Json(state.db(move |store| store.pull(user.member_id, query.after, limit)).await?))
}
