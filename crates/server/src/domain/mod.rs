//! The domain layer: Weft's rules as plain Rust over plain values, with no database, no async
//! runtime and no HTTP in it. Routes extract a request, the store loads the plain values a rule
//! needs, calls it here, and saves what it returns (a transition or a refusal) in one
//! transaction together with the change-feed row; a second storage backend only loads and saves.
//!
//! - [`admin_scope`]: how far an administrator reaches in the directory (a department
//!   administrator: one subtree).
//! - [`archive`]: what a compliance archive request must say, which conversations it holds, and
//!   its manifest.
//! - [`approvals`]: chain resolution at submit (`chain`) and the request workflow — who may read,
//!   decide, withdraw and comment, the step state machine and the cards it posts (`workflow`).
//! - [`conversations`]: group rules, the direct and approvals kinds, mentions and the recall
//!   window (`rules`).
//! - [`directory`]: what administrators may do to accounts (their own included) and what keeps
//!   the department tree whole.
//! - [`files`]: who may fetch an uploaded file.
//! - [`notifications`]: whether a new message pushes to a member, and what the push says.
//! - [`policies`]: the workspace's policies an administrator sets, and the limits they mean.
//! - [`sessions`]: whether a session still admits its member, and when to note it was seen.
//! - [`visibility`]: who may see whom in the directory.
//!
//! Refusals are the typed enums of `weft_protocol::refusal`, so the app translates them and the
//! HTTP layer maps them to status codes in one place (`crate::error`).

pub mod admin_scope;
pub mod approvals;
pub mod archive;
pub mod conversations;
pub mod directory;
pub mod files;
pub mod notifications;
pub mod policies;
pub mod sessions;
pub mod visibility;

use weft_protocol::MemberId;
use weft_protocol::auth::Role;

/// Who is acting: the signed-in member and their workspace role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: MemberId,
    pub role: Role,
}

impl Actor {
    pub fn new(id: MemberId, role: Role) -> Self {
        Self { id, role }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
