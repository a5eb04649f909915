//! The workspace audit log through the real router: sign-ins (good, bad, delayed), session ends,
//! administrators' writes with their details, role changes, filters (a time range too) and paging, the CSV export,
//! who may read it, and that the table refuses changes.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};

async fn audit(app: &TestApp, admin: &str, query: &str) -> Value {
    let reply = app.call(Method::GET, &format!("/api/v1/admin/audit?{query}"), Some(admin), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn sign_ins_good_bad_and_delayed_are_recorded_with_the_address() {
    let app = TestApp::new();
    let from =
        |body: Value| app.call_as(Some("203.0.113.7"), &[], Method::POST, "/api/v1/auth/login", None, Some(body));
    for _ in 0..5 {
        from(json!({"username": "lisi", "password": "guess"})).await;
    }
    assert_eq!(from(json!({"username": "lisi", "password": "guess"})).await.status, StatusCode::TOO_MANY_REQUESTS);
    from(json!({"username": "no-such-person", "password": "guess"})).await;
    assert_eq!(from(json!({"username": "zhangsan", "password": "weft-demo"})).await.status, StatusCode::OK);
    let admin = app.login("admin").await;

    let failed = audit(&app, &admin, "action=sign_in_failed&actor=lisi").await;
    assert_eq!(failed["entries"].as_array().expect("entries").len(), 5);
    assert_eq!(failed["entries"][0]["address"], "203.0.113.7");
    assert!(failed["entries"][0]["actor_id"].is_null(), "a failed sign-in names only what was typed");
    assert_eq!(actions(&audit(&app, &admin, "action=sign_in_delayed").await), vec!["sign_in_delayed"]);
    assert_eq!(audit(&app, &admin, "actor=no-such-person").await["entries"][0]["action"], "sign_in_failed");
    let signed_in = audit(&app, &admin, "action=signed_in&actor=zhangsan").await;
    assert_eq!(signed_in["entries"][0]["detail"]["mode"], "personal");
    assert!(signed_in["entries"][0]["actor_id"].is_string());
    // The log never holds a password.
    let everything = audit(&app, &admin, "limit=500").await.to_string();
    assert!(!everything.contains("guess") && !everything.contains("weft-demo"), "{everything}");
}

#[tokio::test]
async fn administrators_writes_and_role_changes_are_recorded_newest_first() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let promote = json!({ "name": "陈静", "departments": ["hr"], "leader_of": ["hr"], "direct_leader_id": ids["gaoyuan"], "role": "admin" });
    let path = format!("/api/v1/admin/members/{}", ids["chenjing"]);
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(promote)).await.status, StatusCode::OK);
    let disable = format!("/api/v1/admin/members/{}/disable", ids["zhaoliu"]);
    assert_eq!(app.call(Method::POST, &disable, Some(&admin), None).await.status, StatusCode::OK);
    let dept = app
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(&admin),
            Some(json!({"name": "法务部 Legal", "parent_id": "root"})),
        )
        .await;
    assert_eq!(dept.status, StatusCode::CREATED, "{}", dept.body);
    let (status, _) = app.get_text("/api/v1/admin/members.csv", &admin).await;
    assert_eq!(status, StatusCode::OK);

    let page = audit(&app, &admin, "actor=admin").await;
    let recent: Vec<String> = actions(&page).into_iter().filter(|a| a != "signed_in").collect();
    assert_eq!(recent, vec!["members_exported", "department_created", "member_disabled", "role_changed"]);
    let role = audit(&app, &admin, "action=role_changed").await;
    assert_eq!(role["entries"][0]["target"], "chenjing");
    assert_eq!(role["entries"][0]["detail"]["from"], "member");
    assert_eq!(role["entries"][0]["detail"]["to"], "admin");
    let created = audit(&app, &admin, "action=department_created").await;
    assert_eq!(created["entries"][0]["detail"]["name"], "法务部 Legal");

    // An update records what it changed, before and after, and nothing it left alone.
    let rename = json!({ "name": "陈静 Chen Jing", "departments": ["hr"], "leader_of": ["hr"], "direct_leader_id": ids["gaoyuan"], "role": "admin" });
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(rename)).await.status, StatusCode::OK);
    let updated = audit(&app, &admin, "action=member_updated").await;
    let detail = &updated["entries"][0]["detail"];
    assert_eq!((&detail["before"]["name"], &detail["after"]["name"]), (&json!("陈静"), &json!("陈静 Chen Jing")));
    assert!(detail["before"].get("role").is_none() && detail["after"].get("userid").is_none(), "{detail}");
    let legal = format!("/api/v1/admin/departments/{}", dept.body["id"].as_str().expect("id"));
    let renamed = app.call(Method::PATCH, &legal, Some(&admin), Some(json!({"name": "法务部 Law"}))).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let updated = audit(&app, &admin, "action=department_updated").await;
    assert_eq!(
        updated["entries"][0]["detail"],
        json!({ "before": { "name": "法务部 Legal" }, "after": { "name": "法务部 Law" } })
    );
}

#[tokio::test]
async fn session_management_is_recorded() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let member = app.login("wangwu").await;
    let session = app.call(Method::GET, "/api/v1/auth/session", Some(&member), None).await.body["id"].clone();
    let session = session.as_str().expect("id");
    let wipe = app.call(Method::POST, &format!("/api/v1/admin/sessions/{session}/wipe"), Some(&admin), None).await;
    assert_eq!(wipe.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call(Method::POST, "/api/v1/auth/wiped", Some(&member), None).await.status, StatusCode::NO_CONTENT);
    let policy = json!({
        "force_shared": true,
        "shared": {"lock_after_minutes": 2, "idle_minutes": 10, "lifetime_hours": 8},
        "personal": {"lock_after_minutes": 0, "idle_minutes": 60, "lifetime_hours": 24},
    });
    let set = app.call(Method::PUT, "/api/v1/admin/session-policies/sales", Some(&admin), Some(policy)).await;
    assert_eq!(set.status, StatusCode::OK);
    let other = app.login("liuyang").await;
    assert_eq!(app.call(Method::POST, "/api/v1/auth/logout", Some(&other), None).await.status, StatusCode::NO_CONTENT);

    let page = audit(&app, &admin, "limit=4").await;
    assert_eq!(actions(&page), vec!["signed_out", "signed_in", "session_policy_changed", "wipe_reported"]);
    assert_eq!(page["entries"][3]["target"], session);
    assert_eq!(page["entries"][3]["actor"], "wangwu");
    assert_eq!(page["entries"][2]["detail"]["policy"]["shared"]["idle_minutes"], 10);
    assert!(page["entries"][2]["detail"]["before"].is_null(), "sales had no policy of its own before");
    // Paging continues where the page ended, without repeats.
    let next = page["next_before"].as_u64().expect("more");
    let older = audit(&app, &admin, &format!("limit=4&before={next}")).await;
    assert_eq!(older["entries"][0]["action"], "wipe_requested");
    assert!(older["entries"][0]["id"].as_u64() < page["entries"][3]["id"].as_u64());
}

#[tokio::test]
async fn the_log_is_for_administrators_exports_as_csv_and_refuses_bad_filters() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let member = app.login("zhangsan").await;
    for path in ["/api/v1/admin/audit", "/api/v1/admin/audit.csv"] {
        assert_error(&app.call(Method::GET, path, Some(&member), None).await, StatusCode::FORBIDDEN, "forbidden");
        assert_error(&app.call(Method::GET, path, None, None).await, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let bad = app.call(Method::GET, "/api/v1/admin/audit?action=nonsense", Some(&admin), None).await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
    let (status, csv) = app.get_text("/api/v1/admin/audit.csv?action=signed_in", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("id,at,actor,action,target,detail,address"));
    assert_eq!(lines.filter(|line| line.contains(",signed_in,")).count(), 2, "{csv}");
    // Downloading the log is itself recorded.
    assert_eq!(actions(&audit(&app, &admin, "action=audit_exported").await), vec!["audit_exported"]);
}

#[tokio::test]
async fn the_log_filters_by_a_time_range() {
    const HOUR: i64 = 3_600_000;
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let wrong = || json!({"username": "lisi", "password": "guess"});
    let start = app.state.clock.now();
    app.call(Method::POST, "/api/v1/auth/login", None, Some(wrong())).await;
    app.state.clock.advance(2 * HOUR);
    let middle = app.state.clock.now();
    app.call(Method::POST, "/api/v1/auth/login", None, Some(wrong())).await;
    app.state.clock.advance(2 * HOUR);
    app.call(Method::POST, "/api/v1/auth/login", None, Some(wrong())).await;
    let at = |page: &Value| -> Vec<i64> {
        page["entries"].as_array().expect("entries").iter().filter_map(|e| e["at"].as_i64()).collect()
    };

    let all = audit(&app, &admin, "action=sign_in_failed").await;
    assert_eq!(at(&all), vec![middle + 2 * HOUR, middle, start]);
    // `since` includes its instant, `until` excludes its own.
    let from_middle = audit(&app, &admin, &format!("action=sign_in_failed&since={middle}")).await;
    assert_eq!(at(&from_middle), vec![middle + 2 * HOUR, middle]);
    let before_middle = audit(&app, &admin, &format!("action=sign_in_failed&until={middle}")).await;
    assert_eq!(at(&before_middle), vec![start]);
    let window = format!("action=sign_in_failed&since={}&until={}", start + 1, middle + 1);
    assert_eq!(at(&audit(&app, &admin, &window).await), vec![middle]);
    // The CSV takes the same range.
    let (status, csv) = app.get_text(&format!("/api/v1/admin/audit.csv?{window}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().filter(|line| line.contains(",sign_in_failed,")).count(), 1, "{csv}");
    let bad = app.call(Method::GET, "/api/v1/admin/audit?since=yesterday", Some(&admin), None).await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn entries_past_the_retention_are_removed_and_the_removal_is_on_the_record() {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    let app = TestApp::new();
    let admin = app.login("admin").await;
    app.login("zhangsan").await;
    let old = audit(&app, &admin, "limit=500").await["entries"].as_array().expect("entries").len();
    assert!(old >= 2, "two sign-ins at least");
    app.state.clock.advance(200 * DAY_MS);
    let admin = app.login("admin").await;
    assert_eq!(weft_server::audit_retention::purge(&app.state).await, 0, "kept forever by default");

    let path = "/api/v1/admin/policies";
    let mut policies = app.call(Method::GET, path, Some(&admin), None).await.body;
    assert_eq!(policies["audit_retention_days"], 0);
    policies["audit_retention_days"] = json!(90);
    let short = app.call(Method::PUT, path, Some(&admin), Some(policies.clone())).await;
    assert_error(&short, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(short.body["message"].as_str().expect("message").starts_with("audit_retention_days"), "{}", short.body);
    assert_eq!(audit(&app, &admin, "limit=500").await["entries"].as_array().expect("entries").len(), old + 1);

    policies["audit_retention_days"] = json!(180);
    assert_eq!(app.call(Method::PUT, path, Some(&admin), Some(policies)).await.status, StatusCode::OK);
    // The save starts a pass of its own; this one finds what it left, if anything.
    weft_server::audit_retention::purge(&app.state).await;
    let page = audit(&app, &admin, "limit=500").await;
    let line = app.state.clock.now() - 180 * DAY_MS;
    let entries = page["entries"].as_array().expect("entries");
    assert!(entries.iter().all(|e| e["at"].as_i64().expect("at") >= line), "nothing older than 180 days: {page}");
    assert_eq!(
        actions(&page),
        ["audit_entries_removed", "workspace_policies_changed", "signed_in"],
        "the new entries stay"
    );
    let removal = &entries[0];
    assert_eq!(removal["actor"], "weft");
    assert!(removal["actor_id"].is_null());
    assert_eq!(removal["detail"], json!({ "removed": old, "retention_days": 180 }));
    // Nothing is left to remove until entries age past the line.
    assert_eq!(weft_server::audit_retention::purge(&app.state).await, 0);
}
