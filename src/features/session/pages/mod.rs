//! Settings → Devices: the member's sessions and their password.

pub mod devices;
pub mod password;
