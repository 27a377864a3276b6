//! The Kurultai's rules as configuration: who may initiate a bill, the quorum, the majority of
//! each kind of vote, the President's objections and their override, the deadlines.
//!
//! The 2026 draft as reported (qazinform, inform.kz, enbekshiqazaq.kz, 2026-01/02; see
//! `docs/kurultai.md`) fixes some of these; the rest were not found and are defaults chosen
//! here, each named as such in its doc comment. A house is convened with one set of rules, and
//! that set is written into the log, so a verifier counts every vote by the rules in force.

use serde::{Deserialize, Serialize};

use crate::consult::{Fraction, MajorityBase, VotingRules};

/// Who may introduce a bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitiatorKind {
    /// The President.
    President,
    /// One or more deputies of the Kurultai.
    Deputies,
    /// The Government.
    Government,
    /// The People's Council (Halyk Kenesi), by a decision of one of its sessions.
    PeoplesCouncil,
    /// The Supreme Court, on matters of the judiciary (not in the default list).
    SupremeCourt,
}

impl InitiatorKind {
    /// A short English name.
    pub fn name(self) -> &'static str {
        match self {
            InitiatorKind::President => "the President",
            InitiatorKind::Deputies => "deputies",
            InitiatorKind::Government => "the Government",
            InitiatorKind::PeoplesCouncil => "the People's Council",
            InitiatorKind::SupremeCourt => "the Supreme Court",
        }
    }
}

/// The rules of the People's Council's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilRules {
    /// At most this many members; `None` when no figure is configured. Default 126, the size
    /// proposed in 2026 (accounts differ; uncertain).
    pub max_members: Option<u32>,
    /// Quorum and majority of its decisions over its members. Default: quorum two thirds of
    /// the members, more than half of those present (not found; a default).
    pub decisions: VotingRules,
}

/// The Kurultai's rules, fixed when the house is convened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KurultaiRules {
    /// Who may introduce a bill. Default: the President, deputies, the Government and the
    /// People's Council (the draft names the People's Council; the full list was not found).
    pub initiators: Vec<InitiatorKind>,
    /// Each reading of an ordinary law. Default: quorum two thirds of the deputies; more than
    /// half of all deputies (not found in the draft; the 1995 Constitution's rule for the
    /// Mazhilis as we recall it, unverified).
    pub ordinary_law: VotingRules,
    /// Each reading of a constitutional law. Default: at least two thirds of all deputies
    /// (the 1995 Constitution's rule for constitutional laws as we recall it, unverified).
    pub constitutional_law: VotingRules,
    /// An amendment to a bill. Default: more than half of the deputies present (a default).
    pub amendment: VotingRules,
    /// Rejecting a bill: the votes *against* it counted by this rule. Default: more than half
    /// of all deputies (the draft as reported).
    pub rejection: VotingRules,
    /// Overriding the President's objections; `None` when no override is possible. Default:
    /// at least two thirds of all deputies (not found in the draft; the 1995 Constitution's
    /// figure as we recall it, unverified).
    pub override_objections: Option<VotingRules>,
    /// Electing the Chair and each vice-chair. Default: more than half of all deputies.
    pub officers: VotingRules,
    /// Consent to the President's nominee for Vice President. Default: more than half of all
    /// deputies (the draft as reported, qazinform 2026-02).
    pub vice_president_consent: VotingRules,
    /// At least this share of all deputies may petition the Constitutional Court (the draft:
    /// one fifth).
    pub court_petition: Fraction,
    /// Vice-chairs (the draft: three).
    pub vice_chairs: u32,
    /// At most this many committees (the proposal of 2026-01-20: eight).
    pub max_committees: u32,
    /// An adopted law goes to the President within this many days (the draft: 10).
    pub transmit_within_days: u32,
    /// The President signs or returns a law within this many days of receiving it. Default 30
    /// (not found in the draft; the 1995 Constitution gives one month, as we recall it,
    /// unverified).
    pub sign_within_days: u32,
    /// A priority bill is adopted within this many months of its introduction (the draft: 2).
    pub priority_within_months: u32,
    /// The first Vice President is appointed within this many months of the first session
    /// (qazinform 2026-02: 2).
    pub vice_president_within_months: u32,
    /// The People's Council.
    pub council: CouncilRules,
}

/// Two thirds present; `share` of `base`, strictly more or at least.
fn rule(share: Fraction, base: MajorityBase, strict: bool) -> VotingRules {
    VotingRules {
        quorum: TWO_THIRDS,
        majority: share,
        base,
        strict,
    }
}

const HALF: Fraction = Fraction { num: 1, den: 2 };
const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };

impl Default for KurultaiRules {
    fn default() -> Self {
        KurultaiRules {
            initiators: vec![
                InitiatorKind::President,
                InitiatorKind::Deputies,
                InitiatorKind::Government,
                InitiatorKind::PeoplesCouncil,
            ],
            ordinary_law: rule(HALF, MajorityBase::Membership, true),
            constitutional_law: rule(TWO_THIRDS, MajorityBase::Membership, false),
            amendment: rule(HALF, MajorityBase::Present, true),
            rejection: rule(HALF, MajorityBase::Membership, true),
            override_objections: Some(rule(TWO_THIRDS, MajorityBase::Membership, false)),
            officers: rule(HALF, MajorityBase::Membership, true),
            vice_president_consent: rule(HALF, MajorityBase::Membership, true),
            court_petition: Fraction { num: 1, den: 5 },
            vice_chairs: 3,
            max_committees: 8,
            transmit_within_days: 10,
            sign_within_days: 30,
            priority_within_months: 2,
            vice_president_within_months: 2,
            council: CouncilRules {
                max_members: Some(126),
                decisions: rule(HALF, MajorityBase::Present, true),
            },
        }
    }
}

/// Why a set of rules cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Kurultai's rules are not valid: {0}")]
pub struct BadRules(pub String);

impl KurultaiRules {
    /// Checks every fraction (`0 ≤ num ≤ den`, `den > 0`, a majority above zero) and that
    /// some initiator is allowed.
    pub fn validate(&self) -> Result<(), BadRules> {
        let mut named: Vec<(&str, &VotingRules)> = vec![
            ("ordinary_law", &self.ordinary_law),
            ("constitutional_law", &self.constitutional_law),
            ("amendment", &self.amendment),
            ("rejection", &self.rejection),
            ("officers", &self.officers),
            ("vice_president_consent", &self.vice_president_consent),
            ("council.decisions", &self.council.decisions),
        ];
        if let Some(o) = &self.override_objections {
            named.push(("override_objections", o));
        }
        let proper = |f: Fraction| f.den > 0 && f.num <= f.den;
        for (name, r) in named {
            if !proper(r.quorum) || !proper(r.majority) || r.majority.num == 0 {
                return Err(BadRules(format!(
                    "{name}: quorum and majority are fractions num/den with 0 ≤ num ≤ den and den > 0, and a majority above zero"
                )));
            }
        }
        if !proper(self.court_petition) || self.court_petition.num == 0 {
            return Err(BadRules(
                "court_petition must be a fraction above zero and at most one".into(),
            ));
        }
        if self.initiators.is_empty() {
            return Err(BadRules(
                "initiators is empty: name at least one who may introduce a bill".into(),
            ));
        }
        if self.council.max_members == Some(0) {
            return Err(BadRules(
                "council.max_members is 0; leave it out for no limit".into(),
            ));
        }
        Ok(())
    }

    /// The rule for the readings of a bill of this kind.
    pub fn reading(&self, constitutional: bool) -> &VotingRules {
        if constitutional {
            &self.constitutional_law
        } else {
            &self.ordinary_law
        }
    }

    /// Least number of signatures for a petition to the Constitutional Court of a house of
    /// `seats`: `⌈court_petition × seats⌉` ("at least one fifth").
    pub fn petition_needed(&self, seats: u64) -> u64 {
        let f = self.court_petition;
        (u128::from(f.num) * u128::from(seats))
            .div_ceil(u128::from(f.den.max(1)))
            .try_into()
            .unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_a_fifth_of_145_is_29() {
        let r = KurultaiRules::default();
        r.validate().unwrap();
        // 145 / 5 = 29 exactly: 29 signatures suffice, 28 do not.
        assert_eq!(r.petition_needed(145), 29);
        assert_eq!(r.petition_needed(146), 30);
    }

    #[test]
    fn bad_fractions_and_no_initiator_are_refused_by_name() {
        let mut r = KurultaiRules::default();
        r.amendment.majority = Fraction { num: 3, den: 2 };
        assert!(r.validate().unwrap_err().0.starts_with("amendment"));
        let mut r = KurultaiRules::default();
        r.initiators.clear();
        assert!(r.validate().unwrap_err().0.contains("initiators"));
    }
}
