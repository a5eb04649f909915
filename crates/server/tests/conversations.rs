//! Conversations and messages: membership, ordering, de-duplication, validation.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn members_see_their_seeded_chats_newest_first() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let reply = app.call(Method::GET, "/api/v1/conversations", Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let list = reply.body.as_array().expect("array");
    let titles: Vec<&str> = list.iter().filter_map(|c| c["title"].as_str()).collect();
    for expected in ["全员群 All hands", "研发部 Engineering", "午饭搭子 Lunch crew", "李四", "王五"] {
        assert!(titles.contains(&expected), "{expected} missing from {titles:?}");
    }
    let times: Vec<i64> = list.iter().filter_map(|c| c["updated_at"].as_i64()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "not sorted by activity: {times:?}");
    assert!(list.iter().all(|c| c["last_message"].is_object()));
}

#[tokio::test]
async fn history_pages_backwards_in_sequence_order() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let id = app.conversation_id(&token, "Engineering").await;
    let page = app.call(Method::GET, &format!("/api/v1/conversations/{id}/messages?limit=2"), Some(&token), None).await;
    let seqs: Vec<u64> =
        page.body["messages"].as_array().expect("messages").iter().filter_map(|m| m["seq"].as_u64()).collect();
    assert_eq!(seqs, vec![3, 4]);
    assert_eq!(page.body["has_more"], true);
    let older = app
        .call(Method::GET, &format!("/api/v1/conversations/{id}/messages?before=3&limit=50"), Some(&token), None)
        .await;
    let seqs: Vec<u64> =
        older.body["messages"].as_array().expect("messages").iter().filter_map(|m| m["seq"].as_u64()).collect();
    assert_eq!(seqs, vec![1, 2]);
    assert_eq!(older.body["has_more"], false);
}

#[tokio::test]
async fn sending_assigns_the_next_sequence_and_retries_are_not_duplicated() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let id = app.conversation_id(&token, "李四").await;
    let client_id = Uuid::new_v4().to_string();
    let body = json!({ "client_id": client_id, "text": "<script>alert(1)</script> 你好" });
    let first =
        app.call(Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(&token), Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["seq"], 3);
    assert_eq!(
        first.body["text"], "<script>alert(1)</script> 你好",
        "text is stored as given, escaped only when shown"
    );
    let retry = app.call(Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(&token), Some(body)).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body["id"], first.body["id"]);
    let page = app.call(Method::GET, &format!("/api/v1/conversations/{id}/messages"), Some(&token), None).await;
    assert_eq!(page.body["messages"].as_array().map(Vec::len), Some(3));

    // The other member sees it, newest in the list.
    let lisi = app.login("lisi").await;
    let list = app.call(Method::GET, "/api/v1/conversations", Some(&lisi), None).await;
    assert_eq!(list.body[0]["id"], id.as_str());
    assert_eq!(list.body[0]["last_message"]["seq"], 3);
}

#[tokio::test]
async fn text_rules_are_enforced() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let id = app.conversation_id(&token, "李四").await;
    let path = format!("/api/v1/conversations/{id}/messages");
    for text in ["   ".to_owned(), "字".repeat(3000)] {
        let reply = app
            .call(Method::POST, &path, Some(&token), Some(json!({ "client_id": Uuid::new_v4(), "text": text })))
            .await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("text")));
    }
}

/// Permission matrix: who may read and write which conversation.
#[tokio::test]
async fn only_participants_can_read_or_write_a_conversation() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let huangli = app.login("huangli").await;
    let lunch = app.conversation_id(&zhangsan, "Lunch").await;
    let engineering = app.conversation_id(&zhangsan, "Engineering").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    // (viewer, conversation, allowed)
    let matrix = [
        (&zhangsan, &lunch, true),
        (&lisi, &lunch, true),
        (&huangli, &lunch, false),
        (&huangli, &engineering, false),
        (&lisi, &direct, true),
        (&huangli, &direct, false),
    ];
    for (token, conversation, allowed) in matrix {
        let read =
            app.call(Method::GET, &format!("/api/v1/conversations/{conversation}/messages"), Some(token), None).await;
        let write = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{conversation}/messages"),
                Some(token),
                Some(json!({ "client_id": Uuid::new_v4(), "text": "hi" })),
            )
            .await;
        if allowed {
            assert_eq!(read.status, StatusCode::OK);
            assert_eq!(write.status, StatusCode::CREATED);
        } else {
            assert_error(&read, StatusCode::NOT_FOUND, "not_found");
            assert_error(&write, StatusCode::NOT_FOUND, "not_found");
        }
    }
    let list = app.call(Method::GET, "/api/v1/conversations", Some(&huangli), None).await;
    let ids: Vec<&str> = list.body.as_array().expect("list").iter().filter_map(|c| c["id"].as_str()).collect();
    assert!(!ids.contains(&lunch.as_str()) && !ids.contains(&direct.as_str()));
}
