//! Proportional seat allocation for a house elected in one nationwide district, such as the
//! 145-seat Kurultai: a threshold, then one of eight apportionment methods, computed exactly.
//!
//! Everything that decides a seat is integer arithmetic: quotas, remainders and quotients are
//! compared by cross-multiplication in `u128`, never rounded. (A floating-point version of the
//! same methods, [`float::allocate_f64`], exists only as the benchmark baseline.)
//!
//! The steps, in order (details and formulas in `docs/seats.md`):
//!
//! 1. **Validation**: at least one seat and at most [`MAX_SEATS`]; at least one party; names
//!    non-empty and unique; no party called "against all"; all lines together at most
//!    [`MAX_TOTAL_VOTES`]; a threshold between 0 and 100%.
//! 2. **Threshold**: the base is either every valid ballot *including* "against all"
//!    ([`ThresholdBase::AllValid`], as in the 2023 Mazhilis election) or the party votes only
//!    ([`ThresholdBase::PartyVotes`]). A party qualifies if it has at least one vote and
//!    `votes / base ≥ threshold` — "at least 5%", so exactly 5% qualifies.
//! 3. **Allocation** among the qualified parties only, over their votes `V` (the votes of
//!    parties below the threshold and "against all" are not in `V`): see [`Method`].
//! 4. **Ties** at the last seat(s): equal quotient (or remainder) → more votes wins → a draw
//!    from the [`TieSeed`] published before the count. Every tie that decided a seat is
//!    reported as a [`TieBreak`]; a draw without a seed is an error, never a silent choice.
//!
//! ```
//! use ashyq_core::seats::{allocate, AllocationRules, Method, PartyVotes};
//!
//! // The 2023 Mazhilis party-list election: 69 seats, 5% of all valid ballots.
//! let parties = [
//!     PartyVotes::new("Amanat", 3_431_510),
//!     PartyVotes::new("Auyl", 693_938),
//!     PartyVotes::new("Respublica", 547_154),
//!     PartyVotes::new("Aq Jol", 535_139),
//!     PartyVotes::new("People's Party of Kazakhstan", 432_920),
//!     PartyVotes::new("National Social Democratic Party", 331_058),
//!     PartyVotes::new("Baytaq", 146_431),
//! ];
//! let rules = AllocationRules { seats: 69, ..AllocationRules::kurultai(Method::Hare) };
//! let result = allocate(&rules, &parties, 248_291, None).unwrap();
//! assert_eq!(result.seats_of("Amanat"), Some(40));
//! assert_eq!(result.seats_of("Baytaq"), Some(0));
//! ```

use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::share::{Fraction, Share};

pub mod float;
pub mod hemicycle;
pub mod input;
mod methods;

pub use input::{VotesFileError, VotesTable, parse_votes_csv};

/// The Kurultai's size under the 2026 Constitution: 145 deputies.
pub const KURULTAI_SEATS: u32 = 145;

/// The 5% threshold of the Kazakh election law ("at least 5%").
pub const FIVE_PERCENT: Fraction = Fraction {
    numerator: 1,
    denominator: 20,
};

/// The most votes all lines together may add up to: 10,000,000,000, more people than live on
/// Earth. It keeps every product in the allocation inside `u128` (Huntington–Hill compares
/// `votes² · n(n+1)`, at most `10^20 · 10^12`).
pub const MAX_TOTAL_VOTES: u64 = 10_000_000_000;

/// The largest house accepted: 1,000,000 seats.
pub const MAX_SEATS: u32 = 1_000_000;

/// One party's (or list's) votes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartyVotes {
    /// The party's name as it appears on the ballot; unique, not empty.
    pub party: String,
    /// Valid votes for its list.
    pub votes: u64,
}

impl PartyVotes {
    /// A party and its votes.
    pub fn new(party: impl Into<String>, votes: u64) -> Self {
        PartyVotes {
            party: party.into(),
            votes,
        }
    }
}

/// An apportionment method. `FromStr`, `Display` and serde use the CLI names.
///
/// `V` is the total vote of the qualified parties, `S` the house size, `v` a party's votes and
/// `n` the seats it already holds.
///
/// Largest-remainder methods give each party `⌊v / q⌋` seats for a quota `q`, then the seats
/// left over, one each, to the largest remainders (if more seats are left than there are
/// parties — possible only with Droop and very few votes — every party gets one per full round
/// and the ranking is used again for the rest). Divisor methods give the seats one at a time
/// to the largest quotient `v / d(n)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// Largest remainder with the Hare quota `q = V / S`, an exact rational (CLI: `hare`). The
    /// law of Kazakhstan: the "electoral quotient" is the qualified votes divided by the seats.
    #[serde(rename = "hare")]
    Hare,
    /// Largest remainder with the Droop quota `q = ⌊V / (S + 1)⌋ + 1`, an integer
    /// (CLI: `droop`). Because `q > V/(S+1)`, the quota seats `Σ⌊v/q⌋ ≤ V/q < S + 1` never
    /// exceed `S`.
    #[serde(rename = "droop")]
    Droop,
    /// D'Hondt (Jefferson): divisors 1, 2, 3, … (`d(n) = n + 1`) (CLI: `dhondt`).
    #[serde(rename = "dhondt")]
    DHondt,
    /// Sainte-Laguë (Webster): divisors 1, 3, 5, … (`d(n) = 2n + 1`) (CLI: `sainte-lague`).
    #[serde(rename = "sainte-lague")]
    SainteLague,
    /// Modified Sainte-Laguë: divisors 1.4, 3, 5, 7, … (CLI: `modified-sainte-lague`).
    #[serde(rename = "modified-sainte-lague")]
    ModifiedSainteLague,
    /// Adams: divisors 0, 1, 2, … (`d(n) = n`): every qualified party gets one seat first, so
    /// more qualified parties than seats is an error
    /// ([`AllocationError::MoreQualifiedPartiesThanSeats`]) (CLI: `adams`).
    #[serde(rename = "adams")]
    Adams,
    /// Huntington–Hill: `d(n) = √(n(n+1))`, so `d(0) = 0` and, as with Adams, every qualified
    /// party gets one seat first. Quotients are compared exactly as `v_a² · n_b(n_b+1)` against
    /// `v_b² · n_a(n_a+1)` (CLI: `huntington-hill`).
    #[serde(rename = "huntington-hill")]
    HuntingtonHill,
    /// Imperiali as a divisor method: divisors 2, 3, 4, … (`d(n) = n + 2`) (CLI: `imperiali`).
    /// Not the Imperiali *quota* `V/(S+2)` of largest remainder.
    #[serde(rename = "imperiali")]
    Imperiali,
}

impl Method {
    /// All methods, in the order of the documentation.
    pub const ALL: [Method; 8] = [
        Method::Hare,
        Method::Droop,
        Method::DHondt,
        Method::SainteLague,
        Method::ModifiedSainteLague,
        Method::Adams,
        Method::HuntingtonHill,
        Method::Imperiali,
    ];

    /// The CLI name, e.g. `"sainte-lague"`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Hare => "hare",
            Method::Droop => "droop",
            Method::DHondt => "dhondt",
            Method::SainteLague => "sainte-lague",
            Method::ModifiedSainteLague => "modified-sainte-lague",
            Method::Adams => "adams",
            Method::HuntingtonHill => "huntington-hill",
            Method::Imperiali => "imperiali",
        }
    }

    /// A description for people, e.g. `"largest remainder, Hare quota V/S"`.
    pub fn description(self) -> &'static str {
        match self {
            Method::Hare => "largest remainder, Hare quota V/S",
            Method::Droop => "largest remainder, Droop quota floor(V/(S+1))+1",
            Method::DHondt => "D'Hondt, divisors 1, 2, 3, …",
            Method::SainteLague => "Sainte-Laguë, divisors 1, 3, 5, …",
            Method::ModifiedSainteLague => "modified Sainte-Laguë, divisors 1.4, 3, 5, …",
            Method::Adams => "Adams, divisors 0, 1, 2, …",
            Method::HuntingtonHill => "Huntington–Hill, divisors √(n(n+1))",
            Method::Imperiali => "Imperiali, divisors 2, 3, 4, …",
        }
    }

    /// Whether this is a largest-remainder (quota) method rather than a divisor method.
    pub fn is_largest_remainder(self) -> bool {
        matches!(self, Method::Hare | Method::Droop)
    }

    /// Whether every qualified party gets a seat before any gets a second (divisor 0 first).
    pub fn first_seat_for_all(self) -> bool {
        matches!(self, Method::Adams | Method::HuntingtonHill)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = AllocationError;

    /// Accepts the CLI names, case-insensitively, with `_` for `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Method::ALL
            .into_iter()
            .find(|m| m.name() == wanted)
            .ok_or_else(|| AllocationError::UnknownMethod(s.to_owned()))
    }
}

/// What the threshold is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThresholdBase {
    /// Every ballot with a valid choice, *including* "against all" (the 2023 Mazhilis rule)
    /// (CLI: `all-valid`).
    AllValid,
    /// The votes for parties only, without "against all" (CLI: `party-votes`).
    PartyVotes,
}

impl ThresholdBase {
    /// The CLI name.
    pub fn name(self) -> &'static str {
        match self {
            ThresholdBase::AllValid => "all-valid",
            ThresholdBase::PartyVotes => "party-votes",
        }
    }
}

impl fmt::Display for ThresholdBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ThresholdBase {
    type Err = AllocationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "all-valid" => Ok(ThresholdBase::AllValid),
            "party-votes" => Ok(ThresholdBase::PartyVotes),
            _ => Err(AllocationError::UnknownBase(s.to_owned())),
        }
    }
}

/// The rules of one allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationRules {
    /// House size `S`, 1 to [`MAX_SEATS`].
    pub seats: u32,
    /// A party qualifies if `votes / base ≥ threshold` (and it has at least one vote).
    pub threshold: Fraction,
    /// What the threshold is a share of.
    pub base: ThresholdBase,
    /// The apportionment method.
    pub method: Method,
}

impl AllocationRules {
    /// The Kurultai: 145 seats, 5% of all valid ballots including "against all".
    pub fn kurultai(method: Method) -> Self {
        AllocationRules {
            seats: KURULTAI_SEATS,
            threshold: FIVE_PERCENT,
            base: ThresholdBase::AllValid,
            method,
        }
    }
}

/// The seed for tie-breaking draws, published before the count (e.g. the digits of a
/// televised lottery draw, or the hash of the last log entry before polls closed).
///
/// A draw orders the tied parties by their ticket `SHA-256(seed "\n" seat "\n" party)` — the
/// UTF-8 text of the seed, a newline, the first contested seat number in decimal, a newline,
/// the party's name — lowest ticket first. Anyone can recompute a ticket, e.g.
/// `printf '%s\n%s\n%s' "$SEED" 145 "Party" | sha256sum`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TieSeed(String);

impl TieSeed {
    /// A seed from its published text; it must not be empty.
    pub fn new(text: impl Into<String>) -> Result<Self, AllocationError> {
        let text = text.into();
        if text.is_empty() {
            return Err(AllocationError::EmptySeed);
        }
        Ok(TieSeed(text))
    }

    /// The seed's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The draw ticket of `party` for a draw whose first contested seat is `seat`, in hex.
    pub fn ticket(&self, seat: u32, party: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.0.as_bytes());
        h.update(b"\n");
        h.update(seat.to_string().as_bytes());
        h.update(b"\n");
        h.update(party.as_bytes());
        hex::encode(h.finalize())
    }
}

impl TryFrom<String> for TieSeed {
    type Error = AllocationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TieSeed::new(s)
    }
}

impl From<TieSeed> for String {
    fn from(s: TieSeed) -> String {
        s.0
    }
}

/// What was equal in a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieOn {
    /// Equal quotients `v / d(n)` (divisor methods).
    Quotient,
    /// Equal remainders (largest-remainder methods).
    Remainder,
}

/// How a tie was broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieRule {
    /// The tied parties with more votes got the seats.
    MoreVotes,
    /// The tied parties also had equal votes: a draw from the [`TieSeed`].
    Draw,
}

/// A party's ticket in a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawTicket {
    /// The party.
    pub party: String,
    /// `SHA-256(seed "\n" first_seat "\n" party)` in hex; see [`TieSeed`].
    pub sha256: String,
}

/// A tie that decided who got the last seat(s), for the event log.
///
/// Only ties that straddle the last seat are reported: parties tied for seats that all of them
/// get anyway decide nothing. A draw also produces a [`TieRule::MoreVotes`] record first when
/// some of the parties with an equal quotient were separated by votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieBreak {
    /// The first contested seat number (seats are numbered 1..=S in the order they are given).
    pub first_seat: u32,
    /// How many seats were contested (seats `first_seat ..= S`).
    pub seats: u32,
    /// What was equal.
    pub equal: TieOn,
    /// The tied parties, in input order.
    pub tied: Vec<String>,
    /// The rule that decided.
    pub rule: TieRule,
    /// The parties that got the contested seats, in input order.
    pub winners: Vec<String>,
    /// For a draw: every tied party's ticket, in draw order (lowest first); else empty.
    pub tickets: Vec<DrawTicket>,
}

/// One party in a [`SeatAllocation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyResult {
    /// The party.
    pub party: String,
    /// Its votes.
    pub votes: u64,
    /// Its exact share of the threshold base.
    pub share: Share,
    /// Whether it reached the threshold.
    pub qualified: bool,
    /// Seats won.
    pub seats: u32,
}

/// The result of [`allocate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatAllocation {
    /// The rules applied.
    pub rules: AllocationRules,
    /// The threshold base: all lines including "against all", or the party votes only.
    pub base_votes: u64,
    /// The votes of the qualified parties, `V`, over which the seats are allocated.
    pub qualified_votes: u64,
    /// The "against all" votes (never seats).
    pub against_all: u64,
    /// The share of "against all" in all valid ballots (party votes and "against all"),
    /// whatever the threshold base.
    pub against_all_share: Share,
    /// Every party, in input order.
    pub parties: Vec<PartyResult>,
    /// The ties that decided seats (see [`TieBreak`]).
    pub ties: Vec<TieBreak>,
}

impl SeatAllocation {
    /// `(party, seats)` for every party, in input order.
    pub fn seats(&self) -> impl Iterator<Item = (&str, u32)> {
        self.parties.iter().map(|p| (p.party.as_str(), p.seats))
    }

    /// The qualified parties, in input order.
    pub fn qualified(&self) -> impl Iterator<Item = &str> {
        self.parties
            .iter()
            .filter(|p| p.qualified)
            .map(|p| p.party.as_str())
    }

    /// The seats of one party, `None` if there is no such party.
    pub fn seats_of(&self, party: &str) -> Option<u32> {
        self.parties
            .iter()
            .find(|p| p.party == party)
            .map(|p| p.seats)
    }

    /// The total of seats given (equals the house size).
    pub fn total_seats(&self) -> u32 {
        self.parties.iter().map(|p| p.seats).sum()
    }
}

/// The bare outcome of [`allocate_counts`]: seat counts in input order, without names copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatCounts {
    /// Seats per party, in input order.
    pub seats: Vec<u32>,
    /// Whether each party qualified, in input order.
    pub qualified: Vec<bool>,
    /// The threshold base.
    pub base_votes: u64,
    /// The votes of all parties (without "against all").
    pub party_votes: u64,
    /// The votes of the qualified parties.
    pub qualified_votes: u64,
    /// The ties that decided seats.
    pub ties: Vec<TieBreak>,
}

/// Why seats could not be allocated. Each message says how to fix the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// A house of zero seats.
    #[error("the house has 0 seats: give at least 1 seat")]
    NoSeats,
    /// More seats than [`MAX_SEATS`].
    #[error("{0} seats is more than the 1,000,000 this program allocates: check the house size")]
    TooManySeats(u32),
    /// No party at all.
    #[error("there are no parties: give at least one party with its votes")]
    NoParties,
    /// A party without a name.
    #[error("party number {position} has an empty name: every party needs its ballot name")]
    EmptyName {
        /// 1-based position in the input.
        position: usize,
    },
    /// A name given twice.
    #[error("the party {0:?} is given more than once: give each party once, with its total votes")]
    DuplicateParty(String),
    /// "against all" given as a party.
    #[error(
        "{0:?} is not a party and never gets seats: give its votes as the \"against all\" count, not as a party"
    )]
    AgainstAllAsParty(String),
    /// Too many votes.
    #[error(
        "the lines add up to {0} votes, more than the 10,000,000,000 accepted (more people than live on Earth): check the input"
    )]
    VotesTooLarge(u128),
    /// A threshold that is not a fraction between 0 and 1.
    #[error("invalid threshold {0}: give a percentage from 0 to 100, e.g. 5 or 7.5")]
    InvalidThreshold(String),
    /// Nobody reached the threshold.
    #[error(
        "no party reached the threshold of {threshold}% of {base_votes} votes (the most, {best_party:?}, has {best_percent}%): lower the threshold, change its base or check the votes"
    )]
    NoQualifyingParty {
        /// The threshold as a percentage.
        threshold: String,
        /// The threshold base.
        base_votes: u64,
        /// The party with the most votes.
        best_party: String,
        /// Its share, as a percentage with two decimals.
        best_percent: String,
    },
    /// Adams or Huntington–Hill with fewer seats than qualified parties.
    #[error(
        "the {method} method gives every qualified party one seat first, but {parties} parties qualify for {seats} seats: add seats, raise the threshold or choose another method"
    )]
    MoreQualifiedPartiesThanSeats {
        /// The method.
        method: Method,
        /// Qualified parties.
        parties: usize,
        /// House size.
        seats: u32,
    },
    /// A draw is needed and no seed was given.
    #[error(
        "{} are tied for {} with an equal {equal} and equal votes, so the tie rule ends in a draw: give the tie-break seed published before the count (ashyq seats --seed TEXT)",
        .tied.join(", "),
        if *.seats == 1 { format!("seat {first_seat}") } else { format!("{seats} seats from seat {first_seat} on") }
    )]
    SeedRequired {
        /// The first contested seat.
        first_seat: u32,
        /// How many seats the draw decides.
        seats: u32,
        /// The tied parties.
        tied: Vec<String>,
        /// "quotient" or "remainder".
        equal: &'static str,
    },
    /// An empty seed.
    #[error("the tie-break seed is empty: give the text that was published before the count")]
    EmptySeed,
    /// An unknown method name.
    #[error(
        "unknown method {0:?}: use hare, droop, dhondt, sainte-lague, modified-sainte-lague, adams, huntington-hill or imperiali"
    )]
    UnknownMethod(String),
    /// An unknown threshold base.
    #[error("unknown threshold base {0:?}: use all-valid or party-votes")]
    UnknownBase(String),
}

/// Whether a name means the "against all" line (English, Russian or Kazakh, any case).
pub fn is_against_all(name: &str) -> bool {
    let name = name.trim();
    // "against all", "против всех", "барлығына қарсы" are 11, 21 and 29 bytes in UTF-8 in
    // either case (Cyrillic letters take two bytes in upper and lower case).
    if !matches!(name.len(), 11 | 21 | 29) {
        return false;
    }
    if name.eq_ignore_ascii_case("against all") {
        return true;
    }
    if name.is_ascii() {
        return false;
    }
    let lower = name.to_lowercase();
    lower == "против всех" || lower == "барлығына қарсы"
}

/// Parses a percentage such as `5`, `7.5`, `0,5` or `5%` exactly into a [`Fraction`] (no
/// floating point): `7.5` → 3/40. At most 12 decimals; 0 to 100.
pub fn threshold_from_percent(text: &str) -> Result<Fraction, AllocationError> {
    let bad = || AllocationError::InvalidThreshold(format!("{text:?}"));
    let t = text.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let (int, frac) = match t.find(['.', ',']) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 12
        || int.len() > 3
    {
        return Err(bad());
    }
    let scale = 10u64.pow(frac.len() as u32);
    let int_v: u64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let frac_v: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    let numerator = int_v * scale + frac_v;
    let denominator = 100 * scale;
    if numerator > denominator {
        return Err(AllocationError::InvalidThreshold(format!(
            "{text:?} (above 100%)"
        )));
    }
    let g = gcd(numerator, denominator);
    Ok(Fraction {
        numerator: numerator / g,
        denominator: denominator / g,
    })
}

/// FNV-1a: party names are few and short, and SipHash's resistance to chosen collisions buys
/// nothing here (a name that collides only costs one more comparison).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser, so that the top bits (hashbrown's tags) are mixed too.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Checks the rules and the input and returns the threshold base.
fn validate(
    rules: &AllocationRules,
    parties: &[PartyVotes],
    against_all: u64,
) -> Result<(u64, u64), AllocationError> {
    if rules.seats == 0 {
        return Err(AllocationError::NoSeats);
    }
    if rules.seats > MAX_SEATS {
        return Err(AllocationError::TooManySeats(rules.seats));
    }
    let t = rules.threshold;
    if t.denominator == 0 || t.numerator > t.denominator {
        return Err(AllocationError::InvalidThreshold(format!(
            "{}/{} (a fraction from 0 to 1 is needed)",
            t.numerator, t.denominator
        )));
    }
    if parties.is_empty() {
        return Err(AllocationError::NoParties);
    }
    let mut party_total: u128 = 0;
    for (i, p) in parties.iter().enumerate() {
        if p.party.chars().all(char::is_whitespace) {
            return Err(AllocationError::EmptyName { position: i + 1 });
        }
        if is_against_all(&p.party) {
            return Err(AllocationError::AgainstAllAsParty(p.party.clone()));
        }
        party_total += u128::from(p.votes);
    }
    let total = party_total + u128::from(against_all);
    if total > u128::from(MAX_TOTAL_VOTES) {
        return Err(AllocationError::VotesTooLarge(total));
    }
    // Duplicates: a linear scan is cheaper than hashing for a handful of parties.
    if parties.len() <= 16 {
        for (i, a) in parties.iter().enumerate() {
            if parties[..i].iter().any(|b| b.party == a.party) {
                return Err(AllocationError::DuplicateParty(a.party.clone()));
            }
        }
    } else {
        let mut seen: HashSet<&str, BuildHasherDefault<Fnv>> =
            HashSet::with_capacity_and_hasher(parties.len(), BuildHasherDefault::default());
        for p in parties {
            if !seen.insert(p.party.as_str()) {
                return Err(AllocationError::DuplicateParty(p.party.clone()));
            }
        }
    }
    // Both fit in u64: total ≤ MAX_TOTAL_VOTES.
    let base = match rules.base {
        ThresholdBase::AllValid => total,
        ThresholdBase::PartyVotes => party_total,
    } as u64;
    Ok((base, party_total as u64))
}

/// Whether `votes` reach `threshold` of `base`: `votes ≥ 1` and `votes · den ≥ num · base`.
pub fn qualifies(votes: u64, base: u64, threshold: Fraction) -> bool {
    votes > 0
        && u128::from(votes) * u128::from(threshold.denominator)
            >= u128::from(threshold.numerator) * u128::from(base)
}

/// Allocates the seats and returns only the counts (no names copied): the fast path for
/// sweeps. Same rules, errors and ties as [`allocate`].
pub fn allocate_counts(
    rules: &AllocationRules,
    parties: &[PartyVotes],
    against_all: u64,
    seed: Option<&TieSeed>,
) -> Result<SeatCounts, AllocationError> {
    let (base_votes, party_votes) = validate(rules, parties, against_all)?;
    let qualified: Vec<bool> = parties
        .iter()
        .map(|p| qualifies(p.votes, base_votes, rules.threshold))
        .collect();
    let idx: Vec<usize> = (0..parties.len()).filter(|&i| qualified[i]).collect();
    if idx.is_empty() {
        let best = parties
            .iter()
            .rev()
            .max_by_key(|p| p.votes)
            .map(|p| (p.party.clone(), Share::new(p.votes, base_votes).percent(2)))
            .unwrap_or_default();
        return Err(AllocationError::NoQualifyingParty {
            threshold: rules.threshold.percent(),
            base_votes,
            best_party: best.0,
            best_percent: best.1,
        });
    }
    if rules.method.first_seat_for_all() && idx.len() > rules.seats as usize {
        return Err(AllocationError::MoreQualifiedPartiesThanSeats {
            method: rules.method,
            parties: idx.len(),
            seats: rules.seats,
        });
    }
    let qualified_votes: u64 = idx.iter().map(|&i| parties[i].votes).sum();
    let mut seats = vec![0u32; parties.len()];
    let mut ties = Vec::new();
    let ctx = methods::Ctx {
        parties,
        seed,
        house: rules.seats,
    };
    if rules.method.is_largest_remainder() {
        methods::largest_remainder(rules.method, &ctx, &idx, &mut seats, &mut ties)?;
    } else {
        methods::divisor(rules.method, &ctx, &idx, &mut seats, &mut ties)?;
    }
    Ok(SeatCounts {
        seats,
        qualified,
        base_votes,
        party_votes,
        qualified_votes,
        ties,
    })
}

/// Allocates `rules.seats` seats among `parties` (with `against_all` ballots that count
/// towards an [`ThresholdBase::AllValid`] base and never get seats).
///
/// `seed` is needed only when a tie at the last seat ends in a draw; without it that case is
/// [`AllocationError::SeedRequired`].
pub fn allocate(
    rules: &AllocationRules,
    parties: &[PartyVotes],
    against_all: u64,
    seed: Option<&TieSeed>,
) -> Result<SeatAllocation, AllocationError> {
    let counts = allocate_counts(rules, parties, against_all, seed)?;
    let base = counts.base_votes;
    let parties = parties
        .iter()
        .zip(counts.seats.iter().zip(&counts.qualified))
        .map(|(p, (&seats, &qualified))| PartyResult {
            party: p.party.clone(),
            votes: p.votes,
            share: Share::new(p.votes, base),
            qualified,
            seats,
        })
        .collect();
    Ok(SeatAllocation {
        rules: *rules,
        base_votes: base,
        qualified_votes: counts.qualified_votes,
        against_all,
        against_all_share: Share::new(against_all, counts.party_votes + against_all),
        parties,
        ties: counts.ties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_parsing_is_exact() {
        let f = |s| threshold_from_percent(s).map(|f| (f.numerator, f.denominator));
        assert_eq!(f("5"), Ok((1, 20)));
        assert_eq!(f("7.5"), Ok((3, 40)));
        assert_eq!(f("7,5%"), Ok((3, 40)));
        assert_eq!(f(" 0 "), Ok((0, 1)));
        assert_eq!(f("100"), Ok((1, 1)));
        assert_eq!(f(".5"), Ok((1, 200)));
        assert_eq!(f("0.000000000001"), Ok((1, 100_000_000_000_000)));
        for bad in [
            "",
            "-5",
            "5.5.5",
            "abc",
            "100.01",
            "1e2",
            "0.0000000000001",
            "1000",
            ".",
        ] {
            assert!(f(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn method_names_round_trip() {
        for m in Method::ALL {
            assert_eq!(m.name().parse::<Method>(), Ok(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.name())
            );
        }
        assert_eq!("Sainte_Lague".parse::<Method>(), Ok(Method::SainteLague));
        assert!("jefferson".parse::<Method>().is_err());
        assert_eq!(
            "party-votes".parse::<ThresholdBase>(),
            Ok(ThresholdBase::PartyVotes)
        );
    }

    #[test]
    fn against_all_in_three_languages() {
        assert!(is_against_all(" Against ALL "));
        assert!(is_against_all("Против всех"));
        assert!(is_against_all("БАРЛЫҒЫНА ҚАРСЫ"));
        assert!(!is_against_all("Amanat"));
    }

    #[test]
    fn ticket_is_sha256_of_the_documented_text() {
        let seed = TieSeed::new("2026-08-01 lottery 17 42 5").unwrap();
        let mut h = Sha256::new();
        h.update(b"2026-08-01 lottery 17 42 5\n145\nAmanat");
        assert_eq!(seed.ticket(145, "Amanat"), hex::encode(h.finalize()));
        assert_eq!(TieSeed::new(""), Err(AllocationError::EmptySeed));
    }
}
