//! Managed sessions in the admin console: every member's sessions with remote sign-out and wipe
//! (`list`), session policies per department (`policies`), and kiosk enrolment codes
//! (`kiosk_codes`); their calls in `api`. Everything here needs the server.

pub mod api;
pub mod kiosk_codes;
pub mod list;
pub mod policies;
