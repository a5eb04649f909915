//! The down path, natively: what feed changes do to the list and what the app is asked to do,
//! replays and duplicates included, and how the feed settles the outbox.

use uuid::Uuid;
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message, ReplyPreview};
use weft_protocol::sync::{Change, ChangeEnvelope};
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId};
use weft_sync_core::{Effect, Effects, Engine, Outbox, OutboxAction, OutboxEntry, forget_quotes};

const ME: MemberId = MemberId(Uuid::from_u128(1));
const OTHER: MemberId = MemberId(Uuid::from_u128(2));

fn conversation(n: u128) -> ConversationId {
    ConversationId(Uuid::from_u128(100 + n))
}

fn summary(n: u128, last_seq: u64, read_seq: u64) -> ConversationSummary {
    ConversationSummary {
        id: conversation(n),
        kind: ConversationKind::Group,
        title: format!("group {n}"),
        owner_id: ME,
        member_count: 2,
        last_seq,
        last_message: None,
        updated_at: 1_000 + n as i64,
        read_seq,
        unread: (last_seq - read_seq) as u32,
        muted: false,
        pinned: false,
        confidential: None,
    }
}

fn message(conversation_n: u128, seq: u64, sender: MemberId) -> Message {
    Message {
        id: MessageId(Uuid::from_u128(10_000 + u128::from(seq))),
        conversation_id: conversation(conversation_n),
        seq,
        sender_id: sender,
        sender_name: "someone".into(),
        client_id: ClientId(Uuid::from_u128(20_000 + u128::from(seq))),
        text: format!("message {seq}"),
        sent_at: 5_000 + seq as i64,
        recalled: false,
        reply_to: None,
        mentions: Vec::new(),
        mention_all: false,
        attachment: None,
        card: None,
        expires_at: None,
    }
}

fn frame(changes: Vec<Change>) -> Vec<ChangeEnvelope> {
    changes.into_iter().enumerate().map(|(i, change)| ChangeEnvelope { position: i as u64 + 1, change }).collect()
}

fn engine_with(list: Vec<ConversationSummary>) -> Engine {
    let mut engine = Engine::new(Some(ME));
    engine.replace_conversations(list);
    engine
}

fn stored_messages(effects: &Effects) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::PutMessages(run) => Some(run.iter().map(|m| m.seq).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn a_run_of_messages_is_one_store_write_then_the_list_then_the_cursor() {
    let mut engine = engine_with(vec![summary(1, 3, 3)]);
    let changes = (4..=6).map(|seq| Change::Message { message: message(1, seq, OTHER) }).collect();
    let effects: Vec<Effect> = engine.apply_frame(frame(changes), 42).into_iter().collect();
    assert!(matches!(&effects[0], Effect::PutMessages(run) if run.len() == 3));
    assert!(matches!(&effects[1], Effect::Settle(ids) if ids.len() == 3));
    assert!(matches!(&effects[2], Effect::PutConversations(list) if list.len() == 1 && list[0].unread == 3));
    assert_eq!(effects[3], Effect::SaveCursor(42));
    assert_eq!(effects.len(), 4);
    let kept = engine.conversation(conversation(1)).expect("kept");
    assert_eq!((kept.last_seq, kept.unread), (6, 3));
    assert_eq!(kept.last_message.as_ref().map(|m| m.seq), Some(6));
}

#[test]
fn replaying_a_frame_changes_nothing_and_writes_nothing_but_the_messages() {
    let mut engine = engine_with(vec![summary(1, 3, 3)]);
    let changes: Vec<Change> = (4..=5).map(|seq| Change::Message { message: message(1, seq, OTHER) }).collect();
    engine.apply_frame(frame(changes.clone()), 10);
    let after_first = engine.clone();
    let replay = engine.apply_frame(frame(changes), 10);
    assert_eq!(engine, after_first, "a replay leaves the list and the cursor as they were");
    assert_eq!(stored_messages(&replay), vec![4, 5], "messages are keyed by seq, so storing them again is harmless");
    assert!(!replay.list_changed());
    assert!(!replay.iter().any(|e| matches!(e, Effect::SaveCursor(_))));
}

#[test]
fn a_duplicate_inside_one_batch_counts_once() {
    let mut engine = engine_with(vec![summary(1, 0, 0)]);
    let effects = engine.apply_messages(vec![message(1, 1, OTHER), message(1, 1, OTHER), message(1, 2, OTHER)]);
    assert_eq!(engine.conversation(conversation(1)).map(|c| c.unread), Some(2));
    let written: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::PutConversations(list) => Some(list.len()),
            _ => None,
        })
        .collect();
    assert_eq!(written, vec![1], "one summary write per conversation");
}

#[test]
fn an_older_message_arriving_late_does_not_count_as_unread_or_move_the_list() {
    let mut engine = engine_with(vec![summary(1, 9, 9)]);
    let effects = engine.apply_messages(vec![message(1, 5, OTHER)]);
    let kept = engine.conversation(conversation(1)).expect("kept");
    assert_eq!((kept.last_seq, kept.unread), (9, 0));
    assert!(!effects.list_changed());
    assert_eq!(stored_messages(&effects), vec![5]);
}

#[test]
fn the_members_own_message_reads_everything_before_it() {
    let mut engine = engine_with(vec![summary(1, 4, 1)]);
    engine.apply_messages(vec![message(1, 5, ME)]);
    let kept = engine.conversation(conversation(1)).expect("kept");
    assert_eq!((kept.read_seq, kept.unread), (5, 0));
}

#[test]
fn the_cursor_never_moves_back() {
    let mut engine = engine_with(Vec::new());
    assert_eq!(engine.advance_cursor(10).into_iter().collect::<Vec<_>>(), vec![Effect::SaveCursor(10)]);
    assert!(engine.advance_cursor(7).is_empty());
    assert!(engine.advance_cursor(10).is_empty());
    assert_eq!(engine.cursor(), Some(10));
    assert!(engine.apply_frame(Vec::new(), 9).is_empty(), "an old empty frame changes nothing");
}

#[test]
fn a_message_for_an_unknown_conversation_asks_for_its_summary_once() {
    let mut engine = engine_with(Vec::new());
    let effects = engine.apply_messages(vec![message(7, 1, OTHER), message(7, 2, OTHER)]);
    let fetches: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::FetchSummary(_))).collect();
    assert_eq!(fetches, vec![&Effect::FetchSummary(conversation(7))]);
    assert_eq!(stored_messages(&effects), vec![1, 2], "the messages are kept all the same");
    let effects = engine.apply(Change::Conversation { summary: summary(7, 2, 0) });
    assert!(effects.list_changed());
    assert!(effects.iter().any(|e| *e == Effect::RefreshDetail(conversation(7))));
    assert!(engine.apply(Change::Conversation { summary: summary(7, 2, 0) }).is_empty(), "a replayed summary");
}

#[test]
fn own_read_positions_only_move_forward_and_others_become_receipts() {
    let mut engine = engine_with(vec![summary(1, 8, 2)]);
    let forward = engine.apply(Change::Read { conversation_id: conversation(1), member_id: ME, seq: 8 });
    assert!(forward.list_changed());
    assert_eq!(engine.conversation(conversation(1)).map(|c| (c.read_seq, c.unread)), Some((8, 0)));
    assert!(engine.apply(Change::Read { conversation_id: conversation(1), member_id: ME, seq: 4 }).is_empty());
    assert_eq!(engine.conversation(conversation(1)).map(|c| c.read_seq), Some(8));
    let receipt = engine.apply(Change::Read { conversation_id: conversation(1), member_id: OTHER, seq: 3 });
    assert_eq!(
        receipt.into_iter().collect::<Vec<_>>(),
        vec![Effect::Receipt { conversation_id: conversation(1), member_id: OTHER, seq: 3 }]
    );
    assert_eq!(engine.read_target(conversation(1)), None, "nothing left to mark as read");
}

#[test]
fn a_recall_is_looked_up_then_applied_once() {
    let mut engine = engine_with(vec![summary(1, 0, 0)]);
    engine.apply_messages(vec![message(1, 1, OTHER)]);
    let lookup = engine.apply(Change::Recalled { conversation_id: conversation(1), seq: 1 });
    assert_eq!(
        lookup.into_iter().collect::<Vec<_>>(),
        vec![Effect::LookUpRecalled { conversation_id: conversation(1), seq: 1 }]
    );
    let effects: Vec<Effect> = engine.recalled(message(1, 1, OTHER)).into_iter().collect();
    let Effect::Recalled(recalled) = &effects[0] else { panic!("expected the recalled message first: {effects:?}") };
    assert!(recalled.recalled && recalled.text.is_empty());
    let kept = engine.conversation(conversation(1)).expect("kept").clone();
    assert_eq!(kept.unread, 0, "a recalled message is no longer unread");
    assert!(kept.last_message.as_ref().is_some_and(|m| m.recalled && m.text.is_empty()));
    assert!(engine.recalled(recalled.clone()).is_empty(), "recalling again changes nothing");
    assert_eq!(engine.conversation(conversation(1)), Some(&kept));
}

#[test]
fn quotes_of_a_recalled_message_lose_their_text() {
    let mut quoting = message(1, 2, ME);
    quoting.reply_to =
        Some(ReplyPreview { seq: 1, sender_name: "x".into(), excerpt: "secret".into(), recalled: false });
    let mut timeline = vec![message(1, 1, OTHER), quoting];
    let changed = forget_quotes(&mut timeline, 1);
    assert_eq!(changed.len(), 1);
    assert!(timeline[1].reply_to.as_ref().is_some_and(|r| r.recalled && r.excerpt.is_empty()));
    assert!(forget_quotes(&mut timeline, 1).is_empty(), "already cleared");
}

#[test]
fn a_removed_conversation_is_deleted_and_its_queued_writes_dropped() {
    let mut engine = engine_with(vec![summary(1, 0, 0), summary(2, 0, 0)]);
    let effects = engine.apply(Change::Removed { conversation_id: conversation(1) });
    assert_eq!(effects.into_iter().collect::<Vec<_>>(), vec![Effect::RemoveConversation(conversation(1))]);
    assert_eq!(engine.conversations().iter().map(|c| c.id).collect::<Vec<_>>(), vec![conversation(2)]);
    let queued =
        OutboxEntry::new(Some(conversation(1)), ClientId(Uuid::from_u128(1)), OutboxAction::Read { seq: 1 }, 1.0);
    let mut outbox = Outbox::new(vec![queued]);
    assert_eq!(outbox.drop_conversation(conversation(1)).len(), 1);
    assert!(outbox.is_empty());
}

#[test]
fn the_feed_settles_the_outbox_entry_whose_message_it_carries() {
    let mut engine = engine_with(vec![summary(1, 0, 0)]);
    let mut sent = message(1, 1, ME);
    let client_id = ClientId(Uuid::from_u128(77));
    sent.client_id = client_id;
    let send = OutboxAction::Send {
        text: sent.text.clone(),
        reply_to: None,
        mentions: Vec::new(),
        mention_all: false,
        file: None,
    };
    let later =
        OutboxEntry::new(Some(conversation(1)), ClientId(Uuid::from_u128(78)), OutboxAction::Recall { seq: 1 }, 2.0);
    let mut outbox = Outbox::new(vec![OutboxEntry::new(Some(conversation(1)), client_id, send, 1.0), later]);
    assert_eq!(outbox.next(0).map(|e| e.client_id.clone()), Some(client_id.to_string()));
    // The HTTP answer is lost; the message comes back on the feed instead.
    let effects = engine.apply_frame(frame(vec![Change::Message { message: sent }]), 3);
    for effect in effects {
        if let Effect::Settle(ids) = effect {
            for id in ids {
                outbox.settle(&id);
            }
        }
    }
    assert_eq!(outbox.len(), 1, "the sent message's entry is done; no duplicate is shown or sent");
    assert_eq!(outbox.next(0).map(|e| e.client_id.clone()), Some(Uuid::from_u128(78).to_string()));
}

#[test]
fn directory_and_approval_changes_pass_through_and_unknown_ones_are_skipped() {
    let mut engine = engine_with(Vec::new());
    assert_eq!(
        engine.apply(Change::DirectoryReset).into_iter().collect::<Vec<_>>(),
        vec![Effect::Directory(Change::DirectoryReset)]
    );
    assert!(engine.apply(Change::Unknown).is_empty());
}

#[test]
fn pinning_moves_a_conversation_to_the_top() {
    let mut engine = engine_with(vec![summary(1, 0, 0), summary(2, 0, 0)]);
    assert_eq!(engine.conversations()[0].id, conversation(2), "newest first");
    let effects = engine.set_prefs(conversation(1), false, true);
    assert!(effects.list_changed());
    assert_eq!(engine.conversations()[0].id, conversation(1));
    assert!(engine.set_prefs(conversation(9), true, true).is_empty());
}
