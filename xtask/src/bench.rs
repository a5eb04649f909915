//! `cargo xtask bench`: prints the first-load transfer and every chunk's size (raw, gzip,
//! brotli); through Playwright scripts, start-up times (cold and warm offline) and messaging figures (feed pull,
//! catch-up after offline, first paint of a 10,000-message chat; directory download of 20,000
//! members and search latency per keystroke); and IndexedDB ingest rates from
//! a release wasm-bindgen-test. Figures, not pass/fail: record them in the README.

use crate::tools::{CHROMIUM, ensure_browser, ensure_build_tools, path_with_tools};
use crate::{XResult, app_build, precompress, root, run, step};
use std::path::{Path, PathBuf};
use std::process::Command;

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Raw, gzip -9 and brotli 11 sizes of a built file: the precompressed copies the server sends
/// when they exist beside it, else compressed here with the same settings.
fn sizes(path: &Path) -> XResult<(usize, usize, usize)> {
    let bytes = std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let beside = |extension: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{extension}"));
        std::fs::metadata(PathBuf::from(name)).ok().map(|m| m.len() as usize)
    };
    let gzip = match beside("gz") {
        Some(len) => len,
        None => precompress::gzip(&bytes)?.len(),
    };
    let brotli = match beside("br") {
        Some(len) => len,
        None => precompress::brotli(&bytes)?.len(),
    };
    Ok((bytes.len(), gzip, brotli))
}

/// Prints what the first visit downloads to show the chat list (index.html, the main js, wasm,
/// css and wasm_split's loader), then every wasm and js file of the build with its size.
fn print_sizes() -> XResult {
    let dist = root().join("dist");
    let names = app_build::BuiltNames::find(&dist.join("pkg"))?;
    println!("\nfirst load (what the chat list needs; as served: brotli 11 copies):");
    println!("  {:<48} {:>12} {:>12} {:>12}", "file", "raw", "gzip -9", "brotli 11");
    let mut total = (0, 0, 0);
    let first_load = [
        "index.html".to_owned(),
        format!("pkg/{}", names.js),
        format!("pkg/{}", names.split_loader),
        format!("pkg/{}", names.wasm),
        format!("pkg/{}", names.css),
    ];
    for file in &first_load {
        let (raw, gzip, brotli) = sizes(&dist.join(file))?;
        println!("  {file:<48} {:>12} {:>12} {:>12}", kib(raw), kib(gzip), kib(brotli));
        total = (total.0 + raw, total.1 + gzip, total.2 + brotli);
    }
    println!("  {:<48} {:>12} {:>12} {:>12}", "first load total", kib(total.0), kib(total.1), kib(total.2));

    println!("\nevery wasm and js file of the build (chunks load on first use of their screens):");
    println!("  {:<48} {:>12} {:>12} {:>12}", "file", "raw", "gzip -9", "brotli 11");
    let mut all = (0, 0, 0);
    for path in precompress::files_under(&dist.join("pkg"))? {
        if !path.extension().is_some_and(|e| e == "wasm" || e == "js") {
            continue;
        }
        let (raw, gzip, brotli) = sizes(&path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("  {name:<48} {:>12} {:>12} {:>12}", kib(raw), kib(gzip), kib(brotli));
        all = (all.0 + raw, all.1 + gzip, all.2 + brotli);
    }
    println!("  {:<48} {:>12} {:>12} {:>12}", "all wasm and js", kib(all.0), kib(all.1), kib(all.2));
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
