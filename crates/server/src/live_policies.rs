//! The workspace's policies as the running server applies them: the start-up limits (flags, or
//! their defaults) until an administrator saves policies (`PolicyStore`), then those. A save
//! replaces them at once, so every request after it follows the new ones; no restart.

use crate::domain::policies;
use crate::store::Limits;
use std::sync::RwLock;
use weft_protocol::policy::WorkspacePolicies;

pub struct LivePolicies(RwLock<WorkspacePolicies>);

impl LivePolicies {
    pub fn new(current: WorkspacePolicies) -> Self {
        Self(RwLock::new(current))
    }

    /// The policies in force now.
    pub fn current(&self) -> WorkspacePolicies {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The store limits of the policies in force now.
    pub fn limits(&self) -> Limits {
        policies::limits(&self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Puts new policies in force.
    pub fn replace(&self, new: WorkspacePolicies) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = new;
    }
}

impl Default for LivePolicies {
    fn default() -> Self {
        Self::new(policies::defaults(Limits::default()))
    }
}
