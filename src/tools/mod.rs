//! The development tools behind `cargo run --features tools --bin train|evaluate`:
//! readers for `../shared/data`, the trainer, and the metrics.

pub mod datasets;
pub mod metrics;
pub mod train;
