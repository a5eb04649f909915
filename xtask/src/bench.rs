//! `cargo xtask bench`: prints the release app shell's size (raw, gzip, brotli); through
//! Playwright scripts, start-up times (cold and warm offline) and messaging figures (feed pull,
//! catch-up after offline, first paint of a 10,000-message chat; directory download of 20,000
//! members and search latency per keystroke); and IndexedDB ingest rates from
//! a release wasm-bindgen-test. Figures, not pass/fail: record them in the README.

use crate::tools::{CHROMIUM, ensure_browser, ensure_build_tools, path_with_tools};
use crate::{XResult, app_build, root, run, step};
use std::io::Write;
use std::process::Command;

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|v| v.len()).unwrap_or(0)
}

fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out.len()
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Prints one row per shell file kind and a total.
fn print_sizes() -> XResult {
    let dist = root().join("dist");
    println!("\napp shell size (release build in dist/):");
    println!("  {:<6} {:>12} {:>12} {:>12}", "kind", "raw", "gzip -9", "brotli 11");
    let mut total = (0, 0, 0);
    for kind in ["wasm", "js", "css", "html"] {
        let mut sizes = (0, 0, 0);
        for entry in std::fs::read_dir(&dist).map_err(|err| format!("cannot list dist: {err}"))?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == kind) && path.file_name().is_some_and(|n| n != "sw.js") {
                let bytes = std::fs::read(&path).map_err(|err| err.to_string())?;
                sizes.0 += bytes.len();
                sizes.1 += gzip_len(&bytes);
                sizes.2 += brotli_len(&bytes);
            }
        }
        println!("  {kind:<6} {:>12} {:>12} {:>12}", kib(sizes.0), kib(sizes.1), kib(sizes.2));
        total = (total.0 + sizes.0, total.1 + sizes.1, total.2 + sizes.2);
    }
    println!("  {:<6} {:>12} {:>12} {:>12}", "total", kib(total.0), kib(total.1), kib(total.2));
    Ok(())
}

pub fn bench() -> XResult {
    ensure_build_tools()?;
    ensure_browser()?;
    app_build::build_app()?;
    print_sizes()?;
    let root = root();
    step("building the server (release) for timing");
    run(Command::new("cargo").args(["build", "--release", "-p", "weft-server"]).current_dir(&root))?;
    let node_bench = |script: &str| {
        run(Command::new("node")
            .arg(script)
            .current_dir(&root)
            .env("PATH", path_with_tools())
            .env("WEFT_SERVER_BIN", root.join("target/release/weft-server"))
            .env("WEFT_DIST", root.join("dist"))
            .env("CHROMIUM", CHROMIUM))
    };
    step("start-up timing in headless Chromium");
    node_bench("tests/e2e/bench/startup.js")?;
    step("messaging: feed, catch-up and first paint with 10,000 messages");
    node_bench("tests/e2e/bench/messaging.js")?;
    step("directory: first download of 20,000 members into IndexedDB, search latency per keystroke");
    node_bench("tests/e2e/bench/directory.js")?;
    step("offline store: IndexedDB ingest of 10,000 and 100,000 messages (release build, headless Chromium)");
    run(Command::new("cargo")
        .args([
            "test",
            "--release",
            "-p",
            "weft",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "store_bench",
            "--",
            "--include-ignored",
            "--nocapture",
        ])
        .current_dir(&root)
        .env("PATH", path_with_tools())
        .env("CHROMEDRIVER", crate::tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "900"))
}
