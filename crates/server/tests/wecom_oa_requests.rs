//! Approval requests through the WeCom-compatible API: `oa/applyevent` submits in a member's
//! name through the same rules as the app (the chain follows the directory, the approver sees
//! it in their waiting box), `oa/getapprovalinfo` lists by time with WeCom's filters and
//! cursors, and `oa/getapprovaldetail` shows decisions with WeCom's status numbers.

mod common;

use axum::http::Method;
use common::TestApp;
use common::wecom::{make_app, token, wecom_post};
use serde_json::{Value, json};

struct Oa {
    app: TestApp,
    admin: String,
    access: String,
    leave: String,
}

impl Oa {
    async fn new() -> Self {
        let app = TestApp::new();
        let admin = app.login("admin").await;
        let templates = app.call(Method::GET, "/api/v1/approvals/templates", Some(&admin), None).await;
        let leave = templates
            .body
            .as_array()
            .and_then(|list| list.iter().find(|t| t["name"] == "请假 Leave"))
            .and_then(|t| t["id"].as_str())
            .expect("the demo leave template")
            .to_owned();
        let integration = make_app(&app, &admin, json!(["approvals"]), json!([])).await;
        let access = token(&app, &integration).await;
        Self { app, admin, access, leave }
    }

    async fn post(&self, call: &str, body: &Value) -> Value {
        wecom_post(&self.app, &format!("/cgi-bin/oa/{call}?access_token={}", self.access), &body.to_string()).await
    }

    fn leave_request(&self, creator: &str, note: &str) -> Value {
        json!({
            "creator_userid": creator,
            "template_id": self.leave,
            "use_template_approver": "1",
            "apply_data": { "contents": [
                { "control": "Selector", "id": "type", "value": { "selector": { "type": "single", "options": [{ "key": "sick" }] } } },
                // 2026-12-01 and 2026-12-02, China Standard Time.
                { "control": "DateRange", "id": "period", "value": { "date_range": { "type": "day", "new_begin": 1_796_054_400, "new_end": "1796140800" } } },
                { "control": "Textarea", "id": "note", "value": { "text": note } },
            ] },
            "summary_list": [{ "summary_info": [{ "text": "病假", "lang": "zh_CN" }] }],
        })
    }

    async fn apply(&self, creator: &str, note: &str) -> String {
        let reply = self.post("applyevent", &self.leave_request(creator, note)).await;
        assert_eq!(reply["errcode"], 0, "{reply}");
        reply["sp_no"].as_str().expect("sp_no").to_owned()
    }

    async fn detail(&self, sp_no: &str) -> Value {
        let reply = self.post("getapprovaldetail", &json!({ "sp_no": sp_no })).await;
        assert_eq!(reply["errcode"], 0, "{reply}");
        reply["info"].clone()
    }

    async fn numbers(&self, body: Value) -> Value {
        let reply = self.post("getapprovalinfo", &body).await;
        assert_eq!(reply["errcode"], 0, "{reply}");
        reply
    }
}

/// A time range around now, in seconds, as WeCom takes it.
fn around_now() -> (i64, i64) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let now = i64::try_from(now).expect("seconds");
    (now - 3600, now + 3600)
}

#[tokio::test]
async fn a_request_submitted_by_an_app_is_decided_in_the_app_and_read_back_in_wecom_s_shape() {
    let oa = Oa::new().await;
    let note = "家中有事 <script>alert(1)</script>";
    let sp_no = oa.apply("yangfan", note).await;

    // The chain follows the directory: 前端组's leader has it waiting, as with the app's Submit.
    let zhangsan = oa.app.login("zhangsan").await;
    let waiting = oa.app.call(Method::GET, "/api/v1/approvals/requests?box=waiting", Some(&zhangsan), None).await;
    assert_eq!(waiting.body[0]["id"], sp_no.as_str(), "{}", waiting.body);

    let info = oa.detail(&sp_no).await;
    assert_eq!(info["sp_status"], 1);
    assert_eq!(info["sp_name"], "请假 Leave");
    assert_eq!(info["template_id"], oa.leave.as_str());
    assert_eq!(info["applyer"]["userid"], "yangfan");
    assert!(info["applyer"]["partyid"].as_str().is_some_and(|id| id.parse::<i64>().is_ok()), "{info}");
    assert_eq!(info["sp_record"][0]["approverattr"], 1);
    assert_eq!(info["sp_record"][0]["details"][0]["approver"]["userid"], "zhangsan");
    assert_eq!(info["sp_record"][0]["details"][0]["sp_status"], 1);
    let contents = &info["apply_data"]["contents"];
    assert_eq!(contents[0]["value"]["selector"]["options"][0]["key"], "sick");
    assert_eq!(contents[1]["value"]["date_range"]["new_begin"], "1796054400");
    assert_eq!(contents[1]["value"]["date_range"]["new_end"], "1796140800");
    assert_eq!(contents[2]["value"]["text"], note, "text is kept as written, never interpreted");

    // The approver decides in the app; WeCom's numbers follow.
    let decision = json!({ "client_id": uuid::Uuid::new_v4(), "decision": "approve", "comment": "同意，注意休息" });
    let decided = oa
        .app
        .call(Method::POST, &format!("/api/v1/approvals/requests/{sp_no}/decision"), Some(&zhangsan), Some(decision))
        .await;
    assert!(decided.status.is_success(), "{}", decided.body);
    let info = oa.detail(&sp_no).await;
    assert_eq!(info["sp_status"], 2);
    let approver = &info["sp_record"][0]["details"][0];
    assert_eq!((approver["sp_status"].clone(), approver["speech"].clone()), (json!(2), json!("同意，注意休息")));
    assert!(approver["sptime"].as_i64().is_some_and(|at| at > 1_700_000_000), "{approver}");

    // Submitting through the API is on the audit log in the app's name.
    let audit = oa
        .app
        .call(Method::GET, "/api/v1/admin/audit?action=integration_approval_submitted", Some(&oa.admin), None)
        .await;
    assert_eq!(audit.body["entries"][0]["detail"]["sp_no"], sp_no.as_str(), "{}", audit.body);
}

#[tokio::test]
async fn request_numbers_are_listed_by_time_with_wecom_s_filters_and_cursors() {
    let oa = Oa::new().await;
    let first = oa.apply("yangfan", "第一").await;
    let second = oa.apply("zhangsan", "第二").await;
    let third = oa.apply("yangfan", "第三").await;
    let (start, end) = around_now();

    let all = oa.numbers(json!({ "starttime": start, "endtime": end, "cursor": 0, "size": 100 })).await;
    assert_eq!(all["sp_no_list"], json!([first, second, third]));
    assert_eq!(all["new_next_cursor"], "");

    // Pages of two: the cursor (old and new style) goes on where the last page ended.
    let page = oa.numbers(json!({ "starttime": start.to_string(), "endtime": end, "size": "2" })).await;
    assert_eq!(page["sp_no_list"], json!([first, second]));
    assert_eq!(page["next_cursor"], 2);
    let next = oa
        .numbers(json!({ "starttime": start, "endtime": end, "size": 2, "new_cursor": page["new_next_cursor"] }))
        .await;
    assert_eq!(next["sp_no_list"], json!([third]));

    // Filters, also sent as `filter` as some SDKs do.
    let mine = oa
        .numbers(json!({ "starttime": start, "endtime": end, "filters": [{ "key": "creator", "value": "yangfan" }] }))
        .await;
    assert_eq!(mine["sp_no_list"], json!([first, third]));
    let by_template = oa
        .numbers(json!({ "starttime": start, "endtime": end, "filter": [{ "key": "template_id", "value": oa.leave }, { "key": "sp_status", "value": 1 }] }))
        .await;
    assert_eq!(by_template["sp_no_list"], json!([first, second, third]));
    let approved = oa
        .numbers(json!({ "starttime": start, "endtime": end, "filters": [{ "key": "sp_status", "value": "2" }] }))
        .await;
    assert_eq!(approved["sp_no_list"], json!([]));
    let nobody = oa
        .numbers(
            json!({ "starttime": start, "endtime": end, "filters": [{ "key": "creator", "value": "no-such-user" }] }),
        )
        .await;
    assert_eq!(nobody["sp_no_list"], json!([]));
    let earlier = oa.numbers(json!({ "starttime": start - 86_400, "endtime": start - 3600 })).await;
    assert_eq!(earlier["sp_no_list"], json!([]));
}

#[tokio::test]
async fn wrong_requests_get_wecom_s_parameter_error_and_nothing_is_submitted() {
    let oa = Oa::new().await;
    let (start, end) = around_now();
    let mut chosen_approvers = oa.leave_request("yangfan", "x");
    chosen_approvers["use_template_approver"] = json!(0);
    chosen_approvers["approver"] = json!([{ "attr": 1, "userid": ["lisi"] }]);
    let mut unknown_creator = oa.leave_request("ghost", "x");
    unknown_creator["creator_userid"] = json!("ghost");
    let mut unknown_control = oa.leave_request("yangfan", "x");
    unknown_control["apply_data"]["contents"][2]["id"] = json!("../../etc/passwd");
    let mut missing_period = oa.leave_request("yangfan", "x");
    missing_period["apply_data"]["contents"].as_array_mut().expect("list").remove(1);
    let mut bad_template = oa.leave_request("yangfan", "x");
    bad_template["template_id"] = json!("not-a-template");
    for (what, body, names) in [
        ("approvers chosen per request", chosen_approvers, "use_template_approver"),
        ("unknown creator", unknown_creator, "creator_userid"),
        ("unknown control", unknown_control, "../../etc/passwd"),
        ("a required field missing", missing_period, "period"),
        ("a wrong template id", bad_template, "template_id"),
    ] {
        let reply = oa.post("applyevent", &body).await;
        assert_eq!(reply["errcode"], 301025, "{what}: {reply}");
        assert!(reply["errmsg"].as_str().is_some_and(|message| message.contains(names)), "{what}: {reply}");
    }
    let none = oa.numbers(json!({ "starttime": start, "endtime": end })).await;
    assert_eq!(none["sp_no_list"], json!([]), "nothing was submitted");

    for body in [
        json!({ "starttime": start, "endtime": start + 32 * 86_400 }),
        json!({ "starttime": end, "endtime": start }),
        json!({ "starttime": start, "endtime": end, "size": 101 }),
        json!({ "starttime": start, "endtime": end, "filters": [{ "key": "record_type", "value": 1 }] }),
        json!({ "endtime": end }),
    ] {
        assert_eq!(oa.post("getapprovalinfo", &body).await["errcode"], 301025, "{body}");
    }
    for sp_no in ["", "202612010001", "00000000-0000-7000-8000-000000000000"] {
        assert_eq!(oa.post("getapprovaldetail", &json!({ "sp_no": sp_no })).await["errcode"], 301025, "{sp_no}");
    }
}

#[tokio::test]
async fn apps_without_the_approvals_scope_cannot_submit_list_or_read_requests() {
    let oa = Oa::new().await;
    let sp_no = oa.apply("yangfan", "x").await;
    let directory = make_app(&oa.app, &oa.admin, json!(["directory_read", "directory_write"]), json!([])).await;
    let access = token(&oa.app, &directory).await;
    let (start, end) = around_now();
    for (call, body) in [
        ("applyevent", oa.leave_request("yangfan", "y")),
        ("getapprovalinfo", json!({ "starttime": start, "endtime": end })),
        ("getapprovaldetail", json!({ "sp_no": sp_no })),
    ] {
        let reply = wecom_post(&oa.app, &format!("/cgi-bin/oa/{call}?access_token={access}"), &body.to_string()).await;
        assert_eq!(reply["errcode"], 301055, "{call}: {reply}");
    }
    let reply = wecom_post(&oa.app, "/cgi-bin/oa/getapprovaldetail?access_token=forged", r#"{"sp_no":"x"}"#).await;
    assert_eq!(reply["errcode"], 40014, "{reply}");
}
