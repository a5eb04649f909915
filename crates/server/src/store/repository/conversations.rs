//! Conversations and participation in SQLite. The rules (who may rename, add, remove, hand over,
//! leave; the kinds; group size) are the domain's (`crate::domain::conversations::rules`): this
//! module loads the conversation's facts and the candidates' directory status, asks the rules,
//! and writes the result with its change-feed rows in one transaction.

use super::approvals::actor;
use super::changes::{StoredChange, record};
use super::directory::{DirectoryView, Facts};
use super::{SqlStore, message_by_seq, seq_at, unique_violation, uuid_at};
use crate::domain::conversations::rules::{self, Candidate, ConversationFacts};
use crate::store::sql::{Connection, Later, OptionalExtension, params};
use crate::store::{ConversationStore, Limits, Recipients, StoreError, StoreResult};
use std::str::FromStr;
use uuid::Uuid;
use weft_protocol::chat::{
    ConversationDetail, ConversationKind, ConversationSummary, Participant, validate_group_name,
};
use weft_protocol::{ClientId, ConversationId, ConversationRefusal, MemberId, Millis};

fn kind_name(kind: ConversationKind) -> &'static str {
    match kind {
        ConversationKind::Direct => "direct",
        ConversationKind::Group => "group",
        ConversationKind::Approvals => "approvals",
        ConversationKind::App => "app",
    }
}

/// A conversation's title as `?1` (the viewer) sees it: a group's name, or the other person's
/// name in a direct chat. The one place this rule lives; `c` is the conversation.
const TITLE_FOR_VIEWER: &str = "CASE c.kind WHEN 'direct' THEN COALESCE( \
       (SELECT m.name FROM participants p3 JOIN members m ON m.id = p3.member_id \
          WHERE p3.conversation_id = c.id AND p3.member_id <> ?1 LIMIT 1), c.name) \
     ELSE c.name END";

/// Titles of the viewer's conversations, without the cost of full summaries.
pub(super) fn titles(
    conn: &Connection,
    viewer: MemberId,
) -> StoreResult<std::collections::HashMap<ConversationId, String>> {
    let sql = format!(
        "SELECT c.id, {TITLE_FOR_VIEWER} FROM conversations c \
         JOIN participants p ON p.conversation_id = c.id AND p.member_id = ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows =
        stmt.query_map([viewer.to_string()], |row| Ok((ConversationId(uuid_at(row, 0)?), row.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Summaries of the viewer's conversations (or just `only`), most recent first.
pub(super) fn summaries(
    conn: &Connection,
    viewer: MemberId,
    only: Option<ConversationId>,
) -> StoreResult<Vec<ConversationSummary>> {
    let sql = format!(
        "SELECT c.id, c.kind, c.name, c.owner_id, c.last_seq, c.updated_at, \
           (SELECT COUNT(*) FROM participants p2 WHERE p2.conversation_id = c.id), \
           {TITLE_FOR_VIEWER}, \
           COALESCE(r.seq, 0), \
           (SELECT COUNT(*) FROM messages um WHERE um.conversation_id = c.id AND um.seq > COALESCE(r.seq, 0) \
              AND (um.sender_id <> ?1 OR um.from_bot = 1) AND um.recalled_at IS NULL), \
           COALESCE(cp.muted, 0), COALESCE(cp.pinned, 0), \
           c.confidential_since, c.confidential_by_policy, c.message_lifetime \
         FROM conversations c JOIN participants p ON p.conversation_id = c.id AND p.member_id = ?1 \
         LEFT JOIN read_positions r ON r.conversation_id = c.id AND r.member_id = ?1 \
         LEFT JOIN conversation_prefs cp ON cp.conversation_id = c.id AND cp.member_id = ?1 \
         WHERE (CAST(?2 AS TEXT) IS NULL OR c.id = ?2) \
         ORDER BY COALESCE(cp.pinned, 0) DESC, c.updated_at DESC, c.id"
    );
    let offline_copy = super::confidential::policy(conn)?.offline_copy;
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![viewer.to_string(), only.map(|id| id.to_string())], |row| {
        let kind: String = row.get(1)?;
        let kind = kind_from(&kind);
        let count: i64 = row.get(6)?;
        let unread: i64 = row.get(9)?;
        Ok(ConversationSummary {
            id: ConversationId(uuid_at(row, 0)?),
            kind,
            title: row.get(7)?,
            owner_id: MemberId(uuid_at(row, 3)?),
            member_count: u32::try_from(count).unwrap_or(u32::MAX),
            last_seq: seq_at(row, 4)?,
            last_message: None,
            updated_at: row.get(5)?,
            read_seq: seq_at(row, 8)?,
            unread: u32::try_from(unread).unwrap_or(u32::MAX),
            muted: row.get::<_, i64>(10)? != 0,
            pinned: row.get::<_, i64>(11)? != 0,
            confidential: super::confidential::confidentiality_at(row, 12, offline_copy)?,
        })
    })?;
    let mut list: Vec<ConversationSummary> = rows.collect::<Result<_, _>>()?;
    drop(stmt);
    for summary in &mut list {
        if summary.last_seq > 0 {
            summary.last_message = message_by_seq(conn, summary.id, summary.last_seq)?;
        }
    }
    Ok(list)
}

const PARTICIPANT_IDS: &str =
    "SELECT member_id FROM participants WHERE conversation_id = ?1 ORDER BY joined_at, member_id";

pub(super) fn participant_ids(conn: &Connection, conversation: ConversationId) -> StoreResult<Vec<MemberId>> {
    let mut stmt = conn.prepare_cached(PARTICIPANT_IDS)?;
    let rows = stmt.query_map([conversation.to_string()], |row| Ok(MemberId(uuid_at(row, 0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn require_participant(
    conn: &Connection,
    conversation: ConversationId,
    member: MemberId,
) -> StoreResult<()> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM participants WHERE conversation_id = ?1 AND member_id = ?2",
            params![conversation.to_string(), member.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    found.map(|_| ()).ok_or(StoreError::NotFound("conversation"))
}

pub(super) fn kind_from(text: &str) -> ConversationKind {
    match text {
        "direct" => ConversationKind::Direct,
        "approvals" => ConversationKind::Approvals,
        "app" => ConversationKind::App,
        _ => ConversationKind::Group,
    }
}

/// The conversation as the rules see it: kind, owner and participants (longest-standing first);
/// `NotFound` when it does not exist.
pub(super) fn facts(conn: &Connection, conversation: ConversationId) -> StoreResult<ConversationFacts> {
    facts_later(conn, conversation)?.read()
}

/// [`facts`], asked now and read later, so that other questions travel with it
/// (`Connection::query_later`).
pub(super) struct FactsLater<'c> {
    conversation: Later<'c>,
    participants: Later<'c>,
}

pub(super) fn facts_later(conn: &Connection, conversation: ConversationId) -> StoreResult<FactsLater<'_>> {
    Ok(FactsLater {
        conversation: conn
            .query_later("SELECT kind, owner_id FROM conversations WHERE id = ?1", [conversation.to_string()])?,
        participants: conn.query_later(PARTICIPANT_IDS, [conversation.to_string()])?,
    })
}

impl FactsLater<'_> {
    pub(super) fn read(self) -> StoreResult<ConversationFacts> {
        let found: Option<(String, String)> = self.conversation.row(|row| Ok((row.get(0)?, row.get(1)?))).optional()?;
        let participants = self.participants.rows(|row| Ok(MemberId(uuid_at(row, 0)?)))?;
        let (kind, owner) = found.ok_or(ConversationRefusal::NotFound)?;
        Ok(ConversationFacts {
            kind: kind_from(&kind),
            owner: MemberId::from_str(&owner).map_err(|err| super::corrupt(&err.to_string()))?,
            participants,
        })
    }
}

/// The members as `actor` may bring them into a conversation: active and visible to them.
pub(super) fn candidates(conn: &Connection, actor: MemberId, members: &[MemberId]) -> StoreResult<Vec<Candidate>> {
    let mut view = DirectoryView::new(conn, actor, Facts::Only(members))?;
    let mut found = Vec::with_capacity(members.len());
    for member in members {
        let status: Option<String> = conn
            .query_row("SELECT status FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))
            .optional()?;
        let addable = status.as_deref() == Some("active") && view.can_see(conn, *member)?;
        found.push(Candidate { id: *member, addable });
    }
    Ok(found)
}

pub(super) fn insert_participants(
    conn: &Connection,
    conversation: ConversationId,
    members: &[MemberId],
    now: Millis,
) -> StoreResult<()> {
    for member in members {
        conn.execute(
            "INSERT INTO participants (conversation_id, member_id, joined_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![conversation.to_string(), member.to_string(), now],
        )?;
    }
    Ok(())
}

/// The conversation of `kind` that `member` alone takes part in under `key` (their Approvals
/// conversation, their conversation with an app): made, and announced on their feed, the first
/// time; renamed to `name` when that changed.
pub(super) fn member_conversation(
    conn: &Connection,
    kind: ConversationKind,
    key: &str,
    name: &str,
    member: MemberId,
    now: Millis,
) -> StoreResult<ConversationId> {
    let existing = conn
        .query_row("SELECT id, name FROM conversations WHERE direct_key = ?1", [key], |row| {
            Ok((uuid_at(row, 0)?, row.get::<_, String>(1)?))
        })
        .optional()?;
    if let Some((id, stored)) = existing {
        let id = ConversationId(id);
        if stored != name {
            conn.execute("UPDATE conversations SET name = ?2 WHERE id = ?1", params![id.to_string(), name])?;
            record(conn, id, None, &StoredChange::Conversation, now)?;
        }
        return Ok(id);
    }
    let id = ConversationId(Uuid::now_v7());
    conn.execute(
        "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, direct_key) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        params![id.to_string(), kind_name(kind), name, member.to_string(), now, key],
    )?;
    insert_participants(conn, id, &[member], now)?;
    record(conn, id, None, &StoredChange::Conversation, now)?;
    Ok(id)
}

fn touch(conn: &Connection, conversation: ConversationId, now: Millis) -> StoreResult<()> {
    conn.execute(
        "UPDATE conversations SET updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END WHERE id = ?1",
        params![conversation.to_string(), now],
    )?;
    Ok(())
}

fn direct_key(a: MemberId, b: MemberId) -> String {
    let (low, high) = if a.to_string() <= b.to_string() { (a, b) } else { (b, a) };
    format!("{low}:{high}")
}

impl ConversationStore for SqlStore {
    fn seed_conversation(
        &self,
        id: ConversationId,
        kind: ConversationKind,
        name: &str,
        owner: MemberId,
        members: &[MemberId],
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let key = match (kind, members) {
            (ConversationKind::Direct, [a, b]) => Some(direct_key(*a, *b)),
            _ => None,
        };
        tx.execute(
            "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, direct_key) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            params![id.to_string(), kind_name(kind), name, owner.to_string(), now, key],
        )?;
        insert_participants(&tx, id, members, now)?;
        tx.commit()?;
        Ok(())
    }

    fn create_group(
        &self,
        creator: MemberId,
        client_id: ClientId,
        name: &str,
        members: &[MemberId],
        limits: Limits,
        now: Millis,
    ) -> StoreResult<(ConversationId, Recipients)> {
        validate_group_name(name).map_err(StoreError::Invalid)?;
        let everyone = rules::new_group_members(creator, members, limits.max_group_size)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT id FROM conversations WHERE owner_id = ?1 AND client_id = ?2",
                params![creator.to_string(), client_id.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            let id = ConversationId::from_str(&id).map_err(|err| super::corrupt(&err.to_string()))?;
            let recipients = participant_ids(&tx, id)?;
            return Ok((id, recipients));
        }
        rules::check_candidates(&candidates(&tx, creator, &everyone)?)?;
        let id = ConversationId(Uuid::now_v7());
        tx.execute(
            "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, client_id) VALUES (?1, 'group', ?2, ?3, ?4, ?4, ?5)",
            params![id.to_string(), name.trim(), creator.to_string(), now, client_id.to_string()],
        )?;
        insert_participants(&tx, id, &everyone, now)?;
        record(&tx, id, None, &StoredChange::Conversation, now)?;
        tx.commit()?;
        Ok((id, everyone))
    }

    fn open_direct(&self, me: MemberId, other: MemberId, now: Millis) -> StoreResult<(ConversationId, Recipients)> {
        rules::open_direct(me, other)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        rules::check_candidates(&candidates(&tx, me, &[other])?)?;
        let key = direct_key(me, other);
        let existing: Option<String> =
            tx.query_row("SELECT id FROM conversations WHERE direct_key = ?1", [&key], |row| row.get(0)).optional()?;
        if let Some(id) = existing {
            let id = ConversationId::from_str(&id).map_err(|err| super::corrupt(&err.to_string()))?;
            return Ok((id, Vec::new()));
        }
        let id = ConversationId(Uuid::now_v7());
        let inserted = tx.execute(
            "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, direct_key) VALUES (?1, 'direct', '', ?2, ?3, ?3, ?4)",
            params![id.to_string(), me.to_string(), now, key],
        );
        if let Err(err) = inserted {
            return Err(if unique_violation(&err) {
                StoreError::Conflict("the direct chat was just created; try again".into())
            } else {
                err.into()
            });
        }
        insert_participants(&tx, id, &[me, other], now)?;
        record(&tx, id, None, &StoredChange::Conversation, now)?;
        tx.commit()?;
        Ok((id, vec![me, other]))
    }

    fn conversations_of(&self, member: MemberId) -> StoreResult<Vec<ConversationSummary>> {
        summaries(&self.read(), member, None)
    }

    fn conversation_detail(&self, conversation: ConversationId, viewer: MemberId) -> StoreResult<ConversationDetail> {
        let conn = self.read();
        require_participant(&conn, conversation, viewer)?;
        let summary = summaries(&conn, viewer, Some(conversation))?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound("conversation"))?;
        let mut stmt = conn.prepare_cached(
            "SELECT m.id, m.name, m.alias, COALESCE(r.seq, 0) FROM participants p JOIN members m ON m.id = p.member_id \
             LEFT JOIN read_positions r ON r.conversation_id = p.conversation_id AND r.member_id = p.member_id \
             WHERE p.conversation_id = ?1 ORDER BY p.joined_at, m.userid",
        )?;
        let rows = stmt.query_map([conversation.to_string()], |row| {
            Ok(Participant {
                id: MemberId(uuid_at(row, 0)?),
                name: row.get(1)?,
                alias: row.get(2)?,
                read_seq: seq_at(row, 3)?,
            })
        })?;
        let participants = rows.collect::<Result<_, _>>()?;
        Ok(ConversationDetail { summary, participants })
    }

    fn is_participant(&self, conversation: ConversationId, member: MemberId) -> StoreResult<bool> {
        match require_participant(&self.read(), conversation, member) {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound(_)) => Ok(false),
            Err(other) => Err(other),
        }
    }

    fn participants(&self, conversation: ConversationId) -> StoreResult<Vec<MemberId>> {
        participant_ids(&self.read(), conversation)
    }

    fn rename_group(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        name: &str,
        now: Millis,
    ) -> StoreResult<Recipients> {
        validate_group_name(name).map_err(StoreError::Invalid)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        rules::rename(&facts(&tx, conversation)?, &self::actor(&tx, actor)?)?;
        tx.execute("UPDATE conversations SET name = ?2 WHERE id = ?1", params![conversation.to_string(), name.trim()])?;
        touch(&tx, conversation, now)?;
        record(&tx, conversation, None, &StoredChange::Conversation, now)?;
        let recipients = participant_ids(&tx, conversation)?;
        tx.commit()?;
        Ok(recipients)
    }

    fn add_members(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        members: &[MemberId],
        limits: Limits,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = facts(&tx, conversation)?;
        let who = self::actor(&tx, actor)?;
        let after = rules::add_members(&current, &who, &candidates(&tx, actor, members)?, limits.max_group_size)?;
        insert_participants(&tx, conversation, members, now)?;
        touch(&tx, conversation, now)?;
        record(&tx, conversation, None, &StoredChange::Conversation, now)?;
        tx.commit()?;
        Ok(after)
    }

    fn remove_member(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        member: MemberId,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removal = rules::remove_member(&facts(&tx, conversation)?, &self::actor(&tx, actor)?, member)?;
        tx.execute(
            "DELETE FROM participants WHERE conversation_id = ?1 AND member_id = ?2",
            params![conversation.to_string(), member.to_string()],
        )?;
        tx.execute(
            "DELETE FROM read_positions WHERE conversation_id = ?1 AND member_id = ?2",
            params![conversation.to_string(), member.to_string()],
        )?;
        if let Some(successor) = removal.new_owner {
            tx.execute(
                "UPDATE conversations SET owner_id = ?2 WHERE id = ?1",
                params![conversation.to_string(), successor.to_string()],
            )?;
        }
        let remaining = removal.remaining;
        touch(&tx, conversation, now)?;
        record(&tx, conversation, Some(member), &StoredChange::Removed, now)?;
        record(&tx, conversation, None, &StoredChange::Conversation, now)?;
        tx.commit()?;
        Ok(remaining.into_iter().chain(std::iter::once(member)).collect())
    }

    fn set_prefs(
        &self,
        conversation: ConversationId,
        member: MemberId,
        muted: bool,
        pinned: bool,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        require_participant(&tx, conversation, member)?;
        tx.execute(
            "INSERT INTO conversation_prefs (conversation_id, member_id, muted, pinned) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (conversation_id, member_id) DO UPDATE SET muted = excluded.muted, pinned = excluded.pinned",
            params![conversation.to_string(), member.to_string(), i64::from(muted), i64::from(pinned)],
        )?;
        record(&tx, conversation, Some(member), &StoredChange::Conversation, now)?;
        tx.commit()?;
        Ok(vec![member])
    }

    fn transfer_owner(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        new_owner: MemberId,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        rules::transfer_owner(&facts(&tx, conversation)?, &self::actor(&tx, actor)?, new_owner)?;
        tx.execute(
            "UPDATE conversations SET owner_id = ?2 WHERE id = ?1",
            params![conversation.to_string(), new_owner.to_string()],
        )?;
        touch(&tx, conversation, now)?;
        record(&tx, conversation, None, &StoredChange::Conversation, now)?;
        let recipients = participant_ids(&tx, conversation)?;
        tx.commit()?;
        Ok(recipients)
    }
}
