//! Approvals (OA) as WeCom shows them, second part: requests. `oa/applyevent` submits a request
//! in a member's name through the same store call and rules as the app's Submit (the template's
//! chain decides who approves, so `use_template_approver` must be 1); `oa/getapprovalinfo` lists
//! request numbers by submission time with WeCom's filters; `oa/getapprovaldetail` shows one
//! request in WeCom's shape, status numbers kept (1 in review, 2 approved, 3 rejected,
//! 4 withdrawn). A request's `sp_no` is Weft's request id.

use super::body::WecomBody;
use super::oa_values::{Names, read_contents, shown_contents, texts};
use super::{CallingApp, WecomError, errcode, ok};
use crate::AppState;
use crate::error::ApiError;
use crate::store::{ApprovalNumberQuery, Store, StoreError};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use uuid::Uuid;
use weft_protocol::approval::{
    ApprovalDetail, ApprovalMode, AuditAction as StepAction, ContactTarget, Control, ControlKind, Decision, FieldValue,
    FormValues, RequestStatus, StepStatus, SubmitApprovalRequest,
};
use weft_protocol::audit::AuditAction;
use weft_protocol::integration::IntegrationScope;
use weft_protocol::{ApprovalId, ClientId, MemberId, Millis, TemplateId};

const APPROVALS: [IntegrationScope; 1] = [IntegrationScope::Approvals];

/// WeCom lists at most 100 numbers a call and a range of at most 31 days.
const MAX_SIZE: u32 = 100;
const MAX_RANGE_SECONDS: i64 = 31 * 86_400;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oa/applyevent", post(apply))
        .route("/oa/getapprovalinfo", post(numbers))
        .route("/oa/getapprovaldetail", post(detail))
}

fn parameter(message: impl Into<String>) -> WecomError {
    WecomError::new(errcode::OA_PARAMETER_ERROR, message)
}

/// A refusal from the store or the rules as WeCom's parameter error (their message names the
/// field); failures of the server itself stay "system busy".
fn refused(err: ApiError) -> WecomError {
    if err.status.is_client_error() {
        let mut message = err.message;
        if !err.problems.is_empty() {
            let problems: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
            message = format!("{message}: {}", problems.join("; "));
        }
        parameter(message)
    } else {
        err.into()
    }
}

fn require_approvals(app: &CallingApp) -> Result<(), WecomError> {
    app.require(&APPROVALS)
        .map_err(|_| WecomError::new(errcode::OA_NO_PERMISSION, "no permission: the app lacks the approvals scope"))
}

/// Every `userid` named anywhere in `value` (the members of Contact fields, in tables too).
fn userids_in(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::String(userid)) = fields.get("userid") {
                found.push(userid.trim().to_owned());
            }
            fields.values().for_each(|v| userids_in(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| userids_in(v, found)),
        _ => {}
    }
}

/// Whether a form of these controls can name departments (a Contact control picking them).
fn picks_departments(controls: &[Control]) -> bool {
    controls.iter().any(|control| match &control.kind {
        ControlKind::Contact { target: ContactTarget::Departments, .. } => true,
        ControlKind::Table { columns } => picks_departments(columns),
        _ => false,
    })
}

/// Adds every department's number, when a form of `controls` can name departments (listing
/// them numbers any department that has none yet, a write: only when needed).
fn add_departments(store: &dyn Store, controls: &[Control], names: &mut Names) -> Result<(), StoreError> {
    if picks_departments(controls) {
        for department in store.wecom_departments()? {
            names.departments.insert(department.department_id, (department.id, department.name));
        }
    }
    Ok(())
}

/// Names for reading `apply_data`: the members of the userids it names.
fn names_for_userids(store: &dyn Store, userids: &[String]) -> Result<Names, StoreError> {
    let mut names = Names::default();
    for userid in userids {
        if let Some(member) = store.member_id_by_userid(userid)? {
            names.userids.insert(userid.clone(), member);
        }
    }
    Ok(names)
}

/// `POST oa/applyevent {creator_userid, template_id, use_template_approver, apply_data, …}`.
async fn apply(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    require_approvals(&app)?;
    let creator = body.text("creator_userid").unwrap_or_default().trim().to_owned();
    if creator.is_empty() {
        return Err(parameter("creator_userid: required"));
    }
    let template_text = body.text("template_id").unwrap_or_default();
    let template_id: TemplateId = template_text
        .trim()
        .parse()
        .map_err(|_| parameter(format!("template_id: not a template id: {template_text}")))?;
    if body.int("use_template_approver").map_err(|_| parameter("use_template_approver: 0 or 1"))? != Some(1) {
        return Err(parameter(
            "use_template_approver: Weft follows the template's approver chain; send 1 (approvers chosen per request are not supported)",
        ));
    }
    let contents = body.0.get("apply_data").and_then(|data| data.get("contents")).cloned().unwrap_or(Value::Null);
    let Value::Array(contents) = contents else {
        return Err(parameter("apply_data.contents: a list of controls"));
    };
    let mut userids = vec![creator.clone()];
    contents.iter().for_each(|entry| userids_in(entry, &mut userids));
    let now = state.clock.now();
    let prepared = state
        .db(move |store| {
            let template = match store.template(template_id) {
                Ok(template) => template,
                Err(StoreError::NotFound(_)) => return Ok(Err(parameter("template_id: no such template"))),
                Err(err) => return Err(err),
            };
            let mut names = names_for_userids(store, &userids)?;
            add_departments(store, &template.spec.controls, &mut names)?;
            let Some(applicant) = names.userids.get(&creator).copied() else {
                return Ok(Err(parameter(format!("creator_userid: no member {creator}"))));
            };
            let form = match read_contents(&template.spec.controls, &contents, &names) {
                Ok(form) => form,
                Err(problem) => {
                    return Ok(Err(parameter(format!("apply_data: {}: {}", problem.id, problem.problem))));
                }
            };
            let request = SubmitApprovalRequest {
                client_id: ClientId(Uuid::new_v4()),
                template_id,
                template_version: template.version,
                form,
            };
            Ok(Ok((applicant, request)))
        })
        .await??;
    let (applicant, request) = prepared;
    let outcome = state.db(move |store| store.submit_approval(applicant, &request, now)).await.map_err(refused)?;
    let id = outcome.detail.request.id;
    if outcome.created {
        crate::webhook_sender::approval_events(&state, &outcome.detail, true).await;
        state.hub.changed(outcome.recipients);
    }
    let detail = json!({ "sp_no": id.to_string(), "creator_userid": body.text("creator_userid") });
    app.audit(&state, AuditAction::IntegrationApprovalSubmitted, detail).await;
    Ok(ok(json!({ "sp_no": id.to_string() })))
}

/// A filter's value as text (numbers accepted).
fn filter_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn status_from_number(number: i64) -> Option<RequestStatus> {
    [RequestStatus::InReview, RequestStatus::Approved, RequestStatus::Rejected, RequestStatus::Withdrawn]
        .into_iter()
        .find(|status| i64::from(status.number()) == number)
}

/// `POST oa/getapprovalinfo {starttime, endtime, cursor|new_cursor, size, filters|filter}`:
/// request numbers submitted in the range, oldest first.
async fn numbers(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    require_approvals(&app)?;
    let seconds = |key: &str| body.int(key).map_err(|_| parameter(format!("{key}: Unix seconds")));
    let (Some(start), Some(end)) = (seconds("starttime")?, seconds("endtime")?) else {
        return Err(parameter("starttime and endtime: required"));
    };
    if end < start || end - start > MAX_RANGE_SECONDS {
        return Err(parameter("endtime: at or after starttime, at most 31 days later"));
    }
    let offset = match body.text("new_cursor").filter(|text| !text.trim().is_empty()) {
        Some(text) => text.trim().parse().map_err(|_| parameter("new_cursor: as the last answer gave it"))?,
        None => u32::try_from(body.int("cursor").map_err(|_| parameter("cursor: a number"))?.unwrap_or(0))
            .map_err(|_| parameter("cursor: a number"))?,
    };
    let size = body.int("size").map_err(|_| parameter("size: a number"))?.unwrap_or(i64::from(MAX_SIZE));
    if !(1..=i64::from(MAX_SIZE)).contains(&size) {
        return Err(parameter("size: 1 to 100"));
    }
    let limit = u32::try_from(size).unwrap_or(MAX_SIZE);
    let mut query = ApprovalNumberQuery {
        from: start.saturating_mul(1000),
        // `endtime` is inclusive: requests in its last second count.
        until: end.saturating_add(1).saturating_mul(1000),
        template: None,
        applicant: None,
        department: None,
        status: None,
        offset,
        limit: limit + 1,
    };
    // Some SDK versions send the list as `filter`.
    let filters = body.0.get("filters").or_else(|| body.0.get("filter")).and_then(Value::as_array).cloned();
    let mut creator = None;
    let mut department_number = None;
    for filter in filters.unwrap_or_default() {
        let key = filter_text(filter.get("key")).unwrap_or_default();
        let value = filter_text(filter.get("value")).unwrap_or_default();
        match key.as_str() {
            "template_id" => {
                query.template = Some(
                    value
                        .parse()
                        .map_err(|_| parameter(format!("filters: template_id {value} is not a template id")))?,
                );
            }
            "creator" => creator = Some(value),
            "department" => {
                department_number =
                    Some(value.parse::<i64>().map_err(|_| parameter(format!("filters: department {value}"))))
                        .transpose()?;
            }
            "sp_status" => {
                let status = value.parse().ok().and_then(status_from_number);
                query.status = Some(status.ok_or_else(|| parameter("filters: sp_status 1 to 4"))?);
            }
            "record_type" => {
                return Err(parameter("filters: record_type is not supported (it describes one member's view)"));
            }
            other => return Err(parameter(format!("filters: unknown key {other}"))),
        }
    }
    let ids = state
        .db(move |store| {
            if let Some(userid) = creator {
                match store.member_id_by_userid(&userid)? {
                    Some(member) => query.applicant = Some(member),
                    None => return Ok(Vec::new()),
                }
            }
            if let Some(number) = department_number {
                match store.department_by_wecom_id(number)? {
                    Some(department) => query.department = Some(department),
                    None => return Ok(Vec::new()),
                }
            }
            store.approval_numbers(&query)
        })
        .await?;
    let more = ids.len() > limit as usize;
    let list: Vec<String> = ids.iter().take(limit as usize).map(ToString::to_string).collect();
    let next = if more { offset + limit } else { 0 };
    Ok(ok(json!({
        "sp_no_list": list,
        "next_cursor": next,
        "new_next_cursor": if more { next.to_string() } else { String::new() },
    })))
}

fn seconds(at: Millis) -> i64 {
    at.div_euclid(1000)
}

/// Members a form names (Contact fields, table rows included).
fn members_in_form(form: &FormValues, found: &mut Vec<MemberId>) {
    for value in form.values() {
        match value {
            FieldValue::Members(members) => found.extend(members),
            FieldValue::Rows(rows) => rows.iter().for_each(|row| members_in_form(row, found)),
            _ => {}
        }
    }
}

fn step_status(status: StepStatus) -> u8 {
    match status {
        StepStatus::Approved => 2,
        StepStatus::Rejected => 3,
        // Not reached, current, or ended before deciding: nobody decided it.
        StepStatus::Waiting | StepStatus::Active | StepStatus::Cancelled => 1,
    }
}

/// A request in WeCom's `info` shape.
fn detail_body(detail: &ApprovalDetail, names: &Names, main_department: Option<i64>) -> Value {
    let request = &detail.request;
    let userid = |member: &MemberId| names.members.get(member).map_or_else(String::new, |(userid, _)| userid.clone());
    let records: Vec<Value> = request
        .steps
        .iter()
        .map(|step| {
            let details: Vec<Value> = step
                .approvers
                .iter()
                .map(|approver| {
                    json!({
                        "approver": { "userid": userid(&approver.member_id) },
                        "speech": approver.comment.clone().unwrap_or_default(),
                        "sp_status": match approver.decision {
                            None => 1,
                            Some(Decision::Approve) => 2,
                            Some(Decision::Reject) => 3,
                        },
                        "sptime": approver.decided_at.map_or(0, seconds),
                        "media_id": [],
                    })
                })
                .collect();
            json!({
                "sp_status": step_status(step.status),
                "approverattr": match step.mode { ApprovalMode::AnyOne => 1, ApprovalMode::All => 2 },
                "details": details,
            })
        })
        .collect();
    let notified: Vec<Value> =
        request.cc.iter().filter(|cc| cc.notified).map(|cc| json!({ "userid": userid(&cc.member_id) })).collect();
    let comments: Vec<Value> = request
        .audit
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.action == StepAction::Commented)
        .map(|(index, entry)| {
            json!({
                "commentUserInfo": { "userid": userid(&entry.actor_id) },
                "commenttime": seconds(entry.at),
                "commentcontent": entry.comment,
                "commentid": format!("{}-{index}", request.id),
                "media_id": [],
            })
        })
        .collect();
    json!({
        "sp_no": request.id.to_string(),
        "sp_name": detail.template.spec.name,
        "sp_status": request.status.number(),
        "template_id": request.template_id.to_string(),
        "apply_time": seconds(request.submitted_at),
        "applyer": {
            "userid": userid(&request.applicant_id),
            "partyid": main_department.map_or_else(String::new, |number| number.to_string()),
        },
        "sp_record": records,
        "notifyer": notified,
        "apply_data": { "contents": shown_contents(&detail.template.spec.controls, &request.form, names) },
        "comments": comments,
        "summary_list": [{ "summary_info": texts(&detail.template.spec.name) }],
    })
}

/// `POST oa/getapprovaldetail {sp_no}`.
async fn detail(State(state): State<AppState>, app: CallingApp, body: WecomBody) -> Result<Json<Value>, WecomError> {
    require_approvals(&app)?;
    let number = body.text("sp_no").unwrap_or_default();
    let id: ApprovalId = number.trim().parse().map_err(|_| parameter(format!("sp_no: no request {number}")))?;
    let shown = state
        .db(move |store| {
            let detail = match store.approval_for_app(id) {
                Ok(detail) => detail,
                Err(StoreError::NotFound(_)) => return Ok(None),
                Err(err) => return Err(err),
            };
            let request = &detail.request;
            let mut members = vec![request.applicant_id];
            members.extend(request.steps.iter().flat_map(|step| step.approvers.iter().map(|a| a.member_id)));
            members.extend(request.cc.iter().map(|cc| cc.member_id));
            members.extend(request.audit.iter().map(|entry| entry.actor_id));
            members_in_form(&request.form, &mut members);
            members.sort_unstable_by_key(|member| member.0);
            members.dedup();
            let mut names = Names::default();
            for (member, userid, name) in store.wecom_names(&members)? {
                names.members.insert(member, (userid, name));
            }
            add_departments(store, &detail.template.spec.controls, &mut names)?;
            let applicant = names.members.get(&request.applicant_id).map(|(userid, _)| userid.clone());
            let main_department = match applicant {
                Some(userid) => store.wecom_members(Some(&userid))?.first().map(|member| member.main_department),
                None => None,
            };
            Ok(Some(detail_body(&detail, &names, main_department)))
        })
        .await?;
    let shown = shown.ok_or_else(|| parameter(format!("sp_no: no request {number}")))?;
    Ok(ok(json!({ "info": shown })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_numbers_are_wecom_s() {
        assert_eq!(status_from_number(1), Some(RequestStatus::InReview));
        assert_eq!(status_from_number(4), Some(RequestStatus::Withdrawn));
        assert_eq!(status_from_number(6), None);
        assert_eq!(step_status(StepStatus::Cancelled), 1);
        assert_eq!(step_status(StepStatus::Rejected), 3);
    }

    #[test]
    fn every_userid_in_apply_data_is_found_tables_included() {
        let mut found = Vec::new();
        let contents = json!([
            { "id": "who", "value": { "members": [{ "userid": "lisi" }, { "userid": " wangwu " }] } },
            { "id": "rows", "value": { "children": [{ "list": [{ "id": "c", "value": { "members": [{ "userid": "zhaoliu" }] } }] }] } },
        ]);
        userids_in(&contents, &mut found);
        assert_eq!(found, ["lisi", "wangwu", "zhaoliu"]);
    }
}
