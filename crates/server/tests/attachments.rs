//! Files: upload limits and sniffing, hostile names, who may fetch them (a matrix), signed links
//! that expire and cannot be forged, recall taking the file away, and uploads never sent
//! collected after a grace period.

mod common;

use axum::http::{Method, StatusCode, header};
use common::{TestApp, assert_error};
use serde_json::json;
use sha2::Digest;
use uuid::Uuid;
use weft_protocol::policy::WorkspacePolicies;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

#[tokio::test]
async fn a_file_sent_in_a_chat_reaches_its_participants_only() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let lisi = app.login("lisi").await;
    let huangli = app.login("huangli").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;

    // The uploader's claimed type (image/png header, .exe name) is ignored for the bytes' real type.
    let (status, file) =
        app.upload(&zhangsan, &format!("client_id={}&name=..%2F..%2Fphoto.png", Uuid::new_v4()), PNG).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(file["content_type"], "image/png");
    assert_eq!(file["file_name"], "photo.png");
    let id = file["id"].as_str().expect("id").to_owned();

    // Before it is sent, only the uploader can fetch it.
    let url_path = format!("/api/v1/attachments/{id}/url");
    assert_eq!(app.call(Method::GET, &url_path, Some(&zhangsan), None).await.status, StatusCode::OK);
    assert_error(&app.call(Method::GET, &url_path, Some(&lisi), None).await, StatusCode::NOT_FOUND, "not_found");

    let sent = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{direct}/messages"),
            Some(&zhangsan),
            Some(json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": id })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.body["attachment"]["id"], id.as_str());

    // (viewer, may fetch)
    for (token, allowed) in [(&zhangsan, true), (&lisi, true), (&huangli, false)] {
        let reply = app.call(Method::GET, &url_path, Some(token), None).await;
        if allowed {
            assert_eq!(reply.status, StatusCode::OK);
            let (status, headers, bytes) = app.get_raw(reply.body["url"].as_str().expect("url")).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(bytes, PNG);
            assert_eq!(headers[header::CONTENT_TYPE], "image/png");
            assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap_or("").contains("sandbox"));
        } else {
            assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
        }
    }

    // A forged or altered link is refused.
    let url = app.call(Method::GET, &url_path, Some(&lisi), None).await.body["url"].as_str().expect("url").to_owned();
    let forged = url.replace("sig=", "sig=0");
    assert_eq!(app.get_raw(&forged).await.0, StatusCode::FORBIDDEN);
    let extended = url.replacen("exp=", "exp=9", 1);
    assert_eq!(app.get_raw(&extended).await.0, StatusCode::FORBIDDEN);
    let bare = url.split('?').next().expect("path").to_owned();
    assert_eq!(app.get_raw(&bare).await.0, StatusCode::FORBIDDEN);

    // Recalling the message takes the file away from the other participant.
    let seq = sent.body["seq"].as_u64().expect("seq");
    let reply = app
        .call(Method::POST, &format!("/api/v1/conversations/{direct}/messages/{seq}/recall"), Some(&zhangsan), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_error(&app.call(Method::GET, &url_path, Some(&lisi), None).await, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn other_files_download_with_a_safe_name() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let (status, file) = app
        .upload(
            &zhangsan,
            &format!("client_id={}&name=%E6%8A%A5%E5%91%8A%FF%E2%80%AE.txt", Uuid::new_v4()),
            b"<script>alert(1)</script>",
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(file["content_type"], "text/plain; charset=utf-8", "HTML is never served as HTML");
    assert_eq!(file["file_name"], "报告\u{FFFD}.txt", "invalid UTF-8 replaced, RTL override removed");
    let url = app
        .call(
            Method::GET,
            &format!("/api/v1/attachments/{}/url", file["id"].as_str().expect("id")),
            Some(&zhangsan),
            None,
        )
        .await;
    let (_, headers, _) = app.get_raw(url.body["url"].as_str().expect("url")).await;
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(disposition.starts_with("attachment; filename*=UTF-8''"), "{disposition}");
}

#[tokio::test]
async fn uploads_are_idempotent_bounded_and_validated() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let client_id = Uuid::new_v4();
    let (_, first) = app.upload(&zhangsan, &format!("client_id={client_id}&name=a.png"), PNG).await;
    let (_, again) = app.upload(&zhangsan, &format!("client_id={client_id}&name=a.png"), PNG).await;
    assert_eq!(first["id"], again["id"], "a retried upload is the same file");

    let (status, body) = app.upload(&zhangsan, "name=a.png", PNG).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app.upload(&zhangsan, &format!("client_id={}", Uuid::new_v4()), b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let big = vec![0u8; weft_protocol::chat::MAX_ATTACHMENT_BYTES + 1];
    let (status, body) = app.upload(&zhangsan, &format!("client_id={}", Uuid::new_v4()), &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "payload_too_large");

    // Someone else's upload cannot be sent.
    let lisi = app.login("lisi").await;
    let direct = app.conversation_id(&lisi, "张三").await;
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{direct}/messages"),
            Some(&lisi),
            Some(json!({ "client_id": Uuid::new_v4(), "text": "look", "attachment_id": first["id"] })),
        )
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}

#[tokio::test]
async fn a_member_cannot_upload_past_their_quota_but_may_retry_an_upload() {
    let app = TestApp::new();
    // The quota is a workspace policy (whole MiB): 1 MiB takes two files of 400 KiB, not three.
    app.state.policies.replace(WorkspacePolicies { upload_quota_mib: 1, ..app.state.policies.current() });
    let file = vec![b'a'; 400 * 1024];
    let zhangsan = app.login("zhangsan").await;
    let first = Uuid::new_v4();
    for client_id in [first, Uuid::new_v4()] {
        let (status, body) = app.upload(&zhangsan, &format!("client_id={client_id}&name=a.txt"), &file).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = app.upload(&zhangsan, &format!("client_id={}&name=c.txt", Uuid::new_v4()), &file).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("file:") && m.contains("quota")), "{body}");
    // A retry of an upload already counted is not refused.
    let (status, body) = app.upload(&zhangsan, &format!("client_id={first}&name=a.txt"), &file).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Another member's quota is their own.
    let lisi = app.login("lisi").await;
    let (status, _) = app.upload(&lisi, &format!("client_id={}&name=d.txt", Uuid::new_v4()), &file).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn uploads_no_message_carries_are_collected_after_the_grace_period_with_their_bytes() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    let upload = |name: &'static str, bytes: &'static [u8]| {
        let (app, token) = (&app, zhangsan.clone());
        async move {
            let (status, file) = app.upload(&token, &format!("client_id={}&name={name}", Uuid::new_v4()), bytes).await;
            assert_eq!(status, StatusCode::CREATED, "{file}");
            file["id"].as_str().expect("id").to_owned()
        }
    };
    let sent = upload("sent.txt", b"sent in a chat").await;
    let abandoned = upload("abandoned.txt", b"never sent").await;
    // The same bytes twice: one copy sent, one abandoned; the bytes stay for the sent one.
    let shared_sent = upload("shared-1.txt", b"the same bytes").await;
    let shared_abandoned = upload("shared-2.txt", b"the same bytes").await;
    for id in [&sent, &shared_sent] {
        let body = json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": id });
        let reply = app
            .call(Method::POST, &format!("/api/v1/conversations/{direct}/messages"), Some(&zhangsan), Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    let exists = |id: String| {
        let (app, token) = (&app, zhangsan.clone());
        async move { app.call(Method::GET, &format!("/api/v1/attachments/{id}/url"), Some(&token), None).await.status }
    };

    // Within the grace period nothing goes.
    assert_eq!(weft_server::file_gc::collect(&app.state).await, 0);
    app.state.clock.advance(weft_server::file_gc::UNUSED_FILE_GRACE_MS - 60_000);
    assert_eq!(weft_server::file_gc::collect(&app.state).await, 0);
    assert_eq!(exists(abandoned.clone()).await, StatusCode::OK);

    app.state.clock.advance(120_000);
    assert_eq!(weft_server::file_gc::collect(&app.state).await, 2, "the two abandoned uploads");
    assert_eq!(exists(abandoned).await, StatusCode::NOT_FOUND);
    assert_eq!(exists(shared_abandoned).await, StatusCode::NOT_FOUND);
    for id in [sent, shared_sent] {
        let link = app.call(Method::GET, &format!("/api/v1/attachments/{id}/url"), Some(&zhangsan), None).await;
        assert_eq!(link.status, StatusCode::OK);
        let url = link.body["url"].as_str().expect("url").to_owned();
        assert_eq!(app.get_raw(&url).await.0, StatusCode::OK, "a sent file and its bytes stay");
    }
    let hash = |bytes: &[u8]| sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert!(app.state.blobs.get(&hash(b"never sent")).is_err(), "the abandoned bytes are gone from disk");
    assert!(app.state.blobs.get(&hash(b"the same bytes")).is_ok());
}
