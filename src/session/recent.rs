//! The "recent people" of a shared device, for its Switch person screen: the display names and
//! accounts of the last [`MAX_RECENT`] people who signed in here in shared mode, newest first.
//! Nothing else of theirs is kept. The list is kept in local storage under [`RECENT_KEY`] and
//! deliberately survives sign-outs and wipes (it names who may use the terminal, like a
//! workstation's list of recent users); each name can be removed with its × button.
//! Sign-ins on "my device" never add to it.

use serde::{Deserialize, Serialize};
use weft_protocol::auth::DeviceMode;

/// Outside the `weft.` prefix the wipe clears (see `wipe::key_survives_wipe`).
pub const RECENT_KEY: &str = "weft-recent-people";
pub const MAX_RECENT: usize = 5;

/// One person who signed in on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentPerson {
    /// The display name shown in the list.
    pub name: String,
    /// The account name the sign-in form is filled with.
    pub account: String,
}

/// The list, newest first.
pub fn recent_people() -> Vec<RecentPerson> {
    crate::platform::local_get(RECENT_KEY).and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

fn keep(people: &[RecentPerson]) {
    if people.is_empty() {
        crate::platform::local_remove(RECENT_KEY);
    } else if let Ok(text) = serde_json::to_string(people) {
        crate::platform::local_set(RECENT_KEY, &text);
    }
}

/// `person` first in `people` (an earlier entry of the same account removed), at most
/// [`MAX_RECENT`] kept.
pub fn with_newest(mut people: Vec<RecentPerson>, person: RecentPerson) -> Vec<RecentPerson> {
    people.retain(|p| p.account != person.account);
    people.insert(0, person);
    people.truncate(MAX_RECENT);
    people
}

/// Notes a sign-in: shared sign-ins go to the top of the list; personal ones are not noted.
pub fn note_sign_in(mode: DeviceMode, name: &str, account: &str) {
    if mode != DeviceMode::Shared {
        return;
    }
    let person = RecentPerson { name: name.to_owned(), account: account.to_owned() };
    keep(&with_newest(recent_people(), person));
}

/// Removes one account from the list.
pub fn remove(account: &str) {
    let mut people = recent_people();
    people.retain(|p| p.account != account);
    keep(&people);
}
