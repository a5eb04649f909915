//! The OpenAPI description of `/api/v1` as an integrator meets it: served without signing in,
//! complete (every operation summarised, tagged and answerable with the shared error body; every
//! reference resolving), describing exactly the routes the server answers, printed by
//! `weft-server openapi`, and rendered as a reference page that runs no script.

mod common;

use axum::http::{Method, StatusCode, header};
use common::TestApp;
use serde_json::Value;
use std::collections::HashSet;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let reply = app.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(reply.status, StatusCode::OK, "the document is public: {}", reply.body);
    reply.body
}

fn operations(document: &Value) -> Vec<(String, &'static str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((path.clone(), method, operation));
            }
        }
    }
    found
}

/// Every `$ref` anywhere in `value`.
fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference);
            }
            map.values().for_each(|inner| references(inner, found));
        }
        Value::Array(items) => items.iter().for_each(|inner| references(inner, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_operation_is_summarised_tagged_and_refers_only_to_what_exists() {
    let app = TestApp::new();
    let document = document(&app).await;
    assert!(document["openapi"].as_str().is_some_and(|version| version.starts_with("3.1")), "{}", document["openapi"]);
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    assert_eq!(document["components"]["securitySchemes"]["session"]["scheme"], "bearer");
    let operations = operations(&document);
    assert!(operations.len() >= 90, "only {} operations described", operations.len());
    let mut ids = HashSet::new();
    for (path, method, operation) in &operations {
        let name = format!("{} {path}", method.to_uppercase());
        assert!(operation["summary"].as_str().is_some_and(|summary| summary.len() > 10), "{name} has no summary");
        assert!(operation["tags"].as_array().is_some_and(|tags| !tags.is_empty()), "{name} has no tag");
        assert!(ids.insert(operation["operationId"].as_str().expect("operationId").to_owned()), "{name}: id repeated");
        assert!(operation["responses"]["4XX"].is_object(), "{name} lacks the error response");
        let success = operation["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .any(|status| status.starts_with('2') || status == "101");
        assert!(success, "{name} describes no success");
        let declared: HashSet<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|parameter| parameter["in"] == "path")
            .filter_map(|parameter| parameter["name"].as_str())
            .collect();
        let in_template: HashSet<&str> =
            path.split('/').filter_map(|part| part.strip_prefix('{')?.strip_suffix('}')).collect();
        assert_eq!(declared, in_template, "{name}: path parameters");
    }
    let mut found = Vec::new();
    references(&document, &mut found);
    for reference in found {
        let pointer = reference.strip_prefix('#').expect("a local reference");
        assert!(document.pointer(pointer).is_some(), "{reference} does not resolve");
    }
    // Only signing in and the health check are open; everything else needs the session.
    let open: Vec<String> = operations
        .iter()
        .filter(|(_, _, operation)| {
            operation["security"]
                .as_array()
                .is_some_and(|list| list.iter().all(|entry| entry.as_object().is_some_and(serde_json::Map::is_empty)))
        })
        .map(|(path, method, _)| format!("{} {path}", method.to_uppercase()))
        .collect();
    assert!(open.contains(&"POST /auth/login".to_owned()), "{open:?}");
    assert!(open.contains(&"GET /health".to_owned()), "{open:?}");
    assert!(!open.iter().any(|route| route.contains("/admin/")), "an admin route is described as open: {open:?}");
}

/// The description and the router are one: every described operation reaches a handler
/// (never the "no such API route" fallback or a wrong-method answer), tried with unknown ids.
#[tokio::test]
async fn every_described_operation_is_served() {
    let app = TestApp::new();
    let document = document(&app).await;
    let admin = app.login("admin").await;
    for (path, method, _) in operations(&document) {
        if path == "/live" {
            continue; // A WebSocket upgrade: tests/live_fanout.rs drives it.
        }
        let concrete: Vec<String> = path
            .split('/')
            .map(|part| match part.strip_prefix('{') {
                Some("seq}") | Some("agent_id}") => "7".to_owned(),
                Some(_) => uuid::Uuid::new_v4().to_string(),
                None => part.to_owned(),
            })
            .collect();
        let uri = format!("/api/v1{}", concrete.join("/"));
        let method_value = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let body = (method != "get" && method != "delete").then(|| serde_json::json!({}));
        let token = if path == "/auth/logout" { None } else { Some(admin.as_str()) };
        let reply = app.call(method_value, &uri, token, body).await;
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}: {}", reply.body);
        let fallback = reply.status == StatusCode::NOT_FOUND && reply.body["message"] == "no such API route";
        assert!(!fallback, "{method} {uri} is described but not served");
        assert!(reply.status.as_u16() < 500, "{method} {uri}: {} {}", reply.status, reply.body);
    }
}

/// No route is registered outside the annotated routers (which would serve it undescribed).
#[test]
fn no_route_is_registered_without_its_description() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    for entry in std::fs::read_dir(folder).expect("routes folder") {
        let path = entry.expect("entry").path();
        let source = std::fs::read_to_string(&path).expect("source");
        assert!(
            !source.contains(".route("),
            "{} registers a route with .route(): use routes!() and #[utoipa::path]",
            path.display()
        );
    }
}

#[tokio::test]
async fn the_reference_page_shows_every_operation_and_runs_nothing() {
    let app = TestApp::new();
    let document = document(&app).await;
    let (status, headers, body) = app.get_raw("/api/reference").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().expect("type").starts_with("text/html"));
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().expect("policy");
    assert!(policy.contains("default-src 'none'") && !policy.contains("script-src"), "{policy}");
    let page = String::from_utf8(body).expect("utf-8");
    assert!(!page.contains("<script"), "the page runs no script");
    assert!(page.contains("Weft workspace API reference"));
    assert!(page.contains("href=\"/api/v1/openapi.json\""), "a link to the document");
    for (path, method, _) in operations(&document) {
        let shown = format!("{}</span> <code>/api/v1{path}</code>", method.to_uppercase());
        assert!(page.contains(&shown), "{shown} missing from the page");
    }
    for name in document["components"]["schemas"].as_object().expect("schemas").keys() {
        assert!(page.contains(&format!("id=\"schema-{}\"", name.to_lowercase())), "schema {name} missing");
    }
}

#[test]
fn the_binary_prints_the_same_document() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_weft-server")).arg("openapi").output().expect("run");
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let served: Value = serde_json::from_str(&weft_server::openapi::document_json()).expect("JSON");
    assert_eq!(printed, served);
    assert!(printed["paths"]["/conversations"]["get"].is_object());
}
