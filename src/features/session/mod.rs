//! The member's side of managed sessions: the dialog shown before unsent writes would be wiped,
//! the idle lock and its screen, and Settings → Devices (the member's sessions and password).

pub mod api;
pub mod idle;
pub mod lock_screen;
pub mod pages;
pub mod unsent_dialog;
