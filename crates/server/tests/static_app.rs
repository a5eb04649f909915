//! Serving the built app: CSP with the inline loader's hash, caching by file kind, the build's
//! precompressed copies chosen by Accept-Encoding, SPA deep links, and no way out of the dist folder.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use common::TestApp;
use sha2::{Digest, Sha256};
use weft_server::static_files::Assets;

const LOADER: &str = "import init from '/pkg/weft.xK3e_Q1d-9aZbC0pLmN2Rw.js'; init();";
const WASM: &str = "/pkg/weft.AbCdEfGhIjKlMnOpQrStUv.wasm";
const JS: &str = "/pkg/weft.xK3e_Q1d-9aZbC0pLmN2Rw.js";
/// Stand-ins for the build's compressed copies: the server must send these bytes as they are.
const JS_BROTLI: &[u8] = b"brotli copy written at build time";
const JS_GZIP: &[u8] = b"gzip copy written at build time";

fn dist() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("weft-dist-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("icons")).expect("mkdir");
    std::fs::create_dir_all(dir.join("pkg/snippets")).expect("mkdir");
    std::fs::write(
        dir.join("index.html"),
        format!("<html><head><script type=\"module\">{LOADER}</script></head></html>"),
    )
    .expect("write");
    std::fs::write(dir.join(&WASM[1..]), b"\0asm").expect("write");
    std::fs::write(dir.join(&JS[1..]), "export default 1;".repeat(100)).expect("write");
    std::fs::write(dir.join(format!("{}.br", &JS[1..])), JS_BROTLI).expect("write");
    std::fs::write(dir.join(format!("{}.gz", &JS[1..])), JS_GZIP).expect("write");
    std::fs::write(dir.join("pkg/snippets/inline0.js"), "export const x = 1;".repeat(100)).expect("write");
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
    let (status, headers, _) = get(&app, WASM, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    let (_, headers, _) = get(&app, "/sw.js", None).await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn files_without_a_compressed_copy_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (_, headers, body) = get(&app, "/pkg/snippets/inline0.js", Some("br")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert!(body.len() < 1700, "compressed to {} bytes", body.len());
    let (_, headers, _) = get(&app, "/pkg/snippets/inline0.js", Some("gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn the_builds_compressed_copies_are_sent_as_they_are() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (status, headers, body) = get(&app, JS, Some("gzip, deflate, br, zstd")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(body, JS_BROTLI, "the brotli file's bytes, not a fresh compression");
    assert_eq!(headers[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    assert_eq!(headers[header::VARY], "accept-encoding");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");

    let (_, headers, body) = get(&app, JS, Some("gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(body, JS_GZIP);
    let (_, headers, body) = get(&app, JS, Some("br;q=0, gzip;q=0.8")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(body, JS_GZIP);
}

#[tokio::test]
async fn browsers_that_accept_no_compression_get_the_original_bytes() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    for accept in [None, Some("identity"), Some("br;q=0, gzip;q=0")] {
        let (status, headers, body) = get(&app, JS, accept).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get(header::CONTENT_ENCODING).is_none(), "{accept:?}");
        assert_eq!(body, "export default 1;".repeat(100).as_bytes(), "{accept:?}");
        assert_eq!(headers[header::VARY], "accept-encoding", "caches must keep the variants apart");
    }
    // The copies are not files of their own.
    let (status, _, _) = get(&app, &format!("{JS}.br"), Some("br")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deep_links_get_the_app_shell_and_missing_files_a_404() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let (status, headers, _) = get(&app, "/c/0190b2a4-0000-7000-8000-000000000000", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let (status, _, _) = get(&app, "/pkg/missing.xK3e_Q1d-9aZbC0pLmN2Rw.js", None).await;
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

#[tokio::test]
async fn a_share_that_reaches_the_server_sends_the_app_to_say_it_did_not_arrive() {
    let app = TestApp::with_assets(Assets::load(&dist()).expect("load"));
    let boundary = "weft-share-test";
    let body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n--{boundary}--\r\n");
    let request = Request::builder()
        .method("POST")
        .uri(weft_server::SHARE_TARGET_PATH)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .expect("request");
    let (status, headers, _) = app.raw(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/share?error=unavailable");
    // The Share screen itself is an app address like any other.
    let (status, _, body) = get(&app, "/share?id=abc", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains(LOADER));
}
