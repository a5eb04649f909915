//! Integration apps as administrators manage them: the outside systems (ERP, CRM, scripts) that
//! call the WeCom-compatible API at `/cgi-bin/` with a secret, within the scopes and addresses
//! they were given.

use crate::Millis;
use serde::{Deserialize, Serialize};

/// What an integration app may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntegrationScope {
    DirectoryRead,
    DirectoryWrite,
    Messages,
    Approvals,
}

/// An integration app (`GET /api/v1/admin/integration-apps`). Its secret is never shown again
/// after it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationApp {
    /// WeCom's `agentid`: 1000001 and up.
    pub agent_id: u32,
    pub name: String,
    pub scopes: Vec<IntegrationScope>,
    /// Addresses and networks (`203.0.113.0/24`) calls may come from; empty: any.
    pub allowed_ips: Vec<String>,
    pub created_at: Millis,
    pub secret_rotated_at: Millis,
    pub last_used_at: Option<Millis>,
    /// A disabled app's secret and tokens no longer work.
    pub enabled: bool,
}

/// The workspace's integration apps and its corp id (WeCom's `corpid`, asked for by `gettoken`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationApps {
    pub corp_id: String,
    pub apps: Vec<IntegrationApp>,
}

/// `POST /api/v1/admin/integration-apps`, and `PUT …/{agent_id}` (with `enabled`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationAppSettings {
    pub name: String,
    pub scopes: Vec<IntegrationScope>,
    #[serde(default)]
    pub allowed_ips: Vec<String>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// A new app or a rotated secret: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationSecret {
    pub app: IntegrationApp,
    pub secret: String,
}

/// Longest app name, in characters.
pub const MAX_APP_NAME_CHARS: usize = 60;
/// How long a `gettoken` access token works, in seconds (WeCom's `expires_in`).
pub const ACCESS_TOKEN_SECONDS: u32 = 7200;
