//! The ledger: the state of every referendum as the replay of the event log.
//!
//! Two kinds of operation, kept apart on purpose (event sourcing):
//! - **decisions** (`load_territory`, `create_referendum`, `submit`, `amend`,
//!   `dismiss_conflict`, `certify`) look at the current state and return the [`Event`] to
//!   record, or an error that says why nothing is recorded. They never change state.
//! - [`Ledger::apply`] is the only way state changes. It checks the entry's place in the hash
//!   chain and re-checks the event against the state (control ratios, the precinct's status,
//!   the published figures of a certification), so the live system and the offline verifier
//!   run exactly the same rules.

mod audit;
mod book;
mod election;
mod kurultai;
mod president;

use serde::{Deserialize, Serialize};

pub use book::{AppliedProtocol, HistoryItem, OpenConflict, ProtocolBook, SubmitStep};
pub use election::{ElectionRecord, ElectionResults, Mandate};
pub use president::{
    Nominee, NomineeStatus, PresidentialRecord, PresidentialResults, RoundCertification,
};

use chrono::{DateTime, Utc};

use crate::author::Author;
use crate::chain::{Head, LogHash};
use crate::contest::{
    ContestId, ContestKind, ContestProtocol, ContestRecord, Registry, UnknownContest,
};
use crate::election::ElectionError;
use crate::event::{Event, LogEntry};
use crate::journal::Domain;
use crate::keys::{
    CommissionHierarchy, CommissionSigningKey, KeyEvent, KeyRegistry, KeyRegistryError,
};
use crate::merkle::{self, MerkleTree};
use crate::party::{PartyError, PartyRules, RegisteredParty};
use crate::president::{PastPresident, PresidentError};
use crate::protocol::{self, PrecinctProtocol, Violation};
use crate::receipt::Receipt;
use crate::referendum::{DefinitionError, ReferendumDefinition};
use crate::signed::{ProtocolSignature, SignedError, VerifiedProtocol};
use crate::tally::{self, ResultStatus, ResultsTree, Totals};
use crate::territory::{PrecinctId, Territory, TerritoryError, TerritoryIndex};
use crate::transparency::{SignedReceipt, SignedTreeHead, TransparencyError};

/// Why a command was refused or an entry cannot be applied. Nothing changes on an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// No territory yet.
    #[error(
        "no territory is loaded; load one first with `ashyq territory generate` or `ashyq territory import`"
    )]
    NoTerritory,
    /// The territory is invalid.
    #[error("the territory is not valid: {0}")]
    InvalidTerritory(#[from] TerritoryError),
    /// The territory cannot change once a referendum uses it.
    #[error(
        "the territory is fixed once a referendum is defined ({0} uses it); start a new database to use another territory"
    )]
    TerritoryFixed(ContestId),
    /// Commission keys are registered for the loaded territory's units.
    #[error(
        "commission keys are registered for the units of the loaded territory, so it can no longer be replaced; start a new database to use another territory"
    )]
    TerritoryHasKeys,
    /// The definition is invalid.
    #[error("the referendum definition is not valid: {0}")]
    InvalidDefinition(#[from] DefinitionError),
    /// Two referendums with one id.
    #[error("referendum {0} already exists; choose another id")]
    DuplicateReferendum(ContestId),
    /// No contest of the kind asked for under that id.
    #[error(transparent)]
    UnknownContest(#[from] UnknownContest),
    /// No such precinct in the territory.
    #[error("precinct {0} is not in the territory; check the precinct number")]
    UnknownPrecinct(PrecinctId),
    /// The control ratios failed.
    #[error("protocol of precinct {precinct} rejected by the control ratios: {}", list(.errors))]
    Rejected {
        /// The precinct.
        precinct: PrecinctId,
        /// Each broken rule with its numbers.
        errors: Vec<Violation>,
    },
    /// The result is locked.
    #[error(
        "the result of {0} is certified and locked; no protocol, amendment or review can change it"
    )]
    Certified(ContestId),
    /// Amending a precinct that has not reported.
    #[error("precinct {0} has no protocol to amend; submit its protocol instead")]
    NothingToAmend(PrecinctId),
    /// Amending with the same numbers.
    #[error(
        "the amendment for precinct {0} is identical to the protocol already applied; nothing to change"
    )]
    IdenticalAmendment(PrecinctId),
    /// A reason or author is missing.
    #[error("{0} must not be empty: every amendment and review states its reason and its author")]
    Missing(&'static str),
    /// No open conflict with that hash.
    #[error("precinct {precinct} has no open conflict with protocol hash {protocol_hash}")]
    NoSuchConflict {
        /// The precinct.
        precinct: PrecinctId,
        /// The hash given.
        protocol_hash: String,
    },
    /// Certification before the result is final.
    #[error(
        "{referendum} cannot be certified yet: {missing} precincts have not reported and {conflicts} conflicts are open; resolve them first (see `ashyq results`)"
    )]
    NotFinal {
        /// The referendum.
        referendum: ContestId,
        /// Precincts missing.
        missing: u64,
        /// Open conflicts.
        conflicts: u64,
    },
    /// A protocol before the polls closed.
    #[error(
        "voting in {contest} is still open at {at}: protocols are accepted from the close of the polls, {closes}; submit it after the close"
    )]
    VotingOpen {
        /// The contest.
        contest: ContestId,
        /// When the polls close (UTC).
        closes: String,
        /// The time of the submission.
        at: String,
    },
    /// An election rule refused the command.
    #[error(transparent)]
    Election(#[from] ElectionError),
    /// A party or candidate-list rule refused the command.
    #[error(transparent)]
    Party(#[from] PartyError),
    /// A rule of the presidential election refused the command (boxed: its refusals carry
    /// names and ballots, and every ledger result would otherwise grow by them).
    #[error(transparent)]
    President(Box<PresidentError>),
    /// A key registration, rotation or revocation was refused.
    #[error(transparent)]
    Key(#[from] KeyRegistryError),
    /// A signed protocol does not check out (signature, key, form).
    #[error(transparent)]
    Signed(Box<SignedError>),
    /// A protocol signed before the polls closed.
    #[error(
        "the protocol of precinct {precinct} was signed at {signed_at}, before the polls of {contest} closed ({closes}): a protocol is signed after the count; sign it again"
    )]
    SignedBeforeClose {
        /// The contest.
        contest: ContestId,
        /// The precinct.
        precinct: PrecinctId,
        /// When the polls closed.
        closes: DateTime<Utc>,
        /// The signing time.
        signed_at: DateTime<Utc>,
    },
    /// A protocol whose signing time is later than the moment it was recorded (beyond the
    /// allowed clock difference).
    #[error(
        "the protocol of precinct {precinct} says it was signed at {signed_at}, later than now ({at}): check the clock of the signing computer and sign again"
    )]
    SignedInFuture {
        /// The precinct.
        precinct: PrecinctId,
        /// The signing time.
        signed_at: DateTime<Utc>,
        /// When it arrived.
        at: DateTime<Utc>,
    },
    /// A rule of the Kurultai refused the step.
    #[error(transparent)]
    Kurultai(Box<crate::kurultai::KurultaiError>),
    /// The entry does not continue the chain.
    #[error("{0}")]
    Chain(String),
    /// The entry's event contradicts the state or its own content.
    #[error("{0}")]
    Inconsistent(String),
    /// An audit act refused by its rule (boxed: the audit's errors are large).
    #[error(transparent)]
    Audit(Box<crate::audit::record::AuditError>),
}

impl From<crate::audit::record::AuditError> for LedgerError {
    fn from(e: crate::audit::record::AuditError) -> Self {
        LedgerError::Audit(Box::new(e))
    }
}

impl From<PresidentError> for LedgerError {
    fn from(e: PresidentError) -> Self {
        LedgerError::President(Box::new(e))
    }
}

impl From<crate::kurultai::KurultaiError> for LedgerError {
    fn from(e: crate::kurultai::KurultaiError) -> Self {
        LedgerError::Kurultai(Box::new(e))
    }
}

impl From<SignedError> for LedgerError {
    fn from(e: SignedError) -> Self {
        LedgerError::Signed(Box::new(e))
    }
}

fn list(v: &[Violation]) -> String {
    v.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// An event decided on the ledger's current state, to be recorded with [`Ledger::record`]
/// (or sealed and handed to [`Ledger::apply`], which decides it again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    event: Event,
    /// The head (sequence number) the decision was taken at.
    at: Option<u64>,
}

impl Decided {
    /// The event to record.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// The event, for sealing by hand.
    pub fn into_event(self) -> Event {
        self.event
    }
}

/// What to do with a submitted protocol.
// A decision lives for one call; boxing the event would cost an allocation per protocol.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Record this event.
    Record(Decided),
    /// Already recorded: nothing to do, here is the receipt it got then.
    Known(Receipt),
}

/// The certification of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    /// Log sequence number.
    pub seq: u64,
    /// When.
    pub recorded_at: String,
    /// Who.
    pub author: Author,
}

/// The state of one referendum.
#[derive(Debug, Clone)]
pub struct ReferendumRecord {
    /// Its definition.
    pub definition: ReferendumDefinition,
    book: ProtocolBook<PrecinctProtocol>,
    certification: Option<Certification>,
}

impl ReferendumRecord {
    /// The certification, once certified.
    pub fn certification(&self) -> Option<&Certification> {
        self.certification.as_ref()
    }

    /// Number of open conflicts.
    pub fn open_conflict_count(&self) -> u64 {
        self.book.open_conflict_count()
    }

    /// Its protocols.
    pub fn book(&self) -> &ProtocolBook<PrecinctProtocol> {
        &self.book
    }
}

/// A contest of any kind, as the ledger keeps it.
// A handful of contests live in the registry, each looked up by reference: boxing the larger
// records would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Contest {
    /// A referendum.
    Referendum(ReferendumRecord),
    /// A party-list election.
    PartyList(ElectionRecord),
    /// One round of a presidential election.
    Presidential(PresidentialRecord),
}

/// For one kind of contest: `ContestRecord` for the record held by its variant of
/// [`Contest`], and the ledger's typed look-ups of it (one, every one, the named or only one),
/// all answered by the one registry.
macro_rules! contest_record {
    ($record:ty, $variant:ident, $kind:expr, $noun:literal:
     $one:ident, $all:ident, $resolve:ident) => {
        impl ContestRecord<Contest> for $record {
            const KIND: ContestKind = $kind;
            fn pick(c: &Contest) -> Option<&Self> {
                match c {
                    Contest::$variant(r) => Some(r),
                    _ => None,
                }
            }
            fn pick_mut(c: &mut Contest) -> Option<&mut Self> {
                match c {
                    Contest::$variant(r) => Some(r),
                    _ => None,
                }
            }
        }

        impl Ledger {
            #[doc = concat!("One ", $noun, ".")]
            pub fn $one(&self, id: &ContestId) -> Result<&$record, LedgerError> {
                Ok(self.contests.get(id)?)
            }

            #[doc = concat!("Every ", $noun, ", by id.")]
            pub fn $all(&self) -> impl Iterator<Item = &$record> {
                self.contests.of_kind()
            }

            #[doc = concat!("The ", $noun, " named, or the only one; an error listing the known ones otherwise.")]
            pub fn $resolve(&self, id: Option<&str>) -> Result<&$record, LedgerError> {
                Ok(self.contests.resolve(id)?)
            }
        }
    };
}

contest_record!(ReferendumRecord, Referendum, ContestKind::Referendum, "referendum":
    referendum, referendums, resolve_referendum);
contest_record!(ElectionRecord, PartyList, ContestKind::PartyList, "party-list election":
    election, elections, resolve_election);
contest_record!(PresidentialRecord, Presidential, ContestKind::Presidential, "presidential election":
    presidential, presidentials, resolve_presidential);

/// The decision a replayed protocol entry must have been: a new record, never the receipt of
/// one already recorded (recording the same protocol again is no new entry).
fn recorded_anew(decision: Decision, precinct: PrecinctId) -> Result<Decided, LedgerError> {
    match decision {
        Decision::Record(d) => Ok(d),
        Decision::Known(_) => Err(LedgerError::Inconsistent(format!(
            "precinct {precinct}: this protocol was already recorded; recording it again changes nothing and is not a new entry"
        ))),
    }
}

/// A contest whose precincts send protocols of one kind into a [`ProtocolBook`].
trait KeepsProtocols: ContestRecord<Contest> {
    /// The kind of protocol.
    type Protocol: ContestProtocol;
    /// Its book.
    fn book_mut(&mut self) -> &mut ProtocolBook<Self::Protocol>;
}

impl KeepsProtocols for ReferendumRecord {
    type Protocol = PrecinctProtocol;
    fn book_mut(&mut self) -> &mut ProtocolBook<PrecinctProtocol> {
        &mut self.book
    }
}

/// How far a signing time may lie after the moment the protocol is recorded: the clocks of a
/// precinct's computer and of the server may differ by this much.
pub const SIGNING_CLOCK_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The replayed state of the whole log.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    head: Option<(u64, LogHash)>,
    /// The transparency log's Merkle tree over every entry (leaf = the entry hash's bytes).
    tree: MerkleTree,
    /// Each entry's time, by `seq − 1`: the timestamp of the tree head of that size.
    times: Vec<DateTime<Utc>>,
    /// The commissions' keys.
    keys: KeyRegistry,
    /// Who is above whom, from the territory.
    hierarchy: CommissionHierarchy,
    territory: Option<(Territory, TerritoryIndex)>,
    contests: Registry<Contest>,
    parties: Vec<RegisteredParty>,
    party_rules: PartyRules,
    /// The record of past presidents, by IIN digest (the single-term rule).
    past_presidents: Vec<PastPresident>,
    audits: std::collections::BTreeMap<String, crate::audit::record::AuditRecord>,
    kurultai: crate::kurultai::Kurultai,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Replays entries from the first, checking every one.
    pub fn replay<'a>(
        entries: impl IntoIterator<Item = &'a LogEntry>,
    ) -> Result<Self, LedgerError> {
        let mut ledger = Ledger::new();
        for e in entries {
            ledger.apply(e)?;
        }
        Ok(ledger)
    }

    /// Sequence number and hash of the last entry.
    pub fn head(&self) -> Option<(u64, &LogHash)> {
        self.head.as_ref().map(|(s, h)| (*s, h))
    }

    /// The sequence number the next entry gets and the `prev` it carries.
    pub fn next_position(&self) -> (u64, LogHash) {
        match &self.head {
            Some((seq, hash)) => (seq + 1, hash.clone()),
            None => (1, LogHash::genesis()),
        }
    }

    /// Seals an event as the next entry (does not apply it); [`Ledger::record`] seals and
    /// applies a decision in one step.
    pub fn seal(&self, recorded_at: String, event: Event) -> LogEntry {
        let (seq, prev) = self.next_position();
        LogEntry::seal(seq, prev, recorded_at, event)
    }

    /// The territory, once loaded.
    pub fn territory(&self) -> Option<&Territory> {
        self.territory.as_ref().map(|(t, _)| t)
    }

    /// The territory and its index, once loaded.
    pub fn territory_index(&self) -> Option<&TerritoryIndex> {
        self.territory.as_ref().map(|(_, i)| i)
    }

    /// Every contest — referendums and elections — in one registry under one namespace.
    pub fn contests(&self) -> &Registry<Contest> {
        &self.contests
    }

    fn open(&self, id: &ContestId) -> Result<&ReferendumRecord, LedgerError> {
        let r = self.referendum(id)?;
        if r.certification.is_some() {
            return Err(LedgerError::Certified(id.clone()));
        }
        Ok(r)
    }

    fn placement(&self, p: PrecinctId) -> Result<usize, LedgerError> {
        let (_, index) = self.territory.as_ref().ok_or(LedgerError::NoTerritory)?;
        index
            .placement(p)
            .map(|pl| pl.precinct)
            .ok_or(LedgerError::UnknownPrecinct(p))
    }

    fn decided(&self, event: Event) -> Decided {
        Decided {
            event,
            at: self.head.as_ref().map(|(s, _)| *s),
        }
    }

    // ---- decisions -------------------------------------------------------------------------

    /// Decides to load a territory.
    pub fn load_territory(&self, territory: Territory) -> Result<Decided, LedgerError> {
        if let Some((r, _)) = self.contests.all().next() {
            return Err(LedgerError::TerritoryFixed(r.clone()));
        }
        if self.keys.keys().next().is_some() {
            return Err(LedgerError::TerritoryHasKeys);
        }
        territory.validate()?;
        Ok(self.decided(Event::TerritoryLoaded { territory }))
    }

    /// Decides to define a referendum.
    pub fn create_referendum(
        &self,
        definition: ReferendumDefinition,
    ) -> Result<Decided, LedgerError> {
        if self.territory.is_none() {
            return Err(LedgerError::NoTerritory);
        }
        definition.validate()?;
        if self.contests.contains(&definition.id) {
            return Err(LedgerError::DuplicateReferendum(definition.id));
        }
        Ok(self.decided(Event::ReferendumCreated { definition }))
    }

    /// Decides what a submitted protocol does: accepted, a conflict, or already known.
    pub fn submit(&self, protocol: PrecinctProtocol) -> Result<Decision, LedgerError> {
        self.submit_with(protocol, None, None)
    }

    /// Decides what a protocol an operator entered from the paper protocol does, like
    /// [`Ledger::submit`], recording who entered it (`entered_by` in the event): accepted, a
    /// conflict for review, or already known. The entry carries no commission signature; the
    /// operator's account is the whole of its provenance. Whether the operator may enter
    /// protocols for this precinct is the server's check (`operator::permits`), before it
    /// decides.
    pub fn submit_entered(
        &self,
        protocol: PrecinctProtocol,
        author: Author,
    ) -> Result<Decision, LedgerError> {
        require(&author.name, "the author")?;
        self.submit_with(protocol, None, Some(author))
    }

    /// Decides what a signed protocol does, like [`Ledger::submit`], once its key may sign
    /// for its precinct at its signing time (registered for that precinct, neither rotated
    /// nor revoked by then). The signature itself was checked when the [`VerifiedProtocol`]
    /// was made. The same numbers again, whoever signed them, are already known: the receipt
    /// then is the one the log gave the first time.
    pub fn submit_signed(&self, document: &VerifiedProtocol) -> Result<Decision, LedgerError> {
        let st = &document.signed().statement;
        self.keys
            .key_for_precinct(&st.key_id, st.precinct, st.signed_at)
            .map_err(|e| LedgerError::from(SignedError::from(e)))?;
        self.submit_with(document.protocol(), Some(document.signature_record()), None)
    }

    fn submit_with(
        &self,
        protocol: PrecinctProtocol,
        signature: Option<ProtocolSignature>,
        entered_by: Option<Author>,
    ) -> Result<Decision, LedgerError> {
        let r = self.open(&protocol.referendum)?;
        let i = self.placement(protocol.precinct)?;
        let check = protocol::check(&protocol.lines);
        if !check.accepted() {
            return Err(LedgerError::Rejected {
                precinct: protocol.precinct,
                errors: check.errors,
            });
        }
        let protocol_hash = protocol.content_hash();
        Ok(
            match r.book.submit_step(i, protocol.precinct, &protocol_hash) {
                SubmitStep::Accept => Decision::Record(self.decided(Event::ProtocolAccepted {
                    protocol,
                    protocol_hash,
                    warnings: check.warnings,
                    signature,
                    entered_by,
                })),
                SubmitStep::Known(receipt) => Decision::Known(receipt),
                SubmitStep::Conflict { applied_hash } => {
                    Decision::Record(self.decided(Event::ProtocolConflict {
                        protocol,
                        protocol_hash,
                        applied_hash,
                        signature,
                        entered_by,
                    }))
                }
            },
        )
    }

    /// Decides an explicit amendment of a precinct's applied protocol.
    pub fn amend(
        &self,
        protocol: PrecinctProtocol,
        reason: &str,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        self.amend_with(protocol, reason, author, None)
    }

    /// Decides an amendment that applies a signed document — typically an operator accepting
    /// the corrected version a precinct commission sent, held as a conflict. The signature is
    /// checked against the keys as they stand.
    pub fn amend_with(
        &self,
        protocol: PrecinctProtocol,
        reason: &str,
        author: Author,
        signature: Option<ProtocolSignature>,
    ) -> Result<Decided, LedgerError> {
        if let Some(sig) = &signature {
            sig.verify(&protocol, &self.keys)?;
        }
        let r = self.open(&protocol.referendum)?;
        let i = self.placement(protocol.precinct)?;
        require(reason, "the reason")?;
        require(&author.name, "the author")?;
        if r.book.applied(i).is_none() {
            return Err(LedgerError::NothingToAmend(protocol.precinct));
        }
        let check = protocol::check(&protocol.lines);
        if !check.accepted() {
            return Err(LedgerError::Rejected {
                precinct: protocol.precinct,
                errors: check.errors,
            });
        }
        let protocol_hash = protocol.content_hash();
        let replaces_hash = r.book.amend_step(i, protocol.precinct, &protocol_hash)?;
        Ok(self.decided(Event::ProtocolAmended {
            protocol,
            protocol_hash,
            replaces_hash,
            reason: reason.trim().to_owned(),
            author,
            warnings: check.warnings,
            signature,
        }))
    }

    /// Decides a registration, rotation or revocation of a commission's key: the acting
    /// commission must be above the one whose key it manages (see [`KeyRegistry::check`]).
    pub fn manage_key(&self, change: KeyEvent) -> Result<Decided, LedgerError> {
        if self.territory.is_none() {
            return Err(LedgerError::NoTerritory);
        }
        let author = match &change {
            KeyEvent::KeyRegistered(e) => &e.author,
            KeyEvent::KeyRotated(e) => &e.author,
            KeyEvent::KeyRevoked(e) => {
                require(&e.reason, "the reason")?;
                &e.author
            }
        };
        require(&author.name, "the author")?;
        self.keys.check(&change, &self.hierarchy)?;
        Ok(self.decided(Event::CommissionKey { change }))
    }

    /// Decides to dismiss an open conflict, keeping the applied protocol.
    pub fn dismiss_conflict(
        &self,
        referendum: &ContestId,
        precinct: PrecinctId,
        protocol_hash: &str,
        reason: &str,
        author: Author,
    ) -> Result<Decided, LedgerError> {
        self.placement(precinct)?;
        require(reason, "the reason")?;
        require(&author.name, "the author")?;
        if self.election(referendum).is_ok() {
            self.open_election(referendum)?
                .book
                .dismiss_step(precinct, protocol_hash)?;
        } else {
            self.open(referendum)?
                .book
                .dismiss_step(precinct, protocol_hash)?;
        }
        Ok(self.decided(Event::ConflictDismissed {
            referendum: referendum.clone(),
            precinct,
            protocol_hash: protocol_hash.to_owned(),
            reason: reason.trim().to_owned(),
            author,
        }))
    }

    /// Decides to certify a final result, stating the figures it publishes.
    pub fn certify(&self, referendum: &ContestId, author: Author) -> Result<Decided, LedgerError> {
        self.open(referendum)?;
        require(&author.name, "the author")?;
        let results = self.results(referendum)?;
        if results.status != ResultStatus::Final {
            return Err(LedgerError::NotFinal {
                referendum: referendum.clone(),
                missing: results.national.precincts - results.national.precincts_reported,
                conflicts: results.open_conflicts,
            });
        }
        Ok(self.decided(Event::ResultCertified {
            referendum: referendum.clone(),
            author,
            national: results.national,
            regions: results
                .regions
                .iter()
                .map(|r| (r.code.clone(), r.totals))
                .collect(),
            outcome: results.outcome,
        }))
    }

    // ---- queries ---------------------------------------------------------------------------

    /// The result of a referendum now, at every level.
    pub fn results(&self, id: &ContestId) -> Result<ResultsTree, LedgerError> {
        let r = self.referendum(id)?;
        let (territory, index) = self.territory.as_ref().ok_or(LedgerError::NoTerritory)?;
        let (national, regions) = tally::aggregate(
            territory,
            |i| {
                index
                    .placement(territory.precincts[i].id)
                    .map(|p| p.district)
                    .expect("the index covers every precinct of its territory")
            },
            |i| {
                r.book
                    .applied(i)
                    .map(|a| (&a.protocol.lines, !a.warnings.is_empty()))
            },
        );
        let outcome = tally::outcome(&r.definition, &national, &regions);
        let open_conflicts = r.open_conflict_count();
        let status = if r.certification.is_some() {
            if self.amended_by_audit(id) {
                ResultStatus::CertifiedAmendedByAudit
            } else {
                ResultStatus::Certified
            }
        } else if national.complete() && open_conflicts == 0 {
            ResultStatus::Final
        } else {
            ResultStatus::Preliminary
        };
        Ok(ResultsTree {
            referendum: id.clone(),
            status,
            open_conflicts,
            national,
            outcome,
            regions,
        })
    }

    /// The protocol applied for a precinct, if any.
    pub fn applied(
        &self,
        id: &ContestId,
        precinct: PrecinctId,
    ) -> Result<Option<&AppliedProtocol>, LedgerError> {
        let r = self.referendum(id)?;
        let i = self.placement(precinct)?;
        Ok(r.book.applied(i))
    }

    /// Every protocol applied so far, in territory order.
    pub fn applied_protocols(
        &self,
        id: &ContestId,
    ) -> Result<impl Iterator<Item = &AppliedProtocol>, LedgerError> {
        Ok(self.referendum(id)?.book.all_applied())
    }

    /// The receipt of the protocol event recorded at `seq` for a precinct, if that event
    /// accepted, amended or recorded a conflict and its protocol is still applied or open.
    pub fn receipt_at(&self, id: &ContestId, precinct: PrecinctId, seq: u64) -> Option<Receipt> {
        let i = self.placement(precinct).ok()?;
        match self.contests.all().find(|(c, _)| *c == id)?.1 {
            Contest::Referendum(r) => r.book.receipt_at(i, precinct, seq),
            Contest::PartyList(e) => e.book.receipt_at(i, precinct, seq),
            Contest::Presidential(p) => p.book.receipt_at(i, precinct, seq),
        }
    }

    /// A precinct's history, oldest first.
    pub fn history(
        &self,
        id: &ContestId,
        precinct: PrecinctId,
    ) -> Result<&[HistoryItem], LedgerError> {
        let r = self.referendum(id)?;
        self.placement(precinct)?;
        Ok(r.book.history(precinct))
    }

    /// Open conflicts, by precinct.
    pub fn open_conflicts(
        &self,
        id: &ContestId,
    ) -> Result<impl Iterator<Item = &OpenConflict>, LedgerError> {
        Ok(self.referendum(id)?.book.open_conflicts())
    }

    /// Precincts that have not reported, in territory order.
    pub fn missing_precincts(&self, id: &ContestId) -> Result<Vec<PrecinctId>, LedgerError> {
        let r = self.referendum(id)?;
        let (t, _) = self.territory.as_ref().ok_or(LedgerError::NoTerritory)?;
        Ok(r.book.missing(t))
    }

    /// The commissions' keys.
    pub fn keys(&self) -> &KeyRegistry {
        &self.keys
    }

    /// Who is above whom in the loaded territory (empty before a territory is loaded).
    pub fn hierarchy(&self) -> &CommissionHierarchy {
        &self.hierarchy
    }

    // ---- the transparency log ------------------------------------------------------------

    /// The Merkle tree over every entry so far (RFC 9162 §2.1; leaf data = the entry hash's
    /// 32 bytes).
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    /// The time of the entry with sequence number `seq`.
    pub fn entry_time(&self, seq: u64) -> Option<DateTime<Utc>> {
        let i = usize::try_from(seq.checked_sub(1)?).ok()?;
        self.times.get(i).copied()
    }

    /// The tree head of the first `size` entries, signed with the log's key. Its timestamp is
    /// the time of entry `size` (the Unix epoch for the empty tree), so a head is a function
    /// of the log and the key: every server instance signs the same bytes for the same size.
    pub fn tree_head(
        &self,
        size: u64,
        log_key: &CommissionSigningKey,
    ) -> Result<SignedTreeHead, TransparencyError> {
        let root = self.tree.root_at(size)?;
        let timestamp = match size {
            0 => DateTime::UNIX_EPOCH,
            _ => self
                .entry_time(size)
                .ok_or(merkle::MerkleError::SizeBeyondTree {
                    size,
                    available: self.tree.size(),
                })?,
        };
        SignedTreeHead::sign(size, root, timestamp, log_key)
    }

    /// The log's signed receipt for a protocol event: it names the entry and embeds the tree
    /// head of the tree that ends with that entry. Deterministic, like [`Ledger::tree_head`]:
    /// asking again, or asking another instance, gives the same receipt.
    pub fn signed_receipt(
        &self,
        receipt: &Receipt,
        log_key: &CommissionSigningKey,
    ) -> Result<SignedReceipt, TransparencyError> {
        let head = self.tree_head(receipt.seq, log_key)?;
        SignedReceipt::sign(receipt, head, log_key)
    }

    // ---- apply -----------------------------------------------------------------------------

    /// Records a decision taken on this very state: seals it as the next entry and changes
    /// the state. The event is not decided a second time and its hash not recomputed, which
    /// [`Ledger::apply`] does for entries that come from elsewhere. A decision taken on an
    /// older state is refused: decide again.
    pub fn record(
        &mut self,
        decided: Decided,
        recorded_at: String,
    ) -> Result<LogEntry, LedgerError> {
        let head = self.head.as_ref().map(|(s, _)| *s);
        if decided.at != head {
            return Err(LedgerError::Chain(format!(
                "the decision was taken at entry {:?} but the log is at entry {head:?}; decide again",
                decided.at
            )));
        }
        let time = self.check_phase(&decided.event, &recorded_at)?;
        let entry = self.seal(recorded_at, decided.event);
        self.mutate(&entry)?;
        self.advance(&entry, time)?;
        Ok(entry)
    }

    /// Moves the head to `entry` and adds it to the transparency tree.
    fn advance(&mut self, entry: &LogEntry, time: DateTime<Utc>) -> Result<(), LedgerError> {
        let leaf = merkle::entry_leaf_hash(&entry.hash).map_err(|e| {
            LedgerError::Chain(format!(
                "entry {}: its hash is not SHA-256 hex: {e}",
                entry.seq
            ))
        })?;
        self.tree.push_leaf_hash(leaf);
        self.times.push(time);
        self.head = Some((entry.seq, entry.hash.clone()));
        Ok(())
    }

    /// Applies the next entry of the log: checks its place in the chain and its hash,
    /// re-decides the event on the current state (control ratios, the precinct's status, the
    /// figures of a certification), then changes the state. On error nothing changes.
    pub fn apply(&mut self, entry: &LogEntry) -> Result<(), LedgerError> {
        Head::from(self.head.clone())
            .check_next(entry)
            .map_err(|e| LedgerError::Chain(e.to_string()))?;
        let time = self.check_phase(&entry.event, &entry.recorded_at)?;
        self.check_event(&entry.event)?;
        self.mutate(entry)?;
        self.advance(entry, time)?;
        Ok(())
    }

    /// Every entry's time is an RFC 3339 time; a protocol is recorded only once the polls of
    /// its contest have closed, and a signed one must also have been signed after the close
    /// and not later than the entry's time (give or take [`SIGNING_CLOCK_TOLERANCE`]) —
    /// judged by the entry's own time, so the verifier checks it too. Returns the time.
    fn check_phase(&self, event: &Event, recorded_at: &str) -> Result<DateTime<Utc>, LedgerError> {
        let at = DateTime::parse_from_rfc3339(recorded_at)
            .map_err(|e| {
                LedgerError::Inconsistent(format!(
                    "the entry's time {recorded_at:?} is not an RFC 3339 time ({e})"
                ))
            })?
            .to_utc();
        let (contest, close, signed) = match event {
            Event::ProtocolAccepted {
                protocol,
                signature,
                ..
            }
            | Event::ProtocolConflict {
                protocol,
                signature,
                ..
            }
            | Event::ProtocolAmended {
                protocol,
                signature,
                ..
            } => (
                &protocol.referendum,
                self.referendum(&protocol.referendum)
                    .ok()
                    .map(|r| r.definition.polls_close_utc()),
                signature.as_ref().map(|s| (protocol.precinct, s.signed_at)),
            ),
            Event::PartyListAccepted { protocol, .. }
            | Event::PartyListConflict { protocol, .. }
            | Event::PartyListAmended { protocol, .. } => (
                &protocol.election,
                self.election(&protocol.election)
                    .ok()
                    .map(|e| e.definition.polls_close_utc()),
                None,
            ),
            Event::President(e) => match self.presidential_close(e) {
                Some((contest, close)) => (
                    contest,
                    close,
                    e.signature()
                        .zip(e.protocol())
                        .map(|(s, p)| (p.precinct, s.signed_at)),
                ),
                None => return Ok(at),
            },
            _ => return Ok(at),
        };
        // An unknown contest is refused by the decision itself.
        let Some(close) = close else { return Ok(at) };
        let secs = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if at < close {
            return Err(LedgerError::VotingOpen {
                contest: contest.clone(),
                closes: secs(close),
                at: recorded_at.to_owned(),
            });
        }
        if let Some((precinct, signed_at)) = signed {
            if signed_at < close {
                return Err(LedgerError::SignedBeforeClose {
                    contest: contest.clone(),
                    precinct,
                    closes: close,
                    signed_at,
                });
            }
            if signed_at > at + SIGNING_CLOCK_TOLERANCE {
                return Err(LedgerError::SignedInFuture {
                    precinct,
                    signed_at,
                    at,
                });
            }
        }
        Ok(at)
    }

    /// Re-decides an event on the current state: it must be exactly what the decision would
    /// have produced.
    fn check_event(&self, event: &Event) -> Result<(), LedgerError> {
        let decided = match event {
            Event::TerritoryLoaded { territory } => self.load_territory(territory.clone())?,
            Event::ReferendumCreated { definition } => {
                self.create_referendum(definition.clone())?
            }
            Event::ProtocolAccepted {
                protocol,
                signature,
                entered_by,
                ..
            }
            | Event::ProtocolConflict {
                protocol,
                signature,
                entered_by,
                ..
            } => {
                let decision = match (signature, entered_by) {
                    // The signature is checked again here, from the log alone.
                    (Some(sig), None) => self.submit_signed(&sig.verify(protocol, &self.keys)?)?,
                    (None, Some(author)) => {
                        self.submit_entered(protocol.clone(), author.clone())?
                    }
                    (None, None) => self.submit(protocol.clone())?,
                    (Some(_), Some(_)) => return Err(signed_and_entered(protocol.precinct)),
                };
                recorded_anew(decision, protocol.precinct)?
            }
            Event::ProtocolAmended {
                protocol,
                reason,
                author,
                signature,
                ..
            } => self.amend_with(protocol.clone(), reason, author.clone(), signature.clone())?,
            Event::CommissionKey { change } => self.manage_key(change.clone())?,
            Event::ConflictDismissed {
                referendum,
                precinct,
                protocol_hash,
                reason,
                author,
            } => {
                self.dismiss_conflict(referendum, *precinct, protocol_hash, reason, author.clone())?
            }
            Event::ResultCertified {
                referendum, author, ..
            } => self.certify(referendum, author.clone())?,
            Event::President(e) => self.check_president_event(e)?,
            Event::Audit(e) => self.check_audit_event(e)?,
            Event::Kurultai(e) => self.decide_kurultai(e.clone())?,
            other => self.check_election_event(other)?,
        };
        if &decided.event == event {
            return Ok(());
        }
        Err(LedgerError::Inconsistent(describe_difference(
            event,
            &decided.event,
        )))
    }

    /// Changes the state by an event already checked.
    fn mutate(&mut self, entry: &LogEntry) -> Result<(), LedgerError> {
        match &entry.event {
            Event::TerritoryLoaded { territory } => {
                let index = TerritoryIndex::new(territory)?;
                self.hierarchy = CommissionHierarchy::from_territory(territory);
                self.territory = Some((territory.clone(), index));
            }
            Event::CommissionKey { change } => self.keys.record(change),
            Event::ReferendumCreated { definition } => {
                let n = self.territory().map_or(0, |t| t.precincts.len());
                self.contests.insert(
                    definition.id.clone(),
                    Contest::Referendum(ReferendumRecord {
                        definition: definition.clone(),
                        book: ProtocolBook::new(n),
                        certification: None,
                    }),
                );
            }
            Event::ProtocolAccepted {
                protocol,
                protocol_hash,
                warnings,
                ..
            } => self.apply_protocol::<ReferendumRecord>(
                entry,
                protocol,
                protocol_hash,
                warnings,
                None,
            )?,
            Event::ProtocolConflict {
                protocol,
                protocol_hash,
                ..
            } => self.conflict_protocol::<ReferendumRecord>(entry, protocol, protocol_hash)?,
            Event::ProtocolAmended {
                protocol,
                protocol_hash,
                reason,
                author,
                warnings,
                ..
            } => self.apply_protocol::<ReferendumRecord>(
                entry,
                protocol,
                protocol_hash,
                warnings,
                Some((reason, author)),
            )?,
            Event::ConflictDismissed {
                referendum,
                precinct,
                protocol_hash,
                reason,
                author,
            } => {
                if let Ok(e) = self.contests.get_mut::<ElectionRecord>(referendum) {
                    e.book
                        .dismiss(entry, *precinct, protocol_hash, reason, author);
                } else {
                    self.record_mut(referendum)?.book.dismiss(
                        entry,
                        *precinct,
                        protocol_hash,
                        reason,
                        author,
                    );
                }
            }
            Event::ResultCertified {
                referendum, author, ..
            } => {
                let r = self.record_mut(referendum)?;
                r.certification = Some(Certification {
                    seq: entry.seq,
                    recorded_at: entry.recorded_at.clone(),
                    author: author.clone(),
                });
            }
            Event::President(e) => self.mutate_president(entry, e)?,
            Event::Audit(e) => self.mutate_audit(entry, e)?,
            Event::Kurultai(e) => self.kurultai.apply(e, entry.seq),
            other => self.mutate_election(entry, other)?,
        }
        Ok(())
    }

    /// Applies an accepted or amended protocol of any contest to its book.
    fn apply_protocol<R: KeepsProtocols>(
        &mut self,
        entry: &LogEntry,
        protocol: &R::Protocol,
        protocol_hash: &str,
        warnings: &[Violation],
        amendment: Option<(&String, &Author)>,
    ) -> Result<(), LedgerError> {
        let i = self.placement(protocol.precinct())?;
        let book = self.contests.get_mut::<R>(protocol.contest())?.book_mut();
        book.apply(
            i,
            entry,
            protocol,
            protocol_hash,
            warnings,
            amendment.map(|(r, a)| (r.as_str(), a)),
        );
        Ok(())
    }

    /// Records a conflicting protocol of any contest in its book.
    fn conflict_protocol<R: KeepsProtocols>(
        &mut self,
        entry: &LogEntry,
        protocol: &R::Protocol,
        protocol_hash: &str,
    ) -> Result<(), LedgerError> {
        let book = self.contests.get_mut::<R>(protocol.contest())?.book_mut();
        book.conflict(entry, protocol, protocol_hash);
        Ok(())
    }

    fn record_mut(&mut self, id: &ContestId) -> Result<&mut ReferendumRecord, LedgerError> {
        Ok(self.contests.get_mut(id)?)
    }
}

/// A protocol entry that claims both ways of arrival.
fn signed_and_entered(precinct: PrecinctId) -> LedgerError {
    LedgerError::Inconsistent(format!(
        "precinct {precinct}: the entry says the protocol is both signed by the commission and entered by an operator; a protocol arrives one way or the other"
    ))
}

fn require(text: &str, what: &'static str) -> Result<(), LedgerError> {
    if text.trim().is_empty() {
        Err(LedgerError::Missing(what))
    } else {
        Ok(())
    }
}

/// Says how a recorded event differs from the one re-decided from the state.
fn describe_difference(recorded: &Event, derived: &Event) -> String {
    match (recorded, derived) {
        (
            Event::ResultCertified {
                national,
                regions,
                outcome,
                ..
            },
            Event::ResultCertified {
                national: n2,
                regions: r2,
                outcome: o2,
                ..
            },
        ) => {
            if let Some(diff) = first_difference(national, n2, regions, r2) {
                format!(
                    "the certified figures differ from those re-derived from the protocols: {diff}"
                )
            } else if outcome != o2 {
                format!(
                    "the certified outcome ({}; {}) differs from the re-derived one ({}; {})",
                    outcome.validity_reason,
                    outcome.adoption_reason,
                    o2.validity_reason,
                    o2.adoption_reason
                )
            } else {
                "the certification differs from the one re-derived from the state".to_owned()
            }
        }
        (
            Event::ProtocolAccepted {
                protocol,
                protocol_hash,
                warnings,
                ..
            },
            Event::ProtocolAccepted {
                protocol_hash: h,
                warnings: w,
                ..
            },
        ) => format!(
            "precinct {}: the recorded protocol hash or warnings ({protocol_hash}, {} warnings) differ from those re-derived from its numbers ({h}, {} warnings)",
            protocol.precinct,
            warnings.len(),
            w.len()
        ),
        (Event::ProtocolAccepted { protocol, .. }, Event::ProtocolConflict { .. }) => format!(
            "precinct {} had already reported: a second protocol cannot be accepted, only amended",
            protocol.precinct
        ),
        (Event::ProtocolConflict { protocol, .. }, _) => format!(
            "precinct {}: this conflict does not follow from the state (no different protocol applied, or the hashes do not match)",
            protocol.precinct
        ),
        (Event::ProtocolAmended { protocol, .. }, _) => format!(
            "precinct {}: the amendment's hashes or warnings differ from those re-derived from the state and its numbers",
            protocol.precinct
        ),
        (other, _) => format!(
            "the {} event differs from the one re-derived from the state",
            other.kind()
        ),
    }
}

impl Domain for Ledger {
    type Event = Event;
    type Decided = Decided;
    type Error = LedgerError;
    const CHAIN: &'static str = "public";

    fn head(&self) -> Option<(u64, &LogHash)> {
        Ledger::head(self)
    }

    fn record(&mut self, decided: Decided, recorded_at: String) -> Result<LogEntry, LedgerError> {
        Ledger::record(self, decided, recorded_at)
    }

    fn apply(&mut self, entry: &LogEntry) -> Result<(), LedgerError> {
        Ledger::apply(self, entry)
    }
}

/// Names the first published figure that differs from the re-derived one.
pub fn first_difference(
    published_national: &Totals,
    derived_national: &Totals,
    published_regions: &[(crate::territory::RegionCode, Totals)],
    derived_regions: &[(crate::territory::RegionCode, Totals)],
) -> Option<String> {
    if let Some(d) = totals_difference(published_national, derived_national) {
        return Some(format!("national {d}"));
    }
    if published_regions.len() != derived_regions.len() {
        return Some(format!(
            "{} regions published, {} derived",
            published_regions.len(),
            derived_regions.len()
        ));
    }
    for ((pc, pt), (dc, dt)) in published_regions.iter().zip(derived_regions) {
        if pc != dc {
            return Some(format!("region {pc} published where {dc} was derived"));
        }
        if let Some(d) = totals_difference(pt, dt) {
            return Some(format!("region {pc} {d}"));
        }
    }
    None
}

fn totals_difference(published: &Totals, derived: &Totals) -> Option<String> {
    let p = [
        ("precincts", published.precincts),
        ("precincts_reported", published.precincts_reported),
        ("registered_voters", published.registered_voters),
        (
            "registered_voters_reported",
            published.registered_voters_reported,
        ),
        ("precincts_with_warnings", published.precincts_with_warnings),
    ];
    let d = [
        derived.precincts,
        derived.precincts_reported,
        derived.registered_voters,
        derived.registered_voters_reported,
        derived.precincts_with_warnings,
    ];
    for ((name, pv), dv) in p.iter().zip(d) {
        if *pv != dv {
            return Some(format!("{name}: published {pv}, derived {dv}"));
        }
    }
    for ((name, pv), (_, dv)) in published.lines.named().iter().zip(derived.lines.named()) {
        if *pv != dv {
            return Some(format!("{name}: published {pv}, derived {dv}"));
        }
    }
    None
}
