//! The approval screens: the four lists, a new request's form, and a request's detail. They
//! read from the server and refresh when the feed says a request changed
//! ([`ApprovalsState`](crate::features::approvals::state::ApprovalsState)).

pub mod detail;
pub mod fields;
mod file_field;
pub mod list;
pub mod new_request;
