//! Logs exported before every domain moved onto one journal (written by commit 9e2c4b8, see
//! `tests/data/compat-v1/README.md`) still verify, and the entries they hold serialize to the
//! very bytes they were read from: the format did not change.

use ashyq_core::consult::Consultation;
use ashyq_core::journal::{Domain, parse_lines, replay};
use ashyq_core::{Event, Ledger};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn check<D: Domain>(text: &str) -> D
where
    D::Event: Serialize + DeserializeOwned,
{
    let entries = parse_lines::<D::Event>(text).unwrap();
    assert!(!entries.is_empty());
    for (line, entry) in text.lines().zip(&entries) {
        assert_eq!(
            entry.to_json_line(),
            line,
            "entry {} re-serializes differently",
            entry.seq
        );
    }
    let state: D = replay(&entries).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(state.head(), Some((last.seq, &last.hash)));
    state
}

#[test]
fn the_referendum_log_of_the_previous_format_verifies() {
    let text = include_str!("data/compat-v1/referendum-log.jsonl");
    let ledger = check::<Ledger>(text);
    let r = ledger.resolve_referendum(None).unwrap();
    assert!(r.certification().is_some(), "the fixture ends certified");
    assert_eq!(ledger.keys().keys().count(), 3);
}

#[test]
fn the_election_log_of_the_previous_format_verifies() {
    let text = include_str!("data/compat-v1/election-log.jsonl");
    let ledger = check::<Ledger>(text);
    let e = ledger.resolve_election(None).unwrap();
    assert!(e.deputies().count() > 0);
}

#[test]
fn the_consultation_log_of_the_previous_format_verifies() {
    let text = include_str!("data/compat-v1/consult-log.jsonl");
    let c = check::<Consultation>(text);
    assert!(!c.proposals.is_empty());
}

#[test]
fn an_altered_old_entry_is_still_caught() {
    let text = include_str!("data/compat-v1/referendum-log.jsonl");
    let altered = text.replacen("\"yes\":", "\"yes\":1", 1);
    let entries = parse_lines::<Event>(&altered).unwrap();
    let err = replay::<Ledger>(&entries).unwrap_err();
    assert!(err.to_string().contains("altered"), "{err}");
}
