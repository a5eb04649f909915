//! PDFs in a confidential conversation: shown page by page as pictures carrying the viewer's
//! watermark, each page's link good for that page only, and clear refusals for pages that do not
//! exist and PDFs that cannot be shown; outsiders get nothing and ordinary chats download PDFs.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, assert_error};
use serde_json::{Value, json};
use uuid::Uuid;

/// A valid PDF of `pages` US-letter pages, each with a grey block and its number in Helvetica.
fn pdf(pages: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    for i in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> \
             /Contents {} 0 R >>",
            5 + 2 * i
        ));
        let content = format!("0.6 g 72 300 468 360 re f 0 g BT /F1 36 Tf 72 700 Td (Page {}) Tj ET", i + 1);
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.extend_from_slice(table.as_bytes());
    out
}

async fn set_confidential(app: &TestApp, token: &str, id: &str) {
    let path = format!("/api/v1/conversations/{id}/confidential");
    let reply = app.call(Method::PUT, &path, Some(token), Some(json!({ "enabled": true }))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// Uploads `bytes` as `name` and sends it in conversation `id`; the attachment's id.
async fn share(app: &TestApp, token: &str, id: &str, name: &str, bytes: &[u8]) -> String {
    let (status, file) = app.upload(token, &format!("client_id={}&name={name}", Uuid::new_v4()), bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let body = json!({ "client_id": Uuid::new_v4(), "text": "", "attachment_id": file["id"] });
    let sent = app.call(Method::POST, &format!("/api/v1/conversations/{id}/messages"), Some(token), Some(body)).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    file["id"].as_str().expect("id").to_owned()
}

async fn link(app: &TestApp, token: &str, file: &str, query: &str) -> common::Reply {
    app.call(Method::GET, &format!("/api/v1/attachments/{file}/url{query}"), Some(token), None).await
}

#[tokio::test]
async fn a_confidential_chats_pdf_is_shown_page_by_page_each_page_carrying_the_viewers_mark() {
    let app = TestApp::new();
    let (zhangsan, lisi) = (app.login("zhangsan").await, app.login("lisi").await);
    let direct = app.conversation_id(&zhangsan, "李四").await;
    set_confidential(&app, &lisi, &direct).await;
    let file = share(&app, &zhangsan, &direct, "report.pdf", &pdf(2)).await;

    let pages = app.call(Method::GET, &format!("/api/v1/attachments/{file}/pages"), Some(&lisi), None).await;
    assert_eq!((pages.status, &pages.body), (StatusCode::OK, &json!({ "pages": 2 })));
    let whole = link(&app, &lisi, &file, "").await;
    assert_error(&whole, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(whole.body["reason"]["kind"], "confidential");

    let lisi_mark = app.call(Method::GET, "/api/v1/watermark", Some(&lisi), None).await.body["mark"].clone();
    let mut urls = Vec::new();
    for page in [1, 2] {
        let signed = link(&app, &lisi, &file, &format!("?page={page}")).await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
        let url = signed.body["url"].as_str().expect("url").to_owned();
        let started = std::time::Instant::now();
        let (status, headers, bytes) = app.get_raw(&url).await;
        eprintln!("page {page} drawn, marked and encoded in {:?}", started.elapsed());
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        assert_eq!(headers["content-type"], "image/png");
        assert!(headers["cache-control"].to_str().expect("ascii").contains("no-store"));
        assert!(headers.get("content-disposition").is_none(), "a page is shown, never saved");
        let picture = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).expect("a PNG");
        assert_eq!((picture.width(), picture.height()), (918, 1188), "612 × 792 points at 1.5×");
        assert_eq!(weft_watermark::find(&picture).mark.map(Value::from), Some(lisi_mark.clone()));
        urls.push(url);
    }

    // The page is part of the signature: a page's link opens neither another page nor the PDF.
    let other_page = urls[1].replace("page=2", "page=1");
    assert_eq!(app.get_raw(&other_page).await.0, StatusCode::FORBIDDEN);
    let the_pdf = urls[0].replace("&page=1", "");
    assert_eq!(app.get_raw(&the_pdf).await.0, StatusCode::FORBIDDEN);

    assert_error(&link(&app, &lisi, &file, "?page=3").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&link(&app, &lisi, &file, "?page=0").await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    let thumbnail = link(&app, &lisi, &file, "?page=1&variant=thumbnail").await;
    assert!(thumbnail.status.is_client_error(), "{}", thumbnail.body);
}

#[tokio::test]
async fn a_pdf_that_cannot_be_read_or_has_too_many_pages_is_refused_clearly() {
    let app = TestApp::new();
    let zhangsan = app.login("zhangsan").await;
    let direct = app.conversation_id(&zhangsan, "李四").await;
    set_confidential(&app, &zhangsan, &direct).await;
    let broken = share(&app, &zhangsan, &direct, "broken.pdf", b"%PDF-1.7 this is not really a PDF").await;
    let long = share(&app, &zhangsan, &direct, "long.pdf", &pdf(201)).await;

    for file in [&broken, &long] {
        let pages = app.call(Method::GET, &format!("/api/v1/attachments/{file}/pages"), Some(&zhangsan), None).await;
        assert_error(&pages, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        let page = link(&app, &zhangsan, file, "?page=1").await;
        assert_error(&page, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    }
    let pages = app.call(Method::GET, &format!("/api/v1/attachments/{long}/pages"), Some(&zhangsan), None).await;
    assert!(pages.body["message"].as_str().expect("message").contains("201 pages"), "{}", pages.body);
}

#[tokio::test]
async fn outsiders_get_nothing_other_files_stay_refused_and_ordinary_chats_download_pdfs() {
    let app = TestApp::new();
    let (zhangsan, wangwu) = (app.login("zhangsan").await, app.login("wangwu").await);
    let direct = app.conversation_id(&zhangsan, "李四").await;
    set_confidential(&app, &zhangsan, &direct).await;
    let secret = share(&app, &zhangsan, &direct, "report.pdf", &pdf(2)).await;
    let plan = share(&app, &zhangsan, &direct, "plan.txt", b"quarterly plan").await;

    // Someone outside the chat learns nothing, exactly as for the chat's other files.
    let pages = app.call(Method::GET, &format!("/api/v1/attachments/{secret}/pages"), Some(&wangwu), None).await;
    assert_error(&pages, StatusCode::NOT_FOUND, "not_found");
    assert_error(&link(&app, &wangwu, &secret, "?page=1").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(&link(&app, &wangwu, &secret, "").await, StatusCode::NOT_FOUND, "not_found");

    // Files that are neither images nor PDFs are still refused, and have no pages.
    let refused = link(&app, &zhangsan, &plan, "").await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(refused.body["reason"]["kind"], "confidential");
    let pages = app.call(Method::GET, &format!("/api/v1/attachments/{plan}/pages"), Some(&zhangsan), None).await;
    assert_error(&pages, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");

    // In an ordinary chat a PDF downloads as before, and is not shown page by page.
    let ordinary = app.conversation_id(&wangwu, "张三").await;
    let bytes = pdf(1);
    let file = share(&app, &wangwu, &ordinary, "notes.pdf", &bytes).await;
    let signed = link(&app, &zhangsan, &file, "").await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    let url = signed.body["url"].as_str().expect("url");
    assert!(!url.contains("mark="), "{url}");
    let (status, headers, served) = app.get_raw(url).await;
    assert_eq!((status, served), (StatusCode::OK, bytes));
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(headers["content-disposition"].to_str().expect("ascii").starts_with("attachment;"));
    let pages = app.call(Method::GET, &format!("/api/v1/attachments/{file}/pages"), Some(&zhangsan), None).await;
    assert_error(&pages, StatusCode::CONFLICT, "conflict");
    assert_eq!(pages.body["reason"]["kind"], "not_confidential");
    assert_eq!(link(&app, &zhangsan, &file, "?page=1").await.status, StatusCode::CONFLICT);
}
