//! The demo approval templates (`templates`). The rules are in `crate::domain::approvals`
//! (`chain` is re-exported here for the paths older code uses); storage is
//! `store::ApprovalStore`; routes are `routes/approvals.rs`.

pub use crate::domain::approvals::chain;
pub mod templates;
