//! Presentational pieces: they read state through context or props, never storage or network.

pub mod approval_card;
pub mod attachment;
pub mod composer;
pub mod connection_badge;
pub mod conversation_list;
pub mod member_picker;
pub mod message_item;
pub mod profile_card;
pub mod store_health_banner;
pub mod text_field;
pub mod timeline_window;
pub mod toggle_button;
