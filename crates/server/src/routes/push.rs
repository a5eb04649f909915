//! Web Push for the signed-in member: the server's VAPID public key, registering and removing
//! this device's push subscription (tied to the session; it goes when the session ends), and
//! the member's notification settings (mentions through mute, quiet hours).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser};
use crate::push::PushSender;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::push::{MAX_UTC_OFFSET_MINUTES, PushEndpoint, PushKey, PushSettings, PushSubscription};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(key))
        .routes(routes!(subscribe, unsubscribe))
        .routes(routes!(settings, save_settings))
}

const TAG: &str = "notifications";

/// The server's VAPID public key, for `PushManager.subscribe({applicationServerKey})`.
#[utoipa::path(get, path = "/push/key", tag = TAG,
    responses((status = 200, description = "The VAPID public key (base64url, uncompressed P-256)", body = PushKey)))]
async fn key(State(state): State<AppState>, _user: AuthUser) -> Result<Json<PushKey>, ApiError> {
    let key = state.push.key(&state).await?;
    Ok(Json(PushKey { public_key: PushSender::public_key(&key) }))
}

/// Registers this device's push subscription for the caller's session (an endpoint already
/// registered moves to it).
///
/// 422 when the endpoint is not `https://` or the keys are not a P-256 key and a 16-byte secret.
#[utoipa::path(put, path = "/push/subscription", tag = TAG, request_body = PushSubscription,
    responses((status = 204, description = "Registered")))]
async fn subscribe(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(subscription): ApiJson<PushSubscription>,
) -> Result<StatusCode, ApiError> {
    state.push.check(&subscription).map_err(ApiError::invalid_field)?;
    let now = state.clock.now();
    state.db(move |store| store.save_push_subscription(user.member_id, user.session_id, &subscription, now)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes one of the caller's push subscriptions (push turned off on this device).
///
/// 404 when the caller has no subscription with that endpoint.
#[utoipa::path(delete, path = "/push/subscription", tag = TAG, request_body = PushEndpoint,
    responses((status = 204, description = "Removed")))]
async fn unsubscribe(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(PushEndpoint { endpoint }): ApiJson<PushEndpoint>,
) -> Result<StatusCode, ApiError> {
    let removed = state.db(move |store| store.remove_push_subscription(user.member_id, &endpoint)).await?;
    if removed { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::not_found("push subscription")) }
}

/// The caller's notification settings.
#[utoipa::path(get, path = "/push/settings", tag = TAG,
    responses((status = 200, description = "The settings (defaults until saved)", body = PushSettings)))]
async fn settings(State(state): State<AppState>, user: AuthUser) -> Result<Json<PushSettings>, ApiError> {
    Ok(Json(state.db(move |store| store.push_settings(user.member_id)).await?))
}

/// Saves the caller's notification settings.
///
/// 422 when quiet hours are outside 0–1439 minutes or the UTC offset beyond ±14 hours.
#[utoipa::path(put, path = "/push/settings", tag = TAG, request_body = PushSettings,
    responses((status = 200, description = "The settings as saved", body = PushSettings)))]
async fn save_settings(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(new): ApiJson<PushSettings>,
) -> Result<Json<PushSettings>, ApiError> {
    if new.quiet_hours.is_some_and(|quiet| !quiet.is_valid()) {
        return Err(ApiError::invalid_field("quiet_hours: start and end are minutes from 0 to 1439"));
    }
    if new.utc_offset_minutes.abs() > MAX_UTC_OFFSET_MINUTES {
        return Err(ApiError::invalid_field("utc_offset_minutes: between -840 and 840"));
    }
    state.db(move |store| store.save_push_settings(user.member_id, &new)).await?;
    Ok(Json(new))
}
