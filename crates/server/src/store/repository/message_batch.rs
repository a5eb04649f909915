//! Messages appended in groups. Concurrent senders queue their messages; whoever holds the
//! writer appends everything queued in one transaction: the facts the rules need for all of them
//! asked at once (one round trip on PostgreSQL), each decided in order by the domain's rules,
//! then every write sent with the commit (one more), and each message announced in order while
//! the writer is still held. Alone, a message costs those two round trips; under load, a queue
//! of messages shares them. Who may send, mention and reply stays in
//! `crate::domain::conversations::rules`.

use super::approvals::{actor_from, actor_later};
use super::changes::{StoredChange, head_later, position_from, record_later};
use super::confidential::{lifetime_from, lifetime_later};
use super::conversations::{FactsLater, facts_later};
use super::{MESSAGE_SELECT, SqlStore, message_by_seq, message_from_row, to_sql_seq};
use crate::domain::conversations::confidential::expiry_at_send;
use crate::domain::conversations::rules::{self, Mentions};
use crate::store::sql::{self, Connection, Later, OptionalExtension, params};
use crate::store::{CommittedMessage, NewMessage, StoreError, StoreResult, StoredMessage};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::mpsc::{SyncSender, sync_channel};
use uuid::Uuid;
use weft_protocol::{AttachmentId, ClientId, ConversationId, MemberId, MessageId, Millis};

/// A [`NewMessage`] that owns its text, to wait in the queue.
struct OwnedMessage {
    conversation: ConversationId,
    sender: MemberId,
    client_id: ClientId,
    text: String,
    reply_to: Option<u64>,
    mentions: Vec<MemberId>,
    mention_all: bool,
    attachment: Option<AttachmentId>,
    now: Millis,
}

struct Queued {
    message: OwnedMessage,
    answer: SyncSender<StoreResult<StoredMessage>>,
}

/// Messages waiting for the writer.
#[derive(Default)]
pub(super) struct AppendQueue(Mutex<Vec<Queued>>);

impl AppendQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Queued>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SqlStore {
    /// Appends `new`: queued, then written by whichever caller holds the writer first (this one,
    /// or one already writing, who takes the whole queue).
    pub(super) fn append_queued(&self, new: NewMessage<'_>) -> StoreResult<StoredMessage> {
        let (answer, answered) = sync_channel(1);
        let message = OwnedMessage {
            conversation: new.conversation,
            sender: new.sender,
            client_id: new.client_id,
            text: new.text.to_owned(),
            reply_to: new.reply_to,
            mentions: new.mentions.to_vec(),
            mention_all: new.mention_all,
            attachment: new.attachment,
            now: new.now,
        };
        self.appends.lock().push(Queued { message, answer });
        let conn = self.conn();
        // Only a holder of the writer takes the queue, and it answers before letting go: if
        // this message is not answered yet, it is still queued.
        if let Ok(result) = answered.try_recv() {
            return result;
        }
        let batch = std::mem::take(&mut *self.appends.lock());
        let outcomes = match write_batch(self, &conn, &batch) {
            Ok(outcomes) => outcomes,
            Err(err) => {
                let message = err.to_string();
                let mut outcomes: Vec<_> = batch.iter().skip(1).map(|_| Err(batch_failed(&message))).collect();
                outcomes.insert(0, Err(err));
                outcomes
            }
        };
        for (queued, outcome) in batch.into_iter().zip(outcomes) {
            // A caller that gave up waiting has nobody to tell.
            let _ = queued.answer.send(outcome);
        }
        drop(conn);
        answered.try_recv().unwrap_or_else(|_| Err(StoreError::Corrupt("a queued message was not answered".into())))
    }
}

fn batch_failed(message: &str) -> StoreError {
    StoreError::Database(sql::Error::Schema(format!("the messages written with this one failed: {message}")))
}

/// The facts one message's rules need, asked for with the rest of the batch.
struct Asked<'c> {
    conversation: FactsLater<'c>,
    existing: Later<'c>,
    reply: Option<Later<'c>>,
    sender: Later<'c>,
    attachment_owner: Option<Later<'c>>,
    lifetime: Later<'c>,
    last_seq: Later<'c>,
}

fn ask<'c>(db: &'c Connection, new: &OwnedMessage) -> StoreResult<Asked<'c>> {
    let conversation_id = new.conversation.to_string();
    Ok(Asked {
        conversation: facts_later(db, new.conversation)?,
        existing: db.query_later(
            "SELECT conversation_id, seq FROM messages WHERE sender_id = ?1 AND client_id = ?2",
            params![new.sender.to_string(), new.client_id.to_string()],
        )?,
        reply: match new.reply_to {
            Some(seq) => Some(db.query_later(
                "SELECT 1 FROM messages WHERE conversation_id = ?1 AND seq = ?2",
                params![conversation_id, to_sql_seq(seq)],
            )?),
            None => None,
        },
        sender: actor_later(db, new.sender)?,
        attachment_owner: match new.attachment {
            Some(attachment) => {
                Some(db.query_later("SELECT owner_id FROM attachments WHERE id = ?1", [attachment.to_string()])?)
            }
            None => None,
        },
        lifetime: lifetime_later(db, new.conversation)?,
        last_seq: db.query_later("SELECT last_seq FROM conversations WHERE id = ?1", [conversation_id])?,
    })
}

/// What became of one message of the batch before anything was written.
enum Decided {
    /// Stored before (a retry): this conversation and sequence number.
    Stored(ConversationId, u64),
    /// The same sender and client id as the batch's message at this index.
    Repeats(usize),
    New(Accepted),
    Refused(StoreError),
}

struct Accepted {
    seq: i64,
    participants: Vec<MemberId>,
    mentions_json: String,
    expires_at: Option<Millis>,
}

/// Applies the rules to one message; `next_seq` numbers the batch's messages per conversation.
fn decide(new: &OwnedMessage, asked: Asked<'_>, next_seq: &mut HashMap<ConversationId, i64>) -> StoreResult<Decided> {
    // Not revealed to outsiders: a conversation they do not take part in is not found.
    let conversation = asked.conversation.read()?;
    rules::require_participant(&conversation, new.sender)?;
    let existing: Option<(String, i64)> = asked.existing.row(|row| Ok((row.get(0)?, row.get(1)?))).optional()?;
    if let Some((conversation_id, seq)) = existing {
        let conversation_id =
            ConversationId::from_str(&conversation_id).map_err(|err| super::corrupt(&err.to_string()))?;
        return Ok(Decided::Stored(conversation_id, u64::try_from(seq).unwrap_or(0)));
    }
    let reply_found = match asked.reply {
        Some(found) => Some(found.row(|row| row.get::<_, i64>(0)).optional()?.is_some()),
        None => None,
    };
    let sender = actor_from(new.sender, asked.sender)?;
    let mentions =
        rules::send(&conversation, &sender, reply_found, Mentions { members: &new.mentions, all: new.mention_all })?;
    if let Some(owner) = asked.attachment_owner {
        let owner: Option<String> = owner.row(|row| row.get(0)).optional()?;
        if owner.as_deref() != Some(new.sender.to_string().as_str()) {
            return Err(StoreError::Invalid("attachment_id: upload the file first".into()));
        }
    }
    let expires_at = expiry_at_send(lifetime_from(asked.lifetime)?, new.now);
    let stored_seq: i64 = asked.last_seq.row(|row| row.get(0))?;
    let seq = next_seq.entry(new.conversation).or_insert(stored_seq);
    *seq += 1;
    Ok(Decided::New(Accepted {
        seq: *seq,
        participants: conversation.participants,
        mentions_json: serde_json::to_string(&mentions).map_err(|err| super::corrupt(&err.to_string()))?,
        expires_at,
    }))
}

/// A new message's writes, queued to go with the commit; its feed position and stored form are
/// read after it.
fn write<'c>(db: &'c Connection, new: &OwnedMessage, accepted: &Accepted) -> StoreResult<(Later<'c>, Later<'c>)> {
    let conversation_id = new.conversation.to_string();
    let sender_id = new.sender.to_string();
    db.execute_later(
        "UPDATE conversations SET last_seq = ?2, updated_at = CASE WHEN updated_at > ?3 THEN updated_at ELSE ?3 END WHERE id = ?1",
        params![conversation_id, accepted.seq, new.now],
    )?;
    db.execute_later(
        "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at, reply_to_seq, mentions, mention_all, attachment_id, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            MessageId(Uuid::now_v7()).to_string(),
            conversation_id,
            accepted.seq,
            sender_id,
            new.client_id.to_string(),
            new.text,
            new.now,
            new.reply_to.map(to_sql_seq),
            accepted.mentions_json,
            i64::from(new.mention_all),
            new.attachment.map(|a| a.to_string()),
            accepted.expires_at
        ],
    )?;
    // Sending implies having read everything before.
    db.execute_later(
        "INSERT INTO read_positions (conversation_id, member_id, seq) VALUES (?1, ?2, ?3) \
         ON CONFLICT (conversation_id, member_id) DO UPDATE SET seq = CASE WHEN read_positions.seq > excluded.seq THEN read_positions.seq ELSE excluded.seq END",
        params![conversation_id, sender_id, accepted.seq],
    )?;
    let seq = u64::try_from(accepted.seq).unwrap_or(0);
    let position = record_later(db, new.conversation, None, &StoredChange::Message { seq }, new.now)?;
    let message = db.query_later(
        &format!("{MESSAGE_SELECT} WHERE msg.conversation_id = ?1 AND msg.seq = ?2"),
        params![conversation_id, accepted.seq],
    )?;
    Ok((position, message))
}

/// Writes the batch in one transaction and announces its new messages in order; one outcome per
/// message, or an error that failed them all.
fn write_batch(store: &SqlStore, db: &Connection, batch: &[Queued]) -> StoreResult<Vec<StoreResult<StoredMessage>>> {
    let tx = db.unchecked_transaction()?;
    let head = head_later(db)?;
    let asked = batch.iter().map(|queued| ask(db, &queued.message)).collect::<StoreResult<Vec<_>>>()?;
    let mut next_seq = HashMap::new();
    let mut first_of: HashMap<(MemberId, ClientId), usize> = HashMap::new();
    let mut decided = Vec::with_capacity(batch.len());
    for (index, (queued, asked)) in batch.iter().zip(asked).enumerate() {
        let new = &queued.message;
        let key = (new.sender, new.client_id);
        decided.push(match first_of.get(&key) {
            Some(&earlier) => {
                drop(asked);
                Decided::Repeats(earlier)
            }
            None => {
                let outcome = decide(new, asked, &mut next_seq);
                if matches!(outcome, Ok(Decided::New(_))) {
                    first_of.insert(key, index);
                }
                outcome.unwrap_or_else(Decided::Refused)
            }
        });
    }
    let mut written = HashMap::new();
    for (index, (queued, decision)) in batch.iter().zip(&decided).enumerate() {
        if let Decided::New(accepted) = decision {
            written.insert(index, write(db, &queued.message, accepted)?);
        }
    }
    tx.commit()?;

    let mut previous = position_from(head)?;
    let mut outcomes: Vec<StoreResult<StoredMessage>> = Vec::with_capacity(batch.len());
    for (index, decision) in decided.into_iter().enumerate() {
        outcomes.push(match decision {
            Decided::Refused(err) => Err(err),
            Decided::Stored(conversation, seq) => {
                let message = message_by_seq(db, conversation, seq)?
                    .ok_or_else(|| super::corrupt("de-duplicated message vanished"))?;
                Ok(StoredMessage { message, created: false, recipients: Vec::new(), announced: false })
            }
            Decided::Repeats(earlier) => match &outcomes[earlier] {
                Ok(first) => Ok(StoredMessage {
                    message: first.message.clone(),
                    created: false,
                    recipients: Vec::new(),
                    announced: false,
                }),
                Err(err) => Err(batch_failed(&err.to_string())),
            },
            Decided::New(accepted) => {
                let (position, message) = written.remove(&index).ok_or_else(|| super::corrupt("unwritten message"))?;
                let position = position_from(position)?;
                let message = message
                    .row(message_from_row)
                    .optional()?
                    .ok_or_else(|| super::corrupt("inserted message vanished"))?;
                // Still holding the writer: the next message cannot be announced before this one.
                let announced = store.announce(CommittedMessage {
                    previous,
                    position,
                    message: &message,
                    recipients: &accepted.participants,
                });
                previous = position;
                Ok(StoredMessage { message, created: true, recipients: accepted.participants, announced })
            }
        });
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use crate::seed::seed_demo;
    use crate::store::repository::SqlStore;
    use crate::store::{ConversationStore, Limits, MemberStore, MessageStore, NewMessage, StoreError};
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use uuid::Uuid;
    use weft_protocol::{ClientId, MemberId};

    fn member(store: &SqlStore, userid: &str) -> MemberId {
        store.credentials(userid).expect("lookup").expect("seeded member").member_id
    }

    #[test]
    fn concurrent_senders_get_consecutive_numbers_once_each_and_refusals_stay_their_own() {
        let store = SqlStore::open_for_tests().expect("store");
        let now = crate::now_millis();
        seed_demo(&store, now).expect("seed");
        let store = Arc::new(store);
        let senders: Vec<MemberId> =
            ["zhangsan", "lisi", "wangwu", "yangfan"].iter().map(|userid| member(&store, userid)).collect();
        let (group, _) = store
            .create_group(
                senders[0],
                ClientId(Uuid::new_v4()),
                "并发 Concurrency",
                &senders[1..],
                Limits::default(),
                now,
            )
            .expect("group");
        let outsider = member(&store, "heyun");

        // Each sender's messages are sent twice at once (a retry racing the original), from
        // separate threads; an outsider sends alongside.
        let mut threads = Vec::new();
        for (index, sender) in senders.iter().copied().chain([outsider]).enumerate() {
            let client_ids: Vec<ClientId> = (0..25).map(|_| ClientId(Uuid::new_v4())).collect();
            for _copy in 0..2 {
                let (store, client_ids) = (Arc::clone(&store), client_ids.clone());
                threads.push(std::thread::spawn(move || {
                    client_ids
                        .iter()
                        .enumerate()
                        .map(|(n, client_id)| {
                            let text = format!("消息 {index}-{n}");
                            let sent = store.append_message(NewMessage {
                                conversation: group,
                                sender,
                                client_id: *client_id,
                                text: &text,
                                reply_to: None,
                                mentions: &[],
                                mention_all: false,
                                attachment: None,
                                now,
                            });
                            (sender, *client_id, sent.map(|stored| (stored.message.seq, stored.created)))
                        })
                        .collect::<Vec<_>>()
                }));
            }
        }
        let answers: Vec<_> = threads.into_iter().flat_map(|thread| thread.join().expect("thread")).collect();

        let mut seqs = BTreeSet::new();
        let mut created = 0;
        for (sender, client_id, outcome) in &answers {
            if *sender == outsider {
                assert!(matches!(outcome, Err(StoreError::Refused(_))), "an outsider is refused: {outcome:?}");
                continue;
            }
            let (seq, was_created) = *outcome.as_ref().expect("a participant's message is stored");
            created += usize::from(was_created);
            seqs.insert(seq);
            let twin = answers.iter().filter(|(s, c, _)| s == sender && c == client_id).count();
            assert_eq!(twin, 2);
            let same: Vec<_> = answers
                .iter()
                .filter(|(s, c, _)| s == sender && c == client_id)
                .map(|(_, _, outcome)| outcome.as_ref().map(|(seq, _)| *seq).ok())
                .collect();
            assert_eq!(same[0], same[1], "both copies answer with the one stored message");
        }
        assert_eq!(created, 100, "each message was stored once");
        assert_eq!(seqs, (1..=100).collect::<BTreeSet<u64>>(), "numbers are consecutive and unique");
        let page = store.messages(group, None, 200).expect("history");
        assert_eq!(page.messages.len(), 100);
    }
}
