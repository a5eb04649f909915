//! Approvals (OA) as WeCom shows them, templates: `oa/gettemplatedetail` describes a template's
//! form in WeCom's control vocabulary (Text, Textarea, Number, Money, Date, DateRange, Selector,
//! Contact, File, Table), so an outside system can build the `apply_data` of a request. The app
//! needs the approvals scope; refusals use WeCom's OA codes.

use super::body::WecomBody;
use super::oa_values::{control_name, date_type, texts};
use super::{CallingApp, WecomError, errcode, ok};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use weft_protocol::approval::{ContactTarget, Control, ControlKind, Template};
use weft_protocol::integration::IntegrationScope;
use weft_protocol::{ErrorCode, TemplateId};

const APPROVALS: [IntegrationScope; 1] = [IntegrationScope::Approvals];

pub fn router() -> Router<AppState> {
    Router::new().route("/oa/gettemplatedetail", post(template_detail))
}

/// One control: WeCom's `property` (name, id, title, placeholder, required) and `config`.
fn control(control: &Control) -> Value {
    let config = match &control.kind {
        ControlKind::Text | ControlKind::Textarea | ControlKind::File => json!({}),
        ControlKind::Number { decimals, .. } => json!({ "number": { "decimals": decimals } }),
        ControlKind::Money { currency } => json!({ "money": { "currency": currency } }),
        ControlKind::Date { precision } => json!({ "date": { "type": date_type(*precision) } }),
        ControlKind::DateRange { precision } => json!({ "date_range": { "type": date_type(*precision) } }),
        ControlKind::Selector { multi, options } => {
            let options: Vec<Value> =
                options.iter().map(|o| json!({ "key": o.id, "value": texts(&o.label) })).collect();
            let kind = if *multi { "multi" } else { "single" };
            json!({ "selector": { "type": kind, "options": options } })
        }
        ControlKind::Contact { target, multi } => {
            let mode = match target {
                ContactTarget::Members => "user",
                ContactTarget::Departments => "department",
            };
            json!({ "contact": { "type": if *multi { "multi" } else { "single" }, "mode": mode } })
        }
        ControlKind::Table { columns } => {
            json!({ "table": { "children": columns.iter().map(self::control).collect::<Vec<_>>() } })
        }
    };
    json!({
        "property": {
            "control": control_name(&control.kind),
            "id": control.id,
            "title": texts(&control.title),
            "placeholder": texts(&control.placeholder),
            "require": u8::from(control.required),
            "un_print": 0,
        },
        "config": config,
    })
}

/// A template as `gettemplatedetail` answers it.
fn template_detail_body(template: &Template) -> Value {
    json!({
        "template_names": texts(&template.spec.name),
        "template_content": { "controls": template.spec.controls.iter().map(control).collect::<Vec<_>>() },
        "vacation_list": null,
    })
}

/// `POST oa/gettemplatedetail {template_id}`.
async fn template_detail(
    State(state): State<AppState>,
    app: CallingApp,
    body: WecomBody,
) -> Result<Json<Value>, WecomError> {
    app.require(&APPROVALS)
        .map_err(|_| WecomError::new(errcode::OA_NO_PERMISSION, "no permission: the app lacks the approvals scope"))?;
    let id = body.text("template_id").unwrap_or_default();
    let id: TemplateId = id
        .trim()
        .parse()
        .map_err(|_| WecomError::new(errcode::OA_PARAMETER_ERROR, format!("template_id: not a template id: {id}")))?;
    let template = state.db(move |store| store.template(id)).await.map_err(|err: ApiError| {
        if err.code == ErrorCode::NotFound {
            WecomError::new(errcode::OA_PARAMETER_ERROR, "template_id: no such template")
        } else {
            err.into()
        }
    })?;
    Ok(ok(template_detail_body(&template)))
}
