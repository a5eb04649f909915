//! Signing in: the only screen shown without a session (there is no sign-up), with the device
//! mode choice, kiosk enrolment and a shared device's recent names (Switch person).

pub mod kiosk;
pub mod page;
pub mod recent;
