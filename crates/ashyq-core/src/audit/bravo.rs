//! Ballot polling by BRAVO: M. Lindeman, P. B. Stark, V. S. Yates, "BRAVO: Ballot-polling
//! Risk-limiting Audits to Verify Outcomes", EVT/WOTE 2012, §3 (the test) and §5 (the average
//! sample number), for one assertion "the reported winner w got more votes than the reported
//! loser l", sampling ballots uniformly **with replacement**.
//!
//! With the reported share `s = W / (W + L)` of the two, the test statistic after the draws is
//! `T = (2s)^{n_w} · (2(1 − s))^{n_l}`, where `n_w` and `n_l` count the drawn ballots (with
//! multiplicity) read for w and for l; a ballot for neither leaves T unchanged, and a ballot
//! not found is read for the loser. The risk is `min(1, 1/T)`; the audit stops when
//! `T ≥ 1/α`. Both are computed here as exact rationals:
//! `1/T = (W + L)^{n_w + n_l} / ((2W)^{n_w} (2L)^{n_l})`.

use super::{Risk, RiskLimit};

/// The reported votes of the assertion's two sides in the contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedPair {
    /// Reported votes for the winner.
    pub winner: u64,
    /// Reported votes for the loser.
    pub loser: u64,
    /// All ballots of the contest (the manifest), from which the sample is drawn.
    pub ballots: u64,
}

/// The drawn ballots read for each side, counted with multiplicity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SampleTally {
    /// Read for the winner.
    pub winner: u64,
    /// Read for the loser (ballots not found included).
    pub loser: u64,
    /// Read for neither.
    pub neither: u64,
}

impl SampleTally {
    /// Draws so far.
    pub fn draws(&self) -> u64 {
        self.winner + self.loser + self.neither
    }
}

/// BRAVO's risk after the draws (§3). A tie or a reported loss cannot be confirmed: risk 1.
pub fn risk(reported: ReportedPair, sample: SampleTally) -> Risk {
    let (w, l) = (reported.winner, reported.loser);
    if w <= l {
        return Risk::one();
    }
    if l == 0 && sample.loser > 0 {
        // s = 1: a single vote for the loser makes T zero.
        return Risk::one();
    }
    let (w, l) = (u128::from(w), u128::from(l));
    Risk::product(&[(w + l, 2 * w, sample.winner), (w + l, 2 * l, sample.loser)])
}

/// Whether the audit of this assertion stops.
pub fn confirmed(reported: ReportedPair, sample: SampleTally, limit: RiskLimit) -> bool {
    risk(reported, sample).within(limit)
}

fn increments(reported: ReportedPair) -> Option<(f64, f64, f64, f64)> {
    let (w, l, n) = (
        reported.winner as f64,
        reported.loser as f64,
        reported.ballots.max(reported.winner + reported.loser) as f64,
    );
    if reported.winner <= reported.loser || n == 0.0 {
        return None;
    }
    let s = w / (w + l);
    let z_w = (2.0 * s).ln();
    let z_l = if reported.loser == 0 {
        f64::NEG_INFINITY
    } else {
        (2.0 - 2.0 * s).ln()
    };
    Some((w / n, l / n, z_w, z_l))
}

/// The log of the evidence still needed: `ln(1/α) − ln T`.
fn still_needed(limit: RiskLimit, so_far: &Risk) -> f64 {
    // The published risk is rounded up, so the need is never underestimated.
    let r = so_far.as_f64().max(f64::MIN_POSITIVE);
    (r / limit.alpha_f64()).ln().max(0.0)
}

/// The average sample number (§5 of the paper; Arlo's `get_expected_sample_size`): expected
/// further draws to stop when the reported shares are right,
/// `(ln(1/α) − ln T + z_w/2) / (p_w z_w + p_l z_l)` with `z_w = ln 2s`, `z_l = ln(2 − 2s)`
/// and `p_w`, `p_l` the sides' shares of all ballots. `f64`: an estimate, never a decision.
pub fn average_sample_number(
    reported: ReportedPair,
    limit: RiskLimit,
    so_far: &Risk,
) -> Option<u64> {
    let (p_w, p_l, z_w, z_l) = increments(reported)?;
    let drift = p_w * z_w + if p_l > 0.0 { p_l * z_l } else { 0.0 };
    if drift <= 0.0 {
        return None;
    }
    let need = still_needed(limit, so_far);
    if need == 0.0 {
        return Some(0);
    }
    Some(((need + z_w / 2.0) / drift).ceil() as u64)
}

/// z for a one-sided 90% normal quantile.
const Z90: f64 = 1.281_551_565_545;

/// Further draws for a 90% chance of stopping at the end of the round when the reported shares
/// are right (the quantity Arlo offers as its "90%" option). Here by the normal approximation
/// of `ln T`, a sum of independent draws each adding `z_w` with probability `p_w`, `z_l` with
/// probability `p_l` and 0 otherwise: the least n with `n·μ − 1.2816·σ·√n ≥ ln(1/α) − ln T`.
/// `f64`: an estimate, never a decision. `None` when no sample can confirm (a tie, a loss,
/// or no margin): count in full.
pub fn next_round_size(reported: ReportedPair, limit: RiskLimit, so_far: &Risk) -> Option<u64> {
    let (p_w, p_l, z_w, z_l) = increments(reported)?;
    let need = still_needed(limit, so_far);
    if need == 0.0 {
        return Some(0);
    }
    let z_l = if p_l > 0.0 { z_l } else { 0.0 };
    let mu = p_w * z_w + p_l * z_l;
    if mu <= 0.0 {
        return None;
    }
    let var = p_w * z_w * z_w + p_l * z_l * z_l - mu * mu;
    let sigma = var.max(0.0).sqrt();
    let x = (Z90 * sigma + (Z90 * Z90 * var.max(0.0) + 4.0 * mu * need).sqrt()) / (2.0 * mu);
    Some((x * x).ceil().max(1.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::Signed;
    use proptest::prelude::*;

    fn pair(w: u64, l: u64) -> ReportedPair {
        ReportedPair {
            winner: w,
            loser: l,
            ballots: w + l,
        }
    }

    #[test]
    fn one_winner_ballot_multiplies_t_by_2s() {
        // s = 0.6: T = 1.2 after one ballot for the winner, risk 1/1.2 = 5/6.
        let r = risk(
            pair(60, 40),
            SampleTally {
                winner: 1,
                ..Default::default()
            },
        );
        assert_eq!(r.exact(), &super::super::ratio(5, 6));
        // And then one for the loser: T = 1.2 · 0.8 = 0.96 → risk 1 (capped).
        let r = risk(
            pair(60, 40),
            SampleTally {
                winner: 1,
                loser: 1,
                neither: 3,
            },
        );
        assert!(r.is_one());
    }

    #[test]
    fn the_stopping_rule_of_the_paper() {
        // s = 0.6, α = 10%: T = 1.2^k ≥ 10 first at k = 13 (1.2^12 ≈ 8.9, 1.2^13 ≈ 10.7).
        let limit = RiskLimit::percent(10).unwrap();
        let at = |k| SampleTally {
            winner: k,
            ..Default::default()
        };
        assert!(!confirmed(pair(60, 40), at(12), limit));
        assert!(confirmed(pair(60, 40), at(13), limit));
    }

    #[test]
    fn a_tie_or_a_loss_is_never_confirmed() {
        let many = SampleTally {
            winner: 1000,
            ..Default::default()
        };
        assert!(risk(pair(50, 50), many).is_one());
        assert!(risk(pair(40, 60), many).is_one());
        assert_eq!(
            next_round_size(pair(50, 50), RiskLimit::default(), &Risk::one()),
            None
        );
    }

    #[test]
    fn the_average_sample_number_of_the_papers_table() {
        // BRAVO paper, Table 1 (α = 10%): a 60/40 two-candidate contest has ASN ≈ 119.
        let asn =
            average_sample_number(pair(60, 40), RiskLimit::percent(10).unwrap(), &Risk::one())
                .unwrap();
        assert_eq!(asn, 119);
        let n90 =
            next_round_size(pair(60, 40), RiskLimit::percent(10).unwrap(), &Risk::one()).unwrap();
        assert!(n90 > asn, "{n90} vs {asn}");
    }

    proptest! {
        #[test]
        fn a_ballot_for_the_winner_never_raises_the_risk(
            w in 2u64..10_000, l in 0u64..10_000,
            nw in 0u64..200, nl in 0u64..200, no in 0u64..50,
        ) {
            prop_assume!(w > l);
            let rep = pair(w, l);
            let s = SampleTally { winner: nw, loser: nl, neither: no };
            let more = SampleTally { winner: nw + 1, ..s };
            prop_assert!(risk(rep, more).exact() <= risk(rep, s).exact());
            let neither = SampleTally { neither: no + 1, ..s };
            prop_assert_eq!(risk(rep, neither), risk(rep, s));
        }

        #[test]
        fn the_risk_is_monotone_in_discrepancies(
            w in 2u64..10_000, l in 1u64..10_000,
            nw in 1u64..200, nl in 0u64..200,
        ) {
            prop_assume!(w > l);
            let rep = pair(w, l);
            let s = SampleTally { winner: nw, loser: nl, neither: 0 };
            // Reading one winner ballot as a loser ballot can only raise the risk.
            let worse = SampleTally { winner: nw - 1, loser: nl + 1, neither: 0 };
            prop_assert!(risk(rep, worse).exact() >= risk(rep, s).exact());
        }

        #[test]
        fn the_risk_is_a_probability(w in 1u64..1000, l in 0u64..1000, nw in 0u64..100, nl in 0u64..100) {
            let r = risk(pair(w, l), SampleTally { winner: nw, loser: nl, neither: 0 });
            prop_assert!(r.ppm() <= 1_000_000 && !r.exact().numer().is_negative());
        }
    }
}
