//! Outgoing webhooks for administrators: list, register (the signing secret is shown once),
//! change (address, events, enabled), remove, and each one's deliveries with their results. Each
//! write is an audit entry.

use super::audit::{Actor, record};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, ClientIp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::json;
use weft_protocol::WebhookId;
use weft_protocol::audit::AuditAction;
use weft_protocol::webhook::{Delivery, NewWebhook, Webhook, WebhookSettings};

/// Deliveries listed per webhook, newest first.
const DELIVERIES_SHOWN: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(list).post(create))
        .route("/admin/webhooks/{id}", put(update).delete(remove))
        .route("/admin/webhooks/{id}/deliveries", get(deliveries))
}

async fn list(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(state.db(|store| store.webhooks()).await?))
}

async fn audit(state: &AppState, admin: &AdminUser, ip: Option<std::net::IpAddr>, op: &str, webhook: &Webhook) {
    let detail = json!({ "op": op, "url": webhook.url, "events": webhook.events, "enabled": webhook.enabled });
    let actor = Actor::Member(admin.0.member_id);
    record(state, actor, AuditAction::WebhookChanged, webhook.id.to_string(), detail, ip).await;
}

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

async fn deliveries(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiPath(id): ApiPath<WebhookId>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    Ok(Json(state.db(move |store| store.deliveries(id, DELIVERIES_SHOWN)).await?))
}
