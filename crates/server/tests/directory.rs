//! The directory: the seeded tree, search keys, tree rules, member administration, duplicates
//! named by field, and disabling (sessions end, live sockets close, sign-in is refused).

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn member<'a>(snapshot: &'a Value, userid: &str) -> &'a Value {
    snapshot["members"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["userid"] == userid))
        .unwrap_or_else(|| panic!("{userid} in the snapshot"))
}

fn department_named<'a>(snapshot: &'a Value, prefix: &str) -> &'a Value {
    snapshot["departments"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["name"].as_str().is_some_and(|n| n.starts_with(prefix))))
        .unwrap_or_else(|| panic!("department {prefix}"))
}

fn types(changes: &[Value]) -> Vec<String> {
    changes.iter().map(|c| c["type"].as_str().unwrap_or("").to_owned()).collect()
}

#[tokio::test]
async fn the_seeded_directory_is_a_tree_with_leaders_and_search_keys() {
    let app = TestApp::new();
    let token = app.login("zhangsan").await;
    let reply = app.call(Method::GET, "/api/v1/directory", Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let snapshot = reply.body;
    assert_eq!(snapshot["members"].as_array().map(Vec::len), Some(20));
    assert_eq!(snapshot["departments"].as_array().map(Vec::len), Some(9));
    assert!(snapshot["cursor"].as_u64().is_some());
    let zhangsan = member(&snapshot, "zhangsan");
    let keys: Vec<&str> = zhangsan["search_keys"].as_array().expect("keys").iter().filter_map(Value::as_str).collect();
    for key in ["张三", "zhangsan", "zs", "zhang san", "zhangsan@weft.example"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(zhangsan["status"], "active");
    assert_eq!(zhangsan["main_department_id"], "fe");
    let wangwu = member(&snapshot, "wangwu");
    assert_eq!(zhangsan["direct_leader_id"], wangwu["id"], "direct leaders are seeded");
    let eng = department_named(&snapshot, "研发部");
    assert_eq!(eng["leaders"], json!([wangwu["id"]]));
    let fe = department_named(&snapshot, "前端组");
    assert_eq!(fe["parent_id"], eng["id"]);
    // 李四 belongs to two departments, product being the main one.
    let lisi = member(&snapshot, "lisi");
    assert_eq!(lisi["departments"].as_array().map(Vec::len), Some(2));
    assert_eq!(lisi["main_department_id"], "product");
}

#[tokio::test]
async fn search_matches_pinyin_initials_alias_email_and_position() {
    let app = TestApp::new();
    let token = app.login("lisi").await;
    for (query, expected) in [
        ("zs", "zhangsan"),
        ("ZhangSan", "zhangsan"),
        ("zhang san", "zhangsan"),
        ("张三", "zhangsan"),
        ("gaoyuan@weft", "gaoyuan"),
        ("架构", "guojun"),
        ("gj", "guojun"),
        ("mq", "maqiang"),
    ] {
        let path = format!("/api/v1/directory/search?q={}", urlencode(query));
        let reply = app.call(Method::GET, &path, Some(&token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
        let first = reply.body[0]["userid"].as_str().unwrap_or("");
        assert_eq!(first, expected, "{query}: {}", reply.body);
    }
    let reply = app.call(Method::GET, "/api/v1/directory/search?q=%20", Some(&token), None).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let reply = app.call(Method::GET, "/api/v1/directory/search?q=a&limit=2", Some(&token), None).await;
    assert_eq!(reply.body.as_array().map(Vec::len), Some(2));
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Found by the API fuzzer: an order at the top of i64 made "one after the last sibling"
/// overflow, and every later department in that parent failed with a 500.
#[tokio::test]
async fn a_department_order_outside_wecoms_range_is_a_field_error_and_nothing_breaks() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    for (order, rule) in [(i64::MAX, "at_most"), (-1, "at_least")] {
        let body = json!({ "name": "报销 Expense", "parent_id": "root", "order": order });
        let reply = app.call(Method::POST, "/api/v1/admin/departments", Some(&admin), Some(body)).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert_eq!(reply.body["problems"][0]["path"], "order", "{}", reply.body);
        assert_eq!(reply.body["problems"][0]["rule"], rule, "{}", reply.body);
        let reply = app
            .call(Method::PATCH, "/api/v1/admin/departments/hr", Some(&admin), Some(json!({ "order": order })))
            .await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    }
    let top = json!({ "name": "最后 Last", "parent_id": "root", "order": u32::MAX });
    let reply = app.call(Method::POST, "/api/v1/admin/departments", Some(&admin), Some(top)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let after = json!({ "name": "报销 Expense", "parent_id": "root" });
    let reply = app.call(Method::POST, "/api/v1/admin/departments", Some(&admin), Some(after)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.body["order"], i64::from(u32::MAX) + 1);
}

#[tokio::test]
async fn the_tree_refuses_cycles_and_deleting_what_is_still_used() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    // Moving 研发部 under its own 前端组, or under itself.
    for parent in ["fe", "eng"] {
        let reply = app
            .call(Method::PATCH, "/api/v1/admin/departments/eng", Some(&admin), Some(json!({ "parent_id": parent })))
            .await;
        assert_error(&reply, StatusCode::CONFLICT, "conflict");
        assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("under itself")), "{}", reply.body);
    }
    let reply = app
        .call(Method::PATCH, "/api/v1/admin/departments/root", Some(&admin), Some(json!({ "parent_id": "eng" })))
        .await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    let reply = app.call(Method::DELETE, "/api/v1/admin/departments/root", Some(&admin), None).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("root")));
    let reply = app.call(Method::DELETE, "/api/v1/admin/departments/eng", Some(&admin), None).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("sub-department")), "{}", reply.body);
    let reply = app.call(Method::DELETE, "/api/v1/admin/departments/finance", Some(&admin), None).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("3 member")), "{}", reply.body);
    let reply = app.call(Method::DELETE, "/api/v1/admin/departments/nope", Some(&admin), None).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");

    // Create, refuse a sibling with the same name, move, rename, delete.
    let viewer = app.login("zhangsan").await;
    let start = app.cursor(&viewer).await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(&admin),
            Some(json!({ "name": "测试组 QA", "parent_id": "eng" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let again = app
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(&admin),
            Some(json!({ "name": "测试组 QA", "parent_id": "eng" })),
        )
        .await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");
    assert!(again.body["message"].as_str().is_some_and(|m| m.starts_with("name")));
    let bad = app
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(&admin),
            Some(json!({ "name": "a/b", "parent_id": "eng" })),
        )
        .await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let moved = app
        .call(
            Method::PATCH,
            &format!("/api/v1/admin/departments/{id}"),
            Some(&admin),
            Some(json!({ "parent_id": "fe", "name": "测试 QA" })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["parent_id"], "fe");
    let deleted = app.call(Method::DELETE, &format!("/api/v1/admin/departments/{id}"), Some(&admin), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let changes = app.pull_all(&viewer, start).await;
    let for_department: Vec<&Value> =
        changes.iter().filter(|c| c["department"]["id"] == id.as_str() || c["department_id"] == id.as_str()).collect();
    let kinds: Vec<&str> = for_department.iter().filter_map(|c| c["type"].as_str()).collect();
    assert_eq!(kinds.last(), Some(&"department_removed"), "{kinds:?}");
}

fn new_member(userid: &str, mobile: &str, email: &str) -> Value {
    json!({
        "userid": userid, "name": "新同事", "alias": "New Colleague", "position": "工程师",
        "mobile": mobile, "email": email, "departments": ["be"], "password": "initial-pass-1"
    })
}

#[tokio::test]
async fn members_are_created_updated_and_refused_when_a_unique_field_is_taken() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/admin/members",
            Some(&admin),
            Some(new_member("xintong", "13900000001", "xt@weft.example")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["status"], "active");
    assert!(created.body["search_keys"].as_array().is_some_and(|k| k.iter().any(|k| k == "xts")), "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    // The new member signs in with the initial password.
    let reply = app.try_login("xintong", "initial-pass-1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    for (body, field) in [
        (new_member("XinTong", "13900000002", "a@weft.example"), "userid"),
        (new_member("other1", "13800000001", "b@weft.example"), "mobile"),
        (new_member("other2", "13900000003", "ZhangSan@weft.example"), "email"),
    ] {
        let reply = app.call(Method::POST, "/api/v1/admin/members", Some(&admin), Some(body)).await;
        assert_error(&reply, StatusCode::CONFLICT, "conflict");
        assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with(field)), "{field}: {}", reply.body);
        assert_eq!(reply.body["problems"], json!([{ "path": field, "rule": "taken" }]), "{field}");
    }
    for (body, field) in [
        (json!({ "userid": "bad id", "name": "x", "departments": ["be"] }), "userid"),
        (json!({ "userid": "ok1", "name": "x", "email": "nope", "departments": ["be"] }), "email"),
        (json!({ "userid": "ok2", "name": "x", "mobile": "12", "departments": ["be"] }), "mobile"),
        (json!({ "userid": "ok3", "name": "x", "departments": [] }), "departments"),
        (json!({ "userid": "ok4", "name": "x", "departments": ["nope"] }), "departments"),
        (json!({ "userid": "ok5", "name": "x", "departments": ["be"], "password": "short" }), "password"),
    ] {
        let reply = app.call(Method::POST, "/api/v1/admin/members", Some(&admin), Some(body)).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with(field)), "{field}: {}", reply.body);
        assert_eq!(reply.body["problems"][0]["path"], field, "{}", reply.body);
    }
    let reply = app
        .call(
            Method::POST,
            "/api/v1/admin/members",
            Some(&admin),
            Some(json!({ "userid": "ok6", "name": "x", "mobile": "12", "email": "nope", "departments": ["be"] })),
        )
        .await;
    assert_eq!(
        reply.body["problems"],
        json!([{ "path": "mobile", "rule": "phone_number" }, { "path": "email", "rule": "email_address" }]),
        "every text field's problem, typed"
    );
    let short = json!({ "userid": "ok7", "name": "x", "departments": ["be"], "password": "short" });
    let reply = app.call(Method::POST, "/api/v1/admin/members", Some(&admin), Some(short)).await;
    assert_eq!(
        reply.body["problems"],
        json!([{ "path": "password", "rule": "length", "min": 8, "max": 256 }]),
        "{}",
        reply.body
    );

    // Without a password the member is invited and cannot sign in.
    let invited = app
        .call(
            Method::POST,
            "/api/v1/admin/members",
            Some(&admin),
            Some(json!({ "userid": "yaoqing", "name": "邀请", "departments": ["hr"] })),
        )
        .await;
    assert_eq!(invited.body["status"], "invited", "{}", invited.body);

    // Updating moves them, makes them lead, names a direct leader; a circle is refused.
    let ids = app.member_ids(&admin).await;
    let viewer = app.login("lisi").await;
    let start = app.cursor(&viewer).await;
    let update = json!({ "name": "新同事改", "departments": ["be", "fe"], "main_department_id": "fe", "leader_of": ["fe"], "direct_leader_id": ids["guojun"] });
    let reply = app.call(Method::PUT, &format!("/api/v1/admin/members/{id}"), Some(&admin), Some(update)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["main_department_id"], "fe");
    assert_eq!(reply.body["version"], 2);
    let changes = app.pull_all(&viewer, start).await;
    assert!(changes.iter().any(|c| c["type"] == "member" && c["member"]["name"] == "新同事改"), "{changes:?}");
    assert!(changes.iter().any(|c| c["type"] == "department"
        && c["department"]["id"] == "fe"
        && c["department"]["leaders"].as_array().is_some_and(|l| l.iter().any(|m| m == id.as_str()))));
    let circle = json!({ "name": "郭军", "departments": ["be"], "leader_of": ["be"], "direct_leader_id": id });
    let reply =
        app.call(Method::PUT, &format!("/api/v1/admin/members/{}", ids["guojun"]), Some(&admin), Some(circle)).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("direct_leader_id")));
    // An administrator cannot demote or disable themself.
    let me = json!({ "name": "管理员", "departments": ["ceo"], "role": "member" });
    let reply = app.call(Method::PUT, &format!("/api/v1/admin/members/{}", ids["admin"]), Some(&admin), Some(me)).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    let reply =
        app.call(Method::POST, &format!("/api/v1/admin/members/{}/disable", ids["admin"]), Some(&admin), None).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn deleting_a_member_frees_their_userid_and_removes_them_from_every_copy() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let viewer = app.login("lisi").await;
    let start = app.cursor(&viewer).await;
    let ids = app.member_ids(&admin).await;
    let victim = ids["sunli"].clone();
    let victim_token = app.login("sunli").await;
    let reply = app.call(Method::DELETE, &format!("/api/v1/admin/members/{victim}"), Some(&admin), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    assert_error(
        &app.call(Method::GET, "/api/v1/me", Some(&victim_token), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let changes = app.pull_all(&viewer, start).await;
    assert!(changes.iter().any(|c| c["type"] == "member_removed" && c["member_id"] == victim.as_str()), "{changes:?}");
    let detail = app.call(Method::GET, &format!("/api/v1/directory/members/{victim}"), Some(&viewer), None).await;
    assert_error(&detail, StatusCode::NOT_FOUND, "not_found");
    let snapshot = app.call(Method::GET, "/api/v1/directory", Some(&admin), None).await;
    assert!(!snapshot.body.to_string().contains(&victim));
    // The userid, mobile and email can be given to someone new.
    let body = json!({ "userid": "sunli", "name": "孙丽", "mobile": "13800000020", "email": "sunli@weft.example", "departments": ["hr"] });
    let reply = app.call(Method::POST, "/api/v1/admin/members", Some(&admin), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    // Deleting a department's last member lets the department go.
    let reply = app.call(Method::DELETE, &format!("/api/v1/admin/members/{victim}"), Some(&admin), None).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn disabling_ends_sessions_closes_live_sockets_and_refuses_sign_in() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let token = app.login("zhaoliu").await;
    let second = app.login("zhaoliu").await;
    let address = app.serve().await;
    let mut socket = common::open_live_socket(address, &token).await;
    let ids = app.member_ids(&admin).await;
    let reply =
        app.call(Method::POST, &format!("/api/v1/admin/members/{}/disable", ids["zhaoliu"]), Some(&admin), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["status"], "disabled");

    // Within a second the socket hears that its session ended, then closes.
    assert!(common::ends_its_session(&mut socket, std::time::Duration::from_secs(1)).await);
    for session in [&token, &second] {
        assert_error(
            &app.call(Method::GET, "/api/v1/me", Some(session), None).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        );
    }
    let reply = app.try_login("zhaoliu", "weft-demo").await;
    assert_error(&reply, StatusCode::FORBIDDEN, "account_disabled");
    // Disabled members stay in the directory, marked.
    let viewer = app.login("lisi").await;
    let card =
        app.call(Method::GET, &format!("/api/v1/directory/members/{}", ids["zhaoliu"]), Some(&viewer), None).await;
    assert_eq!(card.body["status"], "disabled");
    // …but cannot be added to chats.
    let reply = app
        .call(Method::POST, "/api/v1/conversations/direct", Some(&viewer), Some(json!({ "member": ids["zhaoliu"] })))
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    // Enabling lets them back in.
    let reply =
        app.call(Method::POST, &format!("/api/v1/admin/members/{}/enable", ids["zhaoliu"]), Some(&admin), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    app.login("zhaoliu").await;
    let start = app.cursor(&viewer).await;
    assert_eq!(types(&app.pull_all(&viewer, start).await), Vec::<String>::new());
}

#[tokio::test]
async fn an_invited_member_gets_a_password_and_becomes_active() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let invited = app
        .call(
            Method::POST,
            "/api/v1/admin/members",
            Some(&admin),
            Some(json!({ "userid": "newbie", "name": "新人", "departments": ["hr"] })),
        )
        .await;
    let id = invited.body["id"].as_str().expect("id").to_owned();
    let reply = app.call(Method::POST, &format!("/api/v1/admin/members/{id}/enable"), Some(&admin), None).await;
    assert_error(&reply, StatusCode::CONFLICT, "conflict");
    let reply = app.try_login("newbie", "anything-at-all").await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "bad_credentials");
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/admin/members/{id}/password"),
            Some(&admin),
            Some(json!({ "password": "welcome-2026" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let reply = app.try_login("newbie", "welcome-2026").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn a_directory_change_reaches_live_sockets_of_those_who_may_see_it() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let address = app.serve().await;
    let mut sockets = Vec::new();
    for userid in ["lisi", "huangli"] {
        let token = app.login(userid).await;
        let cursor = app.cursor(&token).await;
        let (mut socket, _) =
            tokio_tungstenite::connect_async(format!("ws://{address}/api/v1/live")).await.expect("socket");
        socket
            .send(WsMessage::text(json!({ "type": "auth", "token": token, "cursor": cursor }).to_string()))
            .await
            .expect("auth");
        let ready = socket.next().await.expect("frame").expect("frame");
        assert!(ready.to_text().unwrap_or("").contains("ready"));
        sockets.push(socket);
    }
    // 财务部 sees only itself; then 张三 changes.
    let reply = app.scope_department(&admin, "finance", &["finance"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let body =
        json!({ "name": "张三丰", "departments": ["fe"], "leader_of": ["fe"], "direct_leader_id": ids["wangwu"] });
    let reply =
        app.call(Method::PUT, &format!("/api/v1/admin/members/{}", ids["zhangsan"]), Some(&admin), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    /// Change frames until one holds `needle` (or the time runs out).
    async fn frames_until(
        socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
        needle: &str,
    ) -> String {
        let mut seen = String::new();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), async {
            while let Some(Ok(frame)) = socket.next().await {
                seen.push_str(frame.to_text().unwrap_or(""));
                if seen.contains(needle) {
                    return;
                }
            }
        })
        .await;
        seen
    }
    let lisi = frames_until(&mut sockets[0], "张三丰").await;
    assert!(lisi.contains("张三丰"), "{lisi}");
    let huangli = frames_until(&mut sockets[1], "张三丰").await;
    assert!(huangli.contains("member_removed"), "the narrowing reached her socket: {huangli}");
    assert!(!huangli.contains("张三丰"), "{huangli}");
}
