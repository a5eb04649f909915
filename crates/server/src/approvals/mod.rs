//! Approvals on the server: the pure chain resolution over directory data (`chain`) and the
//! demo templates (`templates`). Storage is `store::ApprovalStore`; routes are `routes/approvals.rs`.

pub mod chain;
pub mod templates;
