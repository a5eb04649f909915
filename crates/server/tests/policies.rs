//! The workspace's policies (the console's Policies page) through the real router: who may read
//! and change them (a matrix), that a change applies to the very next request (groups, recall,
//! file size and kind, quota), that bad values are refused naming the field and change nothing,
//! that each change is in the audit log with before and after, and that saved policies win over
//! the server's start-up flags. Runs on PostgreSQL too (`WEFT_TEST_DATABASE_URL`).

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use uuid::Uuid;
use weft_server::store::Limits;

const PATH: &str = "/api/v1/admin/policies";

async fn put(app: &TestApp, admin: &str, body: Value) -> common::Reply {
    app.call(Method::PUT, PATH, Some(admin), Some(body)).await
}

fn policies(recall: u32, group: u32, file_bytes: u64, quota_mib: u64, types: &[&str]) -> Value {
    json!({
        "recall_window_minutes": recall,
        "max_group_size": group,
        "max_file_bytes": file_bytes,
        "upload_quota_mib": quota_mib,
        "allowed_file_types": types,
        "offline_copies": "all_devices",
        "external_sharing": true,
        "audit_retention_days": 0,
    })
}

#[tokio::test]
async fn only_administrators_read_and_change_the_policies() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let member = app.login("zhangsan").await;
    let body = policies(60, 100, 1024 * 1024, 100, &[]);
    for (who, token, expected) in [
        ("nobody", None, StatusCode::UNAUTHORIZED),
        ("a member", Some(member.as_str()), StatusCode::FORBIDDEN),
        ("an administrator", Some(admin.as_str()), StatusCode::OK),
    ] {
        let read = app.call(Method::GET, PATH, token, None).await;
        assert_eq!(read.status, expected, "{who} reading: {}", read.body);
        let write = app.call(Method::PUT, PATH, token, Some(body.clone())).await;
        assert_eq!(write.status, expected, "{who} writing: {}", write.body);
    }
    // The member's attempt changed nothing before the administrator's save.
    let audit =
        app.call(Method::GET, "/api/v1/admin/audit?action=workspace_policies_changed", Some(&admin), None).await;
    assert_eq!(audit.body["entries"].as_array().expect("entries").len(), 1);
}

#[tokio::test]
async fn a_change_applies_to_the_next_request_and_is_audited_with_before_and_after() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let zhangsan = app.login("zhangsan").await;
    let before = app.call(Method::GET, PATH, Some(&admin), None).await.body;
    assert_eq!(before, policies(24 * 60, 500, 10 * 1024 * 1024, 5120, &[]), "the start-up defaults");

    let saved = put(&app, &admin, policies(0, 3, 4096, 1, &[" .PDF", "png", "pdf"])).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["allowed_file_types"], json!(["pdf", "png"]), "tidied");
    assert_eq!(app.call(Method::GET, PATH, Some(&admin), None).await.body, saved.body);

    // Groups: at most 3 now.
    let members = app.call(Method::GET, "/api/v1/members", Some(&zhangsan), None).await.body;
    let id = |userid: &str| {
        members.as_array().expect("members").iter().find(|m| m["userid"] == userid).expect("member")["id"].clone()
    };
    let big = json!({ "client_id": Uuid::new_v4(), "name": "大群 big", "members": [id("lisi"), id("wangwu"), id("zhaoliu")] });
    assert_error(
        &app.call(Method::POST, "/api/v1/conversations", Some(&zhangsan), Some(big)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    );
    // Recall: never, now.
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let sent = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{direct}/messages"),
            Some(&zhangsan),
            Some(json!({ "client_id": Uuid::new_v4(), "text": "撤不回 no recall" })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let seq = sent.body["seq"].as_u64().expect("seq");
    let recall = app
        .call(Method::POST, &format!("/api/v1/conversations/{direct}/messages/{seq}/recall"), Some(&zhangsan), None)
        .await;
    assert!(recall.status.is_client_error(), "recall refused: {} {}", recall.status, recall.body);
    // Files: PDF and PNG only, at most 4 KiB.
    let (status, body) =
        app.upload(&zhangsan, &format!("client_id={}&name=setup.exe", Uuid::new_v4()), b"MZ binary").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().expect("message").contains("allowed: pdf, png"), "{body}");
    let (status, body) =
        app.upload(&zhangsan, &format!("client_id={}&name=big.pdf", Uuid::new_v4()), &[b'%'; 5000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, body) =
        app.upload(&zhangsan, &format!("client_id={}&name=ok.PDF", Uuid::new_v4()), b"%PDF-1.4 small").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let audit =
        app.call(Method::GET, "/api/v1/admin/audit?action=workspace_policies_changed", Some(&admin), None).await;
    let entry = &audit.body["entries"][0];
    assert_eq!(entry["target"], "workspace");
    assert_eq!(entry["detail"]["before"], before);
    assert_eq!(entry["detail"]["after"], saved.body);
}

#[tokio::test]
async fn bad_values_are_refused_naming_the_field_and_change_nothing() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let before = app.call(Method::GET, PATH, Some(&admin), None).await.body;
    for (body, field) in [
        (policies(7 * 24 * 60 + 1, 10, 4096, 1, &[]), "recall_window_minutes"),
        (policies(10, 1, 4096, 1, &[]), "max_group_size"),
        (policies(10, 10, 100, 1, &[]), "max_file_bytes"),
        (policies(10, 10, 4096, 0, &[]), "upload_quota_mib"),
        (policies(10, 10, 4096, 1, &["../../etc/passwd"]), "allowed_file_types"),
        (policies(10, 10, 4096, 1, &["<script>"]), "allowed_file_types"),
    ] {
        let reply = put(&app, &admin, body).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert!(reply.body["message"].as_str().expect("message").starts_with(field), "{}", reply.body);
    }
    let wrong_shape = put(&app, &admin, json!({ "recall_window_minutes": "soon" })).await;
    assert!(wrong_shape.status.is_client_error());
    assert_eq!(app.call(Method::GET, PATH, Some(&admin), None).await.body, before);
}

#[tokio::test]
async fn saved_policies_win_over_the_start_up_flags_after_a_restart() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    // Before any save, the flags are the policies.
    let flags = Limits { recall_window_ms: 2 * 3_600_000, max_group_size: 50, upload_quota_bytes: 64 * 1024 * 1024 };
    app.state.start_with_limits(flags).expect("start");
    let read = app.call(Method::GET, PATH, Some(&admin), None).await.body;
    assert_eq!((read["recall_window_minutes"].as_u64(), read["max_group_size"].as_u64()), (Some(120), Some(50)));
    assert_eq!(read["upload_quota_mib"], 64);
    // Once saved, a restart with the same (or other) flags keeps what was saved.
    let saved = put(&app, &admin, policies(30, 20, 8192, 10, &["docx"])).await.body;
    app.state.start_with_limits(Limits::default()).expect("restart");
    assert_eq!(app.call(Method::GET, PATH, Some(&admin), None).await.body, saved);
    assert_eq!(app.state.limits().max_group_size, 20);
}

#[tokio::test]
async fn the_offline_copy_rule_reaches_each_session_by_its_device_mode_at_once() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let sign_in = |mode: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "username": "zhangsan", "password": "weft-demo", "mode": mode })),
        )
    };
    let shared = sign_in("shared").await.body;
    assert_eq!(shared["terms"]["offline_copy"], true, "every device keeps chats by default");
    let shared_token = shared["token"].as_str().expect("token").to_owned();
    let current = || app.call(Method::GET, "/api/v1/auth/session", Some(&shared_token), None);
    // An open app hears of each change at once.
    let mut socket = common::open_live_socket(app.serve().await, &shared_token).await;

    for (rule, shared_keeps, personal_keeps) in
        [("personal_devices", false, true), ("no_devices", false, false), ("all_devices", true, true)]
    {
        let mut new = policies(24 * 60, 500, 10 * 1024 * 1024, 5120, &[]);
        new["offline_copies"] = json!(rule);
        let saved = put(&app, &admin, new).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert!(hears_terms_changed(&mut socket).await, "{rule}: the live socket says the terms changed");
        assert_eq!(current().await.body["terms"]["offline_copy"], shared_keeps, "{rule}: the signed-in shared device");
        assert_eq!(sign_in("shared").await.body["terms"]["offline_copy"], shared_keeps, "{rule}: a new shared sign-in");
        assert_eq!(sign_in("personal").await.body["terms"]["offline_copy"], personal_keeps, "{rule}: personal");
    }
    let mut unknown = policies(24 * 60, 500, 10 * 1024 * 1024, 5120, &[]);
    unknown["offline_copies"] = json!("some_devices");
    assert_eq!(put(&app, &admin, unknown).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Whether the socket sends `terms_changed` within five seconds.
async fn hears_terms_changed(socket: &mut common::LiveSocket) -> bool {
    use futures_util::StreamExt;
    let heard = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(Ok(frame)) = socket.next().await {
            if frame.to_text().unwrap_or("").contains("terms_changed") {
                return true;
            }
        }
        false
    });
    heard.await.unwrap_or(false)
}
