//! Confidential conversations in SQL: the setting on `conversations`, the workspace policy in
//! `workspace_settings`, notices posted as messages with a card, forwarding (refused for
//! confidential sources by `crate::domain::conversations::confidential`), lifetimes (`expires_at`
//! on messages, set at sending or at first reading, swept by `expire_due`), and watermark marks.

use super::approvals::actor;
use super::changes::{StoredChange, record};
use super::conversations::{facts, participant_ids};
use super::{SqlStore, corrupt, message_by_seq, seq_at, to_sql_seq, uuid_at};
use crate::domain::conversations::confidential::{self as rules, SettingChange};
use crate::domain::conversations::rules::{Mentions, require_participant, send};
use crate::store::sql::{Connection, Later, OptionalExtension, Row, params};
use crate::store::{ConfidentialStore, DeterrentOutcome, Expired, Recipients, StoreError, StoreResult};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;
use weft_protocol::chat::{Message, MessageCard};
use weft_protocol::confidential::{
    ConfidentialPolicy, ConfidentialSettings, Confidentiality, DeterrentKind, MessageLifetime, Notice, WatermarkOwner,
};
use weft_protocol::{AttachmentId, ClientId, ConversationId, DepartmentId, MemberId, MessageId, Millis, SessionId};

const POLICY_KEY: &str = "confidential_policy";
const HOUR_MS: Millis = 3_600_000;

/// The workspace's confidential policy (the default until an administrator saves one).
pub(super) fn policy(conn: &Connection) -> StoreResult<ConfidentialPolicy> {
    let stored: Option<String> = conn
        .query_row("SELECT value FROM workspace_settings WHERE key = ?1", [POLICY_KEY], |row| row.get(0))
        .optional()?;
    match stored {
        Some(json) => serde_json::from_str(&json).map_err(|err| corrupt(&err.to_string())),
        None => Ok(ConfidentialPolicy::default()),
    }
}

/// The confidentiality columns at `index` (`confidential_since, confidential_by_policy,
/// message_lifetime`).
pub(super) fn confidentiality_at(
    row: &Row<'_>,
    index: usize,
    offline_copy: bool,
) -> crate::store::sql::Result<Option<Confidentiality>> {
    let since: Option<Millis> = row.get(index)?;
    let by_policy: i64 = row.get(index + 1)?;
    let lifetime: Option<String> = row.get(index + 2)?;
    Ok(since.map(|since| Confidentiality {
        since,
        by_policy: by_policy != 0,
        lifetime: lifetime.and_then(|json| serde_json::from_str(&json).ok()),
        offline_copy,
    }))
}

/// A conversation's confidentiality, or None.
pub(super) fn confidentiality(conn: &Connection, conversation: ConversationId) -> StoreResult<Option<Confidentiality>> {
    let offline_copy = policy(conn)?.offline_copy;
    let found = conn
        .query_row(CONFIDENTIALITY, [conversation.to_string()], |row| confidentiality_at(row, 0, offline_copy))
        .optional()?;
    Ok(found.flatten())
}

const CONFIDENTIALITY: &str =
    "SELECT confidential_since, confidential_by_policy, message_lifetime FROM conversations WHERE id = ?1";

/// The lifetime of a conversation's messages, if it has one.
pub(super) fn lifetime(conn: &Connection, conversation: ConversationId) -> StoreResult<Option<MessageLifetime>> {
    lifetime_from(lifetime_later(conn, conversation)?)
}

/// [`lifetime`], asked now (`Connection::query_later`) and read with [`lifetime_from`].
pub(super) fn lifetime_later(conn: &Connection, conversation: ConversationId) -> StoreResult<Later<'_>> {
    Ok(conn.query_later(CONFIDENTIALITY, [conversation.to_string()])?)
}

pub(super) fn lifetime_from(found: Later<'_>) -> StoreResult<Option<MessageLifetime>> {
    // Whether an offline copy is allowed does not bear on the lifetime.
    let found = found.row(|row| confidentiality_at(row, 0, false)).optional()?;
    Ok(found.flatten().and_then(|on| on.lifetime))
}

fn save_setting(conn: &Connection, conversation: ConversationId, state: Option<Confidentiality>) -> StoreResult<()> {
    let lifetime = match state.and_then(|on| on.lifetime) {
        Some(lifetime) => Some(serde_json::to_string(&lifetime).map_err(|err| corrupt(&err.to_string()))?),
        None => None,
    };
    conn.execute(
        "UPDATE conversations SET confidential_since = ?2, confidential_by_policy = ?3, message_lifetime = ?4 \
         WHERE id = ?1",
        params![
            conversation.to_string(),
            state.map(|on| on.since),
            i64::from(state.is_some_and(|on| on.by_policy)),
            lifetime
        ],
    )?;
    Ok(())
}

fn member_name(conn: &Connection, member: MemberId) -> StoreResult<String> {
    Ok(conn.query_row("SELECT name FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))?)
}

/// Posts a notice into a conversation in the name of `sender`, with its change-feed row.
fn post_notice(
    conn: &Connection,
    conversation: ConversationId,
    sender: MemberId,
    notice: &Notice,
    now: Millis,
) -> StoreResult<()> {
    let fallback = match notice {
        Notice::ScreenshotSuspected { name, .. } => format!("{name} 可能截屏了 · {name} may have taken a screenshot"),
        Notice::ConfidentialChanged { name, enabled: true, .. } => {
            format!("{name} 开启了保密会话 · {name} made this conversation confidential")
        }
        Notice::ConfidentialChanged { name, enabled: false, .. } => {
            format!("{name} 关闭了保密会话 · {name} made this conversation no longer confidential")
        }
    };
    super::post_card(conn, conversation, sender, &fallback, &MessageCard::Notice(notice.clone()), now)
}

/// Members of the listed departments and of every department under them.
fn members_under(conn: &Connection, departments: &[DepartmentId]) -> StoreResult<HashSet<String>> {
    if departments.is_empty() {
        return Ok(HashSet::new());
    }
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, parent_id FROM departments")?;
    for row in stmt.query_map((), |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))? {
        let (id, parent) = row?;
        if let Some(parent) = parent {
            children.entry(parent).or_default().push(id);
        }
    }
    drop(stmt);
    let mut under: HashSet<String> = HashSet::new();
    let mut stack: Vec<String> = departments.iter().map(|d| d.0.clone()).collect();
    while let Some(department) = stack.pop() {
        if under.insert(department.clone()) {
            stack.extend(children.get(&department).into_iter().flatten().cloned());
        }
    }
    let mut members = HashSet::new();
    let mut stmt = conn.prepare_cached("SELECT member_id, department_id FROM member_departments")?;
    for row in stmt.query_map((), |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))? {
        let (member, department) = row?;
        if under.contains(&department) {
            members.insert(member);
        }
    }
    Ok(members)
}

/// Whether the policy makes this conversation confidential: a direct chat with a listed member,
/// or a group whose owner is one.
fn policy_covers(conn: &Connection, conversation: ConversationId, covered: &HashSet<String>) -> StoreResult<bool> {
    let facts = facts(conn, conversation)?;
    Ok(match facts.kind {
        weft_protocol::chat::ConversationKind::Direct => {
            facts.participants.iter().any(|member| covered.contains(&member.to_string()))
        }
        weft_protocol::chat::ConversationKind::Group => covered.contains(&facts.owner.to_string()),
        weft_protocol::chat::ConversationKind::Approvals | weft_protocol::chat::ConversationKind::App => false,
    })
}

/// Turns the policy's confidentiality on for one conversation (never off one a person set).
/// Returns whether anything changed.
fn enforce(
    conn: &Connection,
    conversation: ConversationId,
    policy: &ConfidentialPolicy,
    covered: &HashSet<String>,
    now: Millis,
) -> StoreResult<bool> {
    let current = confidentiality(conn, conversation)?;
    let wanted = policy_covers(conn, conversation, covered)?;
    let next = match (current, wanted) {
        (None, true) => Some(Confidentiality {
            since: now,
            by_policy: true,
            lifetime: policy.default_lifetime,
            offline_copy: policy.offline_copy,
        }),
        (Some(on), false) if on.by_policy => None,
        _ => return Ok(false),
    };
    save_setting(conn, conversation, next)?;
    record(conn, conversation, None, &StoredChange::Conversation, now)?;
    Ok(true)
}

/// Enforces `policy` on every direct chat and group; returns who must hear of the changes.
fn enforce_everywhere(conn: &Connection, policy: &ConfidentialPolicy, now: Millis) -> StoreResult<Recipients> {
    let covered = members_under(conn, &policy.departments)?;
    let mut stmt = conn.prepare_cached("SELECT id FROM conversations WHERE kind IN ('direct', 'group')")?;
    let ids: Vec<ConversationId> =
        stmt.query_map((), |row| Ok(ConversationId(uuid_at(row, 0)?)))?.collect::<Result<_, _>>()?;
    drop(stmt);
    let mut recipients = Vec::new();
    for id in ids {
        if enforce(conn, id, policy, &covered, now)? {
            recipients.extend(participant_ids(conn, id)?);
        }
    }
    recipients.sort();
    recipients.dedup();
    Ok(recipients)
}

impl ConfidentialStore for SqlStore {
    fn set_confidential(
        &self,
        conversation: ConversationId,
        actor_id: MemberId,
        settings: ConfidentialSettings,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let problems = rules::lifetime_problems(settings.lifetime);
        if !problems.is_empty() {
            return Err(StoreError::Problems(problems));
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let facts = facts(&tx, conversation)?;
        let current = confidentiality(&tx, conversation)?;
        let offline_copy = policy(&tx)?.offline_copy;
        let who = actor(&tx, actor_id)?;
        let change = rules::change_setting(&facts, current, &who, settings, offline_copy, now)?;
        let enabled = match change {
            SettingChange::Unchanged => return Ok(Vec::new()),
            SettingChange::On(state) => {
                save_setting(&tx, conversation, Some(state))?;
                true
            }
            SettingChange::Off => {
                save_setting(&tx, conversation, None)?;
                false
            }
        };
        record(&tx, conversation, None, &StoredChange::Conversation, now)?;
        if current.is_some() != enabled {
            let name = member_name(&tx, actor_id)?;
            post_notice(
                &tx,
                conversation,
                actor_id,
                &Notice::ConfidentialChanged { member_id: actor_id, name, enabled },
                now,
            )?;
        }
        tx.commit()?;
        Ok(facts.participants)
    }

    fn report_deterrent(
        &self,
        conversation: ConversationId,
        actor_id: MemberId,
        kind: DeterrentKind,
        now: Millis,
    ) -> StoreResult<DeterrentOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let facts = facts(&tx, conversation)?;
        let who = actor(&tx, actor_id)?;
        rules::may_report(&facts, confidentiality(&tx, conversation)?, &who)?;
        let title: String = tx.query_row(
            "SELECT CASE c.kind WHEN 'direct' THEN COALESCE((SELECT m.name FROM participants p \
               JOIN members m ON m.id = p.member_id WHERE p.conversation_id = c.id AND p.member_id <> ?2 LIMIT 1), c.name) \
             ELSE c.name END FROM conversations c WHERE c.id = ?1",
            params![conversation.to_string(), actor_id.to_string()],
            |row| row.get(0),
        )?;
        let recipients = if kind == DeterrentKind::ScreenshotShortcut {
            let name = member_name(&tx, actor_id)?;
            post_notice(&tx, conversation, actor_id, &Notice::ScreenshotSuspected { member_id: actor_id, name }, now)?;
            facts.participants
        } else {
            Vec::new()
        };
        tx.commit()?;
        Ok(DeterrentOutcome { recipients, title })
    }

    fn confidential_policy(&self) -> StoreResult<ConfidentialPolicy> {
        policy(&self.read())
    }

    fn set_confidential_policy(&self, new: &ConfidentialPolicy, now: Millis) -> StoreResult<Recipients> {
        if let Some(Err(message)) = new.default_lifetime.map(MessageLifetime::validate) {
            return Err(StoreError::Invalid(format!("default_{message}")));
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for department in &new.departments {
            let known: Option<i64> = tx
                .query_row("SELECT 1 FROM departments WHERE id = ?1", [department.0.as_str()], |row| row.get(0))
                .optional()?;
            if known.is_none() {
                return Err(StoreError::Invalid(format!("departments: no department {}", department.0)));
            }
        }
        let json = serde_json::to_string(new).map_err(|err| corrupt(&err.to_string()))?;
        tx.execute(
            "INSERT INTO workspace_settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![POLICY_KEY, json, now],
        )?;
        let recipients = enforce_everywhere(&tx, new, now)?;
        tx.commit()?;
        Ok(recipients)
    }

    fn reapply_confidential_policy(&self, now: Millis) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = policy(&tx)?;
        // With no department listed, nothing is confidential by policy (turning the last one
        // off already turned those off), and a directory change cannot alter that.
        if current.departments.is_empty() {
            return Ok(Vec::new());
        }
        let recipients = enforce_everywhere(&tx, &current, now)?;
        tx.commit()?;
        Ok(recipients)
    }

    fn apply_confidential_policy(&self, conversation: ConversationId, now: Millis) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = policy(&tx)?;
        if current.departments.is_empty() {
            return Ok(Vec::new());
        }
        let covered = members_under(&tx, &current.departments)?;
        if !enforce(&tx, conversation, &current, &covered, now)? {
            return Ok(Vec::new());
        }
        let recipients = participant_ids(&tx, conversation)?;
        tx.commit()?;
        Ok(recipients)
    }

    fn forward_message(
        &self,
        from: ConversationId,
        seq: u64,
        actor_id: MemberId,
        to: &[ConversationId],
        client_id: ClientId,
        now: Millis,
    ) -> StoreResult<(Vec<Message>, Recipients)> {
        if to.is_empty() || to.len() > weft_protocol::confidential::MAX_FORWARD_TARGETS {
            return Err(StoreError::Invalid(format!(
                "to: between 1 and {} conversations",
                weft_protocol::confidential::MAX_FORWARD_TARGETS
            )));
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        require_participant(&facts(&tx, from)?, actor_id)?;
        rules::may_forward(confidentiality(&tx, from)?)?;
        let source = message_by_seq(&tx, from, seq)?.ok_or(StoreError::NotFound("message"))?;
        if source.recalled || source.card.is_some() {
            return Err(StoreError::Invalid("seq: recalled messages, cards and notices are not forwarded".into()));
        }
        let sender = actor(&tx, actor_id)?;
        let mut copies = Vec::with_capacity(to.len());
        let mut recipients = Vec::new();
        for target in to {
            // One client id per target, the same on every retry.
            let copy_client = copy_client_id(client_id, *target);
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM messages WHERE sender_id = ?1 AND client_id = ?2",
                    params![actor_id.to_string(), copy_client.to_string()],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(existing) = existing {
                copies.extend(message_by_seq(&tx, *target, u64::try_from(existing).unwrap_or(0))?);
                continue;
            }
            let target_facts = facts(&tx, *target)?;
            send(&target_facts, &sender, None, Mentions { members: &[], all: false })?;
            let copy_seq: i64 = tx.query_row(
                "UPDATE conversations SET last_seq = last_seq + 1, updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END WHERE id = ?1 RETURNING last_seq",
                params![target.to_string(), now],
                |row| row.get(0),
            )?;
            let expires_at = rules::expiry_at_send(lifetime(&tx, *target)?, now);
            tx.execute(
                "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at, attachment_id, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    MessageId(Uuid::now_v7()).to_string(),
                    target.to_string(),
                    copy_seq,
                    actor_id.to_string(),
                    copy_client.to_string(),
                    source.text.as_str(),
                    now,
                    source.attachment.as_ref().map(|a| a.id.to_string()),
                    expires_at
                ],
            )?;
            let copy_seq = u64::try_from(copy_seq).unwrap_or(0);
            tx.execute(
                "INSERT INTO read_positions (conversation_id, member_id, seq) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (conversation_id, member_id) DO UPDATE SET seq = CASE WHEN read_positions.seq > excluded.seq THEN read_positions.seq ELSE excluded.seq END",
                params![target.to_string(), actor_id.to_string(), to_sql_seq(copy_seq)],
            )?;
            record(&tx, *target, None, &StoredChange::Message { seq: copy_seq }, now)?;
            copies.extend(message_by_seq(&tx, *target, copy_seq)?);
            recipients.extend(target_facts.participants);
        }
        tx.commit()?;
        recipients.sort();
        recipients.dedup();
        Ok((copies, recipients))
    }

    fn expire_due(&self, now: Millis) -> StoreResult<Expired> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut stmt = tx.prepare_cached(
            "SELECT conversation_id, seq, attachment_id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?1 \
             ORDER BY expires_at LIMIT 500",
        )?;
        let due: Vec<(ConversationId, u64, Option<String>)> = stmt
            .query_map([now], |row| Ok((ConversationId(uuid_at(row, 0)?), seq_at(row, 1)?, row.get(2)?)))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        if due.is_empty() {
            return Ok(Expired::default());
        }
        let mut conversations = Vec::new();
        let mut files = Vec::new();
        for (conversation, seq, attachment) in due {
            tx.execute(
                "DELETE FROM messages WHERE conversation_id = ?1 AND seq = ?2",
                params![conversation.to_string(), to_sql_seq(seq)],
            )?;
            record(&tx, conversation, None, &StoredChange::Expired { seq }, now)?;
            if !conversations.contains(&conversation) {
                conversations.push(conversation);
            }
            files.extend(attachment);
        }
        let mut orphaned_blobs = Vec::new();
        for file in files {
            super::attachments::drop_if_unused(&tx, &file, &mut orphaned_blobs)?;
        }
        let mut recipients = Vec::new();
        for conversation in conversations {
            recipients.extend(participant_ids(&tx, conversation)?);
        }
        tx.commit()?;
        recipients.sort();
        recipients.dedup();
        Ok(Expired { recipients, orphaned_blobs })
    }

    fn watermark_mark(&self, session: SessionId, member: MemberId, now: Millis) -> StoreResult<(u32, Millis)> {
        let hour = now.div_euclid(HOUR_MS);
        let conn = self.conn();
        loop {
            let existing: Option<(i64, Millis)> = conn
                .query_row(
                    "SELECT mark, issued_at FROM watermark_marks WHERE session_id = ?1 AND hour = ?2",
                    params![session.to_string(), hour],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            if let Some((mark, issued_at)) = existing {
                return Ok((u32::try_from(mark).map_err(|err| corrupt(&err.to_string()))?, issued_at));
            }
            // Random, so a mark says nothing by itself; a clash with an earlier mark is retried.
            let mark = (Uuid::new_v4().as_u128() & 0xFFFF_FFFF) as u32;
            let inserted = conn.execute(
                "INSERT INTO watermark_marks (mark, session_id, member_id, hour, issued_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT DO NOTHING",
                params![i64::from(mark), session.to_string(), member.to_string(), hour, now],
            )?;
            if inserted == 1 {
                return Ok((mark, now));
            }
        }
    }

    fn watermark_owner(&self, mark: u32) -> StoreResult<Option<WatermarkOwner>> {
        let conn = self.read();
        Ok(conn
            .query_row(
                "SELECT w.member_id, m.name, m.userid, w.session_id, w.issued_at FROM watermark_marks w \
                 JOIN members m ON m.id = w.member_id WHERE w.mark = ?1",
                [i64::from(mark)],
                |row| {
                    Ok(WatermarkOwner {
                        mark,
                        member_id: MemberId(uuid_at(row, 0)?),
                        name: row.get(1)?,
                        userid: row.get(2)?,
                        session_id: SessionId(uuid_at(row, 3)?),
                        issued_at: row.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn attachment_is_confidential(&self, attachment: AttachmentId, viewer: MemberId) -> StoreResult<bool> {
        let conn = self.read();
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM messages msg JOIN conversations c ON c.id = msg.conversation_id \
                 JOIN participants p ON p.conversation_id = c.id AND p.member_id = ?2 \
                 WHERE msg.attachment_id = ?1 AND c.confidential_since IS NOT NULL LIMIT 1",
                params![attachment.to_string(), viewer.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }
}

/// The client id of a forwarded copy: derived from the request's and the target's, so a retry
/// finds the copies it already made.
fn copy_client_id(client_id: ClientId, target: ConversationId) -> ClientId {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(client_id.0.as_bytes()).chain_update(target.0.as_bytes()).finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    ClientId(uuid::Builder::from_random_bytes(bytes).into_uuid())
}

/// Starts the lifetime clocks of messages the reader just read (others' messages, counted from
/// the first reading) and records them again so devices learn when they go. Runs inside
/// `mark_read`'s transaction.
pub(super) fn start_read_clocks(
    conn: &Connection,
    conversation: ConversationId,
    reader: MemberId,
    after: i64,
    up_to: i64,
    now: Millis,
) -> StoreResult<()> {
    let Some(expires_at) = rules::expiry_at_first_read(lifetime(conn, conversation)?, now) else { return Ok(()) };
    let mut stmt = conn.prepare_cached(
        "UPDATE messages SET expires_at = ?5 WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3 \
         AND sender_id <> ?4 AND expires_at IS NULL AND card IS NULL RETURNING seq",
    )?;
    let started: Vec<u64> = stmt
        .query_map(params![conversation.to_string(), after, up_to, reader.to_string(), expires_at], |row| {
            seq_at(row, 0)
        })?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    for seq in started {
        record(conn, conversation, None, &StoredChange::Message { seq }, now)?;
    }
    Ok(())
}
