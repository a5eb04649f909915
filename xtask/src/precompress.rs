//! Compression at build time: brotli (quality 11) and gzip (level 9) copies written beside every
//! content-hashed file of the built app, so the server sends the smallest bytes without
//! compressing per request. The bench measures with the same settings.

use crate::XResult;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `bytes` compressed with gzip at level 9.
pub fn gzip(bytes: &[u8]) -> XResult<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|err| format!("gzip: {err}"))?;
    encoder.finish().map_err(|err| format!("gzip: {err}"))
}

/// `bytes` compressed with brotli at quality 11 (the largest window the format allows by default).
pub fn brotli(bytes: &[u8]) -> XResult<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|err| format!("brotli: {err}"))?;
    Ok(out)
}

/// True for cargo-leptos's content-hashed names, `<stem>.<22 base64url characters>.<ext>`
/// (the server's static_files.rs recognises the same shape).
pub fn is_hashed(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let mut parts = name.rsplit('.');
    let (_extension, hash, stem) = (parts.next(), parts.next(), parts.next());
    stem.is_some()
        && hash.is_some_and(|h| h.len() == 22 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> XResult<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|err| format!("cannot list {}: {err}", folder.display()))?;
        for entry in entries {
            let path = entry.map_err(|err| err.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `<file>.br` and `<file>.gz` beside every hashed file under `dist`; returns how many.
pub fn precompress(dist: &Path) -> XResult<usize> {
    let hashed: Vec<PathBuf> = files_under(dist)?.into_iter().filter(|path| is_hashed(path)).collect();
    for path in &hashed {
        let bytes = std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        for (extension, compressed) in [("br", brotli(&bytes)?), ("gz", gzip(&bytes)?)] {
            let mut target = path.clone().into_os_string();
            target.push(format!(".{extension}"));
            std::fs::write(&target, compressed).map_err(|err| format!("cannot write {target:?}: {err}"))?;
        }
    }
    Ok(hashed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_cargo_leptos_hashed_names_only() {
        assert!(is_hashed(Path::new("dist/pkg/weft.xK3e_Q1d-9aZbC0pLmN2Rw.wasm")));
        assert!(is_hashed(Path::new("pkg/__wasm_split.xK3e_Q1d-9aZbC0pLmN2Rw.js")));
        assert!(is_hashed(Path::new("split_admin.xK3e_Q1d-9aZbC0pLmN2Rw.wasm")));
        assert!(!is_hashed(Path::new("dist/sw.js")));
        assert!(!is_hashed(Path::new("dist/index.html")));
        assert!(!is_hashed(Path::new("icons/icon-192.png")));
        assert!(!is_hashed(Path::new("weft.short.wasm")));
    }

    #[test]
    fn compressed_copies_round_trip() {
        let text = "Weft workspace ".repeat(200);
        let gz = gzip(text.as_bytes()).expect("gzip");
        let mut decoded = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded).expect("gunzip");
        assert_eq!(decoded, text);
        let br = brotli(text.as_bytes()).expect("brotli");
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotli).expect("unbrotli");
        assert_eq!(unbrotli, text.as_bytes());
        assert!(br.len() < text.len() / 10);
    }
}
