//! The `weft-server` binary as an operator meets it: a fresh data folder starts empty (no demo
//! accounts unless `--demo`), `weft-server admin create` makes the first administrator, and the
//! security headers are on every answer.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_weft-server");

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["--addr", "127.0.0.1:0", "--dist", "/nonexistent-weft-dist", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start weft-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines.next().expect("the server printed its address").expect("line");
        if let Some(rest) = line.strip_prefix("Weft is running at http://") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading what it prints: a closed pipe would make its next line fail.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, address }
}

/// A request over a fresh connection; the status, the raw head and the body.
fn request(address: &str, method: &str, path: &str, body: &str, headers: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, head.to_lowercase(), body.to_owned())
}

fn sign_in(address: &str, username: &str, password: &str) -> u16 {
    let body = format!(r#"{{"username":"{username}","password":"{password}"}}"#);
    request(address, "POST", "/api/v1/auth/login", &body, "").0
}

fn data_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("weft-binary-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("data folder");
    dir
}

#[test]
fn a_fresh_server_has_no_demo_accounts_until_an_administrator_is_created() {
    let dir = data_dir();
    {
        let server = start(&dir, &[]);
        assert_eq!(sign_in(&server.address, "admin", "weft-demo"), 401);
        assert_eq!(sign_in(&server.address, "zhangsan", "weft-demo"), 401);
    }
    let created = Command::new(BIN)
        .args(["admin", "create", "--userid", "chief", "--name", "首席管理员", "--data-dir"])
        .arg(&dir)
        .env("WEFT_ADMIN_PASSWORD", "a sturdy passphrase")
        .output()
        .expect("admin create");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let short = Command::new(BIN)
        .args(["admin", "create", "--userid", "second", "--name", "x", "--data-dir"])
        .arg(&dir)
        .env("WEFT_ADMIN_PASSWORD", "short")
        .output()
        .expect("admin create");
    assert!(!short.status.success(), "a short password is refused");
    let server = start(&dir, &[]);
    assert_eq!(sign_in(&server.address, "chief", "a sturdy passphrase"), 200);
    assert_eq!(sign_in(&server.address, "admin", "weft-demo"), 401);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_demo_is_seeded_only_when_asked_and_every_answer_carries_the_security_headers() {
    let dir = data_dir();
    let server = start(&dir, &["--demo", "--trusted-proxy", "127.0.0.1"]);
    assert_eq!(sign_in(&server.address, "zhangsan", "weft-demo"), 200);
    let (status, head, _) = request(&server.address, "GET", "/api/v1/health", "", "");
    assert_eq!(status, 200);
    for header in [
        "cross-origin-opener-policy: same-origin",
        "cross-origin-resource-policy: same-origin",
        "permissions-policy: camera=()",
        "x-frame-options: deny",
        "x-content-type-options: nosniff",
    ] {
        assert!(head.contains(header), "missing {header} in {head}");
    }
    assert!(!head.contains("strict-transport-security"), "no HSTS over plain HTTP");
    // Through the trusted proxy (127.0.0.1 here) over HTTPS: HSTS.
    let (_, head, _) = request(&server.address, "GET", "/api/v1/health", "", "X-Forwarded-Proto: https\r\n");
    assert!(head.contains("strict-transport-security: max-age=31536000"), "{head}");
    // Sign-out asks the browser to drop its HTTP cache.
    let body = r#"{"username":"lisi","password":"weft-demo"}"#;
    let (_, _, reply) = request(&server.address, "POST", "/api/v1/auth/login", body, "");
    let token = reply.split("\"token\":\"").nth(1).and_then(|rest| rest.split('"').next()).expect("token").to_owned();
    let (status, head, _) =
        request(&server.address, "POST", "/api/v1/auth/logout", "", &format!("Authorization: Bearer {token}\r\n"));
    assert_eq!(status, 204);
    assert!(head.contains("clear-site-data: \"cache\""), "{head}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A picture of a page, with the watermark drawn over it when `mark` is given, saved as PNG.
fn picture(dir: &std::path::Path, name: &str, mark: Option<u32>) -> std::path::PathBuf {
    let mut page = image::RgbImage::from_pixel(800, 600, image::Rgb([252, 252, 252]));
    for y in (30..560).step_by(50) {
        for x in (40..640).filter(|x| x % 9 < 5) {
            for dy in 0..12 {
                page.put_pixel(x, y + dy, image::Rgb([35, 35, 35]));
            }
        }
    }
    let page = image::DynamicImage::ImageRgb8(page);
    let picture = match mark {
        Some(mark) => image::DynamicImage::ImageRgba8(weft_watermark::embed(&page, mark, 16)),
        None => page,
    };
    let path = dir.join(name);
    picture.save(&path).expect("save the picture");
    path
}

#[test]
fn watermark_decode_names_whom_a_picture_was_shown_to() {
    let dir = data_dir();
    let mark = {
        let server = start(&dir, &["--demo"]);
        let body = r#"{"username":"zhangsan","password":"weft-demo"}"#;
        let (status, _, reply) = request(&server.address, "POST", "/api/v1/auth/login", body, "");
        assert_eq!(status, 200, "{reply}");
        let token = serde_json::from_str::<serde_json::Value>(&reply).expect("json")["token"]
            .as_str()
            .expect("token")
            .to_owned();
        let (status, _, reply) =
            request(&server.address, "GET", "/api/v1/watermark", "", &format!("Authorization: Bearer {token}\r\n"));
        assert_eq!(status, 200, "{reply}");
        let mark = serde_json::from_str::<serde_json::Value>(&reply).expect("json")["mark"].as_u64().expect("mark");
        u32::try_from(mark).expect("u32")
    };
    let decode = |path: &std::path::Path| {
        Command::new(BIN).args(["watermark", "decode"]).arg(path).arg("--data-dir").arg(&dir).output().expect("run")
    };
    let found = decode(&picture(&dir, "leak.png", Some(mark)));
    let stdout = String::from_utf8_lossy(&found.stdout);
    assert!(found.status.success(), "{stdout} {}", String::from_utf8_lossy(&found.stderr));
    assert!(stdout.contains("shown to: 张三 (zhangsan)"), "{stdout}");
    let nobody = decode(&picture(&dir, "plain.png", None));
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no watermark found"));
    let missing = decode(&dir.join("no-such-picture.png"));
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}
