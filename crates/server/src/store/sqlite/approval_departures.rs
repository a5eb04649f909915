//! When an approver is disabled or deleted, requests in review must not wait on them forever.
//! In the same transaction as the status change, each undecided place of theirs in a step that
//! has not finished is removed: a step left with nobody goes to the template's fallback approver
//! (or, when that is the member who left or is not active, the longest-standing active
//! administrator) and is marked as a fallback; a current step whose other approvers have all
//! approved ("all must approve") is approved and the request moves on. Every such change is an
//! audit entry (`reassigned`, by the administrator, saying what happened), readers hear of it on
//! the feed, and whoever the request now waits on gets a card.

use super::approval_cards::{Before, card_of, post, post_cards};
use super::approvals::{Audit, advance, detail, record_action, request_row};
use super::uuid_at;
use crate::store::StoreResult;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;
use weft_protocol::approval::{AuditAction, CardEvent, RequestStatus};
use weft_protocol::{ApprovalId, ClientId, MemberId, Millis};

/// Releases `departed`'s undecided places in requests in review. (The status change that calls
/// this is a directory write, which wakes every live socket, so the readers hear of it.)
pub(super) fn release_departed_approver(
    conn: &Connection,
    departed: MemberId,
    actor: MemberId,
    now: Millis,
) -> StoreResult<()> {
    let places: Vec<(ApprovalId, u32)> = conn
        .prepare(
            "SELECT a.request_id, a.step FROM approval_approvers a \
             JOIN approval_steps s ON s.request_id = a.request_id AND s.step = a.step \
             JOIN approval_requests r ON r.id = a.request_id \
             WHERE a.member_id = ?1 AND a.decision IS NULL AND r.status = 1 AND s.status IN ('active', 'waiting') \
             ORDER BY a.request_id, a.step",
        )?
        .query_map([departed.to_string()], |row| Ok((ApprovalId(uuid_at(row, 0)?), row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let name = member_name(conn, departed)?;
    for (id, step) in places {
        release_place(conn, Place { id, step, departed, name: &name }, actor, now)?;
    }
    Ok(())
}

/// One undecided place of the member who left.
struct Place<'a> {
    id: ApprovalId,
    step: u32,
    departed: MemberId,
    name: &'a str,
}

fn release_place(conn: &Connection, place: Place<'_>, actor: MemberId, now: Millis) -> StoreResult<()> {
    let Place { id, step, departed, name } = place;
    let Some(row) = request_row(conn, id)? else { return Ok(()) };
    let before: Before = Some((row.status, row.current_step));
    let key = id.to_string();
    conn.execute(
        "DELETE FROM approval_approvers WHERE request_id = ?1 AND step = ?2 AND member_id = ?3 AND decision IS NULL",
        params![key, step, departed.to_string()],
    )?;
    let (left, undecided): (i64, i64) = conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE decision IS NULL) FROM approval_approvers \
         WHERE request_id = ?1 AND step = ?2",
        params![key, step],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let current = row.current_step == Some(step);
    let mut stand_in = None;
    let comment = if left == 0 {
        let fallback = fallback_for(conn, id, departed)?;
        conn.execute(
            "INSERT INTO approval_approvers (request_id, step, member_id, sort) VALUES (?1, ?2, ?3, 0)",
            params![key, step, fallback.to_string()],
        )?;
        conn.execute("UPDATE approval_steps SET fallback = 1 WHERE request_id = ?1 AND step = ?2", params![key, step])?;
        stand_in = Some(fallback);
        format!("{name} left; step {} goes to {}", step + 1, member_name(conn, fallback)?)
    } else if current && undecided == 0 {
        // Everyone else in this "all must approve" step approved already.
        conn.execute(
            "UPDATE approval_steps SET status = 'approved' WHERE request_id = ?1 AND step = ?2",
            params![key, step],
        )?;
        advance(conn, id, step + 1)?;
        format!("{name} left; step {} is approved by the others", step + 1)
    } else {
        format!("{name} left step {}; the other approvers decide it", step + 1)
    };
    let audit = Audit {
        id,
        actor,
        client_id: ClientId(Uuid::now_v7()),
        action: AuditAction::Reassigned,
        step: Some(step),
        comment: &comment,
    };
    record_action(conn, audit, now)?;
    let after = detail(conn, id)?;
    post_cards(conn, &after, before, actor, now)?;
    if let Some(fallback) = stand_in
        && current
        && after.request.status == RequestStatus::InReview
    {
        post(conn, fallback, after.request.applicant_id, &card_of(&after, CardEvent::AwaitingYou { step }), now)?;
    }
    Ok(())
}

/// Who takes a step nobody is left to decide: the template version's fallback approver when
/// active and not the member who left, else the longest-standing active administrator.
fn fallback_for(conn: &Connection, id: ApprovalId, departed: MemberId) -> StoreResult<MemberId> {
    let named: Option<String> = conn
        .query_row(
            "SELECT json_extract(v.spec, '$.chain.fallback_approver') FROM approval_requests r \
             JOIN approval_template_versions v ON v.template_id = r.template_id AND v.version = r.template_version \
             WHERE r.id = ?1",
            [id.to_string()],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    if let Some(named) = named
        && named != departed.to_string()
    {
        let active = conn
            .query_row("SELECT id FROM members WHERE id = ?1 AND status = 'active'", [&named], |row| uuid_at(row, 0))
            .optional()?;
        if let Some(active) = active {
            return Ok(MemberId(active));
        }
    }
    let admin = conn.query_row(
        "SELECT id FROM members WHERE role = 'admin' AND status = 'active' AND id <> ?1 ORDER BY rowid LIMIT 1",
        [departed.to_string()],
        |row| uuid_at(row, 0),
    )?;
    Ok(MemberId(admin))
}

fn member_name(conn: &Connection, member: MemberId) -> StoreResult<String> {
    Ok(conn.query_row("SELECT name FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))?)
}
