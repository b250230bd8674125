//! reviewloop: the review-recovery engine's core.
//!
//! Plain Rust with no JavaScript in it, so `cargo test` exercises it natively;
//! `wasm` is the one layer that carries `#[wasm_bindgen]`.
//!
//! - [`classify`]: sentiment, root causes, risk flags, priority, evidence.
//! - [`reply`]: public replies drafted and linted against the compliance rules.
//! - [`taxonomy`]: the ids every surface speaks.
//! - [`text`]: words, clauses, languages and UTF-16 offsets.

pub mod classify;
pub mod error;
pub mod fast_hash;
pub mod reply;
pub mod review;
pub mod taxonomy;
pub mod text;

/// Dataset readers, training and metrics for the `train` and `evaluate` commands.
#[cfg(feature = "tools")]
pub mod tools;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use classify::{classify, Classification};
pub use error::Error;
pub use review::Review;
