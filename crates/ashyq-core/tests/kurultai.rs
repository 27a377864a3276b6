//! The Kurultai through the public log: the house is convened from an election whose seats are
//! allocated, its members are that election's mandates (a mandate that ends passes the seat
//! down the list), every step is decided by the ledger, and the offline verifier re-derives
//! every vote — and names the entry of a log whose ballots or outcomes were changed.

use std::collections::BTreeMap;

use ashyq_core::chain::LogHash;
use ashyq_core::contest::ContestId;
use ashyq_core::election::{ElectionDefinition, PartyListProtocol};
use ashyq_core::event::{Event, LogEntry};
use ashyq_core::iin::{DigestKey, Iin, Sex};
use ashyq_core::kurultai::{
    ActKind, Ballot, BillId, BillStatus, CommitteeId, Initiator, KurultaiEvent, KurultaiRules,
    MemberId, Office, ReadingOutcome, RecordedVote,
};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::legal::markdown;
use ashyq_core::party::list::{Candidate, CandidateList, ListRules, MandateEnd, check_list};
use ashyq_core::party::{PartyApplication, PartyRules, check_application};
use ashyq_core::protocol::BallotLines;
use ashyq_core::seats::{PartyVotes, TieSeed};
use ashyq_core::territory::{Names, PrecinctId, Territory, UnitKind};
use ashyq_core::verify::{self, VerifyError};
use chrono::{Days, NaiveDate};

mod common;
use common::{author, hand_made};

const T: &str = "2026-09-15T10:00:00Z";
const SEED: &str = "lottery 2026-08-29";
const PARTIES: [&str; 2] = ["Alpha", "Beta"];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn id() -> ContestId {
    ContestId("kurultai-2026".into())
}

fn territory() -> Territory {
    hand_made::territory(
        "hand-made for tests",
        &[("KZ-43", UnitKind::Oblys)],
        &[("KZ-43-01", "KZ-43")],
        &[(1, "KZ-43-01", 3000)],
    )
}

fn person(born: NaiveDate, sex: Sex, n: u16) -> Iin {
    let first = 10 * (n % 900);
    (first..first + 10)
        .find_map(|s| Iin::from_parts(born, sex, s))
        .expect("one of ten serials gives an issued number")
}

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

    fn step(&mut self, e: KurultaiEvent) -> Result<LogEntry, LedgerError> {
        let d = self.ledger.decide_kurultai(e)?;
        Ok(self.record(d))
    }

    /// An election of 10 seats, Alpha 6 and Beta 4, its seats allocated.
    fn elected() -> Session {
        let mut s = Session {
            ledger: Ledger::new(),
            log: vec![],
        };
        let key = DigestKey::from_bytes(&[9; 32]).unwrap();
        let d = s.ledger.load_territory(territory()).unwrap();
        s.record(d);
        let rules = PartyRules {
            min_members: 1,
            ..PartyRules::KZ_2026
        };
        let d = s.ledger.set_party_rules(rules, author()).unwrap();
        s.record(d);
        for (i, name) in PARTIES.iter().enumerate() {
            let app = PartyApplication {
                name: format!("{name} party"),
                short_name: (*name).into(),
                members: vec![person(date(1970, 1, 1 + i as u32), Sex::Male, i as u16)],
            };
            let p = check_application(
                &app,
                s.ledger.parties(),
                &s.ledger.party_rules(),
                date(2026, 6, 1),
                &key,
            )
            .unwrap();
            let d = s.ledger.register_party(p).unwrap();
            s.record(d);
        }
        let mut def = ElectionDefinition::kurultai(
            id(),
            date(2026, 8, 30),
            date(2026, 8, 20),
            &TieSeed::new(SEED).unwrap(),
        );
        def.rules.seats = 10;
        let d = s.ledger.create_election(def).unwrap();
        s.record(d);
        for (i, name) in PARTIES.iter().enumerate() {
            let l = check_list(
                &list(name, 1000 + 20 * i as u16, 8),
                &s.ledger.election(&id()).unwrap().lists,
                &ListRules::KZ_2026,
                date(2026, 8, 30),
                &key,
            )
            .unwrap();
            let d = s.ledger.register_list(&id(), l).unwrap();
            s.record(d);
        }
        let votes = [1500u64, 1000];
        let found: u64 = votes.iter().sum::<u64>() + 10;
        let p = PartyListProtocol {
            election: id(),
            precinct: PrecinctId(1),
            ballots: BallotLines {
                voters_on_list: 3000,
                ballots_received: 3000,
                ballots_issued: found,
                ballots_cancelled: 3000 - found,
                ballots_found: found,
                ..BallotLines::default()
            },
            votes: PARTIES
                .iter()
                .zip(votes)
                .map(|(p, v)| PartyVotes::new(*p, v))
                .collect(),
            against_all: 0,
            invalid: 10,
        };
        match s.ledger.submit_party_list(p).unwrap() {
            Decision::Record(d) => s.record(d),
            Decision::Known(_) => panic!("a new protocol"),
        };
        let d = s
            .ledger
            .allocate_seats(&id(), TieSeed::new(SEED).unwrap(), author())
            .unwrap();
        s.record(d);
        s
    }

    fn convened() -> Session {
        let mut s = Session::elected();
        s.step(KurultaiEvent::Convened {
            election: id(),
            first_session: date(2026, 9, 15),
            rules: KurultaiRules::default(),
            author: author(),
        })
        .unwrap();
        s
    }

    fn sitting(&self) -> Vec<MemberId> {
        self.ledger
            .kurultai_sitting()
            .unwrap()
            .members
            .into_keys()
            .collect()
    }

    /// Every sitting member votes yes but the last `absent`.
    fn roll(&self, on: NaiveDate, absent: usize) -> RecordedVote {
        let m = self.sitting();
        let n = m.len();
        let ballots = m
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m,
                    if i + absent < n {
                        Ballot::Yes
                    } else {
                        Ballot::Absent
                    },
                )
            })
            .collect();
        RecordedVote::new(on, "motion", ballots)
    }

    fn export(&self) -> String {
        self.log.iter().map(|e| e.to_json_line() + "\n").collect()
    }
}

fn text(work: &str) -> ashyq_core::legal::Act {
    markdown::parse(&format!(
        "---\nwork: {work}\nversion: introduced\ntitle.en: A synthetic bill\n---\n\n# Article 1\nen: Synthetic text.\n"
    ))
    .unwrap()
}

fn reseal(log: &mut [LogEntry]) {
    let mut prev = LogHash::genesis();
    for e in log.iter_mut() {
        *e = LogEntry::seal(e.seq, prev.clone(), e.recorded_at.clone(), e.event.clone());
        prev = e.hash.clone();
    }
}

/// Convened, a chair, a committee, and a bill through three readings to its signature.
fn a_term() -> Session {
    let mut s = Session::convened();
    let chair = s.sitting()[0].clone();
    s.step(KurultaiEvent::OfficerVoted {
        office: Office::Chair,
        candidate: chair.clone(),
        vote: s.roll(date(2026, 9, 15), 1),
        author: author(),
    })
    .unwrap();
    s.step(KurultaiEvent::CommitteeFormed {
        committee: CommitteeId("budget".into()),
        name: Names::same("Budget"),
        chair: chair.clone(),
        members: s.sitting()[..3].to_vec(),
        on: date(2026, 9, 16),
        author: author(),
    })
    .unwrap();
    s.step(KurultaiEvent::BillIntroduced {
        bill: BillId("bill-1".into()),
        kind: ActKind::Law,
        priority: false,
        initiator: Initiator::Government,
        committee: CommitteeId("budget".into()),
        text: text("bill-1"),
        on: date(2026, 9, 20),
        author: author(),
    })
    .unwrap();
    for n in 1..=3u8 {
        s.step(KurultaiEvent::ReadingVoted {
            bill: BillId("bill-1".into()),
            reading: n,
            outcome: ReadingOutcome::NotPassed,
            vote: s.roll(date(2026, 9, 20 + u32::from(n)), 2),
            author: author(),
        })
        .unwrap();
    }
    s.step(KurultaiEvent::Transmitted {
        bill: BillId("bill-1".into()),
        on: date(2026, 9, 25),
        author: author(),
    })
    .unwrap();
    s.step(KurultaiEvent::Signed {
        bill: BillId("bill-1".into()),
        on: date(2026, 10, 1),
        in_force: date(2026, 10, 1),
        author: author(),
    })
    .unwrap();
    s
}

#[test]
fn the_house_is_the_elections_mandates_and_the_verifier_re_derives_every_vote() {
    let s = a_term();
    assert_eq!(s.sitting().len(), 10);
    let k = s.ledger.kurultai();
    assert_eq!(k.votes().len(), 4);
    assert_eq!(
        k.bill(&BillId("bill-1".into())).unwrap().status,
        BillStatus::Signed
    );
    // Factions are the parties of the lists.
    let factions: BTreeMap<String, usize> =
        s.ledger.kurultai_sitting().unwrap().members.values().fold(
            BTreeMap::new(),
            |mut m, (p, _)| {
                *m.entry(p.clone()).or_default() += 1;
                m
            },
        );
    assert_eq!(
        factions,
        BTreeMap::from([("Alpha".into(), 6), ("Beta".into(), 4)])
    );
    verify::verify_log(&s.export()).unwrap();
    let replayed = Ledger::replay(&s.log).unwrap();
    assert_eq!(replayed.kurultai().votes(), k.votes());
    // The serialized form: one newtype variant, tagged by type and event.
    let line = s.log.last().unwrap().to_json_line();
    assert!(
        line.contains(r#""type":"kurultai","event":"signed""#),
        "{line}"
    );
}

#[test]
fn a_deputy_whose_mandate_ended_cannot_vote_and_the_successor_does() {
    let mut s = Session::convened();
    let gone = s.sitting()[0].clone();
    let (party, position) = gone.0.rsplit_once('-').unwrap();
    let party = PARTIES.iter().find(|p| p.to_lowercase() == party).unwrap();
    let roll_before = s.roll(date(2026, 9, 20), 0);
    let d = s
        .ledger
        .end_mandate(
            &id(),
            party,
            position.parse().unwrap(),
            MandateEnd::LeftParty,
            date(2026, 9, 18),
            author(),
        )
        .unwrap();
    s.record(d);
    let chair = s.sitting()[1].clone();
    let before = s.log.len();
    let err = s
        .step(KurultaiEvent::OfficerVoted {
            office: Office::Chair,
            candidate: chair.clone(),
            vote: roll_before,
            author: author(),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("mandate has ended"), "{err}");
    assert_eq!(s.log.len(), before);
    // The successor (position 7 of the same list) sits and must be in the roll call.
    assert!(s.sitting().contains(&MemberId::deputy(party, 7)));
    s.step(KurultaiEvent::OfficerVoted {
        office: Office::Chair,
        candidate: chair,
        vote: s.roll(date(2026, 9, 20), 0),
        author: author(),
    })
    .unwrap();
    verify::verify_log(&s.export()).unwrap();
}

#[test]
fn no_house_before_the_seats_are_allocated() {
    let mut s = Session::elected();
    // A second election without seats.
    let err = s
        .step(KurultaiEvent::Convened {
            election: ContestId("no-such".into()),
            first_session: date(2026, 9, 15),
            rules: KurultaiRules::default(),
            author: author(),
        })
        .unwrap_err();
    assert!(matches!(err, LedgerError::UnknownContest(_)), "{err}");
    let err = s
        .step(KurultaiEvent::Convened {
            election: id(),
            first_session: date(2026, 8, 1),
            rules: KurultaiRules::default(),
            author: author(),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("before election day"), "{err}");
    // Nothing before convening.
    let err = s
        .step(KurultaiEvent::Transmitted {
            bill: BillId("bill-1".into()),
            on: date(2026, 9, 25),
            author: author(),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("has not been convened"), "{err}");
}

#[test]
fn a_changed_ballot_or_outcome_is_caught_with_its_entry_even_resealed() {
    let s = a_term();
    let reading = s
        .log
        .iter()
        .position(|e| {
            matches!(
                &e.event,
                Event::Kurultai(KurultaiEvent::ReadingVoted { .. })
            )
        })
        .unwrap();
    // One ballot changed from yes to no, the counts left as announced.
    let mut forged = s.log.clone();
    if let Event::Kurultai(KurultaiEvent::ReadingVoted { vote, .. }) = &mut forged[reading].event {
        vote.ballots[0].1 = Ballot::No;
    }
    reseal(&mut forged);
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq, reason, .. }) => {
            assert_eq!(seq, forged[reading].seq);
            assert!(reason.to_string().contains("disagree"), "{reason}");
        }
        other => panic!("expected the changed ballot to be caught, got {other:?}"),
    }
    // The outcome changed: a passed reading recorded as not passed.
    let mut forged = s.log.clone();
    if let Event::Kurultai(KurultaiEvent::ReadingVoted { outcome, .. }) = &mut forged[reading].event
    {
        *outcome = ReadingOutcome::NotPassed;
    }
    reseal(&mut forged);
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry {
            seq, kind, reason, ..
        }) => {
            assert_eq!((seq, kind), (forged[reading].seq, "reading_voted"));
            assert!(matches!(reason, LedgerError::Inconsistent(_)), "{reason}");
        }
        other => panic!("expected the changed outcome to be caught, got {other:?}"),
    }
    // Not re-sealed: the hash no longer matches.
    let mut forged = s.log.clone();
    if let Event::Kurultai(KurultaiEvent::ReadingVoted { vote, .. }) = &mut forged[reading].event {
        vote.motion = "another motion".into();
    }
    let text: String = forged.iter().map(|e| e.to_json_line() + "\n").collect();
    match verify::verify_log(&text) {
        Err(VerifyError::BadEntry { seq, .. }) => assert_eq!(seq, forged[reading].seq),
        other => panic!("expected the changed entry to be caught, got {other:?}"),
    }
}

#[test]
fn bills_and_debate_records_with_their_roll_calls_are_valid_akoma_ntoso() {
    use ashyq_core::kurultai::akn;
    use ashyq_core::lang::Lang;
    let s = a_term();
    let xsd = common::schema::akn_xsd();
    let k = s.ledger.kurultai();
    let bill = k.bill(&BillId("bill-1".into())).unwrap();
    for lang in Lang::ALL {
        let doc = akn::bill(bill, lang);
        assert!(doc.contains("<bill name=\"bill\">"), "{doc}");
        common::schema::assert_valid_xml("kurultai bill", &doc, &xsd);
    }
    let sitting = s.ledger.kurultai_sitting().unwrap();
    // The first reading's day: one roll call, every member once, by faction.
    let doc = akn::debate(k, date(2026, 9, 21), &sitting.members);
    common::schema::assert_valid_xml("kurultai debate", &doc, &xsd);
    assert_eq!(doc.matches("<rollCall ").count(), 1, "{doc}");
    let v = k
        .votes()
        .iter()
        .find(|r| r.vote.on == date(2026, 9, 21))
        .unwrap();
    for (m, b) in &v.vote.ballots {
        assert_eq!(
            doc.matches(&format!("({}): {}", m.0, b.popolo())).count(),
            1,
            "{m:?}"
        );
    }
    for party in PARTIES {
        assert!(doc.contains(&format!("<p>{party}: ")), "{doc}");
    }
    // A day without a vote is a valid record that says so.
    let none = akn::debate(k, date(2026, 12, 1), &sitting.members);
    common::schema::assert_valid_xml("kurultai debate, no vote", &none, &xsd);
    assert!(none.contains("No vote was recorded"));
}
