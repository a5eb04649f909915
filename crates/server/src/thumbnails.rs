//! Image thumbnails: decoding an upload under hard limits, shrinking it to fit in
//! [`THUMBNAIL_MAX_SIDE`] (never enlarging), and encoding it as JPEG, or PNG when it has
//! transparency. Decoding is CPU- and memory-heavy, so [`Thumbnailer`] lets only a few run at once.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use std::io::Cursor;
use tokio::sync::Semaphore;
use weft_protocol::chat::THUMBNAIL_MAX_SIDE;

/// Widest or tallest image decoded, in pixels (a 48-megapixel phone photo is about 8064 wide).
pub const MAX_SIDE: u32 = 12_000;
/// Most memory one decode may ask for (the decoded pixels and the decoder's own buffers).
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// JPEG quality of thumbnails without transparency.
const JPEG_QUALITY: u8 = 80;

/// Why an upload got no thumbnail. None of these is a server failure: the file is kept as is.
#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    #[error("not an image type thumbnails are made for: {0}")]
    Unsupported(String),
    #[error("image over the decoding limits: {0}")]
    OverLimits(ImageError),
    #[error("image cannot be decoded: {0}")]
    Undecodable(ImageError),
    #[error("thumbnail cannot be encoded: {0}")]
    Encode(ImageError),
    #[error("the decoder panicked: {0}")]
    Panicked(String),
}

impl From<ImageError> for ThumbnailError {
    fn from(err: ImageError) -> Self {
        match err {
            ImageError::Limits(_) => Self::OverLimits(err),
            other => Self::Undecodable(other),
        }
    }
}

/// A thumbnail ready to store, and what it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// The original image's size as shown (after its EXIF orientation).
    pub original_width: u32,
    pub original_height: u32,
}

/// The largest size within `max`×`max` with the aspect ratio of `width`×`height`, never larger
/// than the image itself, and never 0.
pub fn fit_within(width: u32, height: u32, max: u32) -> (u32, u32) {
    if width <= max && height <= max {
        return (width.max(1), height.max(1));
    }
    let (long, short) = if width >= height { (width, height) } else { (height, width) };
    // Rounded, in u64 so the product cannot overflow.
    let scaled = ((u64::from(short) * u64::from(max) + u64::from(long) / 2) / u64::from(long)).max(1);
    let scaled = u32::try_from(scaled).unwrap_or(max);
    if width >= height { (max, scaled) } else { (scaled, max) }
}

fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

/// Makes the thumbnail of `bytes`, whose sniffed type is `content_type`. Blocking and slow for
/// big images: call it off the async runtime, through [`Thumbnailer::generate`].
pub fn generate(bytes: &[u8], content_type: &str) -> Result<Generated, ThumbnailError> {
    let format = match content_type {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/gif" => ImageFormat::Gif,
        "image/webp" => ImageFormat::WebP,
        other => return Err(ThumbnailError::Unsupported(other.to_owned())),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut budget = limits();
    reader.limits(budget.clone());
    let mut decoder = reader.into_decoder()?;
    // An unreadable EXIF block only loses the rotation, not the thumbnail.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    budget.reserve(decoder.total_bytes())?;
    let image = DynamicImage::from_decoder(decoder)?;

    // Shrink first, then rotate: rotating the full image would copy all of its pixels.
    let (decoded_width, decoded_height) = (image.width(), image.height());
    let (width, height) = fit_within(decoded_width, decoded_height, THUMBNAIL_MAX_SIDE);
    let mut small =
        if (width, height) == (decoded_width, decoded_height) { image } else { image.thumbnail_exact(width, height) };
    small.apply_orientation(orientation);
    let (original_width, original_height) =
        if swaps_sides(orientation) { (decoded_height, decoded_width) } else { (decoded_width, decoded_height) };

    // Kept as PNG only when some pixel is actually see-through (GIFs always decode with alpha).
    let see_through =
        small.color().has_alpha().then(|| small.to_rgba8()).filter(|rgba| rgba.pixels().any(|p| p.0[3] < u8::MAX));
    let mut out = Vec::new();
    let content_type = match see_through {
        Some(rgba) => {
            rgba.write_with_encoder(PngEncoder::new(&mut out)).map_err(ThumbnailError::Encode)?;
            "image/png"
        }
        None => {
            let rgb = small.to_rgb8();
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
                .map_err(ThumbnailError::Encode)?;
            "image/jpeg"
        }
    };
    Ok(Generated {
        bytes: out,
        content_type,
        width: small.width(),
        height: small.height(),
        original_width,
        original_height,
    })
}

/// Runs [`generate`] on the blocking pool, a few at a time, so a burst of large uploads cannot
/// take every core or hold several decode budgets of memory at once.
pub struct Thumbnailer {
    permits: Semaphore,
}

impl Thumbnailer {
    /// At most `concurrent` decodes at once (at least one).
    pub fn new(concurrent: usize) -> Self {
        Self { permits: Semaphore::new(concurrent.max(1)) }
    }

    /// The thumbnail of `bytes`; waits for a free slot first.
    pub async fn generate(&self, bytes: axum::body::Bytes, content_type: String) -> Result<Generated, ThumbnailError> {
        // The semaphore is never closed, so acquiring only fails if it were; then run unthrottled.
        let _permit = self.permits.acquire().await.ok();
        match tokio::task::spawn_blocking(move || generate(&bytes, &content_type)).await {
            Ok(result) => result,
            // A panic inside a decoder is a decoder bug; the upload is still kept as a file.
            Err(join) => Err(ThumbnailError::Panicked(join.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_the_aspect_and_never_enlarges() {
        assert_eq!(fit_within(4000, 3000, 320), (320, 240));
        assert_eq!(fit_within(3000, 4000, 320), (240, 320));
        assert_eq!(fit_within(100, 50, 320), (100, 50));
        assert_eq!(fit_within(320, 320, 320), (320, 320));
        assert_eq!(fit_within(10_000, 1, 320), (320, 1));
        assert_eq!(fit_within(u32::MAX, u32::MAX - 1, 320), (320, 320));
    }

    #[test]
    fn other_types_are_not_decoded() {
        assert!(matches!(generate(b"%PDF-1.7", "application/pdf"), Err(ThumbnailError::Unsupported(_))));
    }
}
