//! Risk-limiting audits of the paper count (`docs/audit.md`).
//!
//! A risk-limiting audit checks that the protocols follow from the paper: commissions
//! hand-count a random sample of precincts or ballots, drawn in public, until the evidence
//! confirms the reported outcome at a chosen risk limit, or the audit escalates to a full hand
//! count. The mathematics is a set of small pure functions, each naming its paper:
//!
//! - [`sampler`] — Rivest's consistent sampling with SHA-256 tickets (uniform draws of
//!   ballots or precincts), exactly as the `consistent_sampler` reference defines it;
//! - [`ppeb`] — draws with probability proportional to each precinct's error bound, from the
//!   same SHA-256 stream, for batch comparison;
//! - [`comparison`] — batch comparison by MACRO (Stark 2009) as Arlo applies it per contest;
//! - [`bravo`] — ballot polling by BRAVO (Lindeman, Stark & Yates 2012), with replacement;
//! - [`alpha`] — ballot polling by ALPHA (Stark 2023, on SHANGRLA's assorter), without
//!   replacement;
//! - [`simulate`] — simulated audits, the evidence that the methods do what they claim;
//! - [`record`] — the audit's public acts (defined, seed, rounds, entries, measurements) and
//!   the rules that decide them; the ledger records them in the public log;
//! - [`report`] — an audit's report (sample, entries, discrepancies, risk per round,
//!   conclusion) as JSON and CSV.
//!
//! **Exactness.** Counts are integers. Every risk is computed as an exact rational, and the
//! stopping decision compares that rational with the risk limit — no rounding enters a
//! decision. The published risk is the exact value rounded *up* to millionths
//! ([`Risk::ppm`]). Only the *estimates* of the next round's size use `f64` logarithms
//! (real-valued statistics); an estimate decides how many to draw, never whether to stop.

pub mod alpha;
pub mod bravo;
pub mod comparison;
pub mod ppeb;
pub mod record;
pub mod report;
pub mod sampler;
pub mod simulate;

use std::fmt;

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};
use serde::{Deserialize, Serialize};

/// The risk limit: the largest chance, in whole percent, that the audit confirms a wrong
/// outcome. 1–50; the default is 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RiskLimit(u8);

impl Default for RiskLimit {
    fn default() -> Self {
        RiskLimit(5)
    }
}

/// A value that cannot be a risk limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the risk limit must be a whole percent from 1 to 50 (the usual one is 5), not {0}")]
pub struct BadRiskLimit(pub String);

impl RiskLimit {
    /// A limit of `percent`%.
    pub fn percent(percent: u8) -> Result<Self, BadRiskLimit> {
        if (1..=50).contains(&percent) {
            Ok(RiskLimit(percent))
        } else {
            Err(BadRiskLimit(percent.to_string()))
        }
    }

    /// Parses `5`, `5%`.
    pub fn parse(text: &str) -> Result<Self, BadRiskLimit> {
        let t = text.trim().trim_end_matches('%').trim();
        t.parse::<u8>()
            .ok()
            .and_then(|p| RiskLimit::percent(p).ok())
            .ok_or_else(|| BadRiskLimit(text.to_owned()))
    }

    /// The whole percent.
    pub fn as_percent(self) -> u8 {
        self.0
    }

    /// α as an exact rational.
    pub fn alpha(self) -> BigRational {
        ratio(u64::from(self.0), 100)
    }

    /// α as a float, for the estimates.
    pub fn alpha_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for RiskLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// The measured risk of a contest: an exact rational in [0, 1].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk(BigRational);

impl Risk {
    /// Risk 1: nothing is known yet, or the evidence cannot confirm.
    pub fn one() -> Self {
        Risk(BigRational::one())
    }

    /// Risk 0: the whole contest was counted by hand.
    pub fn zero() -> Self {
        Risk(BigRational::zero())
    }

    /// The exact value, capped to [0, 1]. Not reduced: the numbers of a long product are
    /// large, and the comparisons and rounding below do not need lowest terms.
    pub fn new(value: BigRational) -> Self {
        let (n, d) = (value.numer(), value.denom());
        let negative = (n.sign() == num_bigint::Sign::Minus)
            != (d.sign() == num_bigint::Sign::Minus)
            && !n.is_zero();
        if negative {
            Risk::zero()
        } else if n.magnitude() > d.magnitude() {
            Risk::one()
        } else {
            Risk(value)
        }
    }

    /// `Π (num / den)^times` over the factors (every `den` > 0), capped at 1. Exact while the
    /// product has at most [`EXACT_BITS`] bits; beyond that (thousands of draws) an upper
    /// bound computed with `f64` logarithms, each rounding pushed upwards (see
    /// [`log_upper_bound`]), so a decision on it is never less conservative than the exact one.
    pub fn product(factors: &[(u128, u128, u64)]) -> Self {
        let bits: u64 = factors
            .iter()
            .map(|&(n, d, t)| t * u64::from(128 - n.max(d).leading_zeros()))
            .sum();
        if bits > EXACT_BITS {
            return Risk::new(log_upper_bound(factors));
        }
        let mut num = BigUint::one();
        let mut den = BigUint::one();
        for &(n, d, t) in factors {
            let t = u32::try_from(t).unwrap_or(u32::MAX);
            num *= BigUint::from(n).pow(t);
            den *= BigUint::from(d).pow(t);
        }
        if den.is_zero() {
            return Risk::one();
        }
        Risk::new(BigRational::new_raw(num.into(), den.into()))
    }

    /// Whether the risk is 1 (no evidence yet, or none possible).
    pub fn is_one(&self) -> bool {
        self.0.numer() == self.0.denom()
    }

    /// The exact value.
    pub fn exact(&self) -> &BigRational {
        &self.0
    }

    /// Whether the risk is at or below the limit (exact comparison, by cross-multiplying).
    pub fn within(&self, limit: RiskLimit) -> bool {
        self.0.numer() * BigInt::from(100u8) <= self.0.denom() * BigInt::from(limit.as_percent())
    }

    /// The risk in millionths, rounded up: what is published, never smaller than the truth.
    pub fn ppm(&self) -> u64 {
        let n = self.0.numer() * BigInt::from(1_000_000u32);
        let d = self.0.denom();
        let q = (n + d - BigInt::one()) / d;
        q.to_u64().unwrap_or(1_000_000).min(1_000_000)
    }

    /// For display and for the estimates: the published (rounded-up) value as a float.
    pub fn as_f64(&self) -> f64 {
        self.ppm() as f64 / 1e6
    }
}

/// The size, in bits, up to which [`Risk::product`] is exact.
pub const EXACT_BITS: u64 = 1 << 16;

/// An upper bound of `Π (num/den)^times` from `f64` logarithms: the sum of logs plus a margin
/// of 10⁻¹² of the sum of their magnitudes (far above the accumulated rounding error of a few
/// ulps per term), then `exp`, raised by a further 10⁻¹². The bound is an exact rational (the
/// f64's own value).
pub fn log_upper_bound(factors: &[(u128, u128, u64)]) -> BigRational {
    let mut sum = 0.0f64;
    let mut magnitude = 0.0f64;
    for &(n, d, t) in factors {
        if n == 0 {
            return BigRational::zero();
        }
        if d == 0 {
            return BigRational::one();
        }
        let term = t as f64 * ((n as f64).ln() - (d as f64).ln());
        sum += term;
        magnitude += t as f64 * ((n as f64).ln().abs() + (d as f64).ln().abs());
    }
    let log = sum + 1e-12 * magnitude + 1e-12;
    if log < f64::MIN_POSITIVE.ln() + 1.0 {
        // Below the smallest normal f64: that is a bound from above.
        return BigRational::from_float(f64::MIN_POSITIVE).unwrap_or_else(BigRational::one);
    }
    let upper = log.exp() * (1.0 + 1e-12);
    if !upper.is_finite() || upper >= 1.0 {
        return BigRational::one();
    }
    BigRational::from_float(upper).unwrap_or_else(BigRational::one)
}

/// Formats millionths as `0.031250`.
pub fn format_ppm(ppm: u64) -> String {
    format!("{}.{:06}", ppm / 1_000_000, ppm % 1_000_000)
}

/// `a / b` as an exact rational (`b` > 0).
pub(crate) fn ratio(a: u64, b: u64) -> BigRational {
    BigRational::new(BigUint::from(a).into(), BigUint::from(b).into())
}

/// Which answer of a referendum question a contest's protocols report as winning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Yes.
    Yes,
    /// No.
    No,
}

impl Answer {
    /// The other answer.
    pub fn other(self) -> Answer {
        match self {
            Answer::Yes => Answer::No,
            Answer::No => Answer::Yes,
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Answer::Yes => "yes",
            Answer::No => "no",
        })
    }
}

/// A board's reading of one sampled ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// Marked yes.
    Yes,
    /// Marked no.
    No,
    /// Both answers marked (valid, counted for neither).
    BothMarked,
    /// Invalid.
    Invalid,
    /// The ballot at that position was not found; counted, conservatively, for the reported
    /// loser.
    NotFound,
}

impl Reading {
    /// Parses `yes`, `no`, `both`/`both_marked`, `invalid`, `not_found`/`missing`.
    pub fn parse(text: &str) -> Option<Reading> {
        Some(
            match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "yes" => Reading::Yes,
                "no" => Reading::No,
                "both" | "both_marked" => Reading::BothMarked,
                "invalid" => Reading::Invalid,
                "not_found" | "missing" => Reading::NotFound,
                _ => return None,
            },
        )
    }

    /// Whether the reading is a vote for the winner, for the loser (a ballot not found
    /// counts as one), or for neither.
    pub fn side(self, winner: Answer) -> Side {
        match (self, winner) {
            (Reading::Yes, Answer::Yes) | (Reading::No, Answer::No) => Side::Winner,
            (Reading::Yes, Answer::No) | (Reading::No, Answer::Yes) | (Reading::NotFound, _) => {
                Side::Loser
            }
            _ => Side::Neither,
        }
    }
}

/// Where a ballot falls for an assertion "winner beats loser".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// For the reported winner.
    Winner,
    /// For the reported loser.
    Loser,
    /// For neither.
    Neither,
}

/// A hand count of one precinct's paper (or the protocol's same lines).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandCount {
    /// Yes.
    pub yes: u64,
    /// No.
    pub no: u64,
    /// Both marked.
    pub both_marked: u64,
    /// Invalid.
    pub invalid: u64,
}

impl HandCount {
    /// All the ballots counted.
    pub fn ballots(&self) -> u64 {
        self.yes + self.no + self.both_marked + self.invalid
    }

    /// Votes for an answer.
    pub fn votes(&self, a: Answer) -> u64 {
        match a {
            Answer::Yes => self.yes,
            Answer::No => self.no,
        }
    }
}

/// The reported winner of a yes/no contest, or `None` on a tie (which no sample can
/// confirm: the contest is counted in full).
pub fn reported_winner(yes: u64, no: u64) -> Option<Answer> {
    match yes.cmp(&no) {
        std::cmp::Ordering::Greater => Some(Answer::Yes),
        std::cmp::Ordering::Less => Some(Answer::No),
        std::cmp::Ordering::Equal => None,
    }
}

/// A ballot's id in the manifest: `<precinct>:<position>`, the position counted from 1 in
/// the order the precinct's ballots are kept (its `ballots found`). A precinct's id is its
/// number.
pub fn ballot_id(precinct: u32, position: u64) -> String {
    format!("{precinct}:{position}")
}

/// Splits a ballot id into precinct and position.
pub fn parse_ballot_id(id: &str) -> Option<(u32, u64)> {
    let (p, k) = id.split_once(':')?;
    let p: u32 = p.parse().ok()?;
    let k: u64 = k.parse().ok()?;
    (k >= 1).then_some((p, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_limits() {
        assert_eq!(RiskLimit::parse("5%").unwrap().as_percent(), 5);
        assert!(RiskLimit::parse("0").is_err());
        assert!(RiskLimit::parse("51").is_err());
        assert!(RiskLimit::parse("five").is_err());
    }

    #[test]
    fn the_published_risk_rounds_up() {
        let r = Risk::new(ratio(1, 3));
        assert_eq!(r.ppm(), 333_334);
        assert_eq!(format_ppm(r.ppm()), "0.333334");
        assert_eq!(Risk::new(ratio(1, 20)).ppm(), 50_000);
        assert!(Risk::new(ratio(1, 20)).within(RiskLimit::default()));
        assert!(!Risk::new(ratio(50_001, 1_000_000)).within(RiskLimit::default()));
    }

    #[test]
    fn a_long_product_is_bounded_from_above() {
        // (5/6)^n exactly and by the bound, around the switch.
        for n in [10u64, 2000, 30_000] {
            let f = [(5u128, 6u128, n)];
            let bound = log_upper_bound(&f);
            let exact = BigRational::new(
                BigUint::from(5u8).pow(n as u32).into(),
                BigUint::from(6u8).pow(n as u32).into(),
            );
            assert!(bound >= exact, "n = {n}");
            let r = Risk::product(&f);
            assert!(r.exact() >= &exact);
        }
        // Well within the limit either way.
        assert!(Risk::product(&[(5, 6, 30_000)]).within(RiskLimit::default()));
        assert!(!Risk::product(&[(6, 5, 30_000)]).within(RiskLimit::default()));
    }

    #[test]
    fn ballot_ids_round_trip() {
        assert_eq!(ballot_id(1234, 17), "1234:17");
        assert_eq!(parse_ballot_id("1234:17"), Some((1234, 17)));
        assert_eq!(parse_ballot_id("1234:0"), None);
        assert_eq!(parse_ballot_id("1234"), None);
    }
}
