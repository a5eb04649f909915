//! Weft, the app: a Leptos single-page app compiled to WebAssembly. `main.rs` only mounts
//! [`app::App`]; everything lives here so browser tests can import it.
//!
//! The tree is by feature (`features/{chat, directory, approvals, admin, sign_in}`), on shared
//! layers underneath that import no feature: `api` (HTTP), `store` (the device store), `sync`
//! (outbox, change feed, live socket), `i18n`, `platform` (browser APIs, the service worker),
//! `session` (the session, its wipe and its tabs) and `ui` (shared presentational pieces);
//! `sign_out` is how a session ends on the device.

pub mod api;
pub mod app;
pub mod features;
pub mod i18n;
pub mod lazy_screen;
pub mod platform;
pub mod session;
pub mod sign_out;
pub mod state;
pub mod store;
pub mod sync;
pub mod ui;
