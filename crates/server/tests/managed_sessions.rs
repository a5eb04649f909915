//! Managed sessions through the real router: device modes and their terms, idle times and
//! lifetimes on a clock moved by hand, department policies, kiosk codes, remote sign-out and
//! wipe, the member's password change and unlock, and who may manage sessions.

mod common;

use axum::http::{Method, StatusCode};
use common::{Reply, TestApp, assert_error};
use serde_json::{Value, json};

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

async fn sign_in(app: &TestApp, username: &str, extra: Value) -> Reply {
    let mut body = json!({"username": username, "password": "weft-demo", "device": "test"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.call(Method::POST, "/api/v1/auth/login", None, Some(body)).await
}

async fn token_of(app: &TestApp, username: &str, extra: Value) -> String {
    let reply = sign_in(app, username, extra).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["token"].as_str().expect("token").to_owned()
}

async fn me(app: &TestApp, token: &str) -> Reply {
    app.call(Method::GET, "/api/v1/me", Some(token), None).await
}

/// The admin's view of one member's sessions, ended ones included.
async fn admin_view(app: &TestApp, admin: &str, member: &str) -> Vec<Value> {
    let reply =
        app.call(Method::GET, &format!("/api/v1/admin/sessions?member={member}&ended=true"), Some(admin), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body.as_array().expect("list").clone()
}

#[tokio::test]
async fn the_device_mode_asked_gives_its_terms() {
    let app = TestApp::new();
    let personal = sign_in(&app, "zhangsan", json!({})).await;
    assert_eq!(personal.body["terms"]["mode"], "personal");
    assert_eq!(
        personal.body["terms"]["lifetimes"],
        json!({"lock_after_minutes": 0, "idle_minutes": 20160, "lifetime_hours": 2160})
    );
    let shared = sign_in(&app, "zhangsan", json!({"mode": "shared"})).await;
    assert_eq!(
        shared.body["terms"]["lifetimes"],
        json!({"lock_after_minutes": 5, "idle_minutes": 30, "lifetime_hours": 12})
    );
    let now = app.state.clock.now();
    assert_eq!(shared.body["terms"]["ends_at"], now + 12 * 60 * MINUTE);
    let token = shared.body["token"].as_str().expect("token");
    let current = app.call(Method::GET, "/api/v1/auth/session", Some(token), None).await;
    assert_eq!(current.body["terms"], shared.body["terms"]);
    let list = app.call(Method::GET, "/api/v1/auth/sessions", Some(token), None).await;
    let modes: Vec<&str> = list.body.as_array().expect("list").iter().filter_map(|s| s["mode"].as_str()).collect();
    assert_eq!(
        {
            let mut m = modes.clone();
            m.sort();
            m
        },
        vec!["personal", "shared"]
    );
    let unknown_mode = sign_in(&app, "zhangsan", json!({"mode": "borrowed"})).await;
    assert_error(&unknown_mode, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}

#[tokio::test]
async fn a_session_unused_past_its_idle_time_gets_401_and_is_listed_as_idle() {
    let app = TestApp::new();
    let shared = token_of(&app, "lisi", json!({"mode": "shared"})).await;
    // Used every 29 minutes, it stays.
    for _ in 0..3 {
        app.state.clock.advance(29 * MINUTE);
        assert_eq!(me(&app, &shared).await.status, StatusCode::OK);
    }
    app.state.clock.advance(30 * MINUTE + 1);
    let reply = me(&app, &shared).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("unused")), "{}", reply.body);
    let admin = token_of(&app, "admin", json!({})).await;
    let lisi = app.member_ids(&admin).await["lisi"].clone();
    let listed = admin_view(&app, &admin, &lisi).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["ended"], "idle");
    assert_eq!(listed[0]["mode"], "shared");
}

#[tokio::test]
async fn a_session_ends_at_its_lifetime_however_busy() {
    let app = TestApp::new();
    let token = token_of(&app, "wangwu", json!({})).await;
    for _ in 0..6 {
        app.state.clock.advance(13 * DAY);
        assert_eq!(me(&app, &token).await.status, StatusCode::OK);
    }
    app.state.clock.advance(12 * DAY);
    assert_eq!(me(&app, &token).await.status, StatusCode::UNAUTHORIZED);
    let admin = token_of(&app, "admin", json!({})).await;
    let wangwu = app.member_ids(&admin).await["wangwu"].clone();
    assert_eq!(admin_view(&app, &admin, &wangwu).await[0]["ended"], "expired");
}

fn desk_policy() -> Value {
    json!({
        "force_shared": true,
        "shared": {"lock_after_minutes": 2, "idle_minutes": 10, "lifetime_hours": 8},
        "personal": {"lock_after_minutes": 0, "idle_minutes": 60, "lifetime_hours": 24},
    })
}

#[tokio::test]
async fn a_department_policy_forces_shared_mode_and_applies_to_live_sessions_at_once() {
    let app = TestApp::new();
    let admin = token_of(&app, "admin", json!({})).await;
    // yangfan (前端组) signed in before the policy.
    let before = token_of(&app, "yangfan", json!({"mode": "shared"})).await;
    let reply = app.call(Method::PUT, "/api/v1/admin/session-policies/fe", Some(&admin), Some(desk_policy())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["department_name"], "前端组 Frontend");

    let zhangsan = sign_in(&app, "zhangsan", json!({"mode": "personal"})).await;
    assert_eq!(zhangsan.body["terms"]["mode"], "shared");
    assert_eq!(zhangsan.body["terms"]["lifetimes"]["idle_minutes"], 10);
    // lisi is in 产品部 and 前端组: the strictest of both.
    assert_eq!(sign_in(&app, "lisi", json!({})).await.body["terms"]["mode"], "shared");
    // Members elsewhere keep the default.
    assert_eq!(sign_in(&app, "zhaoliu", json!({})).await.body["terms"]["mode"], "personal");

    app.state.clock.advance(11 * MINUTE);
    assert_eq!(me(&app, &before).await.status, StatusCode::UNAUTHORIZED);

    let listed = app.call(Method::GET, "/api/v1/admin/session-policies", Some(&admin), None).await;
    assert_eq!(listed.body["departments"][0]["department_id"], "fe");
    assert_eq!(listed.body["default"]["shared"]["idle_minutes"], 30);
    let cleared = app.call(Method::DELETE, "/api/v1/admin/session-policies/fe", Some(&admin), None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert_eq!(sign_in(&app, "zhangsan", json!({})).await.body["terms"]["mode"], "personal");
    let again = app.call(Method::DELETE, "/api/v1/admin/session-policies/fe", Some(&admin), None).await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn policies_with_numbers_out_of_order_are_refused_naming_the_field() {
    let app = TestApp::new();
    let admin = token_of(&app, "admin", json!({})).await;
    let mut policy = desk_policy();
    policy["shared"]["lock_after_minutes"] = json!(10);
    let reply = app.call(Method::PUT, "/api/v1/admin/session-policies/fe", Some(&admin), Some(policy)).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.starts_with("shared.lock_after_minutes")));
    let mut policy = desk_policy();
    policy["personal"]["idle_minutes"] = json!(-1);
    let reply = app.call(Method::PUT, "/api/v1/admin/session-policies/fe", Some(&admin), Some(policy)).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let reply =
        app.call(Method::PUT, "/api/v1/admin/session-policies/no-such-dept", Some(&admin), Some(desk_policy())).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_kiosk_code_makes_every_session_shared_until_it_is_revoked() {
    let app = TestApp::new();
    let admin = token_of(&app, "admin", json!({})).await;
    let created = app
        .call(Method::POST, "/api/v1/admin/kiosk-codes", Some(&admin), Some(json!({"label": "前台 Front desk"})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let code = created.body["code"].as_str().expect("code").to_owned();
    let id = created.body["id"].as_str().expect("id").to_owned();
    // The list never shows the code again.
    let list = app.call(Method::GET, "/api/v1/admin/kiosk-codes", Some(&admin), None).await;
    assert_eq!(list.body[0]["label"], "前台 Front desk");
    assert!(list.body[0].get("code").is_none());

    let check = app.call(Method::POST, "/api/v1/auth/kiosk-check", None, Some(json!({"code": code}))).await;
    assert_eq!(check.body["label"], "前台 Front desk");
    let kiosk = sign_in(&app, "liuyang", json!({"mode": "personal", "kiosk_code": code})).await;
    assert_eq!(kiosk.body["terms"]["mode"], "shared");
    let kiosk_token = kiosk.body["token"].as_str().expect("token").to_owned();
    let liuyang = app.member_ids(&admin).await["liuyang"].clone();
    assert_eq!(admin_view(&app, &admin, &liuyang).await[0]["kiosk"], "前台 Front desk");

    let revoked = app.call(Method::DELETE, &format!("/api/v1/admin/kiosk-codes/{id}"), Some(&admin), None).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &kiosk_token).await.status, StatusCode::UNAUTHORIZED);
    let check = app.call(Method::POST, "/api/v1/auth/kiosk-check", None, Some(json!({"code": code}))).await;
    assert_error(&check, StatusCode::NOT_FOUND, "not_found");
    let refused = sign_in(&app, "liuyang", json!({"kiosk_code": code})).await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(refused.body["message"].as_str().is_some_and(|m| m.starts_with("kiosk_code")));
    let blank = app.call(Method::POST, "/api/v1/admin/kiosk-codes", Some(&admin), Some(json!({"label": "  "}))).await;
    assert_error(&blank, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}

#[tokio::test]
async fn an_administrator_signs_sessions_out_one_or_all() {
    let app = TestApp::new();
    let admin = token_of(&app, "admin", json!({})).await;
    let (phone, laptop, tablet) = (
        token_of(&app, "chenjing", json!({})).await,
        token_of(&app, "chenjing", json!({})).await,
        token_of(&app, "chenjing", json!({"mode": "shared"})).await,
    );
    let chenjing = app.member_ids(&admin).await["chenjing"].clone();
    let live = app.call(Method::GET, &format!("/api/v1/admin/sessions?member={chenjing}"), Some(&admin), None).await;
    assert_eq!(live.body.as_array().expect("list").len(), 3);
    let phone_id = app.call(Method::GET, "/api/v1/auth/session", Some(&phone), None).await.body["id"].clone();
    let phone_id = phone_id.as_str().expect("id");
    let ended = app.call(Method::DELETE, &format!("/api/v1/admin/sessions/{phone_id}"), Some(&admin), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &phone).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &laptop).await.status, StatusCode::OK);
    let twice = app.call(Method::DELETE, &format!("/api/v1/admin/sessions/{phone_id}"), Some(&admin), None).await;
    assert_error(&twice, StatusCode::NOT_FOUND, "not_found");

    let all = app.call(Method::DELETE, &format!("/api/v1/admin/members/{chenjing}/sessions"), Some(&admin), None).await;
    assert_eq!(all.status, StatusCode::NO_CONTENT);
    for token in [&laptop, &tablet] {
        assert_eq!(me(&app, token).await.status, StatusCode::UNAUTHORIZED);
    }
    let listed = admin_view(&app, &admin, &chenjing).await;
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|s| s["ended"] == "administrator"), "{listed:?}");
    // The admin's own session is untouched.
    assert_eq!(me(&app, &admin).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_remote_wipe_is_reported_by_the_device_and_shown_to_the_admin() {
    let app = TestApp::new();
    let admin = token_of(&app, "admin", json!({})).await;
    let device = token_of(&app, "huangli", json!({"mode": "shared"})).await;
    let other = token_of(&app, "huangli", json!({})).await;
    let session = app.call(Method::GET, "/api/v1/auth/session", Some(&device), None).await.body["id"].clone();
    let session = session.as_str().expect("id");

    // A session with no wipe asked cannot report one.
    let early = app.call(Method::POST, "/api/v1/auth/wiped", Some(&device), None).await;
    assert_error(&early, StatusCode::CONFLICT, "conflict");

    let wipe = app.call(Method::POST, &format!("/api/v1/admin/sessions/{session}/wipe"), Some(&admin), None).await;
    assert_eq!(wipe.status, StatusCode::NO_CONTENT);
    // At its next contact the device hears it must wipe, on every route but the report.
    assert_error(&me(&app, &device).await, StatusCode::UNAUTHORIZED, "wipe_required");
    let chats = app.call(Method::GET, "/api/v1/conversations", Some(&device), None).await;
    assert_error(&chats, StatusCode::UNAUTHORIZED, "wipe_required");
    let huangli = app.member_ids(&admin).await["huangli"].clone();
    let pending = admin_view(&app, &admin, &huangli).await;
    let entry = pending.iter().find(|s| s["id"] == session).expect("listed");
    assert!(entry["wipe_requested_at"].is_i64());
    assert!(entry["wiped_at"].is_null());

    app.state.clock.advance(MINUTE);
    let report = app.call(Method::POST, "/api/v1/auth/wiped", Some(&device), None).await;
    assert_eq!(report.status, StatusCode::NO_CONTENT);
    assert_error(&me(&app, &device).await, StatusCode::UNAUTHORIZED, "unauthenticated");
    let done = admin_view(&app, &admin, &huangli).await;
    let entry = done.iter().find(|s| s["id"] == session).expect("listed");
    assert_eq!(entry["ended"], "wiped");
    assert_eq!(entry["wiped_at"], app.state.clock.now());
    // The member's other device is not touched.
    assert_eq!(me(&app, &other).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_member_changes_their_password_and_keeps_only_this_session_with_a_new_token() {
    let app = TestApp::new();
    let here = token_of(&app, "xuming", json!({})).await;
    let elsewhere = token_of(&app, "xuming", json!({})).await;
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let wrong =
        app.call(Method::POST, "/api/v1/auth/password", Some(&here), Some(change("nope", "a long new one"))).await;
    assert_error(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(wrong.body["message"].as_str().is_some_and(|m| m.starts_with("current_password")));
    let short = app.call(Method::POST, "/api/v1/auth/password", Some(&here), Some(change("weft-demo", "short"))).await;
    assert!(short.body["message"].as_str().is_some_and(|m| m.starts_with("new_password")), "{}", short.body);
    let same = app.call(Method::POST, "/api/v1/auth/password", Some(&here), Some(change("weft-demo", "XuMing"))).await;
    assert_error(&same, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");

    let done = app
        .call(Method::POST, "/api/v1/auth/password", Some(&here), Some(change("weft-demo", "新的密码 new pass")))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let rotated = done.body["token"].as_str().expect("token");
    assert_ne!(rotated, here);
    assert_eq!(me(&app, rotated).await.status, StatusCode::OK);
    assert_eq!(me(&app, &here).await.status, StatusCode::UNAUTHORIZED);
    let ended = me(&app, &elsewhere).await;
    assert!(ended.body["message"].as_str().is_some_and(|m| m.contains("password")), "{}", ended.body);
    assert_error(&sign_in(&app, "xuming", json!({})).await, StatusCode::UNAUTHORIZED, "bad_credentials");
    let again = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "xuming", "password": "新的密码 new pass"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_out_of_every_other_session_keeps_this_one() {
    let app = TestApp::new();
    let here = token_of(&app, "zhaoliu", json!({})).await;
    let others =
        [token_of(&app, "zhaoliu", json!({})).await, token_of(&app, "zhaoliu", json!({"mode": "shared"})).await];
    let someone_else = token_of(&app, "maqiang", json!({})).await;
    let reply = app.call(Method::POST, "/api/v1/auth/sessions/sign-out-others", Some(&here), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &here).await.status, StatusCode::OK);
    for token in &others {
        assert_eq!(me(&app, token).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(me(&app, &someone_else).await.status, StatusCode::OK);
    let list = app.call(Method::GET, "/api/v1/auth/sessions", Some(&here), None).await;
    assert_eq!(list.body.as_array().expect("list").len(), 1);
}

#[tokio::test]
async fn unlocking_a_shared_device_takes_the_members_own_password() {
    let app = TestApp::new();
    let token = token_of(&app, "heyun", json!({"mode": "shared"})).await;
    let right =
        app.call(Method::POST, "/api/v1/auth/unlock", Some(&token), Some(json!({"password": "weft-demo"}))).await;
    assert_eq!(right.status, StatusCode::NO_CONTENT);
    let wrong = app.call(Method::POST, "/api/v1/auth/unlock", Some(&token), Some(json!({"password": "guess"}))).await;
    assert_error(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(wrong.body["message"].as_str().is_some_and(|m| m.starts_with("password")));
    let nobody = app.call(Method::POST, "/api/v1/auth/unlock", None, Some(json!({"password": "weft-demo"}))).await;
    assert_error(&nobody, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn a_changed_role_ends_the_members_sessions() {
    let app = TestApp::new();
    let admin = token_of(&app, "admin", json!({})).await;
    let token = token_of(&app, "wuxia", json!({})).await;
    let id = app.member_ids(&admin).await["wuxia"].clone();
    // wuxia as seeded (会计 in 财务部), made an administrator.
    let fields = json!({
        "name": "吴霞", "alias": "Wu Xia", "position": "会计 Accountant",
        "departments": ["finance"], "role": "admin",
    });
    let edited =
        app.call(Method::PUT, &format!("/api/v1/admin/members/{id}"), Some(&admin), Some(fields.clone())).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(me(&app, &token).await.status, StatusCode::UNAUTHORIZED);
    // An edit that keeps the role keeps the sessions.
    let fresh = token_of(&app, "wuxia", json!({})).await;
    let edited = app.call(Method::PUT, &format!("/api/v1/admin/members/{id}"), Some(&admin), Some(fields)).await;
    assert_eq!(edited.status, StatusCode::OK);
    assert_eq!(me(&app, &fresh).await.status, StatusCode::OK);
}

#[tokio::test]
async fn only_administrators_manage_sessions_policies_and_kiosk_codes() {
    let app = TestApp::new();
    let member = token_of(&app, "zhangsan", json!({})).await;
    let some_id = "01900000-0000-7000-8000-000000000000";
    let routes: [(Method, String, Option<Value>); 9] = [
        (Method::GET, "/api/v1/admin/sessions".into(), None),
        (Method::DELETE, format!("/api/v1/admin/sessions/{some_id}"), None),
        (Method::POST, format!("/api/v1/admin/sessions/{some_id}/wipe"), None),
        (Method::DELETE, format!("/api/v1/admin/members/{some_id}/sessions"), None),
        (Method::GET, "/api/v1/admin/session-policies".into(), None),
        (Method::PUT, "/api/v1/admin/session-policies/fe".into(), Some(desk_policy())),
        (Method::DELETE, "/api/v1/admin/session-policies/fe".into(), None),
        (Method::GET, "/api/v1/admin/kiosk-codes".into(), None),
        (Method::POST, "/api/v1/admin/kiosk-codes".into(), Some(json!({"label": "x"}))),
    ];
    for (method, path, body) in routes {
        let anonymous = app.call(method.clone(), &path, None, body.clone()).await;
        assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
        let refused = app.call(method, &path, Some(&member), body).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn an_open_live_socket_closes_once_its_session_passes_its_idle_time() {
    use futures_util::StreamExt;
    let mut app = TestApp::new();
    app.state.session_recheck = std::time::Duration::from_millis(100);
    let token = token_of(&app, "yangfan", json!({"mode": "shared"})).await;
    let mut socket = common::open_live_socket(app.serve().await, &token).await;
    // Still live after a few checks: nothing arrives.
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), socket.next()).await;
    assert!(quiet.is_err(), "the socket stayed open while the session was live: {quiet:?}");
    app.state.clock.advance(31 * MINUTE);
    assert!(common::ends_its_session(&mut socket, std::time::Duration::from_secs(1)).await);
}
