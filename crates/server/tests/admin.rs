//! Every administrator route, called without a session, by a member and by an administrator:
//! 401, 403, and never 401/403 for the administrator. The check happens on the server for every
//! call, whatever the app shows.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

/// (method, path, body) for every admin route; ids are real so the administrator's call succeeds
/// or fails on its merits.
fn admin_routes(member: &str, other: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::POST,
            "/api/v1/admin/members".into(),
            Some(json!({ "userid": "matrix1", "name": "矩阵", "departments": ["hr"] })),
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/members/{member}"),
            Some(json!({ "name": "孙丽", "departments": ["hr"] })),
        ),
        (Method::POST, format!("/api/v1/admin/members/{member}/disable"), None),
        (Method::POST, format!("/api/v1/admin/members/{member}/enable"), None),
        (Method::POST, format!("/api/v1/admin/members/{member}/password"), Some(json!({ "password": "another-pass" }))),
        (Method::GET, "/api/v1/admin/members.csv".into(), None),
        (Method::GET, "/api/v1/admin/members/template.csv".into(), None),
        (Method::POST, "/api/v1/admin/departments".into(), Some(json!({ "name": "矩阵组", "parent_id": "hr" }))),
        (Method::PATCH, "/api/v1/admin/departments/hr".into(), Some(json!({ "order": 3 }))),
        (Method::GET, "/api/v1/admin/visibility".into(), None),
        (
            Method::PUT,
            "/api/v1/admin/visibility/departments/hr".into(),
            Some(json!({ "visible_department_ids": ["hr"] })),
        ),
        (Method::DELETE, "/api/v1/admin/visibility/departments/hr".into(), None),
        (Method::PUT, format!("/api/v1/admin/visibility/members/{member}"), Some(json!({}))),
        (Method::DELETE, format!("/api/v1/admin/visibility/members/{member}"), None),
        (Method::DELETE, "/api/v1/admin/departments/nope".into(), None),
        (Method::DELETE, format!("/api/v1/admin/members/{other}"), None),
    ]
}

#[tokio::test]
async fn every_admin_route_requires_an_administrator() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let member = app.login("zhangsan").await;
    let ids = app.member_ids(&admin).await;
    for (method, path, body) in admin_routes(&ids["sunli"], &ids["heyun"]) {
        let what = format!("{method} {path}");
        let reply = app.call(method.clone(), &path, None, body.clone()).await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
        let reply = app.call(method.clone(), &path, Some(&member), body.clone()).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        let reply = app.call(method.clone(), &path, Some(&admin), body).await;
        assert!(
            reply.status != StatusCode::UNAUTHORIZED && reply.status != StatusCode::FORBIDDEN,
            "{what} as admin: {} {}",
            reply.status,
            reply.body
        );
        assert!(reply.status.as_u16() < 500, "{what}: {}", reply.status);
    }
    // The CSV import too (a raw body, not JSON).
    let csv = b"userid,name,departments\nmatrix2,\xe7\x9f\xa9\xe9\x98\xb5,\xe7\xbb\x87\xe9\x94\xa6\xe7\xa7\x91\xe6\x8a\x80 Weft Demo Co.\n".to_vec();
    let path = "/api/v1/admin/members/import";
    assert_error(
        &app.send_bytes(Method::POST, path, None, "text/csv", csv.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_error(
        &app.send_bytes(Method::POST, path, Some(&member), "text/csv", csv.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let reply = app.send_bytes(Method::POST, path, Some(&admin), "text/csv", csv).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["created"], 1);
}

#[tokio::test]
async fn a_changed_role_rotates_the_members_sessions_and_the_new_rights_hold_at_once() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let token = app.login("chenjing").await;
    assert_error(
        &app.call(Method::GET, "/api/v1/admin/visibility", Some(&token), None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let body = json!({ "name": "陈静", "departments": ["hr"], "leader_of": ["hr"], "direct_leader_id": ids["gaoyuan"], "role": "admin" });
    let reply = app
        .call(Method::PUT, &format!("/api/v1/admin/members/{}", ids["chenjing"]), Some(&admin), Some(body.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // The token issued under the old role is over; a new sign-in carries the new rights.
    assert_error(
        &app.call(Method::GET, "/api/v1/admin/visibility", Some(&token), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let token = app.login("chenjing").await;
    assert_eq!(app.call(Method::GET, "/api/v1/admin/visibility", Some(&token), None).await.status, StatusCode::OK);
    let mut body = body;
    body["role"] = json!("member");
    let reply =
        app.call(Method::PUT, &format!("/api/v1/admin/members/{}", ids["chenjing"]), Some(&admin), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_error(
        &app.call(Method::GET, "/api/v1/admin/visibility", Some(&token), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn bad_input_to_admin_routes_gets_a_json_4xx() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let oversize = format!("{{\"name\": \"{}\"}}", "x".repeat(weft_server::MAX_BODY_BYTES + 1));
    for (method, path, _) in
        admin_routes(&ids["sunli"], &ids["heyun"]).into_iter().filter(|(_, _, body)| body.is_some())
    {
        for (content_type, body) in [
            ("application/json", "{not json".to_owned()),
            ("application/json", r#"{"name": 5, "departments": "x", "parent_id": [], "password": 1}"#.to_owned()),
            ("application/json", "[]".to_owned()),
            ("text/plain", "{}".to_owned()),
            ("application/json", oversize.clone()),
        ] {
            let reply = app.send_bytes(method.clone(), &path, Some(&admin), content_type, body.into_bytes()).await;
            assert!(reply.status.is_client_error(), "{method} {path}: {}", reply.status);
            assert!(
                reply.body["code"].is_string() && reply.body["message"].is_string(),
                "{method} {path}: {}",
                reply.body
            );
        }
    }
    for path in ["/api/v1/admin/members/not-a-uuid/disable", "/api/v1/admin/visibility/members/42"] {
        let reply = app.call(Method::POST, path, Some(&admin), None).await;
        assert!(reply.status.is_client_error(), "{path}: {}", reply.status);
        assert!(reply.body["code"].is_string(), "{path}");
    }
    // The import: not UTF-8, nothing in it, and larger than 16 MiB.
    let path = "/api/v1/admin/members/import";
    for body in [vec![0xff, 0xfe, 0x00], Vec::new(), vec![b'a'; 16 * 1024 * 1024 + 1]] {
        let size = body.len();
        let reply = app.send_bytes(Method::POST, path, Some(&admin), "text/csv", body).await;
        assert!(reply.status.is_client_error(), "{size} bytes: {}", reply.status);
        assert!(reply.body["code"].is_string() && reply.body["message"].is_string(), "{}", reply.body);
        if size > 16 * 1024 * 1024 {
            assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        }
    }
}
