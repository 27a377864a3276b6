//! Parties and their candidate lists for the Kurultai elections.
//!
//! - **Registration** ([`check_application`]): a party applies with a name, a short name and
//!   its members' IINs. It is registered when it has at least [`PartyRules::min_members`]
//!   members (5,000 under the new Constitution, 20,000 before; BRIEF §2), every member is
//!   eligible, nobody is listed twice and nobody is already a member of a registered party.
//!   The check is pure: it returns the [`RegisteredParty`] to record, or a refusal that lists
//!   every offending entry, IINs masked.
//! - **Candidate lists** ([`list`]): eligibility of each candidate (citizen, age ≥ 25 on
//!   election day, ≥ 10 years of permanent residence), the quota for women, young people and
//!   people with disabilities, withdrawals before a deadline, and the filling of seats.
//!
//! ## What is public, what is private
//! The inputs ([`PartyApplication`], [`CandidateList`]) carry [`Iin`]s and serialize them in
//! full: they are what a party hands to the commission, and stay off the public record. What
//! the checks return, and what the event log records ([`RegisteredParty`],
//! [`RegisteredList`]), carries no IIN in clear: members as keyed digests ([`IinDigest`] under a
//! [`DigestKey`] kept outside the log), candidates — public persons on a published list — by
//! name, masked IIN and digest. Every error message shows IINs masked, and only masked.
//!
//! ## Membership is all or nothing
//! An application with any problem is refused as a whole, with every problem listed, instead of
//! registering the party with the offending members struck out: the member list of record is
//! then exactly the list the party submitted, and the party fixes it and applies again.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::iin::{DigestKey, Iin, IinDigest, IinError, IinText, MaskedIin, mask_text};

pub mod list;

pub use list::{
    Candidate, CandidateList, CandidateProblem, CandidateRef, CandidateRefusal, EntryStatus,
    ListEntry, ListProblem, ListQuota, ListRules, MandateEnd, QuotaShortfall, RegisteredList,
    Withdrawal, WithdrawnBy, check_list, fill_seats, next_on_list, successor, withdraw,
};

/// How many offending entries an error message names before it says "and N more". The error
/// value itself keeps them all.
pub const NAMED_IN_MESSAGE: usize = 20;

/// The rules of party registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyRules {
    /// The fewest members a party must have to be registered.
    pub min_members: usize,
    /// The youngest a member may be, in full years on the application date.
    pub min_member_age: u32,
}

impl PartyRules {
    /// Under the 2026 Constitution: 5,000 members (BRIEF §2), members of full age (18).
    pub const KZ_2026: PartyRules = PartyRules {
        min_members: 5_000,
        min_member_age: 18,
    };

    /// Before the 2026 Constitution: 20,000 members (BRIEF §2), members of full age (18).
    pub const KZ_BEFORE_2026: PartyRules = PartyRules {
        min_members: 20_000,
        min_member_age: 18,
    };
}

impl Default for PartyRules {
    /// [`PartyRules::KZ_2026`].
    fn default() -> Self {
        PartyRules::KZ_2026
    }
}

/// An application to register a party: what the party submits. A private input: it holds the
/// members' IINs and serializes them in full.
///
/// Deserializing checks every member entry and, if some are not valid IINs, fails with a
/// [`PartyError::InvalidMembers`] message that lists them all, masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawApplication")]
pub struct PartyApplication {
    /// Full name, e.g. "Amanat".
    pub name: String,
    /// Short name used on ballots and in messages.
    pub short_name: String,
    /// The members, in the order of the submitted list: row 1 is the first entry.
    pub members: Vec<Iin>,
}

/// An application as read, before the member entries are parsed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApplication {
    name: String,
    short_name: String,
    members: Vec<IinText>,
}

impl TryFrom<RawApplication> for PartyApplication {
    type Error = PartyError;

    fn try_from(raw: RawApplication) -> Result<Self, PartyError> {
        let rows: Vec<(usize, String)> = raw
            .members
            .into_iter()
            .enumerate()
            .map(|(i, IinText(text))| (i + 1, text))
            .collect();
        PartyApplication::from_rows(raw.name, raw.short_name, rows)
    }
}

impl PartyApplication {
    /// An application whose member list is text with one IIN per line (a member list file).
    /// Blank lines are skipped and not counted: row N is the N-th member entry, here and in
    /// every later message about the application. Every entry that is not a valid IIN is listed
    /// in the error, masked.
    pub fn from_member_lines(
        name: &str,
        short_name: &str,
        text: &str,
    ) -> Result<PartyApplication, PartyError> {
        let rows = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .enumerate()
            .map(|(i, line)| (i + 1, line.to_owned()))
            .collect();
        Self::from_rows(name.to_owned(), short_name.to_owned(), rows)
    }

    fn from_rows(
        name: String,
        short_name: String,
        rows: Vec<(usize, String)>,
    ) -> Result<PartyApplication, PartyError> {
        let mut members = Vec::with_capacity(rows.len());
        let mut invalid = Vec::new();
        for (row, text) in rows {
            match Iin::parse(&text) {
                Ok(iin) => members.push(iin),
                Err(error) => invalid.push(InvalidMember {
                    row,
                    entry: mask_text(&text),
                    error,
                }),
            }
        }
        if invalid.is_empty() {
            Ok(PartyApplication {
                name,
                short_name,
                members,
            })
        } else {
            Err(PartyError::InvalidMembers {
                party: name,
                entries: invalid,
            })
        }
    }
}

/// A registered party as the public record holds it: names, date, and its members as keyed
/// digests only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredParty {
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// The date of the application that registered it.
    pub registered_on: NaiveDate,
    /// The members' [`IinDigest`]s, sorted, each once.
    pub members: Vec<IinDigest>,
}

/// Why a person may not be a member (or, from a plugged-in register, any other reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    /// Younger than the minimum age on the application date (or born after it).
    TooYoung {
        /// The minimum age.
        min_age: u32,
    },
    /// Not on the voter register.
    NotOnRegister,
    /// Another reason given by the register, in plain words. It must never contain the IIN.
    Other(String),
}

impl fmt::Display for Ineligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ineligible::TooYoung { min_age } => {
                write!(f, "younger than {min_age} on the application date")
            }
            Ineligible::NotOnRegister => f.write_str("not on the voter register"),
            Ineligible::Other(reason) => f.write_str(reason),
        }
    }
}

/// A check of each member beyond the validity of the IIN and the minimum age, which always
/// apply. This is where the voter register plugs in once it exists; any closure
/// `Fn(&Iin, NaiveDate) -> Result<(), Ineligible>` is one.
pub trait MemberEligibility {
    /// `Ok` if the person with this IIN may be a party member on `on`.
    fn check(&self, iin: &Iin, on: NaiveDate) -> Result<(), Ineligible>;
}

impl<F: Fn(&Iin, NaiveDate) -> Result<(), Ineligible>> MemberEligibility for F {
    fn check(&self, iin: &Iin, on: NaiveDate) -> Result<(), Ineligible> {
        self(iin, on)
    }
}

/// No check beyond a valid IIN and the minimum age: the default until a voter register exists.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRegister;

impl MemberEligibility for NoRegister {
    fn check(&self, _: &Iin, _: NaiveDate) -> Result<(), Ineligible> {
        Ok(())
    }
}

/// A member entry that is not a valid IIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidMember {
    /// The row of the submitted list, from 1.
    pub row: usize,
    /// The entry, masked with [`mask_text`].
    pub entry: String,
    /// Why it is not an IIN.
    pub error: IinError,
}

impl fmt::Display for InvalidMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} ({}): {}", self.row, self.entry, self.error)
    }
}

/// A member who may not be a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IneligibleMember {
    /// The row of the submitted list, from 1.
    pub row: usize,
    /// The member.
    pub iin: MaskedIin,
    /// Why.
    pub reason: Ineligible,
}

impl fmt::Display for IneligibleMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (row {}, {})", self.iin, self.row, self.reason)
    }
}

/// A person listed more than once in the same application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatedMember {
    /// The person.
    pub iin: MaskedIin,
    /// Every row that lists them, from 1.
    pub rows: Vec<usize>,
}

impl fmt::Display for RepeatedMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<String> = self.rows.iter().map(usize::to_string).collect();
        write!(f, "{} (rows {})", self.iin, rows.join(", "))
    }
}

/// An applicant member who is already a member of a registered party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberElsewhere {
    /// The row of the submitted list, from 1.
    pub row: usize,
    /// The person.
    pub iin: MaskedIin,
    /// The short name of the party they belong to.
    pub party: String,
}

impl fmt::Display for MemberElsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.iin, self.party)
    }
}

/// One reason an application is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationProblem {
    /// The name or the short name is empty.
    MissingName,
    /// The name or short name is already used by a registered party (ignoring case and spacing).
    NameTaken {
        /// The name applied for.
        name: String,
        /// The short name of the registered party that uses it.
        by: String,
    },
    /// Members who may not be members.
    Ineligible(Vec<IneligibleMember>),
    /// People listed more than once.
    ListedTwice(Vec<RepeatedMember>),
    /// People already members of a registered party.
    MembersElsewhere(Vec<MemberElsewhere>),
    /// Too few members count.
    TooFewMembers {
        /// Distinct members without any problem above.
        counted: usize,
        /// Entries in the application.
        listed: usize,
        /// The minimum.
        min: usize,
    },
}

impl fmt::Display for ApplicationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplicationProblem::MissingName => {
                f.write_str("the party needs both a name and a short name")
            }
            ApplicationProblem::NameTaken { name, by } => write!(
                f,
                "the name \"{name}\" is already used by the registered party {by}; choose another"
            ),
            ApplicationProblem::Ineligible(m) => write!(
                f,
                "{} may not be {}: {}; remove them from the list",
                people(m.len()),
                if m.len() == 1 { "a member" } else { "members" },
                named(m)
            ),
            ApplicationProblem::ListedTwice(m) => write!(
                f,
                "{} listed more than once: {}; list each member once",
                people_are(m.len()),
                named(m)
            ),
            ApplicationProblem::MembersElsewhere(m) => write!(
                f,
                "{} already members of another party: {}; a person belongs to one party at a time, so they must leave it first or be removed from this list",
                people_are(m.len()),
                named(m)
            ),
            ApplicationProblem::TooFewMembers {
                counted,
                listed,
                min,
            } => write!(
                f,
                "{} of the {} listed members count, but at least {} are required",
                thousands(*counted),
                thousands(*listed),
                thousands(*min)
            ),
        }
    }
}

/// Why a party application, a candidate list or a withdrawal is refused. Every IIN in a message
/// is masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartyError {
    /// Member entries that are not valid IINs.
    #[error(
        "the member list of {party} has {} that {}: {}; correct them from the identity documents",
        count_entries(.entries.len()), if .entries.len() == 1 { "is not a valid IIN" } else { "are not valid IINs" }, named(.entries)
    )]
    InvalidMembers {
        /// The party applying.
        party: String,
        /// Every invalid entry.
        entries: Vec<InvalidMember>,
    },
    /// The application is refused; every problem is listed.
    #[error("the application of {party} is refused: {}", numbered(.problems))]
    ApplicationRefused {
        /// The party applying.
        party: String,
        /// Every problem found.
        problems: Vec<ApplicationProblem>,
    },
    /// The candidate list is refused; every problem is listed.
    #[error("the candidate list of {party} is refused: {}", numbered(.problems))]
    ListRefused {
        /// The party.
        party: String,
        /// Every problem found.
        problems: Vec<ListProblem>,
    },
    /// The candidate to withdraw is not on the list.
    #[error("{who} is not on the candidate list of {party}; check the position or the person")]
    NotOnList {
        /// The party.
        party: String,
        /// The candidate asked for, e.g. "position 12".
        who: String,
    },
    /// The candidate has already withdrawn.
    #[error("candidate {position} of {party} already withdrew on {on}")]
    AlreadyWithdrawn {
        /// The party.
        party: String,
        /// The position on the list.
        position: usize,
        /// When.
        on: NaiveDate,
    },
    /// The deadline for withdrawals has passed.
    #[error(
        "candidate {position} of {party} cannot withdraw on {on}: withdrawals close on {deadline}"
    )]
    WithdrawalAfterDeadline {
        /// The party.
        party: String,
        /// The position on the list.
        position: usize,
        /// The date asked for.
        on: NaiveDate,
        /// The last day withdrawals are accepted.
        deadline: NaiveDate,
    },
    /// The party may not recall a candidate if the rest of the list then misses the quota.
    #[error(
        "{party} cannot recall candidate {position}: the remaining list would miss the quota ({}); recall only candidates the quota does not need",
        named(.shortfalls)
    )]
    WithdrawalBreaksQuota {
        /// The party.
        party: String,
        /// The position on the list.
        position: usize,
        /// Where the remaining list misses the quota.
        shortfalls: Vec<QuotaShortfall>,
    },
}

/// Checks an application against the registered parties with the default member check
/// ([`NoRegister`]: a valid IIN of a person of at least [`PartyRules::min_member_age`] on `on`).
/// Pure: the caller records the returned party.
pub fn check_application(
    app: &PartyApplication,
    registered: &[RegisteredParty],
    rules: &PartyRules,
    on: NaiveDate,
    key: &DigestKey,
) -> Result<RegisteredParty, PartyError> {
    check_application_with(app, registered, rules, on, key, &NoRegister)
}

/// Checks an application as [`check_application`] does, with `eligibility` as an additional
/// check of each member (the voter register, once it exists).
///
/// Refused, with every problem listed, when: the name or short name is empty or already used
/// by a registered party (ignoring case and spacing); a member is younger than
/// [`PartyRules::min_member_age`] on `on` or fails `eligibility`; a person is listed more than
/// once; a person is already a member of a registered party (digests compared under `key`); or
/// fewer than [`PartyRules::min_members`] distinct members are free of these problems.
pub fn check_application_with(
    app: &PartyApplication,
    registered: &[RegisteredParty],
    rules: &PartyRules,
    on: NaiveDate,
    key: &DigestKey,
    eligibility: &dyn MemberEligibility,
) -> Result<RegisteredParty, PartyError> {
    let mut problems = Vec::new();
    if app.name.trim().is_empty() || app.short_name.trim().is_empty() {
        problems.push(ApplicationProblem::MissingName);
    }
    for p in registered {
        let taken = [&app.name, &app.short_name]
            .into_iter()
            .find(|n| same_name(n, &p.name) || same_name(n, &p.short_name));
        if let Some(name) = taken.filter(|n| !n.trim().is_empty()) {
            problems.push(ApplicationProblem::NameTaken {
                name: name.clone(),
                by: p.short_name.clone(),
            });
        }
    }

    let elsewhere: HashMap<&IinDigest, &str> = registered
        .iter()
        .flat_map(|p| p.members.iter().map(|d| (d, p.short_name.as_str())))
        .collect();
    let mut rows_of: HashMap<Iin, Vec<usize>> = HashMap::new();
    let mut ineligible = Vec::new();
    let mut members_elsewhere = Vec::new();
    let mut good: HashMap<Iin, IinDigest> = HashMap::new();
    for (i, iin) in app.members.iter().enumerate() {
        let row = i + 1;
        let rows = rows_of.entry(*iin).or_default();
        rows.push(row);
        if rows.len() > 1 {
            continue;
        }
        let old_enough = iin
            .age_on(on)
            .is_some_and(|age| age >= rules.min_member_age);
        let verdict = if old_enough {
            eligibility.check(iin, on)
        } else {
            Err(Ineligible::TooYoung {
                min_age: rules.min_member_age,
            })
        };
        if let Err(reason) = verdict {
            ineligible.push(IneligibleMember {
                row,
                iin: iin.into(),
                reason,
            });
            continue;
        }
        let digest = iin.digest(key);
        if let Some(party) = elsewhere.get(&digest) {
            members_elsewhere.push(MemberElsewhere {
                row,
                iin: iin.into(),
                party: (*party).to_owned(),
            });
            continue;
        }
        good.insert(*iin, digest);
    }
    let mut repeated: Vec<RepeatedMember> = rows_of
        .into_iter()
        .filter(|(_, rows)| rows.len() > 1)
        .map(|(iin, rows)| RepeatedMember {
            iin: (&iin).into(),
            rows,
        })
        .collect();
    repeated.sort_by_key(|r| r.rows[0]);

    if !ineligible.is_empty() {
        problems.push(ApplicationProblem::Ineligible(ineligible));
    }
    if !repeated.is_empty() {
        problems.push(ApplicationProblem::ListedTwice(repeated));
    }
    if !members_elsewhere.is_empty() {
        problems.push(ApplicationProblem::MembersElsewhere(members_elsewhere));
    }
    if good.len() < rules.min_members {
        problems.push(ApplicationProblem::TooFewMembers {
            counted: good.len(),
            listed: app.members.len(),
            min: rules.min_members,
        });
    }
    if !problems.is_empty() {
        return Err(PartyError::ApplicationRefused {
            party: app.name.clone(),
            problems,
        });
    }
    let mut members: Vec<IinDigest> = good.into_values().collect();
    members.sort();
    Ok(RegisteredParty {
        name: app.name.trim().to_owned(),
        short_name: app.short_name.trim().to_owned(),
        registered_on: on,
        members,
    })
}

/// Whether two party names are the same, ignoring case and runs of whitespace.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// `1,234,567`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The first [`NAMED_IN_MESSAGE`] items, comma-separated, then "and N more".
pub(crate) fn named<T: fmt::Display>(items: &[T]) -> String {
    let mut shown: Vec<String> = items
        .iter()
        .take(NAMED_IN_MESSAGE)
        .map(T::to_string)
        .collect();
    if items.len() > NAMED_IN_MESSAGE {
        shown.push(format!(
            "and {} more",
            thousands(items.len() - NAMED_IN_MESSAGE)
        ));
    }
    shown.join(", ")
}

/// `(1) first; (2) second`.
pub(crate) fn numbered<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, p)| format!("({}) {p}", i + 1))
        .collect::<Vec<_>>()
        .join("; ")
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{} people", thousands(n))
    }
}

fn people_are(n: usize) -> String {
    if n == 1 {
        "1 person is".to_owned()
    } else {
        format!("{} people are", thousands(n))
    }
}

fn count_entries(n: usize) -> String {
    if n == 1 {
        "1 entry".to_owned()
    } else {
        format!("{} entries", thousands(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(5_000), "5,000");
        assert_eq!(thousands(12_482_613), "12,482,613");
    }

    #[test]
    fn names_compare_without_case_or_spacing() {
        assert!(same_name("Aq  Jol", " aq jol"));
        assert!(same_name("АМАНАТ", "Аманат"));
        assert!(!same_name("Aq Jol", "AqJol"));
    }

    #[test]
    fn long_lists_are_cut_in_messages() {
        let items: Vec<usize> = (1..=25).collect();
        assert!(named(&items).ends_with("20, and 5 more"));
        assert_eq!(named(&items[..2]), "1, 2");
    }
}
