//! Weft's sync rules as plain types, with no browser or reactive dependency, so they build and
//! are tested natively: [`Outbox`] decides which queued write goes next and what a delivery's
//! outcome does to the queue; [`Engine`] decides what a change from the server's feed does to the
//! device copy and answers with [`Effects`] for the app to carry out (IndexedDB, signals, fetches).

pub mod engine;
pub mod entry;
pub mod outbox;

pub use engine::{Effect, Effects, Engine, forget_quotes, sort_conversations};
pub use entry::{OutboxAction, OutboxEntry, Outgoing, PendingFile};
pub use outbox::{Outbox, backoff_ms, next_deliverable};
