//! Showing and picking colleagues from the device's directory; used by chat and approvals too.

pub mod member_picker;
pub mod profile_card;
