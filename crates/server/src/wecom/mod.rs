//! The WeCom-compatible API at `/cgi-bin/` (see `WECOM_API.md` in the design notes): existing
//! WeCom integrations work after changing only their base URL. Its conventions, not the rest of
//! the API's: business errors are HTTP 200 `{errcode, errmsg}`, calls carry `access_token` in the
//! query, bodies are JSON with or without a Content-Type, and numbers may come as strings. It is
//! a thin translation onto the same store and rules as the app's API.
//!
//! - [`token`]: `gettoken` (an integration app's secret for a 7200-second access token).
//! - [`directory`]: departments and members, read; [`directory_write`]: departments written;
//!   [`members_write`]: members created, updated and deleted.
//! - [`oa`]: approval templates described in WeCom's controls; [`oa_requests`]: requests
//!   submitted, listed and shown; [`oa_values`]: form values in WeCom's shape and back.
//! - [`messages`]: `message/send`, an app's messages to members' conversations with it.
//! - [`appchat`]: group chats an app makes, changes and posts into.
//! - [`robots`]: group robots' webhook (`webhook/send?key=`), 20 messages a minute each.
//! - [`body`]: JSON bodies with or without a Content-Type, numbers as strings.

mod appchat;
mod body;
mod directory;
mod directory_write;
mod members_write;
mod messages;
mod oa;
mod oa_requests;
mod oa_values;
mod robots;
mod token;

use crate::AppState;
use crate::extract::ClientIp;
use crate::store::{StoreError, TokenLookup};
use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use weft_protocol::audit::AuditAction;
use weft_protocol::integration::{IntegrationApp, IntegrationScope};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(token::router())
        .merge(directory::router())
        .merge(directory_write::router())
        .merge(members_write::router())
        .merge(messages::router())
        .merge(appchat::router())
        .merge(robots::router())
        .merge(oa::router())
        .merge(oa_requests::router())
        .fallback(unknown)
}

async fn unknown() -> WecomError {
    WecomError::new(errcode::INVALID_URL, "invalid url: this Weft server does not serve that WeCom API")
}

/// WeCom's error codes used here.
pub mod errcode {
    pub const SYSTEM_BUSY: i64 = -1;
    pub const INVALID_SECRET: i64 = 40001;
    pub const INVALID_CORPID: i64 = 40013;
    pub const INVALID_TOKEN: i64 = 40014;
    pub const MISSING_TOKEN: i64 = 41001;
    pub const MISSING_CORPID: i64 = 41002;
    pub const MISSING_SECRET: i64 = 41004;
    pub const MISSING_USERID: i64 = 41009;
    pub const TOKEN_EXPIRED: i64 = 42001;
    pub const INVALID_URL: i64 = 48001;
    pub const DATA_FORMAT: i64 = 47001;
    pub const INVALID_PARAMETER: i64 = 40058;
    pub const NO_PRIVILEGE: i64 = 60011;
    pub const IP_NOT_ALLOWED: i64 = 60020;
    pub const DEPARTMENT_NOT_FOUND: i64 = 60003;
    pub const USER_NOT_FOUND: i64 = 60111;
    pub const INVALID_DEPARTMENT_ID: i64 = 60123;
    /// Approvals (OA): a wrong parameter, and an app without the approvals scope.
    pub const OA_PARAMETER_ERROR: i64 = 301025;
    pub const OA_NO_PERMISSION: i64 = 301055;
    /// Messages: a wrong message type, agent id, empty or too long content, nobody to send to.
    pub const INVALID_MESSAGE_TYPE: i64 = 40008;
    pub const INVALID_AGENT_ID: i64 = 40056;
    pub const EMPTY_CONTENT: i64 = 44004;
    pub const CONTENT_TOO_LONG: i64 = 45002;
    pub const FREQUENCY_LIMIT: i64 = 45009;
    pub const ALL_RECIPIENTS_INVALID: i64 = 81013;
    pub const NO_RECIPIENTS: i64 = 82001;
    /// App group chats.
    pub const INVALID_CHAT_ID: i64 = 86001;
    pub const CHAT_NOT_FOUND: i64 = 86003;
    pub const INVALID_CHAT_NAME: i64 = 86004;
    pub const INVALID_CHAT_OWNER: i64 = 86005;
    pub const CHAT_MEMBER_COUNT: i64 = 86006;
    pub const ILLEGAL_CHAT_MEMBER: i64 = 86007;
    pub const OWNER_NOT_IN_LIST: i64 = 86207;
    pub const CHAT_ID_EXISTS: i64 = 86215;
    /// Group robots: an unknown key.
    pub const INVALID_ROBOT_KEY: i64 = 93000;
    /// Files: a picture too large or empty, a type that is not taken.
    pub const INVALID_IMAGE_SIZE: i64 = 40009;
    pub const INVALID_FILE_TYPE: i64 = 40005;
}

/// A business error, answered as HTTP 200 like WeCom does.
#[derive(Debug)]
pub struct WecomError {
    pub errcode: i64,
    pub errmsg: String,
}

impl WecomError {
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        Self { errcode, errmsg: errmsg.into() }
    }
}

impl IntoResponse for WecomError {
    fn into_response(self) -> Response {
        Json(json!({ "errcode": self.errcode, "errmsg": self.errmsg })).into_response()
    }
}

impl From<StoreError> for WecomError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = ?err, "WeCom-compatible API: store failure");
        Self::new(errcode::SYSTEM_BUSY, "system busy, try again")
    }
}

impl From<crate::error::ApiError> for WecomError {
    fn from(err: crate::error::ApiError) -> Self {
        Self::new(errcode::SYSTEM_BUSY, err.message)
    }
}

/// A success answer: `errcode 0`, `errmsg "ok"`, and the fields of `body`.
pub fn ok(body: Value) -> Json<Value> {
    let mut answer = json!({ "errcode": 0, "errmsg": "ok" });
    if let (Some(answer), Value::Object(fields)) = (answer.as_object_mut(), body) {
        answer.extend(fields);
    }
    Json(answer)
}

pub use crate::extract::query_param;

/// A success answer with WeCom's word for it (`created`, `updated`, `deleted`).
pub fn ok_with(word: &str, body: Value) -> Json<Value> {
    let Json(mut answer) = ok(body);
    answer["errmsg"] = json!(word);
    Json(answer)
}

/// An integration app calling with a valid `access_token`, from an address it may use.
pub struct CallingApp(pub IntegrationApp, pub Option<std::net::IpAddr>);

/// The scope every directory write needs.
pub const DIRECTORY_WRITE: [IntegrationScope; 1] = [IntegrationScope::DirectoryWrite];

impl CallingApp {
    /// Records a write in the audit log in the app's name ("ERP (1000002)"), from its address.
    pub async fn audit(&self, state: &AppState, action: AuditAction, detail: serde_json::Value) {
        let name = format!("{} ({})", self.0.name, self.0.agent_id);
        crate::routes::record_integration(state, &name, action, detail, self.1).await;
    }

    /// Refuses the call unless the app holds one of `scopes`.
    pub fn require(&self, scopes: &[IntegrationScope]) -> Result<(), WecomError> {
        if self.0.scopes.iter().any(|scope| scopes.contains(scope)) {
            Ok(())
        } else {
            Err(WecomError::new(errcode::NO_PRIVILEGE, "no privilege to access/modify contact/party/agent"))
        }
    }
}

impl FromRequestParts<AppState> for CallingApp {
    type Rejection = WecomError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let RawQuery(query) = RawQuery::from_request_parts(parts, state).await.unwrap_or(RawQuery(None));
        let token = query_param(query.as_deref(), "access_token")
            .filter(|token| !token.is_empty())
            .ok_or_else(|| WecomError::new(errcode::MISSING_TOKEN, "access_token missing"))?;
        let hash = crate::auth::hash_token(&token);
        let now = state.clock.now();
        let app = match state.db(move |store| store.app_by_token(&hash, now)).await? {
            TokenLookup::App(app) => app,
            TokenLookup::Expired => return Err(WecomError::new(errcode::TOKEN_EXPIRED, "access_token expired")),
            TokenLookup::Unknown => return Err(WecomError::new(errcode::INVALID_TOKEN, "invalid access_token")),
        };
        let ClientIp(address) = ClientIp::from_request_parts(parts, state).await.unwrap_or(ClientIp(None));
        allowed_from(&app, address)?;
        Ok(Self(app, address))
    }
}

/// Refuses calls from outside the app's allowed addresses (none listed: any address).
pub fn allowed_from(app: &IntegrationApp, address: Option<std::net::IpAddr>) -> Result<(), WecomError> {
    if app.allowed_ips.is_empty() {
        return Ok(());
    }
    let allowed = crate::proxies::TrustedProxies::parse(&app.allowed_ips.join(",")).unwrap_or_default();
    match address {
        Some(address) if allowed.contains(address) => Ok(()),
        _ => Err(WecomError::new(
            errcode::IP_NOT_ALLOWED,
            format!(
                "not allow to access from your ip, from ip: {}",
                address.map_or_else(String::new, |a| a.to_string())
            ),
        )),
    }
}
