//! Native tests of the watermark: a marked page found again after scaling, cropping and JPEG
//! compression; an unmarked page names nobody.

use super::*;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::{FilterType, crop_imm, resize};
use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;

const MARK: u32 = 0x5EC2_E7A1;

/// A page like a chat timeline: white, with bubbles and rows of dark "glyphs".
fn page(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut state = seed;
    let mut next = move |bound: u32| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % u64::from(bound)) as u32
    };
    let mut image = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    let mut y = 20;
    while y + 60 < height {
        let (x0, w) = (next(width / 2), 200 + next(width / 3));
        let bubble = if next(2) == 0 { Rgb([149, 236, 105]) } else { Rgb([240, 240, 240]) };
        for by in y..y + 50 {
            for bx in x0..(x0 + w).min(width) {
                image.put_pixel(bx, by, bubble);
            }
        }
        let mut gx = x0 + 8;
        while gx + 12 < (x0 + w).min(width) {
            let glyph_h = 10 + next(6);
            for gy in y + 12..y + 12 + glyph_h {
                for dx in 0..(3 + next(7)) {
                    if next(3) > 0 {
                        image.put_pixel(gx + dx, gy, Rgb([30, 30, 30]));
                    }
                }
            }
            gx += 14;
        }
        y += 70;
    }
    image
}

/// The page with the mark over its timeline area (from x = 300), as the app's overlay draws it.
fn marked_page() -> DynamicImage {
    let base = DynamicImage::ImageRgb8(page(1280, 800, 7));
    let overlay =
        embed(&DynamicImage::ImageRgb8(crop_imm(base.as_rgb8().expect("rgb"), 300, 0, 980, 800).to_image()), MARK, 16);
    let mut full = base.to_rgba8();
    image::imageops::replace(&mut full, &overlay, 300, 0);
    DynamicImage::ImageRgba8(full)
}

fn jpeg(image: &DynamicImage, quality: u8) -> DynamicImage {
    let mut bytes = Vec::new();
    image.to_rgb8().write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, quality)).expect("encode");
    image::load(Cursor::new(bytes), ImageFormat::Jpeg).expect("decode")
}

fn scaled_quarter(image: &DynamicImage, scale: f64, from_x: u32, from_y: u32) -> DynamicImage {
    let (w, h) = ((f64::from(image.width()) * scale) as u32, (f64::from(image.height()) * scale) as u32);
    let scaled = resize(image, w, h, FilterType::Triangle);
    let (qw, qh) = (w / 2, h / 2);
    let x = ((f64::from(from_x) * scale) as u32).min(w - qw);
    let y = ((f64::from(from_y) * scale) as u32).min(h - qh);
    DynamicImage::ImageRgba8(crop_imm(&scaled, x, y, qw, qh).to_image())
}

#[test]
fn a_marked_page_is_found_at_full_size() {
    let found = find(&marked_page());
    assert_eq!(found.mark, Some(MARK), "score {}", found.score);
}

#[test]
fn scaled_cropped_and_compressed_copies_still_name_the_mark() {
    let page = marked_page();
    for scale in [0.5, 0.75, 1.5, 2.0] {
        let copy = jpeg(&scaled_quarter(&page, scale, 500, 300), 70);
        let found = find(&copy);
        assert_eq!(found.mark, Some(MARK), "at {scale}: score {}", found.score);
    }
}

#[test]
fn an_unmarked_page_names_nobody() {
    for seed in [1, 2, 3] {
        let plain = jpeg(&DynamicImage::ImageRgb8(page(1280, 800, seed)), 70);
        let found = find(&plain);
        assert_eq!(found.mark, None, "seed {seed}: score {}", found.score);
    }
}

#[test]
fn an_embedded_image_preview_carries_the_mark() {
    let photo = DynamicImage::ImageRgb8(page(640, 480, 11));
    let marked = DynamicImage::ImageRgba8(embed(&photo, MARK, cell_px_for(640, 480)));
    assert_eq!(find(&jpeg(&marked, 80)).mark, Some(MARK));
}

/// A page of text set in a strict rhythm (its strokes repeat every 7 px), which makes a wrong
/// cell size correlate with the sync cells better than the mark's own.
fn rhythmic_page() -> DynamicImage {
    let mut page = RgbImage::from_pixel(900, 700, Rgb([250, 250, 250]));
    for y in (40..660).step_by(60) {
        for x in 60..700 {
            if (x / 7 + y) % 3 == 0 {
                for dy in 0..14 {
                    page.put_pixel(x, y + dy, Rgb([40, 40, 40]));
                }
            }
        }
    }
    DynamicImage::ImageRgb8(page)
}

#[test]
fn marks_are_found_on_a_page_whose_own_rhythm_outscores_them() {
    let page = rhythmic_page();
    // Marks this page once hid behind a wrong cell size (its sync score beat the mark's), and
    // a spread of others.
    let mut state: u64 = 20_261_201;
    let mut marks = vec![982_897_944, 614_846_112, 854_379_141];
    marks.extend((0..12).map(|_| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 32) as u32
    }));
    for mark in marks {
        let marked = DynamicImage::ImageRgba8(embed(&page, mark, cell_px_for(900, 700)));
        assert_eq!(find(&marked).mark, Some(mark), "mark {mark}");
    }
    assert_eq!(find(&page).mark, None, "the page alone names nobody");
}
