//! A confidential conversation's PDFs, page by page: the page count, the checks before a page's
//! link is signed, and the page drawn as a PNG carrying the viewer's watermark. The links
//! themselves are signed and served by `attachments`, with the page inside the signature.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiPath, AuthUser};
use crate::pdf_pages::{self, PdfPageError};
use crate::store::StoredAttachment;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use weft_protocol::chat::{FileVariant, PdfPages};
use weft_protocol::{AttachmentId, ConversationRefusal, ErrorCode, Refusal};

const TAG: &str = "files";

/// How many pages a PDF in a confidential conversation has (there it is shown page by page, never
/// handed out whole). 404: the caller may not see the file; 409: the conversation is not
/// confidential; a file that is not a PDF is a field error.
#[utoipa::path(get, path = "/attachments/{id}/pages", tag = TAG,
    params(("id" = AttachmentId, Path, description = "The PDF")),
    responses((status = 200, description = "The PDF's page count", body = PdfPages)))]
pub(super) async fn pages(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<AttachmentId>,
) -> Result<Json<PdfPages>, ApiError> {
    let file = state.db(move |store| store.attachment_for(id, user.member_id)).await?;
    let file = file.ok_or_else(|| ApiError::not_found("file"))?;
    let confidential = state.db(move |store| store.attachment_is_confidential(id, user.member_id)).await?;
    shown_page_by_page(&file, confidential)?;
    Ok(Json(PdfPages { pages: count(&state, &file).await? }))
}

/// The `page` query value: a page number from 1.
pub(super) fn parse_page(value: &str) -> Result<u32, ApiError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|page| *page >= 1)
        .ok_or_else(|| ApiError::invalid_field("page: a page number from 1"))
}

/// Refuses unless `file` is a PDF in a confidential conversation (elsewhere a PDF is downloaded).
fn shown_page_by_page(file: &StoredAttachment, confidential: bool) -> Result<(), ApiError> {
    if !file.attachment.is_pdf() {
        return Err(ApiError::invalid_field("page: only a PDF has pages"));
    }
    if !confidential {
        return Err(ApiError::refused(Refusal::Conversation(ConversationRefusal::NotConfidential)));
    }
    Ok(())
}

/// Checks before signing a link to page `page` of `file`: a PDF in a confidential conversation,
/// the original's variant, and a page it has.
pub(super) async fn check_page(
    state: &AppState,
    file: &StoredAttachment,
    confidential: bool,
    variant: FileVariant,
    page: u32,
) -> Result<(), ApiError> {
    shown_page_by_page(file, confidential)?;
    if variant != FileVariant::Original {
        return Err(ApiError::invalid_field("variant: a page is drawn from the original"));
    }
    let pages = count(state, file).await?;
    if page > pages {
        return Err(page_error(PdfPageError::NoSuchPage { page, pages }));
    }
    Ok(())
}

async fn count(state: &AppState, file: &StoredAttachment) -> Result<u32, ApiError> {
    let bytes = super::attachments::read_blob(state, file.sha256.clone()).await?;
    tokio::task::spawn_blocking(move || pdf_pages::page_count(bytes)).await?.map_err(page_error)
}

/// Pages drawn at once: drawing is CPU-heavy and the machine has few cores.
static DRAWING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Page `page` of the PDF in `bytes`, drawn with `mark`, as PNG; waits for a free slot first.
pub(super) async fn marked_page(bytes: Vec<u8>, page: u32, mark: u32) -> Result<Vec<u8>, ApiError> {
    // The semaphore is never closed, so acquiring only fails if it were; then draw unthrottled.
    let _slot = DRAWING.acquire().await.ok();
    let started = std::time::Instant::now();
    let png = tokio::task::spawn_blocking(move || {
        let drawn = image::DynamicImage::ImageRgba8(pdf_pages::render_page(bytes, page)?);
        let marked = weft_watermark::embed(&drawn, mark, weft_watermark::cell_px_for(drawn.width(), drawn.height()));
        let mut out = Vec::new();
        marked.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).map_err(|err| {
            tracing::error!(error = %err, "a PDF page could not be encoded");
            PdfPageError::Unreadable
        })?;
        Ok(out)
    })
    .await?
    .map_err(page_error)?;
    tracing::debug!(page, millis = started.elapsed().as_millis() as u64, "drew a PDF page");
    Ok(png)
}

fn page_error(err: PdfPageError) -> ApiError {
    match err {
        PdfPageError::NoSuchPage { .. } => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, err.to_string()),
        PdfPageError::Unreadable | PdfPageError::TooManyPages(_) => ApiError::invalid_field(format!("file: {err}")),
    }
}
