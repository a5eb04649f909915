//! Share into Weft (Web Share Target): a photo, file, text or link shared from another app waits
//! on the device (`inbox`) until the member picks a conversation on the Share screen (`page`),
//! which sends it through the outbox, network or not.

pub mod inbox;
pub mod page;
