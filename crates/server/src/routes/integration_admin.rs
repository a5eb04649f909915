//! Integration apps for administrators: list (with the workspace's corp id), create (the secret
//! is shown once), change (name, scopes, allowed addresses, enabled) and rotate the secret. Each
//! is an audit entry.

use super::audit::{Actor, record};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, ClientIp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::json;
use weft_protocol::audit::AuditAction;
use weft_protocol::integration::{IntegrationApp, IntegrationAppSettings, IntegrationApps, IntegrationSecret};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/integration-apps", get(list).post(create))
        .route("/admin/integration-apps/{agent_id}", put(update))
        .route("/admin/integration-apps/{agent_id}/secret", post(rotate))
}

async fn list(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<IntegrationApps>, ApiError> {
    let corp_id = state.db(|store| store.corp_id()).await?;
    let apps = state.db(|store| store.integration_apps()).await?;
    Ok(Json(IntegrationApps { corp_id, apps }))
}

fn describe(app: &IntegrationApp) -> serde_json::Value {
    json!({ "name": app.name, "scopes": app.scopes, "allowed_ips": app.allowed_ips, "enabled": app.enabled })
}

async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiJson(settings): ApiJson<IntegrationAppSettings>,
) -> Result<(StatusCode, Json<IntegrationSecret>), ApiError> {
    let secret = crate::auth::new_token();
    let (hash, now) = (crate::auth::hash_token(&secret), state.clock.now());
    let app = state.db(move |store| store.create_integration_app(&settings, &hash, admin.member_id, now)).await?;
    let actor = Actor::Member(admin.member_id);
    record(&state, actor, AuditAction::IntegrationAppCreated, app.agent_id.to_string(), describe(&app), ip).await;
    Ok((StatusCode::CREATED, Json(IntegrationSecret { app, secret })))
}

async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(agent_id): ApiPath<u32>,
    ApiJson(settings): ApiJson<IntegrationAppSettings>,
) -> Result<Json<IntegrationApp>, ApiError> {
    let now = state.clock.now();
    let app = state.db(move |store| store.update_integration_app(agent_id, &settings, now)).await?;
    let actor = Actor::Member(admin.member_id);
    record(&state, actor, AuditAction::IntegrationAppChanged, agent_id.to_string(), describe(&app), ip).await;
    Ok(Json(app))
}

async fn rotate(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(agent_id): ApiPath<u32>,
) -> Result<Json<IntegrationSecret>, ApiError> {
    let secret = crate::auth::new_token();
    let (hash, now) = (crate::auth::hash_token(&secret), state.clock.now());
    let app = state.db(move |store| store.rotate_integration_secret(agent_id, &hash, now)).await?;
    let actor = Actor::Member(admin.member_id);
    record(&state, actor, AuditAction::IntegrationSecretRotated, agent_id.to_string(), json!({}), ip).await;
    Ok(Json(IntegrationSecret { app, secret }))
}
