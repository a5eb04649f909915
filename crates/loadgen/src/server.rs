//! The server under test: the release `weft-server` started on a fresh data folder (and, on
//! PostgreSQL, a fresh database made with `psql`) on 127.0.0.1 with bench members seeded, its
//! address read from its banner, its memory read from `/proc`, and the process, folder and
//! database removed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Which database the server runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded default: a file in the data folder.
    Sqlite,
    /// A database made for the run on this PostgreSQL server (a `postgres://` URL of a database
    /// the role may create databases from, e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
    Postgres { server: String },
}

impl Database {
    pub fn label(&self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }
}

pub struct ServerProcess {
    child: Child,
    data_dir: PathBuf,
    /// The PostgreSQL server and the database made for this run.
    postgres: Option<(String, String)>,
    pub addr: SocketAddr,
}

fn psql(server: &str, sql: &str) -> Result<(), String> {
    let output = Command::new("psql")
        .args([server, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .map_err(|err| format!("cannot run psql: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("psql {sql:?}: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}

impl ServerProcess {
    /// Starts `binary` with `members` bench members and waits for its banner.
    pub fn start(
        binary: &Path,
        members: usize,
        extra_env: &[(String, String)],
        database: &Database,
    ) -> Result<Self, String> {
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let data_dir = std::env::temp_dir().join(format!("weft-loadgen-{run_id}"));
        std::fs::create_dir_all(&data_dir).map_err(|err| format!("cannot create {}: {err}", data_dir.display()))?;
        let mut command = Command::new(binary);
        let mut postgres = None;
        if let Database::Postgres { server } = database {
            let name = format!("weft_bench_{run_id}");
            psql(server, &format!("CREATE DATABASE {name}"))?;
            let url = match server.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => return Err(format!("{server} is not a postgres:// URL with a database")),
            };
            command.args(["--database-url", &url]);
            postgres = Some((server.clone(), name));
        }
        command
            .args(["--demo", "--addr", "127.0.0.1:0", "--bench-members", &members.to_string()])
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("--dist")
            .arg(data_dir.join("no-app"))
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (key, value) in extra_env {
            command.env(key, value);
        }
        let child = command.spawn().map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
        let mut process = Self { child, data_dir, postgres, addr: SocketAddr::from(([127, 0, 0, 1], 0)) };
        let child = &mut process.child;
        let stdout = child.stdout.take().ok_or("the server's output is not readable")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let Some(line) = lines.next() else {
                return Err("the server stopped before printing its address".into());
            };
            let line = line.map_err(|err| err.to_string())?;
            if let Some(rest) = line.strip_prefix("Weft is running at http://") {
                let text = rest.trim_end_matches('/');
                break text.parse::<SocketAddr>().map_err(|err| format!("bad address {text:?}: {err}"))?;
            }
        };
        // Keep draining its output so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        process.addr = addr;
        Ok(process)
    }

    /// The server's resident memory in MiB (`VmRSS` in `/proc/<pid>/status`).
    pub fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some((server, name)) = &self.postgres
            && let Err(err) = psql(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        {
            eprintln!("the bench database {name} stays: {err}");
        }
    }
}
