//! Signing in: the only screen shown without a session (there is no sign-up), with the device
//! mode choice and kiosk enrolment.

pub mod kiosk;
pub mod page;
