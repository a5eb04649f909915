//! Approvals as integration apps read them (`oa/getapprovalinfo`, `oa/getapprovaldetail`): no
//! viewer, the calling app's approvals scope being the permission; and the userids and names
//! of the members a request names.

use super::uuid_at;
use crate::store::sql::{Connection, params};
use crate::store::{ApprovalNumberQuery, StoreResult};
use weft_protocol::{ApprovalId, MemberId};

pub(super) fn approval_numbers(conn: &Connection, query: &ApprovalNumberQuery) -> StoreResult<Vec<ApprovalId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id FROM approval_requests r JOIN members m ON m.id = r.applicant_id \
         WHERE r.submitted_at >= ?1 AND r.submitted_at < ?2 \
         AND (CAST(?3 AS TEXT) IS NULL OR r.template_id = ?3) \
         AND (CAST(?4 AS TEXT) IS NULL OR r.applicant_id = ?4) \
         AND (CAST(?5 AS BIGINT) IS NULL OR r.status = ?5) \
         AND (CAST(?6 AS TEXT) IS NULL OR m.department_id = ?6 OR EXISTS (SELECT 1 FROM member_departments md \
              WHERE md.member_id = r.applicant_id AND md.department_id = ?6)) \
         ORDER BY r.submitted_at, r.id LIMIT ?7 OFFSET ?8",
    )?;
    let rows = stmt.query_map(
        params![
            query.from,
            query.until,
            query.template.map(|t| t.to_string()),
            query.applicant.map(|m| m.to_string()),
            query.status.map(|s| i64::from(s.number())),
            query.department.as_ref().map(|d| d.0.clone()),
            query.limit,
            query.offset
        ],
        |row| Ok(ApprovalId(uuid_at(row, 0)?)),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn wecom_names(conn: &Connection, members: &[MemberId]) -> StoreResult<Vec<(MemberId, String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT userid, name FROM members WHERE id = ?1")?;
    let mut found = Vec::with_capacity(members.len());
    for member in members {
        let rows = stmt.query_map([member.to_string()], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
        for row in rows {
            let (userid, name) = row?;
            found.push((*member, userid, name));
        }
    }
    Ok(found)
}
