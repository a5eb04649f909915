//! Image thumbnails through the real router and database: sizes and formats, who may fetch them,
//! files that get none (other types, broken images, decompression bombs), and signed links that
//! serve only the variant they were signed for.

mod common;

use axum::http::{Method, StatusCode, header};
use common::{TestApp, assert_error};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use serde_json::{Value, json};
use uuid::Uuid;
use weft_server::thumbnails::{self, ThumbnailError};

fn png(image: &RgbaImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// A photo-like picture: smooth gradients with some grain, so it compresses like a photo.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23) as u8;
        Rgb([(x * 255 / width) as u8 ^ grain, (y * 255 / height) as u8, 128u8.wrapping_add(grain)])
    })
}

fn jpeg(image: &RgbImage, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
    if let Some(exif) = exif {
        encoder.set_exif_metadata(exif).expect("exif");
    }
    encoder.write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8).expect("jpeg");
    out
}

/// A little-endian Exif block holding only an orientation tag.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut exif = b"II*\0".to_vec();
    exif.extend(8u32.to_le_bytes()); // first directory right after this header
    exif.extend(1u16.to_le_bytes()); // one entry
    exif.extend(0x0112u16.to_le_bytes()); // Orientation
    exif.extend(3u16.to_le_bytes()); // SHORT
    exif.extend(1u32.to_le_bytes()); // one value
    exif.extend(value.to_le_bytes());
    exif.extend([0, 0]);
    exif.extend(0u32.to_le_bytes()); // no next directory
    exif
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).expect("small chunk").to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend(crc32(&body).to_be_bytes());
    out
}

/// A well-formed PNG start (valid checksums) whose header claims `width`×`height` RGBA pixels,
/// followed by a few bytes of compressed data: what a decompression bomb looks like to a decoder.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]); // 8 bits, RGBA, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &header));
    out.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
    out.extend(chunk(b"IEND", &[]));
    out
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> Value {
    let (status, file) = app.upload(token, &format!("client_id={}&name={name}", Uuid::new_v4()), bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    file
}

async fn link(app: &TestApp, token: &str, file: &Value, variant: &str) -> common::Reply {
    let id = file["id"].as_str().expect("id");
    app.call(Method::GET, &format!("/api/v1/attachments/{id}/url?variant={variant}"), Some(token), None).await
}

/// Fetches the thumbnail through a fresh signed link; its content type and decoded image.
async fn thumbnail(app: &TestApp, token: &str, file: &Value) -> (String, image::DynamicImage) {
    let reply = link(app, token, file, "thumbnail").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (status, headers, bytes) = app.get_raw(reply.body["url"].as_str().expect("url")).await;
    assert_eq!(status, StatusCode::OK);
    let content_type = headers[header::CONTENT_TYPE].to_str().expect("ascii").to_owned();
    (content_type, image::load_from_memory(&bytes).expect("the thumbnail decodes"))
}

#[tokio::test]
async fn a_png_gets_a_png_thumbnail_that_only_participants_can_fetch() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let huangli = app.login("huangli").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;

    // Half transparent, so the thumbnail keeps an alpha channel and stays PNG.
    let picture = RgbaImage::from_fn(1000, 500, |x, _| Rgba([200, 80, 40, if x < 500 { 0 } else { 255 }]));
    let file = upload(&app, &zhangsan, "wide.png", &png(&picture)).await;
    assert_eq!((file["width"].as_u64(), file["height"].as_u64()), (Some(1000), Some(500)), "{file}");
    assert_eq!(file["thumbnail"], json!({ "width": 320, "height": 160 }));

    let (content_type, small) = thumbnail(&app, &zhangsan, &file).await;
    assert_eq!(content_type, "image/png");
    assert_eq!((small.width(), small.height()), (320, 160));
    assert!(small.color().has_alpha());
    assert_error(&link(&app, &lisi, &file, "thumbnail").await, StatusCode::NOT_FOUND, "not_found");

    let sent = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{direct}/messages"),
            Some(&zhangsan),
            Some(json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": file["id"] })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.body["attachment"]["thumbnail"], json!({ "width": 320, "height": 160 }));
    let history = app.call(Method::GET, &format!("/api/v1/conversations/{direct}/messages"), Some(&lisi), None).await;
    let read_back = history.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["attachment"]["id"] == file["id"])
        .map(|m| m["attachment"].clone());
    assert_eq!(read_back, Some(file.clone()), "the history carries the same sizes as the upload's reply");

    let reply = link(&app, &lisi, &file, "thumbnail").await;
    assert_eq!(reply.status, StatusCode::OK);
    let (status, headers, _) = app.get_raw(reply.body["url"].as_str().expect("url")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap_or("").contains("sandbox"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(headers.get(header::CONTENT_DISPOSITION).is_none(), "shown inline like the image itself");
    assert_error(&link(&app, &huangli, &file, "thumbnail").await, StatusCode::NOT_FOUND, "not_found");

    // The original is still served as uploaded.
    let reply = link(&app, &lisi, &file, "original").await;
    let (_, _, bytes) = app.get_raw(reply.body["url"].as_str().expect("url")).await;
    assert_eq!(bytes, png(&picture));
}

#[tokio::test]
async fn a_large_photo_gets_a_jpeg_thumbnail_turned_as_its_exif_says() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;

    let file = upload(&app, &zhangsan, "photo.jpg", &jpeg(&photo(2400, 1800), None)).await;
    assert_eq!(file["content_type"], "image/jpeg");
    assert_eq!((file["width"].as_u64(), file["height"].as_u64()), (Some(2400), Some(1800)));
    let (content_type, small) = thumbnail(&app, &zhangsan, &file).await;
    assert_eq!(content_type, "image/jpeg");
    assert_eq!((small.width(), small.height()), (320, 240));

    // Stored landscape, to be shown turned a quarter (EXIF orientation 6), as phones do.
    let file = upload(&app, &zhangsan, "portrait.jpg", &jpeg(&photo(2400, 1800), Some(exif_orientation(6)))).await;
    assert_eq!((file["width"].as_u64(), file["height"].as_u64()), (Some(1800), Some(2400)), "{file}");
    assert_eq!(file["thumbnail"], json!({ "width": 240, "height": 320 }));
    let (_, small) = thumbnail(&app, &zhangsan, &file).await;
    assert_eq!((small.width(), small.height()), (240, 320));
}

#[tokio::test]
async fn small_images_are_not_enlarged() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let opaque = RgbaImage::from_pixel(100, 60, Rgba([10, 120, 200, 255]));
    let file = upload(&app, &zhangsan, "icon.png", &png(&opaque)).await;
    assert_eq!(file["thumbnail"], json!({ "width": 100, "height": 60 }));
    let (content_type, small) = thumbnail(&app, &zhangsan, &file).await;
    assert_eq!((small.width(), small.height()), (100, 60));
    assert_eq!(content_type, "image/jpeg", "no pixel is see-through, so JPEG even from a PNG with alpha");
}

#[tokio::test]
async fn other_files_have_no_thumbnail() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let file = upload(&app, &zhangsan, "report.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n").await;
    assert_eq!(file["content_type"], "application/pdf");
    for field in ["width", "height", "thumbnail"] {
        assert!(file.get(field).is_none(), "{field} absent: {file}");
    }
    assert_error(&link(&app, &zhangsan, &file, "thumbnail").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&link(&app, &zhangsan, &file, "poster").await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(link(&app, &zhangsan, &file, "original").await.status, StatusCode::OK);
}

#[tokio::test]
async fn broken_images_and_decompression_bombs_are_kept_as_plain_files() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let whole = png(&RgbaImage::from_fn(400, 400, |x, y| Rgba([x as u8, y as u8, 0, 255])));
    let truncated = &whole[..whole.len() / 2];
    // (name, type sniffed, bytes, refused by the decoding limits rather than as undecodable)
    let cases: [(&str, &str, Vec<u8>, bool); 4] = [
        ("truncated.png", "image/png", truncated.to_vec(), false),
        ("garbage.jpg", "image/jpeg", b"\xFF\xD8\xFF\xE0 not really a jpeg".to_vec(), false),
        ("huge.png", "image/png", png_claiming(100_000, 100_000), true),
        ("within-sides-over-memory.png", "image/png", png_claiming(11_000, 11_000), true),
    ];
    for (name, content_type, bytes, over_limits) in cases {
        // The bombs are refused by the limits, before any memory for their pixels is taken.
        let refused = thumbnails::generate(&bytes, content_type);
        assert!(refused.is_err(), "{name}");
        assert_eq!(matches!(refused, Err(ThumbnailError::OverLimits(_))), over_limits, "{name}: {refused:?}");

        let file = upload(&app, &zhangsan, name, &bytes).await;
        assert_eq!(file["content_type"], content_type, "{name}");
        assert!(file.get("thumbnail").is_none() && file.get("width").is_none(), "{name}: {file}");
        assert_error(&link(&app, &zhangsan, &file, "thumbnail").await, StatusCode::NOT_FOUND, "not_found");
        let reply = link(&app, &zhangsan, &file, "original").await;
        let (status, _, served) = app.get_raw(reply.body["url"].as_str().expect("url")).await;
        assert_eq!((status, served), (StatusCode::OK, bytes), "{name} is kept as uploaded");
    }
}

#[tokio::test]
async fn a_signed_link_serves_only_the_variant_it_was_signed_for() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let file = upload(&app, &zhangsan, "photo.jpg", &jpeg(&photo(800, 600), None)).await;
    let thumb = link(&app, &zhangsan, &file, "thumbnail").await.body["url"].as_str().expect("url").to_owned();
    let original = link(&app, &zhangsan, &file, "original").await.body["url"].as_str().expect("url").to_owned();
    assert!(thumb.contains("variant=thumbnail") && original.contains("variant=original"), "{thumb} {original}");
    assert_eq!(app.get_raw(&thumb).await.0, StatusCode::OK);
    assert_eq!(app.get_raw(&original).await.0, StatusCode::OK);

    let tampered = [
        thumb.replace("variant=thumbnail", "variant=original"),
        thumb.replace("variant=thumbnail&", ""),
        thumb.replace("variant=thumbnail", "variant=poster"),
        original.replace("variant=original", "variant=thumbnail"),
    ];
    for url in tampered {
        let (status, _, body) = app.get_raw(&url).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{url}");
        let error: Value = serde_json::from_slice(&body).expect("json error");
        assert_eq!(error["code"], "forbidden");
    }
}

/// How long one thumbnail of a typical phone photo takes (run with `--ignored --nocapture`; the
/// image crates are built optimised even in the dev profile, see the workspace `Cargo.toml`).
#[test]
#[ignore = "a measurement, not a check"]
fn time_to_thumbnail_a_12_megapixel_photo() {
    let bytes = jpeg(&photo(4000, 3000), None);
    let started = std::time::Instant::now();
    let made = thumbnails::generate(&bytes, "image/jpeg").expect("thumbnail");
    let elapsed = started.elapsed();
    assert_eq!((made.width, made.height), (320, 240));
    println!(
        "4000x3000 JPEG of {} KiB -> {}x{} {} of {} KiB in {elapsed:?}",
        bytes.len() / 1024,
        made.width,
        made.height,
        made.content_type,
        made.bytes.len() / 1024
    );
}
