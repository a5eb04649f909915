//! The server under test: the release `weft-server` started on a fresh data folder on
//! 127.0.0.1 with bench members seeded, its address read from its banner, its memory read from
//! `/proc`, and the process and folder removed when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct ServerProcess {
    child: Child,
    data_dir: PathBuf,
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `binary` with `members` bench members and waits for its banner.
    pub fn start(binary: &Path, members: usize, extra_env: &[(String, String)]) -> Result<Self, String> {
        let data_dir = std::env::temp_dir().join(format!("weft-loadgen-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&data_dir).map_err(|err| format!("cannot create {}: {err}", data_dir.display()))?;
        let mut command = Command::new(binary);
        command
            .args(["--addr", "127.0.0.1:0", "--bench-members", &members.to_string()])
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
        let mut child = command.spawn().map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the server's output is not readable")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let Some(line) = lines.next() else {
                let _ = child.kill();
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
        Ok(Self { child, data_dir, addr })
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
    }
}
