//! The pieces chat screens are built from: the composer, the conversation list, one message, and
//! the arithmetic of the timeline window.

pub mod bot_message;
pub mod composer;
pub mod conversation_list;
pub mod forward;
pub mod message_item;
pub mod share_out;
pub mod timeline_window;
