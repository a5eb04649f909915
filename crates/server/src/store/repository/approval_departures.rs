//! When an approver is disabled or deleted, requests in review must not wait on them forever.
//! In the same transaction as the status change, each undecided place of theirs in a step that
//! has not finished is released by the workflow (`workflow::release_departed`: a step left with
//! nobody goes to the stand-in, an "all" step the others approved moves on, otherwise the others
//! decide); this module finds the places and the stand-in and saves each transition (an audit
//! entry by the administrator, the feed rows for the readers, the cards).

use super::approvals::{detail, save};
use super::uuid_at;
use crate::domain::approvals::workflow;
use crate::store::StoreResult;
use crate::store::sql::{Connection, OptionalExtension};
use uuid::Uuid;
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
    let departed_name = member_name(conn, departed)?;
    for (id, step) in places {
        let current = detail(conn, id)?;
        let stand_in = stand_in(conn, id, departed)?.unwrap_or(actor);
        let stand_in_name = member_name(conn, stand_in)?;
        let Some(transition) = workflow::release_departed(
            &current.request,
            step,
            (departed, &departed_name),
            (stand_in, &stand_in_name),
            actor,
            now,
        ) else {
            continue;
        };
        save(conn, &current.request, &transition, ClientId(Uuid::now_v7()), now)?;
    }
    Ok(())
}

/// Who would take a step nobody is left to decide (`workflow::stand_in`), from the request's
/// template version's fallback approver and the active administrators, in userid order.
fn stand_in(conn: &Connection, id: ApprovalId, departed: MemberId) -> StoreResult<Option<MemberId>> {
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
    let mut fallback = None;
    if let Some(named) = named.and_then(|n| n.parse::<Uuid>().ok()) {
        let active = conn
            .query_row("SELECT 1 FROM members WHERE id = ?1 AND status = 'active'", [named.to_string()], |row| {
                row.get::<_, i64>(0)
            })
            .optional()?
            .is_some();
        fallback = Some((MemberId(named), active));
    }
    let admins: Vec<MemberId> = conn
        .prepare_cached("SELECT id FROM members WHERE role = 'admin' AND status = 'active' ORDER BY userid")?
        .query_map((), |row| uuid_at(row, 0))?
        .map(|id| id.map(MemberId))
        .collect::<Result<_, _>>()?;
    Ok(workflow::stand_in(fallback, departed, &admins))
}

fn member_name(conn: &Connection, member: MemberId) -> StoreResult<String> {
    Ok(conn.query_row("SELECT name FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))?)
}
