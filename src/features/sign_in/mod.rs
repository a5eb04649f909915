//! Signing in: the only screen shown without a session (there is no sign-up).

pub mod page;
