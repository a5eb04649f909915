//! The member's side of managed sessions: the dialog shown before unsent writes would be wiped,
//! the idle lock and its screen, the quick-unlock PIN of shared devices, and Settings → Devices
//! (the member's sessions and password).

pub mod api;
pub mod idle;
pub mod lock_screen;
pub mod pages;
pub mod pin_form;
pub mod unsent_dialog;
