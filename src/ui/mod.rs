//! Presentational pieces shared by several features: they read state through context or props,
//! never storage or network.

pub mod attachment;
pub mod connection_badge;
pub mod edge_swipe;
pub mod failure;
pub mod store_health_banner;
pub mod text_field;
pub mod toggle_button;
