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

/// A sign-in attempt from a peer address.
async fn sign_in_from(app: &TestApp, peer: &str, username: &str, password: &str) -> common::Reply {
    let body = json!({"username": username, "password": password});
    app.call_as(Some(peer), &[], Method::POST, "/api/v1/auth/login", None, Some(body)).await
}

#[tokio::test]
async fn failures_from_one_address_slow_that_address_down_but_never_lock_the_member_out() {
    let app = TestApp::new();
    const ATTACKER: &str = "203.0.113.9";
    for _ in 0..5 {
        assert_error(&sign_in_from(&app, ATTACKER, "lisi", "guess").await, StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    // From the attacker's address, even the right password now waits, and is told how long.
    let reply = sign_in_from(&app, ATTACKER, "lisi", "weft-demo").await;
    assert_error(&reply, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(reply.headers["retry-after"], "1");
    // lisi, from her own address, signs in at once; so does another account from anywhere.
    assert_eq!(sign_in_from(&app, "198.51.100.4", "lisi", "weft-demo").await.status, StatusCode::OK);
    assert_eq!(sign_in_from(&app, ATTACKER, "zhangsan", "weft-demo").await.status, StatusCode::OK);
}

#[tokio::test]
async fn too_many_failures_from_one_address_refuse_it_for_every_account() {
    let app = TestApp::new();
    const ATTACKER: &str = "2001:db8::66";
    for n in 0..50 {
        let reply = sign_in_from(&app, ATTACKER, &format!("nobody{n}"), "guess").await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    let reply = sign_in_from(&app, ATTACKER, "zhangsan", "weft-demo").await;
    assert_error(&reply, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(reply.headers["retry-after"].to_str().expect("seconds").parse::<u64>().expect("number") > 60);
    assert_eq!(sign_in_from(&app, "2001:db8::1", "zhangsan", "weft-demo").await.status, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let mut app = TestApp::new();
    // Without a trusted proxy, a client cannot pick the address its failures count against.
    let spoof = [("x-forwarded-for", "192.0.2.200")];
    for _ in 0..6 {
        let body = json!({"username": "wangwu", "password": "guess"});
        app.call_as(Some("203.0.113.5"), &spoof, Method::POST, "/api/v1/auth/login", None, Some(body)).await;
    }
    let body = json!({"username": "wangwu", "password": "weft-demo"});
    let reply = app.call_as(Some("203.0.113.5"), &spoof, Method::POST, "/api/v1/auth/login", None, Some(body)).await;
    assert_error(&reply, StatusCode::TOO_MANY_REQUESTS, "rate_limited");

    // Behind a trusted proxy, the client's address is the forwarded one, and it is what the
    // session list shows.
    app.state.trusted_proxies =
        std::sync::Arc::new(weft_server::proxies::TrustedProxies::parse("10.0.0.0/8").expect("list"));
    let forwarded = [("x-forwarded-for", "198.51.100.23")];
    let body = json!({"username": "wangwu", "password": "weft-demo"});
    let reply = app.call_as(Some("10.1.2.3"), &forwarded, Method::POST, "/api/v1/auth/login", None, Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let token = reply.body["token"].as_str().expect("token").to_owned();
    let list = app.call(Method::GET, "/api/v1/auth/sessions", Some(&token), None).await;
    assert_eq!(list.body[0]["address"], "198.51.100.23");
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
