//! Compliance archives: only an auditor exports one; the tar holds the chosen communications
//! with their files, a manifest whose SHA-256s match every entry, and a signature that verifies;
//! confidential conversations follow the confidential policy; the export is audited.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{TestApp, assert_error};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// The entries of a tar file (regular files only, as archives hold).
fn untar(tar: &[u8]) -> HashMap<String, Vec<u8>> {
    let mut out = HashMap::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at..at + 512].iter().any(|b| *b != 0) {
        let block = &tar[at..at + 512];
        let name_end = block[..100].iter().position(|b| *b == 0).unwrap_or(100);
        let name = String::from_utf8_lossy(&block[..name_end]).into_owned();
        let size_text = String::from_utf8_lossy(&block[124..135]).trim_matches('\0').to_owned();
        let size = usize::from_str_radix(&size_text, 8).expect("octal size");
        out.insert(name, tar[at + 512..at + 512 + size].to_vec());
        at += 512 + size.div_ceil(512) * 512;
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn export(app: &TestApp, token: &str, body: &Value) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/admin/archives")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, _, bytes) = app.raw(request).await;
    (status, bytes)
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes).lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
}

async fn group(app: &TestApp, owner: &str, name: &str, members: &[&str]) -> String {
    let body = json!({ "client_id": Uuid::new_v4(), "name": name, "members": members });
    let reply = app.call(Method::POST, "/api/v1/conversations", Some(owner), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["summary"]["id"].as_str().expect("id").to_owned()
}

async fn send(app: &TestApp, token: &str, conversation: &str, body: Value) {
    let reply = app
        .call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(token), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

#[tokio::test]
async fn an_auditor_exports_a_signed_archive_whose_manifest_verifies() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let ids = app.member_ids(&admin).await;
    let zhangsan = app.login("zhangsan").await;
    let plain = group(&app, &zhangsan, "发布 Release", &[&ids["lisi"]]).await;
    let secret = group(&app, &zhangsan, "机密 Secret", &[&ids["lisi"]]).await;
    let on = json!({ "enabled": true });
    let reply =
        app.call(Method::PUT, &format!("/api/v1/conversations/{secret}/confidential"), Some(&zhangsan), Some(on)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let since = weft_server::now_millis() - 1;
    send(&app, &zhangsan, &plain, json!({ "client_id": Uuid::new_v4(), "text": "版本 1.2 今晚发布" })).await;
    let (status, file) = app.upload(&zhangsan, &format!("client_id={}&name=plan.png", Uuid::new_v4()), PNG).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    send(&app, &zhangsan, &plain, json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": file["id"] }))
        .await;
    send(&app, &zhangsan, &secret, json!({ "client_id": Uuid::new_v4(), "text": "机密内容" })).await;
    let until = weft_server::now_millis() + 1;

    // 张三's communications: both groups (and his older chats, none in the range).
    let request = json!({ "member_ids": [ids["zhangsan"]], "conversation_ids": [], "since": since, "until": until });
    for refused in ["admin", "zhangsan", "wangwu", "hulin"] {
        let token = app.login(refused).await;
        assert_eq!(export(&app, &token, &request).await.0, StatusCode::FORBIDDEN, "{refused}");
    }
    let auditor = app.login("huangli").await;
    let (status, tar) = export(&app, &auditor, &request).await;
    assert_eq!(status, StatusCode::OK);
    let entries = untar(&tar);
    let manifest_bytes = &entries["manifest.json"];
    let manifest: Value = serde_json::from_slice(manifest_bytes).expect("manifest");
    assert_eq!(manifest["format"], "weft-archive/1");
    assert_eq!(manifest["created_by"], "huangli");
    // Every other entry is listed with its size and SHA-256, and nothing else is in the tar.
    let listed: Vec<&str> =
        manifest["entries"].as_array().expect("entries").iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(listed.len() + 2, entries.len(), "{listed:?}");
    for entry in manifest["entries"].as_array().expect("entries") {
        let bytes = &entries[entry["path"].as_str().expect("path")];
        assert_eq!(entry["sha256"].as_str(), Some(hex(bytes).as_str()));
        assert_eq!(entry["bytes"].as_u64(), Some(bytes.len() as u64));
    }
    // The signature verifies with the key it names.
    let signature: Value = serde_json::from_slice(&entries["signature.json"]).expect("signature");
    let key = URL_SAFE_NO_PAD.decode(signature["public_key"].as_str().expect("key")).expect("base64");
    let key = VerifyingKey::from_sec1_bytes(&key).expect("a P-256 key");
    let sig = URL_SAFE_NO_PAD.decode(signature["signature"].as_str().expect("sig")).expect("base64");
    let sig = Signature::from_slice(&sig).expect("r‖s");
    assert!(key.verify(manifest_bytes, &sig).is_ok());
    let mut tampered = manifest_bytes.clone();
    tampered[10] ^= 1;
    assert!(key.verify(&tampered, &sig).is_err());

    // The confidential group is left out by default, and said so.
    assert_eq!(manifest["excluded_confidential"], json!([secret]));
    let messages = lines(&entries["messages.jsonl"]);
    let texts: Vec<&str> = messages.iter().filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(texts, ["版本 1.2 今晚发布", ""]);
    assert_eq!(messages[0]["sender"]["userid"], "zhangsan");
    let path = messages[1]["file"]["path"].as_str().expect("a file");
    assert_eq!(entries[path], PNG);
    assert_eq!(messages[1]["file"]["name"], "plan.png");

    // The export is on the record, by the manifest's hash.
    let log = app.call(Method::GET, "/api/v1/admin/audit?action=archive_exported", Some(&auditor), None).await;
    assert_eq!(log.body["entries"][0]["target"].as_str(), Some(hex(manifest_bytes).as_str()));
    assert_eq!(log.body["entries"][0]["actor"], "huangli");

    // When the policy includes confidential chats, they come marked.
    let mut policy = app.call(Method::GET, "/api/v1/admin/confidential-policy", Some(&admin), None).await.body;
    policy["in_archives"] = json!(true);
    let reply = app.call(Method::PUT, "/api/v1/admin/confidential-policy", Some(&admin), Some(policy)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (_, tar) =
        export(&app, &auditor, &json!({ "conversation_ids": [secret], "since": since, "until": until })).await;
    let entries = untar(&tar);
    let messages = lines(&entries["messages.jsonl"]);
    assert_eq!((messages[0]["text"].as_str(), messages[0]["confidential"].as_bool()), (Some("机密内容"), Some(true)));
    assert_eq!(lines(&entries["conversations.jsonl"])[0]["confidential"], true);
}

#[tokio::test]
async fn a_request_must_name_someone_over_a_real_range() {
    let app = TestApp::new();
    let auditor = app.login("huangli").await;
    let empty =
        app.call(Method::POST, "/api/v1/admin/archives", Some(&auditor), Some(json!({ "since": 0, "until": 1 }))).await;
    assert_error(&empty, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(empty.body["problems"][0]["path"], "conversation_ids");
    let backwards = json!({ "conversation_ids": [Uuid::now_v7()], "since": 5, "until": 5 });
    let reply = app.call(Method::POST, "/api/v1/admin/archives", Some(&auditor), Some(backwards)).await;
    assert_eq!(reply.body["problems"][0]["path"], "until", "{}", reply.body);
    let unknown = json!({ "conversation_ids": [Uuid::now_v7()], "since": 0, "until": 5 });
    assert_error(
        &app.call(Method::POST, "/api/v1/admin/archives", Some(&auditor), Some(unknown)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // The auditor finds conversations by title or participant.
    let found = app
        .call(Method::GET, "/api/v1/admin/archives/conversations?q=%E7%A0%94%E5%8F%91%E9%83%A8", Some(&auditor), None)
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(found.body.as_array().expect("list").iter().any(|c| c["title"] == "研发部 Engineering"), "{}", found.body);
    let titles = |query: &'static str| {
        let auditor = auditor.clone();
        let app = &app;
        async move {
            let path = format!("/api/v1/admin/archives/conversations?q={query}");
            let reply = app.call(Method::GET, &path, Some(&auditor), None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            reply
                .body
                .as_array()
                .expect("list")
                .iter()
                .map(|c| c["title"].as_str().expect("title").to_owned())
                .collect::<Vec<_>>()
        }
    };
    // By a participant's userid: lisi's direct chat with zhangsan is titled by their names.
    assert!(titles("LISI").await.iter().any(|t| t.contains("李四")), "a participant's userid, any case");
    // LIKE's wildcards are plain characters here.
    assert!(titles("%25").await.is_empty(), "a percent sign matches only a percent sign");
    assert!(titles("_").await.is_empty(), "an underscore matches only an underscore");
    let admin = app.login("admin").await;
    let reply = app.call(Method::GET, "/api/v1/admin/archives/conversations", Some(&admin), None).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
}
