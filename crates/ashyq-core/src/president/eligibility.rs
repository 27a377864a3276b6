//! Who may stand for President (Constitution Art. 41(2), election law; BRIEF §8), and the
//! single-term rule (draft Art. 43: no one may be elected twice), checked criterion by
//! criterion with the reason of each recorded.
//!
//! The public record of a nomination carries the candidate's name, the masked IIN, its keyed
//! digest (to find the same person among past presidents and other nominees) and the facts the
//! documents establish — birth date (from the IIN), citizenship by birth, the language
//! commission's finding, years of residence, education and years of service. Everything the
//! check needs is in that record, so replaying the log checks it again.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::iin::{DigestKey, Iin, IinDigest, MaskedIin};

use super::rules::{Criterion, EligibilityRules, NominatorKind};

/// What a candidate's documents establish, besides the birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateFacts {
    /// A citizen by birth (birth certificate, citizenship record).
    pub citizen_by_birth: bool,
    /// The language commission found them fluent in the state language.
    pub state_language: bool,
    /// Years of residence in the country immediately before the election.
    pub residence_years: u32,
    /// Has higher education (diploma).
    pub higher_education: bool,
    /// Years in public service or in elected state office.
    pub public_service_years: u32,
}

/// The documents of a nomination as the public record keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateDocuments {
    /// Birth date, from the IIN.
    pub birth_date: NaiveDate,
    /// The rest.
    #[serde(flatten)]
    pub facts: CandidateFacts,
}

/// Who nominated a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Nominator {
    /// The kind of nominator.
    pub kind: NominatorKind,
    /// Its name (the association or party; the candidate's own name for self-nomination).
    pub name: String,
}

/// A nomination as recorded: no IIN in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Nomination {
    /// Full name, as it will stand on the ballot.
    pub name: String,
    /// The IIN, masked.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub iin: MaskedIin,
    /// The keyed digest of the IIN.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub digest: IinDigest,
    /// Who nominated them.
    pub nominated_by: Nominator,
    /// What the documents establish.
    pub documents: CandidateDocuments,
}

impl Nomination {
    /// The record of a nomination of the person with `iin`: the IIN is kept masked and as its
    /// digest under `key`, the birth date taken from it.
    pub fn new(
        name: impl Into<String>,
        iin: &Iin,
        key: &DigestKey,
        nominated_by: Nominator,
        facts: CandidateFacts,
    ) -> Nomination {
        Nomination {
            name: name.into().trim().to_owned(),
            iin: iin.into(),
            digest: iin.digest(key),
            nominated_by,
            documents: CandidateDocuments {
                birth_date: iin.birth_date(),
                facts,
            },
        }
    }
}

/// A person elected President before, by IIN digest: the record the single-term rule is
/// checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PastPresident {
    /// Name.
    pub name: String,
    /// The IIN, masked.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub iin: MaskedIin,
    /// The keyed digest of the IIN (the same key as the nominations').
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub digest: IinDigest,
    /// The election that elected them (a contest id or a year, e.g. `1991`).
    pub elected_in: String,
}

/// One criterion checked, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionCheck {
    /// The criterion.
    pub criterion: Criterion,
    /// Whether it is met.
    pub met: bool,
    /// Why, with the figures: "born 1953-05-17: 69 on 2022-11-20, at least 40".
    pub reason: String,
}

/// Whole years from `birth` to `on` (0 if `on` is earlier).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Checks every criterion of `rules` for a nomination on `election_day`, and the single-term
/// rule against `past` presidents (by digest). Every criterion is reported, met or not, in the
/// order of [`Criterion::ALL`]; one a rule switches off is reported met, saying so.
pub fn check_eligibility(
    nomination: &Nomination,
    rules: &EligibilityRules,
    election_day: NaiveDate,
    past: &[PastPresident],
) -> Vec<CriterionCheck> {
    let d = &nomination.documents;
    let f = &d.facts;
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let not_required = "not required by the rules".to_owned();
    let check = |criterion, met, reason| CriterionCheck {
        criterion,
        met,
        reason,
    };
    let age = age_on(d.birth_date, election_day);
    let before = past.iter().find(|p| p.digest == nomination.digest);
    vec![
        if rules.citizen_by_birth {
            check(
                Criterion::CitizenByBirth,
                f.citizen_by_birth,
                format!("citizen by birth: {}", yes_no(f.citizen_by_birth)),
            )
        } else {
            check(Criterion::CitizenByBirth, true, not_required.clone())
        },
        check(
            Criterion::MinimumAge,
            age >= rules.min_age,
            format!(
                "born {}: {age} on {election_day}, at least {} required",
                d.birth_date, rules.min_age
            ),
        ),
        if rules.state_language {
            check(
                Criterion::StateLanguage,
                f.state_language,
                format!(
                    "found fluent in the state language by the language commission: {}",
                    yes_no(f.state_language)
                ),
            )
        } else {
            check(Criterion::StateLanguage, true, not_required.clone())
        },
        check(
            Criterion::Residence,
            f.residence_years >= rules.min_residence_years,
            format!(
                "resident for the last {} years, at least {} required",
                f.residence_years, rules.min_residence_years
            ),
        ),
        if rules.higher_education {
            check(
                Criterion::HigherEducation,
                f.higher_education,
                format!("higher education: {}", yes_no(f.higher_education)),
            )
        } else {
            check(Criterion::HigherEducation, true, not_required.clone())
        },
        check(
            Criterion::PublicService,
            f.public_service_years >= rules.min_public_service_years,
            format!(
                "{} years in public service or elected office, at least {} required",
                f.public_service_years, rules.min_public_service_years
            ),
        ),
        match (rules.single_term, before) {
            (false, _) => check(Criterion::NeverPresident, true, not_required),
            (true, None) => check(
                Criterion::NeverPresident,
                true,
                "not on the record of past presidents".into(),
            ),
            (true, Some(p)) => check(
                Criterion::NeverPresident,
                false,
                format!(
                    "already elected President ({}, {}): no one may be elected twice",
                    p.elected_in, p.iin
                ),
            ),
        },
    ]
}

/// The criteria not met, as one sentence: "minimum_age (born …); never_president (…)".
pub fn failed(checks: &[CriterionCheck]) -> Option<String> {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.met)
        .map(|c| format!("{} ({})", c.criterion, c.reason))
        .collect();
    (!failed.is_empty()).then(|| failed.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iin::Sex;
    use crate::president::rules::PresidentialRules;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn person(born: NaiveDate) -> Iin {
        (1..100)
            .find_map(|s| Iin::from_parts(born, Sex::Male, s))
            .unwrap()
    }

    fn facts() -> CandidateFacts {
        CandidateFacts {
            citizen_by_birth: true,
            state_language: true,
            residence_years: 40,
            higher_education: true,
            public_service_years: 20,
        }
    }

    fn nomination(born: NaiveDate) -> Nomination {
        Nomination::new(
            "A. Candidate",
            &person(born),
            &DigestKey::from_bytes(&[7; 32]).unwrap(),
            Nominator {
                kind: NominatorKind::PublicAssociation,
                name: "Association".into(),
            },
            facts(),
        )
    }

    #[test]
    fn age_is_counted_in_whole_years_on_election_day() {
        assert_eq!(age_on(date(1982, 11, 20), date(2022, 11, 20)), 40);
        assert_eq!(age_on(date(1982, 11, 21), date(2022, 11, 20)), 39);
        assert_eq!(age_on(date(2030, 1, 1), date(2022, 11, 20)), 0);
    }

    #[test]
    fn a_candidate_under_40_fails_the_age_criterion_with_the_figures() {
        let rules = PresidentialRules::kz_2026().eligibility;
        let n = nomination(date(1982, 11, 21));
        let checks = check_eligibility(&n, &rules, date(2022, 11, 20), &[]);
        assert_eq!(checks.len(), Criterion::ALL.len());
        let age = &checks[1];
        assert_eq!(age.criterion, Criterion::MinimumAge);
        assert!(!age.met);
        assert_eq!(
            age.reason,
            "born 1982-11-21: 39 on 2022-11-20, at least 40 required"
        );
        assert!(checks.iter().filter(|c| !c.met).count() == 1);
        assert!(failed(&checks).unwrap().starts_with("minimum_age (born"));
        // A day later in life, eligible.
        let n = nomination(date(1982, 11, 20));
        assert_eq!(
            failed(&check_eligibility(&n, &rules, date(2022, 11, 20), &[])),
            None
        );
    }

    #[test]
    fn a_past_president_is_found_by_digest_and_refused() {
        let rules = PresidentialRules::kz_2026().eligibility;
        let n = nomination(date(1953, 5, 17));
        let past = PastPresident {
            name: "A. Candidate".into(),
            iin: n.iin.clone(),
            digest: n.digest.clone(),
            elected_in: "2026".into(),
        };
        let checks = check_eligibility(&n, &rules, date(2033, 11, 20), &[past]);
        let term = checks.last().unwrap();
        assert_eq!(term.criterion, Criterion::NeverPresident);
        assert!(!term.met);
        assert!(term.reason.contains("no one may be elected twice"));
        // No IIN in clear in the reason: only the masked form.
        assert!(!term.reason.contains(&person(date(1953, 5, 17)).expose()));
        let off = EligibilityRules {
            single_term: false,
            ..rules
        };
        let checks = check_eligibility(&n, &off, date(2033, 11, 20), &[]);
        assert!(checks.iter().all(|c| c.met));
    }

    #[test]
    fn every_document_criterion_names_itself_when_it_fails() {
        let rules = PresidentialRules::kz_2026().eligibility;
        let mut n = nomination(date(1960, 1, 1));
        n.documents.facts = CandidateFacts {
            citizen_by_birth: false,
            state_language: false,
            residence_years: 14,
            higher_education: false,
            public_service_years: 4,
        };
        let checks = check_eligibility(&n, &rules, date(2029, 11, 20), &[]);
        let failed: Vec<Criterion> = checks
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.criterion)
            .collect();
        assert_eq!(
            failed,
            vec![
                Criterion::CitizenByBirth,
                Criterion::StateLanguage,
                Criterion::Residence,
                Criterion::HigherEducation,
                Criterion::PublicService
            ]
        );
    }
}
