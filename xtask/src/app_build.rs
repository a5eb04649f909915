//! Builds the app into `dist/` with cargo-leptos (`--split`: the screens loaded on first use become
//! separate wasm chunks), then writes `dist/index.html` from the template with the build's hashed
//! names, brotli and gzip copies of the hashed files, and the service worker that precaches every
//! file including the chunks; and starts the server for `cargo xtask run`.

use crate::precompress::{files_under, precompress};
use crate::tools::{ensure_build_tools, path_with_tools};
use crate::{XResult, root, run, step};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

/// `cargo leptos build --release --split --frontend-only` into a clean `dist/`, then index.html,
/// the precompressed copies and `dist/sw.js`.
pub fn build_app() -> XResult {
    step("building the app (cargo leptos build --release --split --frontend-only)");
    let root = root();
    let dist = root.join("dist");
    // cargo-leptos keeps dist/pkg between builds; old hashed files would pile up and be precached.
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|err| format!("cannot empty {}: {err}", dist.display()))?;
    }
    run(Command::new("cargo")
        .args(["leptos", "build", "--release", "--split", "--frontend-only"])
        .current_dir(&root)
        .env("PATH", path_with_tools()))?;
    remove_type_declarations(&dist.join("pkg"))?;
    let names = BuiltNames::find(&dist.join("pkg"))?;
    write_index(&root.join("index.html"), &dist, &names)?;
    let compressed = precompress(&dist)?;
    println!("precompressed {compressed} hashed files (.br quality 11, .gz level 9)");
    write_service_worker(&dist, &root.join("public/sw.js"))
}

/// Deletes wasm-bindgen's TypeScript declarations (`*.d.<hash>.ts`): nothing loads them, and
/// the service worker would precache them.
fn remove_type_declarations(pkg: &Path) -> XResult {
    for path in files_under(pkg)? {
        if path.extension().is_some_and(|e| e == "ts") {
            std::fs::remove_file(&path).map_err(|err| format!("cannot remove {}: {err}", path.display()))?;
        }
    }
    Ok(())
}

/// The hashed file names (inside `pkg/`) that index.html loads.
#[derive(Debug, PartialEq, Eq)]
pub struct BuiltNames {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// wasm_split's loader (`__wasm_split.<hash>.js`), imported by the main js.
    pub split_loader: String,
}

impl BuiltNames {
    /// Reads the names from a freshly built `pkg/` (main files are `weft.<hash>.<ext>`).
    pub fn find(pkg: &Path) -> XResult<Self> {
        let entries = std::fs::read_dir(pkg).map_err(|err| format!("cannot list {}: {err}", pkg.display()))?;
        let names: Vec<String> = entries.flatten().filter_map(|e| e.file_name().to_str().map(str::to_owned)).collect();
        Self::from_names(&names)
    }

    pub fn from_names(names: &[String]) -> XResult<Self> {
        let one = |prefix: &str, extension: &str| -> XResult<String> {
            let found: Vec<&String> =
                names.iter().filter(|n| n.starts_with(prefix) && n.ends_with(extension)).collect();
            match found.as_slice() {
                [name] => Ok((*name).clone()),
                _ => Err(format!("expected one {prefix}*{extension} in dist/pkg, found {found:?}")),
            }
        };
        Ok(Self {
            js: one("weft.", ".js")?,
            wasm: one("weft.", ".wasm")?,
            css: one("weft.", ".css")?,
            split_loader: one("__wasm_split.", ".js")?,
        })
    }
}

/// Fills the template's `{{js}}`, `{{wasm}}`, `{{css}}` and `{{split_loader}}`. The server hashes
/// the resulting inline loader for its Content-Security-Policy when it loads dist/.
pub fn render_index(template: &str, names: &BuiltNames) -> String {
    template
        .replace("{{js}}", &names.js)
        .replace("{{wasm}}", &names.wasm)
        .replace("{{css}}", &names.css)
        .replace("{{split_loader}}", &names.split_loader)
}

fn write_index(template: &Path, dist: &Path, names: &BuiltNames) -> XResult {
    let body = std::fs::read_to_string(template).map_err(|err| format!("cannot read {}: {err}", template.display()))?;
    std::fs::write(dist.join("index.html"), render_index(&body, names))
        .map_err(|err| format!("cannot write index.html: {err}"))
}

/// Every file of the built app as the URL paths the service worker precaches: the shell, the
/// lazily loaded chunks, icons and manifest; not the worker itself, nor the compressed copies
/// (the browser receives those under the original names).
fn shell_files(dist: &Path) -> XResult<Vec<String>> {
    let mut files = Vec::new();
    for path in files_under(dist)? {
        let compressed = path.extension().is_some_and(|e| e == "br" || e == "gz");
        if let Ok(relative) = path.strip_prefix(dist) {
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            if url != "/sw.js" && !compressed {
                files.push(url);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `dist/sw.js`: the template with the precache list and a version that changes
/// whenever any shell file changes (so browsers pick up new builds).
pub fn write_service_worker(dist: &Path, template: &Path) -> XResult {
    let files = shell_files(dist)?;
    let mut hasher = Sha256::new();
    for file in &files {
        hasher.update(file.as_bytes());
        let bytes = std::fs::read(dist.join(file.trim_start_matches('/')))
            .map_err(|err| format!("cannot read {file}: {err}"))?;
        hasher.update(&bytes);
    }
    let version: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let list = files.iter().map(|f| format!("  \"{f}\",")).collect::<Vec<_>>().join("\n");
    let body = std::fs::read_to_string(template).map_err(|err| format!("cannot read {}: {err}", template.display()))?;
    let worker = format!(
        "// Generated by `cargo xtask build` from public/sw.js: do not edit dist/sw.js.\n\
         const WEFT_VERSION = \"{version}\";\nconst WEFT_PRECACHE = [\n{list}\n];\n{body}"
    );
    std::fs::write(dist.join("sw.js"), worker).map_err(|err| format!("cannot write sw.js: {err}"))?;
    let chunks = files.iter().filter(|f| f.starts_with("/pkg/") && f.ends_with(".wasm")).count();
    println!("service worker: {} files ({chunks} wasm modules), version {version}", files.len());
    Ok(())
}

/// `cargo xtask run`: tools, app, server (release), then the server in the foreground.
pub fn run_server(args: &[String]) -> XResult {
    ensure_build_tools()?;
    build_app()?;
    step("building the server (release)");
    let root = root();
    run(Command::new("cargo").args(["build", "--release", "-p", "weft-server"]).current_dir(&root))?;
    step("starting Weft");
    let mut command = Command::new(root.join("target/release/weft-server"));
    command.args(["--demo", "--dist", "dist", "--data-dir", "data"]).args(args).current_dir(&root);
    run(&mut command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_written_from_the_built_names() {
        let names: Vec<String> = [
            "weft.AAAAAAAAAAAAAAAAAAAAAA.js",
            "weft.BBBBBBBBBBBBBBBBBBBBBB.wasm",
            "weft.CCCCCCCCCCCCCCCCCCCCCC.css",
            "__wasm_split.DDDDDDDDDDDDDDDDDDDDDD.js",
            "__wasm_split_manifest.EEEEEEEEEEEEEEEEEEEEEE.json",
            "split_admin.FFFFFFFFFFFFFFFFFFFFFF.wasm",
        ]
        .map(String::from)
        .to_vec();
        let found = BuiltNames::from_names(&names).expect("names");
        assert_eq!(found.wasm, "weft.BBBBBBBBBBBBBBBBBBBBBB.wasm");
        assert_eq!(found.split_loader, "__wasm_split.DDDDDDDDDDDDDDDDDDDDDD.js");
        let html = render_index(
            r#"<script type="module">import init from "/pkg/{{js}}"; init("/pkg/{{wasm}}");</script><link href="/pkg/{{css}}">"#,
            &found,
        );
        assert!(html.contains("/pkg/weft.AAAAAAAAAAAAAAAAAAAAAA.js"));
        assert!(html.contains("/pkg/weft.CCCCCCCCCCCCCCCCCCCCCC.css"));
        assert!(!html.contains("{{"));
    }

    #[test]
    fn a_build_with_two_main_wasm_files_is_refused() {
        let names = ["weft.A.js", "weft.B.wasm", "weft.C.wasm", "weft.D.css", "__wasm_split.E.js"].map(String::from);
        assert!(BuiltNames::from_names(&names).is_err());
    }
}
