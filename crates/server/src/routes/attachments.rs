//! Files: upload (raw body, at most 10 MiB, type decided from the bytes, name sanitised, a
//! thumbnail made for images), a short-lived signed URL for those allowed to see the file or its
//! thumbnail, and serving the bytes behind it. Signed URLs let `<img src>` work without the bearer
//! token, expire after five minutes, and name the variant they serve inside the signature (and,
//! in a confidential chat, the viewer's mark and for a PDF the page: see `attachment_pages`).

use super::attachment_pages;
use crate::AppState;
use crate::auth::{same_signature, sign};
use crate::blobs::sniff_content_type;
use crate::error::ApiError;
use crate::extract::{ApiPath, AuthUser, query_param};
use crate::store::{StoredAttachment, StoredThumbnail};
use crate::thumbnails::ThumbnailError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;
use weft_protocol::chat::{Attachment, FileVariant, MAX_ATTACHMENT_BYTES, SignedUrl, Thumbnail, sanitize_file_name};
use weft_protocol::{AttachmentId, ClientId, ConversationRefusal, ErrorCode, MemberId, Refusal};

/// How long a signed URL works.
const URL_LIFETIME_MS: i64 = 5 * 60 * 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES)))
        .routes(routes!(signed_url))
        .routes(routes!(attachment_pages::pages))
        .routes(routes!(download))
}

const TAG: &str = "files";

/// Uploads a file as the raw request body (at most 10 MiB; its type is decided from the bytes,
/// its name sanitised, a thumbnail made for an image). A retry with the same `client_id` does
/// not count twice against the caller's upload quota. 413: the file is too large or would pass
/// the quota.
#[utoipa::path(post, path = "/attachments", tag = TAG,
    params(
        ("client_id" = Uuid, Query, description = "A UUID the client picks to name this upload"),
        ("name" = Option<String>, Query, description = "The file's name (sanitised)"),
    ),
    request_body(content = crate::openapi::Binary, content_type = "application/octet-stream", description = "The file's bytes"),
    responses((status = 201, description = "The stored file", body = Attachment)))]
async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!("file: at most {} MiB", MAX_ATTACHMENT_BYTES / (1024 * 1024)),
            )
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })?;
    if bytes.is_empty() {
        return Err(ApiError::invalid_field("file: the file is empty"));
    }
    let client_id = query_param(query.as_deref(), "client_id")
        .and_then(|id| id.parse::<Uuid>().ok())
        .map(ClientId)
        .ok_or_else(|| ApiError::invalid_field("client_id: a UUID naming this upload"))?;
    let file_name = sanitize_file_name(&query_param(query.as_deref(), "name").unwrap_or_default());
    check_policies(&state, &file_name, bytes.len() as u64)?;
    let quota = state.limits().upload_quota_bytes;
    let used = state.db(move |store| store.uploaded_bytes(user.member_id, client_id)).await?;
    if used.saturating_add(bytes.len() as u64) > quota {
        const MIB: u64 = 1024 * 1024;
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!(
                "file: this would pass your upload quota of {} MiB ({} MiB used); ask your administrator",
                quota / MIB,
                used.div_ceil(MIB)
            ),
        ));
    }
    let stored = keep_file(&state, user.member_id, client_id, file_name, bytes).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The workspace's file policies (Policies page): the largest file, and the kinds allowed.
fn check_policies(state: &AppState, file_name: &str, size: u64) -> Result<(), ApiError> {
    let policies = state.policies.current();
    if size > policies.max_file_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("file: at most {} KiB under this workspace's policy", policies.max_file_bytes / 1024),
        ));
    }
    if !policies.allows_file(file_name) {
        let kind =
            file_name.rsplit_once('.').map(|(_, ext)| format!(".{ext} files")).unwrap_or("files without a type".into());
        return Err(ApiError::invalid_field(format!(
            "file: {kind} are not allowed in this workspace; allowed: {}",
            policies.allowed_file_types.join(", ")
        )));
    }
    Ok(())
}

/// Stores a file's bytes (content-addressed), its thumbnail when it is an image, and its row
/// under `owner`: the upload route's work, shared with robots' pictures.
pub(crate) async fn keep_file(
    state: &AppState,
    owner: MemberId,
    client_id: ClientId,
    file_name: String,
    bytes: Bytes,
) -> Result<Attachment, ApiError> {
    let content_type = sniff_content_type(&bytes).to_owned();
    let blobs = state.blobs.clone();
    let size = bytes.len() as u64;
    let original = bytes.clone();
    let sha256 = tokio::task::spawn_blocking(move || blobs.put(&original)).await?.map_err(|err| {
        tracing::error!(error = %err, "storing an upload failed");
        ApiError::internal()
    })?;
    let mut attachment = Attachment {
        id: AttachmentId(Uuid::now_v7()),
        file_name,
        content_type,
        size,
        width: None,
        height: None,
        thumbnail: None,
    };
    let thumbnail = if attachment.is_image() { thumbnail(state, bytes, &mut attachment).await? } else { None };
    let file = StoredAttachment { attachment, sha256, thumbnail };
    let now = crate::now_millis();
    state.db(move |store| store.create_attachment(owner, client_id, &file, now)).await
}

/// Makes and stores the thumbnail of an uploaded image, filling in its sizes. An image that cannot
/// be decoded, or is over the decoding limits, is kept as a plain file without one.
async fn thumbnail(
    state: &AppState,
    bytes: Bytes,
    attachment: &mut Attachment,
) -> Result<Option<StoredThumbnail>, ApiError> {
    let made = match state.thumbnails.generate(bytes, attachment.content_type.clone()).await {
        Ok(made) => made,
        Err(err @ ThumbnailError::Panicked(_)) => {
            tracing::error!(error = %err, "making a thumbnail failed; the upload is kept without one");
            return Ok(None);
        }
        Err(err) => {
            tracing::info!(error = %err, "no thumbnail for an upload; it is kept as a plain file");
            return Ok(None);
        }
    };
    let blobs = state.blobs.clone();
    let thumbnail_bytes = made.bytes;
    let sha256 = tokio::task::spawn_blocking(move || blobs.put(&thumbnail_bytes)).await?.map_err(|err| {
        tracing::error!(error = %err, "storing a thumbnail failed");
        ApiError::internal()
    })?;
    attachment.width = Some(made.original_width);
    attachment.height = Some(made.original_height);
    attachment.thumbnail = Some(Thumbnail { width: made.width, height: made.height });
    Ok(Some(StoredThumbnail { sha256, content_type: made.content_type.to_owned() }))
}

/// What a download link's signature covers: the file, which of its variants, until when, for a
/// confidential chat's image or PDF page the viewer's watermark mark drawn into it, and for a PDF
/// page which page (so a link to one page opens neither another page nor the PDF).
fn link_message(
    id: AttachmentId,
    variant: FileVariant,
    expires_at: i64,
    mark: Option<u32>,
    page: Option<u32>,
) -> String {
    let mut message = format!("{id}:{}:{expires_at}", variant.as_str());
    if let Some(mark) = mark {
        message.push_str(&format!(":m{mark}"));
    }
    if let Some(page) = page {
        message.push_str(&format!(":p{page}"));
    }
    message
}

/// A link to a file's bytes (or its thumbnail, or a PDF page) that works without the bearer
/// token for five minutes. 404: the caller may not see the file (or it has no thumbnail); 403:
/// in a confidential conversation only images and PDF pages are shown; 409: `page` was asked
/// for a PDF outside a confidential conversation.
#[utoipa::path(get, path = "/attachments/{id}/url", tag = TAG,
    params(
        ("id" = AttachmentId, Path, description = "The file"),
        ("variant" = Option<String>, Query, description = "`original` (the default) or `thumbnail`"),
        ("page" = Option<u32>, Query, description = "A page of a PDF in a confidential conversation, from 1"),
    ),
    responses((status = 200, description = "The signed link and when it expires", body = SignedUrl)))]
async fn signed_url(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<AttachmentId>,
    RawQuery(query): RawQuery,
) -> Result<Json<SignedUrl>, ApiError> {
    let variant = match query_param(query.as_deref(), "variant") {
        None => FileVariant::Original,
        Some(name) => {
            FileVariant::parse(&name).ok_or_else(|| ApiError::invalid_field("variant: either original or thumbnail"))?
        }
    };
    let visible = state.db(move |store| store.attachment_for(id, user.member_id)).await?;
    let Some(file) = visible else {
        return Err(ApiError::not_found("file"));
    };
    if variant == FileVariant::Thumbnail && file.thumbnail.is_none() {
        return Err(ApiError::not_found("thumbnail"));
    }
    // In a confidential chat only images and PDF pages are shown (in the app's viewer, carrying
    // the viewer's mark); other files, and PDFs themselves, are never handed out.
    let confidential = state.db(move |store| store.attachment_is_confidential(id, user.member_id)).await?;
    let page = match query_param(query.as_deref(), "page") {
        None => None,
        Some(page) => Some(attachment_pages::parse_page(&page)?),
    };
    if let Some(page) = page {
        attachment_pages::check_page(&state, &file, confidential, variant, page).await?;
    } else if confidential && !file.attachment.is_image() {
        return Err(ApiError::refused(Refusal::Conversation(ConversationRefusal::Confidential)));
    }
    let mark = if confidential {
        let now = state.clock.now();
        Some(state.db(move |store| store.watermark_mark(user.session_id, user.member_id, now)).await?.0)
    } else {
        None
    };
    let expires_at = crate::now_millis() + URL_LIFETIME_MS;
    let signature = sign(&state.url_key, &link_message(id, variant, expires_at, mark, page));
    let mark_param = mark.map_or_else(String::new, |mark| format!("&mark={mark}"));
    let page_param = page.map_or_else(String::new, |page| format!("&page={page}"));
    Ok(Json(SignedUrl {
        url: format!(
            "{}/files/{id}?variant={}&exp={expires_at}{mark_param}{page_param}&sig={signature}",
            weft_protocol::API_PREFIX,
            variant.as_str()
        ),
        expires_at,
    }))
}

/// A stored file's bytes, read on the blocking pool.
pub(super) async fn read_blob(state: &AppState, sha256: String) -> Result<Vec<u8>, ApiError> {
    let blobs = state.blobs.clone();
    tokio::task::spawn_blocking(move || blobs.get(&sha256)).await?.map_err(|err| {
        tracing::error!(error = %err, "reading a stored file failed");
        ApiError::internal()
    })
}

fn link_refused() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "this file link is invalid or has expired; open the message again",
    )
}

/// A file's bytes behind a signed link from `GET /attachments/{id}/url` (no sign-in needed: the
/// signature is the permission). The content type is the file's own (`image/png` for a marked
/// image or a PDF page); files other than images are sent as downloads. 403: the link is invalid
/// or has expired; 404: the file (or its thumbnail) is gone.
#[utoipa::path(get, path = "/files/{id}", tag = TAG, security(()),
    params(
        ("id" = AttachmentId, Path, description = "The file"),
        ("variant" = Option<String>, Query, description = "`original` (the default) or `thumbnail`, as signed"),
        ("exp" = i64, Query, description = "When the link expires (milliseconds since the epoch), as signed"),
        ("mark" = Option<u32>, Query, description = "The viewer's watermark mark, as signed"),
        ("page" = Option<u32>, Query, description = "The PDF page, as signed"),
        ("sig" = String, Query, description = "The signature"),
    ),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream", body = crate::openapi::Binary)))]
async fn download(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<AttachmentId>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let expires_at: i64 = query_param(query.as_deref(), "exp").and_then(|e| e.parse().ok()).ok_or_else(link_refused)?;
    let signature = query_param(query.as_deref(), "sig").ok_or_else(link_refused)?;
    let variant = match query_param(query.as_deref(), "variant") {
        None => FileVariant::Original,
        Some(name) => FileVariant::parse(&name).ok_or_else(link_refused)?,
    };
    let mark = match query_param(query.as_deref(), "mark") {
        None => None,
        Some(mark) => Some(mark.parse::<u32>().map_err(|_| link_refused())?),
    };
    let page = match query_param(query.as_deref(), "page") {
        None => None,
        Some(page) => Some(page.parse::<u32>().map_err(|_| link_refused())?),
    };
    if !same_signature(&signature, &sign(&state.url_key, &link_message(id, variant, expires_at, mark, page)))
        || expires_at < crate::now_millis()
    {
        return Err(link_refused());
    }
    let file = state.db(move |store| store.attachment(id)).await?.ok_or_else(|| ApiError::not_found("file"))?;
    let (sha256, content_type) = match (variant, &file.thumbnail) {
        (FileVariant::Original, _) => (file.sha256.clone(), file.attachment.content_type.clone()),
        (FileVariant::Thumbnail, Some(thumbnail)) => (thumbnail.sha256.clone(), thumbnail.content_type.clone()),
        (FileVariant::Thumbnail, None) => return Err(ApiError::not_found("thumbnail")),
    };
    let bytes = read_blob(&state, sha256).await?;
    let (bytes, content_type) = match (page, mark) {
        (Some(page), Some(mark)) => (attachment_pages::marked_page(bytes, page, mark).await?, "image/png".to_owned()),
        // A page is only ever signed with the viewer's mark.
        (Some(_), None) => return Err(link_refused()),
        (None, Some(mark)) => marked_copy(bytes, mark).await?,
        (None, None) => (bytes, content_type),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type =
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);

    // A file is never a page: nothing in it may run, even if a browser were to render it.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; sandbox"),
    );
    if !file.attachment.is_image() && page.is_none() {
        let encoded: String = file
            .attachment
            .file_name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

/// An image with the viewer's invisible mark drawn into it, as PNG.
async fn marked_copy(bytes: Vec<u8>, mark: u32) -> Result<(Vec<u8>, String), ApiError> {
    tokio::task::spawn_blocking(move || {
        let picture = image::load_from_memory(&bytes).ok()?;
        let marked =
            weft_watermark::embed(&picture, mark, weft_watermark::cell_px_for(picture.width(), picture.height()));
        let mut out = Vec::new();
        marked.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).ok()?;
        Some((out, "image/png".to_owned()))
    })
    .await?
    .ok_or_else(|| {
        tracing::error!("a stored image could not be marked");
        ApiError::internal()
    })
}
