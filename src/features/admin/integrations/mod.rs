//! Integration apps in the admin console (`/admin/integrations`): the workspace's corp id, each
//! app's agent id, scopes, allowed addresses, last use and state; making an app (its secret shown
//! once), changing it, disabling it and giving it a new secret. Calls in `api`, the page in `page`.
//! Everything here needs the server.

pub mod api;
pub mod page;
