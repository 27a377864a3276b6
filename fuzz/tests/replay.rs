//! Replays the seeds and the saved regressions through the targets without libFuzzer (stable
//! compiler, `cargo test` in this folder), and checks the tampering harness itself.

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use ashyq_fuzz::mutate::{Mutation, Mutations};
use ashyq_fuzz::{fixture, targets};

fn run(target: &str, data: &[u8]) {
    match target {
        "protocol_json" => targets::protocol_json(data),
        "protocol_csv" => targets::protocol_csv(data),
        "territory_csv" => targets::territory_csv(data),
        "verify_log" => targets::verify_log(data),
        // Typed inputs are decoded as libfuzzer-sys decodes them.
        "verify_mutated_log" => {
            if let Ok(input) = targets::MutatedLog::arbitrary_take_rest(Unstructured::new(data)) {
                targets::verify_mutated_log(&input)
            }
        }
        "ledger_commands" => {
            if let Ok(input) = targets::Session::arbitrary_take_rest(Unstructured::new(data)) {
                targets::ledger_commands(&input)
            }
        }
        other => panic!("unknown target {other}"),
    }
}

fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut n = 0;
    let Ok(targets) = std::fs::read_dir(&root) else { return 0 };
    for t in targets {
        let t = t.unwrap();
        let name = t.file_name().into_string().unwrap();
        for f in std::fs::read_dir(t.path()).unwrap() {
            let path = f.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            eprintln!("{}", path.display());
            run(&name, &data);
            n += 1;
        }
    }
    n
}

#[test]
fn seeds_pass() {
    assert!(replay("seeds") > 0);
}

/// Each file under regressions/ is a minimized input that once failed; this test fails until
/// the finding is fixed in ashyq-core (see docs/fuzzing.md). Run with `--ignored`.
#[test]
#[ignore = "fails while a saved finding is open; see docs/fuzzing.md"]
fn regressions_pass() {
    replay("regressions");
}

/// Writes the fixture's export as the seed of `verify_log`:
/// `cargo test --test replay -- --ignored write_verify_log_seed`.
#[test]
#[ignore = "writes seeds/verify_log/fixture.jsonl"]
fn write_verify_log_seed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/verify_log/fixture.jsonl");
    std::fs::write(path, &fixture::get().text).unwrap();
}

fn mutated(ms: Vec<Mutation>) -> targets::MutatedLog {
    targets::MutatedLog { mutations: Mutations(ms) }
}

#[test]
fn the_fixture_verifies_and_has_every_kind_of_event() {
    let f = fixture::get();
    let r = ashyq_core::verify::verify_log(&f.text).unwrap();
    assert_eq!(r.entries, f.entries.len() as u64);
    let mut kinds: Vec<&str> = f.entries.iter().map(|e| e.event.kind()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    targets::verify_log(f.text.as_bytes());
}

#[test]
fn neutral_edits_still_verify_and_real_edits_are_caught() {
    // Each of these runs the target's assertions; none may panic.
    for ms in [
        vec![],
        vec![Mutation::ReencodeLine { line: 0 }],
        vec![Mutation::ReencodeLine { line: 9 }],
        vec![Mutation::EscapeChar { pos: 20 }],
        vec![Mutation::InsertWhitespace { pos: 1, which: 0 }],
        vec![Mutation::InsertWhitespace { pos: 1, which: 3 }],
        vec![Mutation::InsertWhitespace { pos: 0, which: 4 }],
        vec![Mutation::SetDigit { nth: 100, digit: 7 }],
        vec![Mutation::SetByte { pos: 300, byte: b'x' }],
        vec![Mutation::DeleteLine { line: 4 }],
        vec![Mutation::DeleteLine { line: 10 }],
        vec![Mutation::SwapLines { a: 3, b: 4 }],
        vec![Mutation::DuplicateLine { line: 2 }],
        vec![Mutation::MoveLine { from: 9, to: 0 }],
    ] {
        targets::verify_mutated_log(&mutated(ms));
    }
}

#[test]
#[cfg_attr(not(feature = "strict-truncation"), ignore = "needs feature strict-truncation")]
#[should_panic(expected = "the log cut after entry 9 of 10 verifies")]
fn dropping_the_last_entry_is_reported_in_strict_mode() {
    targets::verify_mutated_log(&mutated(vec![Mutation::DeleteLine { line: 9 }]));
}
