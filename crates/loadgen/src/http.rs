//! A small HTTP/1.1 client over one kept-alive connection (hyper), and the three API calls the
//! benchmark makes: sign in, find the member's group, send a message.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use weft_protocol::ConversationId;
use weft_protocol::auth::{LoginRequest, LoginResponse};
use weft_protocol::chat::{ConversationKind, ConversationSummary, SendMessageRequest};

pub struct Connection {
    addr: SocketAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    pub fn new(addr: SocketAddr) -> Self {
        Self { addr, sender: None }
    }

    async fn sender(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, String> {
        if self.sender.as_ref().is_none_or(|sender| sender.is_closed()) {
            let stream = tokio::net::TcpStream::connect(self.addr).await.map_err(|err| err.to_string())?;
            stream.set_nodelay(true).map_err(|err| err.to_string())?;
            let (sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|err| err.to_string())?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        let sender = self.sender.as_mut().ok_or("no connection")?;
        sender.ready().await.map_err(|err| err.to_string())?;
        Ok(sender)
    }

    /// One request; the connection is reopened next time if this one failed.
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Bytes), String> {
        let host = self.addr.to_string();
        let mut builder = Request::builder().method(method).uri(path).header(HOST, host);
        if let Some(token) = token {
            builder = builder.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if body.is_some() {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        let request = builder.body(Full::new(Bytes::from(body.unwrap_or_default()))).map_err(|err| err.to_string())?;
        let result = async {
            let response = self.sender().await?.send_request(request).await.map_err(|err| err.to_string())?;
            let status = response.status();
            let bytes = response.into_body().collect().await.map_err(|err| err.to_string())?.to_bytes();
            Ok((status, bytes))
        }
        .await;
        if result.is_err() {
            self.sender = None;
        }
        result
    }
}

/// Signs `username` in; returns the session token.
pub async fn sign_in(connection: &mut Connection, username: &str, password: &str) -> Result<String, String> {
    let body = serde_json::to_vec(&LoginRequest {
        username: username.into(),
        password: password.into(),
        device: Some("weft-loadgen".into()),
        mode: weft_protocol::auth::DeviceMode::Personal,
        kiosk_code: None,
    })
    .map_err(|err| err.to_string())?;
    // The server checks a few passwords at a time and answers 503 beyond its queue: wait and ask again.
    let (status, bytes) = loop {
        let (status, bytes) = connection.request(Method::POST, "/api/v1/auth/login", None, Some(body.clone())).await?;
        if status != StatusCode::SERVICE_UNAVAILABLE {
            break (status, bytes);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    if status != StatusCode::OK {
        return Err(format!("sign-in of {username} answered {status}: {}", String::from_utf8_lossy(&bytes)));
    }
    let response: LoginResponse = serde_json::from_slice(&bytes).map_err(|err| err.to_string())?;
    Ok(response.token)
}

/// The member's (only) group.
pub async fn group_of(connection: &mut Connection, token: &str) -> Result<(ConversationId, usize), String> {
    let (status, bytes) = connection.request(Method::GET, "/api/v1/conversations", Some(token), None).await?;
    if status != StatusCode::OK {
        return Err(format!("the conversation list answered {status}"));
    }
    let list: Vec<ConversationSummary> = serde_json::from_slice(&bytes).map_err(|err| err.to_string())?;
    list.into_iter()
        .find(|summary| summary.kind == ConversationKind::Group)
        .map(|summary| (summary.id, summary.member_count as usize))
        .ok_or_else(|| "a bench member has no group".into())
}

/// Sends `text` to the conversation; true when the server stored it.
pub async fn send(connection: &mut Connection, token: &str, conversation: ConversationId, text: String) -> bool {
    let request = SendMessageRequest {
        client_id: weft_protocol::ClientId(uuid::Uuid::new_v4()),
        text,
        reply_to: None,
        mentions: Vec::new(),
        mention_all: false,
        attachment_id: None,
    };
    let Ok(body) = serde_json::to_vec(&request) else { return false };
    let path = format!("/api/v1/conversations/{conversation}/messages");
    matches!(connection.request(Method::POST, &path, Some(token), Some(body)).await, Ok((StatusCode::CREATED, _)))
}
