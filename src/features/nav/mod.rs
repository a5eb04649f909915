//! The app's main navigation, as members know it from WeCom and Feishu: on desks an icon rail
//! beside the chat list, on phones a tab bar at the bottom (`main_nav.rs`, one element styled
//! for both), with the Messages, Directory, Workbench and Me destinations; the Workbench page
//! (`workbench.rs`) and the Me page (`me.rs`), both loaded on first use.

pub mod main_nav;
pub mod me;
pub mod workbench;
