//! A presidential election through the ledger, on a small hand-made territory: nominations
//! checked criterion by criterion, the single-term rule against the record of past presidents,
//! signature decisions, a withdrawal, protocols through the shared protocol book, a first round
//! with no majority that certifies into a second round of its two leaders, the second round
//! certified — and every bad input of the issue refused with its rule and nothing recorded.
//! The offline verifier re-derives all of it and catches a re-sealed change of the outcome.

use ashyq_core::chain::LogHash;
use ashyq_core::contest::ContestId;
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::iin::{DigestKey, Iin, Sex};
use ashyq_core::keys::{Commission, CommissionSigningKey, KeyEvent, KeyRegistered, KeyStatusError};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError, NomineeStatus};
use ashyq_core::president::signatures::RegionSignatures;
use ashyq_core::president::{
    CandidateFacts, CandidateVotes, Criterion, Nomination, Nominator, NominatorKind, PastPresident,
    PresidentError, PresidentEvent, PresidentialDefinition, PresidentialOutcome,
    PresidentialProtocol, PresidentialRules, SignatureTally,
};
use ashyq_core::protocol::{BallotLines, ControlRule};
use ashyq_core::seats::TieSeed;
use ashyq_core::signed::{SignedError, SignedPresidentialProtocol, Statement};
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::{PrecinctId, RegionCode, Territory, UnitKind};
use ashyq_core::verify::{self, VerifyError};
use chrono::NaiveDate;

mod common;
use common::{author, hand_made};

/// After the polls of both rounds closed (20:00 at UTC+5 on 2029-11-25 and 2029-12-16).
const T: &str = "2029-12-16T16:00:00Z";
const SEED: &str = "president 2029: 04 11 27 33 45";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn first() -> ContestId {
    ContestId("president-2029".into())
}

fn second() -> ContestId {
    ContestId("president-2029-2".into())
}

fn key() -> DigestKey {
    DigestKey::from_bytes(&[5; 32]).unwrap()
}

fn territory() -> Territory {
    hand_made::territory(
        "hand-made for tests",
        &[
            ("KZ-43", UnitKind::Oblys),
            ("KZ-75", UnitKind::City),
            ("ABROAD", UnitKind::Abroad),
        ],
        &[
            ("KZ-43-01", "KZ-43"),
            ("KZ-75-01", "KZ-75"),
            ("ABROAD-TR", "ABROAD"),
        ],
        &[
            (1, "KZ-43-01", 3000),
            (2, "KZ-75-01", 3000),
            (3, "ABROAD-TR", 1000),
        ],
    )
}

fn person(born: NaiveDate) -> Iin {
    (1..100)
        .find_map(|s| Iin::from_parts(born, Sex::Female, s))
        .unwrap()
}

fn facts() -> CandidateFacts {
    CandidateFacts {
        citizen_by_birth: true,
        state_language: true,
        residence_years: 30,
        higher_education: true,
        public_service_years: 12,
    }
}

fn nomination(name: &str, born: NaiveDate, kind: NominatorKind) -> Nomination {
    Nomination::new(
        name,
        &person(born),
        &key(),
        Nominator {
            kind,
            name: format!("Association for {name}"),
        },
        facts(),
    )
}

/// A signature decision on 7,000 voters (70 required) over the two regions.
fn signatures(per_region: [u64; 2]) -> SignatureTally {
    let regions = ["KZ-43", "KZ-75"]
        .iter()
        .zip(per_region)
        .map(|(r, valid)| RegionSignatures {
            region: RegionCode((*r).into()),
            valid,
        })
        .collect();
    SignatureTally::decide(
        7000,
        per_region.iter().sum::<u64>() + 5,
        regions,
        &PresidentialRules::kz_2026().signatures,
    )
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

    fn submit(&mut self, p: PresidentialProtocol) {
        match self.ledger.submit_presidential(p).unwrap() {
            Decision::Record(d) => {
                self.record(d);
            }
            Decision::Known(_) => panic!("a new protocol"),
        }
    }

    fn export(&self) -> String {
        self.log.iter().map(|e| e.to_json_line() + "\n").collect()
    }

    /// Refused with nothing recorded: the head does not move.
    fn refused(&self, result: Result<Decided, LedgerError>) -> LedgerError {
        let head = self.ledger.head().map(|(s, _)| s);
        let err = result.expect_err("the command must be refused");
        assert_eq!(self.ledger.head().map(|(s, _)| s), head);
        err
    }
}

/// A consistent protocol of `election` with `votes` in ballot order, 20 against all and 10
/// invalid.
fn protocol(
    election: ContestId,
    precinct: u32,
    ballot: &[&str],
    votes: &[u64],
) -> PresidentialProtocol {
    let found: u64 = votes.iter().sum::<u64>() + 30;
    PresidentialProtocol {
        election,
        precinct: PrecinctId(precinct),
        ballots: BallotLines {
            voters_on_list: 3000,
            ballots_received: 3000,
            ballots_issued: found,
            ballots_cancelled: 3000 - found,
            ballots_found: found,
            ..BallotLines::default()
        },
        votes: ballot
            .iter()
            .zip(votes)
            .map(|(c, v)| CandidateVotes::new(*c, *v))
            .collect(),
        against_all: 20,
        invalid: 10,
    }
}

/// The first round called, a past president on the record, Aigerim, Bolat and Chingiz
/// registered, Chingiz then withdrawn.
fn registered() -> Session {
    let mut s = Session {
        ledger: Ledger::new(),
        log: vec![],
    };
    let d = s.ledger.load_territory(territory()).unwrap();
    s.record(d);
    let definition = PresidentialDefinition::kz_2026(
        first(),
        "Election of the President",
        date(2029, 11, 25),
        date(2029, 11, 20),
        &TieSeed::new(SEED).unwrap(),
    );
    let d = s.ledger.call_presidential(definition).unwrap();
    s.record(d);
    let past = nomination("Dana Past", date(1955, 3, 3), NominatorKind::Party);
    let d = s
        .ledger
        .record_past_president(
            PastPresident {
                name: past.name.clone(),
                iin: past.iin.clone(),
                digest: past.digest.clone(),
                elected_in: "2022".into(),
            },
            author(),
        )
        .unwrap();
    s.record(d);
    for (name, born) in [
        ("Aigerim", date(1970, 1, 1)),
        ("Bolat", date(1975, 2, 2)),
        ("Chingiz", date(1980, 3, 3)),
    ] {
        let n = nomination(name, born, NominatorKind::PublicAssociation);
        let d = s.ledger.nominate_candidate(&first(), n, author()).unwrap();
        s.record(d);
        let d = s
            .ledger
            .register_candidate(&first(), name, signatures([40, 40]), author())
            .unwrap();
        s.record(d);
    }
    let d = s
        .ledger
        .withdraw_presidential_candidate(&first(), "Chingiz", date(2029, 11, 19), author())
        .unwrap();
    s.record(d);
    s
}

#[test]
fn candidates_are_registered_criterion_by_criterion_and_bad_ones_refused_by_rule() {
    let mut s = registered();
    let p = s.ledger.presidential(&first()).unwrap();
    assert_eq!(p.ballot(), vec!["Aigerim", "Bolat"]);
    let NomineeStatus::Registered {
        criteria,
        signatures: tally,
    } = &p.nominee("Aigerim").unwrap().status
    else {
        panic!("registered")
    };
    assert_eq!(criteria.len(), Criterion::ALL.len());
    assert!(criteria.iter().all(|c| c.met));
    assert_eq!(
        tally.to_string(),
        "80 valid of 85; 70 required; 2 of 2 regions meet the spread of 35 (at least 2 must): sufficient"
    );

    // Under 40 on election day: refused by the age criterion, nothing recorded.
    let young = nomination(
        "Yerlan",
        date(1989, 11, 26),
        NominatorKind::PublicAssociation,
    );
    let d = s
        .ledger
        .nominate_candidate(&first(), young, author())
        .unwrap();
    s.record(d);
    let err =
        s.refused(
            s.ledger
                .register_candidate(&first(), "Yerlan", signatures([40, 40]), author()),
        );
    assert!(
        err.to_string().starts_with(
            "Yerlan cannot be registered: criteria not met: minimum_age (born 1989-11-26: 39 on 2029-11-25"
        ),
        "{err}"
    );
    // The CEC records the refusal, naming the criterion.
    let d = s
        .ledger
        .refuse_candidate(&first(), "Yerlan", None, author())
        .unwrap();
    let e = s.record(d);
    let Event::President(PresidentEvent::CandidateRefused { criteria, .. }) = &e.event else {
        panic!("a refusal")
    };
    assert!(
        criteria
            .iter()
            .any(|c| c.criterion == Criterion::MinimumAge && !c.met)
    );

    // Already President once: refused by the single-term rule, found by digest.
    let again = nomination(
        "Dana Past",
        date(1955, 3, 3),
        NominatorKind::PublicAssociation,
    );
    let d = s
        .ledger
        .nominate_candidate(&first(), again, author())
        .unwrap();
    s.record(d);
    let err = s.refused(s.ledger.register_candidate(
        &first(),
        "Dana Past",
        signatures([40, 40]),
        author(),
    ));
    assert!(
        err.to_string()
            .contains("never_president (already elected President (2022"),
        "{err}"
    );

    // Self-nomination is not allowed by the 2022 rules.
    let own = nomination("Samat", date(1970, 5, 5), NominatorKind::SelfNomination);
    let err = s.refused(s.ledger.nominate_candidate(&first(), own, author()));
    assert!(
        err.to_string()
            .contains("nomination by self-nomination is not allowed"),
        "{err}"
    );

    // Signatures too few or not spread: refused with the numbers; a forged decision too.
    let spread = nomination("Timur", date(1971, 6, 6), NominatorKind::PublicAssociation);
    let d = s
        .ledger
        .nominate_candidate(&first(), spread, author())
        .unwrap();
    s.record(d);
    let err =
        s.refused(
            s.ledger
                .register_candidate(&first(), "Timur", signatures([80, 10]), author()),
        );
    assert_eq!(
        err.to_string(),
        "Timur cannot be registered: support signatures: 90 valid of 95; 70 required; 1 of 2 regions meet the spread of 35 (at least 2 must): insufficient"
    );
    let mut forged = signatures([80, 10]);
    forged.sufficient = true;
    let err = s.refused(
        s.ledger
            .register_candidate(&first(), "Timur", forged, author()),
    );
    assert!(matches!(
        err,
        LedgerError::President(ref e) if matches!(**e, PresidentError::SignatureTallyInconsistent { .. })
    ));
    // A refusal needs a ground.
    let err = s.refused(s.ledger.refuse_candidate(
        &first(),
        "Timur",
        Some(signatures([40, 40])),
        author(),
    ));
    assert!(
        err.to_string()
            .contains("a refusal must name a failed criterion"),
        "{err}"
    );

    // Withdrawal after the deadline.
    let err = s.refused(s.ledger.withdraw_presidential_candidate(
        &first(),
        "Bolat",
        date(2029, 11, 21),
        author(),
    ));
    assert!(
        err.to_string()
            .starts_with("withdrawals closed on 2029-11-20"),
        "{err}"
    );
}

/// Protocols of the first round: Aigerim 45%, Bolat 40% of those who took part.
fn counted_first_round() -> Session {
    let mut s = registered();
    let ballot = ["Aigerim", "Bolat"];
    s.submit(protocol(first(), 1, &ballot, &[900, 870]));
    s.submit(protocol(first(), 2, &ballot, &[850, 650]));
    s.submit(protocol(first(), 3, &ballot, &[100, 200]));
    s
}

#[test]
fn bad_protocols_are_refused_with_their_rule_and_nothing_recorded() {
    let mut s = registered();
    let ballot = ["Aigerim", "Bolat"];
    // A vote line for the withdrawn candidate.
    let with_withdrawn = protocol(first(), 1, &["Aigerim", "Bolat", "Chingiz"], &[900, 800, 5]);
    let head = s.ledger.head().map(|(n, _)| n);
    let err = s.ledger.submit_presidential(with_withdrawn).unwrap_err();
    assert_eq!(
        err.to_string(),
        "precinct 1: the protocol has a vote line for Chingiz, who withdrew and is not on the ballot; remove the line (ballots marked for a withdrawn candidate are invalid)"
    );
    // Candidate lines that do not add up to the ballots found.
    let mut bad = protocol(first(), 1, &ballot, &[900, 800]);
    bad.votes[0].votes += 3;
    match s.ledger.submit_presidential(bad).unwrap_err() {
        LedgerError::Rejected { errors, .. } => {
            assert_eq!(errors[0].rule, ControlRule::ListBallotsCounted);
            assert_eq!(errors[0].detail, "1730 ≠ 1703 + 20 + 10 = 1733");
        }
        other => panic!("expected KR-4, got {other}"),
    }
    assert_eq!(s.ledger.head().map(|(n, _)| n), head);
    // A second round before the first is certified.
    let first_def = s.ledger.presidential(&first()).unwrap().definition.clone();
    let early = PresidentialDefinition::second_round(
        &first_def,
        second(),
        date(2029, 12, 16),
        vec!["Aigerim".into(), "Bolat".into()],
        &TieSeed::new("second").unwrap(),
    );
    let err = s.refused(s.ledger.call_presidential(early));
    assert_eq!(
        err.to_string(),
        "the second round of president-2029 cannot be called before its first round is certified; certify the first round first"
    );
    // Certification before the count is final.
    s.submit(protocol(first(), 1, &ballot, &[900, 870]));
    let err = s.refused(s.ledger.certify_presidential(&first(), author(), None));
    assert!(
        err.to_string().contains("2 precincts have not reported"),
        "{err}"
    );
    // The candidates are fixed once protocols arrive.
    let late = nomination("Late", date(1970, 7, 7), NominatorKind::Party);
    let err = s.refused(s.ledger.nominate_candidate(&first(), late, author()));
    assert!(matches!(
        err,
        LedgerError::President(ref e) if matches!(**e, PresidentError::BallotFixed(_))
    ));
}

#[test]
fn no_majority_certifies_into_a_second_round_of_the_two_leaders_which_certifies() {
    let mut s = counted_first_round();
    let results = s.ledger.presidential_results(&first()).unwrap();
    assert_eq!(results.status, ResultStatus::Final);
    // 1,850 + 1,720 + 60 against all + 30 invalid = 3,660 took part; Aigerim 1,850 is 50.55%
    // of them: more than half. Move votes so that nobody has it.
    assert_eq!(results.national.took_part(), 3_660);
    let d = s
        .ledger
        .amend_presidential(
            protocol(first(), 3, &["Aigerim", "Bolat"], &[40, 260]),
            "recount: ballots of Aigerim and Bolat were swapped",
            author(),
        )
        .unwrap();
    s.record(d);
    let results = s.ledger.presidential_results(&first()).unwrap();
    assert_eq!(
        results
            .regions
            .iter()
            .map(|r| r.totals.votes[0].votes)
            .collect::<Vec<_>>(),
        vec![900, 850, 40]
    );
    let d = s
        .ledger
        .certify_presidential(&first(), author(), None)
        .unwrap();
    s.record(d);
    let p = s.ledger.presidential(&first()).unwrap();
    let outcome = &p.certification().unwrap().outcome;
    let PresidentialOutcome::SecondRound {
        candidates, reason, ..
    } = outcome
    else {
        panic!("a second round, got {outcome:?}")
    };
    assert_eq!(candidates, &vec!["Aigerim".to_owned(), "Bolat".to_owned()]);
    // Aigerim 1,790 of 3,660 = 48.91%; Bolat 1,780 = 48.63%.
    assert_eq!(
        reason,
        "second round: no candidate has more than 50% of those who took part; the 2 leading candidates meet: Aigerim 48.91%, Bolat 48.63%"
    );
    // The certified round is locked.
    let err = s.refused(s.ledger.amend_presidential(
        protocol(first(), 3, &["Aigerim", "Bolat"], &[41, 259]),
        "again",
        author(),
    ));
    assert!(matches!(err, LedgerError::Certified(_)));

    // The second round: not with other candidates, not too late, then with the two leaders.
    let first_def = p.definition.clone();
    let seed = TieSeed::new("second round seed").unwrap();
    let wrong = PresidentialDefinition::second_round(
        &first_def,
        second(),
        date(2029, 12, 16),
        vec!["Aigerim".into(), "Chingiz".into()],
        &seed,
    );
    let err = s.refused(s.ledger.call_presidential(wrong));
    assert!(
        err.to_string().contains("not [\"Aigerim\", \"Chingiz\"]"),
        "{err}"
    );
    let late = PresidentialDefinition::second_round(
        &first_def,
        second(),
        date(2030, 2, 1),
        vec!["Aigerim".into(), "Bolat".into()],
        &seed,
    );
    let err = s.refused(s.ledger.call_presidential(late));
    assert!(err.to_string().contains("within 61 days"), "{err}");
    let def = PresidentialDefinition::second_round(
        &first_def,
        second(),
        date(2029, 12, 16),
        vec!["Aigerim".into(), "Bolat".into()],
        &seed,
    );
    let d = s.ledger.call_presidential(def.clone()).unwrap();
    s.record(d);
    assert_eq!(
        s.ledger.presidential(&first()).unwrap().second_round(),
        Some(&second())
    );
    let again = PresidentialDefinition {
        id: ContestId("president-2029-3".into()),
        ..def
    };
    let err = s.refused(s.ledger.call_presidential(again));
    assert!(
        err.to_string().contains("already has its second round"),
        "{err}"
    );

    let ballot = ["Aigerim", "Bolat"];
    let p2 = s.ledger.presidential(&second()).unwrap();
    assert_eq!(p2.ballot(), ballot.to_vec());
    s.submit(protocol(second(), 1, &ballot, &[1000, 900]));
    s.submit(protocol(second(), 2, &ballot, &[700, 900]));
    s.submit(protocol(second(), 3, &ballot, &[300, 100]));
    let d = s
        .ledger
        .certify_presidential(&second(), author(), None)
        .unwrap();
    s.record(d);
    let cert = s
        .ledger
        .presidential(&second())
        .unwrap()
        .certification()
        .unwrap();
    assert_eq!(cert.outcome.elected(), Some("Aigerim"));
    assert_eq!(
        cert.outcome.reason(),
        "elected in the second round: Aigerim has the higher vote, 2,000 (50.13% of those who took part) against 1,900"
    );
    // The winner is on the record of past presidents: she cannot stand again.
    assert!(
        s.ledger
            .past_presidents()
            .iter()
            .any(|p| p.name == "Aigerim" && p.elected_in == "president-2029-2")
    );

    // The whole log verifies offline and the replay reaches the same outcome.
    let report = verify::verify_log(&s.export()).unwrap();
    assert_eq!(
        report
            .ledger
            .presidential(&second())
            .unwrap()
            .certification()
            .unwrap()
            .outcome,
        cert.outcome
    );

    // Change the second round's winner and re-seal the chain: the hashes hold, the outcome
    // does not follow from the protocols, and the verifier names the entry.
    let mut forged = s.log.clone();
    let last = forged.last_mut().unwrap();
    let seq = last.seq;
    if let Event::President(PresidentEvent::RoundCertified { outcome, .. }) = &mut last.event
        && let PresidentialOutcome::Elected { elected, .. } = outcome
    {
        *elected = "Bolat".into();
    }
    let mut prev = LogHash::genesis();
    for e in forged.iter_mut() {
        *e = LogEntry::seal(e.seq, prev.clone(), e.recorded_at.clone(), e.event.clone());
        prev = e.hash.clone();
    }
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq: at, kind, .. }) => {
            assert_eq!(at, seq);
            assert_eq!(kind, "president_round_certified");
        }
        other => panic!("expected the forged outcome to be caught, got {other:?}"),
    }
}

#[test]
fn events_serialize_as_a_newtype_variant_of_the_public_log() {
    let s = registered();
    let line = s.log[1].to_json_line();
    assert!(
        line.contains("\"type\":\"president\",\"event\":\"election_called\""),
        "{line}"
    );
    // No IIN in clear anywhere in the log: only masked forms and digests.
    let text = s.export();
    for born in [date(1970, 1, 1), date(1975, 2, 2), date(1955, 3, 3)] {
        assert!(!text.contains(&person(born).expose()));
    }
    let replayed = Ledger::replay(&s.log).unwrap();
    assert_eq!(
        replayed.presidential(&first()).unwrap().ballot(),
        vec!["Aigerim", "Bolat"]
    );
}

/// A precinct commission's key, from a fixed seed, registered by the CEC.
fn precinct_key(s: &mut Session, precinct: u32) -> CommissionSigningKey {
    let k = CommissionSigningKey::from_seed(
        Commission::Precinct(PrecinctId(precinct)),
        &[precinct as u8; 32],
    );
    let d = s
        .ledger
        .manage_key(KeyEvent::KeyRegistered(KeyRegistered {
            commission: k.commission().clone(),
            public_key: k.public(),
            valid_from: "2029-01-01T00:00:00Z".parse().unwrap(),
            by: Commission::Central,
            author: author(),
        }))
        .unwrap();
    s.record(d);
    k
}

#[test]
fn signed_and_entered_protocols_follow_the_referendums_rules_and_are_checked_on_replay() {
    let mut s = registered();
    let ballot = ["Aigerim", "Bolat"];
    let (k1, k2) = (precinct_key(&mut s, 1), precinct_key(&mut s, 2));
    // The polls of the first round closed at 15:00 UTC on 25 November.
    let after_close = "2029-11-25T15:30:00Z".parse().unwrap();
    let doc = SignedPresidentialProtocol::sign(
        &protocol(first(), 1, &ballot, &[900, 870]),
        1,
        after_close,
        &k1,
    )
    .unwrap();
    let verified = doc.verify(s.ledger.keys()).unwrap();
    let Decision::Record(d) = s.ledger.submit_presidential_signed(&verified).unwrap() else {
        panic!("a new protocol is recorded");
    };
    let entry = s.record(d);
    // The receipt and the history carry the signature; the same document again gets the
    // receipt of the first time.
    let receipt = s
        .ledger
        .receipt_at(&first(), PrecinctId(1), entry.seq)
        .unwrap();
    assert_eq!(
        receipt.signature.as_ref().map(|r| r.document_hash.as_str()),
        Some(verified.document_hash())
    );
    match s.ledger.submit_presidential_signed(&verified).unwrap() {
        Decision::Known(r) => assert_eq!(r, receipt),
        Decision::Record(_) => panic!("the same document is known"),
    }
    let p = s.ledger.presidential(&first()).unwrap();
    let history = p.book().history(PrecinctId(1));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].signature, receipt.signature);
    assert!(history[0].entered_by.is_none());

    // Precinct 1's numbers re-addressed to precinct 2: refused; nothing recorded.
    let mut forged = SignedPresidentialProtocol::sign(
        &protocol(first(), 1, &ballot, &[850, 650]),
        1,
        after_close,
        &k1,
    )
    .unwrap();
    forged.statement.protocol.precinct = PrecinctId(2);
    let head = s.ledger.head().map(|(n, _)| n);
    // Changed after signing: the signature no longer matches.
    assert!(matches!(
        forged.verify(s.ledger.keys()),
        Err(SignedError::BadSignature { .. })
    ));
    // Signed again by precinct 1's key: a valid signature by a key of another commission.
    forged.signature = k1.sign(&forged.statement.canonical_bytes().unwrap());
    assert!(matches!(
        forged.verify(s.ledger.keys()),
        Err(SignedError::Key(KeyStatusError::OtherCommission { .. }))
    ));
    // Signed before the polls closed: refused when it is recorded, as the referendum's.
    let early = SignedPresidentialProtocol::sign(
        &protocol(first(), 2, &ballot, &[850, 650]),
        1,
        "2029-11-25T14:00:00Z".parse().unwrap(),
        &k2,
    )
    .unwrap();
    let Decision::Record(d) = s
        .ledger
        .submit_presidential_signed(&early.verify(s.ledger.keys()).unwrap())
        .unwrap()
    else {
        panic!("decided as new");
    };
    let err = s.ledger.record(d, T.into()).unwrap_err();
    assert!(
        matches!(err, LedgerError::SignedBeforeClose { .. }),
        "{err}"
    );
    assert_eq!(s.ledger.head().map(|(n, _)| n), head);

    // An operator's entry of precinct 2 from paper names the operator.
    let operator = author();
    let Decision::Record(d) = s
        .ledger
        .submit_presidential_entered(protocol(first(), 2, &ballot, &[850, 650]), operator.clone())
        .unwrap()
    else {
        panic!("a new protocol");
    };
    s.record(d);
    let p = s.ledger.presidential(&first()).unwrap();
    assert_eq!(
        p.book().history(PrecinctId(2))[0].entered_by.as_ref(),
        Some(&operator)
    );
    // The whole log replays and verifies offline, signatures checked again from it alone.
    let report = verify::verify_log(&s.export()).unwrap();
    assert_eq!(report.entries, s.log.len() as u64);

    // Someone rewrites the signed protocol's numbers and re-seals the chain: the signature
    // no longer matches, on replay.
    let mut log = s.log.clone();
    let i = log
        .iter()
        .position(|e| e.seq == entry.seq)
        .expect("the signed entry");
    if let Event::President(PresidentEvent::ProtocolAccepted {
        protocol,
        protocol_hash,
        ..
    }) = &mut log[i].event
    {
        protocol.votes[0].votes -= 10;
        protocol.votes[1].votes += 10;
        *protocol_hash = protocol.content_hash();
    }
    for j in i..log.len() {
        let prev = log[j - 1].hash.clone();
        let e = &log[j];
        log[j] = LogEntry::seal(e.seq, prev, e.recorded_at.clone(), e.event.clone());
    }
    match Ledger::replay(&log) {
        Err(LedgerError::Signed(e)) => {
            assert!(matches!(*e, SignedError::BadSignature { .. }), "{e}")
        }
        other => panic!("expected the forged numbers to be caught, got {other:?}"),
    }
}
