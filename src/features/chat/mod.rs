//! Chat: the conversation list, a conversation with its timeline and composer, starting chats,
//! group settings and message search. `state` holds what the pages read; the screens are in
//! `pages`, the pieces they are built from in `components`.

pub mod components;
pub mod outbox;
pub mod pages;
pub mod state;
pub mod sync;
