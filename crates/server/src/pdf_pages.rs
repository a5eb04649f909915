//! PDF pages as pictures: how many pages a PDF has, and one page drawn at a fixed scale. In a
//! confidential conversation a PDF is only ever shown this way, each page carrying the viewer's
//! watermark; the PDF itself is never handed out. Rendering is CPU-bound: call from a blocking task.

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use image::RgbaImage;
use weft_protocol::chat::MAX_PDF_PAGES;

/// Pixels per PDF point: 1.5 × 72 dpi = 108 dpi, sharp enough to read on a screen.
pub const SCALE: f32 = 1.5;
/// Longest side of a page picture, in pixels; larger pages are drawn smaller.
pub const MAX_SIDE_PX: f32 = 2000.0;

/// Why a PDF's pages cannot be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfPageError {
    #[error("the PDF cannot be read (damaged, encrypted or not a PDF)")]
    Unreadable,
    #[error("the PDF has {0} pages; at most {MAX_PDF_PAGES} can be shown")]
    TooManyPages(usize),
    #[error("page {page} does not exist: the PDF has {pages} pages")]
    NoSuchPage { page: u32, pages: u32 },
}

fn open(bytes: Vec<u8>) -> Result<Pdf, PdfPageError> {
    let pdf = Pdf::new(bytes).map_err(|_| PdfPageError::Unreadable)?;
    let pages = pdf.pages().len();
    if pages == 0 {
        return Err(PdfPageError::Unreadable);
    }
    if pages > MAX_PDF_PAGES as usize {
        return Err(PdfPageError::TooManyPages(pages));
    }
    Ok(pdf)
}

/// How many pages the PDF in `bytes` has (1 to [`MAX_PDF_PAGES`]).
pub fn page_count(bytes: Vec<u8>) -> Result<u32, PdfPageError> {
    let pdf = open(bytes)?;
    // `open` keeps the count within MAX_PDF_PAGES, so it fits.
    Ok(u32::try_from(pdf.pages().len()).unwrap_or(MAX_PDF_PAGES))
}

/// The scale a page of `width` × `height` points is drawn at: [`SCALE`], or less so that its
/// longer side stays within [`MAX_SIDE_PX`].
pub fn page_scale(width: f32, height: f32) -> f32 {
    let long = width.max(height);
    if !long.is_finite() || long <= 0.0 {
        return SCALE;
    }
    SCALE.min(MAX_SIDE_PX / long)
}

/// Page `page` (1-based) of the PDF in `bytes`, drawn on white.
pub fn render_page(bytes: Vec<u8>, page: u32) -> Result<RgbaImage, PdfPageError> {
    let pdf = open(bytes)?;
    let pages = pdf.pages();
    let count = u32::try_from(pages.len()).unwrap_or(MAX_PDF_PAGES);
    let shown = page
        .checked_sub(1)
        .and_then(|index| pages.get(index as usize))
        .ok_or(PdfPageError::NoSuchPage { page, pages: count })?;
    let (width, height) = shown.render_dimensions();
    let scale = page_scale(width, height);
    let cache = RenderCache::new();
    let settings = PixmapSettings { x_scale: scale, y_scale: scale, bg_color: WHITE };
    let pixmap = hayro::render(shown, &cache, &InterpreterSettings::default(), &RenderSettings::default(), &settings);
    let (pixel_width, pixel_height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    if pixel_width == 0 || pixel_height == 0 {
        return Err(PdfPageError::Unreadable);
    }
    // Drawn over opaque white, so the premultiplied pixels equal the plain ones.
    RgbaImage::from_raw(pixel_width, pixel_height, pixmap.data_as_u8_slice().to_vec()).ok_or(PdfPageError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_drawn_at_one_and_a_half_times_unless_that_passes_the_cap() {
        assert_eq!(page_scale(612.0, 792.0), 1.5);
        assert_eq!(page_scale(4000.0, 1000.0), 0.5);
        assert_eq!(page_scale(0.0, 0.0), 1.5);
        assert_eq!(page_scale(f32::NAN, 10.0), 1.5);
    }

    #[test]
    fn anything_but_a_pdf_is_unreadable() {
        assert_eq!(page_count(b"%PDF-1.4 nothing else".to_vec()), Err(PdfPageError::Unreadable));
        assert_eq!(render_page(b"hello".to_vec(), 1).map(|_| ()), Err(PdfPageError::Unreadable));
    }
}
