//! The admin console (`/admin`, for the workspace administrator and the delegated roles, each
//! seeing its own sections: `access`): its calls (`api`), plain data such as the
//! department tree (`model`), the state its pages share (`state`), the shared pieces
//! (`components`), the pages for people and structure (`pages`, with the console's frame in
//! `pages::layout`), approval templates (`templates`), and managed sessions (`sessions`: sessions, policies,
//! kiosk codes), integration apps (`integrations`), and the audit log (`audit`). All of it is loaded on first use.

pub mod access;
pub mod api;
pub mod archive;
pub mod audit;
pub mod components;
pub mod confidential;
pub mod integrations;
pub mod model;
pub mod pages;
pub mod policies;
pub mod sessions;
pub mod state;
pub mod templates;
