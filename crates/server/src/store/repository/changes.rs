//! The change feed in SQLite: one `changes` table with a global, increasing position. A member's
//! feed is the changes of conversations they take part in now, the directory's changes (no
//! conversation, no addressee), plus changes addressed to them (e.g. "you were removed", or a
//! directory correction after a visibility rule narrowed). Changes are rendered for the viewer
//! when pulled, so a replayed change always shows the current state (a recalled message stays
//! recalled; a member the viewer may no longer see is not shown).
//!
//! Directory changes render by the current state: a member change shows the card when the viewer
//! may see the member now; otherwise a change addressed to the viewer (recorded only for viewers
//! who could see the member before) becomes a removal, and one for everybody becomes nothing.

use super::conversations::summaries;
use super::directory::{DirectoryView, Facts};
use super::{SqlStore, message_by_seq, seq_at, to_sql_seq};
use crate::store::sql::{Connection, Later, OptionalExtension, params};
use crate::store::{ChangeFeed, StoreError, StoreResult};
use serde::{Deserialize, Serialize};
use weft_protocol::sync::{Change, ChangeEnvelope, PullResponse};
use weft_protocol::{ApprovalId, ConversationId, DepartmentId, MemberId, Millis};

/// What a stored change refers to; the rest is read when the change is pulled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum StoredChange {
    Message {
        seq: u64,
    },
    Recalled {
        seq: u64,
    },
    /// The message's lifetime ended: it is deleted.
    Expired {
        seq: u64,
    },
    Conversation,
    Removed,
    Read {
        member_id: MemberId,
        seq: u64,
    },
    /// A member's card changed (to everyone), or became visible (addressed).
    DirMember {
        member_id: MemberId,
    },
    /// Addressed: the viewer may no longer see the member.
    DirMemberRemoved {
        member_id: MemberId,
    },
    DirDepartment {
        department_id: DepartmentId,
    },
    DirDepartmentRemoved {
        department_id: DepartmentId,
    },
    /// Addressed: too much changed for the viewer; re-download the directory.
    DirReset,
    /// Addressed: an approval request the member may read was submitted or acted on.
    Approval {
        request_id: ApprovalId,
    },
}

/// Appends a change inside the caller's transaction; returns its position.
pub(super) fn record(
    conn: &Connection,
    conversation: ConversationId,
    target: Option<MemberId>,
    change: &StoredChange,
    now: Millis,
) -> StoreResult<u64> {
    position_from(record_later(conn, conversation, target, change, now)?)
}

/// [`record`], sent with the next statement that waits (`Connection::query_later`); its
/// position is read with [`position_from`].
pub(super) fn record_later<'c>(
    conn: &'c Connection,
    conversation: ConversationId,
    target: Option<MemberId>,
    change: &StoredChange,
    now: Millis,
) -> StoreResult<Later<'c>> {
    let payload = serde_json::to_string(change).map_err(|err| super::corrupt(&err.to_string()))?;
    Ok(conn.query_later(
        "INSERT INTO changes (conversation_id, target_member_id, kind, payload, created_at) \
         VALUES (?1, ?2, 'v1', ?3, ?4) RETURNING position",
        params![conversation.to_string(), target.map(|t| t.to_string()), payload, now],
    )?)
}

/// A feed position read from a one-column answer (`RETURNING position`, `MAX(position)`; 0 for
/// none).
pub(super) fn position_from(found: Later<'_>) -> StoreResult<u64> {
    let position: Option<i64> = found.row(|row| row.get(0)).optional()?.flatten();
    Ok(position.map_or(0, |p| u64::try_from(p).unwrap_or(0)))
}

/// The feed's newest position (0 when empty).
pub(super) fn head(conn: &Connection) -> StoreResult<u64> {
    position_from(head_later(conn)?)
}

/// [`head`], asked now and read with [`position_from`].
pub(super) fn head_later(conn: &Connection) -> StoreResult<Later<'_>> {
    Ok(conn.query_later("SELECT MAX(position) FROM changes", ())?)
}

/// Appends a directory change inside the caller's transaction: for everyone (`target: None`) or
/// addressed to one member.
pub(super) fn record_directory(
    conn: &Connection,
    target: Option<MemberId>,
    change: &StoredChange,
    now: Millis,
) -> StoreResult<()> {
    let payload = serde_json::to_string(change).map_err(|err| super::corrupt(&err.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO changes (conversation_id, target_member_id, kind, payload, created_at) VALUES (NULL, ?1, 'v1', ?2, ?3)",
    )?
    .execute(params![target.map(|t| t.to_string()), payload, now])?;
    Ok(())
}

/// Appends a change addressed to one member (no conversation) inside the caller's transaction.
pub(super) fn record_addressed(
    conn: &Connection,
    target: MemberId,
    change: &StoredChange,
    now: Millis,
) -> StoreResult<()> {
    record_directory(conn, Some(target), change, now)
}

/// Renders a directory change for the viewer (see the module doc).
fn render_directory(
    conn: &Connection,
    view: &mut DirectoryView,
    addressed: bool,
    stored: StoredChange,
) -> StoreResult<Option<Change>> {
    Ok(match stored {
        StoredChange::DirMember { member_id } | StoredChange::DirMemberRemoved { member_id } => {
            let removal = matches!(stored, StoredChange::DirMemberRemoved { .. });
            match view.member(conn, member_id)? {
                Some(member) => Some(Change::Member { member }),
                None if addressed || removal => Some(Change::MemberRemoved { member_id }),
                None => None,
            }
        }
        StoredChange::DirDepartment { ref department_id }
        | StoredChange::DirDepartmentRemoved { ref department_id } => {
            let removal = matches!(stored, StoredChange::DirDepartmentRemoved { .. });
            match view.department(conn, department_id)? {
                Some(department) => Some(Change::Department { department }),
                None if addressed || removal => {
                    Some(Change::DepartmentRemoved { department_id: department_id.clone() })
                }
                None => None,
            }
        }
        StoredChange::DirReset => Some(Change::DirectoryReset),
        _ => None,
    })
}

fn is_directory(stored: &StoredChange) -> bool {
    matches!(
        stored,
        StoredChange::DirMember { .. }
            | StoredChange::DirMemberRemoved { .. }
            | StoredChange::DirDepartment { .. }
            | StoredChange::DirDepartmentRemoved { .. }
            | StoredChange::DirReset
    )
}

fn render(
    conn: &Connection,
    viewer: MemberId,
    conversation: ConversationId,
    stored: StoredChange,
) -> StoreResult<Option<Change>> {
    Ok(match stored {
        StoredChange::Message { seq } => {
            message_by_seq(conn, conversation, seq)?.map(|message| Change::Message { message })
        }
        StoredChange::Recalled { seq } => Some(Change::Recalled { conversation_id: conversation, seq }),
        StoredChange::Expired { seq } => Some(Change::Expired { conversation_id: conversation, seq }),
        StoredChange::Conversation => summaries(conn, viewer, Some(conversation))?
            .into_iter()
            .next()
            .map(|summary| Change::Conversation { summary }),
        StoredChange::Removed => Some(Change::Removed { conversation_id: conversation }),
        StoredChange::Read { member_id, seq } => Some(Change::Read { conversation_id: conversation, member_id, seq }),
        _ => None,
    })
}

/// The member's changes after `after` (at most `limit`), rendered for them.
fn pull_page(conn: &Connection, member: MemberId, after: u64, limit: u32) -> StoreResult<PullResponse> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.position, c.conversation_id, c.target_member_id IS NOT NULL, c.payload FROM changes c \
         WHERE c.position > ?1 AND ( \
           c.target_member_id = ?2 OR (c.target_member_id IS NULL AND (c.conversation_id IS NULL OR c.conversation_id IN \
             (SELECT conversation_id FROM participants WHERE member_id = ?2)))) \
         ORDER BY c.position LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![to_sql_seq(after), member.to_string(), i64::from(limit) + 1], |row| {
        Ok((seq_at(row, 0)?, row.get::<_, Option<String>>(1)?, row.get::<_, bool>(2)?, row.get::<_, String>(3)?))
    })?;
    let mut rows: Vec<(u64, Option<String>, bool, String)> = rows.collect::<Result<_, _>>()?;
    drop(stmt);
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let cursor = rows.last().map_or(after, |(position, ..)| *position);
    let mut changes = Vec::with_capacity(rows.len());
    // The viewer's directory facts, loaded at the first directory change of the page.
    let mut view: Option<DirectoryView> = None;
    for (position, conversation, addressed, payload) in rows {
        let stored: StoredChange = serde_json::from_str(&payload).map_err(|err| super::corrupt(&err.to_string()))?;
        let change = if let StoredChange::Approval { request_id } = stored {
            // Rendered by the current state, and only while the viewer may read the request.
            super::approvals::summary_for(conn, member, request_id)?.map(|request| Change::Approval { request })
        } else if is_directory(&stored) {
            if view.is_none() {
                view = match DirectoryView::new(conn, member, Facts::Only(&[])) {
                    Ok(view) => Some(view),
                    // A member no longer in the directory has nothing to hear of it.
                    Err(StoreError::NotFound(_)) => continue,
                    Err(other) => return Err(other),
                };
            }
            match view.as_mut() {
                Some(view) => render_directory(conn, view, addressed, stored)?,
                None => None,
            }
        } else {
            let Some(conversation) = conversation.and_then(|c| c.parse::<ConversationId>().ok()) else {
                continue;
            };
            render(conn, member, conversation, stored)?
        };
        if let Some(change) = change {
            changes.push(ChangeEnvelope { position, change });
        }
    }
    Ok(PullResponse { changes, cursor, has_more })
}

impl ChangeFeed for SqlStore {
    fn pull(&self, member: MemberId, after: u64, limit: u32) -> StoreResult<PullResponse> {
        let reader = self.read();
        // One read transaction: the page is rendered from the state it was selected in.
        let conn = reader.unchecked_transaction()?;
        pull_page(&conn, member, after, limit)
    }

    fn pull_with_head(&self, member: MemberId, after: u64, limit: u32) -> StoreResult<(PullResponse, u64)> {
        let reader = self.read();
        let conn = reader.unchecked_transaction()?;
        Ok((pull_page(&conn, member, after, limit)?, head(&conn)?))
    }

    fn current_position(&self) -> StoreResult<u64> {
        head(&self.read())
    }

    fn set_feed_listener(&self, listener: std::sync::Arc<dyn crate::store::FeedListener>) {
        self.set_listener(listener);
    }
}
