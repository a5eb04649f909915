//! Measures the engine's own cost of applying feed frames (no storage): 100,000 messages over
//! 200 conversations in frames of 500, then the same frames replayed.
//! Run: `cargo run --release -p weft-sync-core --example apply_rate`.

use std::time::Instant;
use uuid::Uuid;
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message};
use weft_protocol::sync::{Change, ChangeEnvelope};
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId};
use weft_sync_core::Engine;

const CONVERSATIONS: u128 = 200;
const MESSAGES: u128 = 100_000;
const FRAME: usize = 500;

fn main() {
    let me = MemberId(Uuid::from_u128(1));
    let other = MemberId(Uuid::from_u128(2));
    let conversation = |n: u128| ConversationId(Uuid::from_u128(1_000 + n));
    let list = (0..CONVERSATIONS)
        .map(|n| ConversationSummary {
            id: conversation(n),
            kind: ConversationKind::Group,
            title: format!("group {n}"),
            owner_id: me,
            member_count: 10,
            last_seq: 0,
            last_message: None,
            updated_at: 0,
            read_seq: 0,
            unread: 0,
            muted: false,
            pinned: false,
            confidential: None,
        })
        .collect();
    let changes: Vec<ChangeEnvelope> = (0..MESSAGES)
        .map(|i| {
            let message = Message {
                id: MessageId(Uuid::from_u128(10_000_000 + i)),
                conversation_id: conversation(i % CONVERSATIONS),
                seq: u64::try_from(i / CONVERSATIONS + 1).unwrap_or(u64::MAX),
                sender_id: if i % 3 == 0 { me } else { other },
                sender_name: "someone".into(),
                client_id: ClientId(Uuid::from_u128(20_000_000 + i)),
                text: "a message of ordinary length, about sixty characters long".into(),
                sent_at: i64::try_from(i).unwrap_or(i64::MAX),
                recalled: false,
                reply_to: None,
                mentions: Vec::new(),
                mention_all: false,
                attachment: None,
                card: None,
                expires_at: None,
            };
            ChangeEnvelope { position: u64::try_from(i + 1).unwrap_or(u64::MAX), change: Change::Message { message } }
        })
        .collect();
    let mut engine = Engine::new(Some(me));
    engine.replace_conversations(list);
    for pass in ["first", "replay"] {
        let started = Instant::now();
        let mut effects = 0;
        for (index, frame) in changes.chunks(FRAME).enumerate() {
            let cursor = u64::try_from((index + 1) * FRAME).unwrap_or(u64::MAX);
            effects += engine.apply_frame(frame.to_vec(), cursor).iter().count();
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{pass}: {MESSAGES} messages in {:.1} ms ({:.0} messages/s, {effects} effects)",
            seconds * 1000.0,
            MESSAGES as f64 / seconds
        );
    }
}
