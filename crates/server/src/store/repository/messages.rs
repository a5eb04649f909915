//! Messages in the store: appending (in groups, see `message_batch`: per-conversation sequence
//! numbers and (sender, client id) de-duplication), recall, read positions, and substring search
//! that works for any script (a two-character Chinese query finds it inside a sentence). Who may
//! send, mention and recall is the domain's (`crate::domain::conversations::rules`).

use super::changes::{StoredChange, record};
use super::confidential::start_read_clocks;
use super::conversations::{participant_ids, require_participant, titles};
use super::{MESSAGE_SELECT, SqlStore, message_by_seq, message_from_row, to_sql_seq};
use crate::domain::conversations::rules::{self, Recall, SentMessage};
use crate::store::sql::{OptionalExtension, params};
use crate::store::{Limits, MessageStore, NewMessage, Recipients, StoreError, StoreResult, StoredMessage};
use weft_protocol::chat::{MessagePage, SearchHit};
use weft_protocol::{ConversationId, MemberId, Millis};

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
        self.append_queued(new)
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
        let sent = SentMessage { sender: message.sender_id, sent_at: message.sent_at, recalled: message.recalled };
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
