//! Compliance archives (`/admin/archives`, auditors only): choosing conversations, and exporting
//! the communications of chosen members and conversations over a time range as a signed tar —
//! `conversations.jsonl`, `messages.jsonl`, `files/<sha256>`, `manifest.json` (every other entry
//! with its SHA-256) and `signature.json` (ECDSA P-256 over the manifest's bytes). Each export is
//! an audit entry; confidential conversations follow the confidential policy.

use super::audit::{Actor, record};
use crate::AppState;
use crate::domain::archive::{check_request, manifest, sha256_hex, split_confidential};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, AuditorUser, ClientIp};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeSet;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::archive::{ArchiveCandidate, ArchiveManifest, ArchiveRequest, ArchiveSignature, ArchivedMessage};
use weft_protocol::audit::AuditAction;

const TAG: &str = "audit";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(candidates)).routes(routes!(export))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct CandidateQuery {
    /// Part of a group's name, a participant's name or userid; empty lists the newest.
    #[serde(default)]
    q: String,
}

/// Conversations an auditor may put in an archive, found by title or participant (auditors
/// only; at most 50, newest first).
#[utoipa::path(get, path = "/admin/archives/conversations", tag = TAG, params(CandidateQuery),
    responses((status = 200, description = "Matching conversations", body = Vec<ArchiveCandidate>)))]
async fn candidates(
    State(state): State<AppState>,
    _auditor: AuditorUser,
    ApiQuery(query): ApiQuery<CandidateQuery>,
) -> Result<Json<Vec<ArchiveCandidate>>, ApiError> {
    Ok(Json(state.db(move |store| store.archive_candidates(&query.q, 50)).await?))
}

/// The server's archive signing key, made once.
async fn signing_key(state: &AppState) -> Result<SigningKey, ApiError> {
    let now = state.clock.now();
    let make = || URL_SAFE_NO_PAD.encode(SigningKey::random(&mut rand_core::OsRng).to_bytes());
    let stored = state.db(move |store| store.archive_signing_key(&make, now)).await?;
    let bytes = URL_SAFE_NO_PAD.decode(stored).map_err(|_| ApiError::internal())?;
    SigningKey::from_slice(&bytes).map_err(|_| ApiError::internal())
}

/// One JSON object per line.
fn json_lines<T: serde::Serialize>(items: impl IntoIterator<Item = T>) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        serde_json::to_writer(&mut out, &item).map_err(|_| ApiError::internal())?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Exports a compliance archive (auditors only): every message sent in `[since, until)` in the
/// chosen conversations and in every conversation the chosen members take part in, with their
/// files, as a tar download. Confidential conversations are included (and marked) only when the
/// confidential policy says archives include them; the manifest lists those left out. 422 for an
/// empty choice or range; 404 for an unknown member or conversation. The export is recorded in
/// the audit log with the manifest's SHA-256.
#[utoipa::path(post, path = "/admin/archives", tag = TAG, request_body = ArchiveRequest,
    responses((status = 200, description = "The archive, as the download `weft-archive-<time>.tar`",
        content_type = "application/x-tar", body = String)))]
async fn export(
    State(state): State<AppState>,
    AuditorUser(auditor): AuditorUser,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<ArchiveRequest>,
) -> Result<Response, ApiError> {
    check_request(&request).map_err(ApiError::problems)?;
    let (members, chosen) = (request.member_ids.clone(), request.conversation_ids.clone());
    let conversations = state.db(move |store| store.archive_conversations(&chosen, &members)).await?;
    let policy = state.db(|store| store.confidential_policy()).await?;
    let (included, excluded_confidential) = split_confidential(conversations, policy.in_archives);

    let mut messages: Vec<ArchivedMessage> = Vec::new();
    let mut files: BTreeSet<String> = BTreeSet::new();
    for conversation in &included {
        let (id, confidential, since, until) =
            (conversation.id, conversation.confidential, request.since, request.until);
        for (mut message, sha256) in state.db(move |store| store.archive_messages(id, since, until)).await? {
            message.confidential = confidential;
            if let Some(sha256) = sha256 {
                files.insert(sha256);
            }
            messages.push(message);
        }
    }
    let blobs = std::sync::Arc::clone(&state.blobs);
    let file_entries = tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .filter_map(|sha256| blobs.get(&sha256).ok().map(|bytes| (format!("files/{sha256}"), bytes)))
            .collect::<Vec<_>>()
    })
    .await?;

    let mut entries = vec![
        ("conversations.jsonl".to_owned(), json_lines(&included)?),
        ("messages.jsonl".to_owned(), json_lines(&messages)?),
    ];
    entries.extend(file_entries);
    let auditor_id = auditor.member_id;
    let created_by =
        state.db(move |store| store.member_profile(auditor_id)).await?.map(|p| p.userid).unwrap_or_default();
    let now = state.clock.now();
    let facts = ArchiveManifest {
        format: String::new(),
        entries: Vec::new(),
        created_at: now,
        created_by,
        request: request.clone(),
        conversations: u32::try_from(included.len()).unwrap_or(u32::MAX),
        messages: u32::try_from(messages.len()).unwrap_or(u32::MAX),
        excluded_confidential: excluded_confidential.clone(),
    };
    let manifest = manifest(facts, &entries);
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|_| ApiError::internal())?;
    let key = signing_key(&state).await?;
    let signature: Signature = key.sign(&manifest_bytes);
    let signature = ArchiveSignature {
        algorithm: "ES256".into(),
        public_key: URL_SAFE_NO_PAD.encode(VerifyingKey::from(&key).to_encoded_point(false).as_bytes()),
        signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
    };
    let manifest_sha256 = sha256_hex(&manifest_bytes);
    let mut all = vec![
        ("manifest.json".to_owned(), manifest_bytes),
        ("signature.json".to_owned(), serde_json::to_vec_pretty(&signature).map_err(|_| ApiError::internal())?),
    ];
    all.extend(entries);
    let seconds = u64::try_from(now / 1000).unwrap_or(0);
    let tar = tokio::task::spawn_blocking(move || crate::archive_tar::write(&all, seconds)).await?;

    let detail = json!({
        "since": request.since,
        "until": request.until,
        "members": request.member_ids.len(),
        "conversations": manifest.conversations,
        "messages": manifest.messages,
        "excluded_confidential": excluded_confidential.len(),
    });
    record(&state, Actor::Member(auditor.member_id), AuditAction::ArchiveExported, manifest_sha256, detail, ip).await;

    let mut response = tar.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-tar"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"weft-archive-{now}.tar\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
