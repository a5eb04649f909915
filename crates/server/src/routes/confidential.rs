//! Confidential conversations over HTTP: the setting, deterrent reports (each an audit entry; a
//! screenshot shortcut also a notice in the conversation), forwarding (refused for confidential
//! content), the viewer's watermark mark, and for administrators the workspace policy and
//! tracing a leaked picture back to the session it was shown to.

use super::audit::{Actor, record};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminUser, ApiJson, ApiPath, AuditReader, AuthUser, ClientIp};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use serde_json::json;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use weft_protocol::audit::AuditAction;
use weft_protocol::chat::{ConversationDetail, Message};
use weft_protocol::confidential::{
    ConfidentialPolicy, ConfidentialSettings, DeterrentKind, DeterrentReport, ForwardRequest,
    MAX_DETERRENT_DETAIL_CHARS, WatermarkDecode, WatermarkMark,
};
use weft_protocol::{ConversationId, ConversationRefusal, ErrorCode, Refusal};

/// Largest picture accepted for tracing.
const MAX_TRACE_BYTES: usize = 20 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_confidential))
        .routes(routes!(report_deterrent))
        .routes(routes!(forward))
        .routes(routes!(watermark))
        .routes(routes!(policy, set_policy))
        .routes(routes!(decode).layer(DefaultBodyLimit::max(MAX_TRACE_BYTES)))
}

const TAG: &str = "confidential";

/// Turns a conversation's confidentiality on or off, or changes its message lifetime. In a group
/// only its owner or an administrator may (403 for other members); a participant of a direct
/// chat may. 409 for the approvals and app conversations, and for turning off what the
/// workspace policy turned on. Posts a notice into the conversation when it is turned on or off.
#[utoipa::path(put, path = "/conversations/{id}/confidential", tag = TAG, request_body = ConfidentialSettings,
    params(("id" = ConversationId, Path, description = "The conversation")),
    responses((status = 200, description = "The conversation with its new setting", body = ConversationDetail)))]
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

/// Reports what the app noticed in a confidential conversation (a screenshot shortcut, a print
/// or copy attempt, a tampered watermark, the view hidden). Each report is an audit entry; a
/// screenshot shortcut also posts a notice into the conversation. The same report from the same
/// session is accepted once in a short while (429 with `Retry-After` otherwise).
#[utoipa::path(post, path = "/conversations/{id}/deterrents", tag = TAG, request_body = DeterrentReport,
    params(("id" = ConversationId, Path, description = "The confidential conversation")),
    responses((status = 204, description = "Recorded")))]
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

/// Forwards one message into other conversations the caller takes part in (at most 20). Refused
/// with 403 for a confidential conversation's messages (the refusal is an audit entry). A retry
/// with the same `client_id` sends nothing twice.
#[utoipa::path(post, path = "/conversations/{id}/messages/{seq}/forward", tag = TAG, request_body = ForwardRequest,
    params(("id" = ConversationId, Path, description = "The conversation the message is in"), ("seq" = u64, Path, description = "The message's sequence number in the conversation")),
    responses((status = 200, description = "The copies, one per target conversation", body = Vec<Message>)))]
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

/// The watermark the caller's session shows on confidential views now: the hidden mark (issued
/// per session and hour) and the text of the visible watermark.
#[utoipa::path(get, path = "/watermark", tag = TAG,
    responses((status = 200, description = "The session's current watermark", body = WatermarkMark)))]
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

/// The workspace's confidential policy (administrators only).
#[utoipa::path(get, path = "/admin/confidential-policy", tag = TAG,
    responses((status = 200, description = "The policy", body = ConfidentialPolicy)))]
async fn policy(State(state): State<AppState>, _admin: AdminUser) -> Result<Json<ConfidentialPolicy>, ApiError> {
    Ok(Json(state.db(|store| store.confidential_policy()).await?))
}

/// Replaces the workspace's confidential policy (administrators only) and applies it to every
/// direct chat at once. The change is an audit entry.
#[utoipa::path(put, path = "/admin/confidential-policy", tag = TAG, request_body = ConfidentialPolicy,
    responses((status = 200, description = "The saved policy", body = ConfidentialPolicy)))]
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

/// Traces a leaked picture of a confidential view back to the member and session it was shown to
/// (administrators and auditors). The body is the picture itself (PNG, JPEG, GIF or WebP, at most 20 MiB;
/// 413 when larger, 422 when it cannot be read). Each trace is an audit entry.
#[utoipa::path(post, path = "/admin/watermark/decode", tag = TAG,
    request_body(content = crate::openapi::Binary, content_type = "application/octet-stream", description = "The picture's bytes"),
    responses((status = 200, description = "Whose mark was found (if any) and how clearly", body = WatermarkDecode)))]
async fn decode(
    State(state): State<AppState>,
    AuditReader(admin): AuditReader,
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
