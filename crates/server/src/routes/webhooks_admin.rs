//! Outgoing webhooks for administrators: list, register (the signing secret is shown once),
//! change (address, events, enabled), remove, and each one's deliveries with their results. Each
//! write is an audit entry.

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
use weft_protocol::WebhookId;
use weft_protocol::audit::AuditAction;
use weft_protocol::webhook::{Delivery, NewWebhook, Webhook, WebhookSettings};

/// Deliveries listed per webhook, newest first.
const DELIVERIES_SHOWN: u32 = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update, remove)).routes(routes!(deliveries))
}

const TAG: &str = "integrations";

/// The outgoing webhooks.
///
/// Signing secrets are never listed. Administrators only.
#[utoipa::path(get, path = "/admin/webhooks", tag = TAG,
    responses((status = 200, description = "Every webhook not removed", body = Vec<Webhook>)))]
async fn list(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(state.db(|store| store.webhooks()).await?))
}

async fn audit(state: &AppState, admin: &AdminUser, ip: Option<std::net::IpAddr>, op: &str, webhook: &Webhook) {
    let detail = json!({ "op": op, "url": webhook.url, "events": webhook.events, "enabled": webhook.enabled });
    let actor = Actor::Member(admin.0.member_id);
    record(state, actor, AuditAction::WebhookChanged, webhook.id.to_string(), detail, ip).await;
}

/// Registers a webhook and answers its signing secret, which is shown only this once.
///
/// Administrators only. 422 when the address or events are invalid.
#[utoipa::path(post, path = "/admin/webhooks", tag = TAG, request_body = WebhookSettings,
    responses((status = 201, description = "The new webhook and its signing secret (shown only now)", body = NewWebhook)))]
async fn create(
    State(state): State<AppState>,
    admin: AdminUser,
    ClientIp(ip): ClientIp,
    ApiJson(settings): ApiJson<WebhookSettings>,
) -> Result<(StatusCode, Json<NewWebhook>), ApiError> {
    let secret = crate::auth::new_token();
    let (by, now, kept) = (admin.0.member_id, state.clock.now(), secret.clone());
    let webhook = state.db(move |store| store.create_webhook(&settings, &kept, by, now)).await?;
    audit(&state, &admin, ip, "created", &webhook).await;
    Ok((StatusCode::CREATED, Json(NewWebhook { webhook, secret })))
}

/// Changes a webhook's address, events or enabled state.
///
/// Administrators only. 404 for an unknown or removed webhook; 422 when the address or events
/// are invalid.
#[utoipa::path(put, path = "/admin/webhooks/{id}", tag = TAG, request_body = WebhookSettings,
    params(("id" = WebhookId, Path, description = "The webhook")),
    responses((status = 200, description = "The webhook as changed", body = Webhook)))]
async fn update(
    State(state): State<AppState>,
    admin: AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<WebhookId>,
    ApiJson(settings): ApiJson<WebhookSettings>,
) -> Result<Json<Webhook>, ApiError> {
    let webhook = state.db(move |store| store.update_webhook(id, &settings)).await?;
    audit(&state, &admin, ip, "changed", &webhook).await;
    Ok(Json(webhook))
}

/// Removes a webhook; its pending deliveries are marked failed.
///
/// Administrators only. 404 for an unknown or already removed webhook.
#[utoipa::path(delete, path = "/admin/webhooks/{id}", tag = TAG,
    params(("id" = WebhookId, Path, description = "The webhook")),
    responses((status = 204, description = "Removed")))]
async fn remove(
    State(state): State<AppState>,
    admin: AdminUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<WebhookId>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let webhook = state.db(move |store| store.remove_webhook(id, now)).await?;
    audit(&state, &admin, ip, "removed", &webhook).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's latest deliveries (at most 100, newest first) with their results.
///
/// Administrators only. 404 for an unknown or removed webhook.
#[utoipa::path(get, path = "/admin/webhooks/{id}/deliveries", tag = TAG,
    params(("id" = WebhookId, Path, description = "The webhook")),
    responses((status = 200, description = "The latest deliveries, newest first", body = Vec<Delivery>)))]
async fn deliveries(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<WebhookId>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    Ok(Json(state.db(move |store| store.deliveries(id, DELIVERIES_SHOWN)).await?))
}
