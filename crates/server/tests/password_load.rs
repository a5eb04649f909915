//! Many sign-ins at once: at most `PASSWORD_THREADS` argon2 checks run at a time (19 MiB each),
//! the queue beyond them is bounded (503 with `Retry-After`), and the process's memory stays
//! near what two checks need instead of growing with the crowd. Its own test binary, so no
//! other test's sign-in meets the full queue.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestApp;
use tower::ServiceExt;
use weft_server::auth::{
    PASSWORD_QUEUE_LIMIT, PASSWORD_THREADS, peak_concurrent_password_checks, peak_pending_password_checks,
};

/// Resident memory of this process in KiB (Linux).
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_sign_ins_is_checked_a_few_at_a_time_and_the_rest_told_to_retry() {
    let app = TestApp::new();
    let before = resident_kib();
    let crowd = 120;
    let mut attempts = Vec::new();
    for n in 0..crowd {
        let router = weft_server::app(app.state.clone());
        // Each from its own address, so the per-address limit is not what answers.
        let peer = std::net::SocketAddr::from(([198, 51, 100, (n % 250) as u8 + 1], 40_000));
        attempts.push(tokio::spawn(async move {
            let body = serde_json::json!({"username": format!("crowd{n}"), "password": "guess"}).to_string();
            let request = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .extension(axum::extract::ConnectInfo(peer))
                .body(Body::from(body))
                .expect("request");
            let response = router.oneshot(request).await.expect("infallible");
            (response.status(), response.headers().get(header::RETRY_AFTER).cloned())
        }));
    }
    let (mut checked, mut busy) = (0, 0);
    for attempt in attempts {
        let (status, retry_after) = attempt.await.expect("task");
        match status {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(retry_after.is_some(), "a 503 says when to come back");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked >= PASSWORD_THREADS, "some were checked: {checked}");
    assert_eq!(checked + busy, crowd);
    assert!(busy > 0, "a crowd larger than the queue is told to retry");
    assert!(peak_concurrent_password_checks() <= PASSWORD_THREADS);
    assert!(peak_pending_password_checks() <= PASSWORD_QUEUE_LIMIT);
    // 120 checks at once would be 120 × 19 MiB ≈ 2.2 GiB; two at a time stay far below 384 MiB
    // (the PostgreSQL run, with its client connections and the other tests' stores in the same
    // process, once measured 257 MiB).
    let grown_mib = resident_kib().saturating_sub(before) / 1024;
    assert!(grown_mib < 384, "resident memory grew by {grown_mib} MiB");

    // Once the crowd is gone, a member signs in as usual.
    assert!(!app.login("zhangsan").await.is_empty());
}
