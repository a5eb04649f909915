//! Outgoing webhooks as administrators manage them: the addresses Weft posts events to, which
//! events each wants, and the deliveries with their results. Every delivery is signed:
//! `X-Weft-Signature: sha256=<hex HMAC-SHA256 of "<X-Weft-Timestamp>.<body>" under the secret>`.

use crate::Millis;
use serde::{Deserialize, Serialize};

/// What happened, as a webhook subscribes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookEvent {
    ApprovalSubmitted,
    /// A request was approved or rejected (its last step decided it).
    ApprovalDecided,
    MemberCreated,
    MemberDisabled,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 4] = [
        WebhookEvent::ApprovalSubmitted,
        WebhookEvent::ApprovalDecided,
        WebhookEvent::MemberCreated,
        WebhookEvent::MemberDisabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::ApprovalSubmitted => "approval_submitted",
            WebhookEvent::ApprovalDecided => "approval_decided",
            WebhookEvent::MemberCreated => "member_created",
            WebhookEvent::MemberDisabled => "member_disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == text)
    }
}

/// `POST /api/v1/admin/webhooks` and `PUT …/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSettings {
    /// Where events are posted: `https://…` (or `http://` for addresses inside the organisation).
    pub url: String,
    pub events: Vec<WebhookEvent>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// A registered webhook (its secret is never shown again after it was made).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: crate::WebhookId,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub enabled: bool,
    pub created_at: Millis,
}

/// A new webhook and the secret its deliveries are signed with, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not accepted yet; tried again after `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after [`MAX_DELIVERY_ATTEMPTS`].
    Failed,
}

/// One event sent (or being sent) to one webhook (`GET /api/v1/admin/webhooks/{id}/deliveries`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// The event's id: the same event is delivered to a webhook at most once.
    pub event_id: String,
    pub event: WebhookEvent,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed (a status, a timeout, a refused connection).
    pub last_error: String,
    pub created_at: Millis,
    pub next_attempt_at: Option<Millis>,
    pub delivered_at: Option<Millis>,
}

/// Attempts before a delivery is given up.
pub const MAX_DELIVERY_ATTEMPTS: u32 = 8;
/// Longest webhook address, in bytes.
pub const MAX_WEBHOOK_URL_BYTES: usize = 2048;

/// The wait before attempt `attempt + 1` (after `attempt` failures): `base` doubled each time,
/// at most an hour.
pub fn retry_delay(base_ms: Millis, attempt: u32) -> Millis {
    base_ms.saturating_mul(1 << attempt.min(20)).min(3_600_000)
}

/// Checks a webhook's address: an absolute http(s) URL without credentials in it.
pub fn validate_webhook_url(url: &str) -> Result<(), String> {
    let trimmed = url.trim();
    if trimmed.len() > MAX_WEBHOOK_URL_BYTES {
        return Err(format!("url: at most {MAX_WEBHOOK_URL_BYTES} bytes"));
    }
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| "url: an http:// or https:// address".to_owned())?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("url: an address with a host and no spaces or credentials".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_absolute_http_urls_without_credentials() {
        assert!(validate_webhook_url("https://erp.example.com/hooks/weft").is_ok());
        assert!(validate_webhook_url("http://10.0.0.5:8080/h").is_ok());
        for bad in ["ftp://x", "https://", "https://user:pw@host/", "javascript:alert(1)", "https://a b", "/relative"] {
            assert!(validate_webhook_url(bad).is_err(), "{bad}");
        }
        assert!(validate_webhook_url(&format!("https://a/{}", "x".repeat(MAX_WEBHOOK_URL_BYTES))).is_err());
    }

    #[test]
    fn retries_back_off_doubling_up_to_an_hour() {
        assert_eq!(retry_delay(1_000, 0), 1_000);
        assert_eq!(retry_delay(1_000, 3), 8_000);
        assert_eq!(retry_delay(1_000, 30), 3_600_000);
    }

    #[test]
    fn events_have_stable_names() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
            assert_eq!(serde_json::to_value(event).ok(), Some(serde_json::json!(event.as_str())));
        }
    }
}
