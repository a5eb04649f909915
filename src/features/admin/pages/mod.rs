//! The console's frame (`layout`) and its pages for people and structure: members (with the member form), departments,
//! the CSV import and visibility rules.

pub mod departments;
pub mod import;
pub mod layout;
pub mod member_form;
pub mod members;
pub mod visibility;
