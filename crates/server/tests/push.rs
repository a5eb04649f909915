//! Web Push against a receiver on loopback that plays the push service: it checks each
//! request's VAPID signature (RFC 8292) and decrypts the payload itself (RFC 8291, written here
//! from the RFC, independent of the server's library). New messages push to the other
//! participants' devices and not the sender's; muted conversations stay silent but an @mention
//! breaks through (unless the member turned that off); quiet hours hold pushes back;
//! confidential chats say only "New message"; a 410 removes the subscription; signing out
//! removes the device's subscriptions; bad subscriptions and settings are refused with 422.

mod common;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use common::{TestApp, assert_error};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// One device's subscription keys, made the way a browser makes them.
struct Device {
    secret: p256::SecretKey,
    auth: [u8; 16],
    endpoint: String,
}

impl Device {
    fn new(receiver: &str, name: &str) -> Self {
        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        let mut auth = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut auth);
        Self { secret, auth, endpoint: format!("{receiver}/push/{name}") }
    }

    fn subscription(&self) -> Value {
        let public = self.secret.public_key().to_encoded_point(false);
        json!({ "endpoint": self.endpoint, "keys": { "p256dh": B64.encode(public.as_bytes()), "auth": B64.encode(self.auth) } })
    }

    /// RFC 8291 §3.4 and RFC 8188: the header (salt, record size, the sender's key), the
    /// keys from ECDH and the auth secret, one record, padding ending in the 0x02 delimiter.
    fn decrypt(&self, body: &[u8]) -> Value {
        let (salt, rest) = body.split_at(16);
        let id_len = usize::from(rest[4]);
        assert_eq!(id_len, 65, "the key id is the sender's uncompressed public key");
        let sender = p256::PublicKey::from_sec1_bytes(&rest[5..5 + id_len]).expect("sender key");
        let ciphertext = &rest[5 + id_len..];
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), sender.as_affine());
        let ua_public = self.secret.public_key().to_encoded_point(false);
        let mut key_info = b"WebPush: info\0".to_vec();
        key_info.extend_from_slice(ua_public.as_bytes());
        key_info.extend_from_slice(&rest[5..5 + id_len]);
        let mut ikm = [0u8; 32];
        hkdf::Hkdf::<sha2::Sha256>::new(Some(&self.auth), shared.raw_secret_bytes())
            .expand(&key_info, &mut ikm)
            .expect("ikm");
        let prk = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), &ikm);
        let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).expect("cek");
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce).expect("nonce");
        let mut plain = Aes128Gcm::new_from_slice(&cek)
            .expect("key")
            .decrypt(Nonce::from_slice(&nonce), ciphertext)
            .expect("the payload decrypts with the subscription's keys");
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2), "the last record ends with the 0x02 delimiter");
        serde_json::from_slice(&plain).expect("JSON payload")
    }
}

/// What the receiver saw: (device name, headers, body).
type Seen = Arc<Mutex<Vec<(String, HeaderMap, Vec<u8>)>>>;

async fn receive(State(seen): State<Seen>, Path(name): Path<String>, headers: HeaderMap, body: Bytes) -> StatusCode {
    seen.lock().expect("lock").push((name.clone(), headers, body.to_vec()));
    if name.starts_with("gone") { StatusCode::GONE } else { StatusCode::CREATED }
}

async fn start_receiver(seen: &Seen) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let router = Router::new().route("/push/{name}", post(receive)).with_state(Arc::clone(seen));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// Checks the VAPID header as a push service would: ES256 over the JWT with the key in `k`,
/// `aud` the endpoint's origin (the crate leaves out the port), `exp` within 24 hours.
fn check_vapid(headers: &HeaderMap, server_key: &str, origin: &str) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-encoding"), "aes128gcm");
    assert!(header("ttl").parse::<u64>().is_ok_and(|ttl| ttl > 0), "a TTL");
    let authorization = header("authorization");
    let params = authorization.strip_prefix("vapid ").expect("vapid scheme");
    let field = |name: &str| {
        params.split(',').map(str::trim).find_map(|p| p.strip_prefix(&format!("{name}="))).expect(name).to_owned()
    };
    let (token, k) = (field("t"), field("k"));
    assert_eq!(k, server_key, "signed with the key the app subscribed with");
    let (signed, signature) = token.rsplit_once('.').expect("jwt");
    let key = VerifyingKey::from_sec1_bytes(&B64.decode(&k).expect("k")).expect("key");
    let signature = Signature::from_slice(&B64.decode(signature).expect("sig")).expect("r||s");
    key.verify(signed.as_bytes(), &signature).expect("the VAPID signature verifies");
    let claims: Value =
        serde_json::from_slice(&B64.decode(signed.split('.').nth(1).expect("claims")).expect("b64")).expect("json");
    let host = origin.rsplit_once(':').map_or(origin, |(host, _)| host);
    assert!(claims["aud"] == origin || claims["aud"] == host, "aud {}", claims["aud"]);
    let now = weft_server::now_millis() / 1000;
    let exp = claims["exp"].as_i64().expect("exp");
    assert!(exp > now && exp <= now + 86_400, "exp within 24 h");
    assert!(claims["sub"].as_str().is_some_and(|s| !s.is_empty()), "a contact");
}

struct World {
    app: TestApp,
    seen: Seen,
    receiver: String,
    key: String,
}

async fn world() -> World {
    let app = TestApp::new();
    app.state.push.allow_loopback_http.store(true, Ordering::Relaxed);
    weft_server::push::spawn(app.state.clone());
    let seen = Seen::default();
    let receiver = start_receiver(&seen).await;
    let token = app.login("lisi").await;
    let reply = app.call(Method::GET, "/api/v1/push/key", Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let key = reply.body["public_key"].as_str().expect("key").to_owned();
    assert_eq!(B64.decode(&key).expect("base64url").len(), 65);
    World { app, seen, receiver, key }
}

impl World {
    async fn subscribe(&self, token: &str, device: &Device) {
        let reply =
            self.app.call(Method::PUT, "/api/v1/push/subscription", Some(token), Some(device.subscription())).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    }

    async fn send(&self, token: &str, conversation: &str, text: &str, mentions: Value) {
        let body = json!({ "client_id": Uuid::new_v4(), "text": text, "mentions": mentions });
        let path = format!("/api/v1/conversations/{conversation}/messages");
        let reply = self.app.call(Method::POST, &path, Some(token), Some(body)).await;
        assert!(reply.status.is_success(), "{}", reply.body);
    }

    /// Waits for the next push to `name`; returns its headers and body.
    async fn next_push(&self, name: &str, after: usize) -> (HeaderMap, Vec<u8>) {
        for _ in 0..200 {
            let found = self.seen.lock().expect("lock").iter().filter(|(n, ..)| n == name).nth(after).cloned();
            if let Some((_, headers, body)) = found {
                return (headers, body);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no push {after} to {name} within 10 s");
    }

    fn pushes_to(&self, name: &str) -> usize {
        self.seen.lock().expect("lock").iter().filter(|(n, ..)| n == name).count()
    }

    async fn id_of(&self, token: &str, userid: &str) -> String {
        let members = self.app.call(Method::GET, "/api/v1/members", Some(token), None).await;
        members.body.as_array().expect("members").iter().find(|m| m["userid"] == userid).expect("member")["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }
}

#[tokio::test]
async fn a_new_message_pushes_an_encrypted_vapid_signed_payload_to_the_other_participant_only() {
    let w = world().await;
    let (zhangsan, lisi) = (w.app.login("zhangsan").await, w.app.login("lisi").await);
    let phone = Device::new(&w.receiver, "lisi-phone");
    let own = Device::new(&w.receiver, "zhangsan-laptop");
    w.subscribe(&lisi, &phone).await;
    w.subscribe(&zhangsan, &own).await;
    let direct = w.app.conversation_id(&zhangsan, "李四").await;

    w.send(&zhangsan, &direct, "明天十点开会 Meeting at 10 tomorrow", json!([])).await;
    let (headers, body) = w.next_push("lisi-phone", 0).await;
    check_vapid(&headers, &w.key, &w.receiver);
    let payload = phone.decrypt(&body);
    assert_eq!(payload["kind"], "message");
    assert_eq!(payload["title"], "张三");
    assert_eq!(payload["body"], "明天十点开会 Meeting at 10 tomorrow");
    assert_eq!(payload["url"], format!("/c/{direct}"));
    assert_eq!(payload["tag"], format!("conversation:{direct}"));
    let unread: Value = w.app.call(Method::GET, "/api/v1/conversations", Some(&lisi), None).await.body;
    let total: u64 = unread.as_array().expect("list").iter().map(|c| c["unread"].as_u64().unwrap_or(0)).sum();
    assert_eq!(payload["unread"], total, "the badge is the member's unread total");
    assert!(total >= 1);
    // The sender's own device heard nothing; lisi's answer reaches it (and proves the queue ran).
    w.send(&lisi, &direct, "好", json!([])).await;
    let (_, body) = w.next_push("zhangsan-laptop", 0).await;
    assert_eq!(own.decrypt(&body)["body"], "好");
    assert_eq!(w.pushes_to("lisi-phone"), 1, "no push for one's own message");
}

#[tokio::test]
async fn muted_conversations_stay_silent_but_mentions_break_through_unless_turned_off() {
    let w = world().await;
    let (zhangsan, lisi) = (w.app.login("zhangsan").await, w.app.login("lisi").await);
    let phone = Device::new(&w.receiver, "lisi-phone");
    w.subscribe(&lisi, &phone).await;
    let lunch = w.app.conversation_id(&lisi, "Lunch").await;
    let direct = w.app.conversation_id(&zhangsan, "李四").await;
    let prefs = json!({ "muted": true, "pinned": false });
    let reply =
        w.app.call(Method::PUT, &format!("/api/v1/conversations/{lunch}/prefs"), Some(&lisi), Some(prefs)).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    let lisi_id = w.id_of(&zhangsan, "lisi").await;

    w.send(&zhangsan, &lunch, "muted chatter", json!([])).await;
    w.send(&zhangsan, &lunch, "@李四 你来吗？", json!([lisi_id])).await;
    let (_, body) = w.next_push("lisi-phone", 0).await;
    let payload = phone.decrypt(&body);
    assert_eq!(payload["kind"], "mention", "the first push is the mention: the muted message sent none");
    assert_eq!(payload["title"], "张三 mentioned you · 提到了你");
    assert!(payload["body"].as_str().expect("body").ends_with("@李四 你来吗？"));

    let strict = json!({ "mentions_break_mute": false, "utc_offset_minutes": 480 });
    let reply = w.app.call(Method::PUT, "/api/v1/push/settings", Some(&lisi), Some(strict)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    w.send(&zhangsan, &lunch, "@李四 还在吗？", json!([lisi_id])).await;
    w.send(&zhangsan, &direct, "marker", json!([])).await;
    let (_, body) = w.next_push("lisi-phone", 1).await;
    assert_eq!(phone.decrypt(&body)["body"], "marker", "the muted mention sent nothing");
}

#[tokio::test]
async fn quiet_hours_hold_pushes_and_confidential_chats_say_only_new_message() {
    let w = world().await;
    let (zhangsan, lisi) = (w.app.login("zhangsan").await, w.app.login("lisi").await);
    let phone = Device::new(&w.receiver, "lisi-phone");
    w.subscribe(&lisi, &phone).await;
    let direct = w.app.conversation_id(&zhangsan, "李四").await;

    // Quiet all day but the one minute that never comes round: 00:00 to 23:59 local.
    let quiet =
        json!({ "mentions_break_mute": true, "quiet_hours": { "start": 0, "end": 1439 }, "utc_offset_minutes": 0 });
    let now_minute = (w.app.state.clock.now() / 60_000) % 1440;
    let quiet = if now_minute == 1439 {
        json!({ "mentions_break_mute": true, "quiet_hours": { "start": 1439, "end": 1438 }, "utc_offset_minutes": 0 })
    } else {
        quiet
    };
    let reply = w.app.call(Method::PUT, "/api/v1/push/settings", Some(&lisi), Some(quiet)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let own = Device::new(&w.receiver, "zhangsan-laptop");
    w.subscribe(&zhangsan, &own).await;
    w.send(&zhangsan, &direct, "quiet please", json!([])).await;
    // Pushes are decided in order: once lisi's answer reached 张三, the quiet one was decided.
    w.send(&lisi, &direct, "ok", json!([])).await;
    w.next_push("zhangsan-laptop", 0).await;
    let reply = w
        .app
        .call(Method::PUT, "/api/v1/push/settings", Some(&lisi), Some(json!({ "mentions_break_mute": true })))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        w.app.call(Method::GET, "/api/v1/push/settings", Some(&lisi), None).await.body["quiet_hours"],
        Value::Null
    );

    let confidential = json!({ "enabled": true });
    let path = format!("/api/v1/conversations/{direct}/confidential");
    let reply = w.app.call(Method::PUT, &path, Some(&zhangsan), Some(confidential)).await;
    assert!(reply.status.is_success(), "{}", reply.body);
    w.send(&zhangsan, &direct, "机密内容 secret code QX-7781", json!([])).await;
    // The notice that the chat became confidential, then the message: quiet hours held the first.
    w.next_push("lisi-phone", 1).await;
    assert_eq!(w.pushes_to("lisi-phone"), 2);
    for index in 0..2 {
        let (_, body) = w.next_push("lisi-phone", index).await;
        let payload = phone.decrypt(&body);
        assert_eq!(payload["title"], "New message 新消息");
        assert_eq!(payload["body"], "");
        // (A code no id can hold: conversation ids in the tag and address are hexadecimal.)
        let said = payload.to_string();
        assert!(!said.contains("QX-7781") && !said.contains("机密") && !said.contains("张三"), "{payload}");
    }
}

#[tokio::test]
async fn a_gone_subscription_is_removed_and_signing_out_removes_the_devices_subscription() {
    let w = world().await;
    let zhangsan = w.app.login("zhangsan").await;
    let lisi_phone_session = w.app.login("lisi").await;
    let lisi_tablet_session = w.app.login("lisi").await;
    let gone = Device::new(&w.receiver, "gone-tablet");
    let phone = Device::new(&w.receiver, "lisi-phone");
    w.subscribe(&lisi_tablet_session, &gone).await;
    w.subscribe(&lisi_phone_session, &phone).await;
    let direct = w.app.conversation_id(&zhangsan, "李四").await;
    // The member's device list says which of their sessions receive pushes.
    let receiving = |token: String| {
        let app = &w.app;
        async move {
            let list = app.call(Method::GET, "/api/v1/auth/sessions", Some(&token), None).await.body;
            list.as_array().expect("sessions").iter().map(|s| s["push"].as_bool().expect("push")).filter(|p| *p).count()
        }
    };
    assert_eq!(receiving(lisi_phone_session.clone()).await, 2, "both of 李四's sessions");
    assert_eq!(receiving(zhangsan.clone()).await, 0, "张三 subscribed nothing");

    w.send(&zhangsan, &direct, "one", json!([])).await;
    w.next_push("gone-tablet", 0).await;
    w.next_push("lisi-phone", 0).await;
    w.send(&zhangsan, &direct, "two", json!([])).await;
    let (_, body) = w.next_push("lisi-phone", 1).await;
    assert_eq!(phone.decrypt(&body)["body"], "two");
    assert_eq!(w.pushes_to("gone-tablet"), 1, "410 removed it: never tried again");
    assert_eq!(receiving(lisi_phone_session.clone()).await, 1, "the tablet's gone subscription no longer counts");
    let removed = w
        .app
        .call(
            Method::DELETE,
            "/api/v1/push/subscription",
            Some(&lisi_tablet_session),
            Some(json!({ "endpoint": gone.endpoint })),
        )
        .await;
    assert_error(&removed, StatusCode::NOT_FOUND, "not_found");

    let reply = w.app.call(Method::POST, "/api/v1/auth/logout", Some(&lisi_phone_session), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let (tablet, fresh) = (Device::new(&w.receiver, "lisi-tablet"), lisi_tablet_session);
    w.subscribe(&fresh, &tablet).await;
    w.send(&zhangsan, &direct, "three", json!([])).await;
    w.next_push("lisi-tablet", 0).await;
    assert_eq!(w.pushes_to("lisi-phone"), 2, "the signed-out phone hears nothing more");
}

#[tokio::test]
async fn bad_subscriptions_and_settings_are_refused_with_422() {
    let app = TestApp::new();
    let lisi = app.login("lisi").await;
    let good = Device::new("https://push.example.net", "x").subscription();
    let put = |body: Value| {
        let app = &app;
        let lisi = lisi.clone();
        async move { app.call(Method::PUT, "/api/v1/push/subscription", Some(&lisi), Some(body)).await }
    };
    assert_eq!(put(good.clone()).await.status, StatusCode::NO_CONTENT);
    let mut http = good.clone();
    http["endpoint"] = json!("http://push.example.net/x");
    assert_error(&put(http).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let mut loopback = good.clone();
    loopback["endpoint"] = json!("http://127.0.0.1:9/x");
    assert_error(&put(loopback).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    // No member can make the server call a host on its own network (SSRF), https or not.
    for inside in [
        "https://127.0.0.1/x",
        "https://10.0.0.7/x",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
        "https://[fd00::1]/x",
    ] {
        let mut private = good.clone();
        private["endpoint"] = json!(inside);
        let reply = put(private).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert!(reply.body["message"].as_str().expect("message").contains("public internet"), "{inside}");
    }
    let mut bad_key = good.clone();
    bad_key["keys"]["p256dh"] = json!(B64.encode([4u8; 65]));
    let reply = put(bad_key).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert!(reply.body["message"].as_str().expect("message").starts_with("keys.p256dh"));
    let mut bad_auth = good.clone();
    bad_auth["keys"]["auth"] = json!(B64.encode([1u8; 8]));
    assert_error(&put(bad_auth).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let missing =
        app.call(Method::PUT, "/api/v1/push/subscription", Some(&lisi), Some(json!({ "endpoint": "https://x" }))).await;
    assert!(missing.status.is_client_error());
    let unauthenticated = app.call(Method::GET, "/api/v1/push/key", None, None).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);

    let settings = |body: Value| {
        let app = &app;
        let lisi = lisi.clone();
        async move { app.call(Method::PUT, "/api/v1/push/settings", Some(&lisi), Some(body)).await }
    };
    let late = json!({ "mentions_break_mute": true, "quiet_hours": { "start": 1440, "end": 60 } });
    assert_error(&settings(late).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let far = json!({ "mentions_break_mute": true, "utc_offset_minutes": 900 });
    assert_error(&settings(far).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let fine = json!({ "mentions_break_mute": false, "quiet_hours": { "start": 1320, "end": 420 }, "utc_offset_minutes": 480 });
    assert_eq!(settings(fine.clone()).await.body, fine);
    assert_eq!(app.call(Method::GET, "/api/v1/push/settings", Some(&lisi), None).await.body, fine);
}

#[tokio::test]
async fn an_approval_waiting_for_the_member_pushes_and_opens_the_request() {
    let w = world().await;
    let (zhangsan, yangfan) = (w.app.login("zhangsan").await, w.app.login("yangfan").await);
    let laptop = Device::new(&w.receiver, "zhangsan-laptop");
    w.subscribe(&zhangsan, &laptop).await;
    let templates = w.app.call(Method::GET, "/api/v1/approvals/templates", Some(&yangfan), None).await;
    let template = templates.body.as_array().and_then(|t| t.iter().find(|t| t["icon"] == "expense")).expect("template");
    let form = json!({
        "amount": { "kind": "money", "value": 50_000 },
        "reason": { "kind": "text", "value": "客户拜访差旅" },
        "date": { "kind": "date", "value": "2025-03-01" },
    });
    let body = json!({ "client_id": Uuid::new_v4(), "template_id": template["id"], "template_version": template["version"], "form": form });
    let reply = w.app.call(Method::POST, "/api/v1/approvals/requests", Some(&yangfan), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let request = reply.body["request"]["id"].as_str().expect("id").to_owned();

    let (headers, body) = w.next_push("zhangsan-laptop", 0).await;
    check_vapid(&headers, &w.key, &w.receiver);
    let payload = laptop.decrypt(&body);
    assert_eq!(payload["kind"], "approval", "{payload}");
    assert_eq!(payload["url"], format!("/approvals/{request}"));
    assert_eq!(payload["tag"], format!("approval:{request}"));
    assert!(payload["title"].as_str().expect("title").starts_with("Approval waiting · 待审批"), "{payload}");
    assert_eq!(payload["body"], "杨帆");
    assert_eq!(headers.get("urgency").and_then(|v| v.to_str().ok()), Some("high"));
}
