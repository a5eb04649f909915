//! The invisible watermark on the server: drawing a mark into an image (the previews of images
//! in confidential chats) and finding one in a picture (a leaked screenshot, a photo of a
//! screen), whatever its scale, crop and compression. The pattern is
//! `weft_protocol::watermark`'s: sync cells give scale and alignment, data cells the mark.
//!
//! Finding: for each cell size (geometric steps over the sizes a screenshot can have) and
//! sub-cell phase, the picture is cut into cells; each cell's brightness minus its neighbours'
//! (so text and pictures cancel out, clipped so a stroke cannot outvote a tile) is folded onto
//! the 16×16 tile; the sync cells are correlated at every tile offset. The best alignments (one
//! per promising cell size), if they stand well clear of chance, give the payload bits (summed
//! over every copy seen), best first, and a mark counts only when its check matches.

use image::{DynamicImage, GrayImage, Rgba, RgbaImage};
use weft_protocol::watermark::{ALPHA, CellRole, PAYLOAD_BITS, TILE_CELLS, TILE_LEN, layout, mark_of, tile};

/// Smallest and largest cell, in picture pixels, searched for (a 16 px cell from 40 % to 600 %).
const MIN_CELL: f64 = 6.0;
const MAX_CELL: f64 = 100.0;
/// Step between cell sizes in the first pass, and in the refinement around the best ones.
const COARSE_STEP: f64 = 1.012;
const FINE_STEP: f64 = 1.002;
/// How far above chance (in standard deviations) the sync correlation must stand.
pub const FOUND_SCORE: f32 = 5.0;
/// Brightness differences beyond this (out of 255) are clipped.
const CLIP: f32 = 12.0;
/// The variance inside a cell (brightness², out of 255) at which it counts half: JPEG noise on a
/// flat background stays well below it, a glyph far above.
const FLAT_VARIANCE: f32 = 12.0;

/// Draws the mark over an image, cells of `cell_px` pixels from the top-left corner.
pub fn embed(image: &DynamicImage, mark: u32, cell_px: u32) -> RgbaImage {
    let cells = tile(mark);
    let mut out = image.to_rgba8();
    let cell_px = cell_px.max(1);
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let index = ((y / cell_px) as usize % TILE_CELLS) * TILE_CELLS + (x / cell_px) as usize % TILE_CELLS;
        let toward = if cells[index] { 0.0 } else { 255.0 };
        let Rgba([r, g, b, a]) = *pixel;
        let blend = |channel: u8| (f64::from(channel) * (1.0 - ALPHA) + toward * ALPHA).round() as u8;
        *pixel = Rgba([blend(r), blend(g), blend(b), a]);
    }
    out
}

/// The cell size for marking an image of this size: about 24 cells across its shorter side.
pub fn cell_px_for(width: u32, height: u32) -> u32 {
    (width.min(height) / 24).clamp(8, 96)
}

/// What the search found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// The mark, when the alignment stood out and its check matched.
    pub mark: Option<u32>,
    /// How far the best alignment stood above chance.
    pub score: f32,
}

/// Sums of brightness and of its square over rectangles of a grey picture, in constant time.
struct Integral {
    width: usize,
    height: usize,
    sums: Vec<f64>,
    squares: Vec<f64>,
}

impl Integral {
    fn new(gray: &GrayImage) -> Self {
        let (width, height) = (gray.width() as usize, gray.height() as usize);
        let mut sums = vec![0.0; (width + 1) * (height + 1)];
        let mut squares = vec![0.0; (width + 1) * (height + 1)];
        for y in 0..height {
            let (mut row, mut row_squares) = (0.0, 0.0);
            for x in 0..width {
                let value = f64::from(gray.get_pixel(x as u32, y as u32).0[0]);
                row += value;
                row_squares += value * value;
                let at = (y + 1) * (width + 1) + x + 1;
                sums[at] = sums[at - width - 1] + row;
                squares[at] = squares[at - width - 1] + row_squares;
            }
        }
        Self { width, height, sums, squares }
    }

    /// Mean brightness of `[x0, x1) × [y0, y1)` and its variance.
    fn stats(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> (f32, f32) {
        let w = self.width + 1;
        let area = |table: &[f64]| table[y1 * w + x1] - table[y0 * w + x1] - table[y1 * w + x0] + table[y0 * w + x0];
        let n = ((x1 - x0) * (y1 - y0)).max(1) as f64;
        let mean = area(&self.sums) / n;
        let variance = (area(&self.squares) / n - mean * mean).max(0.0);
        (mean as f32, variance as f32)
    }
}

/// One way of laying the cell grid over the picture.
#[derive(Debug, Clone, Copy)]
struct Grid {
    cell: f64,
    phase_x: f64,
    phase_y: f64,
}

/// The folded tile of one grid: per tile cell, the sum of its cells' darkness and their count.
struct Folded {
    sums: [f32; TILE_LEN],
    counts: [u32; TILE_LEN],
    /// Spread of the cells' darkness.
    deviation: f32,
}

fn fold(integral: &Integral, grid: Grid) -> Option<Folded> {
    let columns = ((integral.width as f64 - grid.phase_x) / grid.cell).floor() as usize;
    let rows = ((integral.height as f64 - grid.phase_y) / grid.cell).floor() as usize;
    if columns < 8 || rows < 8 {
        return None;
    }
    // The middle of each cell (the edges blur when the picture was scaled).
    let margin = grid.cell * 0.2;
    let mut means = vec![0f32; columns * rows];
    let mut variances = vec![0f32; columns * rows];
    for row in 0..rows {
        for column in 0..columns {
            let x0 = grid.phase_x + column as f64 * grid.cell;
            let y0 = grid.phase_y + row as f64 * grid.cell;
            let (a, b) = ((x0 + margin) as usize, (y0 + margin) as usize);
            let (c, d) = ((x0 + grid.cell - margin).ceil() as usize, (y0 + grid.cell - margin).ceil() as usize);
            let (mean, variance) =
                integral.stats(a, b, c.min(integral.width).max(a + 1), d.min(integral.height).max(b + 1));
            means[row * columns + column] = mean;
            variances[row * columns + column] = variance;
        }
    }
    let mut sums = [0f32; TILE_LEN];
    let mut counts = [0u32; TILE_LEN];
    let mut square = 0f64;
    let mut n = 0usize;
    for row in 0..rows {
        for column in 0..columns {
            let here = row * columns + column;
            let (mut neighbours, mut count, mut busiest) = (0f32, 0f32, variances[here]);
            for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                let (x, y) = (column as i64 + dx, row as i64 + dy);
                if x >= 0 && y >= 0 && (x as usize) < columns && (y as usize) < rows {
                    let there = y as usize * columns + x as usize;
                    neighbours += means[there];
                    busiest = busiest.max(variances[there]);
                    count += 1.0;
                }
            }
            // Darker than the neighbours is positive; cells in or next to text and pictures (busy
            // inside) count for little, flat ones fully.
            let weight = 1.0 / (1.0 + busiest / FLAT_VARIANCE);
            let darkness = weight * (neighbours / count - means[here]).clamp(-CLIP, CLIP);
            let index = (row % TILE_CELLS) * TILE_CELLS + column % TILE_CELLS;
            sums[index] += darkness;
            counts[index] += 1;
            square += f64::from(darkness * darkness);
            n += 1;
        }
    }
    Some(Folded { sums, counts, deviation: ((square / n.max(1) as f64).sqrt() as f32).max(0.5) })
}

/// The tile cell that folded cell `index` is, at tile offset `(dx, dy)`.
fn shifted(index: usize, dx: usize, dy: usize) -> usize {
    let (row, column) = (index / TILE_CELLS, index % TILE_CELLS);
    ((row + dy) % TILE_CELLS) * TILE_CELLS + (column + dx) % TILE_CELLS
}

/// The best sync correlation of a folded grid over every tile offset: (score, dx, dy).
fn best_offset(folded: &Folded, roles: &[CellRole; TILE_LEN]) -> (f32, usize, usize) {
    let mut best = (f32::MIN, 0, 0);
    for dy in 0..TILE_CELLS {
        for dx in 0..TILE_CELLS {
            let (mut sum, mut observations) = (0f32, 0u32);
            for index in 0..TILE_LEN {
                if let CellRole::Sync(dark) = roles[shifted(index, dx, dy)] {
                    sum += if dark { folded.sums[index] } else { -folded.sums[index] };
                    observations += folded.counts[index];
                }
            }
            let score = sum / (folded.deviation * (observations.max(1) as f32).sqrt());
            if score > best.0 {
                best = (score, dx, dy);
            }
        }
    }
    best
}

/// The payload's soft bits at an alignment: positive means 1.
fn soft_bits(folded: &Folded, roles: &[CellRole; TILE_LEN], dx: usize, dy: usize) -> [f32; PAYLOAD_BITS] {
    let mut bits = [0f32; PAYLOAD_BITS];
    for index in 0..TILE_LEN {
        if let CellRole::Data { bit, whitening } = roles[shifted(index, dx, dy)] {
            // Drawn dark = bit XOR whitening.
            let dark = folded.sums[index];
            bits[bit] += if whitening { -dark } else { dark };
        }
    }
    bits
}

/// The mark the soft bits spell, allowing any of the five least certain bits to be wrong.
fn spell(soft: &[f32; PAYLOAD_BITS]) -> Option<u32> {
    let hard: [bool; PAYLOAD_BITS] = std::array::from_fn(|i| soft[i] > 0.0);
    let mut order: Vec<usize> = (0..PAYLOAD_BITS).collect();
    order.sort_by(|a, b| soft[*a].abs().total_cmp(&soft[*b].abs()));
    let weakest = &order[..5];
    (0u8..32).find_map(|flips| {
        let mut bits = hard;
        for (n, &bit) in weakest.iter().enumerate() {
            if flips & (1 << n) != 0 {
                bits[bit] = !bits[bit];
            }
        }
        mark_of(&bits)
    })
}

/// Looks for a mark in a picture.
pub fn find(image: &DynamicImage) -> Found {
    let integral = Integral::new(&image.to_luma8());
    let roles = layout();
    let phases = |cell: f64, steps: usize| {
        (0..steps * steps).map(move |n| Grid {
            cell,
            phase_x: cell * (n % steps) as f64 / steps as f64,
            phase_y: cell * (n / steps) as f64 / steps as f64,
        })
    };
    // First pass: every size, two phases per axis; keep the best few sizes.
    let mut sizes: Vec<(f32, f64)> = Vec::new();
    let mut cell = MIN_CELL;
    while cell <= MAX_CELL {
        let best = phases(cell, 2)
            .filter_map(|grid| fold(&integral, grid))
            .map(|folded| best_offset(&folded, &roles).0)
            .fold(f32::MIN, f32::max);
        sizes.push((best, cell));
        cell *= COARSE_STEP;
    }
    sizes.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Second pass: around each of the best sizes, finer sizes and four phases per axis; the best
    // grid of each is a candidate. A page's own rhythm (lines of text, a repeating pattern) can
    // make a wrong size correlate more than the mark's, so the candidates that stand clear of
    // chance are read in turn, best first, until one spells a mark (its check must match).
    let mut candidates: Vec<(f32, Folded, usize, usize)> = Vec::new();
    for &(_, around) in sizes.iter().take(4) {
        let mut best: Option<(f32, Folded, usize, usize)> = None;
        let mut cell = around / COARSE_STEP;
        while cell <= around * COARSE_STEP {
            for grid in phases(cell, 4) {
                let Some(folded) = fold(&integral, grid) else { continue };
                let (score, dx, dy) = best_offset(&folded, &roles);
                if best.as_ref().is_none_or(|(top, ..)| score > *top) {
                    best = Some((score, folded, dx, dy));
                }
            }
            cell *= FINE_STEP;
        }
        candidates.extend(best);
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let score = candidates.first().map_or(0.0, |candidate| candidate.0);
    let mark = candidates
        .iter()
        .filter(|(score, ..)| *score >= FOUND_SCORE)
        .find_map(|(_, folded, dx, dy)| spell(&soft_bits(folded, &roles, *dx, *dy)));
    Found { mark, score }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
