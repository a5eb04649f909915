//! Typed calls to the workspace API (`/api/v1`) with the protocol's types: the client, its errors,
//! and the calls the shared layers make (sign-in, the sync's snapshot, messages and writes, files).
//! Each feature adds the calls only it makes as its own `impl Api` block in its `api.rs`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use weft_protocol::auth::{
    CurrentSession, KioskCheckRequest, KioskCheckResponse, LoginRequest, LoginResponse, MemberProfile, UnlockRequest,
};
use weft_protocol::chat::{
    Attachment, ConversationDetail, ConversationPrefs, ConversationSummary, FileVariant, MarkReadRequest, Message,
    MessagePage, SendMessageRequest, SignedUrl,
};
use weft_protocol::sync::Bootstrap;
use weft_protocol::{API_PREFIX, AttachmentId, ConversationId, ErrorBody, ErrorCode};

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request never got an answer: offline, server down, or the connection dropped.
    Network,
    /// The server answered with an error body.
    Server { status: u16, body: ErrorBody },
    /// The answer could not be read.
    Decode(String),
}

impl ApiError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Server { body, .. } => Some(body.code),
            _ => None,
        }
    }

    /// True when the session is no longer valid and the member must sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        self.code() == Some(ErrorCode::Unauthenticated)
    }

    /// True when an administrator asked this device to wipe the session's data: the device wipes
    /// and reports it ([`Api::report_wiped`]), the only call the token still allows.
    pub fn is_wipe_required(&self) -> bool {
        self.code() == Some(ErrorCode::WipeRequired)
    }

    /// The session is over either way (ended, or to be wiped).
    pub fn ends_session(&self) -> bool {
        self.is_unauthenticated() || self.is_wipe_required()
    }

    /// The field a 422 `invalid_field` names (its message starts with `"<field>: "`), and the rest
    /// of the message.
    pub fn invalid_field(&self) -> Option<(&str, &str)> {
        match self {
            ApiError::Server { body, .. } if body.code == ErrorCode::InvalidField => {
                body.message.split_once(": ").or(Some((body.message.as_str(), "")))
            }
            _ => None,
        }
    }
}

/// Reads an answer whose success has no body (204).
pub(crate) async fn no_content(response: gloo_net::http::Response) -> Result<(), ApiError> {
    if response.ok() { Ok(()) } else { decode::<()>(response).await }
}

pub(crate) async fn decode<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, ApiError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(|err| ApiError::Decode(err.to_string()));
    }
    let body = response.json::<ErrorBody>().await.unwrap_or_else(|_| {
        ErrorBody::new(
            if status >= 500 { ErrorCode::Internal } else { ErrorCode::BadRequest },
            format!("HTTP {status}"),
        )
    });
    Err(ApiError::Server { status, body })
}

pub(crate) fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

/// An API client for one session token (or none, for sign-in).
#[derive(Debug, Clone)]
pub struct Api {
    token: Option<String>,
}

impl Api {
    pub fn anonymous() -> Self {
        Self { token: None }
    }

    pub fn with_token(token: &str) -> Self {
        Self { token: Some(token.to_owned()) }
    }

    pub(crate) fn authorise(&self, request: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
        match &self.token {
            Some(token) => request.header("Authorization", &format!("Bearer {token}")),
            None => request,
        }
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let response =
            self.authorise(gloo_net::http::Request::get(&url(path))).send().await.map_err(|_| ApiError::Network)?;
        decode(response).await
    }

    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ApiError> {
        let request = self
            .authorise(gloo_net::http::Request::post(&url(path)))
            .json(body)
            .map_err(|err| ApiError::Decode(err.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        decode(response).await
    }

    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        self.post("/auth/login", request).await
    }

    /// A POST whose success has no body (204).
    pub(crate) async fn post_empty<B: Serialize>(&self, path: &str, body: Option<&B>) -> Result<(), ApiError> {
        let request = self.authorise(gloo_net::http::Request::post(&url(path)));
        let sent = match body {
            Some(body) => request.json(body).map_err(|err| ApiError::Decode(err.to_string()))?.send().await,
            None => request.send().await,
        };
        let response = sent.map_err(|_| ApiError::Network)?;
        if response.ok() { Ok(()) } else { decode::<()>(response).await }
    }

    /// Ends this session on the server.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.post_empty::<()>("/auth/logout", None).await
    }

    /// Tells the server this device wiped the session's data, as an administrator asked.
    pub async fn report_wiped(&self) -> Result<(), ApiError> {
        self.post_empty::<()>("/auth/wiped", None).await
    }

    /// The calling session and its terms (after a reload, or to learn why it ended).
    pub async fn current_session(&self) -> Result<CurrentSession, ApiError> {
        self.get("/auth/session").await
    }

    /// Whether a kiosk enrolment code is valid; its label when it is (404 when not).
    pub async fn kiosk_check(&self, code: &str) -> Result<KioskCheckResponse, ApiError> {
        self.post("/auth/kiosk-check", &KioskCheckRequest { code: code.to_owned() }).await
    }

    /// Lifts the idle lock with the member's password.
    pub async fn unlock(&self, password: &str) -> Result<(), ApiError> {
        self.post_empty("/auth/unlock", Some(&UnlockRequest { password: password.to_owned() })).await
    }

    /// A DELETE whose success has no body (204).
    pub(crate) async fn delete_empty(&self, path: &str) -> Result<(), ApiError> {
        let request = self.authorise(gloo_net::http::Request::delete(&url(path)));
        no_content(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    pub async fn bootstrap(&self) -> Result<Bootstrap, ApiError> {
        self.get("/sync/bootstrap").await
    }

    pub async fn detail(&self, conversation: ConversationId) -> Result<ConversationDetail, ApiError> {
        self.get(&format!("/conversations/{conversation}")).await
    }

    pub async fn recall(&self, conversation: ConversationId, seq: u64) -> Result<(), ApiError> {
        self.post_empty::<()>(&format!("/conversations/{conversation}/messages/{seq}/recall"), None).await
    }

    pub async fn mark_read(&self, conversation: ConversationId, seq: u64) -> Result<(), ApiError> {
        self.post_empty(&format!("/conversations/{conversation}/read"), Some(&MarkReadRequest { seq })).await
    }

    pub async fn members(&self) -> Result<Vec<MemberProfile>, ApiError> {
        self.get("/members").await
    }

    pub(crate) async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        request: gloo_net::http::RequestBuilder,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = self.authorise(request).json(body).map_err(|err| ApiError::Decode(err.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        decode(response).await
    }

    /// Uploads a file's bytes; the client id makes a retried upload the same file.
    pub async fn upload(&self, client_id: &str, name: &str, file: &web_sys::Blob) -> Result<Attachment, ApiError> {
        let path = format!("/attachments?client_id={client_id}&name={}", js_sys::encode_uri_component(name));
        let request = self
            .authorise(gloo_net::http::Request::post(&url(&path)))
            .body(wasm_bindgen::JsValue::from(file.clone()))
            .map_err(|err| ApiError::Decode(err.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        decode(response).await
    }

    /// A short-lived link to a file's bytes, or to its thumbnail.
    pub async fn attachment_url(&self, id: AttachmentId, variant: FileVariant) -> Result<SignedUrl, ApiError> {
        self.get(&format!("/attachments/{id}/url?variant={}", variant.as_str())).await
    }

    pub async fn set_prefs(&self, conversation: ConversationId, muted: bool, pinned: bool) -> Result<(), ApiError> {
        let request = gloo_net::http::Request::put(&url(&format!("/conversations/{conversation}/prefs")));
        self.send_json::<_, ConversationDetail>(request, &ConversationPrefs { muted, pinned }).await.map(|_| ())
    }

    pub async fn conversations(&self) -> Result<Vec<ConversationSummary>, ApiError> {
        self.get("/conversations").await
    }

    pub async fn messages(
        &self,
        conversation: ConversationId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<MessagePage, ApiError> {
        let before = before.map(|seq| format!("&before={seq}")).unwrap_or_default();
        self.get(&format!("/conversations/{conversation}/messages?limit={limit}{before}")).await
    }

    pub async fn send(&self, conversation: ConversationId, request: &SendMessageRequest) -> Result<Message, ApiError> {
        self.post(&format!("/conversations/{conversation}/messages"), request).await
    }
}
