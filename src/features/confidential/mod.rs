//! Confidential chats on the app side (issue #13): the watermark's drawing (`watermark`) and its
//! guarded overlay (`guard`), the listeners for copying, screenshots, printing and leaving the
//! front (`deterrents`), the view that puts them over a conversation (`view`), the lock badge
//! and the switch that marks a conversation (`controls`), message expiry (`expiry`), the
//! server calls (`api`), and deterrent reports kept while offline (`reports`). These
//! protections deter and trace; they cannot prevent a photo.

pub mod api;
pub mod controls;
pub mod deterrents;
pub mod expiry;
pub mod guard;
pub mod reports;
pub mod view;
pub mod viewer;
pub mod watermark;
