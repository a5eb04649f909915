//! The directory feature's reactive state: the device's copy of the directory as the pages and
//! pickers read it, and whether it has been read from the device or is being downloaded. Kept
//! current by `features::directory::sync` (the device, the server's snapshot, the feed).

use super::model::Directory;
use leptos::prelude::*;

/// Shared through context; all fields are cheap handles.
#[derive(Clone, Copy)]
pub struct DirectoryState {
    /// The organisation directory as this member may see it (device copy, kept current by the feed).
    pub copy: RwSignal<Directory>,
    pub(crate) downloading: StoredValue<bool>,
    /// Set once the device's copy of the directory has been read (it may be empty).
    pub(crate) read: StoredValue<bool>,
}

pub fn use_directory() -> DirectoryState {
    use_context::<DirectoryState>().expect("DirectoryState is provided by App; a component was mounted outside it")
}

impl DirectoryState {
    pub fn provide() -> Self {
        let state = Self {
            copy: RwSignal::new(Directory::default()),
            downloading: StoredValue::new(false),
            read: StoredValue::new(false),
        };
        provide_context(state);
        state
    }

    /// Signed out: the copy is gone (and read again at the next start).
    pub(crate) fn reset(self) {
        self.copy.set(Directory::default());
        self.read.set_value(false);
    }
}
