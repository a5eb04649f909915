//! Delegated administration: every administration route × every role × targets inside and
//! outside a department administrator's subtree. The demo's roles: `admin` (workspace
//! administrator), 王五 `wangwu` (department administrator of 研发部 `eng`), 黄丽 `huangli`
//! (auditor), 胡琳 `hulin` (approvals administrator), and 张三 `zhangsan` (member).

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Which right a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Right {
    /// Members, departments, visibility: the administrator, or a department administrator
    /// within their subtree.
    Directory,
    /// The audit log and watermark tracing: the administrator or an auditor.
    Audit,
    /// Approval templates: the administrator or an approvals administrator.
    Templates,
    /// The workspace's own settings: the administrator only.
    Workspace,
    /// Compliance archives: auditors only (never an administrator alone).
    Archive,
}

/// Whether a directory route's target lies inside 研发部 (`Some(true)`), outside it
/// (`Some(false)`), or the route has no single target (`None`).
type Inside = Option<bool>;

struct Route {
    method: Method,
    path: String,
    body: Option<Value>,
    right: Right,
    inside: Inside,
}

fn route(method: Method, path: impl Into<String>, body: Option<Value>, right: Right, inside: Inside) -> Route {
    Route { method, path: path.into(), body, right, inside }
}

/// Every administration route with real targets (so an allowed call succeeds or fails on its
/// merits); destructive calls come last.
fn routes(ids: &HashMap<String, String>, template: &str) -> Vec<Route> {
    use Right::*;
    let (inside, inside_other) = (&ids["zhaoliu"], &ids["maqiang"]);
    let (outside, outside_other) = (&ids["sunli"], &ids["heyun"]);
    let member = |name: &str, department: &str| json!({ "name": name, "departments": [department] });
    let spec = json!({
        "name": "矩阵审批 Matrix", "description": "", "icon": "expense",
        "controls": [{ "id": "reason", "label": "事由 Reason", "kind": { "type": "text", "max_len": 200 }, "required": true }],
        "chain": { "steps": [{ "name": "主管 Leader", "approvers": { "type": "leader", "level": 1 }, "mode": "any_one" }] },
        "cc": []
    });
    vec![
        route(Method::GET, "/api/v1/admin/visibility", None, Directory, None),
        route(Method::GET, "/api/v1/admin/members.csv", None, Directory, None),
        route(Method::GET, "/api/v1/admin/members/template.csv", None, Directory, None),
        route(
            Method::POST,
            "/api/v1/admin/members",
            Some(json!({ "userid": "inside1", "name": "新人", "departments": ["be"] })),
            Directory,
            Some(true),
        ),
        route(
            Method::POST,
            "/api/v1/admin/members",
            Some(json!({ "userid": "outside1", "name": "外人", "departments": ["hr"] })),
            Directory,
            Some(false),
        ),
        route(
            Method::PUT,
            format!("/api/v1/admin/members/{inside}"),
            Some(member("赵六", "be")),
            Directory,
            Some(true),
        ),
        route(
            Method::PUT,
            format!("/api/v1/admin/members/{outside}"),
            Some(member("孙丽", "hr")),
            Directory,
            Some(false),
        ),
        // Moving someone out of the subtree is acting outside it.
        route(
            Method::PUT,
            format!("/api/v1/admin/members/{inside}"),
            Some(member("赵六", "hr")),
            Directory,
            Some(false),
        ),
        route(Method::POST, format!("/api/v1/admin/members/{inside}/disable"), None, Directory, Some(true)),
        route(Method::POST, format!("/api/v1/admin/members/{outside}/disable"), None, Directory, Some(false)),
        route(Method::POST, format!("/api/v1/admin/members/{inside}/enable"), None, Directory, Some(true)),
        route(Method::POST, format!("/api/v1/admin/members/{outside}/enable"), None, Directory, Some(false)),
        route(
            Method::POST,
            format!("/api/v1/admin/members/{inside}/password"),
            Some(json!({ "password": "another-pass" })),
            Directory,
            Some(true),
        ),
        route(
            Method::POST,
            format!("/api/v1/admin/members/{outside}/password"),
            Some(json!({ "password": "another-pass" })),
            Directory,
            Some(false),
        ),
        route(
            Method::POST,
            "/api/v1/admin/departments",
            Some(json!({ "name": "矩阵组", "parent_id": "be" })),
            Directory,
            Some(true),
        ),
        route(
            Method::POST,
            "/api/v1/admin/departments",
            Some(json!({ "name": "矩阵组", "parent_id": "hr" })),
            Directory,
            Some(false),
        ),
        route(Method::PATCH, "/api/v1/admin/departments/be", Some(json!({ "order": 3 })), Directory, Some(true)),
        route(Method::PATCH, "/api/v1/admin/departments/hr", Some(json!({ "order": 3 })), Directory, Some(false)),
        // The top of the subtree stays with the workspace administrator.
        route(Method::PATCH, "/api/v1/admin/departments/eng", Some(json!({ "order": 2 })), Directory, Some(false)),
        route(
            Method::PUT,
            "/api/v1/admin/visibility/departments/be",
            Some(json!({ "visible_department_ids": ["eng"] })),
            Directory,
            Some(true),
        ),
        route(
            Method::PUT,
            "/api/v1/admin/visibility/departments/hr",
            Some(json!({ "visible_department_ids": ["hr"] })),
            Directory,
            Some(false),
        ),
        route(Method::DELETE, "/api/v1/admin/visibility/departments/be", None, Directory, Some(true)),
        route(Method::DELETE, "/api/v1/admin/visibility/departments/hr", None, Directory, Some(false)),
        route(
            Method::PUT,
            format!("/api/v1/admin/visibility/members/{inside}"),
            Some(json!({})),
            Directory,
            Some(true),
        ),
        route(
            Method::PUT,
            format!("/api/v1/admin/visibility/members/{outside}"),
            Some(json!({})),
            Directory,
            Some(false),
        ),
        route(Method::DELETE, format!("/api/v1/admin/visibility/members/{inside}"), None, Directory, Some(true)),
        route(Method::DELETE, format!("/api/v1/admin/visibility/members/{outside}"), None, Directory, Some(false)),
        route(Method::GET, "/api/v1/admin/audit", None, Audit, None),
        route(Method::GET, "/api/v1/admin/audit.csv", None, Audit, None),
        route(Method::POST, "/api/v1/admin/watermark/decode", None, Audit, None),
        route(Method::GET, "/api/v1/admin/archives/conversations", None, Archive, None),
        route(
            Method::POST,
            "/api/v1/admin/archives",
            Some(json!({ "member_ids": [inside], "since": 0, "until": 1 })),
            Archive,
            None,
        ),
        route(Method::POST, "/api/v1/approvals/templates", Some(spec.clone()), Templates, None),
        route(Method::PUT, format!("/api/v1/approvals/templates/{template}"), Some(spec), Templates, None),
        route(Method::GET, "/api/v1/admin/sessions", None, Workspace, None),
        route(Method::GET, "/api/v1/admin/session-policies", None, Workspace, None),
        route(Method::PUT, "/api/v1/admin/session-policies/hr", Some(json!({ "mode": "personal" })), Workspace, None),
        route(Method::GET, "/api/v1/admin/kiosk-codes", None, Workspace, None),
        route(Method::GET, "/api/v1/admin/policies", None, Workspace, None),
        route(Method::GET, "/api/v1/admin/confidential-policy", None, Workspace, None),
        route(Method::GET, "/api/v1/admin/integration-apps", None, Workspace, None),
        route(Method::GET, "/api/v1/admin/webhooks", None, Workspace, None),
        route(Method::DELETE, format!("/api/v1/admin/members/{outside_other}/sessions"), None, Workspace, None),
        route(Method::DELETE, format!("/api/v1/approvals/templates/{template}"), None, Templates, None),
        route(Method::DELETE, "/api/v1/admin/departments/nope", None, Directory, None),
        route(Method::DELETE, format!("/api/v1/admin/members/{inside_other}"), None, Directory, Some(true)),
        route(Method::DELETE, format!("/api/v1/admin/members/{outside_other}"), None, Directory, Some(false)),
    ]
}

/// Whether a role may call a route (`inside` as above).
fn allowed(role: &str, right: Right, inside: Inside) -> bool {
    match (role, right) {
        ("auditor", Right::Archive) => true,
        (_, Right::Archive) => false,
        ("admin", _) => true,
        ("department_admin", Right::Directory) => inside != Some(false),
        ("auditor", Right::Audit) => true,
        ("approvals_admin", Right::Templates) => true,
        _ => false,
    }
}

/// The userid that holds each role in the demo.
const ROLES: [(&str, &str); 5] = [
    ("admin", "admin"),
    ("department_admin", "wangwu"),
    ("auditor", "huangli"),
    ("approvals_admin", "hulin"),
    ("member", "zhangsan"),
];

async fn template_id(app: &TestApp, token: &str) -> String {
    let reply = app.call(Method::GET, "/api/v1/approvals/templates", Some(token), None).await;
    reply.body[0]["id"].as_str().expect("a demo template").to_owned()
}

#[tokio::test]
async fn every_administration_route_holds_for_every_role_inside_and_outside_the_scope() {
    for (role, userid) in ROLES {
        // A fresh workspace per role, so each role meets the same targets.
        let app = TestApp::new();
        let admin = app.login("admin").await;
        let ids = app.member_ids(&admin).await;
        let template = template_id(&app, &admin).await;
        let token = app.login(userid).await;
        for route in routes(&ids, &template) {
            let what = format!("{role}: {} {}", route.method, route.path);
            let anonymous = app.call(route.method.clone(), &route.path, None, route.body.clone()).await;
            assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
            let reply = app.call(route.method.clone(), &route.path, Some(&token), route.body.clone()).await;
            if allowed(role, route.right, route.inside) {
                assert!(
                    reply.status != StatusCode::UNAUTHORIZED && reply.status != StatusCode::FORBIDDEN,
                    "{what} should be allowed: {} {}",
                    reply.status,
                    reply.body
                );
                assert!(reply.status.as_u16() < 500, "{what}: {}", reply.status);
            } else {
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{what} should be refused: {}", reply.body);
            }
        }
    }
}

#[tokio::test]
async fn the_roles_reach_the_app_in_the_profile_and_the_directory() {
    let app = TestApp::new();
    let wangwu = app.login("wangwu").await;
    let me = app.call(Method::GET, "/api/v1/me", Some(&wangwu), None).await;
    assert_eq!((me.body["role"].as_str(), me.body["admin_scope"].as_str()), (Some("department_admin"), Some("eng")));
    let auditor = app.login("huangli").await;
    let me = app.call(Method::GET, "/api/v1/me", Some(&auditor), None).await;
    assert_eq!((me.body["role"].as_str(), me.body.get("admin_scope")), (Some("auditor"), None));
    let directory = app.call(Method::GET, "/api/v1/directory", Some(&auditor), None).await;
    let hulin = directory.body["members"].as_array().expect("present").iter().find(|m| m["userid"] == "hulin").cloned();
    assert_eq!(hulin.map(|m| m["role"].clone()), Some(json!("approvals_admin")));
}

#[tokio::test]
async fn a_department_administrator_gives_no_roles_and_widens_no_scope() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let wangwu = app.login("wangwu").await;
    let zhaoliu = format!("/api/v1/admin/members/{}", ids["zhaoliu"]);
    for role in ["admin", "auditor", "approvals_admin"] {
        let body = json!({ "name": "赵六", "departments": ["be"], "role": role });
        let reply = app.call(Method::PUT, &zhaoliu, Some(&wangwu), Some(body)).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(reply.body["reason"]["kind"], "role_not_theirs", "{role}: {}", reply.body);
    }
    let body = json!({ "name": "赵六", "departments": ["be"], "role": "department_admin", "admin_scope": "be" });
    assert_error(&app.call(Method::PUT, &zhaoliu, Some(&wangwu), Some(body)).await, StatusCode::FORBIDDEN, "forbidden");
    // Nor their own scope: only another administrator changes it.
    let own = format!("/api/v1/admin/members/{}", ids["wangwu"]);
    let body = json!({ "name": "王五", "departments": ["eng"], "role": "department_admin", "admin_scope": "root" });
    assert_error(&app.call(Method::PUT, &own, Some(&wangwu), Some(body)).await, StatusCode::FORBIDDEN, "forbidden");
    // The workspace administrator makes department administrators; a scope is required.
    let body = json!({ "name": "赵六", "departments": ["be"], "role": "department_admin" });
    let reply = app.call(Method::PUT, &zhaoliu, Some(&admin), Some(body)).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(reply.body["problems"][0]["path"], "admin_scope");
    let zhaoliu_token = app.login("zhaoliu").await;
    let body = json!({ "name": "赵六", "departments": ["be"], "role": "department_admin", "admin_scope": "be" });
    let reply = app.call(Method::PUT, &zhaoliu, Some(&admin), Some(body)).await;
    assert_eq!((reply.status, reply.body["admin_scope"].as_str()), (StatusCode::OK, Some("be")), "{}", reply.body);
    // The new rights start with a new sign-in, and reach only 后端组.
    let me = app.call(Method::GET, "/api/v1/me", Some(&zhaoliu_token), None).await;
    assert_error(&me, StatusCode::UNAUTHORIZED, "unauthenticated");
    let zhaoliu_token = app.login("zhaoliu").await;
    let maqiang = format!("/api/v1/admin/members/{}/disable", ids["maqiang"]);
    assert_eq!(app.call(Method::POST, &maqiang, Some(&zhaoliu_token), None).await.status, StatusCode::OK);
    let yangfan = format!("/api/v1/admin/members/{}/disable", ids["yangfan"]);
    assert_error(
        &app.call(Method::POST, &yangfan, Some(&zhaoliu_token), None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // A department someone administers is not deleted from under them.
    app.call(Method::DELETE, &format!("/api/v1/admin/members/{}", ids["maqiang"]), Some(&admin), None).await;
    app.call(Method::DELETE, &format!("/api/v1/admin/members/{}", ids["guojun"]), Some(&admin), None).await;
    let reply = app.call(Method::DELETE, "/api/v1/admin/departments/be", Some(&admin), None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
}

#[tokio::test]
async fn a_department_administrator_exports_and_imports_only_their_subtree() {
    let app = TestApp::new();
    let wangwu = app.login("wangwu").await;
    let (status, text) = app.get_text("/api/v1/admin/members.csv", &wangwu).await;
    assert_eq!(status, StatusCode::OK);
    let userids: Vec<&str> =
        text.lines().skip(1).filter_map(|line| line.trim_start_matches('\u{feff}').split(',').next()).collect();
    let mut sorted = userids.clone();
    sorted.sort_unstable();
    // 王五 himself is an administrator: outside his own reach. 李四 is also in 产品部.
    assert_eq!(sorted, ["guojun", "maqiang", "yangfan", "zhangsan", "zhaoliu"]);
    // Importing the export back changes nothing and is allowed.
    let reply =
        app.send_bytes(Method::POST, "/api/v1/admin/members/import", Some(&wangwu), "text/csv", text.into()).await;
    assert_eq!((reply.status, reply.body["unchanged"].as_u64()), (StatusCode::OK, Some(5)), "{}", reply.body);
    let root = "织锦科技 Weft Demo Co.";
    let csv = format!(
        "userid,name,departments,role\n\
         newbie,新人,{root}/研发部 Engineering/后端组 Backend,\n\
         sunli,孙丽,{root}/人事部 HR,\n\
         outsider,外人,{root}/人事部 HR,\n\
         promoted,升职,{root}/研发部 Engineering,auditor\n"
    );
    let reply =
        app.send_bytes(Method::POST, "/api/v1/admin/members/import", Some(&wangwu), "text/csv", csv.into()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let errors: Vec<(u64, &str)> = reply.body["errors"]
        .as_array()
        .expect("present")
        .iter()
        .map(|e| (e["row"].as_u64().expect("present"), e["field"].as_str().expect("present")))
        .collect();
    assert_eq!(errors, [(3, "userid"), (4, "departments"), (5, "role")]);
}

#[tokio::test]
async fn an_import_by_the_administrator_assigns_roles_and_keeps_one_administrator() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let root = "织锦科技 Weft Demo Co.";
    let csv = format!(
        "userid,name,departments,role,admin_scope\n\
         sunli,孙丽,{root}/人事部 HR,department_admin,{root}/人事部 HR\n\
         heyun,何芸,{root}/财务部 Finance,auditor,\n"
    );
    let reply =
        app.send_bytes(Method::POST, "/api/v1/admin/members/import", Some(&admin), "text/csv", csv.into()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let sunli = app.login("sunli").await;
    let me = app.call(Method::GET, "/api/v1/me", Some(&sunli), None).await;
    assert_eq!((me.body["role"].as_str(), me.body["admin_scope"].as_str()), (Some("department_admin"), Some("hr")));
    let (_, export) = app.get_text("/api/v1/admin/members.csv", &admin).await;
    assert!(export.contains(&format!("department_admin,{root}/人事部 HR,")), "{export}");
    // Demoting the only administrator is refused like disabling them.
    let csv = format!("userid,name,departments,role\nadmin,管理员,{root}/总经办 CEO Office,member\n");
    let reply =
        app.send_bytes(Method::POST, "/api/v1/admin/members/import", Some(&admin), "text/csv", csv.into()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["field"], "role");
}

#[tokio::test]
async fn refused_administration_is_in_the_audit_log_next_to_what_was_done() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let wangwu = app.login("wangwu").await;
    let inside = format!("/api/v1/admin/members/{}", ids["zhaoliu"]);
    let outside = format!("/api/v1/admin/members/{}", ids["sunli"]);
    let body = |name: &str, department: &str| Some(json!({ "name": name, "departments": [department] }));
    assert_eq!(app.call(Method::PUT, &inside, Some(&wangwu), body("赵六六", "be")).await.status, StatusCode::OK);
    assert_eq!(
        app.call(Method::PUT, &outside, Some(&wangwu), body("孙丽丽", "hr")).await.status,
        StatusCode::FORBIDDEN
    );
    let member = app.login("zhangsan").await;
    assert_eq!(
        app.call(Method::GET, "/api/v1/admin/policies", Some(&member), None).await.status,
        StatusCode::FORBIDDEN
    );
    // The auditor reads both attempts; the refused one names the route and why.
    let auditor = app.login("huangli").await;
    let log = app.call(Method::GET, "/api/v1/admin/audit?actor=wangwu", Some(&auditor), None).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let entries: Vec<(&str, &str)> = log.body["entries"]
        .as_array()
        .expect("present")
        .iter()
        .map(|e| (e["action"].as_str().expect("present"), e["target"].as_str().expect("present")))
        .filter(|(action, _)| *action != "signed_in")
        .collect();
    assert_eq!(entries, [("access_refused", outside.as_str()), ("member_updated", "zhaoliu")]);
    let refused = app.call(Method::GET, "/api/v1/admin/audit?action=access_refused", Some(&auditor), None).await;
    let entries = refused.body["entries"].as_array().expect("present");
    assert_eq!(entries.len(), 2, "{}", refused.body);
    assert_eq!(entries[0]["actor"], "zhangsan");
    assert_eq!(entries[0]["detail"]["method"], "GET");
    assert_eq!(entries[1]["detail"]["why"], "this is outside the departments you administer");
    // The auditor reads, and changes nothing.
    let reply = app.call(Method::PUT, &inside, Some(&auditor), body("赵六", "be")).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
}
