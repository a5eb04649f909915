//! The chat screens: the signed-in shell with the conversation list, a conversation, a new chat,
//! a group's settings (and its robots) and message search.

pub mod conversation;
pub mod group_robots;
pub mod group_settings;
pub mod new_chat;
pub mod search;
pub mod shell;
