//! The Kurultai's rules on a house of 10 seats: officers, committees, a bill through its
//! readings with an amendment, the President's signature, return and override, the People's
//! Council's initiatives, the Vice President; and each refusal of point 10 of the issue.

use super::*;
use crate::consult::{MajorityBase, VotingRules};
use crate::legal::{Lang, markdown};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn author() -> Author {
    Author::new("secretariat", "kurultai secretariat")
}

fn id(s: &str) -> MemberId {
    MemberId(s.into())
}

/// Ten deputies: a-1 … a-6 of party A, b-1 … b-4 of party B; b-5 held a seat that ended.
fn sitting() -> Sitting {
    let mut members = BTreeMap::new();
    for i in 1..=6 {
        members.insert(id(&format!("a-{i}")), ("A".into(), format!("A deputy {i}")));
    }
    for i in 1..=4 {
        members.insert(id(&format!("b-{i}")), ("B".into(), format!("B deputy {i}")));
    }
    Sitting {
        seats: 10,
        members,
        former: [id("b-5")].into(),
    }
}

/// A roll call where the first `yes` sitting members vote yes, the next `no` no, the rest are
/// absent.
fn roll(on: NaiveDate, yes: usize, no: usize) -> RecordedVote {
    let ballots = sitting()
        .members
        .keys()
        .enumerate()
        .map(|(i, m)| {
            let b = if i < yes {
                Ballot::Yes
            } else if i < yes + no {
                Ballot::No
            } else {
                Ballot::Absent
            };
            (m.clone(), b)
        })
        .collect();
    RecordedVote::new(on, "motion", ballots)
}

struct House {
    k: Kurultai,
    seq: u64,
    sitting: Sitting,
}

impl House {
    fn with(rules: KurultaiRules) -> House {
        let mut h = House {
            k: Kurultai::new(),
            seq: 0,
            sitting: sitting(),
        };
        h.ok(KurultaiEvent::Convened {
            election: ContestId("kurultai-2026".into()),
            first_session: day(9, 15),
            rules,
            author: author(),
        });
        h
    }

    fn new() -> House {
        House::with(KurultaiRules::default())
    }

    fn try_(&mut self, e: KurultaiEvent) -> Result<KurultaiEvent, KurultaiError> {
        let d = self.k.decide(e, &self.sitting)?;
        // Deciding the decided event again changes nothing: that is the replay's check.
        assert_eq!(self.k.decide(d.clone(), &self.sitting).unwrap(), d);
        self.seq += 1;
        self.k.apply(&d, self.seq);
        Ok(d)
    }

    fn ok(&mut self, e: KurultaiEvent) -> KurultaiEvent {
        self.try_(e).unwrap()
    }

    fn refused(&mut self, e: KurultaiEvent) -> String {
        let before = self.k.votes().len();
        let err = self.k.decide(e, &self.sitting).unwrap_err().to_string();
        assert_eq!(self.k.votes().len(), before);
        err
    }

    fn committee(&mut self, c: &str) {
        self.ok(KurultaiEvent::CommitteeFormed {
            committee: CommitteeId(c.into()),
            name: Names::same(c),
            chair: id("a-1"),
            members: vec![id("a-1"), id("b-1")],
            on: day(9, 16),
            author: author(),
        });
    }

    fn introduce(
        &mut self,
        bill: &str,
        initiator: Initiator,
    ) -> Result<KurultaiEvent, KurultaiError> {
        self.try_(KurultaiEvent::BillIntroduced {
            bill: BillId(bill.into()),
            kind: ActKind::Law,
            priority: true,
            initiator,
            committee: CommitteeId("budget".into()),
            text: text(bill, "The budget is public."),
            on: day(10, 1),
            author: author(),
        })
    }

    fn reading(
        &mut self,
        bill: &str,
        n: u8,
        on: NaiveDate,
        yes: usize,
        no: usize,
    ) -> Result<KurultaiEvent, KurultaiError> {
        self.try_(KurultaiEvent::ReadingVoted {
            bill: BillId(bill.into()),
            reading: n,
            outcome: ReadingOutcome::NotPassed,
            vote: roll(on, yes, no),
            author: author(),
        })
    }

    fn bill(&self, b: &str) -> &Bill {
        self.k.bill(&BillId(b.into())).unwrap()
    }
}

fn text(work: &str, article: &str) -> Act {
    markdown::parse(&format!(
        "---\nwork: {work}\nversion: v\ntitle.en: A synthetic bill\n---\n\n# Article 1\nen: {article}\n"
    ))
    .unwrap()
}

#[test]
fn officers_are_elected_by_a_majority_of_all_deputies() {
    let mut h = House::new();
    let chair = |v| KurultaiEvent::OfficerVoted {
        office: Office::Chair,
        candidate: id("a-1"),
        vote: v,
        author: author(),
    };
    // 5 of 10 is not more than half of all deputies, though 5 of 7 present is.
    let d = h.ok(chair(roll(day(9, 15), 5, 2)));
    let KurultaiEvent::OfficerVoted { vote, .. } = d else {
        panic!()
    };
    assert_eq!(vote.number, 1);
    assert_eq!((vote.tally.votes_needed, vote.tally.carried), (6, false));
    assert!(h.k.current_officers(&h.sitting).next().is_none());
    h.ok(chair(roll(day(9, 15), 6, 2)));
    assert_eq!(h.k.current_officers(&h.sitting).count(), 1);
    let e = h.refused(chair(roll(day(9, 15), 8, 0)));
    assert!(e.contains("already holds an office"), "{e}");
    for (i, c) in ["a-2", "a-3", "b-1"].into_iter().enumerate() {
        h.ok(KurultaiEvent::OfficerVoted {
            office: Office::ViceChair,
            candidate: id(c),
            vote: roll(day(9, 15 + i as u32), 8, 0),
            author: author(),
        });
    }
    let e = h.refused(KurultaiEvent::OfficerVoted {
        office: Office::ViceChair,
        candidate: id("b-2"),
        vote: roll(day(9, 20), 8, 0),
        author: author(),
    });
    assert!(
        e.contains("\"officers\"") && e.contains("3 Vice-Chair"),
        "{e}"
    );
    // When a vice-chair's mandate ends, the seat falls vacant.
    h.sitting.members.remove(&id("b-1"));
    assert_eq!(h.k.current_officers(&h.sitting).count(), 3);
}

#[test]
fn at_most_eight_committees() {
    let mut h = House::new();
    for i in 1..=8 {
        h.committee(&format!("c{i}"));
    }
    let e = h.refused(KurultaiEvent::CommitteeFormed {
        committee: CommitteeId("c9".into()),
        name: Names::same("c9"),
        chair: id("a-1"),
        members: vec![id("a-1")],
        on: day(9, 16),
        author: author(),
    });
    assert!(e.contains("at most 8 committees"), "{e}");
}

#[test]
fn a_bill_passes_three_readings_in_order_with_an_amendment_as_a_new_version() {
    let mut h = House::new();
    h.committee("budget");
    h.introduce("bill-1", Initiator::Government).unwrap();
    // A second reading before the first: refused, nothing recorded.
    let e = h
        .reading("bill-1", 2, day(10, 5), 8, 0)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("three readings") && e.contains("first reading comes next"),
        "{e}"
    );
    assert!(h.k.votes().is_empty());
    let d = h.reading("bill-1", 1, day(10, 5), 8, 0).unwrap();
    assert!(matches!(
        d,
        KurultaiEvent::ReadingVoted {
            outcome: ReadingOutcome::Passed,
            ..
        }
    ));
    // The amendment by a deputy, carried by those present.
    let amended = text("bill-1", "The budget is public and open to all.");
    let d = h.ok(KurultaiEvent::AmendmentVoted {
        bill: BillId("bill-1".into()),
        proposer: Proposer::Deputy { member: id("b-2") },
        reading: 0,
        text: amended.clone(),
        vote: roll(day(10, 8), 4, 3),
        author: author(),
    });
    assert!(matches!(
        d,
        KurultaiEvent::AmendmentVoted { reading: 2, .. }
    ));
    let b = h.bill("bill-1");
    assert_eq!(b.versions.len(), 2);
    assert_eq!(b.text(), &amended);
    let diff = b.diff(1, Lang::En).unwrap();
    use crate::legal::compare::{ChangeKind, WordTag};
    assert_eq!(diff.changes.len(), 1);
    assert_eq!(diff.changes[0].kind, ChangeKind::Modified);
    let inserted: String = diff.changes[0]
        .diff
        .iter()
        .filter(|w| w.tag == WordTag::Insert)
        .map(|w| w.text.as_str())
        .collect();
    assert!(inserted.contains("open to all"), "{inserted:?}");
    h.reading("bill-1", 2, day(10, 10), 7, 0).unwrap();
    h.reading("bill-1", 3, day(10, 12), 7, 0).unwrap();
    assert_eq!(h.bill("bill-1").status, BillStatus::Adopted);
    // No fourth reading.
    let e = h
        .reading("bill-1", 4, day(10, 13), 6, 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no longer in its readings"), "{e}");
}

#[test]
fn a_majority_of_all_deputies_against_rejects_a_bill() {
    let mut h = House::new();
    h.committee("budget");
    h.introduce("bill-1", Initiator::President).unwrap();
    // 5 yes of 10 seats: not passed, not rejected.
    let d = h.reading("bill-1", 1, day(10, 2), 5, 3).unwrap();
    assert!(matches!(
        d,
        KurultaiEvent::ReadingVoted {
            outcome: ReadingOutcome::NotPassed,
            ..
        }
    ));
    let d = h.reading("bill-1", 1, day(10, 3), 2, 6).unwrap();
    assert!(matches!(
        d,
        KurultaiEvent::ReadingVoted {
            outcome: ReadingOutcome::Rejected,
            ..
        }
    ));
    assert_eq!(h.bill("bill-1").status, BillStatus::Rejected);
}

fn adopted(h: &mut House) {
    h.committee("budget");
    h.introduce(
        "bill-1",
        Initiator::Deputies {
            members: vec![id("a-4"), id("b-3")],
        },
    )
    .unwrap();
    for (n, d) in [(1, 2), (2, 3), (3, 4)] {
        h.reading("bill-1", n, day(10, d), 7, 0).unwrap();
    }
    h.ok(KurultaiEvent::Transmitted {
        bill: BillId("bill-1".into()),
        on: day(10, 6),
        author: author(),
    });
}

#[test]
fn a_signature_after_the_deadline_is_refused() {
    let mut h = House::new();
    adopted(&mut h);
    let signed = |on| KurultaiEvent::Signed {
        bill: BillId("bill-1".into()),
        on,
        in_force: on,
        author: author(),
    };
    // Received 6 October; 30 days: until 5 November.
    let e = h.refused(signed(day(11, 6)));
    assert!(
        e.contains("signing period") && e.contains("2026-11-05"),
        "{e}"
    );
    h.ok(signed(day(11, 5)));
    let b = h.bill("bill-1");
    assert_eq!(
        (b.status.clone(), b.in_force),
        (BillStatus::Signed, Some(day(11, 5)))
    );
    let dl = b.deadlines(&h.k.rules(), day(12, 1));
    assert!(dl.iter().all(|d| !d.overdue), "{dl:?}");
}

#[test]
fn an_override_vote_is_refused_where_none_is_configured() {
    let rules = KurultaiRules {
        override_objections: None,
        ..KurultaiRules::default()
    };
    let mut h = House::with(rules);
    adopted(&mut h);
    h.ok(KurultaiEvent::Returned {
        bill: BillId("bill-1".into()),
        on: day(10, 20),
        objections: "Article 1 is too broad.".into(),
        author: author(),
    });
    let e = h.refused(KurultaiEvent::OverrideVoted {
        bill: BillId("bill-1".into()),
        vote: roll(day(10, 25), 10, 0),
        author: author(),
    });
    assert!(e.contains("override of objections"), "{e}");
}

#[test]
fn two_thirds_of_all_deputies_override_the_objections() {
    let mut h = House::new();
    adopted(&mut h);
    h.ok(KurultaiEvent::Returned {
        bill: BillId("bill-1".into()),
        on: day(10, 20),
        objections: "Article 1 is too broad.".into(),
        author: author(),
    });
    // 6 of 10 < 2/3: the law is not adopted.
    let mut h2 = House::new();
    adopted(&mut h2);
    h2.ok(KurultaiEvent::Returned {
        bill: BillId("bill-1".into()),
        on: day(10, 20),
        objections: "x".into(),
        author: author(),
    });
    h2.ok(KurultaiEvent::OverrideVoted {
        bill: BillId("bill-1".into()),
        vote: roll(day(10, 25), 6, 1),
        author: author(),
    });
    assert_eq!(h2.bill("bill-1").status, BillStatus::Rejected);
    // 7 of 10 ≥ 2/3: adopted again, to be sent again.
    h.ok(KurultaiEvent::OverrideVoted {
        bill: BillId("bill-1".into()),
        vote: roll(day(10, 25), 7, 1),
        author: author(),
    });
    assert_eq!(h.bill("bill-1").status, BillStatus::Adopted);
    assert_eq!(h.bill("bill-1").adopted_on, Some(day(10, 25)));
}

#[test]
fn votes_by_non_deputies_former_deputies_and_wrong_counts_are_refused() {
    let mut h = House::new();
    h.committee("budget");
    h.introduce("bill-1", Initiator::Government).unwrap();
    let mut v = roll(day(10, 2), 7, 0);
    v.ballots[9].0 = id("b-5");
    let read = |v| KurultaiEvent::ReadingVoted {
        bill: BillId("bill-1".into()),
        reading: 1,
        outcome: ReadingOutcome::Passed,
        vote: v,
        author: author(),
    };
    let e = h.refused(read(v.clone()));
    assert!(e.contains("b-5's mandate has ended"), "{e}");
    v.ballots[9].0 = id("x-1");
    let e = h.refused(read(v));
    assert!(e.contains("x-1 is not a member"), "{e}");
    let mut v = roll(day(10, 2), 7, 0);
    v.counts.yes = 8;
    let e = h.refused(read(v));
    assert!(e.contains("disagree with the individual ballots"), "{e}");
}

#[test]
fn a_court_petition_needs_a_fifth_of_the_deputies() {
    let mut h = House::new();
    adopted(&mut h);
    let petition = |s: Vec<MemberId>| KurultaiEvent::CourtPetitioned {
        bill: BillId("bill-1".into()),
        signatories: s,
        on: day(10, 7),
        author: author(),
    };
    let e = h.refused(petition(vec![id("b-1")]));
    assert!(e.contains("at least 2"), "{e}");
    h.ok(petition(vec![id("b-1"), id("b-2")]));
    assert_eq!(h.bill("bill-1").petitions.len(), 1);
}

#[test]
fn initiators_come_from_the_configured_list() {
    let rules = KurultaiRules {
        initiators: vec![InitiatorKind::President],
        ..KurultaiRules::default()
    };
    let mut h = House::with(rules);
    h.committee("budget");
    let e = h
        .introduce("bill-1", Initiator::Government)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("initiators") && e.contains("the Government may not"),
        "{e}"
    );
}

#[test]
fn the_peoples_council_initiates_a_bill_and_a_referendum_draft() {
    let mut h = House::new();
    h.committee("budget");
    for i in 1..=3 {
        h.ok(KurultaiEvent::CouncilMemberJoined {
            member: id(&format!("pc-{i}")),
            name: format!("Council member {i}"),
            block: "public associations".into(),
            on: day(9, 20),
            author: author(),
        });
    }
    // No session yet.
    let council_roll = |on, yes: usize| {
        let ballots = (1..=3)
            .map(|i| {
                (
                    id(&format!("pc-{i}")),
                    if i <= yes { Ballot::Yes } else { Ballot::No },
                )
            })
            .collect();
        RecordedVote::new(on, "initiative", ballots)
    };
    let bill_init = |v| KurultaiEvent::CouncilInitiativeVoted {
        initiative: 0,
        session: 0,
        proposal: CouncilProposal::Bill {
            title: Names::same("On public budgets"),
        },
        vote: v,
        author: author(),
    };
    let e = h.refused(bill_init(council_roll(day(9, 25), 3)));
    assert!(e.contains("council session"), "{e}");
    h.ok(KurultaiEvent::CouncilSessionHeld {
        session: 0,
        on: day(9, 25),
        author: author(),
    });
    let d = h.ok(bill_init(council_roll(day(9, 25), 2)));
    assert!(matches!(
        d,
        KurultaiEvent::CouncilInitiativeVoted {
            initiative: 1,
            session: 1,
            ..
        }
    ));
    h.introduce("bill-pc", Initiator::PeoplesCouncil { initiative: 1 })
        .unwrap();
    assert_eq!(
        h.k.council().initiatives[0].introduced_as,
        Some(BillId("bill-pc".into()))
    );
    let e = h
        .introduce("bill-pc2", Initiator::PeoplesCouncil { initiative: 1 })
        .unwrap_err()
        .to_string();
    assert!(e.contains("introduced already"), "{e}");
    let mut draft = crate::referendum::presets::by_name("kz-2026").unwrap();
    draft.id = ContestId("pc-referendum-draft".into());
    h.ok(KurultaiEvent::CouncilInitiativeVoted {
        initiative: 0,
        session: 0,
        proposal: CouncilProposal::Referendum { draft },
        vote: council_roll(day(9, 25), 3),
        author: author(),
    });
    assert_eq!(h.k.council().referendum_drafts().count(), 1);
}

#[test]
fn the_vice_president_needs_the_consent_of_a_majority_of_deputies() {
    let mut h = House::new();
    let e = h.refused(KurultaiEvent::VicePresidentNominated {
        nominee: "A deputy 3".into(),
        on: day(9, 20),
        author: author(),
    });
    assert!(e.contains("may not be a deputy"), "{e}");
    let nominate = KurultaiEvent::VicePresidentNominated {
        nominee: "Synthetic Nominee".into(),
        on: day(9, 20),
        author: author(),
    };
    h.ok(nominate.clone());
    let consent = |v| KurultaiEvent::VicePresidentConsentVoted {
        vote: v,
        author: author(),
    };
    h.ok(consent(roll(day(9, 22), 5, 5)));
    assert_eq!(
        h.k.vice_presidency().state,
        house::VicePresidentState::Vacant
    );
    h.ok(nominate);
    h.ok(consent(roll(day(9, 23), 6, 4)));
    h.ok(KurultaiEvent::VicePresidentAppointed {
        on: day(9, 24),
        author: author(),
    });
    let dl = h.k.vice_president_deadline(day(12, 1)).unwrap();
    assert_eq!((dl.due, dl.overdue), (day(11, 15), false));
    h.ok(KurultaiEvent::VicePresidentDismissed {
        on: day(12, 1),
        author: author(),
    });
    assert_eq!(h.k.vice_presidency().history.len(), 6);
}

#[test]
fn a_constitutional_law_needs_two_thirds() {
    let mut h = House::new();
    h.committee("budget");
    h.ok(KurultaiEvent::BillIntroduced {
        bill: BillId("cl-1".into()),
        kind: ActKind::ConstitutionalLaw,
        priority: false,
        initiator: Initiator::President,
        committee: CommitteeId("budget".into()),
        text: text("cl-1", "x"),
        on: day(10, 1),
        author: author(),
    });
    let d = h.reading("cl-1", 1, day(10, 2), 6, 1).unwrap();
    assert!(matches!(
        d,
        KurultaiEvent::ReadingVoted {
            outcome: ReadingOutcome::NotPassed,
            ..
        }
    ));
    let d = h.reading("cl-1", 1, day(10, 3), 7, 0).unwrap();
    assert!(matches!(
        d,
        KurultaiEvent::ReadingVoted {
            outcome: ReadingOutcome::Passed,
            ..
        }
    ));
    // The rule written at convening decides: a house whose laws need only those present.
    let rules = KurultaiRules {
        ordinary_law: VotingRules {
            base: MajorityBase::Present,
            ..KurultaiRules::default().ordinary_law
        },
        ..KurultaiRules::default()
    };
    assert!(rules.validate().is_ok());
}

#[test]
fn a_priority_bill_not_adopted_in_two_months_is_flagged_overdue() {
    let mut h = House::new();
    h.committee("budget");
    h.introduce("bill-1", Initiator::Government).unwrap();
    let b = h.bill("bill-1");
    let dl = b.deadlines(&h.k.rules(), day(12, 2));
    assert_eq!(dl.len(), 1);
    assert_eq!((dl[0].due, dl[0].overdue), (day(12, 1), true));
    assert!(!b.deadlines(&h.k.rules(), day(12, 1))[0].overdue);
}
