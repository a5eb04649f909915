//! `cargo xtask bench-server [loadgen options]`: builds the release server and `weft-loadgen`
//! and runs the group fan-out benchmark on SQLite and, side by side, on PostgreSQL (a fresh
//! database per scenario on the server the tests use; skipped with a note when none answers).

use crate::{XResult, root, run, step};
use std::process::Command;

pub fn bench_server(args: &[String]) -> XResult {
    let root = root();
    step("building the server and the load generator (release)");
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "weft-server", "-p", "weft-loadgen"])
        .current_dir(&root))?;
    let mut loadgen = Command::new(root.join("target/release/weft-loadgen"));
    loadgen.args(["--server"]).arg(root.join("target/release/weft-server")).args(args).current_dir(&root);
    match crate::postgres::server() {
        Ok(server) => {
            loadgen.args(["--postgres", &server]);
        }
        Err(reason) => println!("PostgreSQL column SKIPPED: {reason}"),
    }
    step("group fan-out load: members in groups of ten, one live socket each");
    run(&mut loadgen)
}
