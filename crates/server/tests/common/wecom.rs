//! Calling the WeCom-compatible API as an integration does: making an app through the admin
//! API, its token, and GET/POST calls whose answers are always HTTP 200.

use super::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

pub struct Integration {
    pub corp_id: String,
    pub agent_id: u64,
    pub secret: String,
}

pub async fn make_app(app: &TestApp, admin: &str, scopes: Value, allowed_ips: Value) -> Integration {
    let body = json!({ "name": "ERP 连接器", "scopes": scopes, "allowed_ips": allowed_ips });
    let created = app.call(Method::POST, "/api/v1/admin/integration-apps", Some(admin), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let list = app.call(Method::GET, "/api/v1/admin/integration-apps", Some(admin), None).await;
    Integration {
        corp_id: list.body["corp_id"].as_str().expect("corp id").to_owned(),
        agent_id: created.body["app"]["agent_id"].as_u64().expect("agent id"),
        secret: created.body["secret"].as_str().expect("secret").to_owned(),
    }
}

/// A WeCom call: always HTTP 200, the errcode in the body.
pub async fn wecom(app: &TestApp, path: &str) -> Value {
    wecom_from(app, "127.0.0.1", path).await
}

pub async fn wecom_from(app: &TestApp, peer: &str, path: &str) -> Value {
    let reply = app.call_as(Some(peer), &[], Method::GET, path, None, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: business errors are HTTP 200");
    reply.body
}

pub async fn token(app: &TestApp, integration: &Integration) -> String {
    let reply =
        wecom(app, &format!("/cgi-bin/gettoken?corpid={}&corpsecret={}", integration.corp_id, integration.secret))
            .await;
    assert_eq!(reply["errcode"], 0, "{reply}");
    reply["access_token"].as_str().expect("token").to_owned()
}

/// A WeCom POST with a raw body and no Content-Type (as some SDKs send it).
pub async fn wecom_post(app: &TestApp, path: &str, body: &str) -> Value {
    let request = axum::http::Request::post(path).body(axum::body::Body::from(body.to_owned())).expect("request");
    let (status, _, bytes) = app.raw(request).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    serde_json::from_slice(&bytes).expect("json")
}
