//! The directory's page: the department tree, search over the device's copy, and a person's card.

pub mod directory;
