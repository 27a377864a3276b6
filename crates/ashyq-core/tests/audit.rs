//! A risk-limiting audit in the public log, on the small hand-made territory: defined after
//! certification, the seed before any draw, draws re-derived, two board members per entry,
//! every refusal of issue 17 recording nothing, the risk per round; replay and the verifier
//! re-derive it all, and a re-sealed tampered entry is refused with its sequence number.

mod common;

use std::collections::BTreeMap;

use ashyq_core::audit::record::{AuditEntry, AuditError, AuditEvent, AuditMethod, StopDecision};
use ashyq_core::audit::{HandCount, Reading, RiskLimit};
use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::ledger::{Decided, Ledger, LedgerError};
use ashyq_core::referendum::presets;
use ashyq_core::territory::RegionCode;
use ashyq_core::verify::{self, VerifyError};
use common::{T, author, protocol, territory};

const SEED: &str = "01382438112797316654";

struct Session {
    ledger: Ledger,
    log: Vec<LogEntry>,
}

impl Session {
    fn record(&mut self, d: Decided) -> LogEntry {
        let e = self.ledger.record(d, T.into()).unwrap();
        self.log.push(e.clone());
        e
    }

    /// Every precinct reported; certified unless `certify` is false.
    fn new(certify: bool) -> Self {
        let mut s = Session {
            ledger: Ledger::new(),
            log: vec![],
        };
        let d = s.ledger.load_territory(territory()).unwrap();
        s.record(d);
        let d = s.ledger.create_referendum(presets::kz_2026()).unwrap();
        s.record(d);
        for p in [
            protocol(1, 1000, 930, 860),
            protocol(2, 800, 700, 600),
            protocol(3, 1200, 1100, 1000),
            protocol(4, 2500, 900, 700),
            protocol(5, 300, 120, 100),
        ] {
            match s.ledger.submit(p).unwrap() {
                ashyq_core::ledger::Decision::Record(d) => {
                    s.record(d);
                }
                ashyq_core::ledger::Decision::Known(_) => unreachable!(),
            }
        }
        if certify {
            let d = s.ledger.certify(&kz2026(), author()).unwrap();
            s.record(d);
        }
        s
    }

    fn jsonl(&self) -> String {
        self.log.iter().map(|e| e.to_json_line() + "\n").collect()
    }

    /// Refused, and nothing recorded.
    fn refused(&self, r: Result<Decided, LedgerError>) -> LedgerError {
        let n = self.log.len();
        let e = r.expect_err("refused");
        assert_eq!(self.log.len(), n);
        e
    }
}

fn audit_error(e: LedgerError) -> AuditError {
    match e {
        LedgerError::Audit(a) => *a,
        other => panic!("not an audit refusal: {other}"),
    }
}

fn kz2026() -> ContestId {
    ContestId("kz-2026".into())
}

fn member(name: &str) -> Author {
    Author::new(name, "audit board")
}

/// The region of each precinct of the hand-made territory.
fn region_of(precinct: u32) -> RegionCode {
    RegionCode(
        match precinct {
            1..=3 => "KZ-43",
            4 => "KZ-75",
            _ => "ABROAD",
        }
        .into(),
    )
}

/// The protocol's own answer lines: what an honest paper holds.
fn paper(precinct: u32) -> HandCount {
    let p = match precinct {
        1 => protocol(1, 1000, 930, 860),
        2 => protocol(2, 800, 700, 600),
        3 => protocol(3, 1200, 1100, 1000),
        4 => protocol(4, 2500, 900, 700),
        _ => protocol(5, 300, 120, 100),
    };
    HandCount {
        yes: p.lines.yes,
        no: p.lines.no,
        both_marked: p.lines.both_marked,
        invalid: p.lines.invalid,
    }
}

fn drawn_items(s: &Session) -> Vec<String> {
    s.ledger.audit("rla-1").unwrap().sampled()
}

#[test]
fn a_comparison_audit_from_definition_to_confirmation_and_its_refusals() {
    // Not before certification.
    let s = Session::new(false);
    let e = s.refused(s.ledger.define_audit(
        "rla-1",
        &kz2026(),
        RiskLimit::default(),
        AuditMethod::BatchComparison,
        author(),
    ));
    assert_eq!(audit_error(e), AuditError::NotCertified(kz2026()));

    let mut s = Session::new(true);
    let d = s
        .ledger
        .define_audit(
            "rla-1",
            &kz2026(),
            RiskLimit::default(),
            AuditMethod::BatchComparison,
            author(),
        )
        .unwrap();
    s.record(d);
    let a = s.ledger.audit("rla-1").unwrap();
    assert_eq!(a.contests, ["national", "KZ-43", "KZ-75", "ABROAD"]);

    // A draw before the seed; a seed of too few digits or not digits.
    let e = s.refused(
        s.ledger
            .draw_audit_round("rla-1", &BTreeMap::new(), author()),
    );
    assert_eq!(audit_error(e), AuditError::NoSeed("rla-1".into()));
    for bad in ["1234567890123456789", "0138243811279731665x"] {
        let e = s.refused(s.ledger.record_audit_seed("rla-1", bad, author()));
        assert!(e.to_string().contains("at least 20 decimal digits"), "{e}");
    }
    let d = s.ledger.record_audit_seed("rla-1", SEED, author()).unwrap();
    s.record(d);
    let e = s.refused(s.ledger.record_audit_seed("rla-1", SEED, author()));
    assert_eq!(audit_error(e), AuditError::SeedTwice("rla-1".into()));

    // Round 1.
    let d = s
        .ledger
        .draw_audit_round("rla-1", &BTreeMap::new(), author())
        .unwrap();
    s.record(d);
    let items = drawn_items(&s);
    assert!(!items.is_empty());
    let e = s.refused(
        s.ledger
            .draw_audit_round("rla-1", &BTreeMap::new(), author()),
    );
    assert!(matches!(
        audit_error(e.clone()),
        AuditError::RoundOpen { round: 1, .. }
    ));

    // Measuring before the entries is refused.
    let e = s.refused(s.ledger.measure_audit_round("rla-1", author()));
    assert!(
        matches!(audit_error(e.clone()), AuditError::NotAllAgreed { .. }),
        "{e}"
    );

    let count = |p: u32| AuditEntry::Precinct { count: paper(p) };
    let first: u32 = items[0].parse().unwrap();
    // An item not sampled (precinct 99 does not exist; a non-drawn one if any).
    let e = s.refused(
        s.ledger
            .enter_audit_count("rla-1", "99", count(1), None, member("A")),
    );
    assert!(matches!(
        audit_error(e.clone()),
        AuditError::NotSampled { .. }
    ));
    // A board outside its territory.
    let elsewhere = if region_of(first).0 == "KZ-75" {
        RegionCode("KZ-43".into())
    } else {
        RegionCode("KZ-75".into())
    };
    let e = s.refused(s.ledger.enter_audit_count(
        "rla-1",
        &items[0],
        count(first),
        Some(&elsewhere),
        member("A"),
    ));
    assert!(
        matches!(audit_error(e.clone()), AuditError::OutsideTerritory { .. }),
        "{e}"
    );
    // More ballots than found.
    let mut too_many = paper(first);
    too_many.invalid += 10_000;
    let e = s.refused(s.ledger.enter_audit_count(
        "rla-1",
        &items[0],
        AuditEntry::Precinct { count: too_many },
        Some(&region_of(first)),
        member("A"),
    ));
    assert!(
        matches!(audit_error(e.clone()), AuditError::TooManyBallots { .. }),
        "{e}"
    );
    // A ballot reading in a comparison audit.
    let e = s.refused(s.ledger.enter_audit_count(
        "rla-1",
        &items[0],
        AuditEntry::Ballot {
            reading: Reading::Yes,
        },
        None,
        member("A"),
    ));
    assert!(matches!(
        audit_error(e.clone()),
        AuditError::WrongEntry { .. }
    ));

    // Two members agree on every item; the same entry twice is refused; a disagreement shows.
    for (k, item) in items.iter().enumerate() {
        let p: u32 = item.parse().unwrap();
        let board = region_of(p);
        if k == 0 {
            let mut off = paper(p);
            off.yes -= 1;
            off.invalid += 1;
            let d = s
                .ledger
                .enter_audit_count(
                    "rla-1",
                    item,
                    AuditEntry::Precinct { count: off },
                    Some(&board),
                    member("C"),
                )
                .unwrap();
            s.record(d);
        }
        let d = s
            .ledger
            .enter_audit_count("rla-1", item, count(p), Some(&board), member("A"))
            .unwrap();
        s.record(d);
        if k == 0 {
            assert!(s.ledger.audit("rla-1").unwrap().disputed(item));
            let e = s.refused(s.ledger.enter_audit_count(
                "rla-1",
                item,
                count(p),
                Some(&board),
                member("A"),
            ));
            assert!(matches!(
                audit_error(e.clone()),
                AuditError::SameEntryTwice { .. }
            ));
        }
        let d = s
            .ledger
            .enter_audit_count("rla-1", item, count(p), Some(&board), member("B"))
            .unwrap();
        s.record(d);
        let e = s.refused(s.ledger.enter_audit_count(
            "rla-1",
            item,
            count(p),
            Some(&board),
            member("D"),
        ));
        assert!(matches!(
            audit_error(e.clone()),
            AuditError::AlreadyAgreed(_)
        ));
    }

    let d = s.ledger.measure_audit_round("rla-1", author()).unwrap();
    let Event::Audit(AuditEvent::RoundMeasured { contests, .. }) = d.event().clone() else {
        panic!("a measurement");
    };
    s.record(d);
    // Clean counts and wide margins: every contest confirmed in round 1, risk ≤ 5%.
    for c in &contests {
        assert_eq!(c.decision, StopDecision::Confirmed, "{c:?}");
        assert!(c.risk_ppm <= 50_000, "{c:?}");
    }
    let e = s.refused(
        s.ledger
            .draw_audit_round("rla-1", &BTreeMap::new(), author()),
    );
    assert_eq!(audit_error(e), AuditError::Finished("rla-1".into()));

    // Replay and the verifier re-derive it all.
    let replayed = Ledger::replay(&s.log).unwrap();
    assert_eq!(
        replayed.audit("rla-1").unwrap().measures,
        s.ledger.audit("rla-1").unwrap().measures
    );
    verify::verify_log(&s.jsonl()).unwrap();

    // A tampered draw, re-sealed so its hash is right: refused at its own entry.
    let at = s
        .log
        .iter()
        .position(|e| matches!(e.event, Event::Audit(AuditEvent::RoundDrawn { .. })))
        .unwrap();
    let mut log = s.log.clone();
    let mut ev = log[at].event.clone();
    if let Event::Audit(AuditEvent::RoundDrawn { draws, .. }) = &mut ev {
        let t = &mut draws[0].tickets[0];
        t.id = if t.id == "1" { "2".into() } else { "1".into() };
    }
    log[at] = LogEntry::seal(
        log[at].seq,
        log[at].prev.clone(),
        log[at].recorded_at.clone(),
        ev,
    );
    let text: String = log.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq, .. }) => assert_eq!(seq, log[at].seq),
        other => panic!("expected the tampered entry to be refused, got {other:?}"),
    }

    // A tampered risk, likewise.
    let at = s
        .log
        .iter()
        .position(|e| matches!(e.event, Event::Audit(AuditEvent::RoundMeasured { .. })))
        .unwrap();
    let mut log = s.log.clone();
    let mut ev = log[at].event.clone();
    if let Event::Audit(AuditEvent::RoundMeasured { contests, .. }) = &mut ev {
        contests[0].risk_ppm = 1;
    }
    log[at] = LogEntry::seal(
        log[at].seq,
        log[at].prev.clone(),
        log[at].recorded_at.clone(),
        ev,
    );
    let text: String = log.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq, .. }) => assert_eq!(seq, log[at].seq),
        other => panic!("expected the tampered entry to be refused, got {other:?}"),
    }
}

#[test]
fn a_falsified_precinct_raises_the_risk_and_escalates() {
    let mut s = Session::new(true);
    let d = s
        .ledger
        .define_audit(
            "rla-1",
            &kz2026(),
            RiskLimit::default(),
            AuditMethod::BatchComparison,
            author(),
        )
        .unwrap();
    s.record(d);
    let d = s.ledger.record_audit_seed("rla-1", SEED, author()).unwrap();
    s.record(d);
    let d = s
        .ledger
        .draw_audit_round("rla-1", &BTreeMap::new(), author())
        .unwrap();
    s.record(d);
    // The paper of every sampled precinct says the reverse of its protocol.
    for item in drawn_items(&s) {
        let p: u32 = item.parse().unwrap();
        let mut c = paper(p);
        std::mem::swap(&mut c.yes, &mut c.no);
        for m in ["A", "B"] {
            let d = s
                .ledger
                .enter_audit_count(
                    "rla-1",
                    &item,
                    AuditEntry::Precinct { count: c },
                    None,
                    member(m),
                )
                .unwrap();
            s.record(d);
        }
    }
    let d = s.ledger.measure_audit_round("rla-1", author()).unwrap();
    let Event::Audit(AuditEvent::RoundMeasured { contests, .. }) = d.event().clone() else {
        panic!("a measurement");
    };
    s.record(d);
    for c in &contests {
        assert_ne!(c.decision, StopDecision::Confirmed, "{c:?}");
        assert_eq!(c.risk_ppm, 1_000_000, "{c:?}");
    }
    verify::verify_log(&s.jsonl()).unwrap();
}

#[test]
fn a_ballot_polling_audit_reads_ballots() {
    let mut s = Session::new(true);
    let d = s
        .ledger
        .define_audit(
            "rla-1",
            &kz2026(),
            RiskLimit::default(),
            AuditMethod::BallotPolling,
            author(),
        )
        .unwrap();
    s.record(d);
    let d = s.ledger.record_audit_seed("rla-1", SEED, author()).unwrap();
    s.record(d);
    let d = s
        .ledger
        .draw_audit_round("rla-1", &BTreeMap::new(), author())
        .unwrap();
    s.record(d);
    let items = drawn_items(&s);
    assert!(items.iter().all(|i| i.contains(':')), "{items:?}");
    let e = s.refused(s.ledger.enter_audit_count(
        "rla-1",
        &items[0],
        AuditEntry::Precinct { count: paper(1) },
        None,
        member("A"),
    ));
    assert!(matches!(
        audit_error(e.clone()),
        AuditError::WrongEntry { .. }
    ));
    for item in &items {
        for m in ["A", "B"] {
            let d = s
                .ledger
                .enter_audit_count(
                    "rla-1",
                    item,
                    AuditEntry::Ballot {
                        reading: Reading::Yes,
                    },
                    None,
                    member(m),
                )
                .unwrap();
            s.record(d);
        }
    }
    let d = s.ledger.measure_audit_round("rla-1", author()).unwrap();
    s.record(d);
    let a = s.ledger.audit("rla-1").unwrap();
    assert!(
        a.measures[0]
            .iter()
            .any(|c| c.contest == "national" && c.decision == StopDecision::Confirmed)
    );
    verify::verify_log(&s.jsonl()).unwrap();
}

#[test]
fn an_alpha_audit_draws_without_replacement_beside_a_comparison_contest() {
    let mut s = Session::new(true);
    // ALPHA everywhere, but KZ-43 by batch comparison; an unknown contest is refused.
    let bad = BTreeMap::from([("KZ-99".to_string(), AuditMethod::BatchComparison)]);
    let e = s.refused(s.ledger.define_audit_with(
        "rla-1",
        &kz2026(),
        RiskLimit::default(),
        AuditMethod::BallotPollingAlpha,
        &bad,
        author(),
    ));
    assert!(matches!(audit_error(e), AuditError::NotOpen(..)));
    let methods = BTreeMap::from([("KZ-43".to_string(), AuditMethod::BatchComparison)]);
    let d = s
        .ledger
        .define_audit_with(
            "rla-1",
            &kz2026(),
            RiskLimit::default(),
            AuditMethod::BallotPollingAlpha,
            &methods,
            author(),
        )
        .unwrap();
    let line = s.record(d).to_json_line();
    assert!(
        line.contains(r#""method":"ballot_polling_alpha""#),
        "{line}"
    );
    assert!(
        line.contains(r#""methods":{"KZ-43":"batch_comparison"}"#),
        "{line}"
    );
    let d = s.ledger.record_audit_seed("rla-1", SEED, author()).unwrap();
    s.record(d);
    for round in 1..=2u32 {
        let d = s
            .ledger
            .draw_audit_round("rla-1", &BTreeMap::new(), author())
            .unwrap();
        s.record(d);
        let a = s.ledger.audit("rla-1").unwrap();
        assert_eq!(a.method_of("KZ-43"), AuditMethod::BatchComparison);
        assert_eq!(a.method_of("national"), AuditMethod::BallotPollingAlpha);
        for d in a.rounds.iter().flatten() {
            let ids: Vec<&str> = d.tickets.iter().map(|t| t.id.as_str()).collect();
            if d.contest == "KZ-43" {
                assert!(ids.iter().all(|i| !i.contains(':')), "{ids:?}");
            } else {
                // Ballots, each at most once in its contest, all of generation 1.
                assert!(ids.iter().all(|i| i.contains(':')), "{ids:?}");
                let distinct: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
                assert_eq!(distinct.len(), ids.len(), "{}: {ids:?}", d.contest);
                assert!(d.tickets.iter().all(|t| t.generation == 1));
            }
        }
        // Each item gets the entry its kind asks for; the other kind is refused.
        for item in drawn_items(&s) {
            let a = s.ledger.audit("rla-1").unwrap();
            if a.agreed(&item).is_some() {
                continue;
            }
            let p: u32 = item.split(':').next().unwrap().parse().unwrap();
            let (right, wrong) = if item.contains(':') {
                // Every reading for the winner, except one ballot in ten for neither.
                let reading = if item.ends_with('7') {
                    Reading::Invalid
                } else {
                    Reading::Yes
                };
                (
                    AuditEntry::Ballot { reading },
                    AuditEntry::Precinct { count: paper(p) },
                )
            } else {
                (
                    AuditEntry::Precinct { count: paper(p) },
                    AuditEntry::Ballot {
                        reading: Reading::Yes,
                    },
                )
            };
            let e = s.refused(
                s.ledger
                    .enter_audit_count("rla-1", &item, wrong, None, member("A")),
            );
            assert!(matches!(audit_error(e), AuditError::WrongEntry { .. }));
            for m in ["A", "B"] {
                let d = s
                    .ledger
                    .enter_audit_count("rla-1", &item, right, None, member(m))
                    .unwrap();
                s.record(d);
            }
        }
        let d = s.ledger.measure_audit_round("rla-1", author()).unwrap();
        s.record(d);
        let a = s.ledger.audit("rla-1").unwrap();
        let m = &a.measures[round as usize - 1];
        let national = m.iter().find(|c| c.contest == "national");
        if round == 1 {
            // The first round's 90% estimate confirms with readings this clean.
            assert_eq!(
                national.map(|c| c.decision),
                Some(StopDecision::Confirmed),
                "{m:?}"
            );
        }
        if a.open_contests().is_empty() {
            break;
        }
    }
    let report = s.ledger.audit_report("rla-1").unwrap();
    let kz43 = report
        .contests
        .iter()
        .find(|c| c.contest == "KZ-43")
        .unwrap();
    assert_eq!(kz43.method, AuditMethod::BatchComparison);
    assert_eq!(report.contests[0].method, AuditMethod::BallotPollingAlpha);
    verify::verify_log(&s.jsonl()).unwrap();
}

#[test]
fn an_audit_defined_before_per_contest_streams_still_verifies_byte_for_byte() {
    // A definition as the logs before per-contest methods and PPEB streams wrote it: the same
    // event without `methods` and `ppeb_stream`, sealed as the last entry.
    let mut s = Session::new(true);
    let d = s
        .ledger
        .define_audit(
            "rla-1",
            &kz2026(),
            RiskLimit::default(),
            AuditMethod::BatchComparison,
            author(),
        )
        .unwrap();
    let e = s.record(d);
    let new_line = e.to_json_line();
    assert!(
        new_line.contains(r#""ppeb_stream":"per_contest""#),
        "{new_line}"
    );
    assert!(!new_line.contains("methods"), "{new_line}");
    let old_line = new_line.replace(r#","ppeb_stream":"per_contest""#, "");
    let old: LogEntry = serde_json::from_str(&old_line).unwrap();
    let at = s.log.len() - 1;
    s.log[at] = LogEntry::seal(
        e.seq,
        e.prev.clone(),
        e.recorded_at.clone(),
        old.event.clone(),
    );
    s.ledger = Ledger::replay(&s.log).unwrap();
    let a = s.ledger.audit("rla-1").unwrap();
    assert_eq!(a.ppeb_stream, ashyq_core::audit::ppeb::Stream::Shared);
    // The old audit goes on drawing from the one shared stream `ppeb:k`.
    let d = s.ledger.record_audit_seed("rla-1", SEED, author()).unwrap();
    s.record(d);
    let d = s
        .ledger
        .draw_audit_round("rla-1", &BTreeMap::new(), author())
        .unwrap();
    s.record(d);
    let a = s.ledger.audit("rla-1").unwrap();
    let sampler = ashyq_core::audit::sampler::Sampler::new(SEED);
    for d in &a.rounds[0] {
        for (k, t) in d.tickets.iter().enumerate() {
            assert_eq!(
                t.number,
                sampler.fraction(&format!("ppeb:{}", k + 1)),
                "{}",
                d.contest
            );
        }
    }
    // Its log verifies, and every entry serializes again to the same bytes.
    let text = s.jsonl();
    verify::verify_log(&text).unwrap();
    assert!(text.contains(&s.log[at].to_json_line()));
    assert!(!s.log[at].to_json_line().contains("ppeb_stream"));
    for line in text.lines() {
        let again: LogEntry = serde_json::from_str(line).unwrap();
        assert_eq!(again.to_json_line(), line);
    }
}
