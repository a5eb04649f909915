//! Chat: the conversation list, a conversation with its timeline and composer, starting chats,
//! group settings and message search. `api` has chat's own calls, `state` what the pages read,
//! `sync` the loading of conversations and history, `outbox` the writes (send, file, recall,
//! read, pin/mute); the screens are in `pages`, the pieces they are built from in `components`.

pub mod api;
pub mod components;
pub mod outbox;
pub mod pages;
pub mod state;
pub mod sync;
