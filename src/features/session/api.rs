//! The member's own sessions (`/api/v1/auth/sessions`) and password (`/api/v1/auth/password`).

use crate::api::{Api, ApiError};
use weft_protocol::SessionId;
use weft_protocol::auth::{ChangePasswordRequest, ChangePasswordResponse, SessionInfo};

impl Api {
    /// The member's live sessions, this one marked `current`.
    pub async fn my_sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        self.get("/auth/sessions").await
    }

    /// Signs out one of the member's sessions.
    pub async fn end_my_session(&self, id: SessionId) -> Result<(), ApiError> {
        self.delete_empty(&format!("/auth/sessions/{id}")).await
    }

    /// Signs out every session of the member but this one.
    pub async fn sign_out_others(&self) -> Result<(), ApiError> {
        self.post_empty::<()>("/auth/sessions/sign-out-others", None).await
    }

    /// Changes the member's password; answers this session's new token.
    pub async fn change_password(&self, request: &ChangePasswordRequest) -> Result<ChangePasswordResponse, ApiError> {
        self.post("/auth/password", request).await
    }
}
