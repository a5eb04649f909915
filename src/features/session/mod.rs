//! The member's side of managed sessions: the dialog shown before unsent writes would be wiped,
//! and the calls Settings → Devices makes.

pub mod api;
pub mod unsent_dialog;
