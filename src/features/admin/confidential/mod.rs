//! Confidential chats in the admin console: the workspace policy (`policy`: departments whose
//! direct chats are confidential, whether devices may keep an offline copy, the default
//! lifetime) and the watermark trace (`trace`: upload a leaked picture, see whose mark it
//! carries). Both need the server.

pub mod policy;
pub mod trace;
