//! `cargo xtask`: the project's two commands and its helpers, with nothing else to install.
//!
//! - `cargo xtask run`   installs missing build tools, builds the app (release), and starts the
//!   server on 127.0.0.1:8080 with the embedded SQLite database in `data/`.
//! - `cargo xtask test`  installs missing build and test tools, then runs formatting and lint
//!   checks, native tests, browser tests of the app, and end-to-end tests; prints
//!   `N passed, N failed` and exits non-zero on any failure.
//! - `cargo xtask bench` prints the app's size and start-up times.
//! - `cargo xtask bench-server` runs the server's group fan-out load benchmark (`weft-loadgen`).
//! - `cargo xtask build` only builds the app into `dist/` (cargo-leptos, split into chunks).

mod app_build;
mod bench;
mod bench_server;
mod postgres;
mod precompress;
mod test_run;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// A failure to report and stop with.
pub type XResult<T = ()> = Result<T, String>;

/// Runs a command to completion; a non-zero exit is an error naming the command.
pub fn run(command: &mut Command) -> XResult {
    let status = command.status().map_err(|err| format!("cannot start {command:?}: {err}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} failed with {status}")) }
}

/// Prints a step heading so long runs show where they are.
pub fn step(title: &str) {
    println!("\n==> {title}");
}

fn usage() -> String {
    "usage: cargo xtask <run [--addr HOST:PORT] | test | bench | bench-server [loadgen options] | build>".into()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => app_build::run_server(&args[1..]),
        Some("test") => test_run::test_all(),
        Some("bench") => bench::bench(),
        Some("bench-server") => bench_server::bench_server(&args[1..]),
        Some("build") => tools::ensure_build_tools().and_then(|()| app_build::build_app()),
        _ => Err(usage()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
