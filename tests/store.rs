//! The offline store's conformance suite, run in headless Chromium against both implementations:
//! the in-memory store and the real IndexedDB store (each test on a uniquely named database).

use wasm_bindgen_test::*;
use weft::store::{IdbStore, MemoryStore, Store, StoreError};
use weft::sync::outbox::{OutboxAction, OutboxEntry};
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message};
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId};

wasm_bindgen_test_configure!(run_in_browser);

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn conversation(n: u128, updated_at: i64) -> ConversationSummary {
    ConversationSummary {
        id: ConversationId(id(n)),
        kind: ConversationKind::Group,
        title: format!("群聊 {n}"),
        owner_id: MemberId(id(7)),
        member_count: 3,
        last_seq: 0,
        last_message: None,
        updated_at,
        read_seq: 0,
        unread: 0,
        muted: false,
        pinned: false,
    }
}

fn message(conversation: u128, seq: u64) -> Message {
    Message {
        id: MessageId(id(conversation * 1_000_000 + u128::from(seq))),
        conversation_id: ConversationId(id(conversation)),
        seq,
        sender_id: MemberId(id(7)),
        sender_name: "张三".into(),
        client_id: ClientId(id(conversation * 1_000_000 + u128::from(seq) + 500_000)),
        text: format!("消息 {seq} <b>not bold</b>"),
        sent_at: 1_700_000_000_000 + seq as i64,
        recalled: false,
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment: None,
    }
}

fn seqs(messages: &[Message]) -> Vec<u64> {
    messages.iter().map(|m| m.seq).collect()
}

fn unique_name() -> String {
    format!("weft-test-{}-{}", js_sys::Date::now(), js_sys::Math::random())
}

macro_rules! store_suite {
    ($module:ident, $open:expr) => {
        mod $module {
            use super::*;

            #[wasm_bindgen_test]
            async fn a_new_store_is_empty() {
                let store = $open;
                assert!(store.conversations().await.expect("list").is_empty());
                assert!(store.messages(ConversationId(id(1)), None, 50).await.expect("messages").is_empty());
            }

            #[wasm_bindgen_test]
            async fn conversations_come_back_most_recent_first() {
                let store = $open;
                store
                    .replace_conversations(&[conversation(1, 10), conversation(2, 30), conversation(3, 20)])
                    .await
                    .expect("replace");
                let order: Vec<_> = store.conversations().await.expect("list").iter().map(|c| c.updated_at).collect();
                assert_eq!(order, vec![30, 20, 10]);
                let mut bumped = conversation(1, 40);
                bumped.title = "改名 Renamed".into();
                store.put_conversation(&bumped).await.expect("put");
                let list = store.conversations().await.expect("list");
                assert_eq!(list.len(), 3);
                assert_eq!(list[0].title, "改名 Renamed");
            }

            #[wasm_bindgen_test]
            async fn replacing_the_list_drops_left_conversations_and_their_messages() {
                let store = $open;
                store.replace_conversations(&[conversation(1, 1), conversation(2, 2)]).await.expect("replace");
                store.put_messages(&[message(1, 1), message(2, 1), message(2, 2)]).await.expect("put");
                store.replace_conversations(&[conversation(1, 3)]).await.expect("replace");
                let ids: Vec<_> = store.conversations().await.expect("list").iter().map(|c| c.id).collect();
                assert_eq!(ids, vec![ConversationId(id(1))]);
                assert!(store.messages(ConversationId(id(2)), None, 50).await.expect("messages").is_empty());
                assert_eq!(seqs(&store.messages(ConversationId(id(1)), None, 50).await.expect("messages")), vec![1]);
            }

            #[wasm_bindgen_test]
            async fn messages_page_backwards_in_sequence_order() {
                let store = $open;
                // Inserted out of order, across the 9 → 10 and 99 → 100 digit boundaries.
                let mut batch: Vec<Message> = (1..=120).rev().map(|seq| message(1, seq)).collect();
                batch.push(message(2, 5));
                store.put_messages(&batch).await.expect("put");
                let newest = store.messages(ConversationId(id(1)), None, 50).await.expect("newest");
                assert_eq!(seqs(&newest), (71..=120).collect::<Vec<_>>());
                let older = store.messages(ConversationId(id(1)), Some(71), 50).await.expect("older");
                assert_eq!(seqs(&older), (21..=70).collect::<Vec<_>>());
                let oldest = store.messages(ConversationId(id(1)), Some(21), 50).await.expect("oldest");
                assert_eq!(seqs(&oldest), (1..=20).collect::<Vec<_>>());
                let other = store.messages(ConversationId(id(2)), None, 50).await.expect("other");
                assert_eq!(seqs(&other), vec![5], "conversations never mix");
            }

            #[wasm_bindgen_test]
            async fn storing_a_message_twice_keeps_one_copy_with_the_newest_content() {
                let store = $open;
                store.put_messages(&[message(1, 1)]).await.expect("put");
                let mut edited = message(1, 1);
                edited.text = "已更新 updated".into();
                store.put_messages(&[edited.clone()]).await.expect("put again");
                let stored = store.messages(ConversationId(id(1)), None, 50).await.expect("messages");
                assert_eq!(stored, vec![edited]);
            }

            #[wasm_bindgen_test]
            async fn one_message_can_be_read_and_a_conversation_removed_with_its_messages() {
                let store = $open;
                store.replace_conversations(&[conversation(1, 1), conversation(2, 2)]).await.expect("replace");
                store.put_messages(&[message(1, 1), message(1, 2), message(2, 1)]).await.expect("put");
                assert_eq!(store.message(ConversationId(id(1)), 2).await.expect("get"), Some(message(1, 2)));
                assert_eq!(store.message(ConversationId(id(1)), 3).await.expect("get"), None);
                store.remove_conversation(ConversationId(id(1))).await.expect("remove");
                assert_eq!(store.conversations().await.expect("list").len(), 1);
                assert!(store.messages(ConversationId(id(1)), None, 50).await.expect("messages").is_empty());
                assert_eq!(seqs(&store.messages(ConversationId(id(2)), None, 50).await.expect("messages")), vec![1]);
            }

            #[wasm_bindgen_test]
            async fn the_cursor_is_kept() {
                let store = $open;
                assert_eq!(store.cursor().await.expect("cursor"), None);
                store.set_cursor(41).await.expect("set");
                store.set_cursor(42).await.expect("set");
                assert_eq!(store.cursor().await.expect("cursor"), Some(42));
            }

            #[wasm_bindgen_test]
            async fn the_outbox_keeps_entries_in_delivery_order_until_deleted() {
                let store = $open;
                let entry = |n: u128, order: f64| {
                    OutboxEntry::new(
                        ConversationId(id(1)),
                        ClientId(id(n)),
                        OutboxAction::Send {
                            text: format!("待发送 {n}"),
                            reply_to: None,
                            mentions: vec![],
                            mention_all: false,
                            file: None,
                        },
                        order,
                    )
                };
                store.put_outbox(&entry(3, 3000.0)).await.expect("put");
                store.put_outbox(&entry(1, 1000.0)).await.expect("put");
                store.put_outbox(&entry(2, 2000.0)).await.expect("put");
                let mut refused = entry(2, 2000.0);
                refused.failed = Some("text: too long".into());
                store.put_outbox(&refused).await.expect("update");
                let stored = store.outbox().await.expect("outbox");
                let orders: Vec<f64> = stored.iter().map(|e| e.order).collect();
                assert_eq!(orders, vec![1000.0, 2000.0, 3000.0]);
                assert_eq!(stored[1].failed.as_deref(), Some("text: too long"));
                store.delete_outbox(&entry(1, 0.0).client_id).await.expect("delete");
                assert_eq!(store.outbox().await.expect("outbox").len(), 2);
            }

            #[wasm_bindgen_test]
            async fn queued_file_bytes_are_kept_until_deleted() {
                let store = $open;
                let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str("文件内容 file bytes"));
                let blob = web_sys::Blob::new_with_str_sequence(&parts).expect("blob");
                store.put_upload("entry-1", &blob).await.expect("put");
                let kept = store.upload("entry-1").await.expect("get").expect("kept");
                assert_eq!(kept.size(), blob.size());
                let text = wasm_bindgen_futures::JsFuture::from(kept.text()).await.expect("text");
                assert_eq!(text.as_string().as_deref(), Some("文件内容 file bytes"));
                assert!(store.upload("entry-2").await.expect("get").is_none());
                store.delete_upload("entry-1").await.expect("delete");
                assert!(store.upload("entry-1").await.expect("get").is_none());
            }

            #[wasm_bindgen_test]
            async fn text_round_trips_exactly() {
                let store = $open;
                let mut odd = message(1, 1);
                odd.text = "\u{202E}evil\u{202C} <script>alert(1)</script> 😀 \"quotes\" \\ \n second line".into();
                store.put_messages(&[odd.clone()]).await.expect("put");
                assert_eq!(store.messages(ConversationId(id(1)), None, 1).await.expect("messages"), vec![odd]);
            }
        }
    };
}

store_suite!(memory, MemoryStore::default());
store_suite!(indexed_db, IdbStore::open(&unique_name()).await.expect("open IndexedDB"));

#[wasm_bindgen_test]
async fn indexed_db_keeps_data_across_reopening_and_delete_wipes_it() {
    let name = unique_name();
    let store = IdbStore::open(&name).await.expect("open");
    store.replace_conversations(&[conversation(1, 1)]).await.expect("replace");
    store.put_messages(&[message(1, 1), message(1, 2)]).await.expect("put");
    store.close();

    let reopened = IdbStore::open(&name).await.expect("reopen");
    assert_eq!(reopened.conversations().await.expect("list").len(), 1);
    assert_eq!(seqs(&reopened.messages(ConversationId(id(1)), None, 50).await.expect("messages")), vec![1, 2]);
    reopened.close();

    IdbStore::delete(&name).await.expect("delete");
    let fresh = IdbStore::open(&name).await.expect("open after delete");
    assert!(fresh.conversations().await.expect("list").is_empty());
}

#[wasm_bindgen_test]
async fn opening_a_newer_database_keeps_the_dom_exception_name() {
    use indexed_db_futures::database::Database;
    let name = unique_name();
    let newer = Database::open(name.as_str()).with_version(99u32).await.expect("open at version 99");
    newer.close();
    match IdbStore::open(&name).await {
        Err(StoreError::Database { name, .. }) => assert_eq!(name, "VersionError"),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("opening an older schema over a newer database must fail"),
    }
}
