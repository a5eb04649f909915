//! The one list of API routes. Each domain module exposes `router()`; unknown routes and wrong
//! methods answer with JSON errors like every other failure.

mod admin;
mod approvals;
mod archive;
mod attachment_pages;
pub(crate) mod attachments;
pub(crate) mod audit;
mod auth;
mod confidential;
mod conversations;
mod directory;
mod integration_admin;
mod live;
mod messages;
mod policies;
mod push;
mod robots;
mod session_admin;
mod sharing;
mod sync;
mod webhooks_admin;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::ErrorCode;

/// Everything under `/api/v1`, with its OpenAPI description (collected from the same handlers,
/// so the two cannot drift apart).
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, document) = OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(health))
        .merge(auth::router())
        .merge(attachments::router())
        .merge(conversations::router())
        .merge(robots::router())
        .merge(confidential::router())
        .merge(sharing::router())
        .merge(directory::router())
        .merge(admin::router())
        .merge(session_admin::router())
        .merge(policies::router())
        .merge(audit::router())
        .merge(archive::router())
        .merge(integration_admin::router())
        .merge(webhooks_admin::router())
        .merge(approvals::router())
        .merge(messages::router())
        .merge(push::router())
        .merge(sync::router())
        .merge(live::router())
        .split_for_parts();
    let router = router.fallback(unknown_route).method_not_allowed_fallback(wrong_method);
    (router, crate::openapi::complete(document))
}

/// An audit entry for an integration app's use of the WeCom-compatible API (`name` is the app's
/// name and agent id, or empty when the secret matched no app).
pub(crate) async fn record_integration(
    state: &AppState,
    name: &str,
    action: weft_protocol::audit::AuditAction,
    detail: serde_json::Value,
    address: Option<std::net::IpAddr>,
) {
    let actor = if name.is_empty() { "integration app" } else { name };
    audit::record(state, audit::Actor::Named(actor), action, name, detail, address).await;
}

/// Whether the server is up, and which protocol version it speaks.
#[utoipa::path(get, path = "/health", tag = "session", security(()),
    responses((status = 200, description = "`{\"status\": \"ok\", \"protocol\": 1}`", body = serde_json::Value)))]
async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok", "protocol": weft_protocol::PROTOCOL_VERSION }))
}

async fn unknown_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such API route")
}

async fn wrong_method() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed, "this route does not accept that method")
}
