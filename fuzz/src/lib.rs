//! The fuzz targets of ashyq-core, as plain functions.
//!
//! Each file in `fuzz_targets/` is a one-line libFuzzer wrapper around a function of
//! [`targets`], so the same checks also run without libFuzzer: `cargo test` in this folder
//! replays the seeds and the saved regressions through them on the stable compiler.
//!
//! - [`oracle`] restates the control ratios and the counting rules independently of
//!   ashyq-core (wide `u128` arithmetic, no shared code) and checks ashyq-core against them.
//! - [`fixture`] builds the small valid log that `verify_mutated_log` tampers with.
//! - [`mutate`] is that tampering.

pub mod fixture;
pub mod mutate;
pub mod oracle;
pub mod targets;
