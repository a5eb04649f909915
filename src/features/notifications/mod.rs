//! Notifications (issue #16): the member's Web Push calls (`api`), the settings section
//! (`settings::NotificationSettings`, a section of the Me page) and
//! the in-app banner the service worker's messages drive (`in_app`) and the app icon's unread
//! badge (`badge`).

pub mod api;
pub mod badge;
pub mod in_app;
pub mod settings;
