//! `cargo xtask bench-server [loadgen options]`: builds the release server and `weft-loadgen`
//! and runs the group fan-out benchmark (fresh SQLite data per scenario, loopback only).

use crate::{XResult, root, run, step};
use std::process::Command;

pub fn bench_server(args: &[String]) -> XResult {
    let root = root();
    step("building the server and the load generator (release)");
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "weft-server", "-p", "weft-loadgen"])
        .current_dir(&root))?;
    step("group fan-out load: members in groups of ten, one live socket each");
    run(Command::new(root.join("target/release/weft-loadgen"))
        .args(["--server"])
        .arg(root.join("target/release/weft-server"))
        .args(args)
        .current_dir(&root))
}
