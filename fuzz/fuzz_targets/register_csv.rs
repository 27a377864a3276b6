#![no_main]
//! See `ashyq_fuzz::targets::register_csv` for what this target asserts.

libfuzzer_sys::fuzz_target!(|data: &[u8]| ashyq_fuzz::targets::register_csv(data));
