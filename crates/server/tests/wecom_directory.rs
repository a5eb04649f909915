//! The WeCom-compatible API's first part as an existing integration meets it: administrators
//! make integration apps (secret shown once, scopes, allowed addresses, rotation, disabling);
//! `gettoken` and its error codes; reading departments and members; every refusal an HTTP 200
//! with WeCom's errcode.

mod common;

use axum::http::{Method, StatusCode};
use common::wecom::{Integration, make_app, token, wecom, wecom_from, wecom_post};
use common::{TestApp, assert_error};
use serde_json::json;

#[tokio::test]
async fn only_administrators_make_integration_apps_and_the_secret_is_shown_once() {
    let app = TestApp::new();
    let (admin, member) = (app.login("admin").await, app.login("zhangsan").await);
    let integration = make_app(&app, &admin, json!(["directory_read"]), json!([])).await;
    assert!(integration.corp_id.starts_with("ww"));
    // The demo organisation's own app is 1000001.
    assert_eq!(integration.agent_id, 1_000_002);
    let list = app.call(Method::GET, "/api/v1/admin/integration-apps", Some(&admin), None).await;
    assert!(!list.body.to_string().contains(&integration.secret), "the secret is never shown again");
    let made = list.body["apps"].as_array().and_then(|apps| apps.iter().find(|a| a["agent_id"] == 1_000_002));
    assert_eq!(made.map(|a| a["scopes"].clone()), Some(json!(["directory_read"])));

    let body = json!({ "name": "x", "scopes": [] });
    for (method, path) in [
        (Method::GET, "/api/v1/admin/integration-apps".to_owned()),
        (Method::POST, "/api/v1/admin/integration-apps".to_owned()),
        (Method::PUT, format!("/api/v1/admin/integration-apps/{}", integration.agent_id)),
        (Method::POST, format!("/api/v1/admin/integration-apps/{}/secret", integration.agent_id)),
    ] {
        let as_member = app.call(method.clone(), &path, Some(&member), Some(body.clone())).await;
        assert_error(&as_member, StatusCode::FORBIDDEN, "forbidden");
        let anonymous = app.call(method, &path, None, Some(body.clone())).await;
        assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    for bad in [
        json!({ "name": " ", "scopes": [] }),
        json!({ "name": "n".repeat(61), "scopes": [] }),
        json!({ "name": "ok", "scopes": [], "allowed_ips": ["not an address"] }),
    ] {
        let refused = app.call(Method::POST, "/api/v1/admin/integration-apps", Some(&admin), Some(bad)).await;
        assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    }
    let unknown = app.call(Method::PUT, "/api/v1/admin/integration-apps/42", Some(&admin), Some(body)).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn the_demo_app_and_robot_work_with_their_printed_credentials() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let list = app.call(Method::GET, "/api/v1/admin/integration-apps", Some(&admin), None).await;
    let corp = list.body["corp_id"].as_str().expect("corp id");
    let secret = weft_server::seed::DEMO_APP_SECRET;
    let issued = wecom(&app, &format!("/cgi-bin/gettoken?corpid={corp}&corpsecret={secret}")).await;
    assert_eq!(issued["errcode"], 0, "{issued}");
    let key = weft_server::seed::DEMO_ROBOT_KEY;
    let body = json!({ "msgtype": "text", "text": { "content": "构建 #418 通过" } }).to_string();
    let posted = common::wecom::wecom_post(&app, &format!("/cgi-bin/webhook/send?key={key}"), &body).await;
    assert_eq!(posted["errcode"], 0, "{posted}");
    let wangwu = app.login("wangwu").await;
    let group = app.conversation_id(&wangwu, "研发部 Engineering").await;
    let history = app.call(Method::GET, &format!("/api/v1/conversations/{group}/messages"), Some(&wangwu), None).await;
    let last = history.body["messages"].as_array().and_then(|m| m.last()).expect("a message");
    assert_eq!(last["sender_name"], weft_server::seed::DEMO_ROBOT_NAME);
}

#[tokio::test]
async fn gettoken_answers_wecoms_error_codes() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let integration = make_app(&app, &admin, json!(["directory_read"]), json!([])).await;
    let (corp, secret) = (&integration.corp_id, &integration.secret);
    for (path, errcode) in [
        (format!("/cgi-bin/gettoken?corpsecret={secret}"), 41002),
        (format!("/cgi-bin/gettoken?corpid={corp}"), 41004),
        (format!("/cgi-bin/gettoken?corpid=wwnotours&corpsecret={secret}"), 40013),
        (format!("/cgi-bin/gettoken?corpid={corp}&corpsecret=wrong"), 40001),
    ] {
        assert_eq!(wecom(&app, &path).await["errcode"], errcode, "{path}");
    }
    let issued = wecom(&app, &format!("/cgi-bin/gettoken?corpid={corp}&corpsecret={secret}")).await;
    assert_eq!((issued["errcode"].as_i64(), issued["errmsg"].as_str()), (Some(0), Some("ok")));
    assert_eq!(issued["expires_in"], 7200);

    let audit = app.call(Method::GET, "/api/v1/admin/audit?action=integration_token_issued", Some(&admin), None).await;
    assert_eq!(audit.body["entries"][0]["actor"], "ERP 连接器 (1000002)");
    let refused =
        app.call(Method::GET, "/api/v1/admin/audit?action=integration_token_refused", Some(&admin), None).await;
    assert_eq!(refused.body["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(wecom(&app, "/cgi-bin/no/such/api").await["errcode"], 48001);
}

#[tokio::test]
async fn access_tokens_expire_stop_at_rotation_and_disabling_and_need_their_scope() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let reader = make_app(&app, &admin, json!(["directory_read"]), json!([])).await;
    let messenger = make_app(&app, &admin, json!(["messages"]), json!([])).await;
    let token_value = token(&app, &reader).await;
    assert_eq!(wecom(&app, "/cgi-bin/department/list").await["errcode"], 41001);
    assert_eq!(wecom(&app, "/cgi-bin/department/list?access_token=nope").await["errcode"], 40014);
    assert_eq!(wecom(&app, &format!("/cgi-bin/department/list?access_token={token_value}")).await["errcode"], 0);
    let messages_only = token(&app, &messenger).await;
    assert_eq!(wecom(&app, &format!("/cgi-bin/department/list?access_token={messages_only}")).await["errcode"], 60011);

    app.state.clock.advance(7_201_000);
    assert_eq!(wecom(&app, &format!("/cgi-bin/department/list?access_token={token_value}")).await["errcode"], 42001);

    let fresh = token(&app, &reader).await;
    let rotated = app
        .call(Method::POST, &format!("/api/v1/admin/integration-apps/{}/secret", reader.agent_id), Some(&admin), None)
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_eq!(wecom(&app, &format!("/cgi-bin/department/list?access_token={fresh}")).await["errcode"], 40014);
    let old_secret = format!("/cgi-bin/gettoken?corpid={}&corpsecret={}", reader.corp_id, reader.secret);
    assert_eq!(wecom(&app, &old_secret).await["errcode"], 40001);
    let renewed = Integration { secret: rotated.body["secret"].as_str().expect("secret").to_owned(), ..reader };
    let after_rotation = token(&app, &renewed).await;

    let disable = json!({ "name": "ERP 连接器", "scopes": ["directory_read"], "enabled": false });
    let path = format!("/api/v1/admin/integration-apps/{}", renewed.agent_id);
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(disable)).await.status, StatusCode::OK);
    assert_eq!(wecom(&app, &format!("/cgi-bin/department/list?access_token={after_rotation}")).await["errcode"], 40014);
    let new_secret = format!("/cgi-bin/gettoken?corpid={}&corpsecret={}", renewed.corp_id, renewed.secret);
    assert_eq!(wecom(&app, &new_secret).await["errcode"], 40001);
}

#[tokio::test]
async fn calls_come_only_from_the_allowed_addresses() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let integration = make_app(&app, &admin, json!(["directory_read"]), json!(["10.0.0.0/8"])).await;
    let path = format!("/cgi-bin/gettoken?corpid={}&corpsecret={}", integration.corp_id, integration.secret);
    assert_eq!(wecom_from(&app, "192.0.2.7", &path).await["errcode"], 60020);
    let issued = wecom_from(&app, "10.1.2.3", &path).await;
    assert_eq!(issued["errcode"], 0, "{issued}");
    let token = issued["access_token"].as_str().expect("token");
    let list = format!("/cgi-bin/department/simplelist?access_token={token}");
    assert_eq!(wecom_from(&app, "192.0.2.7", &list).await["errcode"], 60020);
    assert_eq!(wecom_from(&app, "10.9.9.9", &list).await["errcode"], 0);

    // A write is audited with the address it came from.
    let writer = make_app(&app, &admin, json!(["directory_write"]), json!(["10.0.0.0/8"])).await;
    let path = format!("/cgi-bin/gettoken?corpid={}&corpsecret={}", writer.corp_id, writer.secret);
    let issued = wecom_from(&app, "10.1.2.3", &path).await;
    let token = issued["access_token"].as_str().expect("token");
    let delete = format!("/cgi-bin/user/delete?access_token={token}&userid=sunli");
    assert_eq!(wecom_from(&app, "10.4.4.4", &delete).await["errcode"], 0);
    let audit = app.call(Method::GET, "/api/v1/admin/audit?action=member_deleted", Some(&admin), None).await;
    assert_eq!(audit.body["entries"][0]["address"], "10.4.4.4", "{}", audit.body);
}

#[tokio::test]
async fn departments_and_members_read_as_wecom_shows_them() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let integration = make_app(&app, &admin, json!(["directory_read"]), json!([])).await;
    let token = token(&app, &integration).await;

    let tree = wecom(&app, &format!("/cgi-bin/department/list?access_token={token}")).await;
    let departments = tree["department"].as_array().expect("departments");
    let root = departments.iter().find(|d| d["parentid"] == 0).expect("a root");
    assert_eq!(root["id"], 1, "the root is 1");
    let ids: Vec<i64> = departments.iter().filter_map(|d| d["id"].as_i64()).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "each department has its own integer id");
    let again = wecom(&app, &format!("/cgi-bin/department/list?access_token={token}")).await;
    assert_eq!(again["department"], tree["department"], "ids are stable");

    let zhangsan = wecom(&app, &format!("/cgi-bin/user/get?access_token={token}&userid=zhangsan")).await;
    assert_eq!(zhangsan["errcode"], 0, "{zhangsan}");
    assert_eq!((zhangsan["name"].as_str(), zhangsan["status"].as_i64()), (Some("张三"), Some(1)));
    let main = zhangsan["main_department"].as_i64().expect("main department");
    assert_eq!(zhangsan["department"][0], main, "the main department first");
    assert_eq!(zhangsan["direct_leader"], json!(["wangwu"]));

    // Its department, and the subtree from the root with fetch_child.
    let own = wecom(&app, &format!("/cgi-bin/user/simplelist?access_token={token}&department_id={main}")).await;
    let names: Vec<&str> =
        own["userlist"].as_array().expect("users").iter().filter_map(|u| u["userid"].as_str()).collect();
    assert!(names.contains(&"zhangsan"), "{names:?}");
    let everyone = wecom(&app, &format!("/cgi-bin/user/list?access_token={token}&department_id=1&fetch_child=1")).await;
    assert!(everyone["userlist"].as_array().expect("users").len() >= 20);
    let subtree = wecom(&app, &format!("/cgi-bin/department/simplelist?access_token={token}&id={main}")).await;
    assert_eq!(subtree["department_id"][0]["id"], main);

    for (path, errcode) in [
        (format!("/cgi-bin/user/get?access_token={token}&userid=nobody"), 60111),
        (format!("/cgi-bin/user/get?access_token={token}"), 41009),
        (format!("/cgi-bin/department/list?access_token={token}&id=99999"), 60003),
        (format!("/cgi-bin/department/list?access_token={token}&id=../1"), 60123),
        (format!("/cgi-bin/user/simplelist?access_token={token}"), 60123),
    ] {
        assert_eq!(wecom(&app, &path).await["errcode"], errcode, "{path}");
    }
}

#[tokio::test]
async fn departments_are_created_updated_and_deleted_with_wecoms_answers() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let reader = make_app(&app, &admin, json!(["directory_read"]), json!([])).await;
    let writer = make_app(&app, &admin, json!(["directory_write"]), json!([])).await;
    let (read_token, token) = (token(&app, &reader).await, token(&app, &writer).await);
    let create = format!("/cgi-bin/department/create?access_token={token}");

    let no_scope = wecom_post(
        &app,
        &format!("/cgi-bin/department/create?access_token={read_token}"),
        r#"{"name":"x","parentid":1}"#,
    )
    .await;
    assert_eq!(no_scope["errcode"], 60011);
    let created = wecom_post(&app, &create, r#"{"name":"法务部 Legal","parentid":"1","order":"3"}"#).await;
    assert_eq!((created["errcode"].as_i64(), created["errmsg"].as_str()), (Some(0), Some("created")), "{created}");
    let legal = created["id"].as_i64().expect("id");
    let chosen = wecom_post(&app, &create, r#"{"name":"审计部 Audit","parentid":1,"id":9000}"#).await;
    assert_eq!(chosen["id"], 9000, "{chosen}");
    for (body, errcode) in [
        (r#"{"name":"Other","parentid":1,"id":9000}"#, 60008),
        (r#"{"name":"法务部 Legal","parentid":1}"#, 60008),
        (r#"{"name":"Orphan","parentid":424242}"#, 60004),
        (r#"{"name":"  ","parentid":1}"#, 60001),
        (r#"{"name":"Bad","parentid":"one"}"#, 40058),
        ("<xml>not json</xml>", 47001),
    ] {
        assert_eq!(wecom_post(&app, &create, body).await["errcode"], errcode, "{body}");
    }

    let tree = wecom(&app, &format!("/cgi-bin/department/list?access_token={read_token}")).await;
    let found = tree["department"].as_array().expect("list").iter().find(|d| d["id"] == legal).cloned();
    assert_eq!(found.map(|d| (d["name"].clone(), d["parentid"].clone())), Some((json!("法务部 Legal"), json!(1))));
    // Members see it too, like any administrator's change.
    let directory = app.call(Method::GET, "/api/v1/directory", Some(&admin), None).await;
    assert!(directory.body.to_string().contains("法务部 Legal"));

    let update = format!("/cgi-bin/department/update?access_token={token}");
    let renamed = wecom_post(&app, &update, &format!(r#"{{"id":"{legal}","name":"法务 Legal"}}"#)).await;
    assert_eq!(renamed["errmsg"], "updated", "{renamed}");
    let moved = wecom_post(&app, &update, &format!(r#"{{"id":{legal},"parentid":9000}}"#)).await;
    assert_eq!(moved["errcode"], 0, "{moved}");
    let cycle = wecom_post(&app, &update, &format!(r#"{{"id":9000,"parentid":{legal}}}"#)).await;
    assert_eq!(cycle["errcode"], 60010, "{cycle}");
    assert_eq!(wecom_post(&app, &update, r#"{"id":777777,"name":"x"}"#).await["errcode"], 60003);

    let zhangsan = wecom(&app, &format!("/cgi-bin/user/get?access_token={read_token}&userid=zhangsan")).await;
    let occupied = zhangsan["main_department"].as_i64().expect("main");
    let delete = |id: i64| format!("/cgi-bin/department/delete?access_token={token}&id={id}");
    assert_eq!(wecom(&app, &delete(1)).await["errcode"], 60007);
    assert_eq!(wecom(&app, &delete(occupied)).await["errcode"], 60005);
    assert_eq!(wecom(&app, &delete(9000)).await["errcode"], 60006, "it holds Legal now");
    let deleted = wecom(&app, &delete(legal)).await;
    assert_eq!((deleted["errcode"].as_i64(), deleted["errmsg"].as_str()), (Some(0), Some("deleted")));
    assert_eq!(wecom(&app, &delete(legal)).await["errcode"], 60003);
    let audit = app.call(Method::GET, "/api/v1/admin/audit?action=department_created", Some(&admin), None).await;
    assert_eq!(audit.body["entries"][0]["actor"], format!("ERP 连接器 ({})", writer.agent_id));
}

#[tokio::test]
async fn members_are_created_invited_and_deleted_with_wecoms_answers() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let writer = make_app(&app, &admin, json!(["directory_write", "directory_read"]), json!([])).await;
    let token = token(&app, &writer).await;
    let zhangsan = wecom(&app, &format!("/cgi-bin/user/get?access_token={token}&userid=zhangsan")).await;
    let department = zhangsan["main_department"].as_i64().expect("a department");
    let create = format!("/cgi-bin/user/create?access_token={token}");
    let body = format!(
        r#"{{"userid":"weixin01","name":"刘洋","department":["{department}"],"is_leader_in_dept":[0],
            "direct_leader":["zhangsan"],"position":"实习生 Intern","mobile":"13800009999","email":"weixin01@example.com","gender":"1"}}"#
    );
    let created = wecom_post(&app, &create, &body).await;
    assert_eq!((created["errcode"].as_i64(), created["errmsg"].as_str()), (Some(0), Some("created")), "{created}");
    let fetched = wecom(&app, &format!("/cgi-bin/user/get?access_token={token}&userid=weixin01")).await;
    assert_eq!((fetched["name"].as_str(), fetched["status"].as_i64()), (Some("刘洋"), Some(4)), "invited: {fetched}");
    assert_eq!(fetched["direct_leader"], json!(["zhangsan"]));
    assert_eq!(fetched["department"], json!([department]));

    for (body, errcode) in [
        (format!(r#"{{"userid":"weixin01","name":"又一个","department":[{department}]}}"#), 60102),
        (format!(r#"{{"userid":"other1","name":"某人","department":[{department}],"mobile":"13800009999"}}"#), 60104),
        (format!(r#"{{"userid":"other2","name":"某人","department":[{department}],"email":"not-an-email"}}"#), 60105),
        (format!(r#"{{"userid":"other3","name":"","department":[{department}]}}"#), 60112),
        (r#"{"userid":"other4","name":"某人","department":[]}"#.to_owned(), 40066),
        (r#"{"userid":"other5","name":"某人","department":[424242]}"#.to_owned(), 40066),
        (format!(r#"{{"name":"某人","department":[{department}]}}"#), 41009),
    ] {
        assert_eq!(wecom_post(&app, &create, &body).await["errcode"], errcode, "{body}");
    }

    let delete = |userid: &str| format!("/cgi-bin/user/delete?access_token={token}&userid={userid}");
    let deleted = wecom(&app, &delete("weixin01")).await;
    assert_eq!((deleted["errcode"].as_i64(), deleted["errmsg"].as_str()), (Some(0), Some("deleted")), "{deleted}");
    assert_eq!(wecom(&app, &delete("weixin01")).await["errcode"], 60111);
    assert_eq!(wecom(&app, &delete("admin")).await["errcode"], 60011, "not the administrator the app acts for");
    let batch = format!("/cgi-bin/user/batchdelete?access_token={token}");
    assert_eq!(wecom_post(&app, &batch, r#"{"useridlist":["yangfan","xuming"]}"#).await["errcode"], 0);
    assert_eq!(wecom(&app, &format!("/cgi-bin/user/get?access_token={token}&userid=yangfan")).await["errcode"], 60111);

    let audit = app.call(Method::GET, "/api/v1/admin/audit?action=member_deleted", Some(&admin), None).await;
    assert_eq!(audit.body["entries"].as_array().map(Vec::len), Some(3), "{}", audit.body);
}

#[tokio::test]
async fn user_update_changes_only_the_named_fields_and_list_id_pages_through_everyone() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let writer = make_app(&app, &admin, json!(["directory_write"]), json!([])).await;
    let token = token(&app, &writer).await;
    let get = |userid: &str| format!("/cgi-bin/user/get?access_token={token}&userid={userid}");
    let before = wecom(&app, &get("wangwu")).await;
    let update = format!("/cgi-bin/user/update?access_token={token}");

    let moved = wecom_post(&app, &update, r#"{"userid":"wangwu","position":"技术副总裁 VP Engineering"}"#).await;
    assert_eq!((moved["errcode"].as_i64(), moved["errmsg"].as_str()), (Some(0), Some("updated")), "{moved}");
    let after = wecom(&app, &get("wangwu")).await;
    assert_eq!(after["position"], "技术副总裁 VP Engineering");
    for kept in ["name", "department", "is_leader_in_dept", "direct_leader", "main_department", "email"] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
    }

    // New departments: a leader flag per department; the main one follows.
    let product = wecom(&app, &get("lisi")).await["main_department"].as_i64().expect("product");
    let body = format!(r#"{{"userid":"wangwu","department":[{product}],"is_leader_in_dept":[0],"direct_leader":[]}}"#);
    assert_eq!(wecom_post(&app, &update, &body).await["errcode"], 0);
    let after = wecom(&app, &get("wangwu")).await;
    assert_eq!((after["department"].clone(), after["main_department"].clone()), (json!([product]), json!(product)));
    assert_eq!(after["is_leader_in_dept"], json!([0]));
    assert_eq!(after["direct_leader"], json!([]));
    // An administrator stays one.
    let profile = app.call(Method::GET, "/api/v1/directory", Some(&admin), None).await;
    let members = profile.body["members"].as_array().expect("members");
    let wangwu = members.iter().find(|m| m["userid"] == "wangwu").expect("wangwu");
    assert_eq!(wangwu["position"], "技术副总裁 VP Engineering");
    let admin_card = wecom_post(&app, &update, r#"{"userid":"admin","alias":"IT"}"#).await;
    assert_eq!(admin_card["errcode"], 0, "{admin_card}");
    let me = app.call(Method::GET, "/api/v1/me", Some(&app.login("admin").await), None).await;
    assert_eq!(me.body["role"], "admin", "{}", me.body);

    for (body, errcode) in [
        (r#"{"position":"x"}"#, 41009),
        (r#"{"userid":"nobody","name":"x"}"#, 60111),
        (r#"{"userid":"wangwu","department":[]}"#, 40066),
        (r#"{"userid":"wangwu","department":[99999]}"#, 40066),
        (r#"{"userid":"wangwu","email":"not an email"}"#, 60105),
        (r#"{"userid":"wangwu","direct_leader":["nobody"]}"#, 60111),
    ] {
        assert_eq!(wecom_post(&app, &update, body).await["errcode"], errcode, "{body}");
    }
    let audit = app.call(Method::GET, "/api/v1/admin/audit?action=member_updated", Some(&admin), None).await;
    assert_eq!(audit.body["entries"].as_array().map(Vec::len), Some(3), "{}", audit.body);

    // list_id: every member and department once, across pages of at most `limit`.
    let list_id = format!("/cgi-bin/user/list_id?access_token={token}");
    let (mut cursor, mut seen, mut pages) = (String::new(), Vec::new(), 0);
    loop {
        let page = wecom_post(&app, &list_id, &format!(r#"{{"cursor":"{cursor}","limit":4}}"#)).await;
        assert_eq!(page["errcode"], 0, "{page}");
        let entries = page["dept_user"].as_array().expect("entries");
        assert!(!entries.is_empty() && entries.len() <= 4, "{page}");
        seen.extend(
            entries.iter().map(|e| (e["userid"].as_str().unwrap_or_default().to_owned(), e["department"].clone())),
        );
        pages += 1;
        cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    let everyone = wecom_post(&app, &list_id, "{}").await["dept_user"].as_array().map(Vec::len);
    assert_eq!(Some(seen.len()), everyone, "one page without a limit holds the same");
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "nothing twice");
    assert!(pages > 4);
    assert!(seen.contains(&("lisi".to_owned(), json!(product))), "李四 in product");
    assert_eq!(wecom_post(&app, &list_id, r#"{"limit":0}"#).await["errcode"], 40058);
}
