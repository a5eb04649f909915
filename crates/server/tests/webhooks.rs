//! Outgoing webhooks against real receivers on loopback: deliveries are signed (HMAC-SHA256 of
//! timestamp and body), retried with backoff until accepted, delivered once per event id, listed
//! with their results, given up after the last attempt, and only administrators manage them.

mod common;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use weft_protocol::webhook::WebhookEvent;
use weft_server::webhook_sender::{WebhookSender, emit};

/// A receiver that answers 500 to its first `failures` calls, then 200; it checks every call's
/// signature against `secret` and keeps what it saw.
#[derive(Clone, Default)]
struct Receiver {
    secret: Arc<Mutex<String>>,
    failures: usize,
    calls: Arc<Mutex<Vec<(String, bool)>>>,
    accepted: Arc<Mutex<Vec<Value>>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = String::from_utf8(body.to_vec()).unwrap_or_default();
    let secret = receiver.secret.lock().expect("lock").clone();
    let expected = format!(
        "sha256={}",
        weft_server::auth::hmac_sha256_hex(
            secret.as_bytes(),
            format!("{}.{body}", header("x-weft-timestamp")).as_bytes()
        )
    );
    let signed = header("x-weft-signature") == expected;
    let call = {
        let mut calls = receiver.calls.lock().expect("lock");
        calls.push((header("x-weft-delivery"), signed));
        calls.len()
    };
    if !signed {
        return StatusCode::UNAUTHORIZED;
    }
    if call <= receiver.failures {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    receiver.accepted.lock().expect("lock").push(serde_json::from_str(&body).unwrap_or(Value::Null));
    StatusCode::NO_CONTENT
}

async fn start(receiver: &Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let router = Router::new().route("/hook", post(receive)).with_state(receiver.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}/hook")
}

/// A server whose sender retries at once (the backoff's base is zero) and runs in the background.
fn app_with_sender() -> TestApp {
    let mut app = TestApp::new();
    app.state.webhooks = Arc::new(WebhookSender::new(0));
    weft_server::webhook_sender::spawn(app.state.clone());
    app
}

async fn register(app: &TestApp, admin: &str, url: &str, events: Value) -> (String, String) {
    let reply = app
        .call(Method::POST, "/api/v1/admin/webhooks", Some(admin), Some(json!({ "url": url, "events": events })))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.body["webhook"]["id"].as_str().expect("id").to_owned();
    (id, reply.body["secret"].as_str().expect("secret").to_owned())
}

async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test]
async fn a_receiver_that_fails_twice_then_succeeds_gets_exactly_one_signed_accepted_delivery() {
    let app = app_with_sender();
    let admin = app.login("admin").await;
    let receiver = Receiver { failures: 2, ..Receiver::default() };
    let url = start(&receiver).await;
    let (id, secret) = register(&app, &admin, &url, json!(["member_created", "member_disabled"])).await;
    *receiver.secret.lock().expect("lock") = secret;

    let created = app
        .call(
            Method::POST,
            "/api/v1/admin/members",
            Some(&admin),
            Some(json!({ "userid": "hooked", "name": "钩子", "departments": ["hr"] })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    eventually("the delivery", || !receiver.accepted.lock().expect("lock").is_empty()).await;
    // Give a wrong extra delivery the time to show up.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let accepted = receiver.accepted.lock().expect("lock").clone();
    assert_eq!(accepted.len(), 1, "exactly one accepted delivery: {accepted:?}");
    assert_eq!(accepted[0]["event"], "member_created");
    assert_eq!(accepted[0]["data"]["userid"], "hooked");
    let calls = receiver.calls.lock().expect("lock").clone();
    assert_eq!(calls.len(), 3, "two failures, then the accepted one: {calls:?}");
    assert!(calls.iter().all(|(_, signed)| *signed), "every attempt is signed");
    assert!(calls.iter().all(|(event_id, _)| *event_id == calls[0].0), "retries carry the same event id");
    assert_eq!(accepted[0]["event_id"], calls[0].0.as_str());

    let deliveries =
        app.call(Method::GET, &format!("/api/v1/admin/webhooks/{id}/deliveries"), Some(&admin), None).await;
    assert_eq!(deliveries.status, StatusCode::OK, "{}", deliveries.body);
    let listed = &deliveries.body[0];
    assert_eq!(listed["status"], "delivered");
    assert_eq!(listed["attempts"], 3);
    assert_eq!(listed["last_status"], 204);

    // The same event again (a retry of whatever caused it) is not delivered twice.
    emit(&app.state, WebhookEvent::MemberCreated, calls[0].0.clone(), json!({ "userid": "hooked" })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.accepted.lock().expect("lock").len(), 1);
    let deliveries =
        app.call(Method::GET, &format!("/api/v1/admin/webhooks/{id}/deliveries"), Some(&admin), None).await;
    assert_eq!(deliveries.body.as_array().map(Vec::len), Some(1));

    // An event the webhook did not ask for is not sent to it.
    let token = app.login("zhangsan").await;
    assert!(!token.is_empty());
    emit(&app.state, WebhookEvent::ApprovalSubmitted, "approval_submitted:x".into(), json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.accepted.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn a_receiver_that_never_accepts_is_given_up_after_the_last_attempt_and_a_removed_webhook_gets_nothing() {
    let app = app_with_sender();
    let admin = app.login("admin").await;
    let receiver = Receiver { failures: usize::MAX, ..Receiver::default() };
    let url = start(&receiver).await;
    let (id, secret) = register(&app, &admin, &url, json!(["member_created"])).await;
    *receiver.secret.lock().expect("lock") = secret;
    emit(&app.state, WebhookEvent::MemberCreated, "member_created:one".into(), json!({})).await;
    let path = format!("/api/v1/admin/webhooks/{id}/deliveries");
    for _ in 0..200 {
        let listed = app.call(Method::GET, &path, Some(&admin), None).await;
        if listed.body[0]["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let listed = app.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(listed.body[0]["status"], "failed", "{}", listed.body);
    assert_eq!(listed.body[0]["attempts"], weft_protocol::webhook::MAX_DELIVERY_ATTEMPTS);
    assert_eq!(listed.body[0]["last_status"], 500);
    assert!(listed.body[0]["last_error"].as_str().is_some_and(|e| e.contains("500")));
    assert_eq!(receiver.calls.lock().expect("lock").len(), weft_protocol::webhook::MAX_DELIVERY_ATTEMPTS as usize);

    let removed = app.call(Method::DELETE, &format!("/api/v1/admin/webhooks/{id}"), Some(&admin), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    emit(&app.state, WebhookEvent::MemberCreated, "member_created:two".into(), json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.calls.lock().expect("lock").len(), weft_protocol::webhook::MAX_DELIVERY_ATTEMPTS as usize);
    let listed = app.call(Method::GET, "/api/v1/admin/webhooks", Some(&admin), None).await;
    assert_eq!(listed.body, json!([]));
    let audit = app.call(Method::GET, "/api/v1/admin/audit?action=webhook_changed", Some(&admin), None).await;
    assert_eq!(audit.body["entries"].as_array().map(Vec::len), Some(2), "registered and removed");
}

#[tokio::test]
async fn only_administrators_manage_webhooks_and_bad_settings_are_refused() {
    let app = TestApp::new();
    let (admin, member) = (app.login("admin").await, app.login("zhangsan").await);
    let (id, _) = register(&app, &admin, "https://erp.example.com/hooks", json!(["approval_decided"])).await;
    let body = json!({ "url": "https://x.example/h", "events": ["member_created"] });
    for (method, path) in [
        (Method::GET, "/api/v1/admin/webhooks".to_owned()),
        (Method::POST, "/api/v1/admin/webhooks".to_owned()),
        (Method::PUT, format!("/api/v1/admin/webhooks/{id}")),
        (Method::DELETE, format!("/api/v1/admin/webhooks/{id}")),
        (Method::GET, format!("/api/v1/admin/webhooks/{id}/deliveries")),
    ] {
        let as_member = app.call(method.clone(), &path, Some(&member), Some(body.clone())).await;
        assert_error(&as_member, StatusCode::FORBIDDEN, "forbidden");
        let anonymous = app.call(method, &path, None, Some(body.clone())).await;
        assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    for bad in [
        json!({ "url": "ftp://x.example", "events": ["member_created"] }),
        json!({ "url": "https://user:pw@x.example/", "events": ["member_created"] }),
        json!({ "url": "https://x.example/h", "events": [] }),
    ] {
        let refused = app.call(Method::POST, "/api/v1/admin/webhooks", Some(&admin), Some(bad)).await;
        assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    }
    let unknown_event = app
        .call(
            Method::POST,
            "/api/v1/admin/webhooks",
            Some(&admin),
            Some(json!({ "url": "https://x.example/h", "events": ["nope"] })),
        )
        .await;
    assert!(unknown_event.status.is_client_error(), "{}", unknown_event.body);
    let changed = app
        .call(
            Method::PUT,
            &format!("/api/v1/admin/webhooks/{id}"),
            Some(&admin),
            Some(json!({ "url": "https://erp.example.com/v2", "events": ["approval_decided", "approval_submitted"], "enabled": false })),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["enabled"], false);
    assert_eq!(changed.body["events"], json!(["approval_submitted", "approval_decided"]));
    let missing = uuid::Uuid::now_v7();
    let unknown =
        app.call(Method::GET, &format!("/api/v1/admin/webhooks/{missing}/deliveries"), Some(&admin), None).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    let listed = app.call(Method::GET, "/api/v1/admin/webhooks", Some(&admin), None).await;
    assert!(!listed.body.to_string().contains("secret"), "the secret is never listed");
}
