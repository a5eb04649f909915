//! Confidential conversations through the API: who may turn it on and off, the policy, deterrent
//! reports in the audit log and the screenshot notice, forwarding refused, lifetimes deleting
//! messages everywhere, files, and tracing a picture's watermark back to the session.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use uuid::Uuid;

/// A group of zhangsan (owner), lisi and the administrator.
async fn group(app: &TestApp, owner: &str, ids: &std::collections::HashMap<String, String>) -> String {
    let body =
        json!({ "client_id": Uuid::new_v4(), "name": "机密项目 Secret", "members": [ids["lisi"], ids["admin"]] });
    let reply = app.call(Method::POST, "/api/v1/conversations", Some(owner), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["summary"]["id"].as_str().expect("id").to_owned()
}

async fn set(app: &TestApp, token: &str, id: &str, body: Value) -> common::Reply {
    app.call(Method::PUT, &format!("/api/v1/conversations/{id}/confidential"), Some(token), Some(body)).await
}

async fn send(app: &TestApp, token: &str, id: &str, text: &str) -> Value {
    let body = json!({ "client_id": Uuid::new_v4(), "text": text });
    let reply = app.call(Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body
}

async fn messages(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let page = app.call(Method::GET, &format!("/api/v1/conversations/{id}/messages"), Some(token), None).await;
    page.body["messages"].as_array().expect("messages").clone()
}

async fn audit(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let reply = app.call(Method::GET, &format!("/api/v1/admin/audit?action={action}"), Some(admin), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["entries"].as_array().expect("entries").clone()
}

fn reason_kind(reply: &common::Reply) -> &str {
    reply.body["reason"]["kind"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_groups_owner_or_an_administrator_turns_it_confidential_and_everyone_is_told() {
    let app = TestApp::new();
    let (zhangsan, lisi, admin) = (app.login("zhangsan").await, app.login("lisi").await, app.login("admin").await);
    let ids = app.member_ids(&admin).await;
    let id = group(&app, &zhangsan, &ids).await;
    let lisi_cursor = app.cursor(&lisi).await;

    let refused = set(&app, &lisi, &id, json!({ "enabled": true })).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(reason_kind(&refused), "owner_only");
    let wangwu = app.login("wangwu").await;
    assert_error(&set(&app, &wangwu, &id, json!({ "enabled": true })).await, StatusCode::NOT_FOUND, "not_found");

    let on = set(&app, &zhangsan, &id, json!({ "enabled": true, "lifetime": { "kind": "after_read", "seconds": 30 } }))
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let confidential = &on.body["summary"]["confidential"];
    assert_eq!(confidential["by_policy"], false);
    assert_eq!(confidential["offline_copy"], true);
    assert_eq!(confidential["lifetime"], json!({ "kind": "after_read", "seconds": 30 }));

    // Lisi's devices learn of it from the feed: the new summary and a notice in the timeline.
    let changes = app.pull_all(&lisi, lisi_cursor).await;
    assert!(changes.iter().any(|c| c["type"] == "conversation" && c["summary"]["confidential"].is_object()));
    let notice = changes
        .iter()
        .find(|c| c["type"] == "message" && c["message"]["card"]["type"] == "notice")
        .expect("a notice message");
    assert_eq!(notice["message"]["card"]["kind"], "confidential_changed");
    assert_eq!(notice["message"]["card"]["enabled"], true);
    assert_eq!(notice["message"]["card"]["name"], "张三");

    // The administrator (a participant) may turn it off; the audit log has both.
    let off = set(&app, &admin, &id, json!({ "enabled": false })).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert!(off.body["summary"].get("confidential").is_none());
    assert_eq!(audit(&app, &admin, "confidential_turned_on").await[0]["actor"], "zhangsan");
    assert_eq!(audit(&app, &admin, "confidential_turned_off").await[0]["actor"], "admin");

    // Bad lifetimes are field problems; the Approvals conversation cannot be confidential.
    let bad =
        set(&app, &zhangsan, &id, json!({ "enabled": true, "lifetime": { "kind": "after_send", "seconds": 1 } })).await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(bad.body["problems"][0]["path"], "lifetime.seconds");
    let garbled = set(&app, &zhangsan, &id, json!({ "enabled": "yes" })).await;
    assert!(garbled.status.is_client_error());
}

#[tokio::test]
async fn deterrent_reports_are_audited_and_a_screenshot_is_announced_in_the_conversation() {
    let app = TestApp::new();
    let (zhangsan, lisi, admin) = (app.login("zhangsan").await, app.login("lisi").await, app.login("admin").await);
    let ids = app.member_ids(&admin).await;
    let id = group(&app, &zhangsan, &ids).await;
    let path = format!("/api/v1/conversations/{id}/deterrents");
    let report = json!({ "kind": "screenshot_shortcut", "detail": "PrintScreen" });

    let early = app.call(Method::POST, &path, Some(&lisi), Some(report.clone())).await;
    assert_error(&early, StatusCode::CONFLICT, "conflict");
    assert_eq!(reason_kind(&early), "not_confidential");

    assert_eq!(set(&app, &zhangsan, &id, json!({ "enabled": true })).await.status, StatusCode::OK);
    let accepted = app.call(Method::POST, &path, Some(&lisi), Some(report.clone())).await;
    assert_eq!(accepted.status, StatusCode::NO_CONTENT, "{}", accepted.body);
    let timeline = messages(&app, &zhangsan, &id).await;
    let last = timeline.last().expect("a notice");
    assert_eq!(
        last["card"],
        json!({ "type": "notice", "kind": "screenshot_suspected", "member_id": ids["lisi"], "name": "李四" })
    );
    assert!(last["text"].as_str().expect("text").contains("may have taken a screenshot"));

    for (kind, action) in [
        ("print_attempt", "print_attempted"),
        ("watermark_tampered", "watermark_tampered"),
        ("copy_attempt", "copy_attempted"),
        ("view_hidden", "view_hidden"),
    ] {
        let reply = app.call(Method::POST, &path, Some(&lisi), Some(json!({ "kind": kind, "detail": "seen" }))).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{kind}: {}", reply.body);
        let entries = audit(&app, &admin, action).await;
        assert_eq!(entries.len(), 1, "{action}");
        assert_eq!(entries[0]["actor"], "lisi");
        assert_eq!(entries[0]["target"], id.as_str());
        assert_eq!(entries[0]["detail"]["conversation"], "机密项目 Secret");
        assert_eq!(entries[0]["detail"]["detail"], "seen");
    }
    assert_eq!(messages(&app, &zhangsan, &id).await.len(), timeline.len(), "only screenshots post a notice");
    // A held key does not flood the conversation: one report per kind every few seconds.
    let again = app.call(Method::POST, &path, Some(&lisi), Some(report.clone())).await;
    assert_error(&again, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(again.headers.contains_key("retry-after"));
    app.state.clock.advance(weft_server::deterrent_limit::REPORT_GAP_MS);
    let later = app.call(Method::POST, &path, Some(&lisi), Some(report.clone())).await;
    assert_eq!(later.status, StatusCode::NO_CONTENT);
    assert_eq!(audit(&app, &admin, "screenshot_suspected").await.len(), 2);

    // Outsiders are told the conversation does not exist; details are bounded; members may not
    // read the audit log.
    let wangwu = app.login("wangwu").await;
    assert_error(&app.call(Method::POST, &path, Some(&wangwu), Some(report)).await, StatusCode::NOT_FOUND, "not_found");
    let long = json!({ "kind": "copy_attempt", "detail": "x".repeat(201) });
    assert_error(
        &app.call(Method::POST, &path, Some(&lisi), Some(long)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    );
    let members_audit = app.call(Method::GET, "/api/v1/admin/audit", Some(&lisi), None).await;
    assert_error(&members_audit, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn forwarding_copies_ordinary_messages_once_and_refuses_confidential_ones() {
    let app = TestApp::new();
    let (zhangsan, admin) = (app.login("zhangsan").await, app.login("admin").await);
    let ids = app.member_ids(&admin).await;
    let secret = group(&app, &zhangsan, &ids).await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let engineering = app.conversation_id(&zhangsan, "Engineering").await;
    let sent = send(&app, &zhangsan, &direct, "发布说明 Release notes").await;
    let seq = sent["seq"].as_u64().expect("seq");

    let body = json!({ "to": [engineering, secret], "client_id": Uuid::new_v4() });
    let path = format!("/api/v1/conversations/{direct}/messages/{seq}/forward");
    let first = app.call(Method::POST, &path, Some(&zhangsan), Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let copies = first.body.as_array().expect("copies");
    assert_eq!(copies.len(), 2);
    assert!(copies.iter().all(|c| c["text"] == "发布说明 Release notes"));
    let retry = app.call(Method::POST, &path, Some(&zhangsan), Some(body)).await;
    assert_eq!(retry.body, first.body, "a retry sends nothing twice");
    assert_eq!(messages(&app, &zhangsan, &engineering).await.last().expect("copy")["text"], "发布说明 Release notes");

    // Into a conversation the member is not in: not found. Too many or no targets: refused.
    let wangwu = app.login("wangwu").await;
    let wangwu_direct = app.conversation_id(&wangwu, "张三").await;
    let lisi = app.login("lisi").await;
    let lisi_direct = app.conversation_id(&lisi, "张三").await;
    let outsider = app
        .call(
            Method::POST,
            &path.replace(&direct, &lisi_direct),
            Some(&lisi),
            Some(json!({ "to": [wangwu_direct], "client_id": Uuid::new_v4() })),
        )
        .await;
    assert_error(&outsider, StatusCode::NOT_FOUND, "not_found");
    let none =
        app.call(Method::POST, &path, Some(&zhangsan), Some(json!({ "to": [], "client_id": Uuid::new_v4() }))).await;
    assert_error(&none, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");

    // Out of a confidential conversation: 403, audited.
    assert_eq!(set(&app, &zhangsan, &secret, json!({ "enabled": true })).await.status, StatusCode::OK);
    let confidential = send(&app, &zhangsan, &secret, "机密 Confidential").await;
    let secret_path = format!("/api/v1/conversations/{secret}/messages/{}/forward", confidential["seq"]);
    let refused = app
        .call(
            Method::POST,
            &secret_path,
            Some(&zhangsan),
            Some(json!({ "to": [engineering], "client_id": Uuid::new_v4() })),
        )
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(reason_kind(&refused), "confidential");
    assert_eq!(audit(&app, &admin, "forward_refused").await[0]["actor"], "zhangsan");
    assert!(messages(&app, &zhangsan, &engineering).await.iter().all(|m| m["text"] != "机密 Confidential"));
}

#[tokio::test]
async fn lifetimes_delete_messages_on_the_server_and_tell_every_device() {
    let app = TestApp::new();
    let (zhangsan, lisi, admin) = (app.login("zhangsan").await, app.login("lisi").await, app.login("admin").await);
    let ids = app.member_ids(&admin).await;
    let id = group(&app, &zhangsan, &ids).await;
    let after_read = json!({ "enabled": true, "lifetime": { "kind": "after_read", "seconds": 30 } });
    assert_eq!(set(&app, &zhangsan, &id, after_read).await.status, StatusCode::OK);
    let lisi_cursor = app.cursor(&lisi).await;

    let sent = send(&app, &zhangsan, &id, "阅后即焚 Burn after reading").await;
    assert!(sent.get("expires_at").is_none(), "the clock starts at the first reading");
    let seq = sent["seq"].as_u64().expect("seq");
    // The sender reading their own message starts nothing; the first other reader does.
    app.call(Method::POST, &format!("/api/v1/conversations/{id}/read"), Some(&zhangsan), Some(json!({ "seq": seq })))
        .await;
    assert!(messages(&app, &zhangsan, &id).await.last().expect("message").get("expires_at").is_none());
    app.call(Method::POST, &format!("/api/v1/conversations/{id}/read"), Some(&lisi), Some(json!({ "seq": seq }))).await;
    let counting = messages(&app, &zhangsan, &id).await.last().expect("message").clone();
    let expires_at = counting["expires_at"].as_i64().expect("counting down");
    let sent_at = counting["sent_at"].as_i64().expect("sent_at");
    assert!((30_000..35_000).contains(&(expires_at - sent_at)), "30 s from the reading");

    // Not yet: nothing goes.
    weft_server::expiry::sweep(&app.state).await;
    assert!(messages(&app, &lisi, &id).await.iter().any(|m| m["seq"] == seq));
    // (The test clock stood still while the members signed in; move it past the time.)
    app.state.clock.advance(expires_at - app.state.clock.now() + 1_000);
    // Past its time but not yet swept: neither history nor search serves it.
    assert!(messages(&app, &lisi, &id).await.iter().all(|m| m["seq"] != seq), "not served once expired");
    let search = app.call(Method::GET, "/api/v1/search/messages?q=Burn", Some(&lisi), None).await;
    assert_eq!(search.body.as_array().map(Vec::len), Some(0), "{}", search.body);
    assert!(weft_server::expiry::sweep(&app.state).await >= 3, "all three participants are told");
    assert!(messages(&app, &lisi, &id).await.iter().all(|m| m["seq"] != seq), "deleted on the server");
    let changes = app.pull_all(&lisi, lisi_cursor).await;
    assert!(changes.iter().any(|c| c["type"] == "expired" && c["seq"] == seq && c["conversation_id"] == id.as_str()));
    let search = app.call(Method::GET, "/api/v1/search/messages?q=Burn", Some(&lisi), None).await;
    assert_eq!(search.body.as_array().map(Vec::len), Some(0), "{}", search.body);

    // Counted from sending: the time is there at once.
    let after_send = json!({ "enabled": true, "lifetime": { "kind": "after_send", "seconds": 60 } });
    assert_eq!(set(&app, &zhangsan, &id, after_send).await.status, StatusCode::OK);
    let timed = send(&app, &zhangsan, &id, "一分钟 One minute").await;
    assert!(timed["expires_at"].as_i64().is_some());
}

#[tokio::test]
async fn an_expired_messages_file_is_deleted_with_it() {
    let app = TestApp::new();
    let (zhangsan, admin) = (app.login("zhangsan").await, app.login("admin").await);
    let ids = app.member_ids(&admin).await;
    let id = group(&app, &zhangsan, &ids).await;
    let after_send = json!({ "enabled": true, "lifetime": { "kind": "after_send", "seconds": 5 } });
    assert_eq!(set(&app, &zhangsan, &id, after_send).await.status, StatusCode::OK);
    let (status, file) =
        app.upload(&zhangsan, &format!("client_id={}&name=plan.txt", Uuid::new_v4()), b"quarterly plan").await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let body = json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": file["id"] });
    let sent =
        app.call(Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(&zhangsan), Some(body)).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let expires_at = sent.body["expires_at"].as_i64().expect("counting from sending");
    app.state.clock.advance(expires_at - app.state.clock.now() + 1_000);
    weft_server::expiry::sweep(&app.state).await;
    let link = app
        .call(
            Method::GET,
            &format!("/api/v1/attachments/{}/url", file["id"].as_str().expect("id")),
            Some(&zhangsan),
            None,
        )
        .await;
    assert_error(&link, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn the_policy_makes_direct_chats_with_listed_departments_confidential_until_it_changes() {
    let app = TestApp::new();
    let (zhangsan, admin) = (app.login("zhangsan").await, app.login("admin").await);
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let policy =
        json!({ "departments": ["product"], "offline_copy": false, "default_lifetime": null, "in_archives": false });

    assert_error(
        &app.call(Method::PUT, "/api/v1/admin/confidential-policy", Some(&zhangsan), Some(policy.clone())).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_error(
        &app.call(Method::GET, "/api/v1/admin/confidential-policy", Some(&zhangsan), None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let unknown = json!({ "departments": ["../etc"], "offline_copy": true });
    assert_error(
        &app.call(Method::PUT, "/api/v1/admin/confidential-policy", Some(&admin), Some(unknown)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    );

    let saved = app.call(Method::PUT, "/api/v1/admin/confidential-policy", Some(&admin), Some(policy.clone())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(app.call(Method::GET, "/api/v1/admin/confidential-policy", Some(&admin), None).await.body, policy);
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{direct}"), Some(&zhangsan), None).await;
    assert_eq!(detail.body["summary"]["confidential"]["by_policy"], true, "{}", detail.body);
    assert_eq!(detail.body["summary"]["confidential"]["offline_copy"], false);
    let off = set(&app, &zhangsan, &direct, json!({ "enabled": false })).await;
    assert_error(&off, StatusCode::CONFLICT, "conflict");
    assert_eq!(reason_kind(&off), "confidential_by_policy");
    // A direct chat with someone outside the departments stays ordinary.
    let wangwu_chat = app.conversation_id(&zhangsan, "王五").await;
    let ordinary = app.call(Method::GET, &format!("/api/v1/conversations/{wangwu_chat}"), Some(&zhangsan), None).await;
    assert!(ordinary.body["summary"].get("confidential").is_none());

    let cleared = json!({ "departments": [], "offline_copy": true });
    assert_eq!(
        app.call(Method::PUT, "/api/v1/admin/confidential-policy", Some(&admin), Some(cleared)).await.status,
        StatusCode::OK
    );
    let after = app.call(Method::GET, &format!("/api/v1/conversations/{direct}"), Some(&zhangsan), None).await;
    assert!(after.body["summary"].get("confidential").is_none(), "{}", after.body);
    assert_eq!(audit(&app, &admin, "confidential_policy_changed").await.len(), 2);
}

#[tokio::test]
async fn moving_a_member_into_or_out_of_a_listed_department_applies_the_policy_again() {
    let app = TestApp::new();
    let (zhangsan, admin) = (app.login("zhangsan").await, app.login("admin").await);
    let with_wangwu = app.conversation_id(&zhangsan, "王五").await;
    let policy = json!({ "departments": ["product"], "offline_copy": true, "default_lifetime": null });
    let saved = app.call(Method::PUT, "/api/v1/admin/confidential-policy", Some(&admin), Some(policy)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let confidential = |body: &serde_json::Value| body["summary"].get("confidential").cloned();
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{with_wangwu}"), Some(&zhangsan), None).await;
    assert_eq!(confidential(&detail.body), None, "王五 is in engineering, not product");

    let ids = app.member_ids(&admin).await;
    let path = format!("/api/v1/admin/members/{}", ids["wangwu"]);
    let moved = json!({ "name": "王五", "departments": ["product"], "direct_leader_id": ids["gaoyuan"] });
    let reply = app.call(Method::PUT, &path, Some(&admin), Some(moved)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{with_wangwu}"), Some(&zhangsan), None).await;
    assert_eq!(confidential(&detail.body).map(|c| c["by_policy"].clone()), Some(json!(true)), "{}", detail.body);

    let back =
        json!({ "name": "王五", "departments": ["eng"], "leader_of": ["eng"], "direct_leader_id": ids["gaoyuan"] });
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(back)).await.status, StatusCode::OK);
    let detail = app.call(Method::GET, &format!("/api/v1/conversations/{with_wangwu}"), Some(&zhangsan), None).await;
    assert_eq!(confidential(&detail.body), None, "the policy alone made it so: it stops with the move");
}

/// A page like a chat timeline, with the watermark drawn over it when `mark` is given, as PNG.
fn page_png(mark: Option<u32>) -> Vec<u8> {
    let mut page = image::RgbImage::from_pixel(900, 700, image::Rgb([250, 250, 250]));
    for y in (40..660).step_by(60) {
        for x in 60..700 {
            if (x / 7 + y) % 3 == 0 {
                for dy in 0..14 {
                    page.put_pixel(x, y + dy, image::Rgb([40, 40, 40]));
                }
            }
        }
    }
    let page = image::DynamicImage::ImageRgb8(page);
    let marked = match mark {
        Some(mark) => image::DynamicImage::ImageRgba8(weft_watermark::embed(&page, mark, 16)),
        None => page,
    };
    let mut bytes = Vec::new();
    marked.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).expect("png");
    bytes
}

#[tokio::test]
async fn a_pictures_watermark_names_the_member_and_session_it_was_shown_to() {
    let app = TestApp::new();
    let (zhangsan, admin) = (app.login("zhangsan").await, app.login("admin").await);
    let first = app.call(Method::GET, "/api/v1/watermark", Some(&zhangsan), None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["name"], "张三");
    assert_eq!(first.body["userid"], "zhangsan");
    let again = app.call(Method::GET, "/api/v1/watermark", Some(&zhangsan), None).await;
    assert_eq!(again.body["mark"], first.body["mark"], "one mark per session and hour");
    let mark = u32::try_from(first.body["mark"].as_u64().expect("mark")).expect("u32");

    let decode = |token: String, bytes: Vec<u8>| {
        let app = &app;
        async move {
            let request = axum::http::Request::post("/api/v1/admin/watermark/decode")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "image/png")
                .body(axum::body::Body::from(bytes))
                .expect("request");
            let (status, _, body) = app.raw(request).await;
            (status, serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null))
        }
    };
    let (status, found) = decode(admin.clone(), page_png(Some(mark))).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["owner"]["userid"], "zhangsan");
    assert_eq!(found["owner"]["name"], "张三");
    let session = found["owner"]["session_id"].as_str().expect("session");
    assert!(session.starts_with(first.body["session_short"].as_str().expect("short")));
    assert_eq!(audit(&app, &admin, "watermark_decoded").await[0]["target"], "zhangsan");

    // An unmarked picture names nobody; a member may not trace; garbage is a field error.
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(640, 480, image::Rgb([255, 255, 255])))
        .write_to(&mut std::io::Cursor::new(&mut plain), image::ImageFormat::Png)
        .expect("png");
    let (status, nobody) = decode(admin.clone(), plain).await;
    assert_eq!((status, &nobody["owner"]), (StatusCode::OK, &Value::Null));
    let (status, _) = decode(zhangsan.clone(), page_png(Some(mark))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, garbage) = decode(admin.clone(), b"<script>alert(1)</script>".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{garbage}");
}

#[tokio::test]
async fn files_in_a_confidential_chat_are_only_images_each_carrying_its_viewers_mark() {
    let app = TestApp::new();
    let (zhangsan, lisi, admin) = (app.login("zhangsan").await, app.login("lisi").await, app.login("admin").await);
    let ids = app.member_ids(&admin).await;
    let id = group(&app, &zhangsan, &ids).await;
    assert_eq!(set(&app, &zhangsan, &id, json!({ "enabled": true })).await.status, StatusCode::OK);
    let mut attach = Vec::new();
    for (name, bytes) in [("photo.png", page_png(None)), ("plan.txt", b"quarterly plan".to_vec())] {
        let (status, file) = app.upload(&zhangsan, &format!("client_id={}&name={name}", Uuid::new_v4()), &bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        let body = json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": file["id"] });
        let sent =
            app.call(Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(&zhangsan), Some(body)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
        attach.push(file["id"].as_str().expect("id").to_owned());
    }
    let refused = app.call(Method::GET, &format!("/api/v1/attachments/{}/url", attach[1]), Some(&lisi), None).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(reason_kind(&refused), "confidential");

    let link = app.call(Method::GET, &format!("/api/v1/attachments/{}/url", attach[0]), Some(&lisi), None).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);
    let url = link.body["url"].as_str().expect("url").to_owned();
    let lisi_mark = app.call(Method::GET, "/api/v1/watermark", Some(&lisi), None).await.body["mark"].clone();
    assert!(url.contains(&format!("mark={lisi_mark}")), "{url}");
    let (status, headers, bytes) = app.get_raw(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store", "drawn for one viewer: no cache may keep it");
    let served = image::load_from_memory(&bytes).expect("an image");
    assert_eq!(weft_watermark::find(&served).mark.map(serde_json::Value::from), Some(lisi_mark.clone()));

    // The mark is part of the signature: another viewer's mark cannot be swapped in.
    let forged = url.replace(&format!("mark={lisi_mark}"), "mark=1");
    assert_eq!(app.get_raw(&forged).await.0, StatusCode::FORBIDDEN);
}

/// Sharing a message to another app is asked of the server first: allowed and recorded for a
/// participant of an ordinary conversation; refused for a confidential one, for someone not in
/// the conversation, for a message that is not there, and for everyone once the workspace's
/// policy turns sharing off.
#[tokio::test]
async fn sharing_to_other_apps_is_asked_recorded_and_refused_where_it_may_not_happen() {
    let app = TestApp::new();
    let (zhangsan, admin, wangwu) = (app.login("zhangsan").await, app.login("admin").await, app.login("wangwu").await);
    let ids = app.member_ids(&admin).await;
    let secret = group(&app, &zhangsan, &ids).await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let seq = send(&app, &zhangsan, &direct, "周报 Weekly report").await["seq"].as_u64().expect("seq");
    assert_eq!(set(&app, &zhangsan, &secret, json!({ "enabled": true })).await.status, StatusCode::OK);
    let secret_seq = send(&app, &zhangsan, &secret, "机密 Confidential").await["seq"].as_u64().expect("seq");
    let share = |token: &str, conversation: &str, seq: u64| {
        let path = format!("/api/v1/conversations/{conversation}/messages/{seq}/share-out");
        let token = token.to_owned();
        let app = &app;
        async move { app.call(Method::POST, &path, Some(&token), None).await }
    };

    for (who, token, conversation, seq, status) in [
        ("a participant", zhangsan.as_str(), direct.as_str(), seq, StatusCode::NO_CONTENT),
        ("someone not in it", wangwu.as_str(), direct.as_str(), seq, StatusCode::NOT_FOUND),
        ("a message not there", zhangsan.as_str(), direct.as_str(), seq + 100, StatusCode::NOT_FOUND),
        ("a confidential conversation", zhangsan.as_str(), secret.as_str(), secret_seq, StatusCode::FORBIDDEN),
    ] {
        assert_eq!(share(token, conversation, seq).await.status, status, "{who}");
    }
    let shared = audit(&app, &admin, "shared_to_another_app").await;
    assert_eq!(shared.len(), 1, "only the allowed share is recorded");
    assert_eq!((shared[0]["actor"].as_str(), shared[0]["target"].as_str()), (Some("zhangsan"), Some(direct.as_str())));
    assert_eq!(shared[0]["detail"]["seq"], seq);

    let mut policies = app.call(Method::GET, "/api/v1/admin/policies", Some(&admin), None).await.body;
    policies["external_sharing"] = json!(false);
    assert_eq!(
        app.call(Method::PUT, "/api/v1/admin/policies", Some(&admin), Some(policies)).await.status,
        StatusCode::OK
    );
    assert_error(&share(&zhangsan, &direct, seq).await, StatusCode::FORBIDDEN, "forbidden");
    let terms = app.call(Method::GET, "/api/v1/auth/session", Some(&zhangsan), None).await.body["terms"].clone();
    assert_eq!(terms["external_sharing"], false, "the app learns it with its session's terms");
    assert_eq!(audit(&app, &admin, "shared_to_another_app").await.len(), 1);
}
