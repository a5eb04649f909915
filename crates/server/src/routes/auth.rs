//! Sign-in, sign-out, the current member, and the session list with remote sign-out.

use crate::AppState;
use crate::auth::{hash_token, new_token, verify_password};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, AuthUser, ClientIp};
use crate::hub::HubEvent;
use crate::store::MemberStatus;
use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use uuid::Uuid;
use weft_protocol::auth::{
    LoginRequest, LoginResponse, MAX_DEVICE_LEN, MAX_PASSWORD_LEN, MAX_USERNAME_LEN, MemberProfile, SessionInfo,
};
use weft_protocol::{ErrorCode, SessionId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/sessions", get(sessions))
        .route("/auth/sessions/{id}", delete(revoke))
        .route("/me", get(me))
}

/// An argon2id hash of a random password: unknown usernames are verified against it so that a
/// wrong username takes as long as a wrong password.
static DECOY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crate::auth::hash_password(&new_token()).unwrap_or_default());

fn bad_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials, "username or password is wrong")
}

async fn login(
    axum::extract::State(state): axum::extract::State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let username = request.username.trim().to_owned();
    if username.is_empty() {
        return Err(ApiError::invalid_field("username: enter your username"));
    }
    if username.len() > MAX_USERNAME_LEN {
        return Err(ApiError::invalid_field(format!("username: at most {MAX_USERNAME_LEN} bytes")));
    }
    if request.password.is_empty() {
        return Err(ApiError::invalid_field("password: enter your password"));
    }
    if request.password.len() > MAX_PASSWORD_LEN {
        return Err(ApiError::invalid_field(format!("password: at most {MAX_PASSWORD_LEN} bytes")));
    }
    if let Err(wait) = state.limiter.check(&username, ip) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("too many failed sign-ins; try again in {wait} s"),
        ));
    }

    let lookup = username.clone();
    let credentials = state.db(move |store| store.credentials(&lookup)).await?;
    let password = request.password;
    let phc = credentials.as_ref().map_or_else(|| DECOY_HASH.clone(), |c| c.password_hash.clone());
    let password_ok = crate::auth::on_password_thread(move || verify_password(&password, &phc))
        .await
        .ok_or_else(ApiError::internal)?;

    let Some(credentials) = credentials.filter(|_| password_ok) else {
        state.limiter.record_failure(&username, ip);
        return Err(bad_credentials());
    };
    if !crate::domain::sessions::may_sign_in(credentials.status == MemberStatus::Active) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::AccountDisabled,
            "this account is disabled; ask your administrator",
        ));
    }
    state.limiter.record_success(&username);

    let token = new_token();
    let token_hash = hash_token(&token);
    let session_id = SessionId(Uuid::now_v7());
    let device: String = request
        .device
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or("Unknown device")
        .chars()
        .take(MAX_DEVICE_LEN)
        .collect();
    let member_id = credentials.member_id;
    let now = crate::now_millis();
    let me = state
        .db(move |store| {
            store.create_session(session_id, member_id, &token_hash, &device, now)?;
            store.member_profile(member_id)
        })
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(Json(LoginResponse { token, session_id, me }))
}

async fn logout(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<StatusCode, ApiError> {
    end_session(&state, user, user.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<Json<MemberProfile>, ApiError> {
    let profile = state.db(move |store| store.member_profile(user.member_id)).await?;
    profile.map(Json).ok_or_else(ApiError::unauthenticated)
}

async fn sessions(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    let list = state.db(move |store| store.sessions_of(user.member_id, user.session_id)).await?;
    Ok(Json(list))
}

async fn revoke(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    end_session(&state, user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes one of the caller's sessions and closes its live sockets.
async fn end_session(state: &AppState, user: AuthUser, session: SessionId) -> Result<(), ApiError> {
    let now = crate::now_millis();
    let revoked = state.db(move |store| store.revoke_session(user.member_id, session, now)).await?;
    if !revoked {
        return Err(ApiError::not_found("session"));
    }
    state.hub.publish(HubEvent::SessionEnded { session });
    Ok(())
}
