//! The administrator's integration calls: `/api/v1/admin/integration-apps` and `/admin/webhooks`.

use crate::api::{Api, ApiError, url};
use gloo_net::http::Request;
use weft_protocol::WebhookId;
use weft_protocol::integration::{IntegrationApp, IntegrationAppSettings, IntegrationApps, IntegrationSecret};
use weft_protocol::webhook::{Delivery, NewWebhook, Webhook, WebhookSettings};

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

    pub async fn webhooks(&self) -> Result<Vec<Webhook>, ApiError> {
        self.get("/admin/webhooks").await
    }

    pub async fn create_webhook(&self, settings: &WebhookSettings) -> Result<NewWebhook, ApiError> {
        self.post("/admin/webhooks", settings).await
    }

    pub async fn update_webhook(&self, id: WebhookId, settings: &WebhookSettings) -> Result<Webhook, ApiError> {
        self.send_json(Request::put(&url(&format!("/admin/webhooks/{id}"))), settings).await
    }

    pub async fn remove_webhook(&self, id: WebhookId) -> Result<(), ApiError> {
        self.delete_empty(&format!("/admin/webhooks/{id}")).await
    }

    pub async fn webhook_deliveries(&self, id: WebhookId) -> Result<Vec<Delivery>, ApiError> {
        self.get(&format!("/admin/webhooks/{id}/deliveries")).await
    }

    pub async fn rotate_integration_secret(&self, agent_id: u32) -> Result<IntegrationSecret, ApiError> {
        self.post(&format!("/admin/integration-apps/{agent_id}/secret"), &()).await
    }
}
