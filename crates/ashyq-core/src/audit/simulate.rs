//! Simulated audits: the evidence that the methods confirm a right outcome with about the
//! sample the theory expects, and confirm a wrong one at most as often as the risk limit
//! allows (`docs/audit.md`, `ashyq audit simulate`, `ashyq bench audit`).
//!
//! A simulation knows both the protocols (what was reported) and the paper (what the boxes
//! hold). Draws here come from a seeded ChaCha generator rather than the SHA-256 sampler:
//! both give independent uniform (or weighted) draws with replacement — or, for ALPHA, a
//! uniformly random order without replacement — which is all the statistics rely on, and the
//! generator is orders of magnitude cheaper than hashing every ballot of a region for each of
//! a thousand audits. The risk of each round is the same exact function the ledger uses.

use rand::Rng;

use super::alpha;
use super::bravo::{self, ReportedPair, SampleTally};
use super::comparison::{self, ContestBound, Draw, ReportedBatch};
use super::{HandCount, Reading, Risk, RiskLimit, Side, reported_winner};

/// One precinct as reported and as the paper really is (the same number of ballots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimPrecinct {
    /// The protocol's lines.
    pub reported: HandCount,
    /// The paper.
    pub paper: HandCount,
}

/// Which method to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimMethod {
    /// MACRO batch comparison, precincts drawn by PPEB.
    BatchComparison,
    /// BRAVO ballot polling, ballots drawn uniformly with replacement.
    BallotPolling,
    /// ALPHA ballot polling, ballots drawn uniformly without replacement.
    BallotPollingAlpha,
}

/// How one simulated audit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimOutcome {
    /// The reported outcome was confirmed at the risk limit (else: escalated to a full count).
    pub confirmed: bool,
    /// Draws made (with multiplicity) before it stopped.
    pub draws: u64,
    /// Rounds.
    pub rounds: u32,
}

/// The most rounds before escalating to a full hand count.
pub const MAX_ROUNDS: u32 = 5;

/// Runs one audit of a contest: rounds sized by the method's 90% estimate until the risk is
/// within the limit, the estimate says no sample can do it, the draws would reach the
/// contest's size (a full count is cheaper), or [`MAX_ROUNDS`] pass.
pub fn simulate_audit(
    precincts: &[SimPrecinct],
    method: SimMethod,
    limit: RiskLimit,
    rng: &mut impl Rng,
) -> SimOutcome {
    let reported = precincts
        .iter()
        .fold(HandCount::default(), |a, p| add(a, p.reported));
    let Some(winner) = reported_winner(reported.yes, reported.no) else {
        return SimOutcome {
            confirmed: false,
            draws: 0,
            rounds: 0,
        };
    };
    match method {
        SimMethod::BatchComparison => {
            let batches: Vec<ReportedBatch> = precincts
                .iter()
                .map(|p| ReportedBatch::of(&p.reported, p.reported.ballots(), winner))
                .collect();
            let bound = ContestBound::of(&batches);
            let weights = cumulative(batches.iter().map(ReportedBatch::error_bound));
            let cap = precincts.len() as u64;
            let mut draws: Vec<Draw> = Vec::new();
            let mut risk = Risk::one();
            for round in 1..=MAX_ROUNDS {
                let Some(n) = comparison::next_round_size(bound, limit, &risk) else {
                    return escalate(draws.len() as u64, round - 1);
                };
                if draws.len() as u64 + n >= cap {
                    return escalate(draws.len() as u64, round - 1);
                }
                for _ in 0..n {
                    let i = pick(&weights, rng);
                    let p = &precincts[i];
                    draws.push(Draw {
                        reported: batches[i],
                        audited_winner: p.paper.votes(winner),
                        audited_loser: p.paper.votes(winner.other()),
                    });
                }
                risk = comparison::risk(bound, &draws);
                if risk.within(limit) {
                    return SimOutcome {
                        confirmed: true,
                        draws: draws.len() as u64,
                        rounds: round,
                    };
                }
            }
            escalate(draws.len() as u64, MAX_ROUNDS)
        }
        SimMethod::BallotPolling => {
            let pair = ReportedPair {
                winner: reported.votes(winner),
                loser: reported.votes(winner.other()),
                ballots: reported.ballots(),
            };
            let paper: Vec<u64> = precincts
                .iter()
                .flat_map(|p| {
                    [
                        p.paper.yes,
                        p.paper.no,
                        p.paper.both_marked,
                        p.paper.invalid,
                    ]
                })
                .collect();
            let lines = cumulative(paper.iter().copied());
            let cap = reported.ballots();
            let mut tally = SampleTally::default();
            let mut risk = Risk::one();
            for round in 1..=MAX_ROUNDS {
                let Some(n) = bravo::next_round_size(pair, limit, &risk) else {
                    return escalate(tally.draws(), round - 1);
                };
                if tally.draws() + n >= cap {
                    return escalate(tally.draws(), round - 1);
                }
                for _ in 0..n {
                    let reading = match pick(&lines, rng) % 4 {
                        0 => Reading::Yes,
                        1 => Reading::No,
                        2 => Reading::BothMarked,
                        _ => Reading::Invalid,
                    };
                    match reading.side(winner) {
                        Side::Winner => tally.winner += 1,
                        Side::Loser => tally.loser += 1,
                        Side::Neither => tally.neither += 1,
                    }
                }
                risk = bravo::risk(pair, tally);
                if risk.within(limit) {
                    return SimOutcome {
                        confirmed: true,
                        draws: tally.draws(),
                        rounds: round,
                    };
                }
            }
            escalate(tally.draws(), MAX_ROUNDS)
        }
        SimMethod::BallotPollingAlpha => {
            let lines = paper_lines(precincts);
            let pair = ReportedPair {
                winner: reported.votes(winner),
                loser: reported.votes(winner.other()),
                ballots: lines.last().copied().unwrap_or(0),
            };
            let cap = pair.ballots;
            let mut drawn = std::collections::HashSet::new();
            let mut sides: Vec<Side> = Vec::new();
            let mut risk = Risk::one();
            for round in 1..=MAX_ROUNDS {
                let Some(n) = alpha::next_round_size(pair, limit, &risk) else {
                    return escalate(sides.len() as u64, round - 1);
                };
                if sides.len() as u64 + n >= cap {
                    return escalate(sides.len() as u64, round - 1);
                }
                for _ in 0..n {
                    // Without replacement: a ballot already drawn is drawn again.
                    let ballot = loop {
                        let b = rng.random_range(0..cap);
                        if drawn.insert(b) {
                            break b;
                        }
                    };
                    let line = lines.partition_point(|&c| c <= ballot);
                    sides.push(line_reading(line).side(winner));
                }
                risk = alpha::risk(pair, &sides);
                if risk.within(limit) {
                    return SimOutcome {
                        confirmed: true,
                        draws: sides.len() as u64,
                        rounds: round,
                    };
                }
            }
            escalate(sides.len() as u64, MAX_ROUNDS)
        }
    }
}

/// The paper's ballots line by line (yes, no, both marked, invalid of each precinct),
/// cumulated.
fn paper_lines(precincts: &[SimPrecinct]) -> Vec<u64> {
    cumulative(precincts.iter().flat_map(|p| {
        [
            p.paper.yes,
            p.paper.no,
            p.paper.both_marked,
            p.paper.invalid,
        ]
    }))
}

fn line_reading(line: usize) -> Reading {
    match line % 4 {
        0 => Reading::Yes,
        1 => Reading::No,
        2 => Reading::BothMarked,
        _ => Reading::Invalid,
    }
}

fn escalate(draws: u64, rounds: u32) -> SimOutcome {
    SimOutcome {
        confirmed: false,
        draws,
        rounds,
    }
}

fn add(a: HandCount, b: HandCount) -> HandCount {
    HandCount {
        yes: a.yes + b.yes,
        no: a.no + b.no,
        both_marked: a.both_marked + b.both_marked,
        invalid: a.invalid + b.invalid,
    }
}

fn cumulative(weights: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut sum = 0;
    weights
        .map(|w| {
            sum += w;
            sum
        })
        .collect()
}

fn pick(cumulative: &[u64], rng: &mut impl Rng) -> usize {
    let total = cumulative.last().copied().unwrap_or(0);
    let r = rng.random_range(0..total.max(1));
    cumulative.partition_point(|&c| c <= r)
}

/// Moves `votes` from the paper's winning answer to the other in the *protocols* of the
/// precincts, largest first, so that the reported outcome flips while the paper stays: the
/// falsified-outcome scenario. Returns the falsified precincts.
pub fn falsify(precincts: &[SimPrecinct], votes: u64) -> Vec<SimPrecinct> {
    let paper = precincts
        .iter()
        .fold(HandCount::default(), |a, p| add(a, p.paper));
    let true_winner = reported_winner(paper.yes, paper.no).unwrap_or(super::Answer::Yes);
    let mut order: Vec<usize> = (0..precincts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(precincts[i].paper.votes(true_winner)));
    let mut out = precincts.to_vec();
    let mut left = votes;
    for i in order {
        if left == 0 {
            break;
        }
        let r = &mut out[i].reported;
        let take = match true_winner {
            super::Answer::Yes => r.yes.min(left),
            super::Answer::No => r.no.min(left),
        };
        match true_winner {
            super::Answer::Yes => {
                r.yes -= take;
                r.no += take;
            }
            super::Answer::No => {
                r.no -= take;
                r.yes += take;
            }
        }
        left -= take;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// 200 precincts of 300 ballots, paper about 46.5% yes / 51.5% no / 2% others.
    fn region() -> Vec<SimPrecinct> {
        (0..200)
            .map(|i| {
                let yes = 135 + (i % 10);
                let no = 300 - 6 - yes;
                let c = HandCount {
                    yes,
                    no,
                    both_marked: 2,
                    invalid: 4,
                };
                SimPrecinct {
                    reported: c,
                    paper: c,
                }
            })
            .collect()
    }

    #[test]
    fn a_falsified_outcome_is_rarely_confirmed() {
        let honest = region();
        let paper_margin: u64 = honest.iter().map(|p| p.paper.no - p.paper.yes).sum();
        // Move enough no → yes in the protocols that yes is reported as winning by ~2%.
        let false_ = falsify(&honest, paper_margin / 2 + 600);
        let rep = false_
            .iter()
            .fold(HandCount::default(), |a, p| add(a, p.reported));
        assert!(rep.yes > rep.no, "the falsified protocols report yes");
        let mut rng = ChaCha20Rng::seed_from_u64(17);
        for method in [
            SimMethod::BatchComparison,
            SimMethod::BallotPolling,
            SimMethod::BallotPollingAlpha,
        ] {
            let confirmed = (0..100)
                .filter(|_| {
                    simulate_audit(&false_, method, RiskLimit::default(), &mut rng).confirmed
                })
                .count();
            // The guarantee is ≤ 5%; with 100 runs allow sampling noise up to 12.
            assert!(
                confirmed <= 12,
                "{method:?}: {confirmed}/100 confirmed the wrong outcome"
            );
        }
    }

    #[test]
    fn a_right_wide_outcome_confirms() {
        let mut honest = region();
        for p in &mut honest {
            p.paper = HandCount {
                yes: 200,
                no: 94,
                both_marked: 2,
                invalid: 4,
            };
            p.reported = p.paper;
        }
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        for method in [
            SimMethod::BatchComparison,
            SimMethod::BallotPolling,
            SimMethod::BallotPollingAlpha,
        ] {
            let runs: Vec<SimOutcome> = (0..50)
                .map(|_| simulate_audit(&honest, method, RiskLimit::default(), &mut rng))
                .collect();
            let confirmed = runs.iter().filter(|o| o.confirmed).count();
            assert!(confirmed >= 45, "{method:?}: only {confirmed}/50 confirmed");
        }
    }
}
