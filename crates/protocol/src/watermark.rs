//! The invisible watermark's pattern: a tile of [`TILE_CELLS`]×[`TILE_CELLS`] cells, each a
//! square of [`CELL_PX`] CSS pixels drawn a little darker or a little lighter than what lies
//! under it. Some cells follow a fixed sync pattern (the same for every mark), which lets a
//! decoder find scale and alignment in a screenshot; the others carry a 32-bit mark and a 16-bit
//! check, each bit three times, whitened. The app draws it; the server draws it into image
//! previews and decodes it from pictures.

/// Cells along one side of the tile.
pub const TILE_CELLS: usize = 16;
/// Cells in one tile.
pub const TILE_LEN: usize = TILE_CELLS * TILE_CELLS;
/// Side of one cell in CSS pixels (the tile is 256 CSS pixels wide).
pub const CELL_PX: u32 = 16;
/// How strongly a cell is darkened or lightened: the alpha of black or white drawn over it.
pub const ALPHA: f64 = 0.035;
/// Cells of the sync pattern.
pub const SYNC_CELLS: usize = TILE_LEN - DATA_CELLS;
/// Bits carried: the mark and its check.
pub const PAYLOAD_BITS: usize = 48;
/// Copies of each payload bit.
pub const REPEATS: usize = 3;
/// Cells carrying the payload.
pub const DATA_CELLS: usize = PAYLOAD_BITS * REPEATS;

/// What a cell does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRole {
    /// Part of the fixed pattern: `true` is dark.
    Sync(bool),
    /// Carries copy `copy` of payload bit `bit`; the drawn darkness is the bit XOR `whitening`.
    Data { bit: usize, whitening: bool },
}

/// A small deterministic generator (splitmix64), so app and server agree on the layout.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The role of every cell of the tile, row by row. The same for every mark.
pub fn layout() -> [CellRole; TILE_LEN] {
    let mut sequence = Sequence(0x5745_4654_u64); // "WEFT"
    // A shuffled order of the cells: the first SYNC_CELLS are sync, the rest carry data.
    let mut order: [usize; TILE_LEN] = std::array::from_fn(|i| i);
    for i in (1..TILE_LEN).rev() {
        let j = (sequence.next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut roles = [CellRole::Sync(false); TILE_LEN];
    for (rank, &cell) in order.iter().enumerate() {
        let coin = sequence.next() & 1 == 1;
        roles[cell] = if rank < SYNC_CELLS {
            CellRole::Sync(coin)
        } else {
            let data_index = rank - SYNC_CELLS;
            CellRole::Data { bit: data_index % PAYLOAD_BITS, whitening: coin }
        };
    }
    roles
}

/// CRC-16/CCITT-FALSE of the mark's four bytes.
pub fn check(mark: u32) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for byte in mark.to_be_bytes() {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// The 48 payload bits of a mark: its 32 bits, then its check, most significant first.
pub fn payload(mark: u32) -> [bool; PAYLOAD_BITS] {
    let word = (u64::from(mark) << 16) | u64::from(check(mark));
    std::array::from_fn(|i| (word >> (PAYLOAD_BITS - 1 - i)) & 1 == 1)
}

/// The mark whose payload these bits are, if the check matches.
pub fn mark_of(bits: &[bool; PAYLOAD_BITS]) -> Option<u32> {
    let word = bits.iter().fold(0u64, |word, &bit| (word << 1) | u64::from(bit));
    let mark = u32::try_from(word >> 16).ok()?;
    (check(mark) == (word & 0xFFFF) as u16).then_some(mark)
}

/// The tile of a mark, row by row: `true` cells are drawn dark, `false` cells light.
pub fn tile(mark: u32) -> [bool; TILE_LEN] {
    let bits = payload(mark);
    let roles = layout();
    std::array::from_fn(|i| match roles[i] {
        CellRole::Sync(dark) => dark,
        CellRole::Data { bit, whitening } => bits[bit] ^ whitening,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_bit_has_its_copies_and_the_rest_is_sync() {
        let roles = layout();
        let mut copies = [0usize; PAYLOAD_BITS];
        let mut sync = 0;
        for role in roles {
            match role {
                CellRole::Sync(_) => sync += 1,
                CellRole::Data { bit, .. } => copies[bit] += 1,
            }
        }
        assert_eq!(sync, SYNC_CELLS);
        assert!(copies.iter().all(|&n| n == REPEATS));
    }

    #[test]
    fn marks_round_trip_and_a_flipped_bit_fails_the_check() {
        for mark in [0, 1, 0xDEAD_BEEF, u32::MAX] {
            let mut bits = payload(mark);
            assert_eq!(mark_of(&bits), Some(mark));
            bits[7] = !bits[7];
            assert_eq!(mark_of(&bits), None);
        }
    }

    #[test]
    fn different_marks_draw_different_tiles_with_the_same_sync_cells() {
        let (a, b) = (tile(1), tile(2));
        assert_ne!(a, b);
        for (i, role) in layout().iter().enumerate() {
            if let CellRole::Sync(dark) = role {
                assert_eq!(a[i], *dark);
                assert_eq!(b[i], *dark);
            }
        }
        let dark = a.iter().filter(|&&d| d).count();
        assert!((80..=176).contains(&dark), "roughly balanced: {dark}");
    }
}
