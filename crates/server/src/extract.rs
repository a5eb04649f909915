//! Request extractors that turn every rejection into an [`ApiError`] JSON body, and the
//! [`AuthUser`] extractor that checks the bearer token on every protected route.

use crate::AppState;
use crate::auth::hash_token;
use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};
use weft_protocol::auth::Role;
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

/// The caller's address when the server runs on a real listener (absent in in-process tests).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        Ok(Self(addr))
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

/// A signed-in administrator: 401 without a session, 403 for anyone else. Every admin route
/// takes this, so the check happens on the server for every call.
#[derive(Debug, Clone, Copy)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.role != Role::Admin {
            return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "only administrators can do this"));
        }
        Ok(Self(user))
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(ApiError::unauthenticated)?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(ApiError::unauthenticated)?;
        authenticate(state, token).await?.ok_or_else(ApiError::unauthenticated)
    }
}

/// Looks a session token up; `None` when it is unknown, revoked or its member is disabled.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<AuthUser>, ApiError> {
    let token_hash = hash_token(token);
    let now = crate::now_millis();
    let session = state.db(move |store| store.session_by_token(&token_hash, now)).await?;
    Ok(session.map(|session| AuthUser { member_id: session.member_id, session_id: session.id, role: session.role }))
}
