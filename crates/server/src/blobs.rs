//! Content-addressed file storage in the data folder (`blobs/<sha256>`): the same bytes are kept
//! once, names come only from hashes (never from uploaders), and writes go through a temporary
//! file and a rename, so a crash never leaves half a file under a real name.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct BlobStore {
    dir: PathBuf,
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl BlobStore {
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self { dir: dir.to_path_buf() })
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        (sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit())).then(|| self.dir.join(sha256))
    }

    /// Stores bytes; returns their SHA-256 (hex), which is also their name.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha256 = to_hex(&Sha256::digest(bytes));
        let Some(path) = self.path(&sha256) else {
            return Err(std::io::Error::other("bad digest"));
        };
        if !path.exists() {
            let temp = self.dir.join(format!(".{sha256}.{}", uuid::Uuid::new_v4()));
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)?;
        }
        Ok(sha256)
    }

    /// Deletes stored bytes (none left is not an error).
    pub fn remove(&self, sha256: &str) -> std::io::Result<()> {
        let path = self.path(sha256).ok_or_else(|| std::io::Error::other("bad digest"))?;
        match std::fs::remove_file(path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    pub fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let path = self.path(sha256).ok_or_else(|| std::io::Error::other("bad digest"))?;
        std::fs::read(path)
    }
}

/// The content type a file's first bytes show (the uploader's claim is never trusted).
pub fn sniff_content_type(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        [b'%', b'P', b'D', b'F', ..] => "application/pdf",
        [b'P', b'K', 3, 4, ..] => "application/zip",
        _ if std::str::from_utf8(bytes).is_ok() => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_ignores_names_and_claims() {
        assert_eq!(sniff_content_type(b"\x89PNG\r\n\x1a\n...."), "image/png");
        assert_eq!(sniff_content_type(b"<script>alert(1)</script>"), "text/plain; charset=utf-8");
        assert_eq!(sniff_content_type(&[0, 159, 146, 150]), "application/octet-stream");
        assert_eq!(sniff_content_type(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
    }

    #[test]
    fn same_bytes_are_stored_once_under_their_hash() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("weft-blobs-{}", uuid::Uuid::new_v4()));
        let blobs = BlobStore::open(&dir)?;
        let a = blobs.put(b"hello")?;
        let b = blobs.put(b"hello")?;
        assert_eq!(a, b);
        assert_eq!(blobs.get(&a)?, b"hello");
        assert!(blobs.get("../../etc/passwd").is_err());
        assert_eq!(std::fs::read_dir(&dir)?.count(), 1);
        std::fs::remove_dir_all(dir)
    }
}
