//! Candidate lists: eligibility, the quota, withdrawals and the filling of seats.
//!
//! A party submits an ordered [`CandidateList`] (a private input: it holds IINs). [`check_list`]
//! checks every candidate and the quota and returns the [`RegisteredList`] to record and
//! publish: names, masked IINs and keyed digests, never an IIN in clear.
//!
//! ## Rules (all in [`ListRules`])
//! - A candidate is a citizen, at least 25 years old on election day (from the birth date in
//!   the IIN) and has at least 10 years of permanent residence in Kazakhstan (BRIEF §2).
//! - Quota ([`ListQuota`]): at least a share of the list (30% in 2023, BRIEF §5) are women
//!   (from the IIN), young people or people with disabilities; each person counts once,
//!   whatever number of these they are. Optionally the share holds in every block of N places
//!   (1–N, N+1–2N, …); a last, shorter block must hold the same share of its own length. The
//!   test is exact: `counted × denominator ≥ numerator × length`.
//! - "Young" means younger than [`ListRules::young_below_age`] on election day. The brief gives
//!   no age; 29 is a configurable choice, to be set to the law in force.
//! - A person appears on one list only, once.
//!
//! ## Withdrawals
//! Until the deadline (inclusive) a candidate may withdraw, or the party may recall a candidate.
//! The rest of the list, closed up, is checked against the quota again. A candidate's own
//! withdrawal is their right and is never refused for the quota: it is accepted and flagged
//! ([`Withdrawal::quota_shortfalls`]) for the commission. A party's recall that would make the
//! list miss the quota is refused; otherwise a party could register a compliant list and then
//! recall the candidates the quota brought onto it.
//!
//! ## Seats
//! [`fill_seats`] gives the first N standing candidates in list order. When a mandate ends
//! ([`MandateEnd`]), [`successor`] gives the next standing candidate not yet called, unless the
//! party has ceased to exist: then its list is void and nobody succeeds from it (what becomes of
//! the seat is for the election law, which the brief does not give).

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroUsize;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{PartyError, same_name};
use crate::iin::{DigestKey, Iin, IinDigest, MaskedIin, Sex};
use crate::share::Fraction;

/// A candidate as the party submits them. A private input: `iin` serializes in full; `Debug`
/// shows it masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// The candidate's IIN, from which birth date (age) and sex are taken.
    pub iin: Iin,
    /// Full name as it will be published.
    pub name: String,
    /// A citizen of Kazakhstan.
    pub citizen: bool,
    /// Full years of permanent residence in Kazakhstan.
    pub permanent_residence_years: u32,
    /// A person with a disability (counts for the quota).
    pub disability: bool,
}

/// A party's ordered list of candidates, as submitted (position 1 first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateList {
    /// The short name of the party.
    pub party: String,
    /// The candidates in list order.
    pub candidates: Vec<Candidate>,
}

/// The quota of a list: at least `share` of the candidates are women, young people or people
/// with disabilities, over the whole list and, if `block` is set, in every block of that many
/// places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuota {
    /// The least share, e.g. 3/10.
    pub share: Fraction,
    /// If set, the share must also hold in places 1–N, N+1–2N, …; the last, shorter block is
    /// held to the same share of its own length.
    pub block: Option<NonZeroUsize>,
}

impl ListQuota {
    /// 30% of the whole list, as in the 2023 Mazhilis election (BRIEF §5).
    pub const THIRTY_PERCENT: ListQuota = ListQuota {
        share: Fraction {
            numerator: 3,
            denominator: 10,
        },
        block: None,
    };

    /// The fewest quota candidates a run of `len` places needs: ⌈share × len⌉.
    pub fn required(&self, len: usize) -> usize {
        let (num, den) = self.terms();
        let need = (num * len as u128).div_ceil(den);
        usize::try_from(need).unwrap_or(usize::MAX)
    }

    /// Checks a list given, place by place, whether each candidate counts for the quota.
    /// Returns every run that misses it: the whole list first, then each failing block.
    pub fn check(&self, counts: &[bool]) -> Result<(), Vec<QuotaShortfall>> {
        let mut shortfalls = Vec::new();
        let mut run = |from: usize, slice: &[bool]| {
            let counted = slice.iter().filter(|&&c| c).count();
            if !self.met(counted, slice.len()) {
                shortfalls.push(QuotaShortfall {
                    from: from + 1,
                    to: from + slice.len(),
                    counted,
                    required: self.required(slice.len()),
                    share: self.share,
                });
            }
        };
        run(0, counts);
        if let Some(block) = self.block.map(NonZeroUsize::get)
            && block < counts.len()
        {
            for (i, chunk) in counts.chunks(block).enumerate() {
                run(i * block, chunk);
            }
        }
        if shortfalls.is_empty() {
            Ok(())
        } else {
            Err(shortfalls)
        }
    }

    /// Whether `counted` of `len` meets the share, exactly: counted × den ≥ num × len.
    fn met(&self, counted: usize, len: usize) -> bool {
        let (num, den) = self.terms();
        counted as u128 * den >= num * len as u128
    }

    /// Numerator and denominator (a zero denominator is taken as 1, as [`Fraction::ratio`]
    /// does).
    fn terms(&self) -> (u128, u128) {
        (
            u128::from(self.share.numerator),
            u128::from(self.share.denominator.max(1)),
        )
    }
}

/// A run of places of a list that misses the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaShortfall {
    /// First place of the run, from 1 (places of the list as checked: after withdrawals, the
    /// remaining list closed up).
    pub from: usize,
    /// Last place of the run.
    pub to: usize,
    /// Women, young people and people with disabilities in the run.
    pub counted: usize,
    /// How many the quota requires there.
    pub required: usize,
    /// The quota's share.
    pub share: Fraction,
}

impl fmt::Display for QuotaShortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "places {}–{} have {} women, young people or people with disabilities, but a quota of {}% of {} places needs at least {}",
            self.from,
            self.to,
            self.counted,
            self.share.percent(),
            self.to + 1 - self.from,
            self.required
        )
    }
}

/// The rules for candidate lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRules {
    /// Least age on election day, in full years.
    pub min_age: u32,
    /// Least full years of permanent residence.
    pub min_residence_years: u32,
    /// A candidate younger than this on election day is "young" for the quota.
    pub young_below_age: u32,
    /// The quota, if any.
    pub quota: Option<ListQuota>,
}

impl ListRules {
    /// Kurultai 2026: citizen, 25 or older, 10 years of residence (BRIEF §2); a 30% quota of
    /// the whole list (BRIEF §5); "young" is under 29 (a configurable choice, see the module
    /// documentation).
    pub const KZ_2026: ListRules = ListRules {
        min_age: 25,
        min_residence_years: 10,
        young_below_age: 29,
        quota: Some(ListQuota::THIRTY_PERCENT),
    };
}

impl Default for ListRules {
    /// [`ListRules::KZ_2026`].
    fn default() -> Self {
        ListRules::KZ_2026
    }
}

/// Who ended a candidacy before the election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawnBy {
    /// The candidate withdrew: always accepted before the deadline, flagged if the quota is
    /// then missed.
    Candidate,
    /// The party recalled the candidate: refused if the quota would then be missed.
    Party,
}

impl fmt::Display for WithdrawnBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WithdrawnBy::Candidate => "the candidate withdrew",
            WithdrawnBy::Party => "the party recalled the candidate",
        })
    }
}

/// Whether a registered candidate still stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EntryStatus {
    /// On the list.
    Standing,
    /// Withdrawn before the election.
    Withdrawn {
        /// The date.
        on: NaiveDate,
        /// Who withdrew the candidacy.
        by: WithdrawnBy,
    },
}

/// A candidate on a registered list, as published: no IIN in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    /// Position on the list as submitted, from 1; never renumbered.
    pub position: usize,
    /// Full name.
    pub name: String,
    /// The IIN, masked.
    pub iin: MaskedIin,
    /// The keyed digest of the IIN, to find the same person on another list or among party
    /// members.
    pub digest: IinDigest,
    /// Sex, from the IIN.
    pub sex: Sex,
    /// Younger than [`ListRules::young_below_age`] on election day.
    pub young: bool,
    /// A person with a disability.
    pub disability: bool,
    /// Standing or withdrawn.
    pub status: EntryStatus,
}

impl ListEntry {
    /// A woman, a young person or a person with a disability: counts (once) for the quota.
    pub fn counts_for_quota(&self) -> bool {
        self.sex == Sex::Female || self.young || self.disability
    }

    /// Still on the list.
    pub fn is_standing(&self) -> bool {
        self.status == EntryStatus::Standing
    }
}

/// A registered candidate list, as recorded and published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredList {
    /// The short name of the party.
    pub party: String,
    /// The election day the list was checked for.
    pub election_day: NaiveDate,
    /// The candidates in list order.
    pub entries: Vec<ListEntry>,
}

impl RegisteredList {
    /// The standing candidates, in list order.
    pub fn standing(&self) -> impl Iterator<Item = &ListEntry> {
        self.entries.iter().filter(|e| e.is_standing())
    }

    /// The quota check of the standing candidates, closed up in list order.
    pub fn check_quota(&self, quota: &ListQuota) -> Result<(), Vec<QuotaShortfall>> {
        let counts: Vec<bool> = self.standing().map(ListEntry::counts_for_quota).collect();
        quota.check(&counts)
    }

    /// Applies an accepted [`Withdrawal`] (from [`withdraw`]) to this list.
    pub fn apply_withdrawal(&mut self, w: &Withdrawal) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.position == w.position) {
            e.status = EntryStatus::Withdrawn { on: w.on, by: w.by };
        }
    }
}

/// Why a candidate may not stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CandidateRefusal {
    /// No name given.
    MissingName,
    /// Not a citizen.
    NotCitizen,
    /// Younger than the minimum age on election day.
    TooYoung {
        /// The minimum age.
        min_age: u32,
        /// Election day.
        election_day: NaiveDate,
    },
    /// Too few years of permanent residence.
    ShortResidence {
        /// Years declared.
        years: u32,
        /// Years required.
        min_years: u32,
    },
    /// The same person is higher on this list.
    TwiceOnList {
        /// Their first position.
        first: usize,
    },
    /// The same person stands on another registered list.
    OnAnotherList {
        /// That list's party.
        party: String,
    },
}

impl fmt::Display for CandidateRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CandidateRefusal::MissingName => f.write_str("has no name on the list"),
            CandidateRefusal::NotCitizen => f.write_str("is not a citizen of Kazakhstan"),
            CandidateRefusal::TooYoung {
                min_age,
                election_day,
            } => write!(
                f,
                "is younger than {min_age} on election day {election_day}"
            ),
            CandidateRefusal::ShortResidence { years, min_years } => write!(
                f,
                "has {years} years of permanent residence in Kazakhstan, at least {min_years} are required"
            ),
            CandidateRefusal::TwiceOnList { first } => {
                write!(f, "is already on this list at position {first}")
            }
            CandidateRefusal::OnAnotherList { party } => write!(
                f,
                "already stands on the list of {party}; a person may stand on one list only"
            ),
        }
    }
}

/// A candidate refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateProblem {
    /// Position on the submitted list, from 1.
    pub position: usize,
    /// The candidate's IIN, masked.
    pub iin: MaskedIin,
    /// The candidate's name.
    pub name: String,
    /// Why.
    pub reason: CandidateRefusal,
}

impl fmt::Display for CandidateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "candidate {} ({}, {}) {}",
            self.position, self.iin, self.name, self.reason
        )
    }
}

/// One reason a candidate list is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListProblem {
    /// The list names no party.
    MissingParty,
    /// The list has no candidates.
    Empty,
    /// The party already has a registered list.
    PartyHasList,
    /// A candidate may not stand.
    Candidate(CandidateProblem),
    /// The list misses the quota here.
    Quota(QuotaShortfall),
}

impl fmt::Display for ListProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListProblem::MissingParty => f.write_str("the list does not name its party"),
            ListProblem::Empty => f.write_str("the list has no candidates; add at least one"),
            ListProblem::PartyHasList => f.write_str(
                "the party already has a registered list; withdraw candidates from it instead",
            ),
            ListProblem::Candidate(c) => write!(f, "{c}"),
            ListProblem::Quota(q) => write!(f, "{q}"),
        }
    }
}

/// Checks a submitted list against the rules and the lists already registered, for the election
/// on `election_day`; digests are made under `key`. Pure: the caller records the returned list.
///
/// Refused, with every problem listed, when the party is not named or already has a list (party
/// names compared ignoring case and spacing), the
/// list is empty, a candidate is not eligible (not a citizen, too young, too short a
/// residence, no name), a person is on the list twice or stands on another registered list
/// (standing candidates only), or the quota is missed.
pub fn check_list(
    list: &CandidateList,
    registered: &[RegisteredList],
    rules: &ListRules,
    election_day: NaiveDate,
    key: &DigestKey,
) -> Result<RegisteredList, PartyError> {
    let mut problems = Vec::new();
    if list.party.trim().is_empty() {
        problems.push(ListProblem::MissingParty);
    } else if registered.iter().any(|r| same_name(&r.party, &list.party)) {
        problems.push(ListProblem::PartyHasList);
    }
    if list.candidates.is_empty() {
        problems.push(ListProblem::Empty);
    }
    let elsewhere: HashMap<&IinDigest, &str> = registered
        .iter()
        .filter(|r| !same_name(&r.party, &list.party))
        .flat_map(|r| r.standing().map(|e| (&e.digest, r.party.as_str())))
        .collect();
    let mut first_position: HashMap<Iin, usize> = HashMap::new();
    let mut entries = Vec::with_capacity(list.candidates.len());
    for (i, c) in list.candidates.iter().enumerate() {
        let position = i + 1;
        let mut refuse = |reason| {
            problems.push(ListProblem::Candidate(CandidateProblem {
                position,
                iin: (&c.iin).into(),
                name: c.name.clone(),
                reason,
            }))
        };
        if c.name.trim().is_empty() {
            refuse(CandidateRefusal::MissingName);
        }
        if !c.citizen {
            refuse(CandidateRefusal::NotCitizen);
        }
        let age = c.iin.age_on(election_day);
        if age.is_none_or(|a| a < rules.min_age) {
            refuse(CandidateRefusal::TooYoung {
                min_age: rules.min_age,
                election_day,
            });
        }
        if c.permanent_residence_years < rules.min_residence_years {
            refuse(CandidateRefusal::ShortResidence {
                years: c.permanent_residence_years,
                min_years: rules.min_residence_years,
            });
        }
        if let Some(&first) = first_position.get(&c.iin) {
            refuse(CandidateRefusal::TwiceOnList { first });
        } else {
            first_position.insert(c.iin, position);
        }
        let digest = c.iin.digest(key);
        if let Some(party) = elsewhere.get(&digest) {
            refuse(CandidateRefusal::OnAnotherList {
                party: (*party).to_owned(),
            });
        }
        entries.push(ListEntry {
            position,
            name: c.name.trim().to_owned(),
            iin: (&c.iin).into(),
            digest,
            sex: c.iin.sex(),
            young: age.is_none_or(|a| a < rules.young_below_age),
            disability: c.disability,
            status: EntryStatus::Standing,
        });
    }
    let registered_list = RegisteredList {
        party: list.party.trim().to_owned(),
        election_day,
        entries,
    };
    if let Some(quota) = &rules.quota
        && let Err(shortfalls) = registered_list.check_quota(quota)
    {
        problems.extend(shortfalls.into_iter().map(ListProblem::Quota));
    }
    if problems.is_empty() {
        Ok(registered_list)
    } else {
        Err(PartyError::ListRefused {
            party: list.party.clone(),
            problems,
        })
    }
}

/// Which candidate of a list: by position, or by the digest of their IIN
/// (`iin.digest(key)`), so that a request never needs the IIN in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateRef {
    /// Position on the list as submitted, from 1.
    Position(usize),
    /// The keyed digest of the candidate's IIN.
    Digest(IinDigest),
}

impl fmt::Display for CandidateRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CandidateRef::Position(p) => write!(f, "position {p}"),
            CandidateRef::Digest(d) => {
                write!(f, "the candidate with digest {}…", &d.as_str()[..12])
            }
        }
    }
}

/// An accepted withdrawal, to record and then apply with [`RegisteredList::apply_withdrawal`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The party.
    pub party: String,
    /// The candidate's position on the list.
    pub position: usize,
    /// The date.
    pub on: NaiveDate,
    /// Who withdrew the candidacy.
    pub by: WithdrawnBy,
    /// Where the remaining list misses the quota; empty when it meets it. Only a candidate's
    /// own withdrawal can leave this non-empty: it flags the list for the commission.
    pub quota_shortfalls: Vec<QuotaShortfall>,
}

impl Withdrawal {
    /// Whether the remaining list misses the quota and needs the commission's attention.
    pub fn flagged(&self) -> bool {
        !self.quota_shortfalls.is_empty()
    }
}

/// Decides a withdrawal on `on` with withdrawals open until `deadline` (inclusive). Pure: the
/// caller records the returned [`Withdrawal`]. See the module documentation for the rule on the
/// quota.
pub fn withdraw(
    list: &RegisteredList,
    who: &CandidateRef,
    by: WithdrawnBy,
    on: NaiveDate,
    deadline: NaiveDate,
    rules: &ListRules,
) -> Result<Withdrawal, PartyError> {
    let entry = list
        .entries
        .iter()
        .find(|e| match who {
            CandidateRef::Position(p) => e.position == *p,
            CandidateRef::Digest(d) => e.digest == *d,
        })
        .ok_or_else(|| PartyError::NotOnList {
            party: list.party.clone(),
            who: who.to_string(),
        })?;
    if let EntryStatus::Withdrawn { on: earlier, .. } = entry.status {
        return Err(PartyError::AlreadyWithdrawn {
            party: list.party.clone(),
            position: entry.position,
            on: earlier,
        });
    }
    if on > deadline {
        return Err(PartyError::WithdrawalAfterDeadline {
            party: list.party.clone(),
            position: entry.position,
            on,
            deadline,
        });
    }
    let mut after = list.clone();
    let mut withdrawal = Withdrawal {
        party: list.party.clone(),
        position: entry.position,
        on,
        by,
        quota_shortfalls: Vec::new(),
    };
    after.apply_withdrawal(&withdrawal);
    if let Some(quota) = &rules.quota
        && let Err(shortfalls) = after.check_quota(quota)
    {
        if by == WithdrawnBy::Party {
            return Err(PartyError::WithdrawalBreaksQuota {
                party: list.party.clone(),
                position: entry.position,
                shortfalls,
            });
        }
        withdrawal.quota_shortfalls = shortfalls;
    }
    Ok(withdrawal)
}

/// Why a deputy's mandate ends (BRIEF §2), or why an elected candidate does not take it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MandateEnd {
    /// The elected candidate refused the mandate.
    Refused,
    /// The deputy left the party whose list elected them.
    LeftParty,
    /// The deputy was expelled from that party.
    Expelled,
    /// That party ceased to exist.
    PartyDissolved,
    /// The deputy moved abroad to live.
    MovedAbroad,
    /// The deputy lost citizenship of Kazakhstan.
    LostCitizenship,
    /// The deputy was convicted by a court judgment that has entered into force.
    Convicted,
}

impl MandateEnd {
    /// Every ground, in the order above.
    pub const ALL: [MandateEnd; 7] = [
        MandateEnd::Refused,
        MandateEnd::LeftParty,
        MandateEnd::Expelled,
        MandateEnd::PartyDissolved,
        MandateEnd::MovedAbroad,
        MandateEnd::LostCitizenship,
        MandateEnd::Convicted,
    ];

    /// Whether the seat passes to the next candidate on the same list: always, except when the
    /// party has ceased to exist and its list with it.
    pub fn seat_passes_on(self) -> bool {
        self != MandateEnd::PartyDissolved
    }
}

impl fmt::Display for MandateEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MandateEnd::Refused => "refused the mandate",
            MandateEnd::LeftParty => "left the party whose list elected them",
            MandateEnd::Expelled => "was expelled from the party whose list elected them",
            MandateEnd::PartyDissolved => "the party whose list elected them ceased to exist",
            MandateEnd::MovedAbroad => "moved abroad to live",
            MandateEnd::LostCitizenship => "lost citizenship of Kazakhstan",
            MandateEnd::Convicted => "was convicted by a court judgment in force",
        })
    }
}

/// The candidates who take a list's `seats` seats: the first `seats` standing candidates in
/// list order (fewer if the list runs out; the caller sees the shortfall in the length).
pub fn fill_seats(list: &RegisteredList, seats: usize) -> Vec<&ListEntry> {
    list.standing().take(seats).collect()
}

/// The next standing candidate in list order whose position is not in `called`.
///
/// `called` holds the position of everyone already called to a seat from this list: those who
/// hold one, those whose mandate has ended (they are not called again), those who refused it,
/// and any candidate who may no longer be called.
pub fn next_on_list<'a>(list: &'a RegisteredList, called: &[usize]) -> Option<&'a ListEntry> {
    list.standing().find(|e| !called.contains(&e.position))
}

/// Who takes a seat from `list` after a mandate ends on `ground`: [`next_on_list`], or nobody
/// when the party has ceased to exist ([`MandateEnd::seat_passes_on`]). `called` must include
/// the deputy whose mandate ended.
pub fn successor<'a>(
    list: &'a RegisteredList,
    called: &[usize],
    ground: MandateEnd,
) -> Option<&'a ListEntry> {
    if ground.seat_passes_on() {
        next_on_list(list, called)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_is_the_ceiling_of_share_times_length() {
        let q = ListQuota::THIRTY_PERCENT;
        assert_eq!(q.required(10), 3);
        assert_eq!(q.required(11), 4);
        assert_eq!(q.required(1), 1);
        assert_eq!(q.required(0), 0);
        assert_eq!(q.required(145), 44);
    }

    #[test]
    fn blocks_cover_the_list_and_the_last_block_is_proportional() {
        let q = ListQuota {
            block: NonZeroUsize::new(10),
            ..ListQuota::THIRTY_PERCENT
        };
        // 12 places, 4 counted, all in the first block: the whole list passes (4 ≥ 3.6),
        // places 11–12 need 1 (0.6 rounded up) and have none.
        let mut counts = vec![false; 12];
        counts[..4].fill(true);
        let err = q.check(&counts).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((err[0].from, err[0].to, err[0].required), (11, 12, 1));
    }
}
