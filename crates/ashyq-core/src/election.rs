//! Party-list elections to the Kurultai: the election definition, the party-list precinct
//! protocol with its control ratios, and exact national and regional totals.
//!
//! An election is a *contest* like a referendum: its id lives in the same namespace (one id,
//! one contest), its precinct protocols go through the same [`ProtocolBook`] rules (receipts,
//! conflicts, amendments, dismissals), and its decisions live in the [`Ledger`]. What differs
//! is the ballot — one line per party with a registered list, in the order the lists were
//! registered, and optionally "against all" — and what the count ends in: seats
//! ([`crate::seats`]) and the deputies who take them ([`crate::party::list`]).
//!
//! [`ProtocolBook`]: crate::ledger::ProtocolBook
//! [`Ledger`]: crate::ledger::Ledger

pub mod scenario;

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::contest::ContestId;
use crate::contest::ContestProtocol;
use crate::party::list::ListRules;
use crate::protocol::BallotLines;
use crate::protocol::{self, ControlRule, ProtocolCheck, ProtocolLines, Severity, Violation};
use crate::seats::{AllocationError, AllocationRules, PartyVotes, TieSeed};
use crate::territory::{PrecinctId, RegionCode};

/// The definition of a party-list election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionDefinition {
    /// The contest id, e.g. `kurultai-2026`. Shared namespace with referendums.
    pub id: ContestId,
    /// Its title.
    pub title: String,
    /// Voting day.
    pub election_day: NaiveDate,
    /// Polls close (local time); protocols are accepted from then on.
    pub polls_close: NaiveTime,
    /// Local time as an offset from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// House size, threshold and its base, and the method.
    pub rules: AllocationRules,
    /// Whether the ballot has an "against all" line.
    pub against_all: bool,
    /// The rules for candidate lists.
    pub list_rules: ListRules,
    /// The last day a candidate may withdraw or be recalled.
    pub withdrawal_deadline: NaiveDate,
    /// SHA-256 (hex) of the tie-break seed, published before the count; the seed itself is
    /// revealed with the allocation and checked against it.
    pub tie_seed_sha256: String,
}

impl ElectionDefinition {
    /// The Kurultai under the 2026 Constitution: 145 seats, 5% of all valid ballots with
    /// "against all", Hare largest remainder (the method that reproduces 2023, see
    /// `docs/seats.md`), list rules [`ListRules::KZ_2026`].
    pub fn kurultai(
        id: ContestId,
        election_day: NaiveDate,
        withdrawal_deadline: NaiveDate,
        tie_seed: &TieSeed,
    ) -> Self {
        ElectionDefinition {
            id,
            title: "Elections to the Kurultai".into(),
            election_day,
            polls_close: NaiveTime::from_hms_opt(20, 0, 0).expect("a valid time"),
            utc_offset_minutes: 5 * 60,
            rules: AllocationRules::kurultai(crate::seats::Method::Hare),
            against_all: true,
            list_rules: ListRules::KZ_2026,
            withdrawal_deadline,
            tie_seed_sha256: seed_commitment(tie_seed),
        }
    }

    /// When the polls close, in UTC.
    pub fn polls_close_utc(&self) -> chrono::DateTime<chrono::Utc> {
        crate::referendum::local_to_utc(
            self.election_day,
            self.polls_close,
            self.utc_offset_minutes,
        )
    }

    /// Checks the definition.
    pub fn validate(&self) -> Result<(), ElectionError> {
        let bad = |why: String| Err(ElectionError::InvalidDefinition(why));
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return bad(format!(
                "the UTC offset must be between -840 and 840 minutes, not {}",
                self.utc_offset_minutes
            ));
        }
        if self.title.trim().is_empty() {
            return bad("the title is empty".into());
        }
        if self.rules.seats == 0 || self.rules.seats > crate::seats::MAX_SEATS {
            return bad(format!(
                "the house size must be 1 to {}, not {}",
                crate::seats::MAX_SEATS,
                self.rules.seats
            ));
        }
        if self.rules.threshold.numerator > self.rules.threshold.denominator
            || self.rules.threshold.denominator == 0
        {
            return bad("the threshold must be a share between 0% and 100%".into());
        }
        if self.withdrawal_deadline >= self.election_day {
            return bad(format!(
                "withdrawals must close before election day ({} is not before {})",
                self.withdrawal_deadline, self.election_day
            ));
        }
        let hex = &self.tie_seed_sha256;
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return bad(
                "tie_seed_sha256 must be the SHA-256 of the seed as 64 lowercase hex digits (e.g. `printf %s SEED | sha256sum`)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// The SHA-256 (hex) of a tie seed's text: what an election publishes before the count.
pub fn seed_commitment(seed: &TieSeed) -> String {
    crate::chain::sha256_hex(seed.as_str().as_bytes())
}

/// A precinct protocol of a party-list election.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyListProtocol {
    /// The election.
    pub election: ContestId,
    /// The precinct.
    pub precinct: PrecinctId,
    /// Lines 1–8.
    pub ballots: BallotLines,
    /// Valid ballots for each party, in ballot order, every party on the ballot once.
    pub votes: Vec<PartyVotes>,
    /// Valid ballots marked "against all" (0 when the ballot has no such line).
    pub against_all: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

impl ContestProtocol for PartyListProtocol {
    fn contest(&self) -> &ContestId {
        &self.election
    }
    fn precinct(&self) -> PrecinctId {
        self.precinct
    }
}

impl PartyListProtocol {
    /// SHA-256 over the canonical JSON encoding, hex encoded.
    pub fn content_hash(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("a protocol always serializes");
        crate::chain::sha256_hex(&bytes)
    }

    /// Reads one protocol or an array of them from JSON.
    pub fn parse_json(text: &str) -> Result<Vec<PartyListProtocol>, ElectionError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ElectionError::Malformed(e.to_string()))?;
        let result = if value.is_array() {
            serde_json::from_value(value)
        } else {
            serde_json::from_value(value).map(|p| vec![p])
        };
        result.map_err(|e| ElectionError::Malformed(e.to_string()))
    }

    /// Checks the protocol against the ballot (`parties` in ballot order, `against_all` when
    /// the ballot has that line) and runs the control ratios.
    ///
    /// The ballot rules are those of the referendum protocol (KR-0 to KR-5, KW-1, KW-2) with
    /// KR-4 read for this ballot: `ballots_found = Σ party votes + against_all + invalid`.
    pub fn check(
        &self,
        parties: &[&str],
        against_all: bool,
    ) -> Result<ProtocolCheck, ElectionError> {
        let named: Vec<&str> = self.votes.iter().map(|v| v.party.as_str()).collect();
        if named != parties {
            return Err(ElectionError::BallotMismatch {
                precinct: self.precinct,
                expected: parties.iter().map(|s| s.to_string()).collect(),
                found: named.iter().map(|s| s.to_string()).collect(),
            });
        }
        if !against_all && self.against_all > 0 {
            return Err(ElectionError::NoAgainstAllLine(self.precinct));
        }
        let lines = self.votes.iter().map(|v| (v.party.as_str(), v.votes));
        Ok(check_ballot_lines(
            &self.ballots,
            lines,
            self.against_all,
            self.invalid,
        ))
    }
}

/// The control ratios of a protocol whose ballot has one line per choice (a party, a
/// candidate), an "against all" line and the invalid ballots: the ballot rules of the
/// referendum protocol (KR-0 to KR-5, KW-1, KW-2) over lines 1–8, with KR-4 read for this
/// ballot: `ballots_found = Σ choice lines + against_all + invalid`
/// ([`ControlRule::ListBallotsCounted`]). Shared by the party-list and the presidential
/// protocols.
pub fn check_ballot_lines<'a>(
    b: &BallotLines,
    choices: impl Iterator<Item = (&'a str, u64)> + Clone,
    against_all: u64,
    invalid: u64,
) -> ProtocolCheck {
    let over: Vec<String> = choices
        .clone()
        .chain([("against_all", against_all), ("invalid", invalid)])
        .filter(|(_, v)| *v > protocol::MAX_LINE)
        .map(|(n, v)| format!("{n} = {v}"))
        .collect();
    // The ballot rules of the referendum protocol over lines 1–8; its KR-4 does not apply
    // (the count lines differ) and is replaced below.
    let lines = ProtocolLines {
        ballots: *b,
        ..ProtocolLines::default()
    };
    let mut check = protocol::check(&lines);
    check
        .errors
        .retain(|v| v.rule != ControlRule::FoundBallotsCounted);
    if !over.is_empty() {
        let detail = format!("{} exceeds {}", over.join(", "), protocol::MAX_LINE);
        match check.errors.first_mut() {
            Some(v) if v.rule == ControlRule::LinesWithinBounds => {
                v.detail = format!("{}; {detail}", v.detail);
            }
            _ => check.errors.insert(
                0,
                Violation {
                    rule: ControlRule::LinesWithinBounds,
                    severity: Severity::Error,
                    detail,
                },
            ),
        }
    }
    // Out-of-bounds lines make the sums meaningless: stop there, as `protocol::check` does.
    if check.errors.first().map(|v| v.rule) == Some(ControlRule::LinesWithinBounds) {
        check.errors.truncate(1);
        check.warnings.clear();
        return check;
    }
    // Every line is now at most MAX_LINE, so the sum of the ballot's lines fits in u64.
    let choice_sum: u64 = choices.map(|(_, v)| v).sum();
    let counted = choice_sum + against_all + invalid;
    if b.ballots_found != counted {
        check.errors.push(Violation {
            rule: ControlRule::ListBallotsCounted,
            severity: Severity::Error,
            detail: format!(
                "{} ≠ {choice_sum} + {against_all} + {invalid} = {counted}",
                b.ballots_found
            ),
        });
    }
    check
}

/// The totals of a party-list election over some precincts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ElectionTotals {
    /// Precincts in the unit.
    pub precincts: u64,
    /// Precincts with an applied protocol.
    pub precincts_reported: u64,
    /// Lines 1–8 summed over the reported precincts.
    pub ballots: BallotLines,
    /// Votes per party, in ballot order.
    pub votes: Vec<PartyVotes>,
    /// "Against all".
    pub against_all: u64,
    /// Invalid ballots.
    pub invalid: u64,
}

impl ElectionTotals {
    /// Empty totals for a ballot.
    pub fn new(parties: &[&str]) -> Self {
        ElectionTotals {
            votes: parties.iter().map(|p| PartyVotes::new(*p, 0)).collect(),
            ..ElectionTotals::default()
        }
    }

    /// Adds one precinct's protocol (already checked against the ballot).
    pub fn add(&mut self, p: &PartyListProtocol) {
        self.precincts_reported += 1;
        self.ballots.add(&p.ballots);
        for (t, v) in self.votes.iter_mut().zip(&p.votes) {
            t.votes += v.votes;
        }
        self.against_all += p.against_all;
        self.invalid += p.invalid;
    }

    /// Whether every precinct reported.
    pub fn complete(&self) -> bool {
        self.precincts_reported == self.precincts
    }
}

/// A first-level unit's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionElectionTotals {
    /// The region code.
    pub code: RegionCode,
    /// Its name.
    pub name: String,
    /// The totals.
    pub totals: ElectionTotals,
}

/// Why an election command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    /// The definition is not valid.
    #[error("the election definition is not valid: {0}")]
    InvalidDefinition(String),
    /// Not a party-list protocol document.
    #[error(
        "not a valid party-list protocol: {0}. Expected {{\"election\": ID, \"precinct\": N, \"ballots\": {{lines 1–8}}, \"votes\": [{{\"party\": NAME, \"votes\": N}}, …], \"against_all\": N, \"invalid\": N}}"
    )]
    Malformed(String),
    /// The parties of a protocol are not the ballot.
    #[error(
        "precinct {precinct}: the protocol lists the parties {found:?} but the ballot is {expected:?}; give one line per party on the ballot, in ballot order"
    )]
    BallotMismatch {
        /// The precinct.
        precinct: PrecinctId,
        /// The ballot.
        expected: Vec<String>,
        /// What the protocol lists.
        found: Vec<String>,
    },
    /// An "against all" count on a ballot without that line.
    #[error(
        "precinct {0}: this election's ballot has no \"against all\" line; against_all must be 0"
    )]
    NoAgainstAllLine(PrecinctId),
    /// A party without a registered party record.
    #[error("{0} is not a registered party; register the party first (`ashyq party register`)")]
    UnregisteredParty(String),
    /// The ballot is fixed once the first protocol arrived.
    #[error(
        "the ballot of {0} is fixed: protocols have been recorded, so no list can be added or withdrawn"
    )]
    BallotFixed(ContestId),
    /// No list of that party in the election.
    #[error("{party} has no candidate list in {election}")]
    NoList {
        /// The election.
        election: ContestId,
        /// The party.
        party: String,
    },
    /// The election is not final yet.
    #[error(
        "the seats of {election} cannot be allocated yet: {missing} precincts have not reported and {conflicts} conflicts are open"
    )]
    NotFinal {
        /// The election.
        election: ContestId,
        /// Precincts missing.
        missing: u64,
        /// Open conflicts.
        conflicts: u64,
    },
    /// The revealed seed is not the one committed to.
    #[error(
        "the tie seed does not match the commitment published with the election (SHA-256 {committed}); reveal exactly the published seed"
    )]
    SeedMismatch {
        /// The committed hash.
        committed: String,
    },
    /// Seats were already allocated.
    #[error("the seats of {0} are already allocated; the result is locked")]
    Allocated(ContestId),
    /// Seats are not allocated yet.
    #[error("the seats of {0} are not allocated yet")]
    NotAllocated(ContestId),
    /// The allocation failed.
    #[error(transparent)]
    Allocation(#[from] AllocationError),
    /// Not a deputy now.
    #[error("candidate {position} of {party} does not hold a mandate in {election}")]
    NotADeputy {
        /// The election.
        election: ContestId,
        /// The party.
        party: String,
        /// The list position.
        position: usize,
    },
}

/// A mandate held (or once held) by a list candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deputy {
    /// The party whose list elected them.
    pub party: String,
    /// Position on the list.
    pub position: usize,
    /// Name.
    pub name: String,
    /// The IIN, masked.
    pub iin: crate::iin::MaskedIin,
}

impl fmt::Display for Deputy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} #{})", self.name, self.party, self.position)
    }
}
