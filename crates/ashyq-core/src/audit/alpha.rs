//! Ballot polling by ALPHA, **without replacement**: P. B. Stark, "ALPHA: Audit that Learns
//! from Previously Hand-Audited Ballots", Annals of Applied Statistics 17(1), 2023
//! (arXiv:2201.02707), §2 (the test supermartingale) and §2.5.2 (the truncated shrinkage
//! estimator), on the assorter of SHANGRLA (P. B. Stark, "Sets of Half-Average Nulls Generate
//! Risk-Limiting Audits: SHANGRLA", Voting '20, LNCS 12063), for one assertion "the reported
//! winner w got more votes than the reported loser l" of a yes/no contest.
//!
//! **The assorter.** A ballot for w is worth 1, a ballot for l (or **not found**,
//! conservatively) 0, any other ballot ½; the upper bound is u = 1. The outcome is right
//! exactly when the assorter's mean over the N ballots of the manifest exceeds ½; the audit
//! tests the null "mean ≤ ½".
//!
//! **The supermartingale.** Ballots are drawn uniformly without replacement. Before the j-th
//! draw, with S the assorter sum of the first j − 1, the null's mean of the ballots left is
//! `μ_j = (N/2 − S) / (N − j + 1)`, and the j-th draw x_j multiplies the statistic by
//! `x_j·η_j/μ_j + (1 − x_j)(1 − η_j)/(1 − μ_j)` for an estimate `η_j ∈ [μ_j, 1)` that
//! depends only on the earlier draws. The risk is `min(1, 1/T)`; by Ville's inequality the
//! chance that a wrong outcome ever reaches `T ≥ 1/α` is at most α, **whatever the estimates
//! are**, as long as each is fixed before its draw is read — so how η is computed (and
//! rounded) decides only how fast a right outcome confirms, never the risk.
//! Edge cases as the paper's: `μ_j < 0` (the sample already holds more than half of all the
//! assorter) proves the outcome, risk 0; `μ_j = 0` and `x_j > 0` likewise; `μ_j ≥ 1` (the
//! sample proves the mean below ½) leaves risk 1 for good.
//!
//! **The estimator η** (truncated shrinkage, ALPHA eq. 14):
//! `η_j = min(1 − 2⁻³², max((d·η₀ + S)/(d + j − 1), μ_j + ε_j))` with
//! - η₀ = the reported assorter mean `(N + W − L) / (2N)`;
//! - d = [`SHRINKAGE_D`] = 100 (the weight of η₀ against the sample, SHANGRLA's default);
//! - `ε_j = c / ⌈√(d + j − 1)⌉`, c = (η₀ − ½)/2 (the paper's `c/√(d + j − 1)` with the square
//!   root rounded up to an integer; c is our choice — the paper leaves it free);
//!
//! each term computed in integers and rounded **down** to a multiple of 2⁻³²
//! ([`ETA_GRID`]), then raised to at least the grid point above `μ_j`, so `η_j > μ_j`. Should
//! the cap bring η to `μ_j` or below, the draw's factor is 1 (η = μ, which the test allows).
//!
//! **Exactness.** With η = e/G (G = 2³²) and μ = a/b (a = N − 2S, b = 2(N − j + 1)), the factor
//! of a draw worth y/2 (y ∈ {0, 1, 2}) is the exact rational
//! `(y(eb − aG) + 2a(G − e))·b / (2G·a(b − a))`, in `u128` (a factor that would overflow makes
//! the risk 1). The risk is the exact product of the inverse factors ([`Risk::product`]: exact
//! up to [`super::EXACT_BITS`] bits, beyond that bounded from above), rounded up when published.

use super::bravo::ReportedPair;
use super::{Risk, RiskLimit, Side};

/// d: the weight of the reported mean η₀ in the shrinkage estimator, in draws.
pub const SHRINKAGE_D: u64 = 100;

/// G: the estimates η are multiples of 1/G.
pub const ETA_GRID: u128 = 1 << 32;

/// The assorter value of a ballot, doubled: 2 for the winner, 0 for the loser (a ballot not
/// found included), 1 for neither.
fn doubled(side: Side) -> u128 {
    match side {
        Side::Winner => 2,
        Side::Neither => 1,
        Side::Loser => 0,
    }
}

/// The contest's population: the manifest's ballots, at least the two sides' votes.
fn population(reported: ReportedPair) -> u128 {
    u128::from(
        reported
            .ballots
            .max(reported.winner.saturating_add(reported.loser)),
    )
}

/// The estimate η_j before the j-th draw (j ≥ 1), as its numerator over [`ETA_GRID`], when
/// `twice_sum` is twice the assorter sum of the first j − 1 draws. `None` when the contest
/// has no margin or the numbers overflow.
pub fn eta(reported: ReportedPair, j: u64, twice_sum: u128) -> Option<u128> {
    let n = population(reported);
    let (w, l) = (u128::from(reported.winner), u128::from(reported.loser));
    if w <= l || n == 0 || j == 0 || u128::from(j) > n || twice_sum > n {
        return None;
    }
    let g = ETA_GRID;
    let dj = u128::from(SHRINKAGE_D) + u128::from(j) - 1;
    // (d·η₀ + S)/(d + j − 1) = (d(N + W − L) + N·2S) / (2N(d + j − 1)), rounded down.
    let shrunk = g
        .checked_mul(
            u128::from(SHRINKAGE_D)
                .checked_mul(n + w - l)?
                .checked_add(n.checked_mul(twice_sum)?)?,
        )?
        .checked_div(2 * n * dj)?;
    // μ_j = (N − 2S) / (2(N − j + 1)), rounded down to the grid.
    let (a, b) = (n - twice_sum, 2 * (n - u128::from(j) + 1));
    let mu_floor = g.checked_mul(a)? / b;
    // ε_j = c/⌈√(d + j − 1)⌉ with c = (W − L)/(4N), rounded down, at least one grid step.
    let k = ceil_sqrt(dj);
    let eps = (g.checked_mul(w - l)? / (4 * n * k)).max(1);
    Some(shrunk.max(mu_floor + eps).min(g - 1))
}

fn ceil_sqrt(x: u128) -> u128 {
    let r = x.isqrt();
    if r * r == x { r } else { r + 1 }
}

/// One draw's factor 1/F (numerator, denominator), or the verdict the draw forces.
enum Step {
    Factor(u128, u128),
    Proven,
    Hopeless,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn step(reported: ReportedPair, j: u64, twice_sum: u128, y: u128) -> Step {
    let n = population(reported);
    if twice_sum > n {
        // μ_j < 0: more than half the assorter already drawn.
        return Step::Proven;
    }
    let a = n - twice_sum;
    let b = 2 * (n + 1 - u128::from(j));
    if a >= b {
        // μ_j ≥ 1: the mean is certainly at most ½.
        return Step::Hopeless;
    }
    let Some(e) = eta(reported, j, twice_sum) else {
        return Step::Hopeless;
    };
    let g = ETA_GRID;
    if a == 0 {
        // μ_j = 0: a ballot worth anything proves it; one worth 0 multiplies T by 1 − η.
        return if y > 0 {
            Step::Proven
        } else {
            Step::Factor(g, g - e)
        };
    }
    let (Some(eb), Some(ag)) = (e.checked_mul(b), a.checked_mul(g)) else {
        return Step::Hopeless;
    };
    if eb <= ag {
        // η ≤ μ after the cap: factor 1.
        return Step::Factor(1, 1);
    }
    let num = (eb - ag)
        .checked_mul(y)
        .and_then(|t| t.checked_add(a.checked_mul(2 * (g - e))?))
        .and_then(|t| t.checked_mul(b));
    let den = a.checked_mul(b - a).and_then(|t| t.checked_mul(2 * g));
    match (num, den) {
        (Some(num), Some(den)) if num > 0 => {
            let c = gcd(num, den);
            // The risk's factor is 1/F = den/num.
            Step::Factor(den / c, num / c)
        }
        _ => Step::Hopeless,
    }
}

/// ALPHA's risk after the draws, in the order drawn (without replacement: at most N). A tie
/// or a reported loss cannot be confirmed: risk 1.
pub fn risk(reported: ReportedPair, draws: &[Side]) -> Risk {
    if reported.winner <= reported.loser {
        return Risk::one();
    }
    let n = population(reported);
    let mut factors: Vec<(u128, u128, u64)> = Vec::with_capacity(draws.len());
    let mut twice_sum = 0u128;
    for (i, side) in draws.iter().enumerate() {
        let j = i as u64 + 1;
        if u128::from(j) > n {
            // More draws than ballots cannot come from a draw without replacement.
            return Risk::one();
        }
        let y = doubled(*side);
        match step(reported, j, twice_sum, y) {
            Step::Factor(1, 1) => {}
            Step::Factor(num, den) => factors.push((num, den, 1)),
            Step::Proven => return Risk::zero(),
            Step::Hopeless => return Risk::one(),
        }
        twice_sum += y;
        if twice_sum > n {
            // More than half the assorter drawn: the mean exceeds ½ whatever the rest holds.
            return Risk::zero();
        }
    }
    Risk::product(&factors)
}

/// Whether the audit of this assertion stops.
pub fn confirmed(reported: ReportedPair, draws: &[Side], limit: RiskLimit) -> bool {
    risk(reported, draws).within(limit)
}

/// The log-increments of a draw for the winner and for the loser at the start (η = η₀,
/// μ = ½: `ln 2η₀` and `ln(2 − 2η₀)`; a ballot for neither adds 0), and the sides' shares.
fn increments(reported: ReportedPair) -> Option<(f64, f64, f64, f64)> {
    let n = population(reported) as f64;
    let (w, l) = (reported.winner as f64, reported.loser as f64);
    if reported.winner <= reported.loser || n == 0.0 {
        return None;
    }
    let eta0 = (n + w - l) / (2.0 * n);
    let z_w = (2.0 * eta0).ln();
    let z_l = (2.0 - 2.0 * eta0).ln();
    Some((w / n, l / n, z_w, z_l))
}

/// The log of the evidence still needed: `ln(1/α) − ln T`.
fn still_needed(limit: RiskLimit, so_far: &Risk) -> f64 {
    let r = so_far.as_f64().max(f64::MIN_POSITIVE);
    (r / limit.alpha_f64()).ln().max(0.0)
}

/// The expected further draws to stop when the reported shares are right (Wald's
/// approximation `(ln(1/α) − ln T) / (p_w z_w + p_l z_l)` at the estimator's start, ignoring
/// the gain from sampling without replacement). `f64`: an estimate, never a decision.
pub fn average_sample_number(
    reported: ReportedPair,
    limit: RiskLimit,
    so_far: &Risk,
) -> Option<u64> {
    let (p_w, p_l, z_w, z_l) = increments(reported)?;
    let drift = p_w * z_w + p_l * z_l;
    if drift <= 0.0 || !drift.is_finite() {
        return None;
    }
    Some((still_needed(limit, so_far) / drift).ceil() as u64)
}

/// z for a one-sided 90% normal quantile.
const Z90: f64 = 1.281_551_565_545;

/// Further draws for a 90% chance of stopping at the end of the round when the reported shares
/// are right: as for BRAVO, the least n with `n·μ − 1.2816·σ·√n ≥ ln(1/α) − ln T` for the
/// normal approximation of `ln T` with the increments at the estimator's start. `f64`: an
/// estimate, never a decision. `None` when no sample can confirm (a tie, a loss, no margin).
pub fn next_round_size(reported: ReportedPair, limit: RiskLimit, so_far: &Risk) -> Option<u64> {
    let (p_w, p_l, z_w, z_l) = increments(reported)?;
    let need = still_needed(limit, so_far);
    if need == 0.0 {
        return Some(0);
    }
    let mu = p_w * z_w + p_l * z_l;
    if mu <= 0.0 || !mu.is_finite() {
        return None;
    }
    let var = (p_w * z_w * z_w + p_l * z_l * z_l - mu * mu).max(0.0);
    let x = (Z90 * var.sqrt() + (Z90 * Z90 * var + 4.0 * mu * need).sqrt()) / (2.0 * mu);
    Some((x * x).ceil().max(1.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::BigRational;
    use proptest::prelude::*;

    fn pair(w: u64, l: u64, n: u64) -> ReportedPair {
        ReportedPair {
            winner: w,
            loser: l,
            ballots: n,
        }
    }

    /// The factor of the paper's formula at rationals η, μ, for a draw x.
    fn paper_factor(x: &BigRational, eta: &BigRational, mu: &BigRational) -> BigRational {
        let one = BigRational::from_integer(1.into());
        x * eta / mu + (&one - x) * (&one - eta) / (&one - mu)
    }

    fn q(n: u128, d: u128) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn the_first_factor_is_the_papers_formula() {
        // N = 1000, W = 600, L = 350: η₀ = (1000 + 250)/2000 = 0.625; μ₁ = ½.
        let rep = pair(600, 350, 1000);
        let e = eta(rep, 1, 0).unwrap();
        // Shrinkage with no sample gives η₀ exactly on the grid (0.625 = 5/8).
        assert_eq!(e, ETA_GRID * 5 / 8);
        let eta = q(e, ETA_GRID);
        let mu = q(1, 2);
        for (side, x) in [
            (Side::Winner, q(1, 1)),
            (Side::Loser, q(0, 1)),
            (Side::Neither, q(1, 2)),
        ] {
            let r = risk(rep, &[side]);
            let f = paper_factor(&x, &eta, &mu);
            let expected = if f > q(1, 1) { q(1, 1) / f } else { q(1, 1) };
            assert_eq!(r.exact(), &expected, "{side:?}");
        }
        // For the winner: T = η/μ = 1.25, risk 0.8.
        assert_eq!(risk(rep, &[Side::Winner]).exact(), &q(4, 5));
    }

    #[test]
    fn later_factors_follow_the_draws_without_replacement() {
        // Two winner ballots out of N = 10: μ₂ = (5 − 1)/9 = 4/9.
        let rep = pair(7, 2, 10);
        let e1 = q(eta(rep, 1, 0).unwrap(), ETA_GRID);
        let e2 = q(eta(rep, 2, 2).unwrap(), ETA_GRID);
        let one = q(1, 1);
        let t = paper_factor(&one, &e1, &q(1, 2)) * paper_factor(&one, &e2, &q(4, 9));
        assert_eq!(
            risk(rep, &[Side::Winner, Side::Winner]).exact(),
            &(&one / t)
        );
    }

    #[test]
    fn the_estimate_stays_above_the_null_mean() {
        // Many loser ballots push μ_j up; η_j stays strictly above it.
        let rep = pair(52, 40, 100);
        let mut twice = 0u128;
        for j in 1..=40u64 {
            let e = eta(rep, j, twice).unwrap();
            let (a, b) = (100 - twice, 2 * (100 - u128::from(j) + 1));
            assert!(e * b > a * ETA_GRID || e == ETA_GRID - 1, "j = {j}");
            assert!(e < ETA_GRID);
            twice += u128::from(j % 5 == 0) * 2;
        }
    }

    #[test]
    fn the_sample_can_prove_or_refute_the_outcome() {
        // N = 4: three winner ballots (more than half the assorter) prove it.
        let rep = pair(3, 1, 4);
        assert_eq!(
            risk(rep, &[Side::Winner, Side::Winner, Side::Winner]),
            Risk::zero()
        );
        // Three loser ballots out of 4 refute it.
        let l = [Side::Loser; 3];
        assert!(risk(rep, &l).is_one());
        // More draws than ballots: not a draw without replacement.
        assert!(risk(rep, &[Side::Neither; 5]).is_one());
    }

    #[test]
    fn a_tie_or_a_loss_is_never_confirmed() {
        let many = vec![Side::Winner; 300];
        assert!(risk(pair(50, 50, 100_000), &many).is_one());
        assert!(risk(pair(40, 60, 100_000), &many).is_one());
        assert_eq!(
            next_round_size(pair(50, 50, 100), RiskLimit::default(), &Risk::one()),
            None
        );
    }

    #[test]
    fn a_wide_margin_confirms_about_as_the_estimate_says() {
        // 60/40 of 100,000, α = 10%: η₀ = 0.6, ln 10 / (0.6 ln 1.2 + 0.4 ln 0.8) = 114.3….
        let rep = pair(60_000, 40_000, 100_000);
        let limit = RiskLimit::percent(10).unwrap();
        let asn = average_sample_number(rep, limit, &Risk::one()).unwrap();
        assert_eq!(asn, 115);
        let n90 = next_round_size(rep, limit, &Risk::one()).unwrap();
        assert!(n90 > asn);
        // All winners: ALPHA with η₀ = 0.6 needs ⌈ln 10 / ln 1.2⌉ = 13 draws, as BRAVO does,
        // give or take the shrinkage (which moves η towards the sample's mean of 1).
        let k = (1..40)
            .find(|&k| confirmed(rep, &vec![Side::Winner; k], limit))
            .unwrap();
        assert!((10..=13).contains(&k), "{k}");
    }

    fn sides() -> impl Strategy<Value = Vec<Side>> {
        prop::collection::vec(
            prop_oneof![
                3 => Just(Side::Winner),
                2 => Just(Side::Loser),
                1 => Just(Side::Neither)
            ],
            0..120,
        )
    }

    proptest! {
        #[test]
        fn a_ballot_for_the_winner_never_raises_the_risk(
            w in 2u64..5_000, l in 0u64..5_000, extra in 0u64..500, s in sides(),
        ) {
            prop_assume!(w > l);
            let rep = pair(w, l, w + l + extra);
            prop_assume!((s.len() as u64) < rep.ballots);
            let before = risk(rep, &s);
            let mut more = s.clone();
            more.push(Side::Winner);
            prop_assert!(risk(rep, &more).exact() <= before.exact());
        }

        #[test]
        fn the_risk_is_monotone_in_discrepancies(
            w in 2u64..5_000, l in 0u64..5_000, extra in 0u64..500, s in sides(),
            at in any::<prop::sample::Index>(), half in any::<bool>(),
        ) {
            prop_assume!(w > l && !s.is_empty());
            let rep = pair(w, l, w + l + extra);
            prop_assume!((s.len() as u64) <= rep.ballots);
            let i = at.index(s.len());
            // Reading one ballot for the winner as neither, or one for neither (or the
            // winner) as the loser, can only raise the risk.
            let worse = match (s[i], half) {
                (Side::Winner, true) => Side::Neither,
                (Side::Winner | Side::Neither, _) => Side::Loser,
                (Side::Loser, _) => return Ok(()),
            };
            let mut t = s.clone();
            t[i] = worse;
            prop_assert!(risk(rep, &t).exact() >= risk(rep, &s).exact());
        }

        #[test]
        fn the_risk_is_a_probability(w in 1u64..1000, l in 0u64..1000, s in sides()) {
            let rep = pair(w, l, w + l);
            let r = risk(rep, &s);
            prop_assert!(r.ppm() <= 1_000_000);
        }

        #[test]
        fn small_manifests_monotone_too(
            n in 4u64..40, margin in 1u64..20, s in sides(),
            at in any::<prop::sample::Index>(),
        ) {
            // Small N, where each draw moves μ_j most.
            let w = n.min((n + margin) / 2 + 1);
            let l = n - w;
            prop_assume!(w > l);
            let s: Vec<Side> = s.into_iter().take(n as usize).collect();
            prop_assume!(!s.is_empty());
            let rep = pair(w, l, n);
            let i = at.index(s.len());
            prop_assume!(s[i] == Side::Winner);
            let mut t = s.clone();
            t[i] = Side::Loser;
            prop_assert!(risk(rep, &t).exact() >= risk(rep, &s).exact());
        }
    }
}
