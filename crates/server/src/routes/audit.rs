//! The audit log from the handlers' side: [`record`] appends an entry (a failure to write it is
//! logged, never shown to the member), and administrators read the log as pages or as CSV.

use crate::AppState;
use crate::error::{ApiError, ErrorNote};
use crate::extract::{ApiQuery, AuditReader};
use crate::extract::{ClientIp, authenticate, bearer_token_of};
use crate::store::{AuditFilter, AuditRecord};
use axum::Json;
use axum::extract::State;
use axum::extract::{FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::net::IpAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use weft_protocol::audit::{AuditAction, AuditPage};
use weft_protocol::{MemberId, Millis};

/// Whether a path (under `/api/v1`, or with that prefix) is an administration route.
fn is_administration(path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    path.starts_with("/admin/") || path.starts_with("/approvals/templates")
}

/// Records in the audit log every refusal (403) of an administration route to a signed-in member —
/// a role without the right, or a target outside a department administrator's reach — so that
/// attempts show in the log next to what was done. One layer over the whole API.
pub(crate) async fn record_refusals(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !is_administration(&path) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(ClientIp(address)) = ClientIp::from_request_parts(&mut parts, &state).await;
    let token = bearer_token_of(&parts.headers).map(str::to_owned);
    let method = parts.method.to_string();
    let response = next.run(Request::from_parts(parts, body)).await;
    if response.status() != StatusCode::FORBIDDEN {
        return response;
    }
    let Some(token) = token else { return response };
    if let Ok(Some(user)) = authenticate(&state, &token).await {
        let why = response.extensions().get::<ErrorNote>().map(|note| note.0.clone()).unwrap_or_default();
        let target = format!("/api/v1{}", path.strip_prefix("/api/v1").unwrap_or(&path));
        let detail = json!({ "method": method, "why": why });
        record(&state, Actor::Member(user.member_id), AuditAction::AccessRefused, target, detail, address).await;
    }
    response
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(export))
}

const TAG: &str = "audit";

/// Who acted: a member (their userid is filled in from the directory), or for a failed sign-in
/// only the name that was tried.
pub(super) enum Actor<'a> {
    Member(MemberId),
    Named(&'a str),
}

/// What an administrator's write changed: the top-level fields of two JSON objects that differ,
/// as `{"before": {...}, "after": {...}}` (a field only one side has counts as changed).
pub(super) fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let empty = serde_json::Map::new();
    let (old, new) = (before.as_object().unwrap_or(&empty), after.as_object().unwrap_or(&empty));
    let mut was = serde_json::Map::new();
    let mut now = serde_json::Map::new();
    for key in old.keys().chain(new.keys().filter(|key| !old.contains_key(*key))) {
        let (a, b) = (old.get(key), new.get(key));
        if a != b {
            was.insert(key.clone(), a.cloned().unwrap_or(serde_json::Value::Null));
            now.insert(key.clone(), b.cloned().unwrap_or(serde_json::Value::Null));
        }
    }
    serde_json::json!({ "before": was, "after": now })
}

/// Appends an entry to the audit log.
pub(super) async fn record(
    state: &AppState,
    actor: Actor<'_>,
    action: AuditAction,
    target: impl Into<String>,
    detail: serde_json::Value,
    address: Option<IpAddr>,
) {
    let (actor_id, actor) = match actor {
        Actor::Member(id) => (Some(id), String::new()),
        Actor::Named(name) => (None, name.to_owned()),
    };
    let record = AuditRecord {
        at: state.clock.now(),
        actor_id,
        actor,
        action,
        target: target.into(),
        detail,
        address: address.map(|ip| ip.to_string()),
    };
    if let Err(err) = state.db(move |store| store.record_audit(&record)).await {
        tracing::error!(error = ?err, ?action, "cannot write to the audit log");
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    /// Only entries of this action.
    action: Option<AuditAction>,
    /// Only entries by this actor (userid or the name tried); empty means any.
    actor: Option<String>,
    /// Only entries about this target; empty means any.
    target: Option<String>,
    /// Only entries with an id below this one (the next page: the last id of the previous one).
    before: Option<u64>,
    /// From this time on (milliseconds), and before `until`.
    #[param(value_type = Option<i64>)]
    since: Option<Millis>,
    /// Before this time (milliseconds since the epoch).
    #[param(value_type = Option<i64>)]
    until: Option<Millis>,
    /// At most this many entries, 1 to 500 (default: 100 for a page, 500 for the CSV).
    limit: Option<usize>,
}

impl AuditQuery {
    fn filter(self, default_limit: usize) -> AuditFilter {
        AuditFilter {
            action: self.action,
            actor: self.actor.filter(|actor| !actor.is_empty()),
            target: self.target.filter(|target| !target.is_empty()),
            before: self.before,
            since: self.since,
            until: self.until,
            limit: self.limit.unwrap_or(default_limit),
        }
    }
}

/// One page of the audit log, newest first, optionally filtered (administrators and auditors). An
/// unknown query parameter is a field error.
#[utoipa::path(get, path = "/admin/audit", tag = TAG, params(AuditQuery),
    responses((status = 200, description = "A page of entries, newest first", body = AuditPage)))]
async fn list(
    State(state): State<AppState>,
    _reader: AuditReader,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let filter = query.filter(100);
    Ok(Json(state.db(move |store| store.audit_log(&filter)).await?))
}

/// The filtered log as CSV (newest first, up to one page of the largest size), for auditors'
/// spreadsheets. Cells are written as text (no formulas). Administrators and auditors; the export itself
/// is recorded in the log.
#[utoipa::path(get, path = "/admin/audit.csv", tag = TAG, params(AuditQuery),
    responses((status = 200, description = "The entries as CSV (UTF-8 with BOM), sent as the download `weft-audit.csv`",
        content_type = "text/csv", body = String)))]
async fn export(
    State(state): State<AppState>,
    AuditReader(admin): AuditReader,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    let filter = query.filter(crate::store::MAX_AUDIT_PAGE);
    let page = state.db(move |store| store.audit_log(&filter)).await?;
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    let written: Result<(), csv::Error> = (|| {
        writer.write_record(["id", "at", "actor", "action", "target", "detail", "address"])?;
        for entry in &page.entries {
            let action = serde_json::to_value(entry.action).ok().and_then(|v| v.as_str().map(str::to_owned));
            writer.write_record([
                entry.id.to_string(),
                entry.at.to_string(),
                crate::csv_io::neutralised(&entry.actor).into_owned(),
                action.unwrap_or_default(),
                crate::csv_io::neutralised(&entry.target).into_owned(),
                crate::csv_io::neutralised(&entry.detail.to_string()).into_owned(),
                entry.address.clone().unwrap_or_default(),
            ])?;
        }
        Ok(writer.flush()?)
    })();
    written.map_err(|_| ApiError::internal())?;
    let body = writer.into_inner().map_err(|_| ApiError::internal())?;
    let detail = serde_json::json!({ "rows": page.entries.len() });
    record(&state, Actor::Member(admin.member_id), AuditAction::AuditExported, "audit.csv", detail, None).await;
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"weft-audit.csv\""));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::changed_fields;
    use serde_json::json;

    #[test]
    fn only_the_fields_that_differ_are_kept_on_both_sides() {
        let before = json!({ "name": "陈静", "position": "专员", "email": null, "gone": 1 });
        let after = json!({ "name": "陈静", "position": "经理", "email": "cj@example.com", "new": true });
        assert_eq!(
            changed_fields(&before, &after),
            json!({
                "before": { "position": "专员", "email": null, "gone": 1, "new": null },
                "after": { "position": "经理", "email": "cj@example.com", "gone": null, "new": true },
            })
        );
        assert_eq!(changed_fields(&before, &before), json!({ "before": {}, "after": {} }));
    }
}
