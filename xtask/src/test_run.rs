//! `cargo xtask test`: every check and test suite in order, with one closing summary line.
//! Suites run even after an earlier one fails, so one run shows every failure.

use crate::tools::{CHROMEDRIVER, CHROMIUM, ensure_browser, ensure_build_tools, path_with_tools};
use crate::{XResult, app_build, root, step};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Pass/fail counts read from a runner's output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

/// Reads the counts a line reports: cargo/libtest and wasm-bindgen-test
/// (`test result: ok. 5 passed; 0 failed; …`) and node's TAP reporter (`# pass 5`, `# fail 0`).
pub fn parse_counts(line: &str) -> Counts {
    let line = line.trim();
    let number_before = |text: &str, word: &str| -> u64 {
        text.split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches("test result: ok.")
                    .trim_start_matches("test result: FAILED.")
                    .trim()
                    .strip_suffix(word)
            })
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    if line.starts_with("test result:") {
        return Counts { passed: number_before(line, "passed"), failed: number_before(line, "failed") };
    }
    if let Some(n) = line.strip_prefix("# pass ") {
        return Counts { passed: n.trim().parse().unwrap_or(0), failed: 0 };
    }
    if let Some(n) = line.strip_prefix("# fail ") {
        return Counts { passed: 0, failed: n.trim().parse().unwrap_or(0) };
    }
    Counts::default()
}

/// Runs a suite, echoing its output, and returns its counts and whether it exited cleanly.
fn run_suite(name: &str, command: &mut Command) -> (Counts, bool) {
    step(name);
    command.stdout(Stdio::piped()).env("PATH", path_with_tools());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            println!("cannot start {name}: {err}");
            return (Counts::default(), false);
        }
    };
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            let found = parse_counts(&line);
            counts.passed += found.passed;
            counts.failed += found.failed;
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (counts, ok)
}

/// Runs a check that has no test counts (formatting, lints); it counts as one test.
fn run_check(name: &str, command: &mut Command) -> (Counts, bool) {
    step(name);
    let ok = command.env("PATH", path_with_tools()).status().map(|s| s.success()).unwrap_or(false);
    (Counts { passed: u64::from(ok), failed: u64::from(!ok) }, ok)
}

pub fn test_all() -> XResult {
    ensure_build_tools()?;
    ensure_browser()?;
    crate::tools::ensure_api_tools()?;
    let root = root();
    let cargo = |args: &[&str]| {
        let mut command = Command::new("cargo");
        command.args(args).current_dir(&root);
        command
    };
    let mut results: Vec<(&str, Counts, bool)> = Vec::new();
    let mut record = |name: &'static str, (counts, ok): (Counts, bool)| results.push((name, counts, ok));

    record("format", run_check("cargo fmt --check", &mut cargo(&["fmt", "--all", "--check"])));
    record(
        "clippy (native)",
        run_check(
            "clippy: protocol, sync core, watermark, server, load generator, xtask",
            &mut cargo(&native_packages("clippy", &["--all-targets", "--", "-D", "warnings"])),
        ),
    );
    record(
        "clippy (app)",
        run_check(
            "clippy: the app (wasm32)",
            &mut cargo(&[
                "clippy",
                "-p",
                "weft",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                // The shipped code: the split points and the wasm start function.
                "--features",
                "split",
                "--",
                "-D",
                "warnings",
            ]),
        ),
    );
    record(
        "native tests",
        run_suite(
            "native tests: protocol, sync core, watermark, server, load generator, xtask",
            &mut cargo(&native_packages("test", &[])),
        ),
    );
    // The same server suite again on PostgreSQL: every test's store gets its own schema there.
    let mut postgres_skipped = None;
    match crate::postgres::test_database() {
        Ok(url) => {
            let mut server = cargo(&["test", "-p", "weft-server"]);
            server.env("WEFT_TEST_DATABASE_URL", url);
            record("server on Postgres", run_suite("server tests again on PostgreSQL", &mut server));
        }
        Err(reason) => {
            println!("\nPostgreSQL half SKIPPED: {reason}");
            postgres_skipped = Some(reason);
        }
    }
    let mut browser = cargo(&["test", "-p", "weft", "--target", "wasm32-unknown-unknown"]);
    browser.env("CHROMEDRIVER", CHROMEDRIVER).env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    record(
        "browser tests",
        run_suite("browser tests of the app (wasm-bindgen-test in headless Chromium)", &mut browser),
    );

    let built = app_build::build_app().and_then(|()| {
        step("building the server for end-to-end tests");
        crate::run(&mut cargo(&["build", "-p", "weft-server"]))
    });
    match built {
        Ok(()) => {
            let mut e2e = Command::new("node");
            e2e.arg("--test").arg("--test-reporter=tap").arg("--test-concurrency=1");
            for file in e2e_files()? {
                e2e.arg(file);
            }
            e2e.current_dir(&root)
                .env("WEFT_SERVER_BIN", root.join("target/debug/weft-server"))
                .env("WEFT_DIST", root.join("dist"))
                .env("CHROMIUM", CHROMIUM)
                .env("WEFT_API_TOOLS_PYTHON", crate::tools::api_tools_python());
            record(
                "end-to-end tests",
                run_suite("end-to-end tests (Playwright, real server, headless Chromium)", &mut e2e),
            );
        }
        Err(err) => {
            println!("build for end-to-end tests failed: {err}");
            record("end-to-end tests", (Counts { passed: 0, failed: 1 }, false));
        }
    }

    println!("\n==> summary");
    let mut total = Counts::default();
    let mut all_ok = true;
    for (name, counts, ok) in &results {
        println!(
            "  {name:<18} {:>4} passed, {:>3} failed{}",
            counts.passed,
            counts.failed,
            if *ok { "" } else { "  (FAILED)" }
        );
        total.passed += counts.passed;
        total.failed += counts.failed;
        // A suite that exits non-zero without a counted failure (e.g. a compile error) still fails.
        if !ok && counts.failed == 0 {
            total.failed += 1;
        }
        all_ok &= *ok;
    }
    if let Some(reason) = &postgres_skipped {
        println!("  server on Postgres SKIPPED: {reason}");
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    if all_ok && total.failed == 0 { Ok(()) } else { Err("some checks or tests failed (see above)".into()) }
}

/// The crates that build and test natively (the app is checked for wasm32 on its own).
const NATIVE_PACKAGES: [&str; 6] =
    ["weft-protocol", "weft-sync-core", "weft-watermark", "weft-server", "weft-loadgen", "xtask"];

/// `cargo <command> -p …` over [`NATIVE_PACKAGES`], then `rest`.
fn native_packages<'a>(command: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command];
    for package in NATIVE_PACKAGES {
        args.extend(["-p", package]);
    }
    args.extend_from_slice(rest);
    args
}

fn e2e_files() -> XResult<Vec<String>> {
    let dir = root().join("tests/e2e");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.js"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_and_tap_counts() {
        assert_eq!(
            parse_counts(
                "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s"
            ),
            Counts { passed: 12, failed: 0 }
        );
        assert_eq!(parse_counts("test result: FAILED. 3 passed; 2 failed; 0 ignored"), Counts { passed: 3, failed: 2 });
        assert_eq!(parse_counts("# pass 7"), Counts { passed: 7, failed: 0 });
        assert_eq!(parse_counts("# fail 1"), Counts { passed: 0, failed: 1 });
        assert_eq!(parse_counts("ok 1 - signs in"), Counts::default());
    }
}
