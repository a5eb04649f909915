//! Integration apps in SQL (`integration_apps`, `integration_tokens`, both keeping only hashes of
//! secrets and tokens), the workspace's corp id (`workspace_settings`), and the directory as the
//! WeCom-compatible API shows it: departments by integer id (`departments.wecom_id`, numbered on
//! first use, the root 1) and members flat.

use super::{SqlStore, corrupt};
use crate::store::sql::{Connection, OptionalExtension, Row, params};
use crate::store::{
    ApprovalNumberQuery, IntegrationStore, StoreError, StoreResult, TokenLookup, WecomDepartment, WecomMember,
};
use std::collections::HashMap;
use uuid::Uuid;
use weft_protocol::approval::ApprovalDetail;
use weft_protocol::integration::{IntegrationApp, IntegrationAppSettings, IntegrationScope, MAX_APP_NAME_CHARS};
use weft_protocol::{ApprovalId, DepartmentId, MemberId, Millis};

const CORP_ID_KEY: &str = "corp_id";
/// WeCom's application agent ids start here.
const FIRST_AGENT_ID: i64 = 1_000_001;
const APP_COLUMNS: &str =
    "agent_id, name, scopes, allowed_ips, created_at, secret_rotated_at, last_used_at, enabled FROM integration_apps";

fn app_from_row(row: &Row<'_>) -> crate::store::sql::Result<IntegrationApp> {
    let agent_id: i64 = row.get(0)?;
    let scopes: String = row.get(2)?;
    let allowed: String = row.get(3)?;
    Ok(IntegrationApp {
        agent_id: u32::try_from(agent_id).map_err(|err| crate::store::sql::Error::conversion(0, err))?,
        name: row.get(1)?,
        scopes: serde_json::from_str(&scopes).unwrap_or_default(),
        allowed_ips: allowed.split(',').filter(|entry| !entry.is_empty()).map(str::to_owned).collect(),
        created_at: row.get(4)?,
        secret_rotated_at: row.get(5)?,
        last_used_at: row.get(6)?,
        enabled: row.get::<_, i64>(7)? != 0,
    })
}

fn app(conn: &Connection, agent_id: u32) -> StoreResult<IntegrationApp> {
    conn.query_row(&format!("SELECT {APP_COLUMNS} WHERE agent_id = ?1"), [i64::from(agent_id)], app_from_row)
        .optional()?
        .ok_or(StoreError::NotFound("integration app"))
}

/// Checks an app's settings; the message starts with the field's name.
fn check(settings: &IntegrationAppSettings) -> StoreResult<(String, String, String)> {
    let name = settings.name.trim();
    if name.is_empty() || name.chars().count() > MAX_APP_NAME_CHARS {
        return Err(StoreError::Invalid(format!("name: 1 to {MAX_APP_NAME_CHARS} characters")));
    }
    let allowed = settings.allowed_ips.iter().map(|entry| entry.trim()).collect::<Vec<_>>().join(",");
    crate::proxies::TrustedProxies::parse(&allowed)
        .map_err(|err| StoreError::Invalid(format!("allowed_ips: {err}")))?;
    let mut scopes: Vec<IntegrationScope> = settings.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let scopes = serde_json::to_string(&scopes).map_err(|err| corrupt(&err.to_string()))?;
    Ok((name.to_owned(), scopes, allowed))
}

/// A department's place in the tree and its integer id, if it has one yet.
struct Placed {
    id: String,
    parent: Option<String>,
    wecom_id: Option<i64>,
    order: i64,
}

/// Gives every department without one an integer id: the root 1, the others the next free
/// numbers, parents before children, siblings in their order.
fn number_departments(conn: &Connection) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached("SELECT id, parent_id, wecom_id, sort_order FROM departments")?;
    let rows: Vec<Placed> = stmt
        .query_map((), |row| {
            Ok(Placed { id: row.get(0)?, parent: row.get(1)?, wecom_id: row.get(2)?, order: row.get(3)? })
        })?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    if rows.iter().all(|row| row.wecom_id.is_some()) {
        return Ok(());
    }
    let mut next = rows.iter().filter_map(|row| row.wecom_id).max().unwrap_or(1) + 1;
    let mut root_free = !rows.iter().any(|row| row.wecom_id == Some(1));
    let mut children: HashMap<Option<&str>, Vec<&Placed>> = HashMap::new();
    for row in &rows {
        children.entry(row.parent.as_deref()).or_default().push(row);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    }
    let mut queue: std::collections::VecDeque<&Placed> = children.get(&None).into_iter().flatten().copied().collect();
    while let Some(row) = queue.pop_front() {
        if row.wecom_id.is_none() {
            let id = if root_free && row.parent.is_none() {
                1
            } else {
                next += 1;
                next - 1
            };
            conn.execute("UPDATE departments SET wecom_id = ?2 WHERE id = ?1", params![row.id.as_str(), id])?;
        }
        if row.parent.is_none() {
            root_free = false;
        }
        queue.extend(children.get(&Some(row.id.as_str())).into_iter().flatten().copied());
    }
    Ok(())
}

impl IntegrationStore for SqlStore {
    fn corp_id(&self) -> StoreResult<String> {
        let conn = self.conn();
        let existing: Option<String> = conn
            .query_row("SELECT value FROM workspace_settings WHERE key = ?1", [CORP_ID_KEY], |row| row.get(0))
            .optional()?;
        if let Some(corp_id) = existing {
            return Ok(corp_id);
        }
        let corp_id = format!("ww{}", &Uuid::new_v4().simple().to_string()[..16]);
        conn.execute(
            "INSERT INTO workspace_settings (key, value, updated_at) VALUES (?1, ?2, 0) ON CONFLICT (key) DO NOTHING",
            params![CORP_ID_KEY, corp_id],
        )?;
        Ok(conn.query_row("SELECT value FROM workspace_settings WHERE key = ?1", [CORP_ID_KEY], |row| row.get(0))?)
    }

    fn integration_apps(&self) -> StoreResult<Vec<IntegrationApp>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(&format!("SELECT {APP_COLUMNS} ORDER BY agent_id"))?;
        Ok(stmt.query_map((), app_from_row)?.collect::<Result<_, _>>()?)
    }

    fn create_integration_app(
        &self,
        settings: &IntegrationAppSettings,
        secret_hash: &str,
        created_by: MemberId,
        now: Millis,
    ) -> StoreResult<IntegrationApp> {
        let (name, scopes, allowed) = check(settings)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let agent_id: i64 = tx.query_row(
            "SELECT CASE WHEN MAX(agent_id) IS NULL THEN ?1 ELSE MAX(agent_id) + 1 END FROM integration_apps",
            [FIRST_AGENT_ID],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO integration_apps (agent_id, name, secret_hash, scopes, allowed_ips, created_by, created_at, \
             secret_rotated_at, enabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            params![
                agent_id,
                name,
                secret_hash,
                scopes,
                allowed,
                created_by.to_string(),
                now,
                i64::from(settings.enabled)
            ],
        )?;
        let created = app(&tx, u32::try_from(agent_id).map_err(|err| corrupt(&err.to_string()))?)?;
        tx.commit()?;
        Ok(created)
    }

    fn update_integration_app(
        &self,
        agent_id: u32,
        settings: &IntegrationAppSettings,
        _now: Millis,
    ) -> StoreResult<IntegrationApp> {
        let (name, scopes, allowed) = check(settings)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        app(&tx, agent_id)?;
        tx.execute(
            "UPDATE integration_apps SET name = ?2, scopes = ?3, allowed_ips = ?4, enabled = ?5 WHERE agent_id = ?1",
            params![i64::from(agent_id), name, scopes, allowed, i64::from(settings.enabled)],
        )?;
        if !settings.enabled {
            tx.execute("DELETE FROM integration_tokens WHERE agent_id = ?1", [i64::from(agent_id)])?;
        }
        let updated = app(&tx, agent_id)?;
        tx.commit()?;
        Ok(updated)
    }

    fn rotate_integration_secret(&self, agent_id: u32, secret_hash: &str, now: Millis) -> StoreResult<IntegrationApp> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        app(&tx, agent_id)?;
        tx.execute(
            "UPDATE integration_apps SET secret_hash = ?2, secret_rotated_at = ?3 WHERE agent_id = ?1",
            params![i64::from(agent_id), secret_hash, now],
        )?;
        tx.execute("DELETE FROM integration_tokens WHERE agent_id = ?1", [i64::from(agent_id)])?;
        let rotated = app(&tx, agent_id)?;
        tx.commit()?;
        Ok(rotated)
    }

    fn app_by_secret(&self, secret_hash: &str) -> StoreResult<Option<IntegrationApp>> {
        let conn = self.read();
        Ok(conn
            .query_row(
                &format!("SELECT {APP_COLUMNS} WHERE secret_hash = ?1 AND enabled = 1"),
                [secret_hash],
                app_from_row,
            )
            .optional()?)
    }

    fn issue_integration_token(
        &self,
        agent_id: u32,
        token_hash: &str,
        expires_at: Millis,
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM integration_tokens WHERE expires_at <= ?1", [now])?;
        tx.execute(
            "INSERT INTO integration_tokens (token_hash, agent_id, expires_at) VALUES (?1, ?2, ?3)",
            params![token_hash, i64::from(agent_id), expires_at],
        )?;
        tx.execute(
            "UPDATE integration_apps SET last_used_at = ?2 WHERE agent_id = ?1",
            params![i64::from(agent_id), now],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn app_by_token(&self, token_hash: &str, now: Millis) -> StoreResult<TokenLookup> {
        let conn = self.read();
        let found: Option<(i64, Millis)> = conn
            .query_row(
                "SELECT t.agent_id, t.expires_at FROM integration_tokens t \
                 JOIN integration_apps a ON a.agent_id = t.agent_id AND a.enabled = 1 WHERE t.token_hash = ?1",
                [token_hash],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(match found {
            None => TokenLookup::Unknown,
            Some((_, expires_at)) if expires_at <= now => TokenLookup::Expired,
            Some((agent_id, _)) => {
                TokenLookup::App(app(&conn, u32::try_from(agent_id).map_err(|err| corrupt(&err.to_string()))?)?)
            }
        })
    }

    fn wecom_departments(&self) -> StoreResult<Vec<WecomDepartment>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        number_departments(&tx)?;
        let mut stmt = tx.prepare_cached(
            "SELECT d.wecom_id, d.name, COALESCE(p.wecom_id, 0), d.sort_order, d.id FROM departments d \
             LEFT JOIN departments p ON p.id = d.parent_id ORDER BY d.wecom_id",
        )?;
        let rows: Vec<(i64, String, i64, i64, String)> = stmt
            .query_map((), |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let mut leaders: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = tx.prepare_cached(
            "SELECT md.department_id, m.userid FROM member_departments md JOIN members m ON m.id = md.member_id \
             WHERE md.is_leader = 1 AND m.status <> 'deleted' ORDER BY m.userid",
        )?;
        for row in stmt.query_map((), |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))? {
            let (department, userid) = row?;
            leaders.entry(department).or_default().push(userid);
        }
        drop(stmt);
        tx.commit()?;
        Ok(rows
            .into_iter()
            .map(|(id, name, parent_id, order, key)| WecomDepartment {
                id,
                name,
                parent_id,
                order,
                leaders: leaders.remove(&key).unwrap_or_default(),
                department_id: DepartmentId(key),
            })
            .collect())
    }

    fn department_by_wecom_id(&self, id: i64) -> StoreResult<Option<DepartmentId>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        number_departments(&tx)?;
        let found: Option<String> =
            tx.query_row("SELECT id FROM departments WHERE wecom_id = ?1", [id], |row| row.get(0)).optional()?;
        tx.commit()?;
        Ok(found.map(DepartmentId))
    }

    fn number_department(&self, department: &DepartmentId, wanted: Option<i64>) -> StoreResult<i64> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = match wanted {
            Some(id) => id,
            None => tx.query_row(
                "SELECT CASE WHEN MAX(wecom_id) IS NULL THEN 2 ELSE MAX(wecom_id) + 1 END FROM departments",
                (),
                |row| row.get(0),
            )?,
        };
        match tx.execute("UPDATE departments SET wecom_id = ?2 WHERE id = ?1", params![department.0.as_str(), id]) {
            Err(err) if err.is_unique_violation() => return Err(StoreError::Duplicate("id")),
            other => other?,
        };
        tx.commit()?;
        Ok(id)
    }

    fn integration_app_creator(&self, agent_id: u32) -> StoreResult<MemberId> {
        let conn = self.read();
        let creator: Option<String> = conn
            .query_row("SELECT created_by FROM integration_apps WHERE agent_id = ?1", [i64::from(agent_id)], |row| {
                row.get(0)
            })
            .optional()?;
        let creator = creator.ok_or(StoreError::NotFound("integration app"))?;
        creator.parse().map(MemberId).map_err(|err: uuid::Error| corrupt(&err.to_string()))
    }

    fn member_id_by_userid(&self, userid: &str) -> StoreResult<Option<MemberId>> {
        let conn = self.read();
        let found: Option<String> = conn
            .query_row("SELECT id FROM members WHERE userid = ?1 AND status <> 'deleted'", [userid], |row| row.get(0))
            .optional()?;
        found.map(|id| id.parse().map(MemberId).map_err(|err: uuid::Error| corrupt(&err.to_string()))).transpose()
    }

    fn wecom_names(&self, members: &[MemberId]) -> StoreResult<Vec<(MemberId, String, String)>> {
        super::integration_approvals::wecom_names(&self.read(), members)
    }

    fn approval_numbers(&self, query: &ApprovalNumberQuery) -> StoreResult<Vec<ApprovalId>> {
        super::integration_approvals::approval_numbers(&self.read(), query)
    }

    fn approval_for_app(&self, id: ApprovalId) -> StoreResult<ApprovalDetail> {
        super::approvals::detail(&self.read(), id)
    }

    fn wecom_members(&self, userid: Option<&str>) -> StoreResult<Vec<WecomMember>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        number_departments(&tx)?;
        let mut stmt = tx.prepare_cached(
            "SELECT m.id, m.userid, m.name, m.alias, m.position, m.mobile, m.email, m.status, m.avatar, \
               main.wecom_id, leader.userid FROM members m \
             JOIN departments main ON main.id = m.department_id \
             LEFT JOIN members leader ON leader.id = m.direct_leader_id \
             WHERE m.status <> 'deleted' AND (CAST(?1 AS TEXT) IS NULL OR m.userid = ?1) ORDER BY m.userid",
        )?;
        let mut members: Vec<(String, WecomMember)> = stmt
            .query_map([userid], |row| {
                let status: String = row.get(7)?;
                Ok((
                    row.get::<_, String>(0)?,
                    WecomMember {
                        userid: row.get(1)?,
                        name: row.get(2)?,
                        alias: row.get(3)?,
                        position: row.get(4)?,
                        mobile: row.get(5)?,
                        email: row.get(6)?,
                        status: match status.as_str() {
                            "active" => 1,
                            "disabled" => 2,
                            _ => 4,
                        },
                        avatar: row.get(8)?,
                        main_department: row.get(9)?,
                        direct_leader: row.get::<_, Option<String>>(10)?.into_iter().collect(),
                        departments: Vec::new(),
                        orders: Vec::new(),
                        is_leader_in_dept: Vec::new(),
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let mut stmt = tx.prepare_cached(
            "SELECT md.member_id, d.wecom_id, md.sort, md.is_leader FROM member_departments md \
             JOIN departments d ON d.id = md.department_id ORDER BY md.member_id, d.wecom_id",
        )?;
        let mut placements: HashMap<String, Vec<(i64, i64, i64)>> = HashMap::new();
        for row in stmt.query_map((), |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?, row.get::<_, i64>(3)?))
        })? {
            let (member, department, order, leader) = row?;
            placements.entry(member).or_default().push((department, order, leader));
        }
        drop(stmt);
        tx.commit()?;
        for (key, member) in &mut members {
            let mut list = placements.remove(key.as_str()).unwrap_or_default();
            // The main department first.
            list.sort_by_key(|(department, ..)| *department != member.main_department);
            member.departments = list.iter().map(|p| p.0).collect();
            member.orders = list.iter().map(|p| p.1).collect();
            member.is_leader_in_dept = list.iter().map(|p| p.2).collect();
        }
        Ok(members.into_iter().map(|(_, member)| member).collect())
    }
}
