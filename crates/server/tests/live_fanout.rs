//! Live delivery of new messages: rendered once and fanned out from memory while a socket is
//! level with the feed, pulled from the database otherwise. Whatever mix of fast and slow paths a
//! socket takes, it delivers exactly the positions a pull of its member's feed returns: no gap,
//! no repeat, in order.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use uuid::Uuid;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A ready live socket for `token`, resuming from `cursor` (or starting at the present).
async fn connect(address: std::net::SocketAddr, token: &str, cursor: Option<u64>) -> Socket {
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("ws://{address}/api/v1/live")).await.expect("socket");
    let auth = json!({ "type": "auth", "token": token, "cursor": cursor });
    socket.send(WsMessage::text(auth.to_string())).await.expect("auth");
    let ready = socket.next().await.expect("frame").expect("frame");
    assert!(ready.to_text().unwrap_or("").contains("ready"), "{ready:?}");
    socket
}

/// The change envelopes the socket delivers until `count` messages with `marker` in their text
/// have arrived (or three seconds pass), checking each frame's cursor is its last position.
async fn envelopes_until(socket: &mut Socket, marker: &str, count: usize) -> Vec<Value> {
    let mut envelopes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(Ok(frame)) = socket.next().await {
            let frame: Value = serde_json::from_str(frame.to_text().unwrap_or("")).unwrap_or(Value::Null);
            if frame["type"] != "changes" {
                continue;
            }
            let changes = frame["changes"].as_array().expect("changes").clone();
            assert_eq!(frame["cursor"], changes.last().expect("a change")["position"], "{frame}");
            envelopes.extend(changes);
            let arrived = envelopes
                .iter()
                .filter(|e| e["change"]["message"]["text"].as_str().is_some_and(|text| text.contains(marker)))
                .count();
            if arrived >= count {
                return;
            }
        }
    })
    .await;
    envelopes
}

fn positions(envelopes: &[Value]) -> Vec<u64> {
    envelopes.iter().map(|e| e["position"].as_u64().expect("position")).collect()
}

/// Every position in the member's feed after `after`, as the HTTP pull pages them.
async fn pulled_positions(app: &TestApp, token: &str, mut after: u64) -> Vec<u64> {
    let mut out = Vec::new();
    loop {
        let reply = app.call(Method::GET, &format!("/api/v1/changes?after={after}"), Some(token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        out.extend(
            reply.body["changes"].as_array().expect("changes").iter().map(|c| c["position"].as_u64().unwrap_or(0)),
        );
        after = reply.body["cursor"].as_u64().expect("cursor");
        if reply.body["has_more"] != true {
            return out;
        }
    }
}

async fn send(state: weft_server::AppState, token: String, conversation: String, text: String) {
    let app = TestApp { state };
    let path = format!("/api/v1/conversations/{conversation}/messages");
    let reply =
        app.call(Method::POST, &path, Some(&token), Some(json!({ "client_id": Uuid::new_v4(), "text": text }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

#[tokio::test]
async fn concurrent_messages_reach_every_socket_once_in_feed_order() {
    let app = TestApp::new();
    let address = app.serve().await;
    let (zhangsan, lisi, wangwu) = (app.login("zhangsan").await, app.login("lisi").await, app.login("wangwu").await);
    let engineering = app.conversation_id(&wangwu, "Engineering").await;
    let lunch = app.conversation_id(&lisi, "Lunch").await;
    let start = app.cursor(&lisi).await;
    // Level with the feed (cursor now), at the present (no cursor), and far behind (cursor 0).
    let mut level = connect(address, &lisi, Some(start)).await;
    let mut present = connect(address, &zhangsan, None).await;
    let mut behind = connect(address, &wangwu, Some(0)).await;

    // Twenty messages at once to Engineering and Lunch from three senders, so their commits
    // interleave; everyone here is in Engineering, wangwu is not in Lunch.
    let mut sends = Vec::new();
    for n in 0..20 {
        let (token, conversation) = match n % 3 {
            0 => (&zhangsan, &engineering),
            1 => (&lisi, &lunch),
            _ => (&wangwu, &engineering),
        };
        let text = format!("burst {n}");
        sends.push(tokio::spawn(send(app.state.clone(), token.clone(), conversation.clone(), text)));
    }
    for sent in sends {
        sent.await.expect("send task");
    }
    // lisi and zhangsan get all 20; wangwu the 13 of Engineering (after his history).
    let lisi_seen = envelopes_until(&mut level, "burst", 20).await;
    let zhangsan_seen = envelopes_until(&mut present, "burst", 20).await;
    let wangwu_seen = envelopes_until(&mut behind, "burst", 13).await;

    assert_eq!(positions(&lisi_seen), pulled_positions(&app, &lisi, start).await);
    assert_eq!(positions(&zhangsan_seen), pulled_positions(&app, &zhangsan, start).await);
    assert_eq!(positions(&wangwu_seen), pulled_positions(&app, &wangwu, 0).await);
    for seen in [&lisi_seen, &zhangsan_seen, &wangwu_seen] {
        let positions = positions(seen);
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "in order, no repeat: {positions:?}");
    }
}

#[tokio::test]
async fn changes_outside_the_fast_path_interleave_without_a_gap() {
    let app = TestApp::new();
    let address = app.serve().await;
    let (lisi, wangwu) = (app.login("lisi").await, app.login("wangwu").await);
    let engineering = app.conversation_id(&wangwu, "Engineering").await;
    let start = app.cursor(&lisi).await;
    let mut socket = connect(address, &lisi, Some(start)).await;
    for round in 0..5 {
        send(app.state.clone(), wangwu.clone(), engineering.clone(), format!("mixed {round}")).await;
        // A read receipt and a rename take the slow path; the next message must not skip them.
        let reply = app
            .call(
                Method::POST,
                &format!("/api/v1/conversations/{engineering}/read"),
                Some(&lisi),
                Some(json!({ "seq": round + 1 })),
            )
            .await;
        assert!(reply.status.is_success(), "{}", reply.body);
        let path = format!("/api/v1/conversations/{engineering}");
        let reply =
            app.call(Method::PATCH, &path, Some(&wangwu), Some(json!({ "name": format!("研发部 {round}") }))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    send(app.state.clone(), wangwu.clone(), engineering.clone(), "mixed last".into()).await;
    let seen = envelopes_until(&mut socket, "mixed last", 1).await;
    // The pull comes later than the socket's last envelope and may hold changes made after it
    // (seen once on PostgreSQL under load); up to that envelope, both have the same, no gap.
    let last_seen = positions(&seen).last().copied().unwrap_or(start);
    let pulled: Vec<u64> = pulled_positions(&app, &lisi, start).await.into_iter().filter(|p| *p <= last_seen).collect();
    assert_eq!(positions(&seen), pulled);
    let kinds: Vec<&str> = seen.iter().filter_map(|e| e["change"]["type"].as_str()).collect();
    assert!(kinds.contains(&"message") && kinds.contains(&"conversation"), "{kinds:?}");
    let texts: Vec<&str> = seen.iter().filter_map(|e| e["change"]["message"]["text"].as_str()).collect();
    assert_eq!(texts, ["mixed 0", "mixed 1", "mixed 2", "mixed 3", "mixed 4", "mixed last"]);
}

#[tokio::test]
async fn a_socket_that_catches_up_then_goes_live_sends_nothing_twice() {
    let app = TestApp::new();
    let address = app.serve().await;
    let (zhangsan, lisi) = (app.login("zhangsan").await, app.login("lisi").await);
    let lunch = app.conversation_id(&lisi, "Lunch").await;
    let start = app.cursor(&zhangsan).await;
    // Messages land before the socket opens: its catch-up pull delivers them; the later ones
    // come level with the feed, announced, and none may repeat or go missing across the switch.
    for n in 0..5 {
        send(app.state.clone(), lisi.clone(), lunch.clone(), format!("early {n}")).await;
    }
    let mut socket = connect(address, &zhangsan, Some(start)).await;
    for n in 0..5 {
        send(app.state.clone(), lisi.clone(), lunch.clone(), format!("late {n}")).await;
    }
    let seen = envelopes_until(&mut socket, "late 4", 1).await;
    let texts: Vec<&str> = seen.iter().filter_map(|e| e["change"]["message"]["text"].as_str()).collect();
    assert_eq!(
        texts,
        ["early 0", "early 1", "early 2", "early 3", "early 4", "late 0", "late 1", "late 2", "late 3", "late 4"]
    );
    assert_eq!(positions(&seen), pulled_positions(&app, &zhangsan, start).await);
}
