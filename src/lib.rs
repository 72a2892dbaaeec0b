//! Natural selection against mini-batch SGD: an interactive explainer.
//!
//! - [`sim`]: the science, pure Rust (no web crates).
//! - [`url_state`]: the page's state in the URL, pure Rust.
//! - `charts` and `app` (wasm32 only): drawing and the Leptos page.

pub mod figures;
pub mod settings;
pub mod sim;
pub mod url_state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod charts;
