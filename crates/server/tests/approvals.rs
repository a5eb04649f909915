//! Approvals over HTTP: the seeded templates and their chains, every state transition (allowed and
//! refused with a 409 that explains why), the read/decide permission matrix, versioning,
//! idempotent submits and decisions, comments, admin template management, and the feed.

mod common;

use axum::http::{Method, StatusCode};
use common::{Reply, TestApp, assert_error};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

struct Fixture {
    app: TestApp,
    ids: HashMap<String, String>,
    tokens: HashMap<String, String>,
}

impl Fixture {
    async fn new() -> Self {
        let app = TestApp::new();
        let admin = app.login("admin").await;
        let ids = app.member_ids(&admin).await;
        Self { app, ids, tokens: HashMap::from([("admin".to_owned(), admin)]) }
    }

    async fn token(&mut self, userid: &str) -> String {
        if let Some(token) = self.tokens.get(userid) {
            return token.clone();
        }
        let token = self.app.login(userid).await;
        self.tokens.insert(userid.to_owned(), token.clone());
        token
    }

    fn id(&self, userid: &str) -> String {
        self.ids.get(userid).cloned().unwrap_or_else(|| panic!("no member {userid}"))
    }

    async fn call(&mut self, userid: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let token = self.token(userid).await;
        self.app.call(method, path, Some(&token), body).await
    }

    /// The seeded template with this icon: (id, version).
    async fn template(&mut self, icon: &str) -> (String, u64) {
        let reply = self.call("zhangsan", Method::GET, "/api/v1/approvals/templates", None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let template = reply.body.as_array().and_then(|t| t.iter().find(|t| t["icon"] == icon)).expect("template");
        (template["id"].as_str().expect("id").to_owned(), template["version"].as_u64().expect("version"))
    }

    async fn submit_with(&mut self, userid: &str, template: &(String, u64), form: Value, client_id: &str) -> Reply {
        let body =
            json!({ "client_id": client_id, "template_id": template.0, "template_version": template.1, "form": form });
        self.call(userid, Method::POST, "/api/v1/approvals/requests", Some(body)).await
    }

    /// Submits and expects 201; the request id.
    async fn submit(&mut self, userid: &str, template: &(String, u64), form: Value) -> String {
        let reply = self.submit_with(userid, template, form, &Uuid::new_v4().to_string()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body["request"]["id"].as_str().expect("id").to_owned()
    }

    async fn decide_with(&mut self, userid: &str, request: &str, decision: &str, client_id: &str) -> Reply {
        let body = json!({ "client_id": client_id, "decision": decision, "comment": format!("{userid}: {decision}") });
        self.call(userid, Method::POST, &format!("/api/v1/approvals/requests/{request}/decision"), Some(body)).await
    }

    async fn decide(&mut self, userid: &str, request: &str, decision: &str) -> Reply {
        self.decide_with(userid, request, decision, &Uuid::new_v4().to_string()).await
    }

    async fn read(&mut self, userid: &str, request: &str) -> Reply {
        self.call(userid, Method::GET, &format!("/api/v1/approvals/requests/{request}"), None).await
    }

    async fn withdraw(&mut self, userid: &str, request: &str) -> Reply {
        let body = json!({ "client_id": Uuid::new_v4() });
        self.call(userid, Method::POST, &format!("/api/v1/approvals/requests/{request}/withdraw"), Some(body)).await
    }

    async fn list(&mut self, userid: &str, query: &str) -> Vec<String> {
        let reply = self.call(userid, Method::GET, &format!("/api/v1/approvals/requests?{query}"), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body.as_array().expect("list").iter().map(|r| r["id"].as_str().unwrap_or("").to_owned()).collect()
    }

    /// A template made by the admin for a test: one text field and these steps and CC lists.
    async fn custom(&mut self, steps: Value, cc_on_submit: Value) -> (String, u64) {
        let spec = json!({
            "name": "Custom", "icon": "custom",
            "controls": [{ "id": "what", "title": "What", "required": true, "kind": "text" }],
            "chain": { "steps": steps, "cc_on_submit": cc_on_submit, "fallback_approver": self.id("admin") },
        });
        let reply = self.call("admin", Method::POST, "/api/v1/approvals/templates", Some(spec)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        (reply.body["id"].as_str().expect("id").to_owned(), 1)
    }

    fn members(&self, userids: &[&str]) -> Value {
        json!({ "source": "members", "members": userids.iter().map(|u| self.id(u)).collect::<Vec<_>>() })
    }
}

fn expense(cents: i64) -> Value {
    json!({
        "amount": { "kind": "money", "value": cents },
        "reason": { "kind": "text", "value": "客户拜访差旅" },
        "date": { "kind": "date", "value": "2025-03-01" },
    })
}

fn text_form() -> Value {
    json!({ "what": { "kind": "text", "value": "a thing" } })
}

/// Each step's approvers (as ids) and status.
fn steps(reply: &Reply) -> Vec<(Vec<String>, String)> {
    reply.body["request"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            let approvers = s["approvers"].as_array().expect("approvers");
            (
                approvers.iter().map(|a| a["member_id"].as_str().unwrap_or("").to_owned()).collect(),
                s["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn status(reply: &Reply) -> u64 {
    reply.body["request"]["status"].as_u64().expect("status")
}

fn conflict_says(reply: &Reply, words: &str) {
    assert_error(reply, StatusCode::CONFLICT, "conflict");
    let message = reply.body["message"].as_str().unwrap_or("");
    assert!(message.contains(words), "{words:?} in {message:?}");
}

#[tokio::test]
async fn a_small_expense_goes_to_the_direct_leader_and_copies_the_finance_leader_on_approval() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(50_000)).await;
    let reply = f.read("yangfan", &id).await;
    assert_eq!(status(&reply), 1);
    assert_eq!(steps(&reply), vec![(vec![f.id("zhangsan")], "active".into())], "no finance step under 10,000.00");
    assert_eq!(f.list("zhangsan", "box=waiting").await, vec![id.clone()]);
    assert_error(&f.read("huangli", &id).await, StatusCode::NOT_FOUND, "not_found");
    assert!(f.list("huangli", "box=cc").await.is_empty(), "copied only on completion");

    let reply = f.decide("zhangsan", &id, "approve").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(status(&reply), 2);
    assert_eq!(reply.body["request"]["current_step"], Value::Null);
    assert_eq!(steps(&reply), vec![(vec![f.id("zhangsan")], "approved".into())]);
    let actions: Vec<&str> =
        reply.body["request"]["audit"].as_array().expect("audit").iter().filter_map(|a| a["action"].as_str()).collect();
    assert_eq!(actions, vec!["submitted", "approved"]);
    assert_eq!(reply.body["request"]["steps"][0]["approvers"][0]["comment"], "zhangsan: approve");
    assert_eq!(f.read("huangli", &id).await.status, StatusCode::OK, "the finance leader is copied now");
    assert_eq!(f.list("huangli", "box=cc").await, vec![id.clone()]);
    assert!(f.list("zhangsan", "box=waiting").await.is_empty());
    assert_eq!(f.list("zhangsan", "box=done").await, vec![id.clone()]);
    assert_eq!(f.list("yangfan", "box=submitted&status=2").await, vec![id.clone()]);
    assert!(f.list("yangfan", "box=submitted&status=1").await.is_empty());
    assert_eq!(f.list("yangfan", &format!("box=submitted&template={}", template.0)).await, vec![id.clone()]);
    // Finished: no withdrawing, but comments are still welcome.
    conflict_says(&f.withdraw("yangfan", &id).await, "already approved");
    let path = format!("/api/v1/approvals/requests/{id}/comments");
    let reply =
        f.call("huangli", Method::POST, &path, Some(json!({ "client_id": Uuid::new_v4(), "text": "已入账" }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(status(&reply), 2);
}

#[tokio::test]
async fn a_large_expense_adds_finance_where_one_approval_decides() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(1_000_001)).await;
    let reply = f.read("yangfan", &id).await;
    assert_eq!(
        steps(&reply),
        vec![(vec![f.id("zhangsan")], "active".into()), (vec![f.id("wuxia"), f.id("heyun")], "waiting".into())]
    );
    assert_eq!(reply.body["request"]["steps"][1]["mode"], "any_one");
    conflict_says(&f.decide("wuxia", &id, "approve").await, "has not started");
    assert_eq!(f.decide("zhangsan", &id, "approve").await.status, StatusCode::CREATED);
    assert_eq!(f.list("wuxia", "box=waiting").await, vec![id.clone()]);
    let reply = f.decide("heyun", &id, "approve").await;
    assert_eq!(status(&reply), 2, "{}", reply.body);
    conflict_says(&f.decide("wuxia", &id, "approve").await, "already approved: there is nothing left to decide");
    // Exactly 10,000.00 is not above the threshold.
    let id = f.submit("yangfan", &template, expense(1_000_000)).await;
    assert_eq!(steps(&f.read("yangfan", &id).await).len(), 1);
}

#[tokio::test]
async fn another_approver_deciding_an_any_one_step_is_explained() {
    let mut f = Fixture::new().await;
    let steps_json = json!([
        { "name": "Finance", "approvers": f.members(&["wuxia", "heyun"]), "mode": "any_one" },
        { "name": "Lead", "approvers": f.members(&["huangli"]), "mode": "any_one" },
    ]);
    let template = f.custom(steps_json, json!([])).await;
    let id = f.submit("yangfan", &template, text_form()).await;
    assert_eq!(f.decide("wuxia", &id, "approve").await.status, StatusCode::CREATED);
    let reply = f.decide("heyun", &id, "approve").await;
    conflict_says(&reply, "吴霞 already approved it (one approval decides this step)");
    conflict_says(&reply, "moved on to step 2");
    let reason = &reply.body["reason"];
    assert_eq!(
        (reason["area"].as_str(), reason["kind"].as_str(), reason["by_name"].as_str()),
        (Some("approval"), Some("already_decided_by_other"), Some("吴霞")),
        "the app translates this: {reason}"
    );
    assert_eq!((reason["step"].as_u64(), reason["current_step"].as_u64()), (Some(0), Some(1)));
    assert_eq!(reason["by"].as_str(), Some(f.id("wuxia").as_str()));
}

#[tokio::test]
async fn an_all_step_needs_every_approver() {
    let mut f = Fixture::new().await;
    let steps_json = json!([{ "name": "Both", "approvers": f.members(&["wuxia", "heyun"]), "mode": "all" }]);
    let template = f.custom(steps_json, json!([])).await;
    let id = f.submit("yangfan", &template, text_form()).await;
    let reply = f.decide("wuxia", &id, "approve").await;
    assert_eq!(status(&reply), 1, "still waiting for 何芸");
    assert_eq!(reply.body["request"]["current_step"], 0);
    conflict_says(&f.decide("wuxia", &id, "approve").await, "you already approved step 1");
    assert!(f.list("wuxia", "box=waiting").await.is_empty());
    assert_eq!(f.list("heyun", "box=waiting").await, vec![id.clone()]);
    assert_eq!(status(&f.decide("heyun", &id, "approve").await), 2);
}

#[tokio::test]
async fn a_rejection_ends_the_request() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(2_000_000)).await;
    let reply = f.decide("zhangsan", &id, "reject").await;
    assert_eq!(status(&reply), 3);
    assert_eq!(
        steps(&reply).into_iter().map(|(_, s)| s).collect::<Vec<_>>(),
        vec!["rejected".to_owned(), "cancelled".to_owned()]
    );
    conflict_says(&f.decide("wuxia", &id, "approve").await, "already rejected");
    conflict_says(&f.decide("zhangsan", &id, "approve").await, "already rejected");
    conflict_says(&f.withdraw("yangfan", &id).await, "only a request in review can be withdrawn");
}

#[tokio::test]
async fn the_applicant_withdraws_while_in_review_only() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(100)).await;
    assert_error(&f.withdraw("zhangsan", &id).await, StatusCode::FORBIDDEN, "forbidden");
    assert_error(&f.withdraw("liuyang", &id).await, StatusCode::NOT_FOUND, "not_found");
    let reply = f.withdraw("yangfan", &id).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(status(&reply), 4);
    assert_eq!(steps(&reply)[0].1, "cancelled");
    conflict_says(&f.decide("zhangsan", &id, "approve").await, "the applicant withdrew the request");
    conflict_says(&f.withdraw("yangfan", &id).await, "already withdrawn");
}

#[tokio::test]
async fn who_may_read_and_who_may_decide() {
    let mut f = Fixture::new().await;
    let steps_json = json!([
        { "name": "Leader", "approvers": { "source": "direct_leader" }, "mode": "any_one" },
        { "name": "Finance", "approvers": f.members(&["wuxia"]), "mode": "any_one" },
    ]);
    let cc = json!([f.members(&["chenjing"])]);
    let template = f.custom(steps_json, cc).await;
    let id = f.submit("yangfan", &template, text_form()).await;
    // Applicant, current approver, later approver, CC'd member, admin: may read; others: 404.
    for userid in ["yangfan", "zhangsan", "wuxia", "chenjing", "admin"] {
        assert_eq!(f.read(userid, &id).await.status, StatusCode::OK, "{userid} reads");
    }
    assert_error(&f.read("liuyang", &id).await, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(f.list("chenjing", "box=cc").await, vec![id.clone()]);
    // Deciding: only the current step's approvers.
    for userid in ["yangfan", "chenjing", "admin"] {
        assert_error(&f.decide(userid, &id, "approve").await, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_error(&f.decide("liuyang", &id, "approve").await, StatusCode::NOT_FOUND, "not_found");
    conflict_says(&f.decide("wuxia", &id, "approve").await, "your step 2 (Finance) has not started");
    assert_eq!(f.decide("zhangsan", &id, "approve").await.status, StatusCode::CREATED);
    conflict_says(&f.decide("zhangsan", &id, "approve").await, "step 1 (Leader) is finished");
    assert_eq!(status(&f.decide("wuxia", &id, "approve").await), 2);
}

#[tokio::test]
async fn submits_and_decisions_are_idempotent_on_the_client_id() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let client_id = Uuid::new_v4().to_string();
    let first = f.submit_with("yangfan", &template, expense(100), &client_id).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = f.submit_with("yangfan", &template, expense(999), &client_id).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["request"]["id"], first.body["request"]["id"]);
    assert_eq!(again.body["request"]["form"]["amount"]["value"], 100, "the original is returned");
    let id = first.body["request"]["id"].as_str().expect("id").to_owned();
    assert_eq!(f.list("yangfan", "box=submitted").await, vec![id.clone()]);

    let decision = Uuid::new_v4().to_string();
    assert_eq!(f.decide_with("zhangsan", &id, "approve", &decision).await.status, StatusCode::CREATED);
    let retry = f.decide_with("zhangsan", &id, "approve", &decision).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(status(&retry), 2);
    assert_eq!(retry.body["request"]["audit"].as_array().map(Vec::len), Some(2), "nothing recorded twice");
}

#[tokio::test]
async fn editing_a_template_makes_a_version_and_old_requests_keep_theirs() {
    let mut f = Fixture::new().await;
    let template = f.template("leave").await;
    let form = json!({
        "type": { "kind": "selected", "value": ["annual"] },
        "period": { "kind": "date_range", "value": { "start": "2025-05-01", "end": "2025-05-03" } },
    });
    let id = f.submit("yangfan", &template, form.clone()).await;
    let reply = f.call("admin", Method::GET, &format!("/api/v1/approvals/templates/{}", template.0), None).await;
    let mut spec = reply.body.clone();
    for field in ["id", "version", "created_at"] {
        spec.as_object_mut().expect("object").remove(field);
    }
    spec["controls"]
        .as_array_mut()
        .expect("controls")
        .push(json!({ "id": "handover", "title": "工作交接", "required": true, "kind": "text" }));
    let path = format!("/api/v1/approvals/templates/{}", template.0);
    let reply = f.call("admin", Method::PUT, &path, Some(spec)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["version"], 2);
    let old = f.read("yangfan", &id).await;
    assert_eq!(old.body["request"]["template_version"], 1);
    assert_eq!(old.body["template"]["version"], 1);
    assert_eq!(old.body["template"]["controls"].as_array().map(Vec::len), Some(3), "the old form");
    conflict_says(&f.submit_with("yangfan", &template, form.clone(), &Uuid::new_v4().to_string()).await, "reload");
    let current = (template.0.clone(), 2);
    let reply = f.submit_with("yangfan", &current, form, &Uuid::new_v4().to_string()).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("handover: required")), "{}", reply.body);
}

#[tokio::test]
async fn leave_and_purchase_chains_follow_the_directory() {
    let mut f = Fixture::new().await;
    let leave = f.template("leave").await;
    let form = json!({
        "type": { "kind": "selected", "value": ["sick"] },
        "period": { "kind": "date_range", "value": { "start": "2025-05-01", "end": "2025-05-01" } },
    });
    let id = f.submit("yangfan", &leave, form.clone()).await;
    assert_eq!(steps(&f.read("yangfan", &id).await)[0].0, vec![f.id("zhangsan")], "the leader of 前端组");
    let id = f.submit("zhangsan", &leave, form).await;
    assert_eq!(steps(&f.read("zhangsan", &id).await)[0].0, vec![f.id("wangwu")], "a leader goes one level up");

    let purchase = f.template("purchase").await;
    let items = json!({ "items": { "kind": "rows", "value": [{
        "name": { "kind": "text", "value": "显示器" },
        "qty": { "kind": "number", "value": "2" },
        "price": { "kind": "money", "value": 129_900 },
    }] } });
    let id = f.submit("zhangsan", &purchase, items.clone()).await;
    let reply = f.read("zhangsan", &id).await;
    assert_eq!(steps(&reply), vec![(vec![f.id("wangwu")], "active".into()), (vec![f.id("admin")], "waiting".into())]);
    // The admin's own purchase: the admin step resolves to nobody else, so the fallback
    // approver — the admin themself — is unavoidable.
    let id = f.submit("admin", &purchase, items).await;
    let reply = f.read("admin", &id).await;
    assert_eq!(steps(&reply), vec![(vec![f.id("gaoyuan")], "active".into()), (vec![f.id("admin")], "waiting".into())]);
    assert_eq!(reply.body["request"]["steps"][1]["fallback"], true);
}

#[tokio::test]
async fn forms_are_validated_and_contacts_must_exist() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let reply = f
        .submit_with(
            "yangfan",
            &template,
            json!({ "amount": { "kind": "money", "value": -5 } }),
            "00000000-0000-0000-0000-000000000001",
        )
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let message = reply.body["message"].as_str().unwrap_or("");
    for words in ["amount: an amount cannot be negative", "reason: required", "date: required"] {
        assert!(message.contains(words), "{words} in {message}");
    }
    // The same problems, typed, for the app to place beside the fields.
    let problems = reply.body["problems"].as_array().cloned().unwrap_or_default();
    for expected in [
        json!({ "path": "form.amount", "rule": "negative" }),
        json!({ "path": "form.reason", "rule": "required" }),
        json!({ "path": "form.date", "rule": "required" }),
    ] {
        assert!(problems.contains(&expected), "{expected} in {}", reply.body);
    }
    let spec = json!({
        "name": "Handover", "icon": "handover",
        "controls": [
            { "id": "to", "title": "To", "required": true, "kind": "contact", "target": "members", "multi": false },
            { "id": "files", "title": "Files", "required": false, "kind": "file" },
        ],
        "chain": { "steps": [{ "name": "Leader", "approvers": { "source": "direct_leader" }, "mode": "any_one" }],
                   "fallback_approver": f.id("admin") },
    });
    let reply = f.call("admin", Method::POST, "/api/v1/approvals/templates", Some(spec)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let handover = (reply.body["id"].as_str().expect("id").to_owned(), 1);
    let nobody = json!({ "to": { "kind": "members", "value": [Uuid::new_v4()] } });
    let reply = f.submit_with("yangfan", &handover, nobody, &Uuid::new_v4().to_string()).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(reply.body["problems"][0]["rule"], "unknown_member", "{}", reply.body);
    // A member hidden from the applicant cannot be picked, as if they did not exist.
    let hide = format!("/api/v1/admin/visibility/members/{}", f.id("chenjing"));
    assert_eq!(f.call("admin", Method::PUT, &hide, Some(json!({}))).await.status, StatusCode::NO_CONTENT);
    let hidden = json!({ "to": { "kind": "members", "value": [f.id("chenjing")] } });
    let reply = f.submit_with("yangfan", &handover, hidden, &Uuid::new_v4().to_string()).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    // Files must be the applicant's own uploads.
    let unknown = json!({ "to": { "kind": "members", "value": [f.id("lisi")] }, "files": { "kind": "files", "value": [Uuid::new_v4()] } });
    let reply = f.submit_with("yangfan", &handover, unknown, &Uuid::new_v4().to_string()).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("not one you uploaded")), "{}", reply.body);
    let token = f.token("yangfan").await;
    let (status, upload) =
        f.app.upload(&token, &format!("client_id={}&name=invoice.txt", Uuid::new_v4()), b"invoice").await;
    assert_eq!(status, StatusCode::CREATED, "{upload}");
    let own = json!({ "to": { "kind": "members", "value": [f.id("lisi")] }, "files": { "kind": "files", "value": [upload["id"]] } });
    assert_eq!(f.submit_with("yangfan", &handover, own, &Uuid::new_v4().to_string()).await.status, StatusCode::CREATED);
    // A file an approval request carries is never collected as unused.
    f.app.state.clock.advance(weft_server::file_gc::UNUSED_FILE_GRACE_MS + 60_000);
    weft_server::file_gc::collect(&f.app.state).await;
    let link = format!("/api/v1/attachments/{}/url", upload["id"].as_str().expect("id"));
    assert_eq!(f.app.call(Method::GET, &link, Some(&token), None).await.status, StatusCode::OK);
    let colleague = json!({ "to": { "kind": "members", "value": [f.id("lisi")] } });
    assert_eq!(
        f.submit_with("yangfan", &handover, colleague, &Uuid::new_v4().to_string()).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn participants_comment_and_the_trail_records_it() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(100)).await;
    let path = format!("/api/v1/approvals/requests/{id}/comments");
    let reply = f
        .call("zhangsan", Method::POST, &path, Some(json!({ "client_id": Uuid::new_v4(), "text": " 请补充发票 " })))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let last = reply.body["request"]["audit"].as_array().and_then(|a| a.last()).cloned().expect("entry");
    assert_eq!(
        (last["action"].clone(), last["comment"].clone(), last["actor_name"].clone()),
        (json!("commented"), json!("请补充发票"), json!("张三"))
    );
    let empty =
        f.call("yangfan", Method::POST, &path, Some(json!({ "client_id": Uuid::new_v4(), "text": "  " }))).await;
    assert_error(&empty, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let stranger =
        f.call("liuyang", Method::POST, &path, Some(json!({ "client_id": Uuid::new_v4(), "text": "hi" }))).await;
    assert_error(&stranger, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn only_admins_manage_templates_and_bad_templates_are_refused() {
    let mut f = Fixture::new().await;
    let (id, _) = f.template("purchase").await;
    let spec = json!({ "name": "X", "icon": "x", "controls": [], "chain": { "steps": [], "fallback_approver": f.id("admin") } });
    let reply = f.call("zhangsan", Method::POST, "/api/v1/approvals/templates", Some(spec.clone())).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    let reply = f.call("admin", Method::POST, "/api/v1/approvals/templates", Some(spec)).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("controls: at least one")), "{}", reply.body);
    let path = format!("/api/v1/approvals/templates/{id}");
    assert_error(&f.call("zhangsan", Method::DELETE, &path, None).await, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(f.call("admin", Method::DELETE, &path, None).await.status, StatusCode::NO_CONTENT);
    assert_error(&f.call("zhangsan", Method::GET, &path, None).await, StatusCode::NOT_FOUND, "not_found");
    let reply = f.call("zhangsan", Method::GET, "/api/v1/approvals/templates", None).await;
    assert_eq!(reply.body.as_array().map(Vec::len), Some(2));
    let reply = f.submit_with("zhangsan", &(id.clone(), 1), json!({}), &Uuid::new_v4().to_string()).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
    // Editing: an archived or unknown template is not found; a chain naming nobody real is refused.
    let (leave, _) = f.template("leave").await;
    let mut spec = f.call("admin", Method::GET, &format!("/api/v1/approvals/templates/{leave}"), None).await.body;
    assert_error(&f.call("admin", Method::PUT, &path, Some(spec.clone())).await, StatusCode::NOT_FOUND, "not_found");
    spec["chain"]["fallback_approver"] = json!(Uuid::new_v4());
    let reply = f.call("admin", Method::PUT, &format!("/api/v1/approvals/templates/{leave}"), Some(spec)).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("does not exist")), "{}", reply.body);
}

#[tokio::test]
async fn the_feed_tells_each_reader_and_nobody_else() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let (zhangsan, liuyang) = (f.token("zhangsan").await, f.token("liuyang").await);
    let (from_z, from_l) = (f.app.cursor(&zhangsan).await, f.app.cursor(&liuyang).await);
    let id = f.submit("yangfan", &template, expense(100)).await;
    let changes = f.app.pull_all(&zhangsan, from_z).await;
    let approvals: Vec<&Value> = changes.iter().filter(|c| c["type"] == "approval").collect();
    assert_eq!(approvals.len(), 1, "{changes:?}");
    assert_eq!(approvals[0]["request"]["id"], json!(id));
    assert_eq!(approvals[0]["request"]["status"], 1);
    assert!(f.app.pull_all(&liuyang, from_l).await.iter().all(|c| c["type"] != "approval"));
    f.decide("zhangsan", &id, "approve").await;
    let changes = f.app.pull_all(&zhangsan, from_z).await;
    let statuses: Vec<&Value> =
        changes.iter().filter(|c| c["type"] == "approval").map(|c| &c["request"]["status"]).collect();
    assert_eq!(statuses, vec![&json!(2), &json!(2)], "replayed changes show the current state");
}

impl Fixture {
    /// The member's Approvals conversation as listed, if they have one.
    async fn approvals_conversation(&mut self, userid: &str) -> Option<Value> {
        let reply = self.call(userid, Method::GET, "/api/v1/conversations", None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let list = reply.body.as_array().expect("conversations").clone();
        let mut found = list.into_iter().filter(|c| c["kind"] == "approvals");
        let first = found.next();
        assert!(found.next().is_none(), "one Approvals conversation per member");
        first
    }

    /// The cards in the member's Approvals conversation, oldest first: (request id, event).
    async fn cards(&mut self, userid: &str) -> Vec<(String, Value)> {
        let Some(conversation) = self.approvals_conversation(userid).await else {
            return Vec::new();
        };
        let path = format!("/api/v1/conversations/{}/messages", conversation["id"].as_str().expect("id"));
        let reply = self.call(userid, Method::GET, &path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| {
                assert_eq!(m["card"]["type"], "approval", "{m}");
                (m["card"]["request_id"].as_str().unwrap_or("").to_owned(), m["card"]["event"].clone())
            })
            .collect()
    }

    /// Uploads `bytes` as `userid`; the attachment id.
    async fn upload(&mut self, userid: &str, name: &str, bytes: &[u8]) -> String {
        let token = self.token(userid).await;
        let (status, file) = self.app.upload(&token, &format!("client_id={}&name={name}", Uuid::new_v4()), bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        file["id"].as_str().expect("id").to_owned()
    }

    /// `GET /attachments/{file}/url` as `userid`, and the bytes behind the link when there is one.
    async fn fetch_file(&mut self, userid: &str, file: &str) -> Result<Vec<u8>, Reply> {
        let reply = self.call(userid, Method::GET, &format!("/api/v1/attachments/{file}/url"), None).await;
        if reply.status != StatusCode::OK {
            return Err(reply);
        }
        let (status, _, bytes) = self.app.get_raw(reply.body["url"].as_str().expect("url")).await;
        assert_eq!(status, StatusCode::OK, "{userid} follows the link");
        Ok(bytes)
    }

    /// Asserts who may fetch `file`: the bytes for the allowed, 404 for the others.
    async fn assert_file_readers(&mut self, file: &str, bytes: &[u8], matrix: &[(&str, bool)]) {
        for (userid, allowed) in matrix {
            match self.fetch_file(userid, file).await {
                Ok(got) => {
                    assert!(allowed, "{userid} must not get a link");
                    assert_eq!(got, bytes, "{userid} downloads the file");
                }
                Err(reply) => {
                    assert!(!allowed, "{userid} should get a link: {} {}", reply.status, reply.body);
                    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
                }
            }
        }
    }
}

#[tokio::test]
async fn cards_reach_each_members_approvals_conversation_as_the_request_moves() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(1_000_001)).await;
    let cards = f.cards("zhangsan").await;
    assert_eq!(cards, vec![(id.clone(), json!({ "kind": "awaiting_you", "step": 0 }))]);
    let listed = f.approvals_conversation("zhangsan").await.expect("made with the first card");
    assert_eq!(listed["unread"], 1);
    let card = &listed["last_message"]["card"];
    assert_eq!(card["applicant_name"], "杨帆");
    assert!(
        card["lines"].as_array().expect("lines").iter().any(|l| l["value"] == "CNY 10,000.01"),
        "the amount is on the card: {card}"
    );
    assert!(listed["last_message"]["text"].as_str().unwrap_or("").contains("awaits your approval"));
    assert!(f.cards("wuxia").await.is_empty(), "finance's step has not started");
    assert!(f.cards("yangfan").await.is_empty());

    // Who still decides is part of the request's summary.
    let reply = f.call("zhangsan", Method::GET, "/api/v1/approvals/requests?box=waiting", None).await;
    assert_eq!(reply.body[0]["waiting_on"], json!([f.id("zhangsan")]));

    assert_eq!(f.decide("zhangsan", &id, "approve").await.status, StatusCode::CREATED);
    for finance in ["wuxia", "heyun"] {
        assert_eq!(f.cards(finance).await, vec![(id.clone(), json!({ "kind": "awaiting_you", "step": 1 }))]);
    }
    let reply = f.call("wuxia", Method::GET, "/api/v1/approvals/requests?box=waiting", None).await;
    assert_eq!(reply.body[0]["waiting_on"], json!([f.id("wuxia"), f.id("heyun")]));
    assert_eq!(f.cards("zhangsan").await.len(), 1, "nothing more for the leader");
    assert!(f.cards("yangfan").await.is_empty(), "still in review");

    assert_eq!(status(&f.decide("heyun", &id, "approve").await), 2);
    assert_eq!(f.cards("yangfan").await, vec![(id.clone(), json!({ "kind": "finished", "status": 2 }))]);
    assert_eq!(f.cards("huangli").await, vec![(id.clone(), json!({ "kind": "copied" }))], "completion CC");
    let reply = f.call("wuxia", Method::GET, &format!("/api/v1/approvals/requests/{id}"), None).await;
    assert_eq!(status(&reply), 2);

    // A rejection tells the applicant; a withdrawal posts nothing.
    let rejected = f.submit("yangfan", &template, expense(100)).await;
    f.decide("zhangsan", &rejected, "reject").await;
    let withdrawn = f.submit("yangfan", &template, expense(200)).await;
    f.withdraw("yangfan", &withdrawn).await;
    let cards = f.cards("yangfan").await;
    assert_eq!(cards.len(), 2, "{cards:?}");
    assert_eq!(cards[1], (rejected, json!({ "kind": "finished", "status": 3 })));
    assert_eq!(f.cards("zhangsan").await.len(), 3, "one card per request that reached the leader");
}

#[tokio::test]
async fn the_approvals_conversation_is_read_only() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    f.submit("yangfan", &template, expense(100)).await;
    let conversation = f.approvals_conversation("zhangsan").await.expect("conversation");
    let id = conversation["id"].as_str().expect("id").to_owned();
    let body = json!({ "client_id": Uuid::new_v4(), "text": "hello" });
    let reply = f.call("zhangsan", Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(body)).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    let reply =
        f.call("zhangsan", Method::PATCH, &format!("/api/v1/conversations/{id}"), Some(json!({ "name": "x" }))).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    let reply = f.call("zhangsan", Method::POST, &format!("/api/v1/conversations/{id}/leave"), None).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    // Nobody else can read it.
    let reply = f.call("yangfan", Method::GET, &format!("/api/v1/conversations/{id}/messages"), None).await;
    assert!(reply.status == StatusCode::NOT_FOUND || reply.status == StatusCode::FORBIDDEN, "{}", reply.status);
    // Reading and muting are the member's own business.
    let prefs = json!({ "muted": true, "pinned": true });
    let reply = f.call("zhangsan", Method::PUT, &format!("/api/v1/conversations/{id}/prefs"), Some(prefs)).await;
    assert!(reply.status.is_success(), "{}", reply.body);
}

#[tokio::test]
async fn whoever_may_read_a_request_may_fetch_its_files_and_nobody_else() {
    let mut f = Fixture::new().await;
    let spec = json!({
        "name": "Handover", "icon": "handover",
        "controls": [
            { "id": "files", "title": "Files", "required": true, "kind": "file" },
            { "id": "items", "title": "Items", "required": false, "kind": "table", "columns": [
                { "id": "scan", "title": "Scan", "required": false, "kind": "file" },
            ] },
        ],
        "chain": {
            "steps": [
                { "name": "Leader", "approvers": { "source": "direct_leader" }, "mode": "any_one" },
                { "name": "Finance", "approvers": f.members(&["wuxia"]), "mode": "any_one" },
            ],
            "cc_on_submit": [f.members(&["chenjing"])],
            "fallback_approver": f.id("admin"),
        },
    });
    let reply = f.call("admin", Method::POST, "/api/v1/approvals/templates", Some(spec)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let template = (reply.body["id"].as_str().expect("id").to_owned(), 1);
    let top = f.upload("yangfan", "invoice.txt", b"invoice 42").await;
    let cell = f.upload("yangfan", "scan.txt", b"scan of row 1").await;
    let unsent = f.upload("yangfan", "draft.txt", b"not in any form").await;
    // Before the request exists, only the uploader may fetch the files.
    f.assert_file_readers(&top, b"invoice 42", &[("yangfan", true), ("zhangsan", false), ("admin", false)]).await;

    let form = json!({
        "files": { "kind": "files", "value": [top] },
        "items": { "kind": "rows", "value": [{ "scan": { "kind": "files", "value": [cell] } }] },
    });
    let id = f.submit("yangfan", &template, form).await;
    // Applicant, current approver, later approver, CC'd member, administrator: as they read the
    // request, they fetch its files (table cells included); an unrelated member gets 404.
    let matrix = [
        ("yangfan", true),
        ("zhangsan", true),
        ("wuxia", true),
        ("chenjing", true),
        ("admin", true),
        ("liuyang", false),
    ];
    for (userid, allowed) in matrix {
        assert_eq!(f.read(userid, &id).await.status == StatusCode::OK, allowed, "{userid} reads the request");
    }
    // The detail names the files its form carries.
    let detail = f.read("zhangsan", &id).await;
    let names: Vec<&str> =
        detail.body["files"].as_array().expect("files").iter().filter_map(|file| file["file_name"].as_str()).collect();
    assert_eq!(names, vec!["invoice.txt", "scan.txt"]);
    f.assert_file_readers(&top, b"invoice 42", &matrix).await;
    f.assert_file_readers(&cell, b"scan of row 1", &matrix).await;
    // A file of the applicant's that no form carries stays theirs alone.
    f.assert_file_readers(&unsent, b"not in any form", &[("yangfan", true), ("zhangsan", false), ("admin", false)])
        .await;
}

#[tokio::test]
async fn a_completion_cc_fetches_the_files_once_copied() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let receipt = f.upload("yangfan", "receipt.txt", b"taxi 88.50").await;
    let mut form = expense(8_850);
    form["receipts"] = json!({ "kind": "files", "value": [receipt] });
    let id = f.submit("yangfan", &template, form).await;
    // 黄丽 (the finance department's leader) is copied only when the request is approved.
    f.assert_file_readers(&receipt, b"taxi 88.50", &[("zhangsan", true), ("huangli", false)]).await;
    assert_eq!(status(&f.decide("zhangsan", &id, "approve").await), 2);
    f.assert_file_readers(&receipt, b"taxi 88.50", &[("huangli", true), ("liuyang", false)]).await;
}

#[tokio::test]
async fn lists_page_with_a_cursor_without_repeats_or_gaps() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let mut submitted = Vec::new();
    for cents in 0..57 {
        submitted.push(f.submit("yangfan", &template, expense(100 + cents)).await);
    }
    let all = f.list("yangfan", "box=submitted&limit=200").await;
    assert_eq!(all.len(), 57);
    let mut expected = submitted.clone();
    expected.sort();
    let mut sorted_all = all.clone();
    sorted_all.sort();
    assert_eq!(sorted_all, expected, "the list holds every request once");

    for (query, page_sizes) in [("box=submitted", vec![50, 7]), ("box=submitted&limit=20", vec![20, 20, 17])] {
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut sizes = Vec::new();
        loop {
            let path = match &cursor {
                Some(before) => format!("/api/v1/approvals/requests?{query}&before={before}"),
                None => format!("/api/v1/approvals/requests?{query}"),
            };
            let reply = f.call("yangfan", Method::GET, &path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let rows = reply.body.as_array().expect("page").clone();
            if rows.is_empty() {
                break;
            }
            sizes.push(rows.len());
            let last = rows.last().expect("row");
            cursor = Some(format!("{}:{}", last["updated_at"], last["id"].as_str().expect("id")));
            seen.extend(rows.iter().map(|r| r["id"].as_str().expect("id").to_owned()));
        }
        assert_eq!(sizes, page_sizes, "{query}");
        assert_eq!(seen, all, "{query}: pages in the list's order, each request once");
    }

    // Filters apply to every page; the waiting list pages the same way.
    let waiting = f.list("zhangsan", "box=waiting&limit=200").await;
    assert_eq!(waiting.len(), 57);
    let first = f.call("zhangsan", Method::GET, "/api/v1/approvals/requests?box=waiting&limit=30", None).await;
    let last = first.body.as_array().and_then(|rows| rows.last()).cloned().expect("row");
    let before = format!("{}:{}", last["updated_at"], last["id"].as_str().expect("id"));
    let rest = f.list("zhangsan", &format!("box=waiting&status=1&before={before}")).await;
    assert_eq!(rest, waiting[30..].to_vec());

    for bad in ["abc", "12", "x:1", "-5:00000000-0000-0000-0000-000000000001", "1:not-a-uuid", ""] {
        let path = format!("/api/v1/approvals/requests?box=submitted&before={bad}");
        let reply = f.call("yangfan", Method::GET, &path, None).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("before:")), "{bad}: {}", reply.body);
    }
}

impl Fixture {
    async fn disable(&mut self, userid: &str) {
        let path = format!("/api/v1/admin/members/{}/disable", self.id(userid));
        let reply = self.call("admin", Method::POST, &path, None).await;
        assert!(reply.status.is_success(), "{}", reply.body);
        // Their session ended with the account: sign in again after enabling only.
        self.tokens.remove(userid);
    }
}

/// The audit trail's actions, in order.
fn actions(reply: &Reply) -> Vec<String> {
    reply.body["request"]["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .map(|a| a["action"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_step_left_with_nobody_when_its_approver_is_disabled_goes_to_the_fallback_approver() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(100)).await;
    f.disable("zhangsan").await;
    let reply = f.read("yangfan", &id).await;
    assert_eq!(status(&reply), 1, "still in review");
    assert_eq!(steps(&reply), vec![(vec![f.id("admin")], "active".into())]);
    assert_eq!(reply.body["request"]["steps"][0]["fallback"], true);
    assert_eq!(actions(&reply), vec!["submitted", "reassigned"]);
    let reassigned = &reply.body["request"]["audit"][1];
    assert_eq!(reassigned["actor_id"], json!(f.id("admin")));
    assert!(reassigned["comment"].as_str().unwrap_or("").contains("张三 left; step 1 goes to"), "{reassigned}");
    assert_eq!(f.list("admin", "box=waiting").await, vec![id.clone()]);
    assert_eq!(f.cards("admin").await, vec![(id.clone(), json!({ "kind": "awaiting_you", "step": 0 }))]);
    assert_eq!(status(&f.decide("admin", &id, "approve").await), 2);
}

#[tokio::test]
async fn an_all_step_goes_on_when_the_last_undecided_approver_leaves_and_an_any_one_step_keeps_the_others() {
    let mut f = Fixture::new().await;
    let steps_json = json!([
        { "name": "Both", "approvers": f.members(&["wuxia", "heyun"]), "mode": "all" },
        { "name": "Either", "approvers": f.members(&["huangli", "liuyang"]), "mode": "any_one" },
    ]);
    let template = f.custom(steps_json, json!([])).await;
    let id = f.submit("yangfan", &template, text_form()).await;
    assert_eq!(status(&f.decide("wuxia", &id, "approve").await), 1);
    f.disable("heyun").await;
    let reply = f.read("yangfan", &id).await;
    assert_eq!(reply.body["request"]["current_step"], 1, "step 1 approved by the one who stayed: {}", reply.body);
    assert_eq!(steps(&reply)[0], (vec![f.id("wuxia")], "approved".into()));
    assert_eq!(f.cards("huangli").await, vec![(id.clone(), json!({ "kind": "awaiting_you", "step": 1 }))]);

    f.disable("liuyang").await;
    let reply = f.read("yangfan", &id).await;
    assert_eq!(steps(&reply)[1], (vec![f.id("huangli")], "active".into()), "the other approver decides");
    assert_eq!(reply.body["request"]["steps"][1]["fallback"], false);
    assert_eq!(actions(&reply), vec!["submitted", "approved", "reassigned", "reassigned"]);
    let summary = f.call("huangli", Method::GET, "/api/v1/approvals/requests?box=waiting", None).await;
    assert_eq!(summary.body[0]["waiting_on"], json!([f.id("huangli")]));
    assert_eq!(status(&f.decide("huangli", &id, "approve").await), 2);
    // A finished request is left as it was.
    f.disable("wuxia").await;
    assert_eq!(actions(&f.read("yangfan", &id).await).len(), 5);
}

#[tokio::test]
async fn deleting_an_approver_releases_their_steps_too() {
    let mut f = Fixture::new().await;
    let template = f.template("expense").await;
    let id = f.submit("yangfan", &template, expense(1_000_001)).await;
    let reply = f.call("admin", Method::DELETE, &format!("/api/v1/admin/members/{}", f.id("zhangsan")), None).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let reply = f.read("yangfan", &id).await;
    assert_eq!(
        steps(&reply),
        vec![(vec![f.id("admin")], "active".into()), (vec![f.id("wuxia"), f.id("heyun")], "waiting".into())]
    );
}
