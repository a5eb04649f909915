//! An empty binary: cargo-leptos refuses a package without one. The app starts from
//! `weft::app::start` (the wasm module's start function in the `split` build).

fn main() {}
