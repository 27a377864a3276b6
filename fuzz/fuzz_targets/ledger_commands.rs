#![no_main]
//! See `ashyq_fuzz::targets::ledger_commands` for what this target asserts.

use ashyq_fuzz::targets::Session;

libfuzzer_sys::fuzz_target!(|session: Session| {
    ashyq_fuzz::targets::ledger_commands(&session);
});
