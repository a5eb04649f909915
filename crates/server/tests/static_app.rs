//! Serving the built app: CSP with the inline loader's hash, caching by file kind, SPA deep
//! links, and no way out of the dist folder.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use common::TestApp;
use sha2::{Digest, Sha256};
use weft_server::static_files::Assets;

const LOADER: &str = "import init from '/weft-0123456789abcdef.js'; await init();";

fn dist() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("weft-dist-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("icons")).expect("mkdir");
    std::fs::write(
        dir.join("index.html"),
        format!("<html><head><script type=\"module\">{LOADER}</script></head></html>"),
    )
    .expect("write");
    std::fs::write(dir.join("weft-0123456789abcdef_bg.wasm"), b"\0asm").expect("write");
    std::fs::write(dir.join("weft-0123456789abcdef.js"), "export default 1;".repeat(100)).expect("write");
    std::fs::write(dir.join("sw.js"), "self.addEventListener('fetch', () => {});").expect("write");
    std::fs::write(dir.join("icons/icon-192.png"), b"png").expect("write");
    dir
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut builder = Request::builder().uri(path);
    if let Some(encoding) = accept_encoding {
        builder = builder.header(header::ACCEPT_ENCODING, encoding);
    }
    app.raw(builder.body(Body::empty()).expect("request")).await
}

#[tokio::test]
async fn index_carries_a_strict_csp_with_the_loader_hash() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (status, headers, body) = get(&app, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains(LOADER));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn hashed_files_are_immutable_and_the_worker_is_revalidated() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (status, headers, _) = get(&app, "/weft-0123456789abcdef_bg.wasm", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    let (_, headers, _) = get(&app, "/sw.js", None).await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn responses_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (_, headers, body) = get(&app, "/weft-0123456789abcdef.js", Some("br")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert!(body.len() < 1700, "compressed to {} bytes", body.len());
    let (_, headers, _) = get(&app, "/weft-0123456789abcdef.js", Some("gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn deep_links_get_the_app_shell_and_missing_files_a_404() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (status, headers, _) = get(&app, "/c/0190b2a4-0000-7000-8000-000000000000", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let (status, _, _) = get(&app, "/missing-0123456789abcdef.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn path_traversal_never_leaves_the_dist_folder() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    for path in [
        "/../Cargo.toml",
        "/..%2F..%2Fetc%2Fpasswd",
        "/icons/../../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd.txt",
        "//etc/passwd.txt",
    ] {
        let (status, _, body) = get(&app, path, None).await;
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("[package]") && !text.contains("root:"), "{path} leaked a file");
        assert!(status == StatusCode::NOT_FOUND || text.contains(LOADER), "{path}: {status}");
    }
}
