//! The sync engine: the outbox of writes and the change feed applied to the device copy.

pub mod approvals;
pub mod directory;
pub mod engine;
pub mod outbox;
