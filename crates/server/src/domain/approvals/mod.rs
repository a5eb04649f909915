//! Approval rules: resolving a template's chain for an applicant at submit ([`chain`]) and the
//! life of a request afterwards ([`workflow`]).

pub mod chain;
pub mod workflow;
