//! A minimal POSIX ustar writer for compliance archives: regular files only, ASCII paths of at
//! most 100 bytes, contents padded to 512-byte blocks, two zero blocks at the end. Every tar tool
//! (and Python's `tarfile`) reads it.

const BLOCK: usize = 512;

/// Writes `entries` (path, contents) as one tar file dated `modified` (seconds since the epoch).
pub fn write(entries: &[(String, Vec<u8>)], modified: u64) -> Vec<u8> {
    let total: usize = entries.iter().map(|(_, bytes)| BLOCK + bytes.len().div_ceil(BLOCK) * BLOCK).sum();
    let mut out = Vec::with_capacity(total + 2 * BLOCK);
    for (path, bytes) in entries {
        out.extend_from_slice(&header(path, bytes.len() as u64, modified));
        out.extend_from_slice(bytes);
        out.resize(out.len().next_multiple_of(BLOCK), 0);
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    out
}

/// `value` in octal, zero-padded to `width - 1` digits and a NUL.
fn octal(field: &mut [u8], value: u64) {
    let digits = format!("{value:0width$o}", width = field.len() - 1);
    field[..digits.len()].copy_from_slice(digits.as_bytes());
    field[field.len() - 1] = 0;
}

fn header(path: &str, size: u64, modified: u64) -> [u8; BLOCK] {
    debug_assert!(path.is_ascii() && path.len() <= 100, "archive paths are short ASCII: {path}");
    let mut block = [0u8; BLOCK];
    let name = path.as_bytes();
    block[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    octal(&mut block[100..108], 0o644);
    octal(&mut block[108..116], 0);
    octal(&mut block[116..124], 0);
    octal(&mut block[124..136], size);
    octal(&mut block[136..148], modified);
    block[156] = b'0';
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    // The checksum is computed with its own field as spaces.
    block[148..156].fill(b' ');
    let sum: u32 = block.iter().map(|byte| u32::from(*byte)).sum();
    let digits = format!("{sum:06o}\0 ");
    block[148..156].copy_from_slice(digits.as_bytes());
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads back what [`write`] wrote, checking each header's checksum.
    fn read(tar: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at + BLOCK <= tar.len() && tar[at..at + BLOCK].iter().any(|b| *b != 0) {
            let block = &tar[at..at + BLOCK];
            let field = |range: std::ops::Range<usize>| {
                let text = std::str::from_utf8(&block[range]).unwrap_or_default();
                u64::from_str_radix(text.trim_matches(|c: char| c == '\0' || c == ' '), 8).unwrap_or(u64::MAX)
            };
            let mut blanked = block.to_vec();
            blanked[148..156].fill(b' ');
            assert_eq!(field(148..156), blanked.iter().map(|b| u64::from(*b)).sum::<u64>(), "checksum");
            assert_eq!(&block[257..262], b"ustar");
            let name_end = block[..100].iter().position(|b| *b == 0).unwrap_or(100);
            let name = String::from_utf8_lossy(&block[..name_end]).into_owned();
            let size = usize::try_from(field(124..136)).unwrap_or(0);
            out.push((name, tar[at + BLOCK..at + BLOCK + size].to_vec()));
            at += BLOCK + size.div_ceil(BLOCK) * BLOCK;
        }
        assert_eq!(tar.len() - at, 2 * BLOCK, "two zero blocks close the archive");
        out
    }

    #[test]
    fn entries_read_back_with_their_contents_and_the_archive_is_block_aligned() {
        let entries = vec![
            ("manifest.json".to_owned(), b"{}".to_vec()),
            ("files/empty".to_owned(), Vec::new()),
            ("files/exactly-one-block".to_owned(), vec![7u8; BLOCK]),
            ("messages.jsonl".to_owned(), "张三: 你好\n".as_bytes().to_vec()),
        ];
        let tar = write(&entries, 1_764_000_000);
        assert_eq!(tar.len() % BLOCK, 0);
        assert_eq!(read(&tar), entries);
    }
}
