//! Bad input on every route gets a clear 4xx JSON error `{code, message}`: never a panic, a 500,
//! or an HTML page.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestApp;
use serde_json::Value;

/// Every API route: (method, path, takes a JSON body, needs a session).
fn routes(conversation: &str, session: &str) -> Vec<(Method, String, bool, bool)> {
    vec![
        (Method::GET, "/api/v1/health".into(), false, false),
        (Method::POST, "/api/v1/auth/login".into(), true, false),
        (Method::POST, "/api/v1/auth/logout".into(), false, true),
        (Method::GET, "/api/v1/auth/sessions".into(), false, true),
        (Method::DELETE, format!("/api/v1/auth/sessions/{session}"), false, true),
        (Method::GET, "/api/v1/me".into(), false, true),
        (Method::GET, "/api/v1/conversations".into(), false, true),
        (Method::POST, "/api/v1/conversations".into(), true, true),
        (Method::POST, "/api/v1/conversations/direct".into(), true, true),
        (Method::GET, format!("/api/v1/conversations/{conversation}"), false, true),
        (Method::PATCH, format!("/api/v1/conversations/{conversation}"), true, true),
        (Method::POST, format!("/api/v1/conversations/{conversation}/members"), true, true),
        (Method::DELETE, format!("/api/v1/conversations/{conversation}/members/{session}"), false, true),
        (Method::POST, format!("/api/v1/conversations/{conversation}/leave"), false, true),
        (Method::POST, format!("/api/v1/conversations/{conversation}/owner"), true, true),
        (Method::POST, format!("/api/v1/conversations/{conversation}/messages/1/recall"), false, true),
        (Method::POST, format!("/api/v1/conversations/{conversation}/read"), true, true),
        (Method::GET, "/api/v1/search/messages?q=x".into(), false, true),
        (Method::GET, "/api/v1/sync/bootstrap".into(), false, true),
        (Method::GET, "/api/v1/changes?after=0".into(), false, true),
        (Method::GET, "/api/v1/members".into(), false, true),
        (Method::GET, "/api/v1/directory".into(), false, true),
        (Method::GET, "/api/v1/directory/search?q=x".into(), false, true),
        (Method::GET, format!("/api/v1/directory/members/{session}"), false, true),
        (Method::PUT, format!("/api/v1/conversations/{conversation}/prefs"), true, true),
        (Method::POST, "/api/v1/attachments".into(), false, true),
        (Method::GET, format!("/api/v1/attachments/{session}/url"), false, true),
        (Method::GET, format!("/api/v1/files/{session}"), false, false),
        (Method::GET, format!("/api/v1/conversations/{conversation}/messages"), false, true),
        (Method::POST, format!("/api/v1/conversations/{conversation}/messages"), true, true),
        (Method::GET, "/api/v1/live".into(), false, false),
    ]
}

fn assert_json_error(status: StatusCode, bytes: &[u8], what: &str) {
    assert!(status.is_client_error(), "{what}: expected 4xx, got {status}");
    let body: Value = serde_json::from_slice(bytes)
        .unwrap_or_else(|_| panic!("{what}: not JSON: {}", String::from_utf8_lossy(bytes)));
    assert!(body["code"].is_string() && body["message"].is_string(), "{what}: {body}");
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, Vec<u8>) {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    let (status, _, bytes) = app.raw(builder.body(body.into()).expect("request")).await;
    (status, bytes)
}

#[tokio::test]
async fn every_route_answers_bad_input_with_a_json_4xx() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let conversation = app.conversation_id(&token, "Engineering").await;
    let session = uuid::Uuid::new_v4().to_string();
    let oversize = format!("{{\"text\": \"{}\"}}", "x".repeat(weft_server::MAX_BODY_BYTES + 1));
    for (method, path, takes_body, needs_session) in routes(&conversation, &session) {
        let what = format!("{method} {path}");
        if needs_session {
            for bad in [None, Some("not-a-token"), Some("")] {
                let (status, bytes) = send(&app, method.clone(), &path, bad, None, Body::empty()).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} with token {bad:?}");
                assert_json_error(status, &bytes, &what);
            }
        }
        if takes_body {
            let cases: [(Option<&str>, String, &str); 5] = [
                (Some("application/json"), "{not json".into(), "malformed JSON"),
                (
                    Some("application/json"),
                    r#"{"username": 5, "password": [], "client_id": 7, "text": {}}"#.into(),
                    "wrong types",
                ),
                (Some("application/json"), "[]".into(), "wrong shape"),
                (Some("text/plain"), "{}".into(), "wrong content type"),
                (Some("application/json"), oversize.clone(), "oversize body"),
            ];
            for (content_type, body, case) in cases {
                let (status, bytes) = send(&app, method.clone(), &path, Some(&token), content_type, body).await;
                assert_json_error(status, &bytes, &format!("{what}: {case}"));
                if case == "oversize body" {
                    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{what}");
                }
            }
        }
        // A method the route does not take.
        let (status, bytes) =
            send(&app, Method::from_bytes(b"PURGE").expect("method"), &path, Some(&token), None, Body::empty()).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{what}: PURGE");
        assert_json_error(status, &bytes, &format!("{what}: PURGE"));
    }
}

#[tokio::test]
async fn malformed_ids_and_queries_are_refused() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let conversation = app.conversation_id(&token, "Engineering").await;
    let cases = [
        (Method::GET, "/api/v1/conversations/not-a-uuid/messages".to_owned()),
        (Method::GET, "/api/v1/conversations/..%2F..%2Fetc%2Fpasswd/messages".to_owned()),
        (Method::DELETE, "/api/v1/auth/sessions/12345".to_owned()),
        (Method::GET, format!("/api/v1/conversations/{conversation}/messages?limit=-1")),
        (Method::GET, format!("/api/v1/conversations/{conversation}/messages?limit=0")),
        (Method::GET, format!("/api/v1/conversations/{conversation}/messages?limit=100000")),
        (Method::GET, format!("/api/v1/conversations/{conversation}/messages?before=abc")),
        (Method::GET, format!("/api/v1/conversations/{conversation}/messages?evil=1")),
        (Method::GET, "/api/v1/directory/members/not-a-uuid".to_owned()),
        (Method::GET, "/api/v1/directory/search?q=x&limit=abc".to_owned()),
        (Method::GET, "/api/v1/directory/search?evil=1".to_owned()),
        (Method::GET, format!("/api/v1/directory/search?q={}", "长".repeat(65))),
    ];
    for (method, path) in cases {
        let (status, bytes) = send(&app, method.clone(), &path, Some(&token), None, Body::empty()).await;
        assert_json_error(status, &bytes, &format!("{method} {path}"));
    }
}

#[tokio::test]
async fn unknown_api_routes_are_json_404s() {
    let app = TestApp::new();
    for path in ["/api/v1/nope", "/api/v2/conversations", "/api", "/api/v1/conversations/x/y/z"] {
        let (status, bytes) = send(&app, Method::GET, path, None, None, Body::empty()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_json_error(status, &bytes, path);
    }
}

#[tokio::test]
async fn the_live_socket_requires_an_upgrade() {
    let app = TestApp::new();
    let (status, bytes) = send(&app, Method::GET, "/api/v1/live", None, None, Body::empty()).await;
    assert_json_error(status, &bytes, "GET /api/v1/live without upgrade");
}
