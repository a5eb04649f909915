//! The visibility matrix: for each kind of rule, a viewer who may not see a member gets that
//! member from no endpoint — the directory snapshot (members, department leaders, direct
//! leaders), search, member detail, `GET /members`, and the change feed including a first pull
//! from zero — while a viewer who may see them gets them everywhere. The one documented exception
//! is the conversations they already share (participants, senders). Narrowing a rule sends
//! removals to the viewers who lost someone; widening sends them back.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Directory changes only: conversation content is the documented exception.
fn directory_changes(changes: &[Value]) -> Vec<&Value> {
    changes
        .iter()
        .filter(|c| {
            matches!(
                c["type"].as_str(),
                Some("member" | "member_removed" | "department" | "department_removed" | "directory_reset")
            )
        })
        .collect()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

struct Target<'a> {
    id: &'a str,
    userid: &'a str,
    name: &'a str,
    initials: &'a str,
}

/// What a viewer gets, everywhere, about `target`; `sees` says which it should be. The target is
/// changed first, so the feed has something about them to show or withhold.
async fn check(app: &TestApp, admin: &str, viewer: &str, target: &Target<'_>, sees: bool, what: &str) {
    touch(app, admin, target.id).await;
    let snapshot = app.call(Method::GET, "/api/v1/directory", Some(viewer), None).await;
    assert_eq!(snapshot.status, StatusCode::OK);
    let listed = snapshot.body["members"].as_array().expect("members").iter().any(|m| m["id"] == target.id);
    assert_eq!(listed, sees, "{what}: snapshot lists the member");
    if !sees {
        assert!(!snapshot.body.to_string().contains(target.id), "{what}: the id appears nowhere in the snapshot");
    }
    for query in [target.userid, target.name, target.initials] {
        let reply = app
            .call(Method::GET, &format!("/api/v1/directory/search?q={}", urlencode(query)), Some(viewer), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let found = reply.body.as_array().expect("hits").iter().any(|m| m["id"] == target.id);
        assert_eq!(found, sees, "{what}: search {query}");
        if !sees {
            assert!(!reply.body.to_string().contains(target.id), "{what}: search {query} leaks the id");
        }
    }
    let detail = app.call(Method::GET, &format!("/api/v1/directory/members/{}", target.id), Some(viewer), None).await;
    if sees {
        assert_eq!(detail.status, StatusCode::OK, "{what}: detail");
    } else {
        assert_error(&detail, StatusCode::NOT_FOUND, "not_found");
    }
    let members = app.call(Method::GET, "/api/v1/members", Some(viewer), None).await;
    assert_eq!(members.body.to_string().contains(target.id), sees, "{what}: GET /members");
    // A device starting from zero pulls the whole feed. Someone unseen appears in no card (a
    // removal of someone the viewer could see before is allowed: it tells them to forget).
    let changes = app.pull_all(viewer, 0).await;
    let directory = directory_changes(&changes);
    let shown = directory.iter().any(|c| c["type"] != "member_removed" && c.to_string().contains(target.id));
    assert_eq!(shown, sees, "{what}: the feed's directory changes: {directory:?}");
    let me = app.call(Method::GET, "/api/v1/me", Some(viewer), None).await;
    if me.body["id"] == target.id {
        return;
    }
    // Chats cannot be started with someone one may not see.
    let direct = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(viewer), Some(json!({ "member": target.id })))
        .await;
    if sees {
        assert!(direct.status.is_success(), "{what}: open a direct chat: {}", direct.body);
    } else {
        assert_error(&direct, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    }
}

/// Changes the target's position, so the feed has a change about them.
async fn touch(app: &TestApp, admin: &str, id: &str) {
    let card = app.call(Method::GET, &format!("/api/v1/directory/members/{id}"), Some(admin), None).await;
    let body = json!({
        "name": card.body["name"], "alias": card.body["alias"], "position": "改过的职位 Changed",
        "mobile": card.body["mobile"], "email": card.body["email"],
        "departments": card.body["departments"].as_array().expect("departments").iter().map(|d| d["department_id"].clone()).collect::<Vec<_>>(),
        "main_department_id": card.body["main_department_id"],
        "leader_of": card.body["departments"].as_array().expect("departments").iter().filter(|d| d["is_leader"] == true).map(|d| d["department_id"].clone()).collect::<Vec<_>>(),
        "direct_leader_id": card.body["direct_leader_id"],
        "role": card.body["role"],
    });
    let reply = app.call(Method::PUT, &format!("/api/v1/admin/members/{id}"), Some(admin), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

fn removed_ids(changes: &[Value]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c["type"] == "member_removed")
        .filter_map(|c| c["member_id"].as_str().map(str::to_owned))
        .collect()
}

fn upserted_ids(changes: &[Value]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c["type"] == "member")
        .filter_map(|c| c["member"]["id"].as_str().map(str::to_owned))
        .collect()
}

async fn setup() -> (TestApp, String, HashMap<String, String>) {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    (app, admin, ids)
}

#[tokio::test]
async fn a_department_limited_to_itself_sees_nobody_else_anywhere() {
    let (app, admin, ids) = setup().await;
    let viewer = app.login("huangli").await; // 财务部
    let control = app.login("lisi").await; // 产品部, no rule
    let target = Target { id: &ids["zhangsan"], userid: "zhangsan", name: "张三", initials: "zs" };
    check(&app, &admin, &viewer, &target, true, "before the rule").await;

    let before = app.cursor(&viewer).await;
    let reply = app.scope_department(&admin, "finance", &["finance"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    // Narrowing: the viewer's feed removes everyone outside 财务部, and the departments too.
    let narrowed = app.pull_all(&viewer, before).await;
    let removed = removed_ids(&narrowed);
    assert!(removed.contains(&ids["zhangsan"]) && removed.contains(&ids["gaoyuan"]), "{narrowed:?}");
    assert!(!removed.contains(&ids["wuxia"]), "colleagues in 财务部 stay");
    assert_eq!(removed.len(), 17, "everyone but the three of 财务部");
    assert!(narrowed.iter().any(|c| c["type"] == "department_removed" && c["department_id"] == "eng"));
    // Colleagues outside the rule notice nothing.
    assert!(directory_changes(&app.pull_all(&control, before).await).is_empty());

    check(&app, &admin, &viewer, &target, false, "department scope").await;
    check(&app, &admin, &control, &target, true, "no rule").await;
    // Her own card no longer names her leader (the CEO is outside her scope) …
    let own =
        app.call(Method::GET, &format!("/api/v1/directory/members/{}", ids["huangli"]), Some(&viewer), None).await;
    assert_eq!(own.body["direct_leader_id"], Value::Null);
    // … and the tree still reaches her department from the root.
    let snapshot = app.call(Method::GET, "/api/v1/directory", Some(&viewer), None).await;
    let departments: Vec<&str> =
        snapshot.body["departments"].as_array().expect("d").iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(departments, vec!["root", "finance"]);
    // Administrators see everyone.
    check(&app, &admin, &admin, &target, true, "administrator").await;

    // Moving a colleague out of her scope removes them from her copy.
    let before_move = app.cursor(&viewer).await;
    let card = app.call(Method::GET, &format!("/api/v1/directory/members/{}", ids["wuxia"]), Some(&admin), None).await;
    let moved =
        json!({ "name": card.body["name"], "departments": ["hr"], "direct_leader_id": card.body["direct_leader_id"] });
    let reply =
        app.call(Method::PUT, &format!("/api/v1/admin/members/{}", ids["wuxia"]), Some(&admin), Some(moved)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(removed_ids(&app.pull_all(&viewer, before_move).await), vec![ids["wuxia"].clone()]);

    // Widening brings everyone back.
    let before_widening = app.cursor(&viewer).await;
    let reply = app.call(Method::DELETE, "/api/v1/admin/visibility/departments/finance", Some(&admin), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let widened = app.pull_all(&viewer, before_widening).await;
    let back = upserted_ids(&widened);
    assert!(back.contains(&ids["zhangsan"]) && back.contains(&ids["wuxia"]), "{widened:?}");
    assert!(widened.iter().any(|c| c["type"] == "department" && c["department"]["id"] == "eng"));
    check(&app, &admin, &viewer, &target, true, "after widening").await;
}

#[tokio::test]
async fn a_scope_applies_to_sub_departments_unless_they_have_their_own() {
    let (app, admin, ids) = setup().await;
    let reply = app.scope_department(&admin, "eng", &["eng"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let viewer = app.login("zhaoliu").await; // 后端组, inside 研发部
    let target = Target { id: &ids["huangli"], userid: "huangli", name: "黄丽", initials: "hl" };
    check(&app, &admin, &viewer, &target, false, "inherited scope").await;
    let colleague = Target { id: &ids["zhangsan"], userid: "zhangsan", name: "张三", initials: "zs" };
    check(&app, &admin, &viewer, &colleague, true, "inside the scope").await;
    // 后端组's own rule wins over 研发部's.
    let reply = app.scope_department(&admin, "be", &["finance", "be"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    check(&app, &admin, &viewer, &target, true, "own scope").await;
    check(&app, &admin, &viewer, &colleague, false, "own scope excludes 前端组").await;
    let rules = app.call(Method::GET, "/api/v1/admin/visibility", Some(&admin), None).await;
    assert_eq!(rules.body["department_scopes"].as_array().map(Vec::len), Some(2), "{}", rules.body);
}

#[tokio::test]
async fn a_hidden_member_is_seen_only_by_the_allowed() {
    let (app, admin, ids) = setup().await;
    let viewer = app.login("lisi").await;
    let allowed_by_name = app.login("wangwu").await;
    let allowed_by_department = app.login("gaoyuan").await; // in 总经办 himself; use a colleague below
    let target = Target { id: &ids["gaoyuan"], userid: "gaoyuan", name: "高远", initials: "gy" };
    let before = app.cursor(&viewer).await;
    let reply = app
        .call(
            Method::PUT,
            &format!("/api/v1/admin/visibility/members/{}", ids["gaoyuan"]),
            Some(&admin),
            Some(json!({ "allowed_department_ids": ["hr"], "allowed_member_ids": [ids["wangwu"]] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    // Narrowing: exactly the hidden member is removed from the viewer's copy.
    let narrowed = app.pull_all(&viewer, before).await;
    assert_eq!(removed_ids(&narrowed), vec![ids["gaoyuan"].clone()]);

    // 李四: not allowed. The CEO leads the root and 总经办 and is 李四's own direct leader; none of it shows.
    check(&app, &admin, &viewer, &target, false, "hidden member").await;
    let own = app.call(Method::GET, &format!("/api/v1/directory/members/{}", ids["lisi"]), Some(&viewer), None).await;
    assert_eq!(own.body["direct_leader_id"], Value::Null);
    check(&app, &admin, &allowed_by_name, &target, true, "allowed by name").await;
    let hr = app.login("sunli").await;
    check(&app, &admin, &hr, &target, true, "allowed by department").await;
    check(&app, &admin, &allowed_by_department, &target, true, "themself").await;
    check(&app, &admin, &admin, &target, true, "administrator").await;

    // The documented exception: a conversation they share still lists them.
    let all_hands = app.conversation_id(&viewer, "All hands").await;
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{all_hands}"), Some(&viewer), None).await;
    assert!(detail.body["participants"].to_string().contains(target.id));

    // Widening brings them back.
    let before_widening = app.cursor(&viewer).await;
    let reply = app
        .call(Method::DELETE, &format!("/api/v1/admin/visibility/members/{}", ids["gaoyuan"]), Some(&admin), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let widened = app.pull_all(&viewer, before_widening).await;
    assert_eq!(upserted_ids(&widened), vec![ids["gaoyuan"].clone()]);
    check(&app, &admin, &viewer, &target, true, "after unhiding").await;
}

#[tokio::test]
async fn both_rules_together_and_a_replay_shows_the_current_state() {
    let (app, admin, ids) = setup().await;
    let viewer = app.login("wuxia").await; // 财务部
    // First the viewer learns of a change to 张三, then a rule hides him: replaying from before the
    // change shows a removal, never the old card.
    let start = app.cursor(&viewer).await;
    touch(&app, &admin, &ids["zhangsan"]).await;
    let reply = app
        .call(
            Method::PUT,
            &format!("/api/v1/admin/visibility/members/{}", ids["zhangsan"]),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let replay = app.pull_all(&viewer, start).await;
    assert!(upserted_ids(&replay).is_empty(), "{replay:?}");
    assert_eq!(removed_ids(&replay), vec![ids["zhangsan"].clone()]);
    let reply = app.scope_department(&admin, "finance", &["finance", "eng"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let zhangsan = Target { id: &ids["zhangsan"], userid: "zhangsan", name: "张三", initials: "zs" };
    check(&app, &admin, &viewer, &zhangsan, false, "hidden inside the scope").await;
    let zhaoliu = Target { id: &ids["zhaoliu"], userid: "zhaoliu", name: "赵六", initials: "zl" };
    check(&app, &admin, &viewer, &zhaoliu, true, "inside the scope").await;
    let liuyang = Target { id: &ids["liuyang"], userid: "liuyang", name: "刘洋", initials: "ly" };
    check(&app, &admin, &viewer, &liuyang, false, "outside the scope").await;
    // Rules name real departments and members.
    let reply = app.scope_department(&admin, "finance", &["nope"]).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}

/// People one shares work with are named there, whatever the rules: a group's participants, the
/// approvers of one's own request, the audit log's actors. Their card, contacts, department and
/// position stay hidden when the rules hide them (see ARCHITECTURE.md, "Visibility and shared
/// work").
#[tokio::test]
async fn shared_work_names_a_hidden_colleague_while_their_card_stays_hidden() {
    let (app, admin, ids) = setup().await;
    let zhangsan = app.login("zhangsan").await;
    // 李四 makes a group with 张三 and 孙丽 while everyone sees everyone …
    let lisi = app.login("lisi").await;
    let body =
        json!({ "client_id": uuid::Uuid::new_v4(), "name": "招聘 Hiring", "members": [ids["zhangsan"], ids["sunli"]] });
    let group = app.call(Method::POST, "/api/v1/conversations", Some(&lisi), Some(body)).await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.body);
    let group_id = group.body["summary"]["id"].as_str().expect("id").to_owned();
    // … then 孙丽 and 张三's leader 王五 are hidden from everyone.
    for hidden in ["sunli", "wangwu"] {
        let reply = app
            .call(
                Method::PUT,
                &format!("/api/v1/admin/visibility/members/{}", ids[hidden]),
                Some(&admin),
                Some(json!({})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    }

    // The group still names her: hiding her there would break the conversation.
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{group_id}"), Some(&zhangsan), None).await;
    let names: Vec<&str> = detail.body["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"孙丽"), "{names:?}");
    // 张三's leave request names 王五 as its approver.
    let templates = app.call(Method::GET, "/api/v1/approvals/templates", Some(&zhangsan), None).await;
    let leave = templates.body.as_array().and_then(|t| t.iter().find(|t| t["icon"] == "leave")).expect("leave").clone();
    let form = json!({
        "type": { "kind": "selected", "value": ["sick"] },
        "period": { "kind": "date_range", "value": { "start": "2025-05-01", "end": "2025-05-01" } },
    });
    let body = json!({ "client_id": uuid::Uuid::new_v4(), "template_id": leave["id"], "template_version": leave["version"], "form": form });
    let request = app.call(Method::POST, "/api/v1/approvals/requests", Some(&zhangsan), Some(body)).await;
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.body);
    let approver = &request.body["request"]["steps"][0]["approvers"][0];
    assert_eq!(
        (approver["member_id"].as_str(), approver["name"].as_str()),
        (Some(ids["wangwu"].as_str()), Some("王五"))
    );

    // Their cards, contacts, departments and positions stay hidden.
    for hidden in ["sunli", "wangwu"] {
        let card =
            app.call(Method::GET, &format!("/api/v1/directory/members/{}", ids[hidden]), Some(&zhangsan), None).await;
        assert_eq!(card.status, StatusCode::NOT_FOUND, "{hidden}: {}", card.body);
        let found = app.call(Method::GET, &format!("/api/v1/directory/search?q={hidden}"), Some(&zhangsan), None).await;
        assert_eq!(found.body.as_array().map(Vec::len), Some(0), "{hidden}: {}", found.body);
        let snapshot = app.call(Method::GET, "/api/v1/directory", Some(&zhangsan), None).await;
        let listed =
            snapshot.body["members"].as_array().expect("members").iter().any(|m| m["id"] == ids[hidden].as_str());
        assert!(!listed, "{hidden} is not in the directory");
    }
    let text = serde_json::to_string(&detail.body).expect("json");
    for private in ["sunli@weft.example", "招聘专员", "13800000"] {
        assert!(!text.contains(private), "the group does not carry {private}: {text}");
    }

    // The auditor reads the log by who acted, hidden or not.
    let sunli = app.login("sunli").await;
    drop(sunli);
    let auditor = app.login("huangli").await;
    let log = app.call(Method::GET, "/api/v1/admin/audit?actor=sunli&action=signed_in", Some(&auditor), None).await;
    assert_eq!(log.body["entries"][0]["actor"], "sunli", "{}", log.body);
}
