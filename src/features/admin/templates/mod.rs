//! Approval templates, the administrators' part of approvals: the list (`list`), the editor
//! (`editor`, with its fields in `controls` and its approval chain in `chain`), and the plain
//! draft the editor works on (`draft`, pure and browser-tested).

pub mod chain;
pub mod controls;
pub mod draft;
pub mod editor;
pub mod list;
