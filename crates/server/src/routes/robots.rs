//! A group's robots: its participants list them and add one (the webhook address with its key is
//! answered this once); whoever added a robot, the owner or an administrator removes it.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, AuthUser};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use uuid::Uuid;
use weft_protocol::bot::{AddedRobot, NewRobot, Robot};
use weft_protocol::{ConversationId, RobotId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/robots", get(list).post(add))
        .route("/conversations/{id}/robots/{robot}", delete(remove))
}

async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<Robot>>, ApiError> {
    Ok(Json(state.db(move |store| store.robots(id, user.member_id)).await?))
}

async fn add(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<NewRobot>,
) -> Result<(StatusCode, Json<AddedRobot>), ApiError> {
    let key = Uuid::new_v4().to_string();
    let key_hash = crate::auth::hash_token(&key);
    let now = state.clock.now();
    let robot = state.db(move |store| store.add_robot(id, user.member_id, &request.name, &key_hash, now)).await?;
    Ok((StatusCode::CREATED, Json(AddedRobot { robot, webhook_path: format!("/cgi-bin/webhook/send?key={key}") })))
}

async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, robot)): ApiPath<(ConversationId, RobotId)>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    state.db(move |store| store.remove_robot(id, robot, user.member_id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}
