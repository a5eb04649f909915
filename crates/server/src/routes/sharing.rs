//! Sharing to other apps: before the app hands a message or its file to the device's share
//! sheet, it asks here. The server refuses (403) when the workspace's policy turns external
//! sharing off or the conversation is confidential, and 404 when the caller is not in the
//! conversation or the message is gone; otherwise it records the share in the audit log and says
//! yes (204). The app shares nothing it could not ask about, so with the network cut nothing
//! leaves the app this way.

use super::audit::{Actor, record};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiPath, AuthUser, ClientIp};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::audit::AuditAction;
use weft_protocol::{ConversationId, ErrorCode};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(share_out))
}

/// Asks to share one message (its text, or its file) to another app on the device. 204 and an
/// audit entry when allowed; 403 when the workspace's policy turns sharing off or the
/// conversation is confidential; 404 for a conversation the caller is not in or a message that
/// is not there (or was recalled).
#[utoipa::path(post, path = "/conversations/{id}/messages/{seq}/share-out", tag = "conversations",
    params(("id" = ConversationId, Path, description = "The conversation the message is in"), ("seq" = u64, Path, description = "The message's sequence number in the conversation")),
    responses((status = 204, description = "Allowed, and recorded")))]
async fn share_out(
    State(state): State<AppState>,
    user: AuthUser,
    ClientIp(ip): ClientIp,
    ApiPath((id, seq)): ApiPath<(ConversationId, u64)>,
) -> Result<StatusCode, ApiError> {
    if !state.policies.current().external_sharing {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "sharing to other apps is turned off in this workspace",
        ));
    }
    let member = user.member_id;
    let found = state
        .db(move |store| {
            if !store.is_participant(id, member)? {
                return Ok(None);
            }
            let detail = store.conversation_detail(id, member)?;
            let page = store.messages(id, Some(seq.saturating_add(1)), 1)?;
            Ok(Some((detail, page)))
        })
        .await?;
    let Some((detail, page)) = found else { return Err(ApiError::not_found("conversation")) };
    if detail.summary.confidential.is_some() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "messages of a confidential conversation are not shared outside it",
        ));
    }
    let message = page
        .messages
        .into_iter()
        .find(|message| message.seq == seq && !message.recalled)
        .ok_or_else(|| ApiError::not_found("message"))?;
    let detail = json!({
        "seq": seq,
        "file": message.attachment.map(|file| file.file_name),
        "session": user.session_id.to_string(),
    });
    record(&state, Actor::Member(member), AuditAction::SharedToAnotherApp, id.to_string(), detail, ip).await;
    Ok(StatusCode::NO_CONTENT)
}
