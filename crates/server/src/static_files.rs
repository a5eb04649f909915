//! Serves the built app (`dist/`): loaded into memory at start, so a request can only ever name a
//! file that was there (no path traversal), with long caching for the build's content-hashed
//! files, no-cache for `index.html` and the service worker, and a strict Content-Security-Policy
//! whose `script-src` allows the inline loader by its SHA-256 hash. Files the build compressed
//! ahead (`x.wasm.br`, `x.wasm.gz` beside `x.wasm`) are sent as such to browsers that accept
//! them (brotli first), with `Vary: Accept-Encoding`; other browsers get the original bytes.

use crate::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use weft_protocol::ErrorCode;

struct Asset {
    bytes: axum::body::Bytes,
    content_type: &'static str,
    cache_control: &'static str,
    /// The build's brotli copy (`<name>.br`), if it wrote one.
    brotli: Option<axum::body::Bytes>,
    /// The build's gzip copy (`<name>.gz`), if it wrote one.
    gzip: Option<axum::body::Bytes>,
}

/// The encodings the build writes ahead, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precompressed {
    Brotli,
    Gzip,
}

impl Precompressed {
    fn suffix(self) -> &'static str {
        match self {
            Precompressed::Brotli => ".br",
            Precompressed::Gzip => ".gz",
        }
    }

    fn token(self) -> &'static str {
        match self {
            Precompressed::Brotli => "br",
            Precompressed::Gzip => "gzip",
        }
    }
}

/// Whether an `Accept-Encoding` value accepts `coding` (listed, or `*`, with a non-zero q).
pub fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut named = None;
    let mut any = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let token = parts.next().unwrap_or("").trim();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q=").or_else(|| param.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if token.eq_ignore_ascii_case(coding) {
            named = Some(quality > 0.0);
        } else if token == "*" {
            any = Some(quality > 0.0);
        }
    }
    named.or(any).unwrap_or(false)
}

/// The app's files and the CSP computed from its `index.html`.
pub struct Assets {
    files: HashMap<String, Asset>,
    csp: HeaderValue,
}

/// The CSP used when no app is built (API only): nothing may run.
const API_ONLY_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

impl Assets {
    /// An empty set: the API works, the app is not served.
    pub fn none() -> Self {
        Self { files: HashMap::new(), csp: HeaderValue::from_static(API_ONLY_CSP) }
    }

    /// Loads every file under `dir`. A missing directory gives [`Assets::none`].
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        if !dir.is_dir() {
            return Ok(Self::none());
        }
        let mut files = HashMap::new();
        let mut compressed = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            for entry in std::fs::read_dir(&folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let Ok(relative) = path.strip_prefix(dir) else {
                    continue;
                };
                let key = relative.to_string_lossy().replace('\\', "/");
                let bytes = std::fs::read(&path)?;
                if [Precompressed::Brotli, Precompressed::Gzip].iter().any(|e| key.ends_with(e.suffix())) {
                    compressed.push((key, bytes));
                    continue;
                }
                files.insert(
                    key.clone(),
                    Asset {
                        bytes: bytes.into(),
                        content_type: content_type(&key),
                        cache_control: cache_control(&key),
                        brotli: None,
                        gzip: None,
                    },
                );
            }
        }
        // A compressed copy goes with its original; one without an original is served as itself.
        for (key, bytes) in compressed {
            let Some((original, encoding)) = [Precompressed::Brotli, Precompressed::Gzip]
                .into_iter()
                .find_map(|encoding| key.strip_suffix(encoding.suffix()).map(|original| (original, encoding)))
            else {
                continue;
            };
            match files.get_mut(original) {
                Some(asset) if encoding == Precompressed::Brotli => asset.brotli = Some(bytes.into()),
                Some(asset) => asset.gzip = Some(bytes.into()),
                None => {
                    let asset = Asset {
                        bytes: bytes.into(),
                        content_type: content_type(&key),
                        cache_control: cache_control(&key),
                        brotli: None,
                        gzip: None,
                    };
                    files.insert(key, asset);
                }
            }
        }
        let csp = files
            .get("index.html")
            .map(|index| csp_for(&String::from_utf8_lossy(&index.bytes)))
            .unwrap_or_else(|| API_ONLY_CSP.to_owned());
        Ok(Self { files, csp: HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(API_ONLY_CSP)) })
    }

    pub fn csp(&self) -> HeaderValue {
        self.csp.clone()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Answers a GET/HEAD for a non-API path; `accept_encoding` is the request's header, if any.
    pub fn respond(&self, method: &Method, uri: &Uri, accept_encoding: Option<&str>) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "only GET and HEAD are served here",
            )
            .into_response();
        }
        let path = uri.path().trim_start_matches('/');
        if path == "api" || path.starts_with("api/") {
            return ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such API route").into_response();
        }
        let key = if path.is_empty() { "index.html" } else { path };
        let asset = self.files.get(key).or_else(|| {
            // App routes (`/c/<id>`) are deep links into the single page: serve the shell.
            let last = key.rsplit('/').next().unwrap_or(key);
            (!last.contains('.')).then(|| self.files.get("index.html")).flatten()
        });
        match asset {
            Some(asset) => {
                let chosen = [(Precompressed::Brotli, &asset.brotli), (Precompressed::Gzip, &asset.gzip)]
                    .into_iter()
                    .find_map(|(encoding, bytes)| {
                        let bytes = bytes.as_ref()?;
                        accept_encoding
                            .is_some_and(|accepted| accepts(accepted, encoding.token()))
                            .then_some((encoding, bytes))
                    });
                let bytes = chosen.map_or(&asset.bytes, |(_, bytes)| bytes);
                let mut response =
                    Response::new(if method == Method::HEAD { Body::empty() } else { Body::from(bytes.clone()) });
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(asset.cache_control));
                if let Some((encoding, _)) = chosen {
                    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.token()));
                }
                if asset.brotli.is_some() || asset.gzip.is_some() {
                    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                }
                response
            }
            None if self.files.is_empty() => ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "the app is not built on this server; run `cargo xtask run`",
            )
            .into_response(),
            None => ApiError::not_found("file").into_response(),
        }
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// True for the build's content-hashed names, `<stem>.<22 base64url characters>.<ext>` such as
/// `pkg/weft.xK3e_Q1d-9aZbC0pLmN2Rw.wasm` (cargo-leptos `hash-files`), and their compressed copies.
fn is_hashed(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let file = file.strip_suffix(".br").or_else(|| file.strip_suffix(".gz")).unwrap_or(file);
    let mut parts = file.rsplit('.');
    let (_extension, hash, stem) = (parts.next(), parts.next(), parts.next());
    stem.is_some()
        && hash.is_some_and(|h| h.len() == 22 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

fn cache_control(name: &str) -> &'static str {
    match name {
        "index.html" | "sw.js" | "manifest.webmanifest" => "no-cache",
        _ if is_hashed(name) => "public, max-age=31536000, immutable",
        _ => "public, max-age=86400",
    }
}

/// Builds the policy for a page: only same-origin resources, WebAssembly compilation, and the
/// page's own inline scripts by hash (never `'unsafe-inline'`).
fn csp_for(html: &str) -> String {
    let hashes: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|script| {
            format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes())))
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        hashes.join(" ")
    )
}

/// The bodies of `<script>` elements without a `src` attribute.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_tag_name = &rest[start..];
        let Some(open_end) = after_tag_name.find('>') else {
            break;
        };
        let open_tag = &after_tag_name[..open_end];
        let body_and_rest = &after_tag_name[open_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !open_tag.contains("src=") {
            scripts.push(&body_and_rest[..close]);
        }
        rest = &body_and_rest[close..];
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_hashes_inline_scripts_only() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        assert_eq!(inline_scripts(html), vec!["init()"]);
        let csp = csp_for(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init()"));
        assert!(csp.contains(&format!("'sha256-{expected}'")));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
    }

    #[test]
    fn hashed_names_are_immutable_and_shell_is_revalidated() {
        assert_eq!(cache_control("pkg/weft.xK3e_Q1d-9aZbC0pLmN2Rw.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("pkg/weft.xK3e_Q1d-9aZbC0pLmN2Rw.css"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("pkg/split_admin.xK3e_Q1d-9aZbC0pLmN2Rw.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("pkg/snippets/x/inline0.js"), "public, max-age=86400");
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(cache_control("sw.js"), "no-cache");
        assert_eq!(cache_control("icons/icon-192.png"), "public, max-age=86400");
    }

    #[test]
    fn accept_encoding_is_read_with_its_qualities() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=0.5, br;q=1.0", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*, br;q=0", "br"));
        assert!(!accepts("identity", "gzip"));
    }
}
