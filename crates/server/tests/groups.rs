//! Groups and direct chats: creation, one direct chat per pair, and the permission matrix of
//! managing a group (rename, add, remove, leave, hand over).

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use uuid::Uuid;
use weft_protocol::policy::WorkspacePolicies;

async fn member_ids(app: &TestApp, token: &str) -> std::collections::HashMap<String, String> {
    let reply = app.call(Method::GET, "/api/v1/members", Some(token), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply
        .body
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| Some((m["userid"].as_str()?.to_owned(), m["id"].as_str()?.to_owned())))
        .collect()
}

fn participant_names(detail: &Value) -> Vec<String> {
    let mut names: Vec<String> = detail["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn creating_a_group_is_idempotent_and_shows_up_for_everyone_in_it() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let ids = member_ids(&app, &zhangsan).await;
    let body =
        json!({ "client_id": Uuid::new_v4(), "name": "  项目 Alpha  ", "members": [ids["lisi"], ids["wangwu"]] });
    let first = app.call(Method::POST, "/api/v1/conversations", Some(&zhangsan), Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["summary"]["title"], "项目 Alpha");
    assert_eq!(first.body["summary"]["owner_id"], ids["zhangsan"].as_str());
    assert_eq!(participant_names(&first.body), vec!["张三", "李四", "王五"]);
    let retry = app.call(Method::POST, "/api/v1/conversations", Some(&zhangsan), Some(body)).await;
    assert_eq!(retry.body["summary"]["id"], first.body["summary"]["id"], "a retry returns the same group");

    let wangwu = app.login("wangwu").await;
    let list = app.call(Method::GET, "/api/v1/conversations", Some(&wangwu), None).await;
    assert!(list.body.as_array().expect("list").iter().any(|c| c["title"] == "项目 Alpha"));
}

#[tokio::test]
async fn bad_group_requests_name_the_field() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let ids = member_ids(&app, &zhangsan).await;
    let cases = [
        json!({ "client_id": Uuid::new_v4(), "name": " ", "members": [ids["lisi"]] }),
        json!({ "client_id": Uuid::new_v4(), "name": "名".repeat(61), "members": [ids["lisi"]] }),
        json!({ "client_id": Uuid::new_v4(), "name": "solo", "members": [] }),
        json!({ "client_id": Uuid::new_v4(), "name": "ghost", "members": [Uuid::new_v4()] }),
    ];
    for body in cases {
        let reply = app.call(Method::POST, "/api/v1/conversations", Some(&zhangsan), Some(body.clone())).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        let field = reply.body["message"].as_str().unwrap_or_default();
        assert!(field.starts_with("name") || field.starts_with("members"), "{body}: {field}");
    }
}

#[tokio::test]
async fn a_group_cannot_exceed_its_size_limit() {
    let app = TestApp::new();
    app.state.policies.replace(WorkspacePolicies { max_group_size: 3, ..app.state.policies.current() });
    let zhangsan = app.login("zhangsan").await;
    let ids = member_ids(&app, &zhangsan).await;
    let reply = app
        .call(Method::POST, "/api/v1/conversations", Some(&zhangsan), Some(json!({ "client_id": Uuid::new_v4(), "name": "big", "members": [ids["lisi"], ids["wangwu"], ids["zhaoliu"]] })))
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}

#[tokio::test]
async fn there_is_one_direct_chat_per_pair() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let ids = member_ids(&app, &zhangsan).await;
    let seeded = app.conversation_id(&zhangsan, "李四").await;
    let opened = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(&zhangsan), Some(json!({ "member": ids["lisi"] })))
        .await;
    assert_eq!(opened.body["summary"]["id"], seeded.as_str());
    let from_other_side = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(&lisi), Some(json!({ "member": ids["zhangsan"] })))
        .await;
    assert_eq!(from_other_side.body["summary"]["id"], seeded.as_str());
    let new = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(&zhangsan), Some(json!({ "member": ids["huangli"] })))
        .await;
    assert_eq!(new.status, StatusCode::OK);
    assert_eq!(new.body["summary"]["title"], "黄丽");
    let myself = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(&zhangsan), Some(json!({ "member": ids["zhangsan"] })))
        .await;
    assert_error(&myself, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    // A direct chat cannot be renamed or grown.
    let rename = app
        .call(Method::PATCH, &format!("/api/v1/conversations/{seeded}"), Some(&zhangsan), Some(json!({ "name": "x" })))
        .await;
    assert_error(&rename, StatusCode::CONFLICT, "conflict");
}

/// Who may manage the Lunch crew (owner 李四; participants 张三, 李四, 陈静, 徐明).
#[tokio::test]
async fn group_management_permission_matrix() {
    let app = TestApp::new();
    let lisi = app.login("lisi").await;
    let zhangsan = app.login("zhangsan").await;
    let admin = app.login("admin").await;
    let huangli = app.login("huangli").await;
    let ids = member_ids(&app, &lisi).await;
    let lunch = app.conversation_id(&lisi, "Lunch").await;
    let rename = |name: &str| json!({ "name": name });
    let path = format!("/api/v1/conversations/{lunch}");

    // (who, expected status for rename)
    for (token, status) in
        [(&zhangsan, StatusCode::FORBIDDEN), (&huangli, StatusCode::NOT_FOUND), (&lisi, StatusCode::OK)]
    {
        let reply = app.call(Method::PATCH, &path, Some(token), Some(rename("午饭 Lunch"))).await;
        assert_eq!(reply.status, status, "{}", reply.body);
    }
    // Admins are not participants here, so the group does not exist for them.
    let reply = app.call(Method::PATCH, &path, Some(&admin), Some(rename("x"))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Any participant may add people; only the owner removes them.
    let added = app
        .call(Method::POST, &format!("{path}/members"), Some(&zhangsan), Some(json!({ "members": [ids["huangli"]] })))
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(participant_names(&added.body).contains(&"黄丽".to_owned()));
    let refused = app.call(Method::DELETE, &format!("{path}/members/{}", ids["huangli"]), Some(&zhangsan), None).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(refused.body["reason"], json!({ "area": "conversation", "kind": "owner_only" }));
    let cursor = app.call(Method::GET, "/api/v1/sync/bootstrap", Some(&huangli), None).await.body["cursor"]
        .as_u64()
        .expect("cursor");
    let removed = app.call(Method::DELETE, &format!("{path}/members/{}", ids["huangli"]), Some(&lisi), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    // The removed member is told, and can no longer read.
    let feed = app.call(Method::GET, &format!("/api/v1/changes?after={cursor}"), Some(&huangli), None).await;
    let kinds: Vec<&str> =
        feed.body["changes"].as_array().expect("changes").iter().filter_map(|c| c["change"]["type"].as_str()).collect();
    assert_eq!(kinds, vec!["removed"]);
    let read = app.call(Method::GET, &format!("{path}/messages"), Some(&huangli), None).await;
    assert_error(&read, StatusCode::NOT_FOUND, "not_found");

    // The owner cannot be removed by others; handing over works; the old owner can then leave.
    let refused = app.call(Method::DELETE, &format!("{path}/members/{}", ids["lisi"]), Some(&zhangsan), None).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let handed =
        app.call(Method::POST, &format!("{path}/owner"), Some(&lisi), Some(json!({ "member": ids["zhangsan"] }))).await;
    assert_eq!(handed.body["summary"]["owner_id"], ids["zhangsan"].as_str());
    let left = app.call(Method::POST, &format!("{path}/leave"), Some(&lisi), None).await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    let detail = app.call(Method::GET, &path, Some(&zhangsan), None).await;
    assert!(!participant_names(&detail.body).contains(&"李四".to_owned()));
}

#[tokio::test]
async fn an_owner_who_leaves_hands_the_group_on() {
    let app = TestApp::new();
    let lisi = app.login("lisi").await;
    let zhangsan = app.login("zhangsan").await;
    let lunch = app.conversation_id(&lisi, "Lunch").await;
    let left = app.call(Method::POST, &format!("/api/v1/conversations/{lunch}/leave"), Some(&lisi), None).await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{lunch}"), Some(&zhangsan), None).await;
    let owner = detail.body["summary"]["owner_id"].as_str().expect("owner");
    let participants: Vec<&str> =
        detail.body["participants"].as_array().expect("participants").iter().filter_map(|p| p["id"].as_str()).collect();
    assert!(participants.contains(&owner), "the new owner is a remaining participant");
}

#[tokio::test]
async fn mute_and_pin_are_each_members_own() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let huangli = app.login("huangli").await;
    let lunch = app.conversation_id(&zhangsan, "Lunch").await;
    let lisi_cursor = app.call(Method::GET, "/api/v1/sync/bootstrap", Some(&lisi), None).await.body["cursor"]
        .as_u64()
        .expect("cursor");
    let path = format!("/api/v1/conversations/{lunch}/prefs");
    let reply = app.call(Method::PUT, &path, Some(&zhangsan), Some(json!({ "muted": true, "pinned": true }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["summary"]["muted"], true);

    // Pinned goes first for 张三, and only for 张三.
    let mine = app.call(Method::GET, "/api/v1/conversations", Some(&zhangsan), None).await;
    assert_eq!(mine.body[0]["id"], lunch.as_str());
    assert_eq!(mine.body[0]["pinned"], true);
    let theirs = app.call(Method::GET, "/api/v1/conversations", Some(&lisi), None).await;
    let lunch_for_lisi =
        theirs.body.as_array().expect("list").iter().find(|c| c["id"] == lunch.as_str()).cloned().expect("lunch");
    assert_eq!(lunch_for_lisi["muted"], false);
    assert_eq!(lunch_for_lisi["pinned"], false);
    let feed = app.call(Method::GET, &format!("/api/v1/changes?after={lisi_cursor}"), Some(&lisi), None).await;
    assert_eq!(feed.body["changes"].as_array().map(Vec::len), Some(0), "others hear nothing of it");

    let stranger = app.call(Method::PUT, &path, Some(&huangli), Some(json!({ "muted": true, "pinned": false }))).await;
    assert_error(&stranger, StatusCode::NOT_FOUND, "not_found");
}
