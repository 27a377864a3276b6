//! The ledger and the verifier, on a small hand-made territory: ingestion is idempotent,
//! conflicts are recorded and not applied, amendments keep the history, certification locks,
//! and any tampering with an exported log is caught.

mod common;

use common::{author, protocol, territory};

use ashyq_core::contest::ContestId;
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::referendum::presets;
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::PrecinctId;
use ashyq_core::verify::{self, VerifyError};
use proptest::prelude::*;

use common::T;

/// A ledger that records what it decides, as the registrar does.
struct Session {
    ledger: Ledger,
    log: Vec<LogEntry>,
}

impl Session {
    fn new() -> Self {
        let mut s = Session {
            ledger: Ledger::new(),
            log: vec![],
        };
        let ev = s.ledger.load_territory(territory()).unwrap();
        s.record(ev);
        let ev = s.ledger.create_referendum(presets::kz_2026()).unwrap();
        s.record(ev);
        s
    }

    fn record(&mut self, decided: Decided) -> LogEntry {
        let entry = self.ledger.record(decided, T.into()).unwrap();
        self.log.push(entry.clone());
        entry
    }

    fn submit(&mut self, p: PrecinctProtocol) -> Result<ashyq_core::receipt::Receipt, LedgerError> {
        match self.ledger.submit(p)? {
            Decision::Known(r) => Ok(r),
            Decision::Record(ev) => {
                self.record(ev);
                let id = ContestId("kz-2026".into());
                let e = self.log.last().unwrap();
                // The receipt of what was just recorded.
                let precinct = match &e.event {
                    Event::ProtocolAccepted { protocol, .. }
                    | Event::ProtocolConflict { protocol, .. } => protocol.precinct,
                    _ => unreachable!(),
                };
                let applied = self
                    .ledger
                    .applied(&id, precinct)
                    .unwrap()
                    .unwrap()
                    .receipt
                    .clone();
                if applied.seq == e.seq {
                    Ok(applied)
                } else {
                    Ok(self
                        .ledger
                        .open_conflicts(&id)
                        .unwrap()
                        .find(|c| c.receipt.seq == e.seq)
                        .unwrap()
                        .receipt
                        .clone())
                }
            }
        }
    }

    fn export(&self) -> String {
        self.log.iter().map(|e| e.to_json_line() + "\n").collect()
    }
}

fn kz2026() -> ContestId {
    ContestId("kz-2026".into())
}

fn all_reported() -> Session {
    let mut s = Session::new();
    for p in [
        protocol(1, 1000, 930, 860),
        protocol(2, 800, 700, 600),
        protocol(3, 1200, 1100, 1000),
        protocol(4, 2500, 900, 700),
        protocol(5, 300, 120, 100),
    ] {
        s.submit(p).unwrap();
    }
    s
}

#[test]
fn the_same_protocol_twice_changes_nothing_and_returns_the_same_receipt() {
    let mut s = Session::new();
    let first = s.submit(protocol(1, 1000, 930, 860)).unwrap();
    let entries = s.log.len();
    let again = s.submit(protocol(1, 1000, 930, 860)).unwrap();
    assert_eq!(first, again);
    assert_eq!(first.status, ReceiptStatus::Accepted);
    assert_eq!(s.log.len(), entries, "no new event");
}

#[test]
fn a_different_protocol_is_a_conflict_and_is_not_applied() {
    let mut s = Session::new();
    s.submit(protocol(1, 1000, 930, 860)).unwrap();
    let before = s.ledger.results(&kz2026()).unwrap();
    let receipt = s.submit(protocol(1, 1000, 930, 850)).unwrap();
    assert_eq!(receipt.status, ReceiptStatus::Conflict);
    let after = s.ledger.results(&kz2026()).unwrap();
    assert_eq!(
        before.national, after.national,
        "the conflict is not applied"
    );
    assert_eq!(after.open_conflicts, 1);
    // Submitting the conflicting document again records nothing more.
    let n = s.log.len();
    assert_eq!(s.submit(protocol(1, 1000, 930, 850)).unwrap(), receipt);
    assert_eq!(s.log.len(), n);
}

#[test]
fn an_amendment_replaces_the_numbers_and_keeps_the_history() {
    let mut s = Session::new();
    s.submit(protocol(1, 1000, 930, 860)).unwrap();
    s.submit(protocol(1, 1000, 930, 850)).unwrap();
    let err = s
        .ledger
        .amend(protocol(1, 1000, 930, 850), "  ", author())
        .unwrap_err();
    assert_eq!(err, LedgerError::Missing("the reason"));
    let ev = s
        .ledger
        .amend(
            protocol(1, 1000, 930, 850),
            "recount ordered by the TEC",
            author(),
        )
        .unwrap();
    s.record(ev);
    let r = s.ledger.results(&kz2026()).unwrap();
    assert_eq!(r.national.lines.yes, 850);
    assert_eq!(r.open_conflicts, 0, "the amendment settles the conflict");
    let kinds: Vec<&str> = s
        .ledger
        .history(&kz2026(), PrecinctId(1))
        .unwrap()
        .iter()
        .map(|h| h.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        ["protocol_accepted", "protocol_conflict", "protocol_amended"]
    );
    assert_eq!(
        s.ledger
            .amend(protocol(1, 1000, 930, 850), "again", author())
            .unwrap_err(),
        LedgerError::IdenticalAmendment(PrecinctId(1))
    );
    assert_eq!(
        s.ledger
            .amend(protocol(2, 800, 700, 600), "x", author())
            .unwrap_err(),
        LedgerError::NothingToAmend(PrecinctId(2))
    );
}

#[test]
fn bad_input_is_refused_with_the_reason_and_changes_nothing() {
    let mut s = Session::new();
    let n = s.log.len();
    let mut wrong = protocol(1, 1000, 930, 860);
    wrong.lines.ballots.ballots_received = 999;
    let err = s.submit(wrong).unwrap_err().to_string();
    assert!(
        err.contains(
            "KR-2 ballots_received = ballots_issued + ballots_cancelled: 999 ≠ 930 + 70 = 1000"
        ),
        "{err}"
    );
    assert_eq!(
        s.submit(protocol(99, 1000, 930, 860)).unwrap_err(),
        LedgerError::UnknownPrecinct(PrecinctId(99))
    );
    let mut other = protocol(1, 1000, 930, 860);
    other.referendum = ContestId("kz-2030".into());
    let err = s.submit(other).unwrap_err().to_string();
    assert_eq!(err, "there is no referendum kz-2030; known: kz-2026");
    assert_eq!(s.log.len(), n);
    assert_eq!(
        s.ledger
            .results(&kz2026())
            .unwrap()
            .national
            .precincts_reported,
        0
    );
}

#[test]
fn certification_needs_a_final_result_and_locks_it() {
    let mut s = Session::new();
    s.submit(protocol(1, 1000, 930, 860)).unwrap();
    let err = s.ledger.certify(&kz2026(), author()).unwrap_err();
    assert_eq!(
        err,
        LedgerError::NotFinal {
            referendum: kz2026(),
            missing: 4,
            conflicts: 0
        }
    );
    let mut s = all_reported();
    let r = s.ledger.results(&kz2026()).unwrap();
    assert_eq!(r.status, ResultStatus::Final);
    let ev = s.ledger.certify(&kz2026(), author()).unwrap();
    s.record(ev);
    assert_eq!(
        s.ledger.results(&kz2026()).unwrap().status,
        ResultStatus::Certified
    );
    assert_eq!(
        s.submit(protocol(1, 1000, 930, 800)).unwrap_err(),
        LedgerError::Certified(kz2026())
    );
    assert!(
        s.ledger
            .amend(protocol(1, 1000, 930, 800), "late", author())
            .is_err()
    );
}

#[test]
fn levels_add_up_and_the_outcome_states_its_reasons() {
    let s = all_reported();
    let r = s.ledger.results(&kz2026()).unwrap();
    // 930+700+1100+900+120 = 3750 of 1000+800+1200+2500+300 = 5800.
    assert_eq!(r.national.participated(), 3750);
    assert_eq!(r.national.eligible(), 5800);
    assert_eq!(r.outcome.validity_reason, "valid: turnout 64.66% > 50%");
    assert_eq!(
        r.outcome.adoption_reason,
        "adopted: 86.93% of participants voted yes (> 50%)"
    );
    let kyzylorda = &r.regions[0];
    assert_eq!(kyzylorda.districts.len(), 2);
    assert_eq!(kyzylorda.totals.lines.yes, 860 + 600 + 1000);
    assert_eq!(r.regions[2].code.0, "ABROAD");
    assert_eq!(r.regions[2].totals.lines.yes, 100);
}

#[test]
fn an_untouched_export_verifies_and_re_derives_the_result() {
    let mut s = all_reported();
    let ev = s.ledger.certify(&kz2026(), author()).unwrap();
    s.record(ev);
    let report = verify::verify_log(&s.export()).unwrap();
    assert_eq!(report.entries, s.log.len() as u64);
    assert_eq!(report.results[0], s.ledger.results(&kz2026()).unwrap());
    assert!(
        verify::compare_results(&report.results[0], &s.ledger.results(&kz2026()).unwrap())
            .is_empty()
    );
}

fn certified_export() -> (Session, Vec<String>) {
    let mut s = all_reported();
    let ev = s.ledger.certify(&kz2026(), author()).unwrap();
    s.record(ev);
    let lines = s.export().lines().map(str::to_owned).collect();
    (s, lines)
}

fn bad_entry(lines: &[String]) -> (u64, u64, String) {
    match verify::verify_log(&lines.join("\n")) {
        Err(VerifyError::BadEntry {
            line, seq, reason, ..
        }) => (line, seq, reason.to_string()),
        other => panic!("expected a bad entry, got {other:?}"),
    }
}

#[test]
fn changing_one_number_is_caught_at_that_entry() {
    let (_, mut lines) = certified_export();
    // Line 4 is precinct 2's protocol: 600 yes becomes 601.
    assert!(lines[3].contains("\"yes\":600"));
    lines[3] = lines[3].replace("\"yes\":600", "\"yes\":601");
    let (line, seq, reason) = bad_entry(&lines);
    assert_eq!((line, seq), (4, 4));
    assert!(reason.contains("the entry was altered"), "{reason}");
}

#[test]
fn deleting_one_line_is_caught_where_the_gap_is() {
    let (_, mut lines) = certified_export();
    lines.remove(4);
    let (line, seq, reason) = bad_entry(&lines);
    assert_eq!((line, seq), (5, 6));
    assert!(
        reason.contains("expected entry 5 but found entry 6"),
        "{reason}"
    );
}

#[test]
fn reordering_two_lines_is_caught() {
    let (_, mut lines) = certified_export();
    lines.swap(3, 4);
    let (line, seq, reason) = bad_entry(&lines);
    assert_eq!((line, seq), (4, 5));
    assert!(
        reason.contains("expected entry 4 but found entry 5"),
        "{reason}"
    );
}

#[test]
fn a_rewritten_chain_is_still_caught_by_re_deriving_the_certified_figures() {
    // An attacker changes a protocol and re-seals every later entry so that all hashes match.
    let (s, _) = certified_export();
    let mut entries = s.log.clone();
    if let Event::ProtocolAccepted {
        protocol,
        protocol_hash,
        ..
    } = &mut entries[3].event
    {
        protocol.lines.yes -= 50;
        protocol.lines.no += 50;
        *protocol_hash = protocol.content_hash();
    }
    let mut prev = entries[2].hash.clone();
    for e in entries.iter_mut().skip(3) {
        *e = LogEntry::seal(e.seq, prev.clone(), e.recorded_at.clone(), e.event.clone());
        prev = e.hash.clone();
    }
    let text: String = entries.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry {
            seq, kind, reason, ..
        }) => {
            assert_eq!(seq, entries.len() as u64);
            assert_eq!(kind, "result_certified");
            assert!(
                reason
                    .to_string()
                    .contains("national yes: published 3260, derived 3210"),
                "{reason}"
            );
        }
        other => panic!("expected the certification to fail, got {other:?}"),
    }
}

#[test]
fn garbage_is_named_by_line() {
    let (_, mut lines) = certified_export();
    lines[1] = "{not json".into();
    match verify::verify_log(&lines.join("\n")) {
        Err(VerifyError::Malformed { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
    assert!(matches!(verify::verify_log(""), Err(VerifyError::Empty)));
}

proptest! {
    /// Arrival order does not change the result, and the parts always add up to the whole.
    #[test]
    fn arrival_order_does_not_matter(order in Just((1u32..=5).collect::<Vec<_>>()).prop_shuffle(),
                                      yes in proptest::collection::vec(0u64..=100, 5),
                                      duplicates in proptest::collection::vec(any::<bool>(), 5)) {
        let base = [(1, 1000u64, 930u64), (2, 800, 700), (3, 1200, 1100), (4, 2500, 900), (5, 300, 120)];
        let make = |i: u32| {
            let (id, list, issued) = base[(i - 1) as usize];
            protocol(id, list, issued, issued - 3 - yes[(i - 1) as usize])
        };
        let mut in_order = Session::new();
        for i in 1..=5 { in_order.submit(make(i)).unwrap(); }
        let mut shuffled = Session::new();
        for (k, &i) in order.iter().enumerate() {
            shuffled.submit(make(i)).unwrap();
            if duplicates[k] { shuffled.submit(make(i)).unwrap(); }
        }
        let a = in_order.ledger.results(&kz2026()).unwrap();
        let b = shuffled.ledger.results(&kz2026()).unwrap();
        prop_assert_eq!(&a.national, &b.national);
        prop_assert_eq!(&a.regions, &b.regions);
        prop_assert_eq!(in_order.log.len(), shuffled.log.len(), "duplicates record nothing");
        let mut sum = ashyq_core::tally::Totals::default();
        for r in &b.regions {
            let mut districts = ashyq_core::tally::Totals::default();
            for d in &r.districts { districts.merge(&d.totals); }
            prop_assert_eq!(districts, r.totals);
            sum.merge(&r.totals);
        }
        prop_assert_eq!(sum, b.national);
    }
}

#[test]
fn a_decision_taken_on_an_older_state_is_refused() {
    let mut s = Session::new();
    let Decision::Record(first) = s.ledger.submit(protocol(1, 1000, 930, 860)).unwrap() else {
        panic!("a first protocol is recorded")
    };
    let Decision::Record(stale) = s.ledger.submit(protocol(1, 1000, 930, 850)).unwrap() else {
        panic!("decided before the first was recorded")
    };
    s.record(first);
    let err = s.ledger.record(stale, T.into()).unwrap_err().to_string();
    assert!(err.contains("decide again"), "{err}");
    assert_eq!(s.ledger.results(&kz2026()).unwrap().national.lines.yes, 860);
}

#[test]
fn a_log_that_accepts_a_precinct_twice_does_not_replay() {
    // A forger appends a second acceptance for precinct 1 and seals it correctly.
    let mut s = Session::new();
    s.submit(protocol(1, 1000, 930, 860)).unwrap();
    for (p, expected) in [
        (protocol(1, 1000, 930, 860), "already recorded"),
        (protocol(1, 1000, 930, 800), "had already reported"),
    ] {
        let forged = Event::ProtocolAccepted {
            protocol_hash: p.content_hash(),
            warnings: vec![],
            protocol: p,
            signature: None,
            entered_by: None,
        };
        let mut entries = s.log.clone();
        let last = entries.last().unwrap();
        entries.push(LogEntry::seal(
            last.seq + 1,
            last.hash.clone(),
            T.into(),
            forged,
        ));
        let text: String = entries.iter().map(|e| e.to_json_line() + "\n").collect();
        match verify::verify_log(&text) {
            Err(VerifyError::BadEntry { seq, reason, .. }) => {
                assert_eq!(seq, entries.len() as u64);
                assert!(reason.to_string().contains(expected), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_referendum_protocol_before_the_polls_close_is_refused() {
    let mut s = Session::new();
    let Decision::Record(d) = s.ledger.submit(protocol(1, 1000, 700, 500)).unwrap() else {
        panic!("a new protocol")
    };
    // Polls close at 20:00 local (UTC+5) on 15 March 2026: 15:00 UTC.
    let err = s
        .ledger
        .record(d.clone(), "2026-03-15T14:30:00Z".into())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("voting in kz-2026 is still open at 2026-03-15T14:30:00Z"),
        "{err}"
    );
    // Nothing changed: the same decision is still valid and records at the close.
    s.ledger.record(d, "2026-03-15T15:00:00Z".into()).unwrap();
}

fn clerk(name: &str) -> ashyq_core::author::Author {
    ashyq_core::author::Author {
        name: name.into(),
        role: "territorial operator of region:KZ-43".into(),
    }
}

#[test]
fn a_protocol_entered_by_an_operator_names_them_and_replays() {
    let mut s = Session::new();
    // A commission's protocol typed in from paper: accepted, and the log says who typed it.
    let Decision::Record(d) = s
        .ledger
        .submit_entered(protocol(1, 1000, 930, 860), clerk("aigerim"))
        .unwrap()
    else {
        panic!("a first protocol is recorded")
    };
    match d.event() {
        Event::ProtocolAccepted {
            entered_by,
            signature,
            ..
        } => {
            assert_eq!(entered_by.as_ref().unwrap().name, "aigerim");
            assert!(signature.is_none());
        }
        other => panic!("{other:?}"),
    }
    s.record(d);
    let history = s.ledger.history(&kz2026(), PrecinctId(1)).unwrap();
    assert_eq!(history[0].entered_by.as_ref().unwrap().name, "aigerim");

    // The same numbers entered again by someone else: already known, nothing new.
    let Decision::Known(r) = s
        .ledger
        .submit_entered(protocol(1, 1000, 930, 860), clerk("bolat"))
        .unwrap()
    else {
        panic!("the same numbers are known")
    };
    assert_eq!(r.seq, 3);

    // Different numbers: a conflict, also attributed.
    let Decision::Record(d) = s
        .ledger
        .submit_entered(protocol(1, 1000, 930, 850), clerk("bolat"))
        .unwrap()
    else {
        panic!("a conflict is recorded")
    };
    assert!(matches!(
        d.event(),
        Event::ProtocolConflict { entered_by: Some(a), .. } if a.name == "bolat"
    ));
    s.record(d);
    // A protocol from an unnamed operator is refused; so are broken control ratios.
    let err = s
        .ledger
        .submit_entered(protocol(2, 800, 700, 600), clerk("  "))
        .unwrap_err();
    assert!(err.to_string().contains("the author"), "{err}");
    let mut bad = protocol(2, 800, 700, 600);
    bad.lines.yes += 5;
    assert!(matches!(
        s.ledger.submit_entered(bad, clerk("aigerim")),
        Err(LedgerError::Rejected { .. })
    ));

    // The export verifies: the entries are decided again, operator and all.
    let text = s.export();
    assert!(
        text.contains("\"entered_by\":{\"name\":\"aigerim\""),
        "{text}"
    );
    let report = verify::verify_log(&text).unwrap();
    assert_eq!(report.entries, s.log.len() as u64);
}

#[test]
fn protocols_not_entered_by_an_operator_hash_as_before() {
    // Logs written before operator entries existed have no `entered_by`: the field is left
    // out when absent, so their entries serialize, and hash, exactly as they did.
    let mut s = Session::new();
    s.submit(protocol(1, 1000, 930, 860)).unwrap();
    let line = s.log.last().unwrap().to_json_line();
    assert!(!line.contains("entered_by"), "{line}");
    let back: LogEntry = serde_json::from_str(&line).unwrap();
    assert_eq!(back.computed_hash(), back.hash);
}

#[test]
fn a_forged_operator_entry_does_not_replay() {
    let mut s = Session::new();
    s.submit(protocol(1, 1000, 930, 860)).unwrap();
    // A forger records a protocol "entered" by nobody, sealed correctly.
    let p = protocol(2, 800, 700, 600);
    let forged = Event::ProtocolAccepted {
        protocol_hash: p.content_hash(),
        warnings: vec![],
        protocol: p,
        signature: None,
        entered_by: Some(clerk("")),
    };
    let last = s.log.last().unwrap();
    let mut entries = s.log.clone();
    entries.push(LogEntry::seal(
        last.seq + 1,
        last.hash.clone(),
        T.into(),
        forged,
    ));
    let text: String = entries.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq, reason, .. }) => {
            assert_eq!(seq, entries.len() as u64);
            assert!(reason.to_string().contains("the author"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}
