//! Approvals through the WeCom-compatible API: `oa/gettemplatedetail` describes the demo
//! templates in WeCom's control vocabulary, for apps holding the approvals scope only.

mod common;

use axum::http::Method;
use common::TestApp;
use common::wecom::{make_app, token, wecom_post};
use serde_json::json;

#[tokio::test]
async fn a_templates_form_reads_as_wecoms_controls_for_apps_with_the_approvals_scope() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let templates = app.call(Method::GET, "/api/v1/approvals/templates", Some(&admin), None).await;
    let list = templates.body.as_array().cloned().unwrap_or_default();
    let id_of = |name: &str| {
        list.iter().find(|t| t["name"] == name).and_then(|t| t["id"].as_str()).map(str::to_owned).expect("a template")
    };
    let approvals = make_app(&app, &admin, json!(["approvals"]), json!([])).await;
    let access = token(&app, &approvals).await;
    let path = format!("/cgi-bin/oa/gettemplatedetail?access_token={access}");

    let expense = wecom_post(&app, &path, &format!(r#"{{"template_id":"{}"}}"#, id_of("报销 Expense"))).await;
    assert_eq!(expense["errcode"], 0, "{expense}");
    assert_eq!(expense["template_names"], json!([{ "text": "报销 Expense", "lang": "zh_CN" }]));
    let controls = expense["template_content"]["controls"].as_array().expect("controls");
    let names: Vec<&str> = controls.iter().filter_map(|c| c["property"]["control"].as_str()).collect();
    assert_eq!(names, ["Money", "Textarea", "Date", "File"]);
    assert_eq!(controls[0]["property"]["id"], "amount");
    assert_eq!(controls[0]["property"]["require"], 1);
    assert_eq!(controls[0]["property"]["title"][0]["text"], "金额 Amount");
    assert_eq!(controls[2]["config"]["date"]["type"], "day");
    assert_eq!(controls[3]["property"]["require"], 0);

    let leave = wecom_post(&app, &path, &format!(r#"{{"template_id":"{}"}}"#, id_of("请假 Leave"))).await;
    let selector = &leave["template_content"]["controls"][0];
    assert_eq!(selector["property"]["control"], "Selector", "{leave}");
    assert_eq!(selector["config"]["selector"]["type"], "single");
    assert_eq!(
        selector["config"]["selector"]["options"][0],
        json!({ "key": "annual", "value": [{ "text": "年假 Annual", "lang": "zh_CN" }] })
    );

    // Wrong or unknown ids are WeCom's parameter error; an app without the scope is refused.
    for body in [r#"{}"#, r#"{"template_id":"not-an-id"}"#, r#"{"template_id":"00000000-0000-7000-8000-000000000000"}"#]
    {
        assert_eq!(wecom_post(&app, &path, body).await["errcode"], 301025, "{body}");
    }
    let reader = make_app(&app, &admin, json!(["directory_read"]), json!([])).await;
    let reader_token = token(&app, &reader).await;
    let refused = wecom_post(
        &app,
        &format!("/cgi-bin/oa/gettemplatedetail?access_token={reader_token}"),
        &format!(r#"{{"template_id":"{}"}}"#, id_of("报销 Expense")),
    )
    .await;
    assert_eq!(refused["errcode"], 301055, "{refused}");
}
