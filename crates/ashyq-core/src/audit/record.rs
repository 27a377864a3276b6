//! An audit as a sequence of public acts, and the rules that decide each one — pure: the
//! ledger (`ledger/audit.rs`) hands in the certified protocols and records the events.
//!
//! The acts, in order: the audit is **defined** on a certified referendum (its contests —
//! national and every first-level unit — the risk limit and the method); the **seed** of the
//! public ceremony (≥ 20 dice digits) is recorded, before any draw; each **round** is drawn
//! from the seed (every ticket re-derivable); audit boards **enter** their hand counts, two
//! members agreeing on each; the round is **measured**: per contest the risk, and "confirmed",
//! "draw N more" or "escalate to a full hand count".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::alpha;
use super::bravo::{self, ReportedPair, SampleTally};
use super::comparison::{self, ContestBound, Draw, ReportedBatch};
use super::sampler::{self, Sampler, Ticket};
use super::{Answer, HandCount, Reading, Risk, RiskLimit, Side, parse_ballot_id, ppeb};
use crate::author::Author;
use crate::contest::ContestId;
use crate::territory::RegionCode;

/// The least number of decimal digits of the seed ceremony.
pub const MIN_SEED_DIGITS: usize = 20;

/// The most rounds before a contest escalates to a full hand count.
pub const MAX_ROUNDS: u32 = 5;

/// How the contests of an audit are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditMethod {
    /// MACRO batch comparison: precincts drawn by PPEB, hand counts against protocols.
    BatchComparison,
    /// BRAVO ballot polling: ballots drawn uniformly with replacement, each read.
    BallotPolling,
    /// ALPHA ballot polling: ballots drawn uniformly **without** replacement, each read.
    BallotPollingAlpha,
}

impl AuditMethod {
    /// Whether its sampled items are ballots (read one by one) rather than precincts.
    pub fn polls_ballots(self) -> bool {
        !matches!(self, AuditMethod::BatchComparison)
    }

    /// What a board enters for one of its items.
    pub fn wanted(self) -> &'static str {
        if self.polls_ballots() {
            "the ballot's reading"
        } else {
            "the precinct's hand count"
        }
    }
}

/// What a board entered for one sampled item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditEntry {
    /// A precinct's hand count (batch comparison).
    Precinct {
        /// The count.
        count: HandCount,
    },
    /// One ballot's reading (ballot polling).
    Ballot {
        /// The reading.
        reading: Reading,
    },
}

/// One contest's draws in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestDraw {
    /// `national` or a region code.
    pub contest: String,
    /// The draws of this round, in order, tickets at full precision.
    pub tickets: Vec<Ticket>,
}

/// What a round's measurement decided for a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum StopDecision {
    /// The reported outcome is confirmed at the risk limit.
    Confirmed,
    /// Draw this many more.
    Continue {
        /// Next round's draws.
        next: u64,
    },
    /// No sample will do: count the whole territory of the contest by hand.
    Escalate,
}

/// One contest's measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestMeasure {
    /// `national` or a region code.
    pub contest: String,
    /// Draws so far (with multiplicity).
    pub draws: u64,
    /// The risk in millionths, rounded up.
    pub risk_ppm: u64,
    /// The decision.
    pub decision: StopDecision,
}

/// The audit's events in the public log (`{"type":"audit","event":…}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    /// An audit of a certified referendum was defined.
    AuditDefined {
        /// The audit's id.
        audit: String,
        /// The referendum.
        referendum: ContestId,
        /// The risk limit.
        risk_limit: RiskLimit,
        /// The method of every contest not named in `methods`.
        method: AuditMethod,
        /// The contests: `national` and each unit's code.
        contests: Vec<String>,
        /// The contests audited by another method than `method` (absent when none, as in
        /// every log written before per-contest methods).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        methods: BTreeMap<String, AuditMethod>,
        /// The PPEB stream of the batch comparisons: `per_contest` for every audit defined
        /// now; absent (the one shared stream) in the logs of audits defined before.
        #[serde(default, skip_serializing_if = "ppeb::Stream::is_shared")]
        ppeb_stream: ppeb::Stream,
        /// Who.
        author: Author,
    },
    /// The seed of the public ceremony.
    SeedRecorded {
        /// The audit.
        audit: String,
        /// The digits.
        seed: String,
        /// Who.
        author: Author,
    },
    /// A round was drawn from the seed.
    RoundDrawn {
        /// The audit.
        audit: String,
        /// 1, 2, …
        round: u32,
        /// Each open contest's draws.
        draws: Vec<ContestDraw>,
        /// Who.
        author: Author,
    },
    /// A board member entered a sampled item's count or reading.
    CountEntered {
        /// The audit.
        audit: String,
        /// The item: a precinct number or a ballot id `<precinct>:<position>`.
        item: String,
        /// What was found.
        entry: AuditEntry,
        /// The board's territory (a unit's code); `None` for a central board.
        board: Option<RegionCode>,
        /// The board member.
        author: Author,
    },
    /// A round was measured.
    RoundMeasured {
        /// The audit.
        audit: String,
        /// The round.
        round: u32,
        /// Each contest open in the round.
        contests: Vec<ContestMeasure>,
        /// Who.
        author: Author,
    },
    /// The full hand count of one precinct of an escalated contest. When it differs from
    /// the protocol it replaces the protocol's answer lines and line 8 (ballots found), as an
    /// amendment of the (certified) result with this reason: the published result then
    /// follows the paper.
    HandCounted {
        /// The audit.
        audit: String,
        /// The escalated contest the count belongs to.
        contest: String,
        /// The precinct.
        precinct: u32,
        /// What the paper says.
        count: HandCount,
        /// The amendment, when the count differs from the protocol.
        amendment: Option<HandCountAmendment>,
        /// Why (the escalation, and who counted).
        reason: String,
        /// Who records it.
        author: Author,
    },
}

/// The protocol a full hand count puts in place of the certified one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandCountAmendment {
    /// The amended protocol: the certified one with the answer lines counted and ballots
    /// found as many as were counted.
    pub protocol: crate::protocol::PrecinctProtocol,
    /// The amended protocol's hash.
    pub protocol_hash: String,
    /// The hash of the protocol it replaces.
    pub replaces_hash: String,
    /// The control ratios' warnings of the amended protocol.
    pub warnings: Vec<crate::protocol::Violation>,
}

/// One precinct counted in full after an escalation, with the certified figures it is
/// compared with (the audit keeps auditing those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandCountRecord {
    /// The escalated contest.
    pub contest: String,
    /// What the paper says.
    pub count: HandCount,
    /// The certified protocol's answer lines.
    pub certified: HandCount,
    /// The certified protocol's ballots found.
    pub certified_found: u64,
    /// Whether the count replaced the protocol.
    pub amended: bool,
    /// The reason given.
    pub reason: String,
    /// Who recorded it.
    pub author: Author,
}

impl AuditEvent {
    /// The event's tag.
    pub fn kind(&self) -> &'static str {
        match self {
            AuditEvent::AuditDefined { .. } => "audit_defined",
            AuditEvent::SeedRecorded { .. } => "audit_seed_recorded",
            AuditEvent::RoundDrawn { .. } => "audit_round_drawn",
            AuditEvent::CountEntered { .. } => "audit_count_entered",
            AuditEvent::RoundMeasured { .. } => "audit_round_measured",
            AuditEvent::HandCounted { .. } => "audit_hand_counted",
        }
    }

    /// The audit it belongs to.
    pub fn audit(&self) -> &str {
        match self {
            AuditEvent::AuditDefined { audit, .. }
            | AuditEvent::SeedRecorded { audit, .. }
            | AuditEvent::RoundDrawn { audit, .. }
            | AuditEvent::CountEntered { audit, .. }
            | AuditEvent::RoundMeasured { audit, .. }
            | AuditEvent::HandCounted { audit, .. } => audit,
        }
    }
}

/// Why an audit act is refused. Nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The referendum's result is not certified.
    #[error(
        "referendum {0} is not certified: an audit checks a certified result; certify it first with `ashyq certify`"
    )]
    NotCertified(ContestId),
    /// The id is taken.
    #[error("audit {0} already exists; choose another id")]
    Duplicate(String),
    /// Unknown audit.
    #[error("no audit {0}; define it first with `ashyq audit create`")]
    Unknown(String),
    /// A bad id.
    #[error("the audit id must be 1–64 letters, digits, '-' or '_', not {0:?}")]
    BadId(String),
    /// A bad seed.
    #[error("the seed must be at least 20 decimal digits rolled in public (only 0–9), not {0:?}")]
    BadSeed(String),
    /// The seed is already recorded.
    #[error("audit {0} already has its seed; a seed is recorded once, before any draw")]
    SeedTwice(String),
    /// A draw before the seed.
    #[error("audit {0} has no seed yet: hold the seed ceremony and record it before any draw")]
    NoSeed(String),
    /// A round is open.
    #[error(
        "round {round} of audit {audit} is not measured yet: enter its counts and measure it before drawing again"
    )]
    RoundOpen {
        /// The audit.
        audit: String,
        /// The open round.
        round: u32,
    },
    /// Nothing left to draw.
    #[error("audit {0} is finished: every contest is confirmed or escalated")]
    Finished(String),
    /// No round to measure or enter into.
    #[error("audit {0} has no open round: draw one first")]
    NoOpenRound(String),
    /// An item not in the sample.
    #[error(
        "{item} is not in the sample of audit {audit}; enter only the precincts or ballots drawn"
    )]
    NotSampled {
        /// The audit.
        audit: String,
        /// The item.
        item: String,
    },
    /// A board outside its territory.
    #[error(
        "{item} lies in {actual}, outside the territory of this board ({board}); it is entered by a board of {actual}"
    )]
    OutsideTerritory {
        /// The item.
        item: String,
        /// The board's unit.
        board: RegionCode,
        /// The item's unit.
        actual: RegionCode,
    },
    /// A count larger than the ballots found.
    #[error(
        "precinct {precinct}: the hand count has {counted} ballots but the protocol found {found} in the boxes; recount, or report the difference"
    )]
    TooManyBallots {
        /// The precinct.
        precinct: String,
        /// Counted.
        counted: u64,
        /// Found.
        found: u64,
    },
    /// The wrong kind of entry for the method.
    #[error("audit {audit} is a {method:?} audit: enter {wanted} for {item}")]
    WrongEntry {
        /// The audit.
        audit: String,
        /// The method.
        method: AuditMethod,
        /// What to enter.
        wanted: &'static str,
        /// The item.
        item: String,
    },
    /// The same member entered the item already.
    #[error(
        "{author} already entered {item}; the second entry comes from another member of the board"
    )]
    SameEntryTwice {
        /// The member.
        author: String,
        /// The item.
        item: String,
    },
    /// Two members already agree.
    #[error("{0} is already agreed by two board members; nothing more to enter")]
    AlreadyAgreed(String),
    /// Items still open.
    #[error(
        "round {round} cannot be measured: {missing} sampled items lack two agreeing entries (first: {first})"
    )]
    NotAllAgreed {
        /// The round.
        round: u32,
        /// How many.
        missing: usize,
        /// The first.
        first: String,
    },
    /// A round size given for an unknown or closed contest.
    #[error("contest {0} is not open in this audit; the open contests are {1}")]
    NotOpen(String, String),
    /// An empty field.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// A hand count for a contest that has not escalated.
    #[error(
        "contest {contest} of audit {audit} has not escalated to a full hand count (its last measurement did not say so); only an escalated contest's territory is counted in full"
    )]
    NotEscalated {
        /// The audit.
        audit: String,
        /// The contest.
        contest: String,
    },
    /// A precinct outside the escalated contest.
    #[error("precinct {precinct} is not in contest {contest}; count only the escalated territory")]
    NotInContest {
        /// The precinct.
        precinct: u32,
        /// The contest.
        contest: String,
    },
    /// A precinct counted in full already.
    #[error(
        "precinct {0} is already counted in full in this audit; a full hand count is recorded once"
    )]
    AlreadyCounted(u32),
}

/// One precinct as the certified protocols report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPrecinct {
    /// Its number.
    pub number: u32,
    /// Its first-level unit.
    pub region: RegionCode,
    /// The protocol's answer lines.
    pub reported: HandCount,
    /// Ballots found in the boxes: the manifest.
    pub ballots_found: u64,
}

/// The certified data an audit is decided on, in territory order.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Every precinct.
    pub precincts: Vec<AuditPrecinct>,
    by_number: BTreeMap<u32, usize>,
}

impl Manifest {
    /// From the precincts.
    pub fn new(precincts: Vec<AuditPrecinct>) -> Self {
        let by_number = precincts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.number, i))
            .collect();
        Manifest {
            precincts,
            by_number,
        }
    }

    /// The precincts of a contest (`national` or a unit's code).
    fn members(&self, contest: &str) -> Vec<usize> {
        (0..self.precincts.len())
            .filter(|&i| contest == "national" || self.precincts[i].region.0 == contest)
            .collect()
    }

    /// The protocols' totals of a contest.
    pub fn reported(&self, contest: &str) -> HandCount {
        view(self, contest).totals
    }

    /// The contests: national, then each unit with precincts, in territory order.
    pub fn contests(&self) -> Vec<String> {
        let mut out = vec!["national".to_string()];
        for p in &self.precincts {
            if !out.contains(&p.region.0) {
                out.push(p.region.0.clone());
            }
        }
        out
    }

    /// The index of the precinct an item (a precinct number or a ballot id) lies in.
    pub fn precinct_of(&self, item: &str) -> Option<usize> {
        let number = match parse_ballot_id(item) {
            Some((p, _)) => p,
            None => item.parse().ok()?,
        };
        self.by_number.get(&number).copied()
    }
}

/// One contest as the audit sees it.
struct ContestView {
    members: Vec<usize>,
    winner: Option<Answer>,
    totals: HandCount,
}

fn view(manifest: &Manifest, contest: &str) -> ContestView {
    let members = manifest.members(contest);
    let totals = members.iter().fold(HandCount::default(), |a, &i| {
        let r = manifest.precincts[i].reported;
        HandCount {
            yes: a.yes + r.yes,
            no: a.no + r.no,
            both_marked: a.both_marked + r.both_marked,
            invalid: a.invalid + r.invalid,
        }
    });
    ContestView {
        winner: super::reported_winner(totals.yes, totals.no),
        members,
        totals,
    }
}

/// ALPHA's population is the manifest: every ballot found, which the draws without
/// replacement come from.
fn alpha_pair(manifest: &Manifest, v: &ContestView, winner: Answer) -> ReportedPair {
    ReportedPair {
        winner: v.totals.votes(winner),
        loser: v.totals.votes(winner.other()),
        ballots: v
            .members
            .iter()
            .map(|&i| manifest.precincts[i].ballots_found)
            .sum(),
    }
}

fn batches(manifest: &Manifest, v: &ContestView, winner: Answer) -> Vec<(String, ReportedBatch)> {
    v.members
        .iter()
        .map(|&i| {
            let p = &manifest.precincts[i];
            (
                p.number.to_string(),
                ReportedBatch::of(&p.reported, p.ballots_found, winner),
            )
        })
        .collect()
}

/// The state of one audit.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// Its id.
    pub id: String,
    /// The referendum.
    pub referendum: ContestId,
    /// The risk limit.
    pub risk_limit: RiskLimit,
    /// The method of every contest not in `methods`.
    pub method: AuditMethod,
    /// The contests audited by another method.
    pub methods: BTreeMap<String, AuditMethod>,
    /// The PPEB stream its batch comparisons draw from.
    pub ppeb_stream: ppeb::Stream,
    /// The contests.
    pub contests: Vec<String>,
    /// The seed, once recorded.
    pub seed: Option<String>,
    /// The rounds drawn: each contest's tickets.
    pub rounds: Vec<Vec<ContestDraw>>,
    /// The measurements, one per measured round.
    pub measures: Vec<Vec<ContestMeasure>>,
    /// Every entry per item, in order: `(member, board, entry)`.
    pub entries: BTreeMap<String, Vec<(Author, AuditEntry)>>,
    /// The full hand counts of escalated contests, by precinct.
    pub hand_counts: BTreeMap<u32, HandCountRecord>,
}

impl AuditRecord {
    /// The method of a contest.
    pub fn method_of(&self, contest: &str) -> AuditMethod {
        self.methods.get(contest).copied().unwrap_or(self.method)
    }

    /// Whether any contest polls ballots with `method` (for the pages' and reports' notes).
    pub fn uses(&self, method: AuditMethod) -> bool {
        self.contests.iter().any(|c| self.method_of(c) == method)
    }

    /// The value two different members agree on, if any.
    pub fn agreed(&self, item: &str) -> Option<AuditEntry> {
        let list = self.entries.get(item)?;
        for (i, (a, e)) in list.iter().enumerate() {
            if list[..i].iter().any(|(b, f)| b.name != a.name && f == e) {
                return Some(*e);
            }
        }
        None
    }

    /// Whether two members disagree on the item (shown to both).
    pub fn disputed(&self, item: &str) -> bool {
        self.agreed(item).is_none()
            && self
                .entries
                .get(item)
                .is_some_and(|l| l.iter().any(|(_, e)| *e != l[0].1))
    }

    /// The round open for entries (drawn, not measured).
    pub fn open_round(&self) -> Option<u32> {
        (self.rounds.len() > self.measures.len()).then_some(self.rounds.len() as u32)
    }

    /// Every item sampled so far (distinct), in draw order.
    pub fn sampled(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for round in &self.rounds {
            for d in round {
                for t in &d.tickets {
                    if seen.insert(t.id.clone()) {
                        out.push(t.id.clone());
                    }
                }
            }
        }
        out
    }

    /// Contests still open: not confirmed or escalated at the last measurement.
    pub fn open_contests(&self) -> Vec<String> {
        match self.measures.last() {
            None => self.contests.clone(),
            Some(m) => m
                .iter()
                .filter(|c| matches!(c.decision, StopDecision::Continue { .. }))
                .map(|c| c.contest.clone())
                .collect(),
        }
    }

    fn draws_so_far(&self, contest: &str) -> u64 {
        self.rounds
            .iter()
            .flatten()
            .filter(|d| d.contest == contest)
            .map(|d| d.tickets.len() as u64)
            .sum()
    }

    /// The event defining an audit, decided; `methods` names the contests audited by another
    /// method than `method`, `ppeb_stream` the batch comparisons' stream.
    #[allow(clippy::too_many_arguments)]
    pub fn define(
        id: &str,
        referendum: &ContestId,
        certified: bool,
        risk_limit: RiskLimit,
        method: AuditMethod,
        methods: &BTreeMap<String, AuditMethod>,
        ppeb_stream: ppeb::Stream,
        manifest: &Manifest,
        author: Author,
    ) -> Result<AuditEvent, AuditError> {
        if id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(AuditError::BadId(id.to_owned()));
        }
        if !certified {
            return Err(AuditError::NotCertified(referendum.clone()));
        }
        if author.name.trim().is_empty() {
            return Err(AuditError::Empty("the author"));
        }
        let contests = manifest.contests();
        if let Some(c) = methods.keys().find(|c| !contests.contains(c)) {
            return Err(AuditError::NotOpen(c.clone(), contests.join(", ")));
        }
        Ok(AuditEvent::AuditDefined {
            audit: id.to_owned(),
            referendum: referendum.clone(),
            risk_limit,
            method,
            contests,
            methods: methods
                .iter()
                .filter(|(_, m)| **m != method)
                .map(|(c, m)| (c.clone(), *m))
                .collect(),
            ppeb_stream,
            author,
        })
    }

    /// The state an `AuditDefined` event starts.
    pub fn new(event: &AuditEvent) -> Option<AuditRecord> {
        match event {
            AuditEvent::AuditDefined {
                audit,
                referendum,
                risk_limit,
                method,
                contests,
                methods,
                ppeb_stream,
                ..
            } => Some(AuditRecord {
                id: audit.clone(),
                referendum: referendum.clone(),
                risk_limit: *risk_limit,
                method: *method,
                methods: methods.clone(),
                ppeb_stream: *ppeb_stream,
                contests: contests.clone(),
                seed: None,
                rounds: Vec::new(),
                measures: Vec::new(),
                entries: BTreeMap::new(),
                hand_counts: BTreeMap::new(),
            }),
            _ => None,
        }
    }

    /// The seed, decided.
    pub fn record_seed(&self, seed: &str, author: Author) -> Result<AuditEvent, AuditError> {
        if self.seed.is_some() {
            return Err(AuditError::SeedTwice(self.id.clone()));
        }
        if seed.len() < MIN_SEED_DIGITS || !seed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AuditError::BadSeed(seed.to_owned()));
        }
        if author.name.trim().is_empty() {
            return Err(AuditError::Empty("the author"));
        }
        Ok(AuditEvent::SeedRecorded {
            audit: self.id.clone(),
            seed: seed.to_owned(),
            author,
        })
    }

    /// The first round's size for a contest (no measurement yet): the method's estimate.
    fn first_size(&self, manifest: &Manifest, contest: &str) -> Option<u64> {
        let v = view(manifest, contest);
        let winner = v.winner?;
        match self.method_of(contest) {
            AuditMethod::BatchComparison => {
                let b = batches(manifest, &v, winner);
                comparison::next_round_size(
                    ContestBound::of(b.iter().map(|(_, r)| r)),
                    self.risk_limit,
                    &Risk::one(),
                )
            }
            AuditMethod::BallotPolling => bravo::next_round_size(
                ReportedPair {
                    winner: v.totals.votes(winner),
                    loser: v.totals.votes(winner.other()),
                    ballots: v.totals.ballots(),
                },
                self.risk_limit,
                &Risk::one(),
            ),
            AuditMethod::BallotPollingAlpha => alpha::next_round_size(
                alpha_pair(manifest, &v, winner),
                self.risk_limit,
                &Risk::one(),
            ),
        }
    }

    /// The next round, decided: each open contest's draws, sizes as given or as the last
    /// measurement (or the first estimate) says; re-derived from the seed on replay.
    pub fn draw_round(
        &self,
        manifest: &Manifest,
        sizes: &BTreeMap<String, u64>,
        author: Author,
    ) -> Result<AuditEvent, AuditError> {
        let Some(seed) = &self.seed else {
            return Err(AuditError::NoSeed(self.id.clone()));
        };
        if let Some(round) = self.open_round() {
            return Err(AuditError::RoundOpen {
                audit: self.id.clone(),
                round,
            });
        }
        let open = self.open_contests();
        if open.is_empty() {
            return Err(AuditError::Finished(self.id.clone()));
        }
        for c in sizes.keys() {
            if !open.contains(c) {
                return Err(AuditError::NotOpen(c.clone(), open.join(", ")));
            }
        }
        if author.name.trim().is_empty() {
            return Err(AuditError::Empty("the author"));
        }
        let sampler = Sampler::new(seed);
        let mut draws = Vec::new();
        for contest in &open {
            let planned = match self.measures.last() {
                None => self.first_size(manifest, contest).unwrap_or(0),
                Some(m) => m
                    .iter()
                    .find(|c| &c.contest == contest)
                    .and_then(|c| match c.decision {
                        StopDecision::Continue { next } => Some(next),
                        _ => None,
                    })
                    .unwrap_or(0),
            };
            let n = sizes.get(contest).copied().unwrap_or(planned);
            let before = self.draws_so_far(contest);
            let v = view(manifest, contest);
            let tickets = match (self.method_of(contest), v.winner) {
                (_, None) => Vec::new(),
                (AuditMethod::BatchComparison, Some(w)) => {
                    let weights: Vec<(String, u64)> = batches(manifest, &v, w)
                        .into_iter()
                        .map(|(id, b)| (id, b.error_bound()))
                        .collect();
                    ppeb::draw(&sampler, self.ppeb_stream, contest, &weights, before, n)
                }
                (
                    method @ (AuditMethod::BallotPolling | AuditMethod::BallotPollingAlpha),
                    Some(_),
                ) => {
                    let m: Vec<(u32, u64)> = v
                        .members
                        .iter()
                        .map(|&i| {
                            let p = &manifest.precincts[i];
                            (p.number, p.ballots_found)
                        })
                        .collect();
                    // BRAVO draws with replacement, ALPHA without.
                    let with_replacement = method == AuditMethod::BallotPolling;
                    sampler::draw_ballots(
                        &sampler,
                        &m,
                        with_replacement,
                        before as usize,
                        n as usize,
                        1,
                    )
                }
            };
            draws.push(ContestDraw {
                contest: contest.clone(),
                tickets,
            });
        }
        Ok(AuditEvent::RoundDrawn {
            audit: self.id.clone(),
            round: self.rounds.len() as u32 + 1,
            draws,
            author,
        })
    }

    /// A board member's entry, decided.
    pub fn enter(
        &self,
        manifest: &Manifest,
        item: &str,
        entry: AuditEntry,
        board: Option<&RegionCode>,
        author: Author,
    ) -> Result<AuditEvent, AuditError> {
        if self.open_round().is_none() {
            return Err(AuditError::NoOpenRound(self.id.clone()));
        }
        if author.name.trim().is_empty() {
            return Err(AuditError::Empty("the board member"));
        }
        let not_sampled = || AuditError::NotSampled {
            audit: self.id.clone(),
            item: item.to_owned(),
        };
        if !self.sampled().iter().any(|s| s == item) {
            return Err(not_sampled());
        }
        let p = &manifest.precincts[manifest.precinct_of(item).ok_or_else(not_sampled)?];
        if let Some(b) = board
            && *b != p.region
        {
            return Err(AuditError::OutsideTerritory {
                item: item.to_owned(),
                board: b.clone(),
                actual: p.region.clone(),
            });
        }
        // The item's kind decides the entry: a precinct's hand count, or a ballot's reading.
        let method = self.method_of_item(item);
        match (method, &entry) {
            (AuditMethod::BatchComparison, AuditEntry::Precinct { count }) => {
                if count.ballots() > p.ballots_found {
                    return Err(AuditError::TooManyBallots {
                        precinct: item.to_owned(),
                        counted: count.ballots(),
                        found: p.ballots_found,
                    });
                }
            }
            (
                AuditMethod::BallotPolling | AuditMethod::BallotPollingAlpha,
                AuditEntry::Ballot { .. },
            ) => {}
            (method, _) => {
                return Err(AuditError::WrongEntry {
                    audit: self.id.clone(),
                    method,
                    wanted: method.wanted(),
                    item: item.to_owned(),
                });
            }
        }
        if self.agreed(item).is_some() {
            return Err(AuditError::AlreadyAgreed(item.to_owned()));
        }
        if self
            .entries
            .get(item)
            .is_some_and(|l| l.iter().any(|(a, e)| a.name == author.name && *e == entry))
        {
            return Err(AuditError::SameEntryTwice {
                author: author.name,
                item: item.to_owned(),
            });
        }
        Ok(AuditEvent::CountEntered {
            audit: self.id.clone(),
            item: item.to_owned(),
            entry,
            board: board.cloned(),
            author,
        })
    }

    /// The measurement of the open round, decided: every item agreed, then per contest the
    /// exact risk over every draw so far and the decision.
    pub fn measure(&self, manifest: &Manifest, author: Author) -> Result<AuditEvent, AuditError> {
        let Some(round) = self.open_round() else {
            return Err(AuditError::NoOpenRound(self.id.clone()));
        };
        let missing: Vec<String> = self
            .sampled()
            .into_iter()
            .filter(|i| self.agreed(i).is_none())
            .collect();
        if let Some(first) = missing.first() {
            return Err(AuditError::NotAllAgreed {
                round,
                missing: missing.len(),
                first: first.clone(),
            });
        }
        if author.name.trim().is_empty() {
            return Err(AuditError::Empty("the author"));
        }
        let mut out = Vec::new();
        for d in self.rounds.last().into_iter().flatten() {
            out.push(self.measure_contest(manifest, &d.contest, round));
        }
        Ok(AuditEvent::RoundMeasured {
            audit: self.id.clone(),
            round,
            contests: out,
            author,
        })
    }

    fn measure_contest(&self, manifest: &Manifest, contest: &str, round: u32) -> ContestMeasure {
        let tickets: Vec<&Ticket> = self
            .rounds
            .iter()
            .flatten()
            .filter(|d| d.contest == contest)
            .flat_map(|d| d.tickets.iter())
            .collect();
        let draws = tickets.len() as u64;
        let v = view(manifest, contest);
        let escalate = |risk: &Risk| ContestMeasure {
            contest: contest.to_owned(),
            draws,
            risk_ppm: risk.ppm(),
            decision: StopDecision::Escalate,
        };
        let Some(winner) = v.winner else {
            return escalate(&Risk::one());
        };
        let (risk, next, cap) = match self.method_of(contest) {
            AuditMethod::BatchComparison => {
                let b = batches(manifest, &v, winner);
                let by_id: BTreeMap<&str, ReportedBatch> =
                    b.iter().map(|(id, r)| (id.as_str(), *r)).collect();
                let bound = ContestBound::of(b.iter().map(|(_, r)| r));
                let d: Vec<Draw> = tickets
                    .iter()
                    .filter_map(|t| {
                        let reported = *by_id.get(t.id.as_str())?;
                        let Some(AuditEntry::Precinct { count }) = self.agreed(&t.id) else {
                            return None;
                        };
                        Some(Draw {
                            reported,
                            audited_winner: count.votes(winner),
                            audited_loser: count.votes(winner.other()),
                        })
                    })
                    .collect();
                let risk = comparison::risk(bound, &d);
                let next = comparison::next_round_size(bound, self.risk_limit, &risk);
                (risk, next, v.members.len() as u64)
            }
            AuditMethod::BallotPolling => {
                let mut tally = SampleTally::default();
                for t in &tickets {
                    if let Some(AuditEntry::Ballot { reading }) = self.agreed(&t.id) {
                        match reading.side(winner) {
                            Side::Winner => tally.winner += 1,
                            Side::Loser => tally.loser += 1,
                            Side::Neither => tally.neither += 1,
                        }
                    }
                }
                let pair = ReportedPair {
                    winner: v.totals.votes(winner),
                    loser: v.totals.votes(winner.other()),
                    ballots: v.totals.ballots(),
                };
                let risk = bravo::risk(pair, tally);
                let next = bravo::next_round_size(pair, self.risk_limit, &risk);
                (risk, next, v.totals.ballots())
            }
            AuditMethod::BallotPollingAlpha => {
                // In draw order: the supermartingale depends on it.
                let sides: Vec<Side> = tickets
                    .iter()
                    .filter_map(|t| match self.agreed(&t.id) {
                        Some(AuditEntry::Ballot { reading }) => Some(reading.side(winner)),
                        _ => None,
                    })
                    .collect();
                let pair = alpha_pair(manifest, &v, winner);
                let risk = alpha::risk(pair, &sides);
                let next = alpha::next_round_size(pair, self.risk_limit, &risk);
                (risk, next, pair.ballots)
            }
        };
        let decision = if risk.within(self.risk_limit) {
            StopDecision::Confirmed
        } else {
            match next {
                Some(n) if round < MAX_ROUNDS && draws + n < cap => {
                    StopDecision::Continue { next: n.max(1) }
                }
                _ => StopDecision::Escalate,
            }
        };
        ContestMeasure {
            contest: contest.to_owned(),
            draws,
            risk_ppm: risk.ppm(),
            decision,
        }
    }

    /// The method an item is entered by: a ballot id by ballot polling (BRAVO's or ALPHA's,
    /// whichever contest drew it), a precinct by batch comparison.
    pub fn method_of_item(&self, item: &str) -> AuditMethod {
        let drawn_by = self
            .rounds
            .iter()
            .flatten()
            .find(|d| d.tickets.iter().any(|t| t.id == item))
            .map(|d| self.method_of(&d.contest));
        drawn_by.unwrap_or(if parse_ballot_id(item).is_some() {
            AuditMethod::BallotPolling
        } else {
            AuditMethod::BatchComparison
        })
    }

    /// Whether a contest's last measurement escalated it to a full hand count.
    pub fn escalated(&self, contest: &str) -> bool {
        self.measures
            .iter()
            .rev()
            .find_map(|m| m.iter().find(|c| c.contest == contest))
            .is_some_and(|c| c.decision == StopDecision::Escalate)
    }

    /// Checks a full hand count of `precinct` for the escalated `contest` (the ledger builds
    /// the amendment itself).
    pub fn check_hand_count(
        &self,
        manifest: &Manifest,
        contest: &str,
        precinct: u32,
        reason: &str,
        author: &Author,
    ) -> Result<(), AuditError> {
        if !self.contests.iter().any(|c| c == contest) || !self.escalated(contest) {
            return Err(AuditError::NotEscalated {
                audit: self.id.clone(),
                contest: contest.to_owned(),
            });
        }
        let inside = manifest
            .precinct_of(&precinct.to_string())
            .is_some_and(|i| contest == "national" || manifest.precincts[i].region.0 == contest);
        if !inside {
            return Err(AuditError::NotInContest {
                precinct,
                contest: contest.to_owned(),
            });
        }
        if self.hand_counts.contains_key(&precinct) {
            return Err(AuditError::AlreadyCounted(precinct));
        }
        if reason.trim().is_empty() {
            return Err(AuditError::Empty("the reason"));
        }
        if author.name.trim().is_empty() {
            return Err(AuditError::Empty("the author"));
        }
        Ok(())
    }

    /// Changes the state by an event of this audit, already decided.
    pub fn apply(&mut self, event: &AuditEvent) {
        match event {
            AuditEvent::AuditDefined { .. } => {}
            AuditEvent::SeedRecorded { seed, .. } => self.seed = Some(seed.clone()),
            AuditEvent::RoundDrawn { draws, .. } => self.rounds.push(draws.clone()),
            AuditEvent::CountEntered {
                item,
                entry,
                author,
                ..
            } => self
                .entries
                .entry(item.clone())
                .or_default()
                .push((author.clone(), *entry)),
            AuditEvent::RoundMeasured { contests, .. } => self.measures.push(contests.clone()),
            // The ledger keeps the hand count, with the certified figures it knows.
            AuditEvent::HandCounted { .. } => {}
        }
    }
}
