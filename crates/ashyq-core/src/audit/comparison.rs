//! Batch comparison by MACRO: P. B. Stark, "Efficient post-election audits of multiple
//! contests: 2009 California tests", 2009 (SSRN 1443314), applied to one contest at a time as
//! Arlo's `audit_math/macro.py` does. A batch is a precinct; its hand count is compared with
//! its protocol.
//!
//! For the assertion "w beats l" with reported contest margin `V = W − L > 0`, a precinct p
//! with reported votes `v_w`, `v_l` and `b` ballots has the error bound `u_p = (v_w − v_l + b)/V`
//! (the most its count can overstate the margin), and `U = Σ u_p`. Precincts are drawn with
//! replacement with probability `u_p / U` (PPEB, [`super::ppeb`]). A hand count `a_w`, `a_l`
//! gives the overstatement `e_p = max(0, (v_w − v_l) − (a_w − a_l))` (understatements count as
//! zero, conservatively) and the taint `t_p = e_p / (v_w − v_l + b)`. The risk after the draws
//! is `min(1, Π (1 − 1/U) / (1 − t_p))` over the draws with multiplicity. `V` cancels in every
//! ratio, so with `E = Σ (v_w − v_l + b)` (an integer) each factor is
//! `((E − V)/E) · (u / (u − e))` with integer `u` and `e`: the risk is an exact rational.

use super::{Answer, HandCount, Risk, RiskLimit};

/// One precinct as the protocols report it, for one assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedBatch {
    /// Reported votes for the winner.
    pub winner: u64,
    /// Reported votes for the loser.
    pub loser: u64,
    /// Ballots in the batch (found in the boxes).
    pub ballots: u64,
}

impl ReportedBatch {
    /// From a protocol's lines, for "winner beats the other answer".
    pub fn of(count: &HandCount, ballots: u64, winner: Answer) -> Self {
        ReportedBatch {
            winner: count.votes(winner),
            loser: count.votes(winner.other()),
            ballots,
        }
    }

    /// The error bound's numerator `v_w − v_l + b` (≥ 0, since `v_w + v_l ≤ b`); the weight of
    /// the precinct in the PPEB draw.
    pub fn error_bound(&self) -> u64 {
        (i128::from(self.winner) - i128::from(self.loser) + i128::from(self.ballots)).max(0) as u64
    }

    /// The overstatement of the margin by the protocol against a hand count (`e_p` in votes),
    /// zero when the hand count favours the winner more.
    pub fn overstatement(&self, audited_winner: u64, audited_loser: u64) -> u64 {
        let reported = i128::from(self.winner) - i128::from(self.loser);
        let audited = i128::from(audited_winner) - i128::from(audited_loser);
        (reported - audited).max(0) as u64
    }
}

/// A contest's totals for one assertion: the reported margin `V` and `E = Σ u_p · V`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContestBound {
    /// `W − L` (reported); ≤ 0 means nothing can be confirmed by a sample.
    pub margin: i128,
    /// `Σ (v_w − v_l + b)` over every precinct of the contest.
    pub total_bound: u64,
    /// Precincts in the contest.
    pub batches: u64,
}

impl ContestBound {
    /// Sums the precincts.
    pub fn of<'a>(batches: impl IntoIterator<Item = &'a ReportedBatch>) -> Self {
        let mut b = ContestBound {
            margin: 0,
            total_bound: 0,
            batches: 0,
        };
        for r in batches {
            b.margin += i128::from(r.winner) - i128::from(r.loser);
            b.total_bound += r.error_bound();
            b.batches += 1;
        }
        b
    }

    /// `1/U = V / E`, in f64 for the estimates.
    fn inverse_u(&self) -> f64 {
        self.margin as f64 / self.total_bound as f64
    }
}

/// One draw: the precinct as reported and its hand count (winner, loser votes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw {
    /// As reported.
    pub reported: ReportedBatch,
    /// Hand-counted votes for the winner.
    pub audited_winner: u64,
    /// Hand-counted votes for the loser.
    pub audited_loser: u64,
}

/// MACRO's risk after the draws (with multiplicity). A tie or a reported loss, or a draw whose
/// taint is 1 (the hand count reverses everything the precinct could), gives risk 1.
pub fn risk(contest: ContestBound, draws: &[Draw]) -> Risk {
    if contest.margin <= 0 || contest.total_bound == 0 {
        return Risk::one();
    }
    let v = contest.margin as u128;
    let e_total = u128::from(contest.total_bound);
    if v > e_total {
        // Cannot happen for consistent protocols (|v_w − v_l| ≤ b in each precinct).
        return Risk::one();
    }
    let mut factors = Vec::with_capacity(draws.len());
    for d in draws {
        let u = d.reported.error_bound();
        let e = d.reported.overstatement(d.audited_winner, d.audited_loser);
        if e >= u {
            return Risk::one();
        }
        factors.push((
            (e_total - v) * u128::from(u),
            e_total * u128::from(u - e),
            1,
        ));
    }
    Risk::product(&factors)
}

/// Arlo's MACRO sample size (`macro.get_sample_sizes`): the least n with
/// `risk · (1 − 1/U)^n ≤ α`, plus one for small discrepancies:
/// `⌈(ln α − ln risk) / ln(1 − 1/U)⌉ + 1` further draws (with replacement). `None` when no
/// sample can confirm (count in full). `f64`: an estimate, never a decision.
pub fn next_round_size(contest: ContestBound, limit: RiskLimit, so_far: &Risk) -> Option<u64> {
    if contest.margin <= 0 || contest.total_bound == 0 {
        return None;
    }
    let r = so_far.as_f64();
    if r <= limit.alpha_f64() {
        return Some(0);
    }
    let p_mult = 1.0 - contest.inverse_u();
    if p_mult <= 0.0 {
        // One clean draw proves it (a unanimous contest).
        return Some(1);
    }
    let n = (limit.alpha_f64().ln() - r.ln()) / p_mult.ln();
    Some(n.ceil() as u64 + 1)
}

/// The expected number of draws when every protocol is right (no discrepancies):
/// `ln α / ln(1 − 1/U)`, the formula behind Arlo's estimate.
pub fn expected_draws(contest: ContestBound, limit: RiskLimit) -> Option<f64> {
    if contest.margin <= 0 || contest.total_bound == 0 {
        return None;
    }
    let p_mult = 1.0 - contest.inverse_u();
    if p_mult <= 0.0 {
        return Some(1.0);
    }
    Some(limit.alpha_f64().ln() / p_mult.ln())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn batch(w: u64, l: u64, b: u64) -> ReportedBatch {
        ReportedBatch {
            winner: w,
            loser: l,
            ballots: b,
        }
    }

    fn clean(r: ReportedBatch) -> Draw {
        Draw {
            reported: r,
            audited_winner: r.winner,
            audited_loser: r.loser,
        }
    }

    #[test]
    fn a_clean_draw_multiplies_the_risk_by_one_minus_one_over_u() {
        // Ten precincts of 100 ballots, 60/40 each: V = 200, E = 10 · 120 = 1200, 1/U = 1/6.
        let batches = vec![batch(60, 40, 100); 10];
        let c = ContestBound::of(&batches);
        assert_eq!((c.margin, c.total_bound), (200, 1200));
        let r = risk(c, &[clean(batches[0]), clean(batches[1])]);
        assert_eq!(
            r.exact(),
            &(super::super::ratio(5, 6) * super::super::ratio(5, 6))
        );
        // ln 0.05 / ln(5/6) = 16.43…: 17 clean draws confirm at 5%, 16 do not.
        let draws16 = vec![clean(batches[0]); 16];
        let draws17 = vec![clean(batches[0]); 17];
        assert!(!risk(c, &draws16).within(RiskLimit::default()));
        assert!(risk(c, &draws17).within(RiskLimit::default()));
        assert_eq!(
            next_round_size(c, RiskLimit::default(), &Risk::one()),
            Some(18)
        );
    }

    #[test]
    fn an_overstatement_raises_the_risk_and_a_reversal_stops_confirmation() {
        let batches = vec![batch(60, 40, 100); 10];
        let c = ContestBound::of(&batches);
        let off = Draw {
            audited_winner: 55,
            audited_loser: 45,
            ..clean(batches[0])
        };
        // e = 20 − 10 = 10, u = 120: factor (5/6) · 120/110.
        let r = risk(c, &[off]);
        assert_eq!(
            r.exact(),
            &(super::super::ratio(5, 6) * super::super::ratio(120, 110))
        );
        // A hand count of 0 for the winner and 100 for the loser: e = 20 + 100 = 120 = u.
        let reversed = Draw {
            audited_winner: 0,
            audited_loser: 100,
            ..clean(batches[0])
        };
        assert!(risk(c, &[clean(batches[1]), reversed]).is_one());
    }

    #[test]
    fn an_understatement_counts_as_nothing() {
        let batches = vec![batch(60, 40, 100); 10];
        let c = ContestBound::of(&batches);
        let better = Draw {
            audited_winner: 70,
            audited_loser: 30,
            ..clean(batches[0])
        };
        assert_eq!(risk(c, &[better]), risk(c, &[clean(batches[0])]));
    }

    proptest! {
        #[test]
        fn the_risk_is_monotone_in_discrepancies(
            sizes in proptest::collection::vec((0u64..300, 0u64..300, 0u64..50), 2..30),
            pick in 0usize..30, shift in 0u64..300,
        ) {
            let batches: Vec<ReportedBatch> = sizes.iter().map(|&(w, l, o)| batch(w, l, w + l + o)).collect();
            let c = ContestBound::of(&batches);
            prop_assume!(c.margin > 0);
            let p = batches[pick % batches.len()];
            let draws: Vec<Draw> = batches.iter().map(|b| clean(*b)).collect();
            let base = risk(c, &draws);
            // Move `shift` of the precinct's winner votes to the loser in the hand count.
            let moved = shift.min(p.winner);
            let mut worse = draws.clone();
            worse[pick % batches.len()] = Draw { audited_winner: p.winner - moved, audited_loser: p.loser + moved, reported: p };
            let w = risk(c, &worse);
            prop_assert!(w.exact() >= base.exact());
            // And moving one vote more never lowers it.
            if moved < p.winner {
                let mut worse2 = draws.clone();
                worse2[pick % batches.len()] = Draw { audited_winner: p.winner - moved - 1, audited_loser: p.loser + moved + 1, reported: p };
                prop_assert!(risk(c, &worse2).exact() >= w.exact());
            }
        }

        #[test]
        fn clean_draws_never_raise_the_risk(
            sizes in proptest::collection::vec((0u64..300, 0u64..300, 0u64..50), 2..30),
            n in 0usize..40,
        ) {
            let batches: Vec<ReportedBatch> = sizes.iter().map(|&(w, l, o)| batch(w, l, w + l + o)).collect();
            let c = ContestBound::of(&batches);
            prop_assume!(c.margin > 0);
            let draws: Vec<Draw> = batches.iter().cycle().take(n).map(|b| clean(*b)).collect();
            let more: Vec<Draw> = batches.iter().cycle().take(n + 1).map(|b| clean(*b)).collect();
            prop_assert!(risk(c, &more).exact() <= risk(c, &draws).exact());
        }
    }
}
