//! `TestApp`: the real router over a fresh in-memory SQLite database seeded with the demo
//! organisation, driven in-process with `oneshot`.
#![allow(dead_code, reason = "shared by several test binaries; each uses only a part")]

pub mod wecom;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;
use weft_server::seed::{DEMO_PASSWORD, seed_demo};
use weft_server::static_files::Assets;
use weft_server::store::SqlStore;
use weft_server::{AppState, app, now_millis};

pub struct TestApp {
    pub state: AppState,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Default for TestApp {
    fn default() -> Self {
        Self::with_assets(Assets::none())
    }
}

impl TestApp {
    /// Runs the real server on a loopback port (for live sockets); returns its address.
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let router = app(self.state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        address
    }

    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_assets(assets: Assets) -> Self {
        let store = SqlStore::open_for_tests().expect("a test database");
        seed_demo(&store, now_millis()).expect("seed");
        let blobs = weft_server::blobs::BlobStore::open(
            &std::env::temp_dir().join(format!("weft-test-blobs-{}", uuid::Uuid::new_v4())),
        )
        .expect("blob folder");
        let mut state = AppState::new(Arc::new(store), assets, blobs);
        // Sessions run on a clock the tests move by hand (idle times, lifetimes).
        state.clock = weft_server::clock::Clock::manual(now_millis());
        Self { state }
    }

    pub async fn raw(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = app(self.state.clone()).oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, headers, bytes)
    }

    /// Sends a request with an optional bearer token and JSON body; parses a JSON reply.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        self.call_as(None, &[], method, path, token, body).await
    }

    /// Like [`Self::call`], from a peer address (as a real listener would see it) with extra headers.
    pub async fn call_as(
        &self,
        peer: Option<&str>,
        headers: &[(&str, &str)],
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(peer) = peer {
            let address: std::net::IpAddr = peer.parse().expect("peer address");
            builder = builder.extension(axum::extract::ConnectInfo(std::net::SocketAddr::new(address, 40_000)));
        }
        self.send(builder, token, body).await
    }

    async fn send(&self, builder: axum::http::request::Builder, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut builder = builder;
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(json) => builder.header(header::CONTENT_TYPE, "application/json").body(Body::from(json.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        let (status, headers, bytes) = self.raw(request).await;
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Reply { status, headers, body }
    }

    /// `POST /api/v1/attachments?{query}` with `bytes` as the body (claiming to be a PNG, which the
    /// server must ignore); the status and the JSON reply.
    pub async fn upload(&self, token: &str, query: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/attachments?{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "image/png")
            .body(Body::from(bytes.to_vec()))
            .expect("request");
        let (status, _, body) = self.raw(request).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// A plain GET without credentials (signed links).
    pub async fn get_raw(&self, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.raw(Request::builder().uri(path).body(Body::empty()).expect("request")).await
    }

    pub async fn login(&self, username: &str) -> String {
        let reply = self.try_login(username, DEMO_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::OK, "login {username}: {}", reply.body);
        reply.body["token"].as_str().expect("token").to_owned()
    }

    /// A sign-in attempt with any password, answered as the server answers it.
    pub async fn try_login(&self, username: &str, password: &str) -> Reply {
        let body = serde_json::json!({ "username": username, "password": password, "device": "test" });
        self.call(Method::POST, "/api/v1/auth/login", None, Some(body)).await
    }

    /// An administrator limits `department`'s members to seeing the listed departments.
    pub async fn scope_department(&self, admin: &str, department: &str, visible: &[&str]) -> Reply {
        let path = format!("/api/v1/admin/visibility/departments/{department}");
        self.call(Method::PUT, &path, Some(admin), Some(serde_json::json!({ "visible_department_ids": visible }))).await
    }

    /// The id of the first conversation of `token`'s member whose title contains `title`.
    pub async fn conversation_id(&self, token: &str, title: &str) -> String {
        let reply = self.call(Method::GET, "/api/v1/conversations", Some(token), None).await;
        reply
            .body
            .as_array()
            .expect("list")
            .iter()
            .find(|c| c["title"].as_str().is_some_and(|t| t.contains(title)))
            .and_then(|c| c["id"].as_str())
            .unwrap_or_else(|| panic!("no conversation titled {title}"))
            .to_owned()
    }
}

impl TestApp {
    /// Sends raw bytes with a content type (e.g. a CSV import); parses a JSON reply if any.
    pub async fn send_bytes(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, content_type);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let (status, headers, bytes) = self.raw(builder.body(Body::from(body)).expect("request")).await;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, body }
    }

    /// A GET whose reply is text (CSV).
    pub async fn get_text(&self, path: &str, token: &str) -> (StatusCode, String) {
        let request = Request::builder()
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let (status, _, bytes) = self.raw(request).await;
        (status, String::from_utf8(bytes).expect("utf-8"))
    }

    /// Member ids by userid, as the admin's directory lists them.
    pub async fn member_ids(&self, admin_token: &str) -> std::collections::HashMap<String, String> {
        let reply = self.call(Method::GET, "/api/v1/directory", Some(admin_token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| (m["userid"].as_str().unwrap_or("").to_owned(), m["id"].as_str().unwrap_or("").to_owned()))
            .collect()
    }

    /// The feed cursor now (a client that has everything so far).
    pub async fn cursor(&self, token: &str) -> u64 {
        let reply = self.call(Method::GET, "/api/v1/sync/bootstrap", Some(token), None).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.body["cursor"].as_u64().expect("cursor")
    }

    /// Every change after `after`, following pages.
    pub async fn pull_all(&self, token: &str, mut after: u64) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let reply = self.call(Method::GET, &format!("/api/v1/changes?after={after}"), Some(token), None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            out.extend(reply.body["changes"].as_array().expect("changes").iter().map(|c| c["change"].clone()));
            after = reply.body["cursor"].as_u64().expect("cursor");
            if reply.body["has_more"] != true {
                return out;
            }
        }
    }
}

/// Asserts a JSON error body `{code, message}` with the given status and code.
pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "body: {}", reply.body);
    assert_eq!(reply.body["code"], code, "body: {}", reply.body);
    assert!(reply.body["message"].as_str().is_some_and(|m| !m.is_empty()), "message in {}", reply.body);
}

/// A live socket of a running server ([`TestApp::serve`]), authenticated with `token` and past
/// its `ready` frame.
pub type LiveSocket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn open_live_socket(address: std::net::SocketAddr, token: &str) -> LiveSocket {
    use futures_util::{SinkExt, StreamExt};
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("ws://{address}/api/v1/live")).await.expect("socket");
    let auth = serde_json::json!({ "type": "auth", "token": token }).to_string();
    socket.send(tokio_tungstenite::tungstenite::Message::text(auth)).await.expect("auth");
    let ready = socket.next().await.expect("frame").expect("frame");
    assert!(ready.to_text().unwrap_or("").contains("ready"), "{ready:?}");
    socket
}

/// Whether the socket, within `within`, says its session ended and then closes.
pub async fn ends_its_session(socket: &mut LiveSocket, within: std::time::Duration) -> bool {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let mut ended = false;
    let closed = tokio::time::timeout(within, async {
        while let Some(frame) = socket.next().await {
            match frame {
                Ok(WsMessage::Text(text)) if text.contains("session_ended") => ended = true,
                Ok(WsMessage::Close(_)) | Err(_) => break,
                _ => {}
            }
        }
    })
    .await;
    closed.is_ok() && ended
}
