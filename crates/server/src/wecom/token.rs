//! `GET /cgi-bin/gettoken?corpid=&corpsecret=`: an integration app trades its secret for an
//! access token that works for 7200 seconds. Each issue and each refusal is an audit entry.

use super::{WecomError, allowed_from, errcode, ok, query_param};
use crate::AppState;
use crate::extract::ClientIp;
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::{Value, json};
use weft_protocol::audit::AuditAction;
use weft_protocol::integration::ACCESS_TOKEN_SECONDS;

pub fn router() -> Router<AppState> {
    Router::new().route("/gettoken", get(get_token))
}

async fn get_token(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, WecomError> {
    let corp_id = query_param(query.as_deref(), "corpid").filter(|id| !id.is_empty());
    let secret = query_param(query.as_deref(), "corpsecret").filter(|secret| !secret.is_empty());
    let corp_id = corp_id.ok_or_else(|| WecomError::new(errcode::MISSING_CORPID, "corpid missing"))?;
    let secret = secret.ok_or_else(|| WecomError::new(errcode::MISSING_SECRET, "corpsecret missing"))?;
    if corp_id != state.db(|store| store.corp_id()).await? {
        return Err(WecomError::new(errcode::INVALID_CORPID, "invalid corpid"));
    }
    let hash = crate::auth::hash_token(&secret);
    let Some(app) = state.db(move |store| store.app_by_secret(&hash)).await? else {
        let detail = json!({ "reason": "invalid secret" });
        crate::routes::record_integration(&state, "", AuditAction::IntegrationTokenRefused, detail, address).await;
        return Err(WecomError::new(errcode::INVALID_SECRET, "invalid credential: the secret is wrong"));
    };
    if let Err(refused) = allowed_from(&app, address) {
        let detail = json!({ "reason": "address not allowed" });
        let name = format!("{} ({})", app.name, app.agent_id);
        crate::routes::record_integration(&state, &name, AuditAction::IntegrationTokenRefused, detail, address).await;
        return Err(refused);
    }
    let token = crate::auth::new_token();
    let (hash, now) = (crate::auth::hash_token(&token), state.clock.now());
    let expires_at = now + i64::from(ACCESS_TOKEN_SECONDS) * 1000;
    let agent_id = app.agent_id;
    state.db(move |store| store.issue_integration_token(agent_id, &hash, expires_at, now)).await?;
    let name = format!("{} ({agent_id})", app.name);
    crate::routes::record_integration(&state, &name, AuditAction::IntegrationTokenIssued, json!({}), address).await;
    Ok(ok(json!({ "access_token": token, "expires_in": ACCESS_TOKEN_SECONDS })))
}
