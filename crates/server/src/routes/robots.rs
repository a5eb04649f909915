//! A group's robots: its participants list them and add one (the webhook address with its key is
//! answered this once); whoever added a robot, the owner or an administrator removes it.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, AuthUser};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use weft_protocol::bot::{AddedRobot, NewRobot, Robot};
use weft_protocol::{ConversationId, RobotId};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, add)).routes(routes!(remove))
}

const TAG: &str = "robots";

/// A group's robots, oldest first (participants only: 404 to anyone else).
#[utoipa::path(get, path = "/conversations/{id}/robots", tag = TAG,
    params(("id" = ConversationId, Path, description = "The group")),
    responses((status = 200, description = "The group's robots", body = Vec<Robot>)))]
async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<Robot>>, ApiError> {
    Ok(Json(state.db(move |store| store.robots(id, user.member_id)).await?))
}

/// Adds a robot to a group (any participant). The answer holds the robot's webhook address with
/// its key: it is shown this once and cannot be read again.
#[utoipa::path(post, path = "/conversations/{id}/robots", tag = TAG, request_body = NewRobot,
    params(("id" = ConversationId, Path, description = "The group")),
    responses((status = 201, description = "The new robot and its webhook address (with the key)", body = AddedRobot)))]
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

/// Removes a robot from a group; its key stops working. Whoever added it, the group's owner or an
/// administrator may (403 for other participants; 404 to non-participants or for an unknown robot).
#[utoipa::path(delete, path = "/conversations/{id}/robots/{robot}", tag = TAG,
    params(("id" = ConversationId, Path, description = "The group"), ("robot" = RobotId, Path, description = "The robot to remove")),
    responses((status = 204, description = "Removed")))]
async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, robot)): ApiPath<(ConversationId, RobotId)>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    state.db(move |store| store.remove_robot(id, robot, user.member_id, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}
