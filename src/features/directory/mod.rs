//! The directory (通讯录): its call (`api`), the device's copy and its search (`model`), the
//! reactive copy the pages read (`state`), keeping it current from the device, the server's
//! snapshot and the feed (`sync`), its page (`pages`), and the pieces other features use to show
//! and pick people (`components`: the profile card, the member picker).

pub mod api;
pub mod components;
pub mod model;
pub mod pages;
pub mod state;
pub mod sync;
