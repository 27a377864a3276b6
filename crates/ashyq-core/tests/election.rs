//! A party-list election through the ledger, on a small hand-made territory: parties and lists
//! are registered, protocols go through the same conflict and amendment rules as a
//! referendum's, the seats are allocated with the committed seed, mandates pass down the list,
//! and the offline verifier re-derives all of it — and catches a log whose seats were changed.

use ashyq_core::chain::LogHash;
use ashyq_core::contest::ContestId;
use ashyq_core::election::{ElectionDefinition, PartyListProtocol, seed_commitment};
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::iin::{DigestKey, Iin, Sex};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::party::list::{
    Candidate, CandidateList, CandidateRef, ListRules, MandateEnd, WithdrawnBy, check_list,
};
use ashyq_core::party::{PartyApplication, PartyRules, check_application};
use ashyq_core::protocol::BallotLines;
use ashyq_core::protocol::ControlRule;
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::seats::{self, Method, PartyVotes, TieSeed};
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::{PrecinctId, Territory, UnitKind};
use ashyq_core::verify::{self, VerifyError};
use chrono::{Days, NaiveDate};

mod common;
use common::{author, hand_made};

const T: &str = "2026-08-30T20:00:00Z";
const SEED: &str = "lottery 2026-08-29: 07 19 23 31 42";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn election_day() -> NaiveDate {
    date(2026, 8, 30)
}

fn id() -> ContestId {
    ContestId("kurultai-2026".into())
}

fn key() -> DigestKey {
    DigestKey::from_bytes(&[9; 32]).unwrap()
}

fn territory() -> Territory {
    hand_made::territory(
        "hand-made for tests",
        &[("KZ-43", UnitKind::Oblys), ("ABROAD", UnitKind::Abroad)],
        &[("KZ-43-01", "KZ-43"), ("ABROAD-TR", "ABROAD")],
        &[
            (1, "KZ-43-01", 3000),
            (2, "KZ-43-01", 3000),
            (3, "ABROAD-TR", 1000),
        ],
    )
}

/// A person born on `born` (callers give distinct people distinct birth dates), with a serial
/// that depends on `n`.
fn person(born: NaiveDate, sex: Sex, n: u16) -> Iin {
    let first = 10 * (n % 900);
    (first..first + 10)
        .find_map(|s| Iin::from_parts(born, sex, s))
        .expect("one of ten serials gives an issued number")
}

fn members(first: u16, count: u16) -> Vec<Iin> {
    (first..first + count)
        .map(|n| person(date(1970, 1, 1) + Days::new(u64::from(n)), Sex::Male, n))
        .collect()
}

/// A list: every third candidate a woman, so that a 30% quota holds.
fn list(party: &str, first: u16, len: u16) -> CandidateList {
    CandidateList {
        party: party.into(),
        candidates: (0..len)
            .map(|i| {
                let n = first + i;
                let sex = if i % 3 == 1 { Sex::Female } else { Sex::Male };
                Candidate {
                    iin: person(date(1980, 5, 5) + Days::new(u64::from(n)), sex, n),
                    name: format!("{party} candidate {}", i + 1),
                    citizen: true,
                    permanent_residence_years: 30,
                    disability: false,
                }
            })
            .collect(),
    }
}

const PARTIES: [&str; 4] = ["Alpha", "Beta", "Gamma", "Delta"];

/// A consistent protocol of `votes` (in ballot order), with `against` against all and 10
/// invalid, on a list of `list` voters.
fn protocol(precinct: u32, list: u64, votes: [u64; 4], against: u64) -> PartyListProtocol {
    let found: u64 = votes.iter().sum::<u64>() + against + 10;
    PartyListProtocol {
        election: id(),
        precinct: PrecinctId(precinct),
        ballots: BallotLines {
            voters_on_list: list,
            ballots_received: list,
            ballots_issued: found,
            ballots_cancelled: list - found,
            ballots_found: found,
            ..BallotLines::default()
        },
        votes: PARTIES
            .iter()
            .zip(votes)
            .map(|(p, v)| PartyVotes::new(*p, v))
            .collect(),
        against_all: against,
        invalid: 10,
    }
}

struct Session {
    ledger: Ledger,
    log: Vec<LogEntry>,
}

impl Session {
    fn record(&mut self, decided: Decided) -> LogEntry {
        let entry = self.ledger.record(decided, T.into()).unwrap();
        self.log.push(entry.clone());
        entry
    }

    /// Territory, parties with 3 members each (minimum 3), an election of 10 seats with a 5%
    /// threshold over all valid ballots, and the four lists (Delta's of 2 candidates).
    fn new() -> Self {
        let mut s = Session {
            ledger: Ledger::new(),
            log: vec![],
        };
        let d = s.ledger.load_territory(territory()).unwrap();
        s.record(d);
        let rules = PartyRules {
            min_members: 3,
            ..PartyRules::KZ_2026
        };
        let d = s.ledger.set_party_rules(rules, author()).unwrap();
        s.record(d);
        for (i, name) in PARTIES.iter().enumerate() {
            let app = PartyApplication {
                name: format!("{name} party"),
                short_name: (*name).into(),
                members: members(100 * i as u16 + 1, 3),
            };
            let party = check_application(
                &app,
                s.ledger.parties(),
                &s.ledger.party_rules(),
                date(2026, 6, 1),
                &key(),
            )
            .unwrap();
            let d = s.ledger.register_party(party).unwrap();
            s.record(d);
        }
        let mut def = ElectionDefinition::kurultai(
            id(),
            election_day(),
            date(2026, 8, 20),
            &TieSeed::new(SEED).unwrap(),
        );
        def.rules.seats = 10;
        let d = s.ledger.create_election(def).unwrap();
        s.record(d);
        for (i, name) in PARTIES.iter().enumerate() {
            let len = if *name == "Delta" { 2 } else { 6 };
            let l = check_list(
                &list(name, 1000 + 20 * i as u16, len),
                &s.ledger.election(&id()).unwrap().lists,
                &ListRules::KZ_2026,
                election_day(),
                &key(),
            )
            .unwrap();
            let d = s.ledger.register_list(&id(), l).unwrap();
            s.record(d);
        }
        s
    }

    fn submit(&mut self, p: PartyListProtocol) -> Result<ReceiptStatus, LedgerError> {
        match self.ledger.submit_party_list(p)? {
            Decision::Known(r) => Ok(r.status),
            Decision::Record(d) => {
                let e = self.record(d);
                Ok(match e.event {
                    Event::PartyListAccepted { .. } => ReceiptStatus::Accepted,
                    Event::PartyListConflict { .. } => ReceiptStatus::Conflict,
                    other => panic!("unexpected {}", other.kind()),
                })
            }
        }
    }

    fn export(&self) -> String {
        self.log.iter().map(|e| e.to_json_line() + "\n").collect()
    }
}

/// The national votes used below, per party in ballot order, and "against all".
const P1: [u64; 4] = [1200, 600, 300, 100];
const P2: [u64; 4] = [1000, 700, 250, 90];
const P3: [u64; 4] = [300, 200, 100, 20];

fn counted() -> Session {
    let mut s = Session::new();
    assert_eq!(
        s.submit(protocol(1, 3000, P1, 80)).unwrap(),
        ReceiptStatus::Accepted
    );
    assert_eq!(
        s.submit(protocol(2, 3000, P2, 60)).unwrap(),
        ReceiptStatus::Accepted
    );
    assert_eq!(
        s.submit(protocol(3, 1000, P3, 10)).unwrap(),
        ReceiptStatus::Accepted
    );
    s
}

#[test]
fn the_ballot_is_the_registered_lists_in_order() {
    let s = Session::new();
    assert_eq!(s.ledger.election(&id()).unwrap().ballot(), PARTIES.to_vec());
    // A protocol with the parties in another order is refused, naming the ballot.
    let mut p = protocol(1, 3000, P1, 80);
    p.votes.swap(0, 1);
    let err = s.ledger.submit_party_list(p).unwrap_err().to_string();
    assert!(
        err.contains("ballot is [\"Alpha\", \"Beta\", \"Gamma\", \"Delta\"]"),
        "{err}"
    );
    // A protocol missing a party is refused too.
    let mut p = protocol(1, 3000, P1, 80);
    p.votes.pop();
    assert!(matches!(
        s.ledger.submit_party_list(p),
        Err(LedgerError::Election(_))
    ));
}

#[test]
fn the_control_ratios_read_kr4_over_the_party_lines() {
    let s = Session::new();
    let mut p = protocol(1, 3000, P1, 80);
    p.votes[2].votes += 5;
    match s.ledger.submit_party_list(p).unwrap_err() {
        LedgerError::Rejected { errors, .. } => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].rule, ControlRule::ListBallotsCounted);
            // found 2290 = 1200+600+300+100 + 80 + 10; the protocol now counts 2295.
            assert_eq!(errors[0].detail, "2290 ≠ 2205 + 80 + 10 = 2295");
            assert!(errors[0].to_string().contains("Σ party votes"));
        }
        other => panic!("expected a rejection, got {other}"),
    }
    // A party line over the bound is caught before any sum.
    let mut p = protocol(1, 3000, P1, 80);
    p.votes[0].votes = u64::MAX;
    match s.ledger.submit_party_list(p).unwrap_err() {
        LedgerError::Rejected { errors, .. } => {
            assert_eq!(errors[0].rule, ControlRule::LinesWithinBounds);
            assert!(
                errors[0].detail.starts_with("Alpha = "),
                "{}",
                errors[0].detail
            );
        }
        other => panic!("expected a rejection, got {other}"),
    }
}

#[test]
fn party_lines_within_bounds_whose_sum_is_not_are_still_counted_exactly() {
    // Each line at most 10,000,000, their sum 24,000,000: found = 10,000,000 does not add up.
    let mut p = protocol(1, 3000, [0; 4], 0);
    for v in &mut p.votes {
        v.votes = 6_000_000;
    }
    p.invalid = 0;
    p.ballots.ballots_found = 10_000_000;
    let check = p.check(&PARTIES, true).unwrap();
    assert!(
        check
            .errors
            .iter()
            .any(|e| e.rule == ControlRule::ListBallotsCounted
                && e.detail == "10000000 ≠ 24000000 + 0 + 0 = 24000000"),
        "{check:?}"
    );
}

#[test]
fn a_party_needs_the_minimum_and_one_party_per_person_is_rechecked_from_digests() {
    let s = Session::new();
    // Alpha's first member applies again under another party.
    let app = PartyApplication {
        name: "Omega party".into(),
        short_name: "Omega".into(),
        members: members(1, 3),
    };
    // check_application finds it with the key…
    assert!(
        check_application(
            &app,
            s.ledger.parties(),
            &s.ledger.party_rules(),
            date(2026, 6, 1),
            &key()
        )
        .is_err()
    );
    // …and the ledger finds it from the digests alone, without the key, when a forged record
    // skips that check.
    let forged =
        check_application(&app, &[], &s.ledger.party_rules(), date(2026, 6, 1), &key()).unwrap();
    let err = s.ledger.register_party(forged).unwrap_err().to_string();
    assert!(
        err.contains("none may be a member of a registered party (3 are)"),
        "{err}"
    );
    // Below the minimum.
    let small = PartyApplication {
        name: "Tiny party".into(),
        short_name: "Tiny".into(),
        members: members(900, 2),
    };
    let small = check_application(
        &small,
        &[],
        &PartyRules {
            min_members: 1,
            ..PartyRules::KZ_2026
        },
        date(2026, 6, 1),
        &key(),
    )
    .unwrap();
    let err = s.ledger.register_party(small).unwrap_err().to_string();
    assert!(err.contains("2") && err.contains("3"), "{err}");
}

#[test]
fn a_list_needs_a_registered_party_and_the_ballot_closes_with_the_first_protocol() {
    let mut s = Session::new();
    let l = check_list(
        &list("Nobody", 5000, 3),
        &[],
        &ListRules::KZ_2026,
        election_day(),
        &key(),
    )
    .unwrap();
    assert!(matches!(
        s.ledger.register_list(&id(), l),
        Err(LedgerError::Election(_))
    ));
    s.submit(protocol(1, 3000, P1, 80)).unwrap();
    let err = s
        .ledger
        .withdraw_candidate(
            &id(),
            "Alpha",
            &CandidateRef::Position(1),
            WithdrawnBy::Candidate,
            date(2026, 8, 10),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("ballot of kurultai-2026 is fixed"),
        "{err}"
    );
}

#[test]
fn conflicts_and_amendments_work_as_for_a_referendum() {
    let mut s = counted();
    // Same document again: same receipt, nothing recorded.
    let before = s.log.len();
    assert_eq!(
        s.submit(protocol(2, 3000, P2, 60)).unwrap(),
        ReceiptStatus::Accepted
    );
    assert_eq!(s.log.len(), before);
    // Different numbers: a conflict, not applied.
    let other = protocol(2, 3000, [1001, 699, 250, 90], 60);
    assert_eq!(s.submit(other.clone()).unwrap(), ReceiptStatus::Conflict);
    let r = s.ledger.election_results(&id()).unwrap();
    assert_eq!(r.status, ResultStatus::Preliminary);
    assert_eq!(r.national.votes[0].votes, 2500);
    // Seats wait for the conflict to be settled.
    let err = s
        .ledger
        .allocate_seats(&id(), TieSeed::new(SEED).unwrap(), author())
        .unwrap_err();
    assert!(err.to_string().contains("1 conflicts are open"), "{err}");
    // The amendment applies the new numbers and settles the conflict.
    let d = s
        .ledger
        .amend_party_list(other, "recount of Alpha and Beta piles", author())
        .unwrap();
    s.record(d);
    let r = s.ledger.election_results(&id()).unwrap();
    assert_eq!(r.status, ResultStatus::Final);
    assert_eq!(r.national.votes[0].votes, 2501);
    assert_eq!(r.regions[0].totals.votes[0].votes, 2201);
    assert_eq!(r.regions[1].totals.votes[0].votes, 300);
    let hist = s
        .ledger
        .election(&id())
        .unwrap()
        .book()
        .history(PrecinctId(2));
    let kinds: Vec<&str> = hist.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "party_list_accepted",
            "party_list_conflict",
            "party_list_amended"
        ]
    );
}

#[test]
fn seats_need_the_committed_seed_and_match_an_independent_allocation() {
    let mut s = counted();
    let err = s
        .ledger
        .allocate_seats(&id(), TieSeed::new("another seed").unwrap(), author())
        .unwrap_err();
    assert!(
        err.to_string().contains("does not match the commitment"),
        "{err}"
    );
    let d = s
        .ledger
        .allocate_seats(&id(), TieSeed::new(SEED).unwrap(), author())
        .unwrap();
    let entry = s.record(d);
    let Event::SeatsAllocated {
        allocation,
        deputies,
        vacant,
        ..
    } = &entry.event
    else {
        panic!("expected seats_allocated");
    };
    // The same votes, summed here by hand, through the pure allocation.
    let national: Vec<PartyVotes> = PARTIES
        .iter()
        .enumerate()
        .map(|(i, p)| PartyVotes::new(*p, P1[i] + P2[i] + P3[i]))
        .collect();
    let rules = seats::AllocationRules {
        seats: 10,
        threshold: seats::threshold_from_percent("5").unwrap(),
        base: seats::ThresholdBase::AllValid,
        method: Method::Hare,
    };
    let direct = seats::allocate(&rules, &national, 150, None).unwrap();
    assert_eq!(allocation, &direct);
    let won: Vec<u32> = allocation.seats().map(|(_, n)| n).collect();
    // 2500, 1500, 650, 210 of 5010 valid: Delta (4.19%) misses the threshold; Hare over
    // 4650 qualified votes: 5.376, 3.226, 1.398 → 5, 3, 1 and the largest remainder (Gamma .398
    // vs Alpha .376 vs Beta .226) gives Gamma the tenth seat.
    assert_eq!(won, [5, 3, 2, 0]);
    assert_eq!(deputies.len(), 10);
    assert!(vacant.is_empty());
    assert_eq!(
        s.ledger.election_results(&id()).unwrap().status,
        ResultStatus::Certified
    );
    // Locked: no more protocols.
    assert!(matches!(
        s.ledger.submit_party_list(protocol(1, 3000, P1, 81)),
        Err(LedgerError::Election(_))
    ));
}

#[test]
fn a_refused_mandate_passes_to_the_next_standing_candidate() {
    let mut s = Session::new();
    // Alpha's candidate 2 withdraws before the deadline.
    let d = s
        .ledger
        .withdraw_candidate(
            &id(),
            "Alpha",
            &CandidateRef::Position(2),
            WithdrawnBy::Candidate,
            date(2026, 8, 19),
        )
        .unwrap();
    s.record(d);
    // After the deadline no one can.
    assert!(
        s.ledger
            .withdraw_candidate(
                &id(),
                "Alpha",
                &CandidateRef::Position(3),
                WithdrawnBy::Candidate,
                date(2026, 8, 21),
            )
            .is_err()
    );
    for (p, l, v, a) in [(1, 3000, P1, 80), (2, 3000, P2, 60), (3, 1000, P3, 10)] {
        s.submit(protocol(p, l, v, a)).unwrap();
    }
    let d = s
        .ledger
        .allocate_seats(&id(), TieSeed::new(SEED).unwrap(), author())
        .unwrap();
    s.record(d);
    let alpha: Vec<usize> = s
        .ledger
        .election(&id())
        .unwrap()
        .deputies()
        .filter(|d| d.party == "Alpha")
        .map(|d| d.position)
        .collect();
    // Five seats: positions 1, 3, 4, 5, 6 (2 withdrew).
    assert_eq!(alpha, [1, 3, 4, 5, 6]);
    // Alpha's list is used up; Beta's candidate 1 refuses: Beta's 4th takes the seat.
    let d = s
        .ledger
        .end_mandate(
            &id(),
            "Beta",
            1,
            MandateEnd::Refused,
            date(2026, 9, 2),
            author(),
        )
        .unwrap();
    let e = s.record(d);
    let Event::MandateEnded { successor, .. } = &e.event else {
        panic!()
    };
    assert_eq!(successor.as_ref().map(|d| d.position), Some(4));
    // Alpha's deputy at 6 moves abroad: nobody is left on Alpha's list.
    let d = s
        .ledger
        .end_mandate(
            &id(),
            "Alpha",
            6,
            MandateEnd::MovedAbroad,
            date(2027, 1, 10),
            author(),
        )
        .unwrap();
    let e = s.record(d);
    let Event::MandateEnded { successor, .. } = &e.event else {
        panic!()
    };
    assert_eq!(successor, &None);
    let holding = s.ledger.election(&id()).unwrap().deputies().count();
    assert_eq!(holding, 9);
    // Ending a mandate twice is refused.
    assert!(
        s.ledger
            .end_mandate(
                &id(),
                "Beta",
                1,
                MandateEnd::Refused,
                date(2026, 9, 3),
                author()
            )
            .is_err()
    );

    // The whole log verifies offline, and the verifier's replay has the same deputies.
    let report = verify::verify_log(&s.export()).unwrap();
    let replayed: Vec<_> = report
        .ledger
        .election(&id())
        .unwrap()
        .deputies()
        .cloned()
        .collect();
    let live: Vec<_> = s
        .ledger
        .election(&id())
        .unwrap()
        .deputies()
        .cloned()
        .collect();
    assert_eq!(replayed, live);
}

/// Re-seals every entry from `from` on, as an attacker who controls the log would.
fn reseal(log: &mut [LogEntry]) {
    let mut prev = LogHash::genesis();
    for e in log.iter_mut() {
        *e = LogEntry::seal(e.seq, prev.clone(), e.recorded_at.clone(), e.event.clone());
        prev = e.hash.clone();
    }
}

#[test]
fn the_verifier_re_derives_the_seats_and_catches_a_resealed_change() {
    let mut s = counted();
    let d = s
        .ledger
        .allocate_seats(&id(), TieSeed::new(SEED).unwrap(), author())
        .unwrap();
    s.record(d);
    verify::verify_log(&s.export()).unwrap();

    // Move a seat from Gamma to Beta and re-seal the whole chain: the hashes hold, the seats
    // do not follow from the protocols.
    let mut forged = s.log.clone();
    let last = forged.last_mut().unwrap();
    if let Event::SeatsAllocated { allocation, .. } = &mut last.event {
        allocation.parties[1].seats += 1;
        allocation.parties[2].seats -= 1;
    }
    reseal(&mut forged);
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { kind, reason, .. }) => {
            assert_eq!(kind, "seats_allocated");
            assert!(matches!(reason, LedgerError::Inconsistent(_)), "{reason}");
        }
        other => panic!("expected the forged seats to be caught, got {other:?}"),
    }

    // A seed that is not the committed one is caught too, even re-sealed.
    let mut forged = s.log.clone();
    if let Event::SeatsAllocated { seed, .. } = &mut forged.last_mut().unwrap().event {
        *seed = TieSeed::new("a seed chosen after the count").unwrap();
    }
    reseal(&mut forged);
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    let err = verify::verify_log(&text).unwrap_err().to_string();
    assert!(err.contains("does not match the commitment"), "{err}");

    // And a protocol's votes changed after the fact show up at the allocation.
    let mut forged = s.log.clone();
    for e in &mut forged {
        if let Event::PartyListAccepted {
            protocol,
            protocol_hash,
            ..
        } = &mut e.event
            && protocol.precinct == PrecinctId(3)
        {
            protocol.votes[3].votes += 200;
            protocol.ballots.ballots_found += 200;
            protocol.ballots.ballots_issued += 200;
            protocol.ballots.ballots_cancelled -= 200;
            *protocol_hash = protocol.content_hash();
        }
    }
    reseal(&mut forged);
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { kind, .. }) => assert_eq!(kind, "seats_allocated"),
        other => panic!("expected the changed votes to be caught, got {other:?}"),
    }
}

#[test]
fn no_protocol_before_the_polls_close_and_the_verifier_checks_the_time() {
    let mut s = Session::new();
    // 20:00 in Kazakhstan (UTC+5) on election day is 15:00 UTC; a second earlier is refused.
    let d = match s
        .ledger
        .submit_party_list(protocol(1, 3000, P1, 80))
        .unwrap()
    {
        Decision::Record(d) => d,
        Decision::Known(_) => panic!("new protocol"),
    };
    let err = s
        .ledger
        .clone()
        .record(d.clone(), "2026-08-30T14:59:59Z".into())
        .unwrap_err();
    assert!(matches!(err, LedgerError::VotingOpen { .. }), "{err}");
    assert!(err.to_string().contains("2026-08-30T15:00:00Z"), "{err}");
    s.ledger.record(d, "2026-08-30T15:00:00Z".into()).unwrap();

    // A log whose protocol entry is dated before the close fails verification even when
    // re-sealed.
    let mut forged = s.log.clone();
    let entry = forged.len();
    let mut l = Ledger::replay(&forged).unwrap();
    let d = match l.submit_party_list(protocol(2, 3000, P2, 60)).unwrap() {
        Decision::Record(d) => d,
        Decision::Known(_) => panic!("new protocol"),
    };
    let good = l.record(d, T.into()).unwrap();
    forged.push(LogEntry::seal(
        good.seq,
        good.prev.clone(),
        "2026-08-30T10:00:00Z".into(),
        good.event.clone(),
    ));
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq, reason, .. }) => {
            assert_eq!(seq as usize, entry + 1);
            assert!(matches!(reason, LedgerError::VotingOpen { .. }), "{reason}");
        }
        other => panic!("expected the early protocol to be caught, got {other:?}"),
    }
}

#[test]
fn the_commitment_is_the_sha256_of_the_seed_text() {
    // `printf %s 'abc' | sha256sum`
    assert_eq!(
        seed_commitment(&TieSeed::new("abc").unwrap()),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

/// The whole country: the generated territory, seven parties of 5,000 members, and protocols
/// from 10,459 precincts that add up to the published 2023 party-list votes. With the 2023 house
/// of 69 list seats, the ledger's allocation — re-derived by the offline verifier — is the one
/// the Central Election Commission announced (tests/data/README.md), which this test reads from
/// the record of 2023, not from the code under test.
/// The 2023 Mazhilis votes on the kz profile's territory through the ledger, seats allocated.
fn ledger_2023() -> (Session, ContestId) {
    use ashyq_core::election::scenario::{self, KZ_2023_LIST_SEATS};
    use ashyq_core::profile;
    use ashyq_core::territory::generate;

    let profile = profile::kz();
    let territory = generate::generate(&profile, &generate::TerritorySpec::default()).unwrap();
    let election = ContestId("mazhilis-2023-votes".into());
    let sc = scenario::kurultai_2023_votes(&territory, &election, 5_000, 45, 7).unwrap();
    let mut s = Session {
        ledger: Ledger::new(),
        log: vec![],
    };
    let d = s.ledger.load_territory(territory).unwrap();
    s.record(d);
    for app in &sc.applications {
        let party = check_application(
            app,
            s.ledger.parties(),
            &s.ledger.party_rules(),
            date(2026, 6, 1),
            &key(),
        )
        .unwrap();
        let d = s.ledger.register_party(party).unwrap();
        s.record(d);
    }
    let mut def = ElectionDefinition::kurultai(
        election.clone(),
        election_day(),
        date(2026, 8, 20),
        &TieSeed::new(SEED).unwrap(),
    );
    def.rules.seats = KZ_2023_LIST_SEATS;
    let d = s.ledger.create_election(def).unwrap();
    s.record(d);
    for l in &sc.lists {
        let l = check_list(
            l,
            &s.ledger.election(&election).unwrap().lists,
            &ListRules::KZ_2026,
            election_day(),
            &key(),
        )
        .unwrap();
        let d = s.ledger.register_list(&election, l).unwrap();
        s.record(d);
    }
    for p in sc.protocols {
        assert_eq!(s.submit(p).unwrap(), ReceiptStatus::Accepted);
    }
    let d = s
        .ledger
        .allocate_seats(&election, TieSeed::new(SEED).unwrap(), author())
        .unwrap();
    s.record(d);
    (s, election)
}

#[test]
fn the_2023_votes_through_the_ledger_give_the_announced_seats_and_verify() {
    let (s, election) = ledger_2023();
    let report = verify::verify_log(&s.export()).unwrap();
    let replayed = report.ledger.election(&election).unwrap();
    let seats: Vec<(String, u32)> = replayed
        .allocation()
        .unwrap()
        .seats()
        .map(|(p, n)| (p.to_owned(), n))
        .collect();
    let announced = [
        ("Amanat", 40),
        ("Auyl", 8),
        ("Respublica", 6),
        ("Aq Jol", 6),
        ("People's Party of Kazakhstan", 5),
        ("National Social Democratic Party", 4),
        ("Baytaq", 0),
    ];
    assert_eq!(
        seats,
        announced
            .iter()
            .map(|(p, n)| (p.to_string(), *n))
            .collect::<Vec<_>>()
    );
    assert_eq!(replayed.deputies().count(), 69);
    let national = report.ledger.election_results(&election).unwrap().national;
    assert_eq!(national.against_all, 248_291);
    assert_eq!(national.votes[0].votes, 3_431_510);
}

#[test]
fn the_2023_party_list_is_a_valid_nist_report_with_parties_and_seats() {
    use ashyq_core::nist::build::Issuer;
    use ashyq_core::nist::{ReportDetailLevel, from_ledger, xml};
    use common::schema;

    let (s, election) = ledger_2023();
    let results = s.ledger.election_results(&election).unwrap();
    let allocation = s
        .ledger
        .election(&election)
        .unwrap()
        .allocation()
        .unwrap()
        .clone();
    for format in [
        ReportDetailLevel::PrecinctLevel,
        ReportDetailLevel::SummaryContest,
    ] {
        let r = from_ledger::report(&s.ledger, None, format, &Issuer::default()).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        schema::assert_nist_json(&v);
        schema::assert_valid_xml("nist party list", &xml::to_xml(&r), &schema::nist_xsd());
        assert_eq!(v["Status"], "certified");
        let contest = &v["Election"][0]["Contest"][0];
        assert_eq!(contest["@type"], "ElectionResults.PartyContest");
        assert_eq!(contest["VoteVariation"], "proportional");
        let parties = v["Party"].as_array().unwrap();
        assert_eq!(parties.len(), allocation.parties.len());
        let selections = contest["ContestSelection"].as_array().unwrap();
        // One line per list, then "against all", which names no party.
        assert_eq!(selections.len(), allocation.parties.len() + 1);
        for (sel, party) in selections.iter().zip(&allocation.parties) {
            let id = sel["PartyIds"][0].as_str().unwrap();
            let record = parties.iter().find(|p| p["@id"] == id).unwrap();
            assert_eq!(record["Name"]["Text"][0]["Content"], party.party.as_str());
            let counts = sel["VoteCounts"].as_array().unwrap();
            let votes: u64 = counts
                .iter()
                .filter(|c| c["Type"] == "total")
                .map(|c| c["Count"].as_u64().unwrap())
                .sum();
            assert_eq!(votes, party.votes);
            let seats: Vec<u64> = counts
                .iter()
                .filter(|c| c["Type"] == "seats")
                .map(|c| c["Count"].as_u64().unwrap())
                .collect();
            assert_eq!(seats, [u64::from(party.seats)]);
        }
        let against = selections.last().unwrap();
        assert_eq!(against["@type"], "ElectionResults.CandidateSelection");
        let against_votes: u64 = against["VoteCounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["Count"].as_u64().unwrap())
            .sum();
        assert_eq!(against_votes, results.national.against_all);
        let rejected: u64 = v["Election"][0]["BallotCounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["BallotsRejected"].as_u64().unwrap())
            .sum();
        assert_eq!(rejected, results.national.invalid);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn method() -> impl Strategy<Value = Method> {
        prop::sample::select(vec![
            Method::Hare,
            Method::Droop,
            Method::DHondt,
            Method::SainteLague,
            Method::ModifiedSainteLague,
            Method::Adams,
            Method::HuntingtonHill,
            Method::Imperiali,
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever the votes, house size and method, the seats recorded in the log are the
        /// pure allocation of the national sums, and the offline replay agrees.
        #[test]
        fn the_ledger_allocates_what_the_pure_function_allocates(
            votes in prop::collection::vec(prop::array::uniform4(0u64..700), 3),
            against in prop::collection::vec(0u64..100, 3),
            house in 4u32..40,
            method in method(),
        ) {
            let mut s = Session::new();
            {
                // The rules are fixed at creation; change them by re-creating the session's
                // election under a new id.
                let mut def = s.ledger.election(&id()).unwrap().definition.clone();
                def.id = ContestId("other".into());
                def.rules.seats = house;
                def.rules.method = method;
                let d = s.ledger.create_election(def).unwrap();
                s.record(d);
                for l in s.ledger.election(&id()).unwrap().lists.clone() {
                    let d = s.ledger.register_list(&ContestId("other".into()), l).unwrap();
                    s.record(d);
                }
            }
            let other = ContestId("other".into());
            let lists = [3000, 3000, 3000];
            for (i, v) in votes.iter().enumerate() {
                let mut p = protocol(i as u32 + 1, lists[i], *v, against[i]);
                p.election = other.clone();
                s.submit(p).unwrap();
            }
            let national: Vec<PartyVotes> = PARTIES
                .iter()
                .enumerate()
                .map(|(k, p)| PartyVotes::new(*p, votes.iter().map(|v| v[k]).sum()))
                .collect();
            let rules = s.ledger.election(&other).unwrap().definition.rules;
            let seed = TieSeed::new(SEED).unwrap();
            let direct = seats::allocate(&rules, &national, against.iter().sum(), Some(&seed));
            match s.ledger.allocate_seats(&other, seed.clone(), author()) {
                Ok(d) => {
                    s.record(d);
                    let direct = direct.unwrap();
                    let report = verify::verify_log(&s.export()).unwrap();
                    let replayed = report.ledger.election(&other).unwrap();
                    prop_assert_eq!(replayed.allocation(), Some(&direct));
                    let filled = replayed.deputies().count() as u32;
                    prop_assert!(filled <= house);
                }
                Err(LedgerError::Election(e)) => {
                    // Refused exactly when the pure allocation refuses (no party qualifies…).
                    prop_assert!(direct.is_err(), "ledger refused ({e}) but allocate gave {direct:?}");
                }
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }

        /// Any JSON at all: a clear error or protocols, never a panic; and a checked protocol
        /// either passes or names its broken rules.
        #[test]
        fn party_list_json_never_panics(text in ".{0,300}") {
            let _ = PartyListProtocol::parse_json(&text);
        }

        #[test]
        fn any_numbers_get_a_verdict(
            v in prop::array::uniform4(0u64..=20_000_000),
            a in 0u64..=20_000_000,
            inv in 0u64..=20_000_000,
            found in 0u64..=20_000_000,
        ) {
            let mut p = protocol(1, 3000, [0; 4], 0);
            for (k, x) in v.iter().enumerate() {
                p.votes[k].votes = *x;
            }
            p.against_all = a;
            p.invalid = inv;
            p.ballots.ballots_found = found;
            let check = p.check(&PARTIES, true).unwrap();
            let sum = v.iter().sum::<u64>() + a + inv;
            let within = v.iter().chain([&a, &inv, &found]).all(|x| *x <= 10_000_000);
            prop_assert_eq!(
                check.errors.iter().any(|e| e.rule == ControlRule::ListBallotsCounted),
                within && sum != found
            );
        }
    }
}

#[test]
fn the_party_list_report_imported_into_a_fresh_ledger_gives_the_same_results() {
    use ashyq_core::nist::build::Issuer;
    use ashyq_core::nist::import::{self, ImportError};
    use ashyq_core::nist::{ReportDetailLevel, from_ledger};

    let s = counted();
    let text = serde_json::to_string(
        &from_ledger::report(
            &s.ledger,
            Some(id().as_str()),
            ReportDetailLevel::PrecinctLevel,
            &Issuer::default(),
        )
        .unwrap(),
    )
    .unwrap();
    let mut fresh = Session::new();
    let plan = import::plan(&fresh.ledger, &text, None, &author()).unwrap();
    assert_eq!(plan.protocols.len(), 3);
    for p in &plan.protocols {
        let d = import::decide(&fresh.ledger, p, &author()).unwrap();
        fresh.record(d);
    }
    let (a, b) = (
        s.ledger.election_results(&id()).unwrap(),
        fresh.ledger.election_results(&id()).unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&a.national).unwrap(),
        serde_json::to_value(&b.national).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&a.regions).unwrap(),
        serde_json::to_value(&b.regions).unwrap()
    );
    assert!(matches!(
        import::plan(&fresh.ledger, &text, None, &author()),
        Err(ImportError::AlreadyImported(3))
    ));
    // A party the ballot does not have is named.
    let renamed = text.replace("\"Gamma\"", "\"Omega\"");
    match import::plan(&Session::new().ledger, &renamed, None, &author()) {
        Err(ImportError::Problems(p)) => assert!(
            p.iter()
                .any(|p| p.element.contains("ContestSelection[2]") && p.message.contains("Omega")),
            "{p:?}"
        ),
        other => panic!("expected problems, got {other:?}"),
    }
}
