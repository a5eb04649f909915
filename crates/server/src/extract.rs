//! Request extractors that turn every rejection into an [`ApiError`] JSON body, and the
//! [`AuthUser`] extractor that checks the bearer token on every protected route.

use crate::AppState;
use crate::auth::hash_token;
use crate::domain::admin_scope::DirectoryActor;
use crate::error::ApiError;
use crate::store::{ActiveSession, TokenStatus};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};
use weft_protocol::auth::{Role, SessionEnd};
use weft_protocol::{ErrorCode, MemberId, SessionId};

/// JSON body whose rejections (wrong content type, malformed JSON, not an object, wrong types,
/// too large) become clear 4xx API errors. Every request body of the API is a JSON object; serde
/// would otherwise also read a struct from an array (`[]` as an empty update).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) if value.is_object() => serde_json::from_value(value)
                .map(Self)
                .map_err(|err| ApiError::invalid_field(format!("the body does not fit: {err}"))),
            Ok(_) => Err(ApiError::invalid_field("the body must be a JSON object")),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the body as JSON with `Content-Type: application/json`",
        ),
        JsonRejection::JsonDataError(err) => ApiError::invalid_field(err.body_text()),
        JsonRejection::JsonSyntaxError(err) => {
            ApiError::bad_request(format!("the body is not valid JSON: {}", err.body_text()))
        }
        JsonRejection::BytesRejection(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than the server accepts ({} bytes)", crate::MAX_BODY_BYTES),
        ),
        other => ApiError::bad_request(other.body_text()),
    }
}

/// Path parameters with JSON errors (e.g. a conversation id that is not a UUID).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|rejection: PathRejection| {
                ApiError::bad_request(format!("bad path parameter: {}", rejection.body_text()))
            })
    }
}

/// Query string with JSON errors.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| {
                ApiError::bad_request(format!("bad query string: {}", rejection.body_text()))
            })
    }
}

/// The caller's address when the server runs on a real listener (absent in in-process tests
/// unless a test sets `ConnectInfo`); behind a configured trusted proxy, the client's address
/// from `X-Forwarded-For`.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        let forwarded: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok()).collect();
        Ok(Self(state.trusted_proxies.client_address(peer, &forwarded)))
    }
}

/// A signed-in member, from `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub member_id: MemberId,
    pub session_id: SessionId,
    /// The member's role when the request arrived.
    pub role: Role,
}

/// The signed-in member, when their role passes `allowed`: 401 without a session, 403 (saying
/// who may) for anyone else.
async fn member_whose_role(
    parts: &mut Parts,
    state: &AppState,
    allowed: fn(Role) -> bool,
    who_may: &str,
) -> Result<AuthUser, ApiError> {
    let user = AuthUser::from_request_parts(parts, state).await?;
    if !allowed(user.role) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, format!("only {who_may} can do this")));
    }
    Ok(user)
}

/// A signed-in workspace administrator: 401 without a session, 403 for anyone else (the
/// delegated roles included). Routes of the workspace's own settings take this, so the check
/// happens on the server for every call.
#[derive(Debug, Clone, Copy)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        member_whose_role(parts, state, |role| role == Role::Admin, "administrators").await.map(Self)
    }
}

/// A member who manages the directory — the workspace administrator, or a department
/// administrator — with how far they reach; the store refuses targets outside it.
#[derive(Debug, Clone)]
pub struct DirectoryAdminUser {
    pub user: AuthUser,
    pub actor: DirectoryActor,
}

impl FromRequestParts<AppState> for DirectoryAdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user =
            member_whose_role(parts, state, Role::manages_directory, "administrators and department administrators")
                .await?;
        let member = user.member_id;
        if user.role == Role::Admin {
            return Ok(Self { user, actor: DirectoryActor::workspace(member) });
        }
        let reach = state.db(move |store| store.directory_reach(member)).await?.ok_or_else(|| {
            ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "no department is given to you to administer")
        })?;
        Ok(Self { user, actor: DirectoryActor { id: member, reach } })
    }
}

/// A member who reads the audit log and traces watermarks: the workspace administrator or an
/// auditor.
#[derive(Debug, Clone, Copy)]
pub struct AuditReader(pub AuthUser);

impl FromRequestParts<AppState> for AuditReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        member_whose_role(parts, state, Role::reads_audit_log, "administrators and auditors").await.map(Self)
    }
}

/// An auditor: the one role that exports compliance archives (never an ordinary administrator
/// alone).
#[derive(Debug, Clone, Copy)]
pub struct AuditorUser(pub AuthUser);

impl FromRequestParts<AppState> for AuditorUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        member_whose_role(parts, state, |role| role == Role::Auditor, "auditors").await.map(Self)
    }
}

/// A member who manages approval templates: the workspace administrator or an approvals
/// administrator.
#[derive(Debug, Clone, Copy)]
pub struct TemplatesAdmin(pub AuthUser);

impl FromRequestParts<AppState> for TemplatesAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        member_whose_role(parts, state, Role::manages_templates, "administrators and approvals administrators")
            .await
            .map(Self)
    }
}

/// The bearer token of a request, if it carries one.
fn bearer_token(parts: &Parts) -> Option<&str> {
    bearer_token_of(&parts.headers)
}

/// The bearer token in request headers, if they carry one.
pub(crate) fn bearer_token_of(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|header| header.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(ApiError::unauthenticated)?;
        match token_status(state, token).await? {
            TokenStatus::Admitted(session) => Ok(session.into()),
            TokenStatus::WipeRequired(_) => Err(wipe_required()),
            TokenStatus::Ended(reason) => Err(session_ended(reason)),
            TokenStatus::Unknown => Err(ApiError::unauthenticated()),
        }
    }
}

/// A session whose device an administrator asked to wipe: the one caller of the wipe report.
#[derive(Debug, Clone, Copy)]
pub struct WipingSession(pub SessionId, pub MemberId);

impl FromRequestParts<AppState> for WipingSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(ApiError::unauthenticated)?;
        match token_status(state, token).await? {
            TokenStatus::WipeRequired(session) => Ok(Self(session.id, session.member_id)),
            TokenStatus::Admitted(_) => {
                Err(ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, "no wipe was asked of this session"))
            }
            TokenStatus::Ended(reason) => Err(session_ended(reason)),
            TokenStatus::Unknown => Err(ApiError::unauthenticated()),
        }
    }
}

impl From<ActiveSession> for AuthUser {
    fn from(session: ActiveSession) -> Self {
        Self { member_id: session.member_id, session_id: session.id, role: session.role }
    }
}

fn wipe_required() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::WipeRequired,
        "an administrator asked this device to wipe its data; report it with POST /api/v1/auth/wiped",
    )
}

fn session_ended(reason: SessionEnd) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, crate::domain::sessions::ended_message(reason))
}

async fn token_status(state: &AppState, token: &str) -> Result<TokenStatus, ApiError> {
    let token_hash = hash_token(token);
    let now = state.clock.now();
    state.db(move |store| store.session_by_token(&token_hash, now)).await
}

/// Looks a session token up; `None` when it is unknown, ended, asked to wipe, or its member is
/// disabled.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<AuthUser>, ApiError> {
    Ok(match token_status(state, token).await? {
        TokenStatus::Admitted(session) => Some(session.into()),
        TokenStatus::WipeRequired(_) | TokenStatus::Ended(_) | TokenStatus::Unknown => None,
    })
}

/// Decodes `%XX` escapes; bytes that are not UTF-8 become U+FFFD instead of failing.
pub fn percent_decode_lossy(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `key` from a raw query string, decoded leniently.
pub fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| percent_decode_lossy(v))
    })
}

#[cfg(test)]
mod tests {
    use super::{percent_decode_lossy, query_param};

    #[test]
    fn query_values_decode_leniently() {
        assert_eq!(percent_decode_lossy("%E6%8A%A5%E5%91%8A.pdf"), "报告.pdf");
        assert_eq!(percent_decode_lossy("a+b%2"), "a b%2");
        assert_eq!(percent_decode_lossy("bad%FF%FEname"), "bad\u{FFFD}\u{FFFD}name");
        assert_eq!(
            query_param(Some("client_id=x&name=..%2F..%2Fetc%2Fpasswd"), "name").as_deref(),
            Some("../../etc/passwd")
        );
    }
}
