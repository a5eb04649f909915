//! Conversation rules: groups, the direct and approvals kinds, messages' mentions and recall
//! ([`rules`]); confidential conversations, message lifetimes and forwarding ([`confidential`]).

pub mod confidential;
pub mod rules;
