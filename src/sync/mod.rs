//! The sync engine's I/O: the outbox of writes (`outbox`), the change feed applied to the device
//! copy (`engine`) and the live socket that carries it (`live`).

pub mod engine;
pub mod live;
pub mod outbox;
