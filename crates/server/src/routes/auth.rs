//! Sign-in (device mode, kiosk code, sign-in protection), sign-out, the current member and
//! session, the member's own sessions with remote sign-out, password change (which rotates the
//! token), the shared device's unlock, kiosk code checks, and the report of a remote wipe.

use super::audit::{Actor, record};
use crate::AppState;
use crate::auth::{PasswordJobError, hash_token, new_token, on_password_thread, verify_password};
use crate::domain::{policies, sessions};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, AuthUser, ClientIp, WipingSession};
use crate::hub::HubEvent;
use crate::sign_in_guard::retry_after_seconds;
use crate::store::{MemberStatus, NewSession};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::net::IpAddr;
use std::time::Instant;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use weft_protocol::audit::AuditAction;
use weft_protocol::auth::{
    ChangePasswordRequest, ChangePasswordResponse, CurrentSession, KioskCheckRequest, KioskCheckResponse, LoginRequest,
    LoginResponse, MAX_DEVICE_LEN, MAX_PASSWORD_LEN, MAX_USERNAME_LEN, MemberProfile, SessionEnd, SessionInfo,
    UnlockRequest,
};
use weft_protocol::{ErrorCode, MemberId, SessionId};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(current_session))
        .routes(routes!(sessions))
        .routes(routes!(sign_out_others))
        .routes(routes!(revoke))
        .routes(routes!(change_password))
        .routes(routes!(unlock))
        .routes(routes!(kiosk_check))
        .routes(routes!(wiped))
        .routes(routes!(me))
}

const TAG: &str = "session";

/// An argon2id hash of a random password: unknown usernames are verified against it so that a
/// wrong username takes as long as a wrong password.
static DECOY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crate::auth::hash_password(&new_token()).unwrap_or_default());

fn bad_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials, "username or password is wrong")
}

fn rate_limited(wait: std::time::Duration) -> ApiError {
    let seconds = retry_after_seconds(wait);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("too many failed sign-ins from here; try again in {seconds} s"),
    )
    .retry_after(seconds)
}

/// Checks `password` against a PHC hash on the password threads; 503 when they are saturated.
async fn password_matches(password: String, phc: String) -> Result<bool, ApiError> {
    match on_password_thread(move || verify_password(&password, &phc)).await {
        Ok(matches) => Ok(matches),
        Err(PasswordJobError::Busy) => Err(ApiError::busy("too many sign-ins at once; try again in a moment", 2)),
        Err(PasswordJobError::Failed) => Err(ApiError::internal()),
    }
}

/// Hashes a new password on the password threads; 503 when they are saturated.
pub(super) async fn hash_new_password(password: String) -> Result<String, ApiError> {
    match on_password_thread(move || crate::auth::hash_password(&password)).await {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(err)) => {
            tracing::error!(error = %err, "hashing a password failed");
            Err(ApiError::internal())
        }
        Err(PasswordJobError::Busy) => Err(ApiError::busy("the server is busy; try again in a moment", 2)),
        Err(PasswordJobError::Failed) => Err(ApiError::internal()),
    }
}

/// Checks the password of a signed-in member, counted by the sign-in guard like a sign-in.
async fn check_own_password(
    state: &AppState,
    member: MemberId,
    address: Option<IpAddr>,
    password: String,
    field: &str,
) -> Result<String, ApiError> {
    let profile = state.db(move |store| store.member_profile(member)).await?.ok_or_else(ApiError::unauthenticated)?;
    let userid = profile.userid;
    if let Err(wait) = state.sign_in_guard.check(&userid, address, Instant::now()) {
        record(state, Actor::Member(member), AuditAction::SignInDelayed, field, json!({}), address).await;
        return Err(rate_limited(wait));
    }
    let lookup = userid.clone();
    let credentials = state.db(move |store| store.credentials(&lookup)).await?.ok_or_else(ApiError::unauthenticated)?;
    if password.is_empty()
        || password.len() > MAX_PASSWORD_LEN
        || !password_matches(password, credentials.password_hash).await?
    {
        state.sign_in_guard.record_failure(&userid, address, Instant::now());
        record(state, Actor::Member(member), AuditAction::SignInFailed, field, json!({}), address).await;
        return Err(ApiError::invalid_field(format!("{field}: the password is wrong")));
    }
    state.sign_in_guard.record_success(&userid, address);
    Ok(userid)
}

/// Signs in with username and password and returns a new session token (shown once). No sign-in
/// needed. 401: wrong username or password; 403: the account is disabled; 429: too many failed
/// sign-ins from here (see `Retry-After`); 503: too many sign-ins at once. A `kiosk_code` that is
/// no longer valid is a field error; with a valid one the session is always shared.
#[utoipa::path(post, path = "/auth/login", tag = TAG, security(()), request_body = LoginRequest,
    responses((status = 200, description = "The new session: its token, id, the member and the session's terms", body = LoginResponse)))]
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
    let kiosk = match request.kiosk_code.as_deref().map(str::trim).filter(|code| !code.is_empty()) {
        Some(code) => {
            let code_hash = hash_token(code);
            let found = state.db(move |store| store.kiosk_by_code(&code_hash)).await?;
            let (id, _label) = found.ok_or_else(|| {
                ApiError::invalid_field(
                    "kiosk_code: this browser's kiosk code is not valid any more; ask your administrator",
                )
            })?;
            Some(id)
        }
        None => None,
    };
    if let Err(wait) = state.sign_in_guard.check(&username, ip, Instant::now()) {
        record(&state, Actor::Named(&username), AuditAction::SignInDelayed, "", json!({}), ip).await;
        return Err(rate_limited(wait));
    }

    let lookup = username.clone();
    let credentials = state.db(move |store| store.credentials(&lookup)).await?;
    let phc = credentials.as_ref().map_or_else(|| DECOY_HASH.clone(), |c| c.password_hash.clone());
    let password_ok = password_matches(request.password, phc).await?;

    let Some(credentials) = credentials.filter(|_| password_ok) else {
        state.sign_in_guard.record_failure(&username, ip, Instant::now());
        record(&state, Actor::Named(&username), AuditAction::SignInFailed, "", json!({}), ip).await;
        return Err(bad_credentials());
    };
    if !sessions::may_sign_in(credentials.status == MemberStatus::Active) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::AccountDisabled,
            "this account is disabled; ask your administrator",
        ));
    }
    state.sign_in_guard.record_success(&username, ip);

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
    let now = state.clock.now();
    let asked = request.mode;
    let (me, terms) = state
        .db(move |store| {
            let policy = store.session_policy_of(member_id)?;
            let terms = sessions::terms(&policy, asked, kiosk.is_some(), now);
            let address = ip.map(|ip| ip.to_string());
            store.create_session(&NewSession {
                id: session_id,
                member: member_id,
                token_hash: &token_hash,
                device: &device,
                address: address.as_deref(),
                kiosk,
                terms,
                now,
            })?;
            Ok((store.member_profile(member_id)?, terms))
        })
        .await?;
    let me = me.ok_or_else(ApiError::internal)?;
    let terms = policies::with_device_policies(terms, &state.policies.current());
    let detail = json!({ "mode": terms.mode, "kiosk": kiosk.is_some() });
    record(&state, Actor::Member(member_id), AuditAction::SignedIn, session_id.to_string(), detail, ip).await;
    Ok(Json(LoginResponse { token, session_id, me, terms }))
}

/// Signs this session out. The answer asks the browser to drop what it cached over HTTP for
/// this origin (`Clear-Site-Data: "cache"`); the app wipes the person's stored data itself, so
/// the installed app's own files stay for the next person.
#[utoipa::path(post, path = "/auth/logout", tag = TAG,
    responses((status = 204, description = "Signed out; the token stops working at once",
        headers(("Clear-Site-Data" = String, description = "`\"cache\"`: the browser drops its HTTP cache for this origin")))))]
async fn logout(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
) -> Result<Response, ApiError> {
    end_session(&state, user, user.session_id).await?;
    let target = user.session_id.to_string();
    record(&state, Actor::Member(user.member_id), AuditAction::SignedOut, target, json!({}), ip).await;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::HeaderName::from_static("clear-site-data"), HeaderValue::from_static("\"cache\""));
    Ok(response)
}

/// The signed-in member's own profile.
#[utoipa::path(get, path = "/me", tag = TAG,
    responses((status = 200, description = "The caller's profile", body = MemberProfile)))]
async fn me(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<Json<MemberProfile>, ApiError> {
    let profile = state.db(move |store| store.member_profile(user.member_id)).await?;
    profile.map(Json).ok_or_else(ApiError::unauthenticated)
}

/// This session: its id and the terms it runs under (device mode, lifetimes, when it ends).
#[utoipa::path(get, path = "/auth/session", tag = TAG,
    responses((status = 200, description = "The caller's current session", body = CurrentSession)))]
async fn current_session(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<Json<CurrentSession>, ApiError> {
    let terms = state.db(move |store| store.session_terms(user.session_id)).await?;
    let terms = terms.ok_or_else(ApiError::unauthenticated)?;
    let terms = policies::with_device_policies(terms, &state.policies.current());
    Ok(Json(CurrentSession { id: user.session_id, terms }))
}

/// The caller's own sessions (devices where they are signed in), this one marked.
#[utoipa::path(get, path = "/auth/sessions", tag = TAG,
    responses((status = 200, description = "The caller's sessions", body = Vec<SessionInfo>)))]
async fn sessions(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    let list = state.db(move |store| store.sessions_of(user.member_id, user.session_id)).await?;
    Ok(Json(list))
}

/// Signs out one of the caller's own sessions (e.g. a lost device); its live sockets close.
/// 404: no live session of the caller has this id.
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = TAG,
    params(("id" = SessionId, Path, description = "One of the caller's sessions")),
    responses((status = 204, description = "The session ended")))]
async fn revoke(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    end_session(&state, user, id).await?;
    let actor = Actor::Member(user.member_id);
    record(&state, actor, AuditAction::SessionsSignedOutByMember, id.to_string(), json!({}), ip).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out every session of the caller except this one.
#[utoipa::path(post, path = "/auth/sessions/sign-out-others", tag = TAG,
    responses((status = 204, description = "Every other session ended")))]
async fn sign_out_others(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let ended = state.db(move |store| store.revoke_other_sessions(user.member_id, user.session_id, now)).await?;
    let detail = json!({ "sessions": ended.len() });
    record(&state, Actor::Member(user.member_id), AuditAction::SessionsSignedOutByMember, "others", detail, ip).await;
    close_sockets(&state, ended);
    Ok(StatusCode::NO_CONTENT)
}

/// The member's own password change: the current password must match; this session gets a new
/// token (the old one stops working at once) and every other session ends. A wrong current
/// password is a field error and counts as a failed sign-in (429 after too many).
#[utoipa::path(post, path = "/auth/password", tag = TAG, request_body = ChangePasswordRequest,
    responses((status = 200, description = "The new token of this session", body = ChangePasswordResponse)))]
async fn change_password(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<Json<ChangePasswordResponse>, ApiError> {
    let userid = check_own_password(&state, user.member_id, ip, request.current_password, "current_password").await?;
    sessions::check_new_password(&userid, &request.new_password).map_err(ApiError::invalid_field)?;
    let password_hash = hash_new_password(request.new_password).await?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let now = state.clock.now();
    let ended = state
        .db(move |store| store.change_own_password(user.member_id, user.session_id, &password_hash, &token_hash, now))
        .await?;
    let detail = json!({ "other_sessions_ended": ended.len() });
    record(&state, Actor::Member(user.member_id), AuditAction::PasswordChanged, userid, detail, ip).await;
    close_sockets(&state, ended);
    Ok(Json(ChangePasswordResponse { token }))
}

/// Lifts a shared device's idle lock: the signed-in member's password, counted like a sign-in
/// (a wrong one is a field error; 429 after too many).
#[utoipa::path(post, path = "/auth/unlock", tag = TAG, request_body = UnlockRequest,
    responses((status = 204, description = "Unlocked")))]
async fn unlock(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<UnlockRequest>,
) -> Result<StatusCode, ApiError> {
    check_own_password(&state, user.member_id, ip, request.password, "password").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a kiosk enrolment code is valid (before a browser keeps it). Codes are 256-bit
/// random, so answering this to anyone reveals nothing guessable. No sign-in needed; 404: no
/// such code (or it was revoked).
#[utoipa::path(post, path = "/auth/kiosk-check", tag = TAG, security(()), request_body = KioskCheckRequest,
    responses((status = 200, description = "The code is valid; the kiosk's label", body = KioskCheckResponse)))]
async fn kiosk_check(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(request): ApiJson<KioskCheckRequest>,
) -> Result<Json<KioskCheckResponse>, ApiError> {
    let code = request.code.trim();
    if code.is_empty() || code.len() > 128 {
        return Err(ApiError::invalid_field("code: enter the enrolment code your administrator gave you"));
    }
    let code_hash = hash_token(code);
    let found = state.db(move |store| store.kiosk_by_code(&code_hash)).await?;
    let (_, label) = found.ok_or_else(|| ApiError::not_found("kiosk code"))?;
    Ok(Json(KioskCheckResponse { label }))
}

/// The device of a session asked to wipe reports it done; the session ends as wiped. Takes the
/// token of that session (which otherwise answers 401 `wipe_required`); 409: no wipe was asked
/// of this session.
#[utoipa::path(post, path = "/auth/wiped", tag = TAG,
    responses((status = 204, description = "The wipe is recorded and the session ended")))]
async fn wiped(
    axum::extract::State(state): axum::extract::State<AppState>,
    WipingSession(session, member): WipingSession,
    ClientIp(ip): ClientIp,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    if !state.db(move |store| store.report_wiped(session, now)).await? {
        return Err(ApiError::unauthenticated());
    }
    record(&state, Actor::Member(member), AuditAction::WipeReported, session.to_string(), json!({}), ip).await;
    close_sockets(&state, vec![session]);
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes one of the caller's sessions and closes its live sockets.
async fn end_session(state: &AppState, user: AuthUser, session: SessionId) -> Result<(), ApiError> {
    let now = state.clock.now();
    let revoked =
        state.db(move |store| store.revoke_session(user.member_id, session, SessionEnd::SignedOut, now)).await?;
    if !revoked {
        return Err(ApiError::not_found("session"));
    }
    close_sockets(state, vec![session]);
    Ok(())
}

/// Closes the live sockets of ended sessions.
pub(super) fn close_sockets(state: &AppState, ended: Vec<SessionId>) {
    for session in ended {
        state.hub.publish(HubEvent::SessionEnded { session });
    }
}
