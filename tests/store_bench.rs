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
        card: None,
        expires_at: None,
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

fn directory_member(n: u32) -> weft_protocol::directory::DirectoryMember {
    use weft_protocol::directory::{DirectoryMember, MemberDepartment, MemberStatus};
    const SURNAMES: [(&str, &str); 8] = [
        ("王", "wang"),
        ("李", "li"),
        ("张", "zhang"),
        ("刘", "liu"),
        ("陈", "chen"),
        ("杨", "yang"),
        ("黄", "huang"),
        ("赵", "zhao"),
    ];
    const GIVEN: [(&str, &str); 8] = [
        ("伟", "wei"),
        ("芳", "fang"),
        ("娜", "na"),
        ("敏", "min"),
        ("静", "jing"),
        ("丽", "li"),
        ("强", "qiang"),
        ("磊", "lei"),
    ];
    let (s, sp) = SURNAMES[n as usize % 8];
    let (g1, g1p) = GIVEN[(n as usize / 8) % 8];
    let (g2, g2p) = GIVEN[(n as usize / 64) % 8];
    let name = format!("{s}{g1}{g2}");
    let initials: String = [sp, g1p, g2p].iter().filter_map(|p| p.chars().next()).collect();
    let department = weft_protocol::DepartmentId(format!("dept-{}", n % 40));
    DirectoryMember {
        id: MemberId(uuid::Uuid::from_u128(u128::from(n) + 1)),
        userid: format!("bench{n}"),
        name: name.clone(),
        alias: String::new(),
        position: "职员 Staff".into(),
        mobile: format!("136{n:08}"),
        email: format!("bench{n}@bench.example"),
        departments: vec![MemberDepartment { department_id: department.clone(), is_leader: false }],
        main_department_id: department,
        direct_leader_id: None,
        status: MemberStatus::Active,
        role: weft_protocol::auth::Role::Member,
        admin_scope: None,
        avatar: String::new(),
        search_keys: vec![
            name,
            format!("{sp}{g1p}{g2p}"),
            initials,
            format!("bench{n}"),
            format!("bench{n}@bench.example"),
            "职员 staff".into(),
        ],
        version: 1,
        updated_at: 1_700_000_000_000,
    }
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

/// The directory's first download into IndexedDB (sealed and plain) and reading it back, then
/// the ranked search per keystroke over 20,000 members (the search alone, without drawing).
#[wasm_bindgen_test]
#[ignore = "benchmark: run by cargo xtask bench"]
async fn bench_directory_20k() {
    const COUNT: u32 = 20_000;
    let members: Vec<_> = (0..COUNT).map(directory_member).collect();
    for encrypted in [true, false] {
        let name = format!("weft-bench-directory-{}", now());
        let store =
            if encrypted { IdbStore::open_encrypted(&name).await } else { IdbStore::open(&name).await }.expect("open");
        let started = now();
        store.replace_directory(&[], &members).await.expect("replace");
        let write_ms = now() - started;
        let started = now();
        let (_, read) = store.directory().await.expect("read");
        let read_ms = now() - started;
        assert_eq!(read.len(), COUNT as usize);
        console_log!(
            "BENCH directory {COUNT} members ({}): written in {write_ms:.0} ms ({:.0} members/s); read back at start in {read_ms:.0} ms",
            if encrypted { "encrypted" } else { "plain" },
            f64::from(COUNT) / (write_ms / 1000.0),
        );
        store.close();
        IdbStore::delete(&name).await.expect("delete");
    }
    let directory = weft::features::directory::model::Directory::new(vec![], members);
    let mut latencies = Vec::new();
    for word in ["zhang", "wangwei", "lmj", "zs", "bench1234", "陈静", "赵", "liuyang", "staff", "13600001", "huangna"]
    {
        let chars: Vec<char> = word.chars().collect();
        for end in 1..=chars.len() {
            let query: String = chars[..end].iter().collect();
            let started = now();
            let hits = directory.search(&query, 50);
            latencies.push(now() - started);
            assert!(hits.len() <= 50);
        }
    }
    latencies.sort_by(f64::total_cmp);
    console_log!(
        "BENCH directory search over {COUNT} members, {} keystrokes: median {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        percentile(&latencies, 50),
        percentile(&latencies, 99)
    );
}
