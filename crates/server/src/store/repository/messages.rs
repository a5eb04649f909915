//! Messages in SQLite: append with per-conversation sequence numbers and (sender, client id)
//! de-duplication, recall, read positions, and substring search that works for any script (a
//! two-character Chinese query finds it inside a sentence). Who may send, mention and recall is
//! the domain's (`crate::domain::conversations::rules`).

use super::approvals::{actor_from, actor_later};
use super::changes::{StoredChange, head_later, position_from, record, record_later};
use super::confidential::{lifetime_from, lifetime_later, start_read_clocks};
use super::conversations::{facts_later, participant_ids, require_participant, titles};
use super::{MESSAGE_SELECT, SqlStore, message_by_seq, message_from_row, to_sql_seq};
use crate::domain::conversations::rules::{self, Mentions, Recall, SentMessage};
use crate::store::sql::{Connection, OptionalExtension, params};
use crate::store::{
    CommittedMessage, Limits, MessageStore, NewMessage, Recipients, StoreError, StoreResult, StoredMessage,
};
use std::str::FromStr;
use uuid::Uuid;
use weft_protocol::chat::{MessagePage, SearchHit};
use weft_protocol::{ConversationId, MemberId, MessageId, Millis};

impl MessageStore for SqlStore {
    fn messages(&self, conversation: ConversationId, before_seq: Option<u64>, limit: u32) -> StoreResult<MessagePage> {
        let conn = self.read();
        let before = before_seq.map_or(i64::MAX, to_sql_seq);
        let sql =
            format!("{MESSAGE_SELECT} WHERE msg.conversation_id = ?1 AND msg.seq < ?2 ORDER BY msg.seq DESC LIMIT ?3");
        let mut stmt = conn.prepare_cached(&sql)?;
        // One extra row tells whether older history exists.
        let rows = stmt.query_map(params![conversation.to_string(), before, i64::from(limit) + 1], message_from_row)?;
        let mut messages: Vec<_> = rows.collect::<Result<_, _>>()?;
        let has_more = messages.len() > limit as usize;
        messages.truncate(limit as usize);
        messages.reverse();
        Ok(MessagePage { messages, has_more })
    }

    fn append_message(&self, new: NewMessage<'_>) -> StoreResult<StoredMessage> {
        let conn = self.conn();
        // Statements go through `db` so that the answers sent with the commit can be read
        // after it; `tx` rolls back unless committed.
        let db: &Connection = &conn;
        let tx = db.unchecked_transaction()?;
        let conversation_id = new.conversation.to_string();
        let sender_id = new.sender.to_string();
        // Everything the rules need, asked at once (on PostgreSQL one round trip, `BEGIN`
        // included), with the next sequence number taken: a refusal rolls all of it back.
        let conversation = facts_later(db, new.conversation)?;
        let existing = db.query_later(
            "SELECT conversation_id, seq FROM messages WHERE sender_id = ?1 AND client_id = ?2",
            params![sender_id, new.client_id.to_string()],
        )?;
        let reply = match new.reply_to {
            Some(seq) => Some(db.query_later(
                "SELECT 1 FROM messages WHERE conversation_id = ?1 AND seq = ?2",
                params![conversation_id, to_sql_seq(seq)],
            )?),
            None => None,
        };
        let sender = actor_later(db, new.sender)?;
        let attachment_owner = match new.attachment {
            Some(attachment) => {
                Some(db.query_later("SELECT owner_id FROM attachments WHERE id = ?1", [attachment.to_string()])?)
            }
            None => None,
        };
        let lifetime = lifetime_later(db, new.conversation)?;
        let previous = head_later(&tx)?;
        let seq = db.query_later(
            "UPDATE conversations SET last_seq = last_seq + 1, updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END WHERE id = ?1 RETURNING last_seq",
            params![conversation_id, new.now],
        )?;

        // Not revealed to outsiders: a conversation they do not take part in is not found.
        let conversation = conversation.read()?;
        rules::require_participant(&conversation, new.sender)?;
        let existing: Option<(String, i64)> = existing.row(|row| Ok((row.get(0)?, row.get(1)?))).optional()?;
        if let Some((conversation_id, seq)) = existing {
            drop((reply, sender, attachment_owner, lifetime, previous, seq));
            let conversation_id =
                ConversationId::from_str(&conversation_id).map_err(|err| super::corrupt(&err.to_string()))?;
            let message = message_by_seq(db, conversation_id, u64::try_from(seq).unwrap_or(0))?
                .ok_or_else(|| super::corrupt("de-duplicated message vanished"))?;
            return Ok(StoredMessage { message, created: false, recipients: Vec::new(), announced: false });
        }
        let reply_found = match reply {
            Some(found) => Some(found.row(|row| row.get::<_, i64>(0)).optional()?.is_some()),
            None => None,
        };
        let sender = actor_from(new.sender, sender)?;
        let mentions =
            rules::send(&conversation, &sender, reply_found, Mentions { members: new.mentions, all: new.mention_all })?;
        let participants = conversation.participants;
        if let Some(owner) = attachment_owner {
            let owner: Option<String> = owner.row(|row| row.get(0)).optional()?;
            if owner.as_deref() != Some(sender_id.as_str()) {
                return Err(StoreError::Invalid("attachment_id: upload the file first".into()));
            }
        }
        let expires_at = crate::domain::conversations::confidential::expiry_at_send(lifetime_from(lifetime)?, new.now);
        let previous = position_from(previous)?;
        let seq: i64 = seq.row(|row| row.get(0))?;

        // The writes, sent with the commit (one more round trip on PostgreSQL).
        let id = MessageId(Uuid::now_v7());
        let mentions_json = serde_json::to_string(&mentions).map_err(|err| super::corrupt(&err.to_string()))?;
        db.execute_later(
            "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at, reply_to_seq, mentions, mention_all, attachment_id, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id.to_string(),
                conversation_id,
                seq,
                sender_id,
                new.client_id.to_string(),
                new.text,
                new.now,
                new.reply_to.map(to_sql_seq),
                mentions_json,
                i64::from(new.mention_all),
                new.attachment.map(|a| a.to_string()),
                expires_at
            ],
        )?;
        // Sending implies having read everything before.
        db.execute_later(
            "INSERT INTO read_positions (conversation_id, member_id, seq) VALUES (?1, ?2, ?3) \
             ON CONFLICT (conversation_id, member_id) DO UPDATE SET seq = CASE WHEN read_positions.seq > excluded.seq THEN read_positions.seq ELSE excluded.seq END",
            params![conversation_id, sender_id, seq],
        )?;
        let seq = u64::try_from(seq).unwrap_or(0);
        let position = record_later(db, new.conversation, None, &StoredChange::Message { seq }, new.now)?;
        let message = db.query_later(
            &format!("{MESSAGE_SELECT} WHERE msg.conversation_id = ?1 AND msg.seq = ?2"),
            params![conversation_id, to_sql_seq(seq)],
        )?;
        tx.commit()?;
        let position = position_from(position)?;
        let message =
            message.row(message_from_row).optional()?.ok_or_else(|| super::corrupt("inserted message vanished"))?;
        // Still holding the writer: the next message cannot be announced before this one.
        let announced =
            self.announce(CommittedMessage { previous, position, message: &message, recipients: &participants });
        drop(conn);
        Ok(StoredMessage { message, created: true, recipients: participants, announced })
    }

    fn recall_message(
        &self,
        conversation: ConversationId,
        seq: u64,
        actor: MemberId,
        limits: Limits,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        require_participant(&tx, conversation, actor)?;
        let message = message_by_seq(&tx, conversation, seq)?.ok_or(StoreError::NotFound("message"))?;
        let sent = SentMessage {
            sender: message.sender_id,
            from_bot: message.bot().is_some(),
            sent_at: message.sent_at,
            recalled: message.recalled,
        };
        if rules::recall(sent, actor, limits.recall_window_ms, now)? == Recall::AlreadyRecalled {
            return Ok(Vec::new());
        }
        tx.execute(
            "UPDATE messages SET body = '', attachment_id = NULL, recalled_at = ?3 WHERE conversation_id = ?1 AND seq = ?2",
            params![conversation.to_string(), to_sql_seq(seq), now],
        )?;
        record(&tx, conversation, None, &StoredChange::Recalled { seq }, now)?;
        let recipients = participant_ids(&tx, conversation)?;
        tx.commit()?;
        Ok(recipients)
    }

    fn mark_read(
        &self,
        conversation: ConversationId,
        member: MemberId,
        seq: u64,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        require_participant(&tx, conversation, member)?;
        let last: i64 =
            tx.query_row("SELECT last_seq FROM conversations WHERE id = ?1", [conversation.to_string()], |row| {
                row.get(0)
            })?;
        let target = to_sql_seq(seq).min(last);
        let current: Option<i64> = tx
            .query_row(
                "SELECT seq FROM read_positions WHERE conversation_id = ?1 AND member_id = ?2",
                params![conversation.to_string(), member.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        if current.is_some_and(|c| c >= target) || target <= 0 {
            return Ok(Vec::new());
        }
        tx.execute(
            "INSERT INTO read_positions (conversation_id, member_id, seq) VALUES (?1, ?2, ?3) \
             ON CONFLICT (conversation_id, member_id) DO UPDATE SET seq = excluded.seq",
            params![conversation.to_string(), member.to_string(), target],
        )?;
        start_read_clocks(&tx, conversation, member, current.unwrap_or(0), target, now)?;
        let seq = u64::try_from(target).unwrap_or(0);
        record(&tx, conversation, None, &StoredChange::Read { member_id: member, seq }, now)?;
        let recipients = participant_ids(&tx, conversation)?;
        tx.commit()?;
        Ok(recipients)
    }

    fn search(&self, member: MemberId, query: &str, limit: u32) -> StoreResult<Vec<SearchHit>> {
        let conn = self.read();
        let sql = format!(
            "{MESSAGE_SELECT} JOIN participants me ON me.conversation_id = msg.conversation_id AND me.member_id = ?1 \
             WHERE msg.recalled_at IS NULL AND instr(lower(msg.body), lower(?2)) > 0 \
             ORDER BY msg.sent_at DESC, msg.seq DESC LIMIT ?3"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![member.to_string(), query, i64::from(limit)], message_from_row)?;
        let messages: Vec<_> = rows.collect::<Result<_, _>>()?;
        drop(stmt);
        let titles = titles(&conn, member)?;
        Ok(messages
            .into_iter()
            .map(|message| SearchHit {
                conversation_title: titles.get(&message.conversation_id).cloned().unwrap_or_default(),
                message,
            })
            .collect())
    }
}
