//! Approvals in SQLite: versioned templates, submitting (validate, check contacts against the
//! applicant's directory, resolve and store the chain), and the four request lists. Deciding,
//! withdrawing, commenting and read access are the domain's (`crate::domain::approvals::workflow`):
//! this module loads the request, asks the workflow, and saves its transition — the approvers'
//! decisions, step and request status, CC, the append-only audit trail, an approval change
//! addressed to each member who may read the request, and the cards — in one transaction.

use super::approval_cards::{card_of, post};
use super::changes::{StoredChange, record_addressed};
use super::directory::{DirectoryView, Facts, role_from};
use super::{SqlStore, uuid_at};
use crate::domain::Actor;
use crate::domain::approvals::chain::{self, ChainError, DepartmentNode, MemberNode, OrgChart};
use crate::domain::approvals::workflow::{self, ApproverChange, Transition};
use crate::store::sql::{Connection, Later, OptionalExtension, params};
use crate::store::{ApprovalFilter, ApprovalOutcome, ApprovalStore, StoreError, StoreResult};
use uuid::Uuid;
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalMode, ApprovalRequest, ApprovalSummary, ApproverSource, ApproverState,
    AuditAction, AuditEntry, CcEntry, CcWhen, CommentRequest, Decision, DecisionRequest, RequestStatus, StepState,
    StepStatus, SubmitApprovalRequest, Template, TemplateSpec, picked_contacts, picked_files, validate,
};
use weft_protocol::auth::Role;
use weft_protocol::{
    ApprovalId, ApprovalRefusal, AttachmentId, ClientId, DepartmentId, FieldProblem, FieldRule, MemberId, Millis,
    TemplateId,
};

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    super::corrupt(&err.to_string())
}

fn mode_str(mode: ApprovalMode) -> &'static str {
    match mode {
        ApprovalMode::AnyOne => "any_one",
        ApprovalMode::All => "all",
    }
}

fn mode_from(text: &str) -> ApprovalMode {
    if text == "all" { ApprovalMode::All } else { ApprovalMode::AnyOne }
}

fn step_status_from(text: &str) -> StepStatus {
    match text {
        "active" => StepStatus::Active,
        "approved" => StepStatus::Approved,
        "rejected" => StepStatus::Rejected,
        "cancelled" => StepStatus::Cancelled,
        _ => StepStatus::Waiting,
    }
}

fn step_status_str(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Waiting => "waiting",
        StepStatus::Active => "active",
        StepStatus::Approved => "approved",
        StepStatus::Rejected => "rejected",
        StepStatus::Cancelled => "cancelled",
    }
}

fn cc_phase_str(when: CcWhen) -> &'static str {
    match when {
        CcWhen::Submit => "submit",
        CcWhen::Completion => "completion",
    }
}

fn decision_str(decision: Decision) -> &'static str {
    match decision {
        Decision::Approve => "approve",
        Decision::Reject => "reject",
    }
}

fn action_str(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Submitted => "submitted",
        AuditAction::Approved => "approved",
        AuditAction::Rejected => "rejected",
        AuditAction::Withdrawn => "withdrawn",
        AuditAction::Commented => "commented",
        AuditAction::Reassigned => "reassigned",
    }
}

fn action_from(text: &str) -> AuditAction {
    match text {
        "approved" => AuditAction::Approved,
        "rejected" => AuditAction::Rejected,
        "withdrawn" => AuditAction::Withdrawn,
        "commented" => AuditAction::Commented,
        "reassigned" => AuditAction::Reassigned,
        _ => AuditAction::Submitted,
    }
}

fn status_at(row: &crate::store::sql::Row<'_>, index: usize) -> crate::store::sql::Result<RequestStatus> {
    let number: u8 = row.get(index)?;
    RequestStatus::from_number(number)
        .ok_or_else(|| crate::store::sql::Error::conversion(index, "not a request status"))
}

/// The member as the domain sees them acting (an unknown member acts with no role).
pub(super) fn actor(conn: &Connection, member: MemberId) -> StoreResult<Actor> {
    actor_from(member, actor_later(conn, member)?)
}

/// [`actor`], asked now (`Connection::query_later`) and read with [`actor_from`].
pub(super) fn actor_later(conn: &Connection, member: MemberId) -> StoreResult<Later<'_>> {
    Ok(conn.query_later("SELECT COALESCE(admin_role, role) FROM members WHERE id = ?1", [member.to_string()])?)
}

pub(super) fn actor_from(member: MemberId, role: Later<'_>) -> StoreResult<Actor> {
    let role: Option<String> = role.row(|row| row.get(0)).optional()?;
    Ok(Actor::new(member, role.as_deref().map_or(Role::Member, role_from)))
}

fn template_version(conn: &Connection, id: TemplateId, version: u32) -> StoreResult<Option<Template>> {
    let found: Option<(String, Millis)> = conn
        .query_row(
            "SELECT spec, created_at FROM approval_template_versions WHERE template_id = ?1 AND version = ?2",
            params![id.to_string(), version],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((spec, created_at)) = found else { return Ok(None) };
    let spec: TemplateSpec = serde_json::from_str(&spec).map_err(corrupt)?;
    Ok(Some(Template { id, version, spec, created_at }))
}

/// The current version of a template that is not archived.
fn current_template(conn: &Connection, id: TemplateId) -> StoreResult<Template> {
    let version: Option<u32> = conn
        .query_row(
            "SELECT current_version FROM approval_templates WHERE id = ?1 AND archived = 0",
            [id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    let version = version.ok_or(StoreError::NotFound("approval template"))?;
    template_version(conn, id, version)?.ok_or_else(|| corrupt("a template's current version is missing"))
}

/// Refuses a spec naming members or departments that do not exist (or members who were deleted).
fn check_references(conn: &Connection, spec: &TemplateSpec) -> StoreResult<()> {
    let chain = &spec.chain;
    let sources = chain.steps.iter().map(|s| &s.approvers).chain(&chain.cc_on_submit).chain(&chain.cc_on_completion);
    let mut members = vec![chain.fallback_approver];
    let mut departments: Vec<&DepartmentId> = Vec::new();
    for source in sources {
        match source {
            ApproverSource::Members { members: listed } => members.extend(listed.iter().copied()),
            ApproverSource::LeaderOf { department_id } => departments.push(department_id),
            _ => {}
        }
    }
    for member in members {
        let status: Option<String> = conn
            .query_row("SELECT status FROM members WHERE id = ?1", [member.to_string()], |row| row.get(0))
            .optional()?;
        if status.is_none_or(|s| s == "deleted") {
            return Err(FieldProblem::new("chain", FieldRule::UnknownMember { member }).into());
        }
    }
    for department in departments {
        let found: Option<i64> =
            conn.query_row("SELECT 1 FROM departments WHERE id = ?1", [&department.0], |row| row.get(0)).optional()?;
        if found.is_none() {
            return Err(
                FieldProblem::new("chain", FieldRule::UnknownDepartment { department: department.0.clone() }).into()
            );
        }
    }
    Ok(())
}

fn insert_version(
    conn: &Connection,
    id: TemplateId,
    version: u32,
    actor: MemberId,
    spec: &TemplateSpec,
    now: Millis,
) -> StoreResult<()> {
    let json = serde_json::to_string(spec).map_err(corrupt)?;
    conn.execute(
        "INSERT INTO approval_template_versions (template_id, version, spec, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.to_string(), version, json, actor.to_string(), now],
    )?;
    Ok(())
}

/// The directory facts chain resolution needs, for the whole organisation.
fn load_org_chart(conn: &Connection) -> StoreResult<OrgChart> {
    let mut chart = OrgChart::default();
    let mut stmt = conn.prepare_cached("SELECT id, parent_id FROM departments")?;
    for row in stmt.query_map((), |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))? {
        let (id, parent) = row?;
        chart
            .departments
            .insert(DepartmentId(id), DepartmentNode { parent: parent.map(DepartmentId), leaders: vec![] });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT department_id, member_id FROM member_departments WHERE is_leader = 1 ORDER BY department_id, sort, member_id",
    )?;
    for row in stmt.query_map((), |row| Ok((row.get::<_, String>(0)?, uuid_at(row, 1)?)))? {
        let (department, member) = row?;
        if let Some(node) = chart.departments.get_mut(&DepartmentId(department)) {
            node.leaders.push(MemberId(member));
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, department_id, direct_leader_id, COALESCE(admin_role, role), status FROM members",
    )?;
    let rows = stmt.query_map((), |row| {
        Ok((
            uuid_at(row, 0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (id, department, leader, role, status) = row?;
        chart.members.insert(
            MemberId(id),
            MemberNode {
                main_department: DepartmentId(department),
                direct_leader: leader.and_then(|l| l.parse().ok()),
                role: role_from(&role),
                active: status == "active",
            },
        );
    }
    Ok(chart)
}

/// The request, when `viewer` may read it (`crate::domain::approvals::workflow::may_read`);
/// `NotFound` otherwise (its existence is not revealed).
fn readable(conn: &Connection, viewer: MemberId, id: ApprovalId) -> StoreResult<ApprovalDetail> {
    let found = detail(conn, id)?;
    if workflow::may_read(&found.request, &actor(conn, viewer)?) {
        Ok(found)
    } else {
        Err(ApprovalRefusal::NotFound.into())
    }
}

/// Whether `viewer` may read some request whose form carries this file: the same check as
/// reading the request.
pub(super) fn may_read_file(conn: &Connection, viewer: MemberId, file: AttachmentId) -> StoreResult<bool> {
    let mut stmt = conn.prepare_cached("SELECT request_id FROM approval_files WHERE attachment_id = ?1")?;
    let requests: Vec<Uuid> = stmt.query_map([file.to_string()], |row| uuid_at(row, 0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    let viewer = actor(conn, viewer)?;
    for request in requests {
        if workflow::may_read(&detail(conn, ApprovalId(request))?.request, &viewer) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether this member already acted with this client id on the request (a retry).
fn seen_client_id(conn: &Connection, id: ApprovalId, actor: MemberId, client_id: ClientId) -> StoreResult<bool> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM approval_audit WHERE request_id = ?1 AND actor_id = ?2 AND client_id = ?3",
            params![id.to_string(), actor.to_string(), client_id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

/// Writes what the workflow decided, in the caller's transaction: places, the decision, step and
/// request status, CC, the audit entry (with `client_id`), an approval change addressed to
/// every reader afterwards, and the cards. Returns the request afterwards and its readers.
pub(super) fn save(
    conn: &Connection,
    request: &ApprovalRequest,
    transition: &Transition,
    client_id: ClientId,
    now: Millis,
) -> StoreResult<ApprovalOutcome> {
    let key = request.id.to_string();
    for change in &transition.approvers {
        match *change {
            ApproverChange::Remove { step, member } => conn.execute(
                "DELETE FROM approval_approvers WHERE request_id = ?1 AND step = ?2 AND member_id = ?3 AND decision IS NULL",
                params![key, step, member.to_string()],
            )?,
            ApproverChange::StandIn { step, member } => {
                conn.execute(
                    "INSERT INTO approval_approvers (request_id, step, member_id, sort) VALUES (?1, ?2, ?3, 0)",
                    params![key, step, member.to_string()],
                )?;
                conn.execute(
                    "UPDATE approval_steps SET fallback = 1 WHERE request_id = ?1 AND step = ?2",
                    params![key, step],
                )?
            }
        };
    }
    if let Some(decision) = &transition.decision {
        conn.execute(
            "UPDATE approval_approvers SET decision = ?4, decided_at = ?5, comment = ?6 \
             WHERE request_id = ?1 AND step = ?2 AND member_id = ?3",
            params![
                key,
                decision.step,
                decision.member.to_string(),
                decision_str(decision.decision),
                now,
                decision.comment
            ],
        )?;
    }
    for (step, status) in &transition.steps {
        conn.execute(
            "UPDATE approval_steps SET status = ?3 WHERE request_id = ?1 AND step = ?2",
            params![key, step, step_status_str(*status)],
        )?;
    }
    conn.execute(
        "UPDATE approval_requests SET status = ?2, current_step = ?3, updated_at = ?4 WHERE id = ?1",
        params![key, transition.status.number(), transition.current_step, now],
    )?;
    if let Some(phase) = transition.notify_cc {
        conn.execute(
            "UPDATE approval_cc SET notified = 1 WHERE request_id = ?1 AND phase = ?2",
            params![key, cc_phase_str(phase)],
        )?;
    }
    let audit = &transition.audit;
    conn.execute(
        "INSERT INTO approval_audit (request_id, actor_id, client_id, action, step, comment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key,
            audit.actor.to_string(),
            client_id.to_string(),
            action_str(audit.action),
            audit.step,
            audit.comment,
            now
        ],
    )?;
    let after = detail(conn, request.id)?;
    let readers = workflow::readers(&after.request);
    for reader in &readers {
        record_addressed(conn, *reader, &StoredChange::Approval { request_id: request.id }, now)?;
    }
    for card in &transition.cards {
        post(conn, card.to, card.sender, &card_of(&after, card.event), now)?;
    }
    Ok(ApprovalOutcome { detail: after, created: true, recipients: readers })
}

pub(super) fn detail(conn: &Connection, id: ApprovalId) -> StoreResult<ApprovalDetail> {
    let key = id.to_string();
    let (template_id, template_version_number, applicant_id, applicant_name, client_id, status, current_step, form, submitted_at, updated_at) = conn
        .query_row(
            "SELECT r.template_id, r.template_version, r.applicant_id, m.name, r.client_id, r.status, r.current_step, \
             r.form, r.submitted_at, r.updated_at FROM approval_requests r JOIN members m ON m.id = r.applicant_id WHERE r.id = ?1",
            [&key],
            |row| {
                Ok((
                    TemplateId(uuid_at(row, 0)?),
                    row.get::<_, u32>(1)?,
                    MemberId(uuid_at(row, 2)?),
                    row.get::<_, String>(3)?,
                    ClientId(uuid_at(row, 4)?),
                    status_at(row, 5)?,
                    row.get::<_, Option<u32>>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, Millis>(8)?,
                    row.get::<_, Millis>(9)?,
                ))
            },
        )
        .optional()?
        .ok_or(StoreError::NotFound("approval request"))?;
    let mut stmt = conn.prepare_cached(
        "SELECT name, mode, status, fallback FROM approval_steps WHERE request_id = ?1 ORDER BY step",
    )?;
    let mut steps: Vec<StepState> = stmt
        .query_map([&key], |row| {
            Ok(StepState {
                name: row.get(0)?,
                mode: mode_from(&row.get::<_, String>(1)?),
                status: step_status_from(&row.get::<_, String>(2)?),
                fallback: row.get(3)?,
                approvers: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.step, a.member_id, a.decision, a.decided_at, a.comment, m.name FROM approval_approvers a \
         JOIN members m ON m.id = a.member_id WHERE a.request_id = ?1 ORDER BY a.step, a.sort",
    )?;
    let rows = stmt.query_map([&key], |row| {
        let decision: Option<String> = row.get(2)?;
        Ok((
            row.get::<_, usize>(0)?,
            ApproverState {
                member_id: MemberId(uuid_at(row, 1)?),
                name: row.get(5)?,
                decision: decision.map(|d| if d == "reject" { Decision::Reject } else { Decision::Approve }),
                decided_at: row.get(3)?,
                comment: row.get::<_, Option<String>>(4)?.filter(|c| !c.is_empty()),
            },
        ))
    })?;
    for row in rows {
        let (step, approver) = row?;
        steps.get_mut(step).ok_or_else(|| corrupt("an approver of a missing step"))?.approvers.push(approver);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT member_id, phase, notified FROM approval_cc WHERE request_id = ?1 ORDER BY phase DESC, member_id",
    )?;
    let cc = stmt
        .query_map([&key], |row| {
            Ok(CcEntry {
                member_id: MemberId(uuid_at(row, 0)?),
                when: if row.get::<_, String>(1)? == "submit" { CcWhen::Submit } else { CcWhen::Completion },
                notified: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT a.actor_id, m.name, a.action, a.step, a.comment, a.at FROM approval_audit a \
         JOIN members m ON m.id = a.actor_id WHERE a.request_id = ?1 ORDER BY a.id",
    )?;
    let audit = stmt
        .query_map([&key], |row| {
            Ok(AuditEntry {
                actor_id: MemberId(uuid_at(row, 0)?),
                actor_name: row.get(1)?,
                action: action_from(&row.get::<_, String>(2)?),
                step: row.get(3)?,
                comment: row.get(4)?,
                at: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let template = template_version(conn, template_id, template_version_number)?
        .ok_or_else(|| corrupt("a request's template version is missing"))?;
    Ok(ApprovalDetail {
        request: ApprovalRequest {
            id,
            template_id,
            template_version: template_version_number,
            applicant_id,
            applicant_name,
            client_id,
            status,
            current_step,
            form: serde_json::from_str(&form).map_err(corrupt)?,
            steps,
            cc,
            audit,
            submitted_at,
            updated_at,
        },
        template,
        files: super::attachments::request_files(conn, id)?,
    })
}

/// Refuses files the applicant did not upload.
fn check_files(conn: &Connection, applicant: MemberId, request: &SubmitApprovalRequest) -> StoreResult<()> {
    for file in picked_files(&request.form) {
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM attachments WHERE id = ?1 AND owner_id = ?2",
                params![file.to_string(), applicant.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        if found.is_none() {
            return Err(StoreError::Invalid(format!("form: file {file} is not one you uploaded")));
        }
    }
    Ok(())
}

/// Refuses picked members and departments that do not exist or that the applicant may not see.
fn check_contacts(conn: &Connection, applicant: MemberId, request: &SubmitApprovalRequest) -> StoreResult<()> {
    let (members, departments) = picked_contacts(&request.form);
    if members.is_empty() && departments.is_empty() {
        return Ok(());
    }
    let mut view = DirectoryView::new(conn, applicant, Facts::Only(&members))?;
    for member in members {
        if !view.can_see(conn, member)? {
            return Err(FieldProblem::new("form", FieldRule::UnknownMember { member }).into());
        }
    }
    for department in departments {
        if view.department(conn, &department)?.is_none() {
            return Err(
                FieldProblem::new("form", FieldRule::UnknownDepartment { department: department.to_string() }).into()
            );
        }
    }
    Ok(())
}

/// The answer to a retry (a client id already used): the request now, nothing recorded.
fn retried(detail: ApprovalDetail) -> ApprovalOutcome {
    ApprovalOutcome { detail, created: false, recipients: Vec::new() }
}

impl ApprovalStore for SqlStore {
    fn create_template(&self, actor: MemberId, spec: &TemplateSpec, now: Millis) -> StoreResult<Template> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        check_references(&tx, spec)?;
        let id = TemplateId(Uuid::now_v7());
        tx.execute(
            "INSERT INTO approval_templates (id, current_version, created_at, updated_at) VALUES (?1, 1, ?2, ?2)",
            params![id.to_string(), now],
        )?;
        insert_version(&tx, id, 1, actor, spec, now)?;
        tx.commit()?;
        Ok(Template { id, version: 1, spec: spec.clone(), created_at: now })
    }

    fn update_template(
        &self,
        actor: MemberId,
        id: TemplateId,
        spec: &TemplateSpec,
        now: Millis,
    ) -> StoreResult<Template> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = current_template(&tx, id)?;
        check_references(&tx, spec)?;
        let version = current.version + 1;
        insert_version(&tx, id, version, actor, spec, now)?;
        tx.execute(
            "UPDATE approval_templates SET current_version = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.to_string(), version, now],
        )?;
        tx.commit()?;
        Ok(Template { id, version, spec: spec.clone(), created_at: now })
    }

    fn archive_template(&self, id: TemplateId, now: Millis) -> StoreResult<()> {
        let changed = self.conn().execute(
            "UPDATE approval_templates SET archived = 1, updated_at = ?2 WHERE id = ?1 AND archived = 0",
            params![id.to_string(), now],
        )?;
        if changed == 0 { Err(StoreError::NotFound("approval template")) } else { Ok(()) }
    }

    fn templates(&self) -> StoreResult<Vec<Template>> {
        let conn = self.read();
        let mut stmt =
            conn.prepare_cached("SELECT id FROM approval_templates WHERE archived = 0 ORDER BY created_at, id")?;
        let ids: Vec<Uuid> = stmt.query_map((), |row| uuid_at(row, 0))?.collect::<Result<_, _>>()?;
        ids.into_iter().map(|id| current_template(&conn, TemplateId(id))).collect()
    }

    fn template(&self, id: TemplateId) -> StoreResult<Template> {
        current_template(&self.read(), id)
    }

    fn submit_approval(
        &self,
        applicant: MemberId,
        request: &SubmitApprovalRequest,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let existing: Option<Uuid> = tx
            .query_row(
                "SELECT id FROM approval_requests WHERE applicant_id = ?1 AND client_id = ?2",
                params![applicant.to_string(), request.client_id.to_string()],
                |row| uuid_at(row, 0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(retried(detail(&tx, ApprovalId(id))?));
        }
        let template = current_template(&tx, request.template_id)?;
        if template.version != request.template_version {
            return Err(ApprovalRefusal::TemplateChanged {
                filled_in: request.template_version,
                current: template.version,
            }
            .into());
        }
        validate(&template.spec, &request.form).map_err(StoreError::FormInvalid)?;
        check_contacts(&tx, applicant, request)?;
        check_files(&tx, applicant, request)?;
        let resolved =
            chain::resolve(&template.spec.chain, applicant, &request.form, &load_org_chart(&tx)?).map_err(|err| {
                match err {
                    ChainError::UnknownApplicant => ApprovalRefusal::UnknownApplicant,
                    ChainError::NoApprover { step } => ApprovalRefusal::NoApprover { step },
                }
            })?;
        let id = ApprovalId(Uuid::now_v7());
        let key = id.to_string();
        tx.execute(
            "INSERT INTO approval_requests (id, template_id, template_version, applicant_id, client_id, status, current_step, \
             form, submitted_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, NULL, ?6, ?7, ?7)",
            params![
                key,
                template.id.to_string(),
                template.version,
                applicant.to_string(),
                request.client_id.to_string(),
                serde_json::to_string(&request.form).map_err(corrupt)?,
                now
            ],
        )?;
        for (index, step) in resolved.steps.iter().enumerate() {
            tx.execute(
                "INSERT INTO approval_steps (request_id, step, name, mode, status, fallback) VALUES (?1, ?2, ?3, ?4, 'waiting', ?5)",
                params![key, index, step.name, mode_str(step.mode), step.fallback],
            )?;
            for (sort, member) in step.approvers.iter().enumerate() {
                tx.execute(
                    "INSERT INTO approval_approvers (request_id, step, member_id, sort) VALUES (?1, ?2, ?3, ?4)",
                    params![key, index, member.to_string(), sort],
                )?;
            }
        }
        for file in picked_files(&request.form) {
            tx.execute(
                "INSERT INTO approval_files (request_id, attachment_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![key, file.to_string()],
            )?;
        }
        for (members, phase, notified) in
            [(&resolved.cc_on_submit, "submit", true), (&resolved.cc_on_completion, "completion", false)]
        {
            for member in members {
                tx.execute(
                    "INSERT INTO approval_cc (request_id, member_id, phase, notified) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![key, member.to_string(), phase, notified],
                )?;
            }
        }
        // The first step becomes active (a chain whose steps were all left out by their
        // conditions approves the request at once).
        let stored = detail(&tx, id)?;
        let result = save(&tx, &stored.request, &workflow::start(&stored.request, now), request.client_id, now)?;
        tx.commit()?;
        Ok(result)
    }

    fn decide_approval(
        &self,
        actor: MemberId,
        id: ApprovalId,
        request: &DecisionRequest,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome> {
        workflow::check_comment("comment", &request.comment, false)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = readable(&tx, actor, id)?;
        if seen_client_id(&tx, id, actor, request.client_id)? {
            return Ok(retried(current));
        }
        let who = self::actor(&tx, actor)?;
        let transition = workflow::decide(&current.request, &who, request.decision, &request.comment, now)?;
        let result = save(&tx, &current.request, &transition, request.client_id, now)?;
        tx.commit()?;
        Ok(result)
    }

    fn withdraw_approval(
        &self,
        actor: MemberId,
        id: ApprovalId,
        client_id: ClientId,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = readable(&tx, actor, id)?;
        if seen_client_id(&tx, id, actor, client_id)? {
            return Ok(retried(current));
        }
        let transition = workflow::withdraw(&current.request, &self::actor(&tx, actor)?, now)?;
        let result = save(&tx, &current.request, &transition, client_id, now)?;
        tx.commit()?;
        Ok(result)
    }

    fn comment_approval(
        &self,
        actor: MemberId,
        id: ApprovalId,
        request: &CommentRequest,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome> {
        workflow::check_comment("text", &request.text, true)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = readable(&tx, actor, id)?;
        if seen_client_id(&tx, id, actor, request.client_id)? {
            return Ok(retried(current));
        }
        let transition = workflow::comment(&current.request, &self::actor(&tx, actor)?, &request.text)?;
        let result = save(&tx, &current.request, &transition, request.client_id, now)?;
        tx.commit()?;
        Ok(result)
    }

    fn approval(&self, viewer: MemberId, id: ApprovalId) -> StoreResult<ApprovalDetail> {
        readable(&self.read(), viewer, id)
    }

    fn approvals(&self, viewer: MemberId, filter: ApprovalFilter) -> StoreResult<Vec<ApprovalSummary>> {
        let condition = match filter.list {
            ApprovalBox::Waiting => {
                "r.status = 1 AND EXISTS (SELECT 1 FROM approval_approvers a WHERE a.request_id = r.id \
                 AND a.step = r.current_step AND a.member_id = ?1 AND a.decision IS NULL)"
            }
            ApprovalBox::Submitted => "r.applicant_id = ?1",
            ApprovalBox::Cc => {
                "EXISTS (SELECT 1 FROM approval_cc c WHERE c.request_id = r.id AND c.member_id = ?1 AND c.notified = 1)"
            }
            ApprovalBox::Done => {
                "EXISTS (SELECT 1 FROM approval_approvers a WHERE a.request_id = r.id AND a.member_id = ?1 \
                 AND a.decision IS NOT NULL)"
            }
        };
        let sql = format!(
            "SELECT r.id, r.template_id, json_extract(v.spec, '$.name'), r.applicant_id, m.name, r.status, r.current_step, \
             r.submitted_at, r.updated_at, \
             (SELECT json_group_array(a.member_id) FROM approval_approvers a WHERE a.request_id = r.id \
                AND a.step = r.current_step AND a.decision IS NULL AND r.status = 1) \
             FROM approval_requests r \
             JOIN approval_template_versions v ON v.template_id = r.template_id AND v.version = r.template_version \
             JOIN members m ON m.id = r.applicant_id \
             WHERE {condition} AND (CAST(?2 AS TEXT) IS NULL OR r.template_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR r.status = ?3) \
             AND (CAST(?5 AS BIGINT) IS NULL OR r.updated_at < ?5 OR (r.updated_at = ?5 AND r.id < ?6)) \
             ORDER BY r.updated_at DESC, r.id DESC LIMIT ?4"
        );
        let conn = self.read();
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                viewer.to_string(),
                filter.template.map(|t| t.to_string()),
                filter.status.map(RequestStatus::number),
                filter.limit,
                filter.before.map(|cursor| cursor.updated_at),
                filter.before.map(|cursor| cursor.id.to_string()),
            ],
            |row| {
                Ok(ApprovalSummary {
                    id: ApprovalId(uuid_at(row, 0)?),
                    template_id: TemplateId(uuid_at(row, 1)?),
                    template_name: row.get(2)?,
                    applicant_id: MemberId(uuid_at(row, 3)?),
                    applicant_name: row.get(4)?,
                    status: status_at(row, 5)?,
                    current_step: row.get(6)?,
                    waiting_on: serde_json::from_str(&row.get::<_, String>(9)?).unwrap_or_default(),
                    submitted_at: row.get(7)?,
                    updated_at: row.get(8)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The summary of a request for the change feed, when `viewer` may read it.
pub(super) fn summary_for(conn: &Connection, viewer: MemberId, id: ApprovalId) -> StoreResult<Option<ApprovalSummary>> {
    match readable(conn, viewer, id) {
        Ok(found) => Ok(Some(found.summary())),
        Err(StoreError::Refused(_) | StoreError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}
