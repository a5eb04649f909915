//! Sign-in, tokens, sessions and remote sign-out through the real router.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn sign_in_returns_a_token_that_identifies_the_member() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let me = app.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["userid"], "zhangsan");
    assert_eq!(me.body["name"], "张三");
    assert_eq!(me.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn usernames_are_case_insensitive_and_trimmed() {
    let app = TestApp::new();
    let token = app.login("  ZhangSan ").await;
    assert!(!token.is_empty());
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_error() {
    let app = TestApp::new();
    for username in ["zhangsan", "nobody"] {
        let reply = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": "nope"})))
            .await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "bad_credentials");
    }
}

#[tokio::test]
async fn empty_fields_name_the_field() {
    let app = TestApp::new();
    let reply =
        app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": " ", "password": "x"}))).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("username")));
    let reply =
        app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "lisi", "password": ""}))).await;
    assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("password")));
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_even_with_the_right_password() {
    let app = TestApp::new();
    for _ in 0..10 {
        let reply = app
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "lisi", "password": "guess"})))
            .await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    let reply = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "lisi", "password": "weft-demo"})))
        .await;
    assert_error(&reply, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // Another account is unaffected.
    assert!(!app.login("zhangsan").await.is_empty());
}

#[tokio::test]
async fn sessions_are_listed_and_can_be_revoked_remotely() {
    let app = TestApp::new();
    let laptop = app.login("zhangsan").await;
    let phone = app.login("zhangsan").await;
    let list = app.call(Method::GET, "/api/v1/auth/sessions", Some(&laptop), None).await;
    let sessions = list.body.as_array().expect("array");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let phone_session = sessions.iter().find(|s| s["current"] == false).and_then(|s| s["id"].as_str()).expect("other");

    // Another member cannot end zhangsan's session.
    let lisi = app.login("lisi").await;
    let reply = app.call(Method::DELETE, &format!("/api/v1/auth/sessions/{phone_session}"), Some(&lisi), None).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");

    let reply = app.call(Method::DELETE, &format!("/api/v1/auth/sessions/{phone_session}"), Some(&laptop), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = app.call(Method::GET, "/api/v1/me", Some(&phone), None).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
    let reply = app.call(Method::GET, "/api/v1/me", Some(&laptop), None).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::new();
    let token = app.login("lisi").await;
    let reply = app.call(Method::POST, "/api/v1/auth/logout", Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = app.call(Method::GET, "/api/v1/conversations", Some(&token), None).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn no_self_sign_up_route_exists() {
    let app = TestApp::new();
    for path in ["/api/v1/auth/register", "/api/v1/auth/signup", "/api/v1/members/new"] {
        let reply = app.call(Method::POST, path, None, Some(json!({"username": "eve", "password": "x"}))).await;
        assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
    }
    // The member list is read-only.
    let reply =
        app.call(Method::POST, "/api/v1/members", None, Some(json!({"username": "eve", "password": "x"}))).await;
    assert_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}
