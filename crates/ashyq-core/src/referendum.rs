//! Referendum definitions: the decree, the voting day and hours, the question, and the rules
//! that decide whether the vote is valid and whether the proposal is adopted.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::contest::{BadContestId, ContestId};
use crate::share::Fraction;
use crate::territory::Names;

/// When a referendum is valid: participation (ballots issued) must be strictly more than
/// `min_turnout` of the eligible voters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidityRule {
    /// The share of eligible voters that participation must exceed (1/2 in Kazakhstan).
    pub min_turnout: Fraction,
}

/// When a valid referendum adopts the proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AdoptionRule {
    /// More than `share` of all participants nationally voted yes (2026).
    NationalMajority {
        /// The share of participants that "yes" must exceed.
        share: Fraction,
    },
    /// More than `share` of participants voted yes in at least `units` of the regions and
    /// cities of republican significance; abroad is not a unit (2022).
    RegionalMajority {
        /// The share of participants that "yes" must exceed within a unit.
        share: Fraction,
        /// The share of units (at least) where it must.
        units: Fraction,
    },
}

/// A local date and time at `utc_offset_minutes` east of UTC, as a UTC instant.
pub fn local_to_utc(
    day: NaiveDate,
    time: NaiveTime,
    utc_offset_minutes: i32,
) -> chrono::DateTime<chrono::Utc> {
    let local = day.and_time(time);
    (local - chrono::Duration::minutes(i64::from(utc_offset_minutes))).and_utc()
}

/// A referendum as defined by its decree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferendumDefinition {
    /// Identifier.
    pub id: ContestId,
    /// Title in kk/ru/en.
    pub title: Names,
    /// Date of the decree calling it.
    pub decree_date: NaiveDate,
    /// Voting day.
    pub voting_day: NaiveDate,
    /// Polls open (local time).
    pub polls_open: NaiveTime,
    /// Polls close (local time); counting starts.
    pub polls_close: NaiveTime,
    /// Local time as an offset from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// The question in kk/ru/en.
    pub question: Names,
    /// Validity rule.
    pub validity: ValidityRule,
    /// Adoption rule.
    pub adoption: AdoptionRule,
    /// Days after voting day by which the result must be established.
    pub results_within_days: u32,
}

/// Why a definition cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// Bad identifier.
    #[error("the referendum's {0}")]
    BadId(#[from] BadContestId),
    /// Voting before the decree.
    #[error("voting day {voting_day} is before the decree date {decree_date}")]
    VotingBeforeDecree {
        /// Decree date.
        decree_date: NaiveDate,
        /// Voting day.
        voting_day: NaiveDate,
    },
    /// Polls close before they open.
    #[error("polls close at {close} but open at {open}; closing must come after opening")]
    PollsCloseBeforeOpen {
        /// Opening.
        open: NaiveTime,
        /// Closing.
        close: NaiveTime,
    },
    /// A fraction that is not in (0, 1].
    #[error(
        "the {what} threshold {value} must be a fraction between 0 and 1 with a non-zero denominator"
    )]
    BadFraction {
        /// Which threshold.
        what: &'static str,
        /// Its value.
        value: Fraction,
    },
    /// An empty question.
    #[error("the question must be given in Kazakh, Russian and English; the {0} text is empty")]
    EmptyQuestion(&'static str),
}

impl ReferendumDefinition {
    /// When the polls close, in UTC.
    pub fn polls_close_utc(&self) -> chrono::DateTime<chrono::Utc> {
        local_to_utc(self.voting_day, self.polls_close, self.utc_offset_minutes)
    }

    /// Checks the definition.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        ContestId::parse(&self.id.0)?;
        if self.voting_day < self.decree_date {
            return Err(DefinitionError::VotingBeforeDecree {
                decree_date: self.decree_date,
                voting_day: self.voting_day,
            });
        }
        if self.polls_close <= self.polls_open {
            return Err(DefinitionError::PollsCloseBeforeOpen {
                open: self.polls_open,
                close: self.polls_close,
            });
        }
        check_fraction("validity", self.validity.min_turnout)?;
        match self.adoption {
            AdoptionRule::NationalMajority { share } => check_fraction("adoption", share)?,
            AdoptionRule::RegionalMajority { share, units } => {
                check_fraction("adoption", share)?;
                check_fraction("regional", units)?;
            }
        }
        for (lang, text) in [
            ("Kazakh", &self.question.kk),
            ("Russian", &self.question.ru),
            ("English", &self.question.en),
        ] {
            if text.trim().is_empty() {
                return Err(DefinitionError::EmptyQuestion(lang));
            }
        }
        Ok(())
    }
}

fn check_fraction(what: &'static str, value: Fraction) -> Result<(), DefinitionError> {
    if value.denominator == 0 || value.numerator > value.denominator {
        return Err(DefinitionError::BadFraction { what, value });
    }
    Ok(())
}

/// Ready-made definitions.
pub mod presets {
    use super::*;

    /// The names of the presets, for `ashyq referendum create --preset`.
    pub const NAMES: &[&str] = &["kz-2026", "kz-2022"];

    /// A preset by name.
    pub fn by_name(name: &str) -> Option<ReferendumDefinition> {
        match name {
            "kz-2026" => Some(kz_2026()),
            "kz-2022" => Some(kz_2022()),
            _ => None,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("preset dates are valid")
    }

    fn time(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).expect("preset times are valid")
    }

    /// The 15 March 2026 referendum on the new Constitution (decree of 11 February 2026):
    /// valid above 50% turnout, adopted by a majority of participants nationally.
    /// Source: shared/BRIEF.md §1, §3 (CEC announcements as reported in the news).
    pub fn kz_2026() -> ReferendumDefinition {
        ReferendumDefinition {
            id: ContestId("kz-2026".into()),
            title: Names {
                kk: "Қазақстан Республикасының жаңа Конституциясы бойынша республикалық референдум"
                    .into(),
                ru: "Республиканский референдум по новой Конституции Республики Казахстан".into(),
                en: "National referendum on the new Constitution of the Republic of Kazakhstan"
                    .into(),
            },
            decree_date: date(2026, 2, 11),
            voting_day: date(2026, 3, 15),
            polls_open: time(7),
            polls_close: time(20),
            utc_offset_minutes: 300,
            question: Names {
                kk: "Сіз Қазақстан Республикасының жаңа Конституциясын қабылдайсыз ба?".into(),
                ru: "Принимаете ли Вы новую Конституцию Республики Казахстан?".into(),
                en: "Do you adopt the new Constitution of the Republic of Kazakhstan?".into(),
            },
            validity: ValidityRule {
                min_turnout: Fraction::HALF,
            },
            adoption: AdoptionRule::NationalMajority {
                share: Fraction::HALF,
            },
            results_within_days: 7,
        }
    }

    /// The 5 June 2022 referendum on amendments to the Constitution: valid above 50% turnout,
    /// adopted if more than half of participants voted yes in at least two thirds of the
    /// regions, the cities of republican significance and the capital.
    /// Source: shared/BRIEF.md §3; dates from public reporting of the 2022 referendum.
    pub fn kz_2022() -> ReferendumDefinition {
        ReferendumDefinition {
            id: ContestId("kz-2022".into()),
            title: Names {
                kk: "Конституцияға өзгерістер мен толықтырулар енгізу туралы республикалық референдум".into(),
                ru: "Республиканский референдум по поправкам в Конституцию".into(),
                en: "National referendum on amendments to the Constitution".into(),
            },
            decree_date: date(2022, 5, 5),
            voting_day: date(2022, 6, 5),
            polls_open: time(7),
            polls_close: time(20),
            utc_offset_minutes: 360,
            question: Names {
                kk: "Сіз 2022 жылғы 6 мамырда бұқаралық ақпарат құралдарында жарияланған Қазақстан Республикасының Конституциясына өзгерістер мен толықтырулар енгізу туралы заң жобасында көрсетілген өзгерістер мен толықтыруларды қабылдайсыз ба?".into(),
                ru: "Принимаете ли Вы изменения и дополнения в Конституцию Республики Казахстан, изложенные в проекте Закона Республики Казахстан «О внесении изменений и дополнений в Конституцию Республики Казахстан», опубликованном в средствах массовой информации 6 мая 2022 года?".into(),
                en: "Do you accept the amendments and additions to the Constitution of the Republic of Kazakhstan set out in the draft Law published in the mass media on 6 May 2022?".into(),
            },
            validity: ValidityRule { min_turnout: Fraction::HALF },
            adoption: AdoptionRule::RegionalMajority {
                share: Fraction::HALF,
                units: Fraction::TWO_THIRDS,
            },
            results_within_days: 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid() {
        for name in presets::NAMES {
            presets::by_name(name).unwrap().validate().unwrap();
        }
    }

    #[test]
    fn bad_definitions_are_refused_with_the_reason() {
        let mut d = presets::kz_2026();
        d.id = ContestId("KZ 2026".into());
        assert!(matches!(d.validate(), Err(DefinitionError::BadId(_))));
        let mut d = presets::kz_2026();
        d.voting_day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert!(matches!(
            d.validate(),
            Err(DefinitionError::VotingBeforeDecree { .. })
        ));
        let mut d = presets::kz_2026();
        d.validity.min_turnout = Fraction {
            numerator: 1,
            denominator: 0,
        };
        assert!(d.validate().unwrap_err().to_string().contains("validity"));
    }
}
