//! Roll-call votes: every member's ballot is recorded, and the counts are derived from the
//! ballots, never kept apart from them (TheyWorkForYou, Popolo `vote_event`).
//!
//! A roll call lists every sitting member exactly once — yes, no, abstain, absent or not
//! voting — so an absence is recorded as an absence. The quorum and the majority are the
//! commission's rules ([`crate::consult::VotingRules`]): exact, in integers, over the house's
//! seats (`Membership`), those present, or those voting yes or no.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::consult::{Choice, VoteTally, VotingRules};

/// A member of the Kurultai or of the People's Council, by a stable id that never changes once
/// published: for a deputy `{party}-{position}` of the list that elected them (e.g.
/// `amanat-12`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub String);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl MemberId {
    /// A deputy's id from the party name and list position: the name lower-cased, every run of
    /// other characters than ASCII letters and digits one `-`.
    pub fn deputy(party: &str, position: usize) -> MemberId {
        MemberId(format!("{}-{position}", slug(party)))
    }
}

/// `People's Party of Kazakhstan` → `people-s-party-of-kazakhstan`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// One member's ballot in a roll call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    /// For.
    Yes,
    /// Against.
    No,
    /// Present, abstained.
    Abstain,
    /// Not present.
    Absent,
    /// Present, did not vote.
    NotVoting,
}

impl Ballot {
    /// Every ballot, in the order above.
    pub const ALL: [Ballot; 5] = [
        Ballot::Yes,
        Ballot::No,
        Ballot::Abstain,
        Ballot::Absent,
        Ballot::NotVoting,
    ];

    /// The Popolo `vote.option` value.
    pub fn popolo(self) -> &'static str {
        match self {
            Ballot::Yes => "yes",
            Ballot::No => "no",
            Ballot::Abstain => "abstain",
            Ballot::Absent => "absent",
            Ballot::NotVoting => "not voting",
        }
    }

    /// Parses `yes`, `no`, `abstain`, `absent`, `not_voting` (or `not voting`).
    pub fn parse(text: &str) -> Option<Ballot> {
        match text.trim().to_ascii_lowercase().replace(' ', "_").as_str() {
            "yes" | "for" => Some(Ballot::Yes),
            "no" | "against" => Some(Ballot::No),
            "abstain" => Some(Ballot::Abstain),
            "absent" => Some(Ballot::Absent),
            "not_voting" => Some(Ballot::NotVoting),
            _ => None,
        }
    }
}

/// The counts of a roll call, one per kind of ballot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// For.
    pub yes: u64,
    /// Against.
    pub no: u64,
    /// Abstained.
    pub abstain: u64,
    /// Not present.
    pub absent: u64,
    /// Present, did not vote.
    pub not_voting: u64,
}

impl Counts {
    /// The counts of these ballots.
    pub fn of<'a>(ballots: impl IntoIterator<Item = &'a Ballot>) -> Counts {
        let mut c = Counts::default();
        for b in ballots {
            match b {
                Ballot::Yes => c.yes += 1,
                Ballot::No => c.no += 1,
                Ballot::Abstain => c.abstain += 1,
                Ballot::Absent => c.absent += 1,
                Ballot::NotVoting => c.not_voting += 1,
            }
        }
        c
    }

    /// Members present: everyone but the absent.
    pub fn present(&self) -> u64 {
        self.yes + self.no + self.abstain + self.not_voting
    }

    /// The count of one kind of ballot.
    pub fn get(&self, b: Ballot) -> u64 {
        match b {
            Ballot::Yes => self.yes,
            Ballot::No => self.no,
            Ballot::Abstain => self.abstain,
            Ballot::Absent => self.absent,
            Ballot::NotVoting => self.not_voting,
        }
    }
}

/// The outcome of a roll call by its rule, derived from the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The house's seats: the base of a quorum, and of a majority "of all deputies".
    pub seats: u64,
    /// Members present.
    pub present: u64,
    /// Least number present for a quorum.
    pub quorum_needed: u64,
    /// Whether the sitting was quorate.
    pub quorate: bool,
    /// Least number of votes for to carry.
    pub votes_needed: u64,
    /// Whether the motion carried.
    pub carried: bool,
}

impl Tally {
    /// Counts by `rule` in a house of `seats`: the quorum and "all deputies" are shares of the
    /// seats; a motion carries when quorate with at least `votes_needed` (and at least one)
    /// votes for.
    pub fn count(rule: &VotingRules, seats: u64, counts: &Counts) -> Tally {
        Self::count_for(rule, seats, counts, counts.yes)
    }

    /// Like [`Tally::count`], with `votes_for` the votes that count for the motion (the votes
    /// against a bill, for a motion to reject it).
    pub fn count_for(rule: &VotingRules, seats: u64, counts: &Counts, votes_for: u64) -> Tally {
        let present = counts.present();
        // The commission's rules count (id, choice) pairs; the ids do not matter to the count.
        let mut votes: Vec<(u32, Choice)> = Vec::new();
        let other = counts.yes + counts.no - votes_for.min(counts.yes + counts.no);
        votes.extend((0..votes_for).map(|_| (0, Choice::For)));
        votes.extend((0..other).map(|_| (0, Choice::Against)));
        votes.extend((0..counts.abstain).map(|_| (0, Choice::Abstain)));
        let t: VoteTally = rule.tally(seats, present, &votes);
        Tally {
            seats,
            present,
            quorum_needed: t.quorum_needed,
            quorate: t.quorate,
            votes_needed: t.votes_needed,
            carried: t.carried,
        }
    }
}

/// A roll call as recorded: its number, what was put to the vote, each member's ballot, the
/// counts (which must agree with the ballots) and the tally by the rule (derived).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedVote {
    /// The vote's number in the house, from 1; its Popolo id is `vote-{number}`. Derived.
    pub number: u32,
    /// The day of the vote.
    pub on: NaiveDate,
    /// What was put to the vote, in English (the motion's text).
    pub motion: String,
    /// Every sitting member's ballot, each member once.
    pub ballots: Vec<(MemberId, Ballot)>,
    /// The counts as announced; they must be the counts of the ballots.
    pub counts: Counts,
    /// The outcome by the rule. Derived.
    pub tally: Tally,
}

impl RecordedVote {
    /// A roll call whose counts are those of its ballots; number and tally are filled in when
    /// the vote is decided.
    pub fn new(on: NaiveDate, motion: impl Into<String>, ballots: Vec<(MemberId, Ballot)>) -> Self {
        let counts = Counts::of(ballots.iter().map(|(_, b)| b));
        RecordedVote {
            number: 0,
            on,
            motion: motion.into(),
            ballots,
            counts,
            tally: Tally {
                seats: 0,
                present: 0,
                quorum_needed: 0,
                quorate: false,
                votes_needed: 0,
                carried: false,
            },
        }
    }

    /// One member's ballot.
    pub fn ballot_of(&self, who: &MemberId) -> Option<Ballot> {
        self.ballots.iter().find(|(m, _)| m == who).map(|(_, b)| *b)
    }
}

/// Why a roll call cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollCallError {
    /// Someone who holds no seat (and never held one).
    #[error(
        "{0} is not a member; a roll call lists only sitting members (check the id with `ashyq kurultai members`)"
    )]
    NotAMember(MemberId),
    /// A deputy whose mandate has ended.
    #[error(
        "{0}'s mandate has ended; a former member cannot vote (their seat passed down the list: see `ashyq kurultai members`)"
    )]
    MandateEnded(MemberId),
    /// Someone listed twice.
    #[error("{0} appears twice in the roll call; each member has one ballot")]
    Twice(MemberId),
    /// A sitting member left out.
    #[error(
        "the roll call leaves out {missing} sitting members (first: {first}); record each of them, as absent if they were not there"
    )]
    Missing {
        /// How many.
        missing: usize,
        /// The first one.
        first: MemberId,
    },
    /// The announced counts disagree with the ballots.
    #[error(
        "the counts announced (yes {}, no {}, abstain {}, absent {}, not voting {}) disagree with the individual ballots (yes {}, no {}, abstain {}, absent {}, not voting {}); correct the counts or the ballots",
        .announced.yes, .announced.no, .announced.abstain, .announced.absent, .announced.not_voting,
        .ballots.yes, .ballots.no, .ballots.abstain, .ballots.absent, .ballots.not_voting
    )]
    CountsDisagree {
        /// The counts given.
        announced: Counts,
        /// The counts of the ballots.
        ballots: Counts,
    },
    /// A vote with no motion.
    #[error("the motion is empty: say what was put to the vote")]
    NoMotion,
}

/// Checks a roll call against the sitting members: each sitting member exactly once, nobody
/// else (a former member is named as such), and the counts those of the ballots.
pub fn check_roll_call<V>(
    vote: &RecordedVote,
    sitting: &BTreeMap<MemberId, V>,
    former: &HashSet<MemberId>,
) -> Result<(), RollCallError> {
    if vote.motion.trim().is_empty() {
        return Err(RollCallError::NoMotion);
    }
    let mut seen = HashSet::with_capacity(vote.ballots.len());
    for (m, _) in &vote.ballots {
        if !sitting.contains_key(m) {
            return Err(if former.contains(m) {
                RollCallError::MandateEnded(m.clone())
            } else {
                RollCallError::NotAMember(m.clone())
            });
        }
        if !seen.insert(m) {
            return Err(RollCallError::Twice(m.clone()));
        }
    }
    if seen.len() < sitting.len() {
        let first = sitting
            .keys()
            .find(|m| !seen.contains(m))
            .cloned()
            .expect("fewer seen than sitting");
        return Err(RollCallError::Missing {
            missing: sitting.len() - seen.len(),
            first,
        });
    }
    let derived = Counts::of(vote.ballots.iter().map(|(_, b)| b));
    if derived != vote.counts {
        return Err(RollCallError::CountsDisagree {
            announced: vote.counts,
            ballots: derived,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consult::{Fraction, MajorityBase};
    use num_rational::Ratio;
    use proptest::prelude::*;

    fn rule(q: (u64, u64), m: (u64, u64), base: MajorityBase, strict: bool) -> VotingRules {
        VotingRules {
            quorum: Fraction { num: q.0, den: q.1 },
            majority: Fraction { num: m.0, den: m.1 },
            base,
            strict,
        }
    }

    fn counts(yes: u64, no: u64, abstain: u64, absent: u64, not_voting: u64) -> Counts {
        Counts {
            yes,
            no,
            abstain,
            absent,
            not_voting,
        }
    }

    #[test]
    fn a_majority_of_all_145_deputies_is_73() {
        let r = rule((2, 3), (1, 2), MajorityBase::Membership, true);
        let t = Tally::count(&r, 145, &counts(73, 20, 10, 42, 0));
        assert_eq!((t.quorum_needed, t.votes_needed), (97, 73));
        // 103 present ≥ 97: quorate; 73 > 72.5: carried.
        assert!(t.quorate && t.carried);
        let t = Tally::count(&r, 145, &counts(72, 0, 40, 33, 0));
        assert!(t.quorate && !t.carried);
    }

    #[test]
    fn two_thirds_of_145_is_97_at_least() {
        let r = rule((2, 3), (2, 3), MajorityBase::Membership, false);
        // 2/3 × 145 = 96.67: 97 needed.
        assert!(Tally::count(&r, 145, &counts(97, 48, 0, 0, 0)).carried);
        assert!(!Tally::count(&r, 145, &counts(96, 49, 0, 0, 0)).carried);
    }

    #[test]
    fn without_a_quorum_nothing_carries() {
        let r = rule((2, 3), (1, 2), MajorityBase::Present, true);
        let t = Tally::count(&r, 145, &counts(90, 0, 0, 55, 0));
        assert!(!t.quorate && !t.carried);
    }

    #[test]
    fn the_roll_call_must_name_every_sitting_member_once() {
        let sitting: BTreeMap<MemberId, String> = ["a-1", "a-2", "b-1"]
            .iter()
            .map(|s| (MemberId(s.to_string()), s.to_string()))
            .collect();
        let former: HashSet<MemberId> = [MemberId("a-3".into())].into();
        let id = |s: &str| MemberId(s.into());
        let on = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let ok = RecordedVote::new(
            on,
            "motion",
            vec![
                (id("a-1"), Ballot::Yes),
                (id("a-2"), Ballot::Absent),
                (id("b-1"), Ballot::No),
            ],
        );
        check_roll_call(&ok, &sitting, &former).unwrap();
        let mut v = ok.clone();
        v.ballots[1].0 = id("a-3");
        assert_eq!(
            check_roll_call(&v, &sitting, &former),
            Err(RollCallError::MandateEnded(id("a-3")))
        );
        v.ballots[1].0 = id("zz-9");
        assert_eq!(
            check_roll_call(&v, &sitting, &former),
            Err(RollCallError::NotAMember(id("zz-9")))
        );
        v.ballots[1].0 = id("a-1");
        assert_eq!(
            check_roll_call(&v, &sitting, &former),
            Err(RollCallError::Twice(id("a-1")))
        );
        let mut v = ok.clone();
        v.ballots.pop();
        assert!(matches!(
            check_roll_call(&v, &sitting, &former),
            Err(RollCallError::Missing { missing: 1, .. })
        ));
        let mut v = ok;
        v.counts.yes = 2;
        let e = check_roll_call(&v, &sitting, &former).unwrap_err();
        assert!(e.to_string().contains("disagree"), "{e}");
    }

    #[test]
    fn ids_are_slugs_of_the_party_and_the_position() {
        assert_eq!(
            MemberId::deputy("People's Party of Kazakhstan", 3).0,
            "people-s-party-of-kazakhstan-3"
        );
        assert_eq!(MemberId::deputy("Aq Jol", 12).0, "aq-jol-12");
    }

    fn ballots() -> impl Strategy<Value = Vec<Ballot>> {
        prop::collection::vec(prop::sample::select(Ballot::ALL.to_vec()), 0..200)
    }

    fn base() -> impl Strategy<Value = MajorityBase> {
        prop::sample::select(vec![
            MajorityBase::Membership,
            MajorityBase::Present,
            MajorityBase::Voting,
        ])
    }

    proptest! {
        /// The counts are always the ballots' counts, and they add up to the members.
        #[test]
        fn counts_agree_with_the_ballots(bs in ballots()) {
            let c = Counts::of(&bs);
            let total: u64 = Ballot::ALL.iter().map(|b| c.get(*b)).sum();
            prop_assert_eq!(total, bs.len() as u64);
            for b in Ballot::ALL {
                prop_assert_eq!(c.get(b), bs.iter().filter(|x| **x == b).count() as u64);
            }
            prop_assert_eq!(c.present() + c.absent, bs.len() as u64);
        }

        /// A motion carries exactly when present ≥ quorum × seats and yes > (or ≥) majority ×
        /// base, compared as exact rationals, with at least one vote for.
        #[test]
        fn carried_is_the_exact_rational_rule(
            bs in ballots(),
            extra_seats in 0u64..50,
            qn in 0u64..=6, qd in 1u64..=6,
            mn in 1u64..=6, md in 1u64..=6,
            base in base(),
            strict in any::<bool>(),
        ) {
            let (qn, mn) = (qn.min(qd), mn.min(md));
            let r = rule((qn, qd), (mn, md), base, strict);
            let c = Counts::of(&bs);
            let seats = bs.len() as u64 + extra_seats;
            let t = Tally::count(&r, seats, &c);
            let quorate = Ratio::from_integer(u128::from(c.present()))
                >= Ratio::new(u128::from(qn) * u128::from(seats), u128::from(qd));
            let b = match base {
                MajorityBase::Membership => seats,
                MajorityBase::Present => c.present(),
                MajorityBase::Voting => c.yes + c.no,
            };
            let yes = Ratio::from_integer(u128::from(c.yes));
            let need = Ratio::new(u128::from(mn) * u128::from(b), u128::from(md));
            let majority = if strict { yes > need } else { yes >= need };
            prop_assert_eq!(t.quorate, quorate);
            prop_assert_eq!(t.carried, quorate && majority && c.yes >= 1);
            prop_assert_eq!(t.present, c.present());
        }

        /// With a majority of all deputies, a bill cannot both pass and be rejected.
        #[test]
        fn passing_and_rejecting_by_all_deputies_exclude_each_other(bs in ballots()) {
            let r = rule((0, 1), (1, 2), MajorityBase::Membership, true);
            let c = Counts::of(&bs);
            let seats = bs.len() as u64;
            let pass = Tally::count(&r, seats, &c).carried;
            let reject = Tally::count_for(&r, seats, &c, c.no).carried;
            prop_assert!(!(pass && reject));
        }
    }
}
