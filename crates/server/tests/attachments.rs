//! Files: upload limits and sniffing, hostile names, who may fetch them (a matrix), signed links
//! that expire and cannot be forged, and recall taking the file away.

mod common;

use axum::http::{Method, StatusCode, header};
use common::{TestApp, assert_error};
use serde_json::json;
use uuid::Uuid;

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
    let mut app = TestApp::new();
    app.state.limits.upload_quota_bytes = (PNG.len() * 2 + PNG.len() / 2) as u64;
    let zhangsan = app.login("zhangsan").await;
    let first = Uuid::new_v4();
    for client_id in [first, Uuid::new_v4()] {
        let (status, body) = app.upload(&zhangsan, &format!("client_id={client_id}&name=a.png"), PNG).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = app.upload(&zhangsan, &format!("client_id={}&name=c.png", Uuid::new_v4()), PNG).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("file:") && m.contains("quota")), "{body}");
    // A retry of an upload already counted is not refused.
    let (status, body) = app.upload(&zhangsan, &format!("client_id={first}&name=a.png"), PNG).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Another member's quota is their own.
    let lisi = app.login("lisi").await;
    let (status, _) = app.upload(&lisi, &format!("client_id={}&name=d.png", Uuid::new_v4()), PNG).await;
    assert_eq!(status, StatusCode::CREATED);
}
