//! A PostgreSQL database for the server's conformance run: the one already answering on
//! 127.0.0.1:5432 (user `postgres`, as on these machines), else a cluster from Debian's
//! `postgresql` package (installed if missing) started for the run. When neither works, the
//! caller reports the PostgreSQL half as skipped, with the reason, and the run fails.

use crate::{XResult, step};
use std::process::Command;

/// The server that answers by default; `WEFT_TEST_POSTGRES` names another (a `postgres://` URL
/// of a database the test role may create databases from).
const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The database the tests work in, re-made for every run; each test makes its own schema in it.
const TEST_DATABASE: &str = "weft_test";

/// The URL of a PostgreSQL server that answers (starting one if needed), for making databases.
pub fn server() -> XResult<String> {
    let server = std::env::var("WEFT_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_SERVER.to_owned());
    if !answers(&server) {
        start_local_cluster()?;
        if !answers(&server) {
            return Err(format!("no PostgreSQL answers at {server}, and none could be started here"));
        }
    }
    Ok(server)
}

/// The URL of a fresh test database (`WEFT_TEST_DATABASE_URL` for the server's tests).
pub fn test_database() -> XResult<String> {
    let server = server()?;
    psql(&server, &format!("DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)"))?;
    psql(&server, &format!("CREATE DATABASE {TEST_DATABASE}"))?;
    let database = with_database(&server, TEST_DATABASE);
    psql(&database, "CREATE EXTENSION IF NOT EXISTS citext")?;
    Ok(database)
}

fn answers(url: &str) -> bool {
    Command::new("psql")
        .args([url, "-qtAc", "SELECT 1"])
        .output()
        .map(|output| output.status.success())
        .unwrap_or(false)
}

fn psql(url: &str, sql: &str) -> XResult {
    let output = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .map_err(|err| format!("cannot run psql: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("psql {sql:?} failed: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> String {
    match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{database}"),
        None => url.to_owned(),
    }
}

/// Installs Debian's PostgreSQL if it is missing and (re)starts its clusters. The package's
/// cluster listens on port 5432 but asks for a password over TCP, so `postgres` from 127.0.0.1
/// is trusted first, as on these machines.
fn start_local_cluster() -> XResult {
    if which("pg_ctlcluster").is_none() {
        step("installing PostgreSQL from Debian's packages for the server's PostgreSQL tests");
        let apt = |args: &[&str]| {
            let mut command = Command::new("apt-get");
            command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            crate::run(&mut command)
        };
        apt(&["update"])?;
        apt(&["install", "-y", "postgresql"])?;
    }
    step("starting the local PostgreSQL cluster");
    let clusters = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .map_err(|err| format!("cannot list PostgreSQL clusters: {err}"))?;
    for line in String::from_utf8_lossy(&clusters.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let [version, name, ..] = fields.as_slice() {
            trust_local_tcp(version, name);
            // An already running cluster reports an error here; whether it answers is checked next.
            let _ = Command::new("pg_ctlcluster").args([*version, *name, "restart"]).status();
        }
    }
    Ok(())
}

/// Lets `postgres` connect over 127.0.0.1 without a password (a throwaway test cluster only).
fn trust_local_tcp(version: &str, name: &str) {
    let path = format!("/etc/postgresql/{version}/{name}/pg_hba.conf");
    let Ok(current) = std::fs::read_to_string(&path) else { return };
    let rule = "host all postgres 127.0.0.1/32 trust";
    if !current.contains(rule) && std::fs::write(&path, format!("{rule}\n{current}")).is_err() {
        println!("cannot write {path}: the test role may need a password over TCP");
    }
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join(program))
        .find(|p| p.exists())
}
