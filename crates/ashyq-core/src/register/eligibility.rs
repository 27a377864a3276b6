//! Who may vote on a given day (issue 7, point 3): a citizen, 18 or older on voting day, with
//! legal capacity, not held in custody by a court sentence.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::VoterStatus;

/// The minimum age on voting day.
pub const VOTING_AGE: u32 = 18;

/// Why a person on the register may not vote on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IneligibleReason {
    /// Younger than 18 on voting day (or not yet born).
    Underage,
    /// Not a citizen of the jurisdiction.
    NotCitizen,
    /// Declared legally incapable by a court.
    NoLegalCapacity,
    /// Held in custody by a court sentence.
    InCustody,
}

impl IneligibleReason {
    /// Every reason, in the order [`eligibility`] reports them.
    pub const ALL: [IneligibleReason; 4] = [
        IneligibleReason::Underage,
        IneligibleReason::NotCitizen,
        IneligibleReason::NoLegalCapacity,
        IneligibleReason::InCustody,
    ];

    /// A short machine name, e.g. `underage`.
    pub fn code(self) -> &'static str {
        match self {
            IneligibleReason::Underage => "underage",
            IneligibleReason::NotCitizen => "not_citizen",
            IneligibleReason::NoLegalCapacity => "no_legal_capacity",
            IneligibleReason::InCustody => "in_custody",
        }
    }
}

impl fmt::Display for IneligibleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IneligibleReason::Underage => "younger than 18 on voting day",
            IneligibleReason::NotCitizen => "not a citizen",
            IneligibleReason::NoLegalCapacity => "declared legally incapable by a court",
            IneligibleReason::InCustody => "held in custody by a court sentence",
        })
    }
}

/// The date a person born on `birth` turns 18: the 18th anniversary, or 1 March for someone
/// born on 29 February when that anniversary falls in a common year.
pub fn adult_on(birth: NaiveDate) -> NaiveDate {
    let year = birth.year() + VOTING_AGE as i32;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .expect("1 March exists in every year")
}

/// Every reason the person described by `status` may not vote on `on`; empty when they may.
pub fn eligibility(status: &VoterStatus, on: NaiveDate) -> Vec<IneligibleReason> {
    let mut reasons = Vec::new();
    if adult_on(status.birth_date) > on {
        reasons.push(IneligibleReason::Underage);
    }
    if !status.citizen {
        reasons.push(IneligibleReason::NotCitizen);
    }
    if !status.legal_capacity {
        reasons.push(IneligibleReason::NoLegalCapacity);
    }
    if status.in_custody {
        reasons.push(IneligibleReason::InCustody);
    }
    reasons
}

/// Counts over a whole register: eligible, and ineligible per reason (a person with several
/// reasons counts once in `ineligible` and once under each reason).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityCounts {
    /// People checked.
    pub checked: u64,
    /// Eligible.
    pub eligible: u64,
    /// Not eligible, for at least one reason.
    pub ineligible: u64,
    /// Per reason, in the order of [`IneligibleReason::ALL`].
    pub by_reason: [u64; 4],
}

impl EligibilityCounts {
    /// Adds one person's result.
    pub fn add(&mut self, reasons: &[IneligibleReason]) {
        self.add_many(reasons, 1);
    }

    /// Adds the result of `n` people with the same reasons.
    pub fn add_many(&mut self, reasons: &[IneligibleReason], n: u64) {
        self.checked += n;
        if reasons.is_empty() {
            self.eligible += n;
        } else {
            self.ineligible += n;
        }
        for r in reasons {
            let i = IneligibleReason::ALL
                .iter()
                .position(|a| a == r)
                .unwrap_or(0);
            self.by_reason[i] += n;
        }
    }

    /// Adds another count (from another thread).
    pub fn merge(&mut self, other: &EligibilityCounts) {
        self.checked += other.checked;
        self.eligible += other.eligible;
        self.ineligible += other.ineligible;
        for (a, b) in self.by_reason.iter_mut().zip(other.by_reason) {
            *a += b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn status(birth: NaiveDate) -> VoterStatus {
        VoterStatus {
            birth_date: birth,
            citizen: true,
            legal_capacity: true,
            in_custody: false,
        }
    }

    #[test]
    fn eighteen_on_voting_day_is_enough_and_one_day_short_is_not() {
        let vote = d(2026, 3, 15);
        assert!(eligibility(&status(d(2008, 3, 15)), vote).is_empty());
        assert_eq!(
            eligibility(&status(d(2008, 3, 16)), vote),
            [IneligibleReason::Underage]
        );
    }

    #[test]
    fn a_leap_day_birth_turns_eighteen_on_the_first_of_march_in_a_common_year() {
        let born = d(2008, 2, 29);
        assert_eq!(adult_on(born), d(2026, 3, 1));
        assert_eq!(
            eligibility(&status(born), d(2026, 2, 28)),
            [IneligibleReason::Underage]
        );
        assert!(eligibility(&status(born), d(2026, 3, 1)).is_empty());
    }

    #[test]
    fn every_reason_is_reported_together() {
        let s = VoterStatus {
            birth_date: d(2010, 1, 1),
            citizen: false,
            legal_capacity: false,
            in_custody: true,
        };
        assert_eq!(eligibility(&s, d(2026, 3, 15)), IneligibleReason::ALL);
        let mut counts = EligibilityCounts::default();
        counts.add(&eligibility(&s, d(2026, 3, 15)));
        counts.add(&[]);
        assert_eq!(
            counts,
            EligibilityCounts {
                checked: 2,
                eligible: 1,
                ineligible: 1,
                by_reason: [1, 1, 1, 1]
            }
        );
    }

    proptest! {
        // The age rule agrees with the IIN module's full-years count.
        #[test]
        fn underage_iff_fewer_than_18_full_years(born in 0i64..80_000, on in 0i64..80_000) {
            let base = d(1900, 1, 1);
            let born = base + chrono::Days::new(born as u64);
            let on = base + chrono::Days::new(on as u64);
            let iin = (0..20).find_map(|s| crate::iin::Iin::from_parts(born, crate::iin::Sex::Male, s));
            prop_assume!(iin.is_some());
            let age = iin.unwrap().age_on(on);
            let underage = eligibility(&status(born), on).contains(&IneligibleReason::Underage);
            prop_assert_eq!(underage, age.is_none_or(|a| a < VOTING_AGE));
        }
    }
}
