//! Confidential conversations over HTTP: the setting, deterrent reports (each an audit entry; a
//! screenshot shortcut also a notice in the conversation), forwarding (refused for confidential
//! content), the viewer's watermark mark, and for administrators the workspace policy and
//! tracing a leaked picture back to the session it was shown to.

use super::audit::{Actor, record};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, AuthUser, ClientIp};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::json;
use weft_protocol::audit::AuditAction;
use weft_protocol::chat::{ConversationDetail, Message};
use weft_protocol::confidential::{
    ConfidentialPolicy, ConfidentialSettings, DeterrentKind, DeterrentReport, ForwardRequest,
    MAX_DETERRENT_DETAIL_CHARS, WatermarkDecode, WatermarkMark,
};
use weft_protocol::{ConversationId, ConversationRefusal, ErrorCode, Refusal};

/// Largest picture accepted for tracing.
const MAX_TRACE_BYTES: usize = 20 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/confidential", put(set_confidential))
        .route("/conversations/{id}/deterrents", post(report_deterrent))
        .route("/conversations/{id}/messages/{seq}/forward", post(forward))
        .route("/watermark", get(watermark))
        .route("/admin/confidential-policy", get(policy).put(set_policy))
        .route("/admin/watermark/decode", post(decode).layer(DefaultBodyLimit::max(MAX_TRACE_BYTES)))
}

async fn set_confidential(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(settings): ApiJson<ConfidentialSettings>,
) -> Result<Json<ConversationDetail>, ApiError> {
    let now = state.clock.now();
    let recipients = state.db(move |store| store.set_confidential(id, user.member_id, settings, now)).await?;
    if !recipients.is_empty() {
        let action =
            if settings.enabled { AuditAction::ConfidentialTurnedOn } else { AuditAction::ConfidentialTurnedOff };
        record(
            &state,
            Actor::Member(user.member_id),
            action,
            id.to_string(),
            json!({ "lifetime": settings.lifetime }),
            ip,
        )
        .await;
        state.hub.changed(recipients);
    }
    Ok(Json(state.db(move |store| store.conversation_detail(id, user.member_id)).await?))
}

fn audit_action(kind: DeterrentKind) -> AuditAction {
    match kind {
        DeterrentKind::ScreenshotShortcut => AuditAction::ScreenshotSuspected,
        DeterrentKind::PrintAttempt => AuditAction::PrintAttempted,
        DeterrentKind::WatermarkTampered => AuditAction::WatermarkTampered,
        DeterrentKind::CopyAttempt => AuditAction::CopyAttempted,
        DeterrentKind::ViewHidden => AuditAction::ViewHidden,
    }
}

async fn report_deterrent(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(report): ApiJson<DeterrentReport>,
) -> Result<StatusCode, ApiError> {
    if report.detail.chars().count() > MAX_DETERRENT_DETAIL_CHARS {
        return Err(ApiError::invalid_field(format!("detail: at most {MAX_DETERRENT_DETAIL_CHARS} characters")));
    }
    let now = state.clock.now();
    let kind = report.kind;
    if let Err(wait_ms) = state.deterrents.take(user.session_id, id, kind, now) {
        let seconds = u64::try_from(wait_ms).unwrap_or(1).div_ceil(1000);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("this was reported a moment ago; again in {seconds} s"),
        )
        .retry_after(seconds));
    }
    let outcome = match state.db(move |store| store.report_deterrent(id, user.member_id, kind, now)).await {
        Ok(outcome) => outcome,
        Err(err) => {
            state.deterrents.release(user.session_id, id, kind);
            return Err(err);
        }
    };
    let detail = json!({
        "conversation": outcome.title,
        "session": user.session_id.to_string(),
        "detail": report.detail,
    });
    record(&state, Actor::Member(user.member_id), audit_action(kind), id.to_string(), detail, ip).await;
    state.hub.changed(outcome.recipients);
    Ok(StatusCode::NO_CONTENT)
}

async fn forward(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiPath((id, seq)): ApiPath<(ConversationId, u64)>,
    ApiJson(request): ApiJson<ForwardRequest>,
) -> Result<Json<Vec<Message>>, ApiError> {
    let now = crate::now_millis();
    let result = state
        .db(move |store| store.forward_message(id, seq, user.member_id, &request.to, request.client_id, now))
        .await;
    match result {
        Ok((copies, recipients)) => {
            state.hub.changed(recipients);
            Ok(Json(copies))
        }
        Err(err) => {
            if is_confidential_refusal(&err) {
                let detail = json!({ "seq": seq, "session": user.session_id.to_string() });
                record(&state, Actor::Member(user.member_id), AuditAction::ForwardRefused, id.to_string(), detail, ip)
                    .await;
            }
            Err(err)
        }
    }
}

fn is_confidential_refusal(err: &ApiError) -> bool {
    err.code == ErrorCode::Forbidden
        && matches!(err.reason.as_deref(), Some(Refusal::Conversation(ConversationRefusal::Confidential)))
}

async fn watermark(State(state): State<AppState>, user: AuthUser) -> Result<Json<WatermarkMark>, ApiError> {
    let now = state.clock.now();
    let (mark, issued_at) = state.db(move |store| store.watermark_mark(user.session_id, user.member_id, now)).await?;
    let me =
        state.db(move |store| store.member_profile(user.member_id)).await?.ok_or_else(ApiError::unauthenticated)?;
    Ok(Json(WatermarkMark {
        mark,
        name: me.name,
        userid: me.userid,
        session_short: user.session_id.to_string().chars().take(8).collect(),
        issued_at,
    }))
}

async fn policy(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<ConfidentialPolicy>, ApiError> {
    Ok(Json(state.db(|store| store.confidential_policy()).await?))
}

async fn set_policy(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    ApiJson(policy): ApiJson<ConfidentialPolicy>,
) -> Result<Json<ConfidentialPolicy>, ApiError> {
    let now = state.clock.now();
    let saved = policy.clone();
    let recipients = state.db(move |store| store.set_confidential_policy(&saved, now)).await?;
    let detail = serde_json::to_value(&policy).unwrap_or_default();
    record(&state, Actor::Member(admin.member_id), AuditAction::ConfidentialPolicyChanged, "workspace", detail, ip)
        .await;
    state.hub.changed(recipients);
    Ok(Json(policy))
}

async fn decode(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ClientIp(ip): ClientIp,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<WatermarkDecode>, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!("image: at most {} MiB", MAX_TRACE_BYTES / (1024 * 1024)),
            )
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })?;
    let found = tokio::task::spawn_blocking(move || {
        image::load_from_memory(&bytes).map(|picture| weft_watermark::find(&picture))
    })
    .await?
    .map_err(|_| ApiError::invalid_field("image: not a PNG, JPEG, GIF or WebP picture that can be read"))?;
    let owner = match found.mark {
        Some(mark) => state.db(move |store| store.watermark_owner(mark)).await?,
        None => None,
    };
    let detail = json!({
        "score": found.score,
        "member": owner.as_ref().map(|o| o.userid.clone()),
        "session": owner.as_ref().map(|o| o.session_id.to_string()),
    });
    let target = owner.as_ref().map_or_else(String::new, |o| o.userid.clone());
    record(&state, Actor::Member(admin.member_id), AuditAction::WatermarkDecoded, target, detail, ip).await;
    Ok(Json(WatermarkDecode { owner, score: found.score }))
}
