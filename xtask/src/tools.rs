//! Installs what the build and tests need when it is missing (TOOLCHAIN.md): the wasm target,
//! the wasm-bindgen CLI at the exact version in Cargo.lock, npm packages (binaryen's wasm-opt,
//! playwright-core), cargo-leptos (the app build, which splits the wasm), Debian's Chromium
//! with its driver, and a Python environment with the WeCom SDK the integration test drives. wasm-bindgen and wasm-opt go on PATH before cargo-leptos runs, so it never
//! tries to download them.

use crate::{XResult, root, run, step};
use std::process::Command;

/// 0.3.11 needs a newer rustc with `--locked`; 0.3.10 is the version the split recipe was tested with.
pub const CARGO_LEPTOS_VERSION: &str = "0.3.10";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).env("PATH", path_with_tools()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// PATH with cargo's bin folder and the project's npm tools in front.
pub fn path_with_tools() -> String {
    let mut parts = vec![root().join("node_modules/.bin").display().to_string()];
    if let Ok(home) = std::env::var("CARGO_HOME") {
        parts.push(format!("{home}/bin"));
    } else if let Ok(home) = std::env::var("HOME") {
        parts.push(format!("{home}/.cargo/bin"));
    }
    parts.push(std::env::var("PATH").unwrap_or_default());
    parts.join(":")
}

/// The wasm-bindgen version pinned in Cargo.lock.
pub fn locked_wasm_bindgen() -> XResult<String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).map_err(|err| format!("cannot read Cargo.lock: {err}"))?;
    let lines: Vec<&str> = lock.lines().collect();
    lines
        .windows(2)
        .find(|pair| pair[0] == "name = \"wasm-bindgen\"")
        .and_then(|pair| pair[1].strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| "wasm-bindgen is not in Cargo.lock".into())
}

pub fn ensure_build_tools() -> XResult {
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        step("installing the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let wanted = locked_wasm_bindgen()?;
    let installed = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = output_of("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if installed.trim() != format!("wasm-bindgen {wanted}") || !runner.contains(&wanted) {
        step(&format!("installing wasm-bindgen-cli {wanted} (a few minutes, once)"));
        // Not --locked: one of its locked dependencies is no longer on the registry.
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wanted, "--force"]))?;
    }
    ensure_npm_packages()?;
    ensure_cargo_leptos()
}

/// cargo-leptos at [`CARGO_LEPTOS_VERSION`] (`cargo leptos --version` prints `cargo-leptos 0.3.10`).
fn ensure_cargo_leptos() -> XResult {
    let installed = output_of("cargo", &["leptos", "--version"]).unwrap_or_default();
    if !installed.split_whitespace().any(|word| word == CARGO_LEPTOS_VERSION) {
        step(&format!("installing cargo-leptos {CARGO_LEPTOS_VERSION} (about 25 minutes on two cores, once)"));
        run(Command::new("cargo").args([
            "install",
            "--locked",
            "cargo-leptos",
            "--version",
            CARGO_LEPTOS_VERSION,
            "--force",
        ]))?;
    }
    Ok(())
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn ensure_npm_packages() -> XResult {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let modified = |path: &std::path::Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&installed), modified(&lock)), (Some(i), Some(l)) if i >= l);
    if !fresh || !root.join("node_modules/.bin/wasm-opt").exists() {
        step("installing npm packages (binaryen, playwright-core, axe-core)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root))?;
    }
    Ok(())
}

/// Where the Python environment of the API tools lives (`tests/sdk/requirements.txt`).
pub fn api_tools_python() -> std::path::PathBuf {
    root().join("target/api-tools/bin/python")
}

/// A virtual environment with the tools the end-to-end tests drive the APIs with (the WeCom SDK
/// wechatpy, schemathesis, openapi-spec-validator) and their pinned dependencies from PyPI, made once.
pub fn ensure_api_tools() -> XResult {
    let python = api_tools_python();
    let ready = Command::new(&python)
        .args(["-c", "import wechatpy, cryptography, schemathesis, openapi_spec_validator"])
        .output();
    if ready.is_ok_and(|output| output.status.success()) {
        return Ok(());
    }
    step("installing the API tools (wechatpy, schemathesis, openapi-spec-validator) from PyPI");
    let venv = root().join("target/api-tools");
    run(Command::new("python3").arg("-m").arg("venv").arg("--clear").arg(&venv))?;
    let requirements = root().join("tests/sdk/requirements.txt");
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(requirements))
}

/// Chromium and ChromeDriver from Debian's packages (never a browser download).
pub fn ensure_browser() -> XResult {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    step("installing Chromium and ChromeDriver from Debian's packages");
    let apt = |args: &[&str]| {
        let mut command = Command::new("apt-get");
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command)
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"])
}
