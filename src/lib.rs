//! reviewloop: the review-recovery engine's core.
//!
//! Plain Rust with no JavaScript in it, so `cargo test` exercises it natively;
//! `wasm` is the one layer that carries `#[wasm_bindgen]`.
//!
//! - [`classify`]: sentiment, root causes, risk flags, priority, evidence.
//! - [`feedback`]: post-delivery answers, the unhappy decision, the support ticket, the review invitation.
//! - [`reply`]: public replies drafted and linted against the compliance rules.
//! - [`taxonomy`]: the ids every surface speaks.
//! - [`text`]: words, clauses, languages and UTF-16 offsets.
//! - [`patterns`]: recurring complaints, spikes and what to fix first, over a stream of reviews.
//! - [`recovery`]: recovery cases and their timings.
//! - [`dates`]: the date formats exports use.

pub mod classify;
pub mod dates;
pub mod error;
pub mod feedback;
pub mod fast_hash;
pub mod patterns;
pub mod recovery;
pub mod reply;
pub mod review;
pub mod taxonomy;
pub mod text;

/// Dataset readers, training and metrics for the `train` and `evaluate` commands.
#[cfg(feature = "tools")]
pub mod tools;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The feedback widget's DOM (web-sys), mounted through `wasm`; public for
/// the browser tests (`tests/widget_dom.rs`).
#[cfg(all(target_arch = "wasm32", feature = "widget"))]
pub mod widget;

pub use classify::{classify, Classification};
pub use error::Error;
pub use review::Review;
