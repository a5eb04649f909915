//! The member's Web Push calls (`/api/v1/push/*`): the server's VAPID key, this device's
//! subscription, and the notification settings.

use crate::api::{Api, ApiError, no_content, url};
use weft_protocol::push::{PushEndpoint, PushKey, PushSettings, PushSubscription};

impl Api {
    pub async fn push_key(&self) -> Result<PushKey, ApiError> {
        self.get("/push/key").await
    }

    /// Registers this device's subscription for this session.
    pub async fn save_push_subscription(&self, subscription: &PushSubscription) -> Result<(), ApiError> {
        let request = self
            .authorise(gloo_net::http::Request::put(&url("/push/subscription")))
            .json(subscription)
            .map_err(|err| ApiError::Decode(err.to_string()))?;
        no_content(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    pub async fn remove_push_subscription(&self, endpoint: &str) -> Result<(), ApiError> {
        let request = self
            .authorise(gloo_net::http::Request::delete(&url("/push/subscription")))
            .json(&PushEndpoint { endpoint: endpoint.to_owned() })
            .map_err(|err| ApiError::Decode(err.to_string()))?;
        no_content(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    pub async fn push_settings(&self) -> Result<PushSettings, ApiError> {
        self.get("/push/settings").await
    }

    pub async fn save_push_settings(&self, settings: &PushSettings) -> Result<PushSettings, ApiError> {
        self.send_json(gloo_net::http::Request::put(&url("/push/settings")), settings).await
    }
}
