//! Conversation rules: groups, the direct and approvals kinds, messages' mentions and recall
//! ([`rules`]).

pub mod rules;
