//! The store's trait for the workspace's policies (the console's Policies page), kept as JSON in
//! `workspace_settings`.

use super::StoreResult;
use weft_protocol::Millis;
use weft_protocol::policy::WorkspacePolicies;

pub trait PolicyStore {
    /// The policies an administrator saved, or None while the start-up limits apply.
    fn workspace_policies(&self) -> StoreResult<Option<WorkspacePolicies>>;
    /// Saves new (already checked) policies.
    fn set_workspace_policies(&self, policies: &WorkspacePolicies, now: Millis) -> StoreResult<()>;
}
