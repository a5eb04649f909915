//! Integration apps in the admin console (`/admin/integrations`): the workspace's corp id, each
//! app's agent id, scopes, allowed addresses, last use and state; making an app (its secret shown
//! once), changing it, disabling it and giving it a new secret (`page`); and outgoing webhooks
//! with their deliveries (`webhooks`). Calls in `api`. Everything here needs the server.

pub mod api;
pub mod page;
pub mod webhooks;
