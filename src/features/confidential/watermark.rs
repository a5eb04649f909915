//! Drawing the watermark's two layers to canvases: the visible tile (the viewer's name, account,
//! date-time and short session id, rotated and faint, legible on light and dark themes) and the
//! invisible tile ([`weft_protocol::watermark::tile`], cell for cell, at the device's pixel
//! ratio, never blurred, rotated or scaled otherwise), each as a `data:` URL for a CSS background.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use weft_protocol::watermark::{ALPHA, CELL_PX, TILE_CELLS, tile};

/// Side of the visible tile in CSS pixels.
pub const VISIBLE_TILE_PX: (u32, u32) = (320, 200);

/// What the visible watermark says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleText {
    pub name: String,
    pub userid: String,
    /// "2026-11-30 20:41".
    pub date_time: String,
    pub session_short: String,
}

impl VisibleText {
    /// The one-line form kept in the overlay's `data-watermark` attribute.
    pub fn line(&self) -> String {
        format!("{} · {} · {} · {}", self.name, self.userid, self.date_time, self.session_short)
    }
}

/// The device's pixel ratio (1 when unknown).
pub fn pixel_ratio() -> f64 {
    web_sys::window().map(|w| w.device_pixel_ratio()).filter(|r| *r > 0.0).unwrap_or(1.0)
}

fn canvas(width: u32, height: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let document = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, context))
}

/// Device pixels per cell of the invisible tile at this pixel ratio (at least 1).
pub fn cell_device_px(ratio: f64) -> u32 {
    ((f64::from(CELL_PX) * ratio).round() as u32).max(1)
}

/// The invisible tile of `mark` drawn at `ratio`: `TILE_CELLS` cells a side, dark cells
/// `rgba(0,0,0,ALPHA)`, light cells `rgba(255,255,255,ALPHA)`. Shown at 256×256 CSS pixels.
pub fn invisible_canvas(mark: u32, ratio: f64) -> Option<HtmlCanvasElement> {
    let cell = cell_device_px(ratio);
    let side = cell * TILE_CELLS as u32;
    let (canvas, context) = canvas(side, side)?;
    context.set_image_smoothing_enabled(false);
    let dark_style = format!("rgba(0,0,0,{ALPHA})");
    let light_style = format!("rgba(255,255,255,{ALPHA})");
    for (index, dark) in tile(mark).iter().enumerate() {
        let (row, column) = ((index / TILE_CELLS) as u32, (index % TILE_CELLS) as u32);
        context.set_fill_style_str(if *dark { &dark_style } else { &light_style });
        context.fill_rect(f64::from(column * cell), f64::from(row * cell), f64::from(cell), f64::from(cell));
    }
    Some(canvas)
}

/// The visible tile drawn at `ratio`: three lines, rotated by -24°, in a grey with a faint
/// outline of the opposite shade so it reads on light and dark backgrounds.
pub fn visible_canvas(text: &VisibleText, ratio: f64) -> Option<HtmlCanvasElement> {
    let (width, height) = VISIBLE_TILE_PX;
    let (canvas, context) =
        canvas((f64::from(width) * ratio).round() as u32, (f64::from(height) * ratio).round() as u32)?;
    let _ = context.scale(ratio, ratio);
    let _ = context.translate(f64::from(width) / 2.0, f64::from(height) / 2.0);
    let _ = context.rotate(-24f64.to_radians());
    context.set_font("15px system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif");
    context.set_text_align("center");
    context.set_text_baseline("middle");
    context.set_line_width(2.0);
    let lines = [format!("{} {}", text.name, text.userid), text.date_time.clone(), text.session_short.clone()];
    for (i, line) in lines.iter().enumerate() {
        let y = (i as f64 - 1.0) * 20.0;
        context.set_stroke_style_str("rgba(255,255,255,0.16)");
        let _ = context.stroke_text(line, 0.0, y);
        context.set_fill_style_str("rgba(96,96,96,0.26)");
        let _ = context.fill_text(line, 0.0, y);
    }
    Some(canvas)
}

/// A canvas as a `data:` URL ("" when the browser refuses).
pub fn data_url(canvas: &HtmlCanvasElement) -> String {
    canvas.to_data_url().unwrap_or_default()
}

/// The two background layers of the overlay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layers {
    pub visible: String,
    /// Empty until the session's mark is known.
    pub invisible: String,
}

impl Layers {
    pub fn draw(text: &VisibleText, mark: Option<u32>) -> Self {
        let ratio = pixel_ratio();
        Self {
            visible: visible_canvas(text, ratio).map(|c| data_url(&c)).unwrap_or_default(),
            invisible: mark.and_then(|m| invisible_canvas(m, ratio)).map(|c| data_url(&c)).unwrap_or_default(),
        }
    }

    /// The overlay's background declarations (each `!important`, so no stylesheet rule wins).
    pub fn css(&self) -> String {
        let (width, height) = VISIBLE_TILE_PX;
        let tile_side = CELL_PX * TILE_CELLS as u32;
        if self.invisible.is_empty() {
            format!(
                "background-image:url(\"{}\") !important;background-size:{width}px {height}px !important;",
                self.visible
            )
        } else {
            format!(
                "background-image:url(\"{}\"),url(\"{}\") !important;background-size:{width}px {height}px,{tile_side}px {tile_side}px !important;",
                self.visible, self.invisible
            )
        }
    }
}
