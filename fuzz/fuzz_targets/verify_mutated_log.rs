#![no_main]
//! See `ashyq_fuzz::targets::verify_mutated_log` for what this target asserts.

use ashyq_fuzz::targets::MutatedLog;

libfuzzer_sys::fuzz_target!(|input: MutatedLog| ashyq_fuzz::targets::verify_mutated_log(&input));
