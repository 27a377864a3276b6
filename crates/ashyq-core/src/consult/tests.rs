//! The consultation, end to end, as a specification.

use super::*;
use crate::legal::markdown;

const AT: &str = "2026-01-20T10:00:00+05:00";

fn key() -> DigestKey {
    DigestKey::from_bytes(&[7; 32]).unwrap()
}

fn citizen(n: u32) -> CitizenRef {
    CitizenRef::of_subject(&key(), "https://idp.example", &format!("subject-{n}"))
}

fn commission(n: u32) -> ConsultEvent {
    ConsultEvent::CommissionConstituted {
        members: (1..=n)
            .map(|i| Member {
                id: i,
                name: format!("Member {i}"),
                region: "KZ-75".into(),
                group: "jurists".into(),
            })
            .collect(),
        rules: VotingRules::default(),
    }
}

fn submit(c: &mut Consultation, who: u32, eid: &str, text: &str) -> ProposalId {
    let id = c.next_proposal_id();
    c.record(
        ConsultEvent::ProposalSubmitted {
            id,
            author: citizen(who),
            target: ProposalTarget::Unit { eid: eid.into() },
            lang: Lang::Ru,
            text: text.into(),
            rationale: "потому что".into(),
        },
        AT,
    )
    .unwrap();
    id
}

fn publish(c: &mut Consultation, id: ProposalId) {
    c.record(
        ConsultEvent::ProposalPublished {
            id,
            moderator: "moderator 1".into(),
        },
        AT,
    )
    .unwrap();
}

#[test]
fn citizen_references_never_show_the_identity() {
    let r = citizen(1);
    assert_ne!(r, citizen(2));
    assert!(!format!("{r:?}{r}").contains("subject-1"));
    assert_eq!(format!("{r}").len(), "citizen:".len() + 8 + '…'.len_utf8());
    assert!(CitizenRef::parse("xyz").is_err());
}

#[test]
fn moderation_has_states_and_reasons_and_one_support_per_person() {
    let mut c = Consultation::new();
    let a = submit(&mut c, 1, "art_1", "Сделать парламент однопалатным.");
    let b = submit(&mut c, 2, "art_1", "Реклама: купите наш товар сегодня.");
    publish(&mut c, a);
    c.record(
        ConsultEvent::ProposalRejected {
            id: b,
            moderator: "moderator 1".into(),
            reason: ModerationReason::Spam,
        },
        AT,
    )
    .unwrap();
    // Moderated once only.
    assert!(
        c.record(
            ConsultEvent::ProposalPublished {
                id: b,
                moderator: "m".into()
            },
            AT
        )
        .is_err()
    );
    // One support per person; the author does not support their own; rejected ones are closed.
    let support = |id, n| ConsultEvent::ProposalSupported { id, by: citizen(n) };
    c.record(support(a, 3), AT).unwrap();
    let e = c.record(support(a, 3), AT).unwrap_err();
    assert!(e.to_string().contains("one support per person"), "{e}");
    assert!(c.record(support(a, 1), AT).is_err());
    assert!(c.record(support(b, 3), AT).is_err());
    c.record(support(a, 4), AT).unwrap();
    assert_eq!(c.proposals[&a].supports, 2);
    // Timeline.
    let statuses: Vec<_> = c.proposals[&b]
        .timeline
        .iter()
        .map(|s| s.status.clone())
        .collect();
    assert_eq!(
        statuses,
        [
            ProposalStatus::Submitted,
            ProposalStatus::Rejected {
                reason: ModerationReason::Spam
            }
        ]
    );
    // Only the author withdraws.
    assert!(
        c.record(
            ConsultEvent::ProposalWithdrawn {
                id: a,
                by: citizen(3)
            },
            AT
        )
        .is_err()
    );
    // Errors never print the citizen's digest in full.
    let e = c.record(support(a, 4), AT).unwrap_err().to_string();
    assert!(!e.contains(&citizen(4).0), "{e}");
}

#[test]
fn quorum_and_majority_are_exact() {
    let rules = VotingRules::default();
    // 130 members: quorum 2/3 → 87 (86.67 rounded up).
    let t = rules.tally(130, 86, &[]);
    assert_eq!((t.quorum_needed, t.quorate), (87, false));
    // 87 present, more than half → 44 votes needed.
    let votes: Vec<(u32, Choice)> = (1..=44)
        .map(|i| (i, Choice::For))
        .chain((45..=87).map(|i| (i, Choice::Against)))
        .collect();
    let t = rules.tally(130, 87, &votes);
    assert_eq!((t.votes_needed, t.carried), (44, true));
    let t = rules.tally(130, 87, &votes[1..]);
    assert!(!t.carried);
    // 88 present: exactly half (44) is not more than half.
    let t = rules.tally(130, 88, &votes);
    assert_eq!((t.votes_needed, t.carried, t.not_voting), (45, false, 1));
    // "At least two thirds of the membership".
    let qualified = VotingRules {
        majority: Fraction { num: 2, den: 3 },
        base: MajorityBase::Membership,
        strict: false,
        ..rules
    };
    assert_eq!(qualified.tally(130, 130, &[]).votes_needed, 87);
    // A commission with no one present carries nothing.
    assert!(!rules.tally(130, 0, &[]).carried);
}

fn sample_act() -> Act {
    markdown::parse(include_str!("../../data/sample-act-v1.md")).unwrap()
}

#[test]
fn from_proposal_to_decision_to_text_and_back() {
    let act = sample_act();
    let mut c = Consultation::new();
    c.record(
        ConsultEvent::DraftPublished {
            work: act.work.clone(),
            version: act.version.clone(),
            content_sha256: act_sha256(&act),
        },
        AT,
    )
    .unwrap();
    let target = act.articles()[2].0.eid.clone();
    let p1 = submit(
        &mut c,
        1,
        &target,
        "Минимальная численность партии должна быть пять тысяч членов.",
    );
    let p2 = submit(
        &mut c,
        2,
        &target,
        "Минимальная численность партии должна быть пять тысяч членов!",
    );
    let p3 = submit(
        &mut c,
        3,
        &target,
        "Мінімальная численность партии должна быть пять тысяч членoв",
    );
    let other = submit(
        &mut c,
        4,
        "preamble",
        "Добавить в преамбулу слова о цифровых правах граждан.",
    );
    for p in [p1, p2, p3, other] {
        publish(&mut c, p);
    }
    c.record(
        ConsultEvent::ProposalSupported {
            id: p2,
            by: citizen(9),
        },
        AT,
    )
    .unwrap();
    let ev = c.form_clusters(&similarity::LshParams::default(), 1);
    c.record(ev, AT).unwrap();
    let cl = c.proposals[&p1].cluster.unwrap();
    assert_eq!(c.clusters[&cl].members, vec![p1, p2, p3]);
    assert_eq!(c.clusters[&cl].representative, p2, "the most supported");
    assert_ne!(c.proposals[&other].cluster, Some(cl));

    c.record(commission(130), AT).unwrap();
    let present: Vec<u32> = (1..=100).collect();
    c.record(
        ConsultEvent::MeetingConvened {
            meeting: 1,
            date: "2026-01-20".into(),
            title: "Parties".into(),
            broadcast: "https://example.invalid/live/1".into(),
            present: present.clone(),
        },
        AT,
    )
    .unwrap();
    c.record(
        ConsultEvent::AgendaItemAdded {
            meeting: 1,
            item: 1,
            title: "Party membership".into(),
            clusters: vec![cl],
        },
        AT,
    )
    .unwrap();
    let mut text = Parallel::default();
    text.set(
        Lang::Ru,
        "Партия регистрируется при численности не менее пяти тысяч членов.",
    );
    text.set(
        Lang::En,
        "A party is registered when it has at least five thousand members.",
    );
    let amendment = Amendment {
        target: AmendmentTarget::Replace {
            eid: target.clone(),
        },
        text,
    };
    // A vote by an absent member is refused.
    let bad = ConsultEvent::VoteHeld {
        meeting: 1,
        item: 1,
        motion: 1,
        kind: MotionKind::Accept {
            amendment: amendment.clone(),
        },
        votes: vec![(120, Choice::For)],
    };
    assert!(
        c.record(bad, AT)
            .unwrap_err()
            .to_string()
            .contains("not recorded as present")
    );
    let votes: Vec<(u32, Choice)> = present
        .iter()
        .map(|&m| {
            (
                m,
                if m <= 70 {
                    Choice::For
                } else if m <= 90 {
                    Choice::Against
                } else {
                    Choice::Abstain
                },
            )
        })
        .collect();
    c.record(
        ConsultEvent::VoteHeld {
            meeting: 1,
            item: 1,
            motion: 1,
            kind: MotionKind::Accept { amendment },
            votes,
        },
        AT,
    )
    .unwrap();
    assert_eq!(c.motions[&1].tally.yes, 70);
    assert!(c.decisions.contains_key(&1));

    // Proposal → decision → text.
    let trace = c.trace_proposal(p3).unwrap();
    assert_eq!(trace.decisions.len(), 1);
    assert_eq!(
        *trace.proposal.status(),
        ProposalStatus::Accepted { decision: 1 }
    );
    assert_eq!(
        trace.agenda_items,
        vec![(1, 1, "Party membership".to_string())]
    );
    let v2 = c.amended(&act, "draft-2").unwrap();
    assert!(
        v2.find(&target)
            .unwrap()
            .content
            .get_or_any(Lang::Ru)
            .contains("пяти тысяч")
    );
    // Article → proposals and decisions.
    let back = c.trace_unit(&target);
    assert_eq!(back.proposals, vec![p1, p2, p3]);
    assert_eq!(back.decisions, vec![1]);
    assert!(c.trace_unit("preamble").decisions.is_empty());

    // Minutes are generated from the events.
    let m = minutes::minutes(&c, 1).unwrap();
    assert!(
        m.contains("Present: 100 of 130 members; quorum 87 — present"),
        "{m}"
    );
    assert!(
        m.contains("For 70, against 20, abstained 10, did not vote 0; needed 51 — **carried**"),
        "{m}"
    );
    assert!(m.contains("settles P-000001, P-000002, P-000003"), "{m}");

    // The log replays to the same state, and a changed entry is caught.
    let replayed = Consultation::replay(&c.log).unwrap();
    assert_eq!(replayed.decisions, c.decisions);
    assert_eq!(replayed.proposals, c.proposals);
    let mut tampered = c.log.clone();
    if let ConsultEvent::ProposalSubmitted { text, .. } = &mut tampered[1].event {
        text.push('!');
    }
    assert!(matches!(
        Consultation::replay(&tampered),
        Err(ConsultError::Log { seq: 2, .. })
    ));
}

#[test]
fn a_rejection_motion_gives_citizens_the_reason() {
    let mut c = Consultation::new();
    let p = submit(
        &mut c,
        1,
        "art_2",
        "Отменить все налоги навсегда для всех граждан.",
    );
    publish(&mut c, p);
    let ev = c.form_clusters(&similarity::LshParams::default(), 1);
    c.record(ev, AT).unwrap();
    c.record(commission(5), AT).unwrap();
    c.record(
        ConsultEvent::MeetingConvened {
            meeting: 1,
            date: "d".into(),
            title: "t".into(),
            broadcast: "b".into(),
            present: vec![1, 2, 3, 4],
        },
        AT,
    )
    .unwrap();
    c.record(
        ConsultEvent::AgendaItemAdded {
            meeting: 1,
            item: 1,
            title: "Taxes".into(),
            clusters: vec![1],
        },
        AT,
    )
    .unwrap();
    let reason = "Taxes are set by law, not by the Constitution.".to_string();
    let empty = ConsultEvent::VoteHeld {
        meeting: 1,
        item: 1,
        motion: 1,
        kind: MotionKind::Reject { reason: " ".into() },
        votes: vec![],
    };
    assert!(c.record(empty, AT).is_err());
    c.record(
        ConsultEvent::VoteHeld {
            meeting: 1,
            item: 1,
            motion: 1,
            kind: MotionKind::Reject {
                reason: reason.clone(),
            },
            votes: vec![
                (1, Choice::For),
                (2, Choice::For),
                (3, Choice::For),
                (4, Choice::Against),
            ],
        },
        AT,
    )
    .unwrap();
    assert_eq!(
        *c.proposals[&p].status(),
        ProposalStatus::Declined {
            decision: 1,
            reason
        }
    );
}

#[test]
fn the_kind_of_an_event_is_its_tag_in_the_log() {
    let events = [
        ConsultEvent::ProposalPublished {
            id: ProposalId(1),
            moderator: "m".into(),
        },
        commission(3),
    ];
    for e in events {
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["type"], e.kind());
    }
}

#[test]
fn quorum_and_majority_are_exact_even_for_extreme_fractions() {
    let rules = VotingRules {
        quorum: Fraction {
            num: u64::MAX - 1,
            den: u64::MAX,
        },
        majority: Fraction {
            num: u64::MAX,
            den: u64::MAX,
        },
        base: MajorityBase::Membership,
        strict: false,
    };
    let votes: Vec<(u32, Choice)> = (1..=130).map(|i| (i, Choice::For)).collect();
    let t = rules.tally(130, 130, &votes);
    // ⌈130·(2⁶⁴−2)/(2⁶⁴−1)⌉ = 130; all of the membership must vote for.
    assert_eq!(t.quorum_needed, 130);
    assert_eq!(t.votes_needed, 130);
    assert!(t.carried);
    let t = VotingRules::default().tally(130, 87, &votes[..44]);
    assert_eq!((t.quorum_needed, t.votes_needed, t.carried), (87, 44, true));
}

/// A five-member commission and its first meeting, four present.
fn constitute_and_convene(c: &mut Consultation) {
    c.record(commission(5), AT).unwrap();
    c.record(
        ConsultEvent::MeetingConvened {
            meeting: 1,
            date: "d".into(),
            title: "t".into(),
            broadcast: "b".into(),
            present: vec![1, 2, 3, 4],
        },
        AT,
    )
    .unwrap();
}

#[test]
fn a_withdrawal_after_clustering_leaves_the_rest_of_the_cluster_on_the_agenda() {
    let mut c = Consultation::new();
    let text = "Отменить все налоги навсегда для всех граждан страны.";
    let a = submit(&mut c, 1, "art_2", text);
    let b = submit(&mut c, 2, "art_2", text);
    publish(&mut c, a);
    publish(&mut c, b);
    let ev = c.form_clusters(&similarity::LshParams::default(), 1);
    c.record(ev, AT).unwrap();
    assert_eq!(c.proposals[&a].cluster, c.proposals[&b].cluster);
    let cluster = c.proposals[&a].cluster.expect("clustered");
    constitute_and_convene(&mut c);
    c.record(
        ConsultEvent::ProposalWithdrawn {
            id: b,
            by: citizen(2),
        },
        AT,
    )
    .unwrap();
    let item = |n: u32| ConsultEvent::AgendaItemAdded {
        meeting: 1,
        item: n,
        title: "Taxes".into(),
        clusters: vec![cluster],
    };
    c.record(item(1), AT).unwrap();
    assert_eq!(
        *c.proposals[&a].status(),
        ProposalStatus::OnAgenda {
            meeting: 1,
            item: 1
        }
    );
    assert_eq!(*c.proposals[&b].status(), ProposalStatus::Withdrawn);

    // A cluster whose every proposal was withdrawn has nothing to put on the agenda.
    let mut d = Consultation::new();
    let only = submit(&mut d, 1, "art_2", text);
    publish(&mut d, only);
    let ev = d.form_clusters(&similarity::LshParams::default(), 1);
    d.record(ev, AT).unwrap();
    let cluster = d.proposals[&only].cluster.expect("clustered");
    constitute_and_convene(&mut d);
    d.record(
        ConsultEvent::ProposalWithdrawn {
            id: only,
            by: citizen(1),
        },
        AT,
    )
    .unwrap();
    let err = d
        .record(
            ConsultEvent::AgendaItemAdded {
                meeting: 1,
                item: 1,
                title: "Taxes".into(),
                clusters: vec![cluster],
            },
            AT,
        )
        .unwrap_err();
    assert!(err.to_string().contains("withdrawn"), "{err}");
}
