//! The change feed: every accepted change reaches exactly the members concerned, in order,
//! once per position; pulling again from an old cursor replays the current state.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use uuid::Uuid;

async fn cursor(app: &TestApp, token: &str) -> u64 {
    let reply = app.call(Method::GET, "/api/v1/sync/bootstrap", Some(token), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body["cursor"].as_u64().expect("cursor")
}

async fn pull(app: &TestApp, token: &str, after: u64) -> Value {
    let reply = app.call(Method::GET, &format!("/api/v1/changes?after={after}"), Some(token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

fn kinds(page: &Value) -> Vec<String> {
    page["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["change"]["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn send(app: &TestApp, token: &str, conversation: &str, text: &str) -> Value {
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{conversation}/messages"),
            Some(token),
            Some(json!({ "client_id": Uuid::new_v4(), "text": text })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body
}

#[tokio::test]
async fn messages_reach_participants_in_order_and_nobody_else() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let huangli = app.login("huangli").await;
    let lunch = app.conversation_id(&zhangsan, "Lunch").await;
    let (from_lisi, from_huangli) = (cursor(&app, &lisi).await, cursor(&app, &huangli).await);

    for n in 1..=3 {
        send(&app, &zhangsan, &lunch, &format!("第 {n} 条")).await;
    }
    let page = pull(&app, &lisi, from_lisi).await;
    let texts: Vec<&str> = page["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["change"]["message"]["text"].as_str())
        .collect();
    assert_eq!(texts, vec!["第 1 条", "第 2 条", "第 3 条"]);
    let positions: Vec<u64> =
        page["changes"].as_array().expect("changes").iter().filter_map(|c| c["position"].as_u64()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(page["cursor"].as_u64(), positions.last().copied());

    // Nothing for a non-participant, and nothing new after the returned cursor.
    assert_eq!(kinds(&pull(&app, &huangli, from_huangli).await), Vec::<String>::new());
    let again = pull(&app, &lisi, page["cursor"].as_u64().expect("cursor")).await;
    assert_eq!(kinds(&again), Vec::<String>::new());
    assert_eq!(again["cursor"], page["cursor"]);
}

#[tokio::test]
async fn pages_are_bounded_and_resume_where_they_stopped() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let start = cursor(&app, &lisi).await;
    for n in 0..7 {
        send(&app, &zhangsan, &direct, &format!("m{n}")).await;
    }
    let mut after = start;
    let mut seen = Vec::new();
    loop {
        let reply = app.call(Method::GET, &format!("/api/v1/changes?after={after}&limit=3"), Some(&lisi), None).await;
        let changes = reply.body["changes"].as_array().expect("changes").clone();
        assert!(changes.len() <= 3);
        seen.extend(changes.iter().filter_map(|c| c["change"]["message"]["text"].as_str().map(str::to_owned)));
        after = reply.body["cursor"].as_u64().expect("cursor");
        if reply.body["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen, (0..7).map(|n| format!("m{n}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_recalled_message_replays_as_recalled() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let start = cursor(&app, &lisi).await;
    let sent = send(&app, &zhangsan, &direct, "发错了 wrong chat").await;
    let seq = sent["seq"].as_u64().expect("seq");

    // Only the sender may recall.
    let reply = app
        .call(Method::POST, &format!("/api/v1/conversations/{direct}/messages/{seq}/recall"), Some(&lisi), None)
        .await;
    assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    let reply = app
        .call(Method::POST, &format!("/api/v1/conversations/{direct}/messages/{seq}/recall"), Some(&zhangsan), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    // Recalling again is harmless (an outbox retry).
    let reply = app
        .call(Method::POST, &format!("/api/v1/conversations/{direct}/messages/{seq}/recall"), Some(&zhangsan), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);

    let page = pull(&app, &lisi, start).await;
    assert_eq!(kinds(&page), vec!["message", "recalled"]);
    assert_eq!(page["changes"][0]["change"]["message"]["recalled"], true);
    assert_eq!(page["changes"][0]["change"]["message"]["text"], "", "recalled content is deleted");
    let history = app.call(Method::GET, &format!("/api/v1/conversations/{direct}/messages"), Some(&lisi), None).await;
    let last = history.body["messages"].as_array().and_then(|m| m.last()).expect("last");
    assert_eq!(last["recalled"], true);
    assert_eq!(last["text"], "");
    // A recalled message is not found by search.
    let hits = app.call(Method::GET, "/api/v1/search/messages?q=%E5%8F%91%E9%94%99", Some(&lisi), None).await;
    assert_eq!(hits.body.as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn recall_is_refused_after_the_window() {
    use weft_server::store::{ConversationStore, Limits, MemberStore, MessageStore, NewMessage, SqlStore};
    let store = SqlStore::open_for_tests().expect("db");
    weft_server::seed::seed_demo(&store, 1_000_000_000).expect("seed");
    let zhangsan = store.credentials("zhangsan").expect("query").expect("account").member_id;
    let conversation = store.conversations_of(zhangsan).expect("list")[0].id;
    let sent = store
        .append_message(NewMessage {
            conversation,
            sender: zhangsan,
            client_id: weft_protocol::ClientId(Uuid::new_v4()),
            text: "old news",
            reply_to: None,
            mentions: &[],
            mention_all: false,
            attachment: None,
            now: 2_000_000_000,
        })
        .expect("append");
    let limits = Limits { recall_window_ms: 60_000, ..Limits::default() };
    let late = store.recall_message(conversation, sent.message.seq, zhangsan, limits, 2_000_000_000 + 60_001);
    let refusal = weft_protocol::ConversationRefusal::RecallWindowPassed { minutes: 1 };
    assert!(
        matches!(&late, Err(weft_server::store::StoreError::Refused(weft_protocol::Refusal::Conversation(r))) if *r == refusal),
        "{late:?}"
    );
    let in_time = store.recall_message(conversation, sent.message.seq, zhangsan, limits, 2_000_000_000 + 59_000);
    assert!(in_time.is_ok());
}

#[tokio::test]
async fn read_positions_drive_unread_counts_and_receipts() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let sent = send(&app, &zhangsan, &direct, "看到了吗？").await;
    let seq = sent["seq"].as_u64().expect("seq");

    let unread = |body: &Value| {
        body.as_array().expect("list").iter().find(|c| c["id"] == direct.as_str()).map(|c| c["unread"].clone())
    };
    let list = app.call(Method::GET, "/api/v1/conversations", Some(&lisi), None).await;
    // 李四 has read up to their own seeded message; 张三's seeded reply and the new one are unread.
    assert_eq!(unread(&list.body), Some(json!(2)));
    let start = cursor(&app, &zhangsan).await;
    let reply = app
        .call(Method::POST, &format!("/api/v1/conversations/{direct}/read"), Some(&lisi), Some(json!({ "seq": seq })))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let list = app.call(Method::GET, "/api/v1/conversations", Some(&lisi), None).await;
    assert_eq!(unread(&list.body), Some(json!(0)));

    // The sender hears of it, and the detail shows who has read what.
    assert_eq!(kinds(&pull(&app, &zhangsan, start).await), vec!["read"]);
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{direct}"), Some(&zhangsan), None).await;
    let lisi_read = detail.body["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .find(|p| p["name"] == "李四")
        .map(|p| p["read_seq"].clone());
    assert_eq!(lisi_read, Some(json!(seq)));

    // Moving backwards or past the end changes nothing.
    let start = cursor(&app, &zhangsan).await;
    app.call(Method::POST, &format!("/api/v1/conversations/{direct}/read"), Some(&lisi), Some(json!({ "seq": 1 })))
        .await;
    app.call(
        Method::POST,
        &format!("/api/v1/conversations/{direct}/read"),
        Some(&lisi),
        Some(json!({ "seq": 999_999 })),
    )
    .await;
    assert_eq!(kinds(&pull(&app, &zhangsan, start).await), Vec::<String>::new());
}

#[tokio::test]
async fn search_finds_chinese_inside_sentences_only_in_own_conversations() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let huangli = app.login("huangli").await;
    // "回归" appears inside "回归测试通过" in the Engineering group, which 黄丽 is not in.
    let hits = app.call(Method::GET, "/api/v1/search/messages?q=%E5%9B%9E%E5%BD%92", Some(&zhangsan), None).await;
    let found: Vec<&str> =
        hits.body.as_array().expect("hits").iter().filter_map(|h| h["message"]["text"].as_str()).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("回归测试通过"));
    assert_eq!(hits.body[0]["conversation_title"], "研发部 Engineering");
    let hits = app.call(Method::GET, "/api/v1/search/messages?q=%E5%9B%9E%E5%BD%92", Some(&huangli), None).await;
    assert_eq!(hits.body.as_array().map(Vec::len), Some(0));
    // Latin text matches regardless of case.
    let hits = app.call(Method::GET, "/api/v1/search/messages?q=REGRESSION", Some(&zhangsan), None).await;
    assert_eq!(hits.body.as_array().map(Vec::len), Some(1));
    let empty = app.call(Method::GET, "/api/v1/search/messages?q=%20", Some(&zhangsan), None).await;
    assert_error(&empty, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}

#[tokio::test]
async fn replies_and_mentions_are_validated_and_delivered() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let detail = app.call(Method::GET, "/api/v1/members", Some(&zhangsan), None).await;
    let id_of = |userid: &str| {
        detail
            .body
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["userid"] == userid)
            .and_then(|m| m["id"].as_str())
            .expect("member")
            .to_owned()
    };
    let lunch = app.conversation_id(&zhangsan, "Lunch").await;
    let path = format!("/api/v1/conversations/{lunch}/messages");

    let reply = app
        .call(Method::POST, &path, Some(&zhangsan), Some(json!({ "client_id": Uuid::new_v4(), "text": "@李四 好的", "reply_to": 1, "mentions": [id_of("lisi")] })))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["reply_to"]["seq"], 1);
    assert_eq!(reply.body["reply_to"]["sender_name"], "李四");
    assert_eq!(reply.body["mentions"][0], id_of("lisi").as_str());

    let cases = [
        (
            json!({ "client_id": Uuid::new_v4(), "text": "x", "reply_to": 999 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            json!({ "client_id": Uuid::new_v4(), "text": "x", "mentions": [id_of("huangli")] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        // Lunch crew's owner is 李四: 张三 may not @all.
        (
            json!({ "client_id": Uuid::new_v4(), "text": "@all", "mention_all": true }),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ];
    for (body, status, code) in cases {
        let reply = app.call(Method::POST, &path, Some(&zhangsan), Some(body)).await;
        assert_error(&reply, status, code);
    }
    let reply = app
        .call(
            Method::POST,
            &path,
            Some(&lisi),
            Some(json!({ "client_id": Uuid::new_v4(), "text": "@all 吃饭了", "mention_all": true })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}
