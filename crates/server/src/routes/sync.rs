//! The change feed over HTTP: a bootstrap snapshot with its cursor, and pulling changes after a
//! cursor. The live socket delivers the same feed.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiQuery, AuthUser};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use weft_protocol::sync::{Bootstrap, MAX_PULL, PullResponse};

pub fn router() -> Router<AppState> {
    Router::new().route("/sync/bootstrap", get(bootstrap)).route("/changes", get(pull))
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    after: u64,
    limit: Option<u32>,
}

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
