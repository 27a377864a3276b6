//! The rules of a presidential election as configuration, with the defaults of the reported
//! 2026 draft and the constitutional law on elections (sources in `docs/president.md` and
//! `BRIEF.md` §8). Every figure a definition uses is here, so another reading of the law is a
//! change of configuration, not of code.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::share::Fraction;

/// One criterion of eligibility, or of the single-term rule, as checked and recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Criterion {
    /// A citizen by birth (Constitution Art. 41(2)).
    CitizenByBirth,
    /// At least the minimum age on election day (40).
    MinimumAge,
    /// Fluent in the state language (the language commission's finding).
    StateLanguage,
    /// Resident in the country for the last years (15).
    Residence,
    /// Higher education.
    HigherEducation,
    /// Years in public service or in elected state office (5).
    PublicService,
    /// Has never been elected President (draft Art. 43: no one may be elected twice).
    NeverPresident,
}

impl Criterion {
    /// Every criterion, in the order they are checked and reported.
    pub const ALL: [Criterion; 7] = [
        Criterion::CitizenByBirth,
        Criterion::MinimumAge,
        Criterion::StateLanguage,
        Criterion::Residence,
        Criterion::HigherEducation,
        Criterion::PublicService,
        Criterion::NeverPresident,
    ];

    /// A short machine name, e.g. `minimum_age`.
    pub fn code(self) -> &'static str {
        match self {
            Criterion::CitizenByBirth => "citizen_by_birth",
            Criterion::MinimumAge => "minimum_age",
            Criterion::StateLanguage => "state_language",
            Criterion::Residence => "residence",
            Criterion::HigherEducation => "higher_education",
            Criterion::PublicService => "public_service",
            Criterion::NeverPresident => "never_president",
        }
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Who may nominate a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NominatorKind {
    /// A republican public association (election law Art. 56).
    PublicAssociation,
    /// A political party (itself a public association).
    Party,
    /// The candidate themself (excluded since 2022).
    SelfNomination,
}

impl fmt::Display for NominatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NominatorKind::PublicAssociation => "a republican public association",
            NominatorKind::Party => "a political party",
            NominatorKind::SelfNomination => "self-nomination",
        })
    }
}

/// Who may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityRules {
    /// Must be a citizen by birth.
    pub citizen_by_birth: bool,
    /// Minimum age on election day.
    pub min_age: u32,
    /// Must be fluent in the state language.
    pub state_language: bool,
    /// Years of residence immediately before the election.
    pub min_residence_years: u32,
    /// Must have higher education.
    pub higher_education: bool,
    /// Years in public service or elected state office.
    pub min_public_service_years: u32,
    /// No one may be elected twice (draft Art. 43, not amendable): a person on the record of
    /// past presidents cannot be registered.
    pub single_term: bool,
}

/// How a voter's support signatures count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OneSignaturePer {
    /// A voter may support each candidate once (several candidates).
    Candidate,
    /// A voter may support one candidate in the election.
    Election,
}

/// The support signatures a nomination needs (election law Art. 56).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureRules {
    /// At least this share of all voters on the register (1%), rounded up.
    pub share_of_voters: Fraction,
    /// Drawn from at least this share of the regions, the cities of republican significance
    /// and the capital (2/3), rounded up.
    pub min_regions_share: Fraction,
    /// A region counts towards the spread when it gave at least this share of an even split
    /// of the required total over all regions (1/1: `ceil(required / regions)`). The law says
    /// "drawn equally"; this reading is ours, and configurable (`docs/president.md`).
    pub even_split_share: Fraction,
    /// One signature per voter per candidate, or per election.
    pub one_per: OneSignaturePer,
}

/// What a majority is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MajorityBase {
    /// The voters who took part: ballots issued (line 6) — the law's base (Art. 9).
    TookPart,
    /// The valid votes: the candidates' lines and "against all".
    ValidVotes,
}

impl fmt::Display for MajorityBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MajorityBase::TookPart => "of those who took part",
            MajorityBase::ValidVotes => "of the valid votes",
        })
    }
}

/// Who is elected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeRules {
    /// Elected in the first round with strictly more than this share of the base (1/2).
    pub majority: Fraction,
    /// The base of that share.
    pub base: MajorityBase,
    /// How many candidates meet in a second round (2).
    pub second_round_candidates: usize,
    /// The second round is held within this many days of the first (2 months: 61).
    pub second_round_within_days: u32,
}

/// The rules of a presidential election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresidentialRules {
    /// The term in years (7).
    pub term_years: u32,
    /// Who may stand.
    pub eligibility: EligibilityRules,
    /// Who may nominate.
    pub nominators: Vec<NominatorKind>,
    /// The support signatures.
    pub signatures: SignatureRules,
    /// Who is elected.
    pub outcome: OutcomeRules,
    /// The election deposit is refunded to the winner and to anyone with at least this share
    /// of those who took part (5%).
    pub deposit_refund_share: Fraction,
}

impl PresidentialRules {
    /// The reported defaults of the 2026 draft and the election law (BRIEF §8): one 7-year
    /// term, 40 years, 15 years' residence, 5 years of service, nominated by republican public
    /// associations (parties included), 1% of voters from 2/3 of the regions, more than 50% of
    /// those who took part, else the top two in a second round within two months.
    pub fn kz_2026() -> Self {
        PresidentialRules {
            term_years: 7,
            eligibility: EligibilityRules {
                citizen_by_birth: true,
                min_age: 40,
                state_language: true,
                min_residence_years: 15,
                higher_education: true,
                min_public_service_years: 5,
                single_term: true,
            },
            nominators: vec![NominatorKind::PublicAssociation, NominatorKind::Party],
            signatures: SignatureRules {
                share_of_voters: Fraction {
                    numerator: 1,
                    denominator: 100,
                },
                min_regions_share: Fraction::TWO_THIRDS,
                even_split_share: Fraction {
                    numerator: 1,
                    denominator: 1,
                },
                one_per: OneSignaturePer::Candidate,
            },
            outcome: OutcomeRules {
                majority: Fraction::HALF,
                base: MajorityBase::TookPart,
                second_round_candidates: 2,
                second_round_within_days: 61,
            },
            deposit_refund_share: Fraction {
                numerator: 5,
                denominator: 100,
            },
        }
    }

    /// Checks the figures: shares between 0 and 1 with a non-zero denominator, at least two
    /// candidates in a second round.
    pub fn validate(&self) -> Result<(), String> {
        let shares = [
            (
                "signatures.share_of_voters",
                self.signatures.share_of_voters,
            ),
            (
                "signatures.min_regions_share",
                self.signatures.min_regions_share,
            ),
            (
                "signatures.even_split_share",
                self.signatures.even_split_share,
            ),
            ("outcome.majority", self.outcome.majority),
            ("deposit_refund_share", self.deposit_refund_share),
        ];
        for (name, f) in shares {
            if f.denominator == 0 || f.numerator > f.denominator {
                return Err(format!(
                    "{name} must be a share between 0 and 1 with a non-zero denominator, not {f}"
                ));
            }
        }
        if self.outcome.second_round_candidates < 2 {
            return Err("outcome.second_round_candidates must be at least 2".into());
        }
        if self.term_years == 0 {
            return Err("term_years must be at least 1".into());
        }
        if self.nominators.is_empty() {
            return Err("nominators must name at least one kind of nominator".into());
        }
        Ok(())
    }
}

/// `ceil(share × n)` exactly.
pub fn ceil_share(share: Fraction, n: u64) -> u64 {
    let num = u128::from(share.numerator) * u128::from(n);
    let den = u128::from(share.denominator.max(1));
    u64::try_from(num.div_ceil(den)).expect("a share of at most 1 of a u64 fits in u64")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2022_signature_requirement_is_one_percent_rounded_up() {
        // BRIEF §8: 118,273 signatures on a register of 11,827,277.
        let r = PresidentialRules::kz_2026();
        assert_eq!(
            ceil_share(r.signatures.share_of_voters, 11_827_277),
            118_273
        );
        // Two thirds of 20 units (17 regions, 3 cities) is 14 when rounded up.
        assert_eq!(ceil_share(r.signatures.min_regions_share, 20), 14);
        assert!(r.validate().is_ok());
    }

    #[test]
    fn a_share_above_one_is_refused() {
        let mut r = PresidentialRules::kz_2026();
        r.outcome.majority = Fraction {
            numerator: 3,
            denominator: 2,
        };
        assert!(r.validate().unwrap_err().contains("outcome.majority"));
    }
}
