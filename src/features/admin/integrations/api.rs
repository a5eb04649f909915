//! The administrator's integration app calls: `/api/v1/admin/integration-apps`.

use crate::api::{Api, ApiError, url};
use gloo_net::http::Request;
use weft_protocol::integration::{IntegrationApp, IntegrationAppSettings, IntegrationApps, IntegrationSecret};

impl Api {
    pub async fn integration_apps(&self) -> Result<IntegrationApps, ApiError> {
        self.get("/admin/integration-apps").await
    }

    pub async fn create_integration_app(
        &self,
        settings: &IntegrationAppSettings,
    ) -> Result<IntegrationSecret, ApiError> {
        self.post("/admin/integration-apps", settings).await
    }

    pub async fn update_integration_app(
        &self,
        agent_id: u32,
        settings: &IntegrationAppSettings,
    ) -> Result<IntegrationApp, ApiError> {
        let request = Request::put(&url(&format!("/admin/integration-apps/{agent_id}")));
        self.send_json(request, settings).await
    }

    pub async fn rotate_integration_secret(&self, agent_id: u32) -> Result<IntegrationSecret, ApiError> {
        self.post(&format!("/admin/integration-apps/{agent_id}/secret"), &()).await
    }
}
