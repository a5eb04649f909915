//! Versioned schema of the offline database. Each version is a module naming the object stores
//! and indexes it creates; `upgrade` runs every step between the stored and the current version.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

/// Schema versions, in order. Never edit a shipped version: add the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Version {
    /// Conversations and messages.
    V1 = 1,
    /// The outbox and the feed cursor.
    V2 = 2,
    /// Files waiting to be uploaded.
    V3 = 3,
    /// The device key for values encrypted at rest.
    V4 = 4,
    /// The organisation directory.
    V5 = 5,
    /// Approvals: templates, drafts and requests.
    V6 = 6,
}

impl Version {
    pub const CURRENT: Version = Version::V6;

    fn from_number(number: u32) -> Option<Self> {
        match number {
            1 => Some(Version::V1),
            2 => Some(Version::V2),
            3 => Some(Version::V3),
            4 => Some(Version::V4),
            5 => Some(Version::V5),
            6 => Some(Version::V6),
            _ => None,
        }
    }
}

/// Version 1: conversations keyed by id; messages keyed by `"<conversation>:<seq, zero-padded>"`
/// so a key range walks one conversation in sequence order.
pub mod v1 {
    use super::*;

    pub const CONVERSATIONS: &str = "conversations";
    pub const CONVERSATIONS_KEY: &str = "id";
    pub const MESSAGES: &str = "messages";
    pub const MESSAGES_KEY: &str = "key";

    pub fn create_object_stores(db: &Database) -> indexed_db_futures::Result<()> {
        db.create_object_store(CONVERSATIONS).with_key_path(CONVERSATIONS_KEY.into()).build()?;
        db.create_object_store(MESSAGES).with_key_path(MESSAGES_KEY.into()).build()?;
        Ok(())
    }
}

/// Version 2: the outbox keyed by client id, and `meta` rows (`{name, value}`) for the cursor.
pub mod v2 {
    use super::*;

    pub const OUTBOX: &str = "outbox";
    pub const OUTBOX_KEY: &str = "client_id";
    pub const META: &str = "meta";
    pub const META_KEY: &str = "name";
    /// The `meta` row holding the feed cursor.
    pub const CURSOR: &str = "cursor";

    pub fn create_object_stores(db: &Database) -> indexed_db_futures::Result<()> {
        db.create_object_store(OUTBOX).with_key_path(OUTBOX_KEY.into()).build()?;
        db.create_object_store(META).with_key_path(META_KEY.into()).build()?;
        Ok(())
    }
}

/// Version 3: `uploads`, the bytes of files queued in the outbox (Blobs, keyed by the entry's
/// client id, out of line).
pub mod v3 {
    use super::*;

    pub const UPLOADS: &str = "uploads";

    pub fn create_object_stores(db: &Database) -> indexed_db_futures::Result<()> {
        db.create_object_store(UPLOADS).build()?;
        Ok(())
    }
}

/// Version 4: `keys`, holding the database's AES-GCM key as a non-extractable `CryptoKey`
/// (out-of-line key `"device"`), and the `meta` row marking that every older plain row has been
/// sealed.
pub mod v4 {
    use super::*;

    pub const KEYS: &str = "keys";
    pub const DEVICE_KEY: &str = "device";
    /// The `meta` row written once rows from before encryption have been sealed.
    pub const SEALED_ALL: &str = "sealed_all";

    pub fn create_object_stores(db: &Database) -> indexed_db_futures::Result<()> {
        db.create_object_store(KEYS).build()?;
        Ok(())
    }
}

/// Version 5: the directory this member may see: `departments` and `directory_members`, both
/// keyed by id (values sealed like every other row).
pub mod v5 {
    use super::*;

    pub const DEPARTMENTS: &str = "departments";
    pub const DIRECTORY_MEMBERS: &str = "directory_members";
    pub const KEY: &str = "id";

    pub fn create_object_stores(db: &Database) -> indexed_db_futures::Result<()> {
        db.create_object_store(DEPARTMENTS).with_key_path(KEY.into()).build()?;
        db.create_object_store(DIRECTORY_MEMBERS).with_key_path(KEY.into()).build()?;
        Ok(())
    }
}

/// Version 6: `approvals`, one store for everything approvals keep on the device, keyed by
/// `"<kind>:<id>"` so a key range reads one kind: templates (`template:<template id>`), drafts
/// (`draft:<template id>`) and requests (`request:<approval id>`). Values sealed like every row.
pub mod v6 {
    use super::*;

    pub const APPROVALS: &str = "approvals";
    pub const KEY: &str = "key";
    pub const TEMPLATE_PREFIX: &str = "template:";
    pub const DRAFT_PREFIX: &str = "draft:";
    pub const REQUEST_PREFIX: &str = "request:";

    pub fn create_object_stores(db: &Database) -> indexed_db_futures::Result<()> {
        db.create_object_store(APPROVALS).with_key_path(KEY.into()).build()?;
        Ok(())
    }
}

/// Applies every schema step after `old` up to [`Version::CURRENT`].
pub fn upgrade(db: &Database, old: u32) -> indexed_db_futures::Result<()> {
    for number in (old + 1)..=(Version::CURRENT as u32) {
        match Version::from_number(number) {
            Some(Version::V1) => v1::create_object_stores(db)?,
            Some(Version::V2) => v2::create_object_stores(db)?,
            Some(Version::V3) => v3::create_object_stores(db)?,
            Some(Version::V4) => v4::create_object_stores(db)?,
            Some(Version::V5) => v5::create_object_stores(db)?,
            Some(Version::V6) => v6::create_object_stores(db)?,
            None => {}
        }
    }
    Ok(())
}
