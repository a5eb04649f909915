//! Offline-store ingest benchmark (figures, not assertions), run by `cargo xtask bench` in
//! headless Chromium against real IndexedDB: messages stored per second for 10,000 and 100,000
//! messages, and the time to read the newest page afterwards (what opening a chat costs), with
//! values encrypted at rest (what the app uses) and plain (the cost of the cipher).
//! Ignored in normal test runs.

use wasm_bindgen_test::*;
use weft::store::{IdbStore, Store};
use weft_protocol::chat::Message;
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId};

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    js_sys::Date::now()
}

fn message(conversation: ConversationId, seq: u64) -> Message {
    Message {
        id: MessageId(uuid::Uuid::from_u128(u128::from(seq) + 1)),
        conversation_id: conversation,
        seq,
        sender_id: MemberId(uuid::Uuid::from_u128(7)),
        sender_name: "张三".into(),
        client_id: ClientId(uuid::Uuid::from_u128(u128::from(seq) + 1_000_000_000)),
        text: format!("第 {seq} 条消息：今天下午三点在大会议室开会，请准时参加。Meeting at 3 pm."),
        sent_at: 1_700_000_000_000 + seq as i64,
        recalled: false,
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment: None,
    }
}

async fn ingest(count: u64, encrypted: bool) {
    let name = format!("weft-bench-{}-{count}", now());
    let store =
        if encrypted { IdbStore::open_encrypted(&name).await } else { IdbStore::open(&name).await }.expect("open");
    let conversation = ConversationId(uuid::Uuid::from_u128(1));
    const BATCH: u64 = 1_000;
    let started = now();
    let mut seq = 1;
    while seq <= count {
        let batch: Vec<Message> = (seq..(seq + BATCH).min(count + 1)).map(|s| message(conversation, s)).collect();
        store.put_messages(&batch).await.expect("put");
        seq += BATCH;
    }
    let elapsed = now() - started;
    let read_started = now();
    let page = store.messages(conversation, None, 50).await.expect("page");
    let read_ms = now() - read_started;
    assert_eq!(page.len(), 50);
    console_log!(
        "BENCH ingest {count} messages ({}): {:.0} ms, {:.0} messages/s; newest page of 50 afterwards: {:.1} ms",
        if encrypted { "encrypted" } else { "plain" },
        elapsed,
        count as f64 / (elapsed / 1000.0),
        read_ms
    );
    store.close();
    IdbStore::delete(&name).await.expect("delete");
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by cargo xtask bench"]
async fn bench_ingest_10k() {
    ingest(10_000, true).await;
    ingest(10_000, false).await;
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by cargo xtask bench"]
async fn bench_ingest_100k() {
    ingest(100_000, true).await;
    ingest(100_000, false).await;
}
