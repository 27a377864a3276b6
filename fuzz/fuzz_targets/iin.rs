#![no_main]
//! See `ashyq_fuzz::targets::iin` for what this target asserts.

libfuzzer_sys::fuzz_target!(|data: &[u8]| ashyq_fuzz::targets::iin(data));
