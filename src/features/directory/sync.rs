//! Keeping the device's directory current: loaded from the device at start, downloaded whole on
//! first use (and when the server asks for a reset), then kept up to date by the change feed's
//! member and department changes — so the copy never holds someone this member may not see.

use crate::features::directory::model::Directory;
use crate::state::AppState;
use crate::store::Store;
use crate::sync::Connection;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::sync::Change;

impl AppState {
    /// Reads the device's copy (offline too) beside the rest of start-up, not in front of it: at
    /// 20,000 people decrypting it takes most of a second. Then fetches it if there is none.
    pub(crate) fn load_directory_from_device(self) {
        spawn_local(async move {
            if let Some(store) = self.sync.local()
                && let Ok((departments, members)) = store.directory().await
                && !members.is_empty()
            {
                self.directory.copy.set(Directory::new(departments, members));
            }
            self.directory.read.set_value(true);
            if self.sync.connection.get_untracked() == Connection::Online {
                self.ensure_directory().await;
            }
        });
    }

    /// Downloads the whole visible directory when the device has none yet (once the device's
    /// copy has been read, so a copy that is there is never fetched again).
    pub(crate) async fn ensure_directory(self) {
        if self.directory.read.get_value() && self.directory.copy.with_untracked(Directory::is_empty) {
            self.download_directory().await;
        }
    }

    /// Replaces the device's copy with the server's snapshot. Changes the feed delivers after
    /// the snapshot's position replay harmlessly over it (they carry current cards).
    pub(crate) async fn download_directory(self) {
        if self.directory.downloading.get_value() {
            return;
        }
        let Some(api) = self.sync.api() else { return };
        self.directory.downloading.set_value(true);
        match api.directory().await {
            Ok(snapshot) => {
                if let Some(store) = self.sync.local() {
                    self.sync.check_write(
                        "directory",
                        store.replace_directory(&snapshot.departments, &snapshot.members).await,
                    );
                }
                self.directory.copy.set(Directory::new(snapshot.departments, snapshot.members));
            }
            Err(error) => self.on_error(&error),
        }
        self.directory.downloading.set_value(false);
    }

    /// Applies one directory change from the feed (other changes are left to the engine).
    pub(crate) async fn apply_directory_change(self, change: Change) {
        let store = self.sync.local();
        match change {
            Change::Member { member } => {
                if let Some(store) = &store {
                    self.sync.check_write("directory member", store.put_directory_member(&member).await);
                }
                self.directory.copy.update(|d| d.put_member(member));
            }
            Change::MemberRemoved { member_id } => {
                if let Some(store) = &store {
                    self.sync.check_write("directory member", store.delete_directory_member(member_id).await);
                }
                self.directory.copy.update(|d| d.remove_member(member_id));
            }
            Change::Department { department } => {
                if let Some(store) = &store {
                    self.sync.check_write("department", store.put_department(&department).await);
                }
                self.directory.copy.update(|d| d.put_department(department));
            }
            Change::DepartmentRemoved { department_id } => {
                if let Some(store) = &store {
                    self.sync.check_write("department", store.delete_department(&department_id).await);
                }
                self.directory.copy.update(|d| d.remove_department(&department_id));
            }
            Change::DirectoryReset => self.download_directory().await,
            _ => {}
        }
    }
}
