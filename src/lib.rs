//! Weft, the app: a Leptos single-page app compiled to WebAssembly. `main.rs` only mounts
//! [`app::App`]; everything lives here so browser tests can import it.

pub mod admin_api;
pub mod api;
pub mod app;
pub mod approval_drafts;
pub mod approval_form;
pub mod approvals_api;
pub mod components;
pub mod directory;
pub mod i18n;
pub mod lazy_screen;
pub mod live;
pub mod platform;
pub mod pwa;
pub mod routes;
pub mod session;
pub mod state;
pub mod store;
pub mod sync;
pub mod template_draft;
