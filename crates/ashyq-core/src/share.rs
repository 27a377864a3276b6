//! Exact shares. Votes are integers; a share is the exact rational `part / whole`, compared
//! exactly and rounded only when it is displayed.

use std::cmp::Ordering;
use std::fmt;

use num_rational::Ratio;
use serde::{Deserialize, Serialize};

/// An exact share `numerator / denominator` of two counts.
///
/// Comparisons are exact (`num_rational::Ratio` over `u128`, no overflow for any `u64` counts);
/// the only rounding happens in [`Share::percent`], for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// The part.
    pub numerator: u64,
    /// The whole. A share of an empty whole is 0.
    pub denominator: u64,
}

impl Share {
    /// `part / whole`.
    pub fn new(part: u64, whole: u64) -> Self {
        Share {
            numerator: part,
            denominator: whole,
        }
    }

    /// The exact value; `0` when the whole is zero.
    pub fn ratio(self) -> Ratio<u128> {
        if self.denominator == 0 {
            Ratio::from_integer(0)
        } else {
            Ratio::new(u128::from(self.numerator), u128::from(self.denominator))
        }
    }

    /// Whether this share is strictly greater than `threshold`.
    pub fn exceeds(self, threshold: Fraction) -> bool {
        self.ratio() > threshold.ratio()
    }

    /// The share as a percentage rounded half up to `decimals` places, e.g. `"73.12"`.
    /// Integer arithmetic only.
    pub fn percent(self, decimals: u32) -> String {
        if self.denominator == 0 {
            return format!("{:.*}", decimals as usize, 0.0);
        }
        let scale = 10u128.pow(decimals);
        let num = u128::from(self.numerator) * 100 * scale;
        let den = u128::from(self.denominator);
        let rounded = (2 * num + den) / (2 * den);
        let int = rounded / scale;
        let frac = rounded % scale;
        if decimals == 0 {
            format!("{int}")
        } else {
            format!("{int}.{frac:0width$}", width = decimals as usize)
        }
    }

    /// The share as a floating-point fraction, for display and charts only.
    pub fn to_f64_for_display(self) -> f64 {
        if self.denominator == 0 {
            0.0
        } else {
            self.numerator as f64 / self.denominator as f64
        }
    }
}

impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Share {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ratio().cmp(&other.ratio())
    }
}

/// A configured threshold such as 1/2 or 2/3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fraction {
    /// Numerator.
    pub numerator: u64,
    /// Denominator, never zero in a valid definition.
    pub denominator: u64,
}

impl Fraction {
    /// One half.
    pub const HALF: Fraction = Fraction {
        numerator: 1,
        denominator: 2,
    };
    /// Two thirds.
    pub const TWO_THIRDS: Fraction = Fraction {
        numerator: 2,
        denominator: 3,
    };

    /// The exact value.
    pub fn ratio(self) -> Ratio<u128> {
        Ratio::new(
            u128::from(self.numerator),
            u128::from(self.denominator.max(1)),
        )
    }

    /// As a percentage for display, e.g. `"50"` or `"66.67"`.
    pub fn percent(self) -> String {
        let s = Share::new(self.numerator, self.denominator).percent(2);
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_2026_turnout_and_yes_share_display() {
        // CEC 2026: participated 9,127,192 of 12,482,613 eligible; yes 7,954,667.
        assert_eq!(Share::new(9_127_192, 12_482_613).percent(2), "73.12");
        assert_eq!(Share::new(7_954_667, 9_127_192).percent(2), "87.15");
    }

    #[test]
    fn rounding_is_half_up_and_exact() {
        assert_eq!(Share::new(1, 8).percent(1), "12.5");
        assert_eq!(Share::new(1, 8).percent(0), "13");
        assert_eq!(Share::new(2, 3).percent(2), "66.67");
        assert_eq!(Share::new(0, 0).percent(2), "0.00");
        assert_eq!(Share::new(u64::MAX, u64::MAX).percent(2), "100.00");
    }

    #[test]
    fn exactly_half_does_not_exceed_half() {
        assert!(!Share::new(50, 100).exceeds(Fraction::HALF));
        assert!(Share::new(50_000_001, 100_000_000).exceeds(Fraction::HALF));
        assert_eq!(Fraction::TWO_THIRDS.percent(), "66.67");
        assert_eq!(Fraction::HALF.percent(), "50");
    }

    #[test]
    fn ordering_is_exact_where_floats_are_not() {
        let a = Share::new(u64::MAX - 1, u64::MAX);
        let b = Share::new(u64::MAX - 2, u64::MAX - 1);
        assert!(a > b);
    }
}
