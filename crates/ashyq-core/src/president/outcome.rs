//! Who is elected (election law Art. 9 and Art. 63, as reported; BRIEF §8): in the first round
//! a candidate with strictly more than half of the votes of the voters who took part; otherwise
//! the two leading candidates meet in a second round, where the higher vote wins.
//!
//! Ties. Candidates are ranked by votes. When candidates with equal votes straddle a cut — the
//! second and third place when two go to a second round, the first and second in a second
//! round — the cut is decided by the seeded draw the seat allocation uses
//! ([`TieSeed::ticket`]): each tied candidate's ticket is
//! `SHA-256(seed "\n" place "\n" name)`, `place` being the first contested place (2 for the
//! second seat of a second round, 1 for the winner), and the lowest tickets take the places.
//! The seed is committed to (its SHA-256) when the election is called, revealed with the
//! certification, so nobody can choose it after the count. A tie that needs a draw and no
//! seed is an error, never a silent choice. Ties that decide nothing (two candidates level at
//! the top of a first round, both going through) need no draw.
//!
//! Everything is exact: a share is compared as `votes × denominator > base × numerator` in
//! 128-bit integers.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::seats::TieSeed;
use crate::share::Share;

use super::rules::{MajorityBase, OutcomeRules};

/// A candidate's votes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateVotes {
    /// The candidate's name as on the ballot.
    pub candidate: String,
    /// Valid votes for them.
    pub votes: u64,
}

impl CandidateVotes {
    /// A line.
    pub fn new(candidate: impl Into<String>, votes: u64) -> Self {
        CandidateVotes {
            candidate: candidate.into(),
            votes,
        }
    }
}

/// The count of one round, nationally (or anywhere the rule is applied).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoundCount {
    /// The voters who took part (ballots issued).
    pub took_part: u64,
    /// Each candidate's votes, in ballot order.
    pub candidates: Vec<CandidateVotes>,
    /// "Against all".
    pub against_all: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

impl RoundCount {
    /// The valid votes: every candidate's line and "against all".
    pub fn valid_votes(&self) -> u64 {
        self.candidates.iter().map(|c| c.votes).sum::<u64>() + self.against_all
    }

    /// The base a majority is counted against.
    pub fn base(&self, base: MajorityBase) -> u64 {
        match base {
            MajorityBase::TookPart => self.took_part,
            MajorityBase::ValidVotes => self.valid_votes(),
        }
    }
}

/// Which round a count is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    /// The first round: a majority elects, else the leading candidates go on.
    First,
    /// The second round: the higher vote wins.
    Second,
}

/// A candidate's ticket in a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawTicket {
    /// The candidate.
    pub candidate: String,
    /// `SHA-256(seed "\n" place "\n" candidate)` in hex.
    pub sha256: String,
}

/// A draw that decided a tie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draw {
    /// The first contested place (1 = the winner).
    pub place: u32,
    /// The candidates level on votes at the cut, in ballot order.
    pub tied: Vec<String>,
    /// Every tied candidate's ticket, lowest first.
    pub tickets: Vec<DrawTicket>,
    /// Those who took the contested places.
    pub winners: Vec<String>,
}

/// The outcome of a round, with its reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PresidentialOutcome {
    /// A candidate is elected.
    Elected {
        /// Who.
        elected: String,
        /// Their votes.
        votes: u64,
        /// The base their share is counted against.
        base: u64,
        /// Why, with the numbers.
        reason: String,
        /// The draw, when a tie for first place in a second round needed one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draw: Option<Draw>,
    },
    /// Nobody has the majority: these candidates meet in a second round, leading first.
    SecondRound {
        /// The candidates of the second round.
        candidates: Vec<String>,
        /// Why, with the numbers.
        reason: String,
        /// The draw, when a tie at the cut needed one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draw: Option<Draw>,
    },
    /// Nobody is elected and no second round can follow (fewer candidates than a second
    /// round needs, or no votes for anyone): a new election is called.
    NotElected {
        /// Why.
        reason: String,
    },
}

impl PresidentialOutcome {
    /// The elected candidate, if any.
    pub fn elected(&self) -> Option<&str> {
        match self {
            PresidentialOutcome::Elected { elected, .. } => Some(elected),
            _ => None,
        }
    }

    /// The reason in words.
    pub fn reason(&self) -> &str {
        match self {
            PresidentialOutcome::Elected { reason, .. }
            | PresidentialOutcome::SecondRound { reason, .. }
            | PresidentialOutcome::NotElected { reason } => reason,
        }
    }
}

/// Why no outcome can be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// No candidate line.
    #[error("the count has no candidate: give one line per candidate on the ballot")]
    NoCandidates,
    /// A candidate twice.
    #[error("candidate {0:?} appears twice in the count: give one line per candidate")]
    DuplicateCandidate(String),
    /// More votes than voters.
    #[error(
        "the valid and invalid votes ({counted}) exceed the voters who took part ({took_part}): every ballot counted was issued to a voter who took part"
    )]
    MoreVotesThanVoters {
        /// Valid plus invalid.
        counted: u64,
        /// Those who took part.
        took_part: u64,
    },
    /// A tie that needs the draw, without a seed.
    #[error(
        "{} are level with {votes} votes for place {place}: the tie rule draws lots from the tie seed published before the count; give the seed (--seed)",
        .tied.join(", ")
    )]
    TieNeedsSeed {
        /// The first contested place.
        place: u32,
        /// Their votes.
        votes: u64,
        /// The tied candidates.
        tied: Vec<String>,
    },
}

/// Decides the outcome of a round by the rules (see the module documentation).
pub fn decide(
    count: &RoundCount,
    round: RoundKind,
    rules: &OutcomeRules,
    seed: Option<&TieSeed>,
) -> Result<PresidentialOutcome, OutcomeError> {
    if count.candidates.is_empty() {
        return Err(OutcomeError::NoCandidates);
    }
    let mut seen = HashSet::new();
    if let Some(c) = count
        .candidates
        .iter()
        .find(|c| !seen.insert(c.candidate.as_str()))
    {
        return Err(OutcomeError::DuplicateCandidate(c.candidate.clone()));
    }
    let counted = u128::from(count.valid_votes()) + u128::from(count.invalid);
    if counted > u128::from(count.took_part) {
        return Err(OutcomeError::MoreVotesThanVoters {
            counted: u64::try_from(counted).unwrap_or(u64::MAX),
            took_part: count.took_part,
        });
    }
    let base = count.base(rules.base);
    let percent = |votes: u64| Share::new(votes, base).percent(2);
    match round {
        RoundKind::First => {
            let over: Vec<CandidateVotes> = count
                .candidates
                .iter()
                .filter(|c| Share::new(c.votes, base).exceeds(rules.majority))
                .cloned()
                .collect();
            if !over.is_empty() {
                // With a majority of 1/2 or more at most one candidate is over it; a lower
                // configured majority ranks those over it.
                let (ranked, draw) = select(&over, 1, seed)?;
                let winner = &ranked[0];
                let votes = over
                    .iter()
                    .find(|c| &c.candidate == winner)
                    .map_or(0, |c| c.votes);
                return Ok(PresidentialOutcome::Elected {
                    elected: winner.clone(),
                    votes,
                    base,
                    reason: format!(
                        "elected: {winner} has {} of {} votes {} ({}%), more than {}%",
                        grouped(votes),
                        grouped(base),
                        rules.base,
                        percent(votes),
                        rules.majority.percent()
                    ),
                    draw,
                });
            }
            let k = rules.second_round_candidates;
            let leader = count.candidates.iter().map(|c| c.votes).max().unwrap_or(0);
            if count.candidates.len() < k {
                return Ok(PresidentialOutcome::NotElected {
                    reason: format!(
                        "not elected: no candidate has more than {}% {} (the most is {}%), and a second round needs {k} candidates but {} stood",
                        rules.majority.percent(),
                        rules.base,
                        percent(leader),
                        count.candidates.len()
                    ),
                });
            }
            let (ranked, draw) = select(&count.candidates, k, seed)?;
            let of = |name: &String| {
                let v = count
                    .candidates
                    .iter()
                    .find(|c| &c.candidate == name)
                    .map_or(0, |c| c.votes);
                format!("{name} {}%", percent(v))
            };
            Ok(PresidentialOutcome::SecondRound {
                reason: format!(
                    "second round: no candidate has more than {}% {}; the {k} leading candidates meet: {}",
                    rules.majority.percent(),
                    rules.base,
                    ranked.iter().map(of).collect::<Vec<_>>().join(", ")
                ),
                candidates: ranked,
                draw,
            })
        }
        RoundKind::Second => {
            let leader = count.candidates.iter().map(|c| c.votes).max().unwrap_or(0);
            if leader == 0 {
                return Ok(PresidentialOutcome::NotElected {
                    reason: "not elected: no candidate received a vote in the second round".into(),
                });
            }
            let (ranked, draw) = select(&count.candidates, 1, seed)?;
            let winner = ranked[0].clone();
            let runner_up = count
                .candidates
                .iter()
                .filter(|c| c.candidate != winner)
                .map(|c| c.votes)
                .max()
                .unwrap_or(0);
            let how = if draw.is_some() {
                "by the draw after a tie".to_owned()
            } else {
                format!("against {}", grouped(runner_up))
            };
            Ok(PresidentialOutcome::Elected {
                reason: format!(
                    "elected in the second round: {winner} has the higher vote, {} ({}% {}) {how}",
                    grouped(leader),
                    percent(leader),
                    rules.base
                ),
                elected: winner,
                votes: leader,
                base,
                draw,
            })
        }
    }
}

/// The `k` leading candidates by votes, leading first; a tie straddling place `k` is decided
/// by the draw (see the module documentation).
fn select(
    candidates: &[CandidateVotes],
    k: usize,
    seed: Option<&TieSeed>,
) -> Result<(Vec<String>, Option<Draw>), OutcomeError> {
    let mut sorted: Vec<&CandidateVotes> = candidates.iter().collect();
    // By votes, then by name so that the order among equals never depends on the input.
    sorted.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.candidate.cmp(&b.candidate)));
    let k = k.min(sorted.len());
    let cut = sorted[k - 1].votes;
    let above: Vec<String> = sorted
        .iter()
        .filter(|c| c.votes > cut)
        .map(|c| c.candidate.clone())
        .collect();
    let tied: Vec<&CandidateVotes> = candidates.iter().filter(|c| c.votes == cut).collect();
    let needed = k - above.len();
    if tied.len() == needed {
        let mut ranked = above;
        ranked.extend(sorted[ranked.len()..k].iter().map(|c| c.candidate.clone()));
        return Ok((ranked, None));
    }
    let place = u32::try_from(above.len() + 1).expect("a ballot has fewer than 2^32 lines");
    let Some(seed) = seed else {
        return Err(OutcomeError::TieNeedsSeed {
            place,
            votes: cut,
            tied: tied.iter().map(|c| c.candidate.clone()).collect(),
        });
    };
    let mut tickets: Vec<DrawTicket> = tied
        .iter()
        .map(|c| DrawTicket {
            candidate: c.candidate.clone(),
            sha256: seed.ticket(place, &c.candidate),
        })
        .collect();
    tickets.sort_by(|a, b| a.sha256.cmp(&b.sha256).then(a.candidate.cmp(&b.candidate)));
    let winners: Vec<String> = tickets[..needed]
        .iter()
        .map(|t| t.candidate.clone())
        .collect();
    let mut ranked = above;
    ranked.extend(winners.iter().cloned());
    Ok((
        ranked,
        Some(Draw {
            place,
            tied: tied.iter().map(|c| c.candidate.clone()).collect(),
            tickets,
            winners,
        }),
    ))
}

/// `6456393` → `6,456,393`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::president::rules::PresidentialRules;
    use proptest::prelude::*;

    fn rules() -> OutcomeRules {
        PresidentialRules::kz_2026().outcome
    }

    fn count(took_part: u64, lines: &[(&str, u64)], against_all: u64) -> RoundCount {
        let valid: u64 = lines.iter().map(|l| l.1).sum::<u64>() + against_all;
        RoundCount {
            took_part,
            candidates: lines
                .iter()
                .map(|(n, v)| CandidateVotes::new(*n, *v))
                .collect(),
            against_all,
            invalid: took_part.saturating_sub(valid),
        }
    }

    #[test]
    fn the_2022_result_elects_tokayev_with_77_79_percent_of_those_who_took_part() {
        // CEC final figures of 22 November 2022 (BRIEF §8).
        let c = count(
            8_300_046,
            &[
                ("Kassym-Jomart Tokayev", 6_456_393),
                ("Zhiguli Dairabayev", 271_641),
                ("Karakat Abden", 206_206),
                ("Meiram Kazhyken", 200_907),
                ("Nurlan Auesbayev", 176_116),
                ("Saltanat Tursynbekova", 168_731),
            ],
            460_484,
        );
        assert_eq!(c.valid_votes(), 7_940_478);
        let o = decide(&c, RoundKind::First, &rules(), None).unwrap();
        assert_eq!(o.elected(), Some("Kassym-Jomart Tokayev"));
        assert_eq!(
            o.reason(),
            "elected: Kassym-Jomart Tokayev has 6,456,393 of 8,300,046 votes of those who took part (77.79%), more than 50%"
        );
    }

    #[test]
    fn exactly_half_is_not_a_majority_and_one_more_is() {
        let half = count(1000, &[("A", 500), ("B", 400), ("C", 100)], 0);
        let o = decide(&half, RoundKind::First, &rules(), None).unwrap();
        assert_eq!(
            o,
            PresidentialOutcome::SecondRound {
                candidates: vec!["A".into(), "B".into()],
                reason: "second round: no candidate has more than 50% of those who took part; the 2 leading candidates meet: A 50.00%, B 40.00%".into(),
                draw: None,
            }
        );
        let more = count(1000, &[("A", 501), ("B", 399), ("C", 100)], 0);
        assert_eq!(
            decide(&more, RoundKind::First, &rules(), None)
                .unwrap()
                .elected(),
            Some("A")
        );
    }

    #[test]
    fn the_base_is_those_who_took_part_not_the_valid_votes() {
        // 520 of 1000 valid votes but 1100 took part (100 invalid): no majority by default.
        let mut c = count(1100, &[("A", 520), ("B", 480)], 0);
        c.invalid = 100;
        let o = decide(&c, RoundKind::First, &rules(), None).unwrap();
        assert!(matches!(o, PresidentialOutcome::SecondRound { .. }));
        let valid = OutcomeRules {
            base: MajorityBase::ValidVotes,
            ..rules()
        };
        assert_eq!(
            decide(&c, RoundKind::First, &valid, None)
                .unwrap()
                .elected(),
            Some("A")
        );
    }

    #[test]
    fn a_tie_for_second_place_is_drawn_from_the_seed_and_needs_one() {
        let c = count(1000, &[("A", 400), ("B", 250), ("C", 250), ("D", 100)], 0);
        let err = decide(&c, RoundKind::First, &rules(), None).unwrap_err();
        assert_eq!(
            err,
            OutcomeError::TieNeedsSeed {
                place: 2,
                votes: 250,
                tied: vec!["B".into(), "C".into()]
            }
        );
        let seed = TieSeed::new("lottery 2026-08-29").unwrap();
        let o = decide(&c, RoundKind::First, &rules(), Some(&seed)).unwrap();
        let PresidentialOutcome::SecondRound {
            candidates, draw, ..
        } = o
        else {
            panic!("a second round")
        };
        let draw = draw.unwrap();
        // The lowest ticket of SHA-256(seed \n 2 \n name) takes place 2.
        let (b, c2) = (seed.ticket(2, "B"), seed.ticket(2, "C"));
        let expected = if b < c2 { "B" } else { "C" };
        assert_eq!(candidates, vec!["A".to_owned(), expected.to_owned()]);
        assert_eq!(draw.winners, vec![expected.to_owned()]);
        assert_eq!(draw.place, 2);
    }

    #[test]
    fn two_level_at_the_top_of_a_first_round_both_go_on_without_a_draw() {
        let c = count(1000, &[("A", 300), ("B", 300), ("C", 200)], 0);
        let o = decide(&c, RoundKind::First, &rules(), None).unwrap();
        assert!(matches!(
            o,
            PresidentialOutcome::SecondRound { ref candidates, draw: None, .. }
                if candidates == &["A".to_owned(), "B".to_owned()]
        ));
    }

    #[test]
    fn the_higher_vote_wins_the_second_round_even_below_half() {
        let c = count(1000, &[("A", 400), ("B", 380)], 200);
        let o = decide(&c, RoundKind::Second, &rules(), None).unwrap();
        assert_eq!(o.elected(), Some("A"));
        assert!(o.reason().contains("against 380"), "{}", o.reason());
        let level = count(1000, &[("A", 400), ("B", 400)], 200);
        assert!(matches!(
            decide(&level, RoundKind::Second, &rules(), None),
            Err(OutcomeError::TieNeedsSeed { place: 1, .. })
        ));
    }

    #[test]
    fn one_candidate_without_a_majority_is_not_elected() {
        let c = count(1000, &[("A", 400)], 600);
        let o = decide(&c, RoundKind::First, &rules(), None).unwrap();
        assert!(matches!(o, PresidentialOutcome::NotElected { .. }), "{o:?}");
    }

    #[test]
    fn bad_counts_are_refused() {
        let c = count(100, &[("A", 60), ("A", 30)], 0);
        assert_eq!(
            decide(&c, RoundKind::First, &rules(), None),
            Err(OutcomeError::DuplicateCandidate("A".into()))
        );
        let mut c = count(100, &[("A", 60), ("B", 30)], 0);
        c.invalid = 20;
        assert!(matches!(
            decide(&c, RoundKind::First, &rules(), None),
            Err(OutcomeError::MoreVotesThanVoters { counted: 110, .. })
        ));
    }

    #[test]
    fn the_outcome_serializes_in_the_documented_shape() {
        let o = PresidentialOutcome::SecondRound {
            candidates: vec!["A".into(), "B".into()],
            reason: "r".into(),
            draw: None,
        };
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(v["kind"], "second_round");
        assert_eq!(v["candidates"], serde_json::json!(["A", "B"]));
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(12), "12");
    }

    fn arb_count() -> impl Strategy<Value = RoundCount> {
        (
            prop::collection::vec(0u64..2_000, 1..7),
            0u64..2_000,
            0u64..500,
        )
            .prop_map(|(votes, against, invalid)| {
                let candidates: Vec<CandidateVotes> = votes
                    .iter()
                    .enumerate()
                    .map(|(i, v)| CandidateVotes::new(format!("C{i}"), *v))
                    .collect();
                let valid: u64 = votes.iter().sum::<u64>() + against;
                RoundCount {
                    took_part: valid + invalid,
                    candidates,
                    against_all: against,
                    invalid,
                }
            })
    }

    /// Where a candidate stands: 2 elected, 1 in the second round, 0 out.
    fn standing(o: &PresidentialOutcome, who: &str) -> u8 {
        match o {
            PresidentialOutcome::Elected { elected, .. } if elected == who => 2,
            PresidentialOutcome::SecondRound { candidates, .. }
                if candidates.iter().any(|c| c == who) =>
            {
                1
            }
            _ => 0,
        }
    }

    proptest! {
        /// More votes for a candidate (who took part, too) never leave them worse off.
        #[test]
        fn more_votes_never_hurt(c in arb_count(), pick in 0usize..7, extra in 1u64..5_000,
                                 second in any::<bool>()) {
            let seed = TieSeed::new("seed").unwrap();
            let round = if second { RoundKind::Second } else { RoundKind::First };
            let who = pick % c.candidates.len();
            let name = c.candidates[who].candidate.clone();
            let before = decide(&c, round, &rules(), Some(&seed)).unwrap();
            let mut more = c.clone();
            more.candidates[who].votes += extra;
            more.took_part += extra;
            let after = decide(&more, round, &rules(), Some(&seed)).unwrap();
            prop_assert!(standing(&after, &name) >= standing(&before, &name),
                "{before:?} then {after:?}");
        }

        /// The order of the lines (ballot order, or the order protocols arrived in and were
        /// summed) never changes the outcome.
        #[test]
        fn order_is_irrelevant(c in arb_count(), shift in 0usize..7, second in any::<bool>()) {
            let seed = TieSeed::new("seed").unwrap();
            let round = if second { RoundKind::Second } else { RoundKind::First };
            let mut turned = c.clone();
            let n = turned.candidates.len();
            turned.candidates.rotate_left(shift % n);
            turned.candidates.reverse();
            let a = decide(&c, round, &rules(), Some(&seed)).unwrap();
            let b = decide(&turned, round, &rules(), Some(&seed)).unwrap();
            match (&a, &b) {
                (PresidentialOutcome::Elected { elected: x, .. },
                 PresidentialOutcome::Elected { elected: y, .. }) => prop_assert_eq!(x, y),
                (PresidentialOutcome::SecondRound { candidates: x, .. },
                 PresidentialOutcome::SecondRound { candidates: y, .. }) => prop_assert_eq!(x, y),
                (PresidentialOutcome::NotElected { .. }, PresidentialOutcome::NotElected { .. }) => {}
                _ => prop_assert!(false, "{a:?} vs {b:?}"),
            }
        }

        /// Elected exactly when strictly more than half of those who took part voted for them
        /// (first round); a tie that needs a draw fails without a seed and never otherwise.
        #[test]
        fn the_majority_is_exact_and_ties_are_documented(c in arb_count()) {
            let o = decide(&c, RoundKind::First, &rules(), None);
            let majority = c.candidates.iter().find(|l| 2 * l.votes > c.took_part);
            match (o, majority) {
                (Ok(o), Some(m)) => prop_assert_eq!(o.elected(), Some(m.candidate.as_str())),
                (Ok(o), None) => prop_assert!(o.elected().is_none()),
                (Err(OutcomeError::TieNeedsSeed { tied, votes, .. }), None) => {
                    prop_assert!(tied.len() >= 2);
                    prop_assert!(c.candidates.iter().filter(|l| l.votes == votes).count() == tied.len());
                }
                (other, m) => prop_assert!(false, "{other:?} with majority {m:?}"),
            }
        }
    }
}
