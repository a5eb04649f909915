//! Integration apps for administrators: list (with the workspace's corp id), create (the secret
//! is shown once), change (name, scopes, allowed addresses, enabled) and rotate the secret. Each
//! is an audit entry.

use super::audit::{Actor, record};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, ClientIp};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::audit::AuditAction;
use weft_protocol::integration::{IntegrationApp, IntegrationAppSettings, IntegrationApps, IntegrationSecret};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update)).routes(routes!(rotate))
}

const TAG: &str = "integrations";

/// The integration apps, with the workspace's corp id that apps sign in with.
///
/// Secrets are never listed. Administrators only.
#[utoipa::path(get, path = "/admin/integration-apps", tag = TAG,
    responses((status = 200, description = "The corp id and every integration app", body = IntegrationApps)))]
async fn list(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<IntegrationApps>, ApiError> {
    let corp_id = state.db(|store| store.corp_id()).await?;
    let apps = state.db(|store| store.integration_apps()).await?;
    Ok(Json(IntegrationApps { corp_id, apps }))
}

fn describe(app: &IntegrationApp) -> serde_json::Value {
    json!({ "name": app.name, "scopes": app.scopes, "allowed_ips": app.allowed_ips, "enabled": app.enabled })
}

/// Creates an integration app and answers its secret, which is shown only this once.
///
/// Administrators only. 422 when a setting is invalid.
#[utoipa::path(post, path = "/admin/integration-apps", tag = TAG, request_body = IntegrationAppSettings,
    responses((status = 201, description = "The new app and its secret (shown only now)", body = IntegrationSecret)))]
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

/// Changes an integration app's name, scopes, allowed addresses or enabled state.
///
/// Disabling an app also ends its access tokens. Administrators only. 404 for an unknown app;
/// 422 when a setting is invalid.
#[utoipa::path(put, path = "/admin/integration-apps/{agent_id}", tag = TAG, request_body = IntegrationAppSettings,
    params(("agent_id" = u32, Path, description = "The app's agent id")),
    responses((status = 200, description = "The app as changed", body = IntegrationApp)))]
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

/// Gives an integration app a new secret, shown only this once.
///
/// The old secret and the app's access tokens stop working at once. Administrators only. 404
/// for an unknown app.
#[utoipa::path(post, path = "/admin/integration-apps/{agent_id}/secret", tag = TAG,
    params(("agent_id" = u32, Path, description = "The app's agent id")),
    responses((status = 200, description = "The app and its new secret (shown only now)", body = IntegrationSecret)))]
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
