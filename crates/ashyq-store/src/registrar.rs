//! The registrar: the public log's journal ([`Journal`] of the [`Ledger`]) with the commands
//! of referendums, elections and commission keys, and the group commit of signed protocols.
//!
//! Every write goes through the one journal: decide on the current ledger
//! (`ashyq_core::ledger`), record the decision in memory, append it to the store in one
//! transaction; rebuilt from the store on failure, decided again when another instance moved
//! the head (see [`crate::journal`]).

use std::sync::RwLockReadGuard;

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::election::PartyListProtocol;
use ashyq_core::event::LogEntry;
use ashyq_core::keys::{KeyEvent, KeyStatusError};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::president::PresidentialProtocol;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::receipt::Receipt;
use ashyq_core::referendum::ReferendumDefinition;
use ashyq_core::signed::{
    ProtocolSignature, Signed, SignedError, SignedPresidentialProtocol, SignedProtocol, Statement,
    Verified, VerifiedPresidentialProtocol, VerifiedProtocol,
};
use ashyq_core::territory::{PrecinctId, Territory};
use tokio::sync::watch;

use crate::Store;
use crate::journal::{BatchStep, GroupCommit, Journal, JournalError};
pub use crate::journal::{Clock, system_clock};

/// Why a command of the public log did not go through.
pub type RegistrarError = JournalError<LedgerError>;

/// See the module documentation.
pub struct Registrar {
    journal: Journal<Ledger>,
    /// Signed protocols waiting for the next group commit.
    signed: GroupCommit<Checked, Receipt, LedgerError>,
}

/// A signed protocol of any kind whose signature was checked, queued for the group commit.
enum Checked {
    Referendum(VerifiedProtocol),
    Presidential(VerifiedPresidentialProtocol),
}

/// The most submissions committed in one transaction.
const GROUP_COMMIT_MAX: usize = 512;

impl Registrar {
    /// Opens the store at `url` and replays its log.
    pub async fn open(url: &str) -> Result<Self, RegistrarError> {
        let store = Store::open(url).await?;
        Self::with_store(store, system_clock()).await
    }

    /// Replays the log of an open store; new entries get their time from `clock`.
    pub async fn with_store(store: Store, clock: Clock) -> Result<Self, RegistrarError> {
        Ok(Registrar {
            journal: Journal::open(store, clock).await?,
            signed: GroupCommit::new(GROUP_COMMIT_MAX),
        })
    }

    /// Replaces the clock (the demo uses a simulated election-night clock).
    pub fn set_clock(&mut self, clock: Clock) {
        self.journal.set_clock(clock);
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.journal.store()
    }

    /// The journal of the public log.
    pub fn journal(&self) -> &Journal<Ledger> {
        &self.journal
    }

    /// Read access to the ledger. Hold it briefly: writers wait for it.
    pub fn ledger(&self) -> RwLockReadGuard<'_, Ledger> {
        self.journal.state()
    }

    /// The sequence number of the last entry, as a channel that changes on every append.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.journal.subscribe()
    }

    /// Reads new entries written by other instances into memory.
    pub async fn catch_up(&self) -> Result<bool, RegistrarError> {
        self.journal.catch_up().await
    }

    /// Decides with `decide` on the current state and records the event: the write path of
    /// every command that records one entry.
    pub async fn record<F>(&self, decide: F) -> Result<LogEntry, RegistrarError>
    where
        F: Fn(&Ledger) -> Result<Decided, LedgerError>,
    {
        self.journal.record(decide).await
    }

    /// Loads a territory.
    pub async fn load_territory(&self, territory: Territory) -> Result<LogEntry, RegistrarError> {
        self.record(move |l| l.load_territory(territory.clone()))
            .await
    }

    /// Defines a referendum.
    pub async fn create_referendum(
        &self,
        def: ReferendumDefinition,
    ) -> Result<LogEntry, RegistrarError> {
        self.record(move |l| l.create_referendum(def.clone())).await
    }

    /// Amends a precinct's protocol.
    pub async fn amend(
        &self,
        protocol: PrecinctProtocol,
        reason: &str,
        author: Author,
    ) -> Result<Receipt, RegistrarError> {
        let (referendum, precinct) = (protocol.referendum.clone(), protocol.precinct);
        let entry = self
            .record(move |l| l.amend(protocol.clone(), reason, author.clone()))
            .await?;
        Ok(self.receipt(&referendum, precinct, entry.seq))
    }

    /// Dismisses an open conflict.
    pub async fn dismiss_conflict(
        &self,
        referendum: &ContestId,
        precinct: PrecinctId,
        protocol_hash: &str,
        reason: &str,
        author: Author,
    ) -> Result<LogEntry, RegistrarError> {
        self.record(move |l| {
            l.dismiss_conflict(referendum, precinct, protocol_hash, reason, author.clone())
        })
        .await
    }

    /// Certifies a final result.
    pub async fn certify(
        &self,
        referendum: &ContestId,
        author: Author,
    ) -> Result<LogEntry, RegistrarError> {
        self.record(move |l| l.certify(referendum, author.clone()))
            .await
    }

    /// Submits one party-list protocol: the same receipt for the same document, a conflict
    /// for different numbers (see `Ledger::submit_party_list`).
    pub async fn submit_party_list(
        &self,
        protocol: PartyListProtocol,
    ) -> Result<Receipt, RegistrarError> {
        let mut out = self
            .journal
            .record_batch(std::slice::from_ref(&protocol), |l, p, at| {
                protocol_step(
                    l,
                    l.submit_party_list(p.clone()),
                    at,
                    (&p.election, p.precinct),
                )
            })
            .await?;
        out.pop()
            .expect("one result per protocol")
            .map_err(RegistrarError::Refused)
    }

    /// Submits presidential protocols, each decided in order as if alone, appended in one
    /// transaction (group commit); one result per protocol, as [`Registrar::submit_batch`].
    pub async fn submit_presidential(
        &self,
        protocols: &[PresidentialProtocol],
    ) -> Result<Vec<Result<Receipt, LedgerError>>, RegistrarError> {
        self.journal
            .record_batch(protocols, |l, p, at| {
                protocol_step(
                    l,
                    l.submit_presidential(p.clone()),
                    at,
                    (&p.election, p.precinct),
                )
            })
            .await
    }

    /// Submits a presidential protocol an operator entered from the paper protocol, recorded
    /// with the operator as its author (`Ledger::submit_presidential_entered`), as
    /// [`Registrar::submit_entered`] does for the referendum's.
    pub async fn submit_presidential_entered(
        &self,
        protocol: PresidentialProtocol,
        author: Author,
    ) -> Result<Result<Receipt, LedgerError>, RegistrarError> {
        let mut out = self
            .journal
            .record_batch(std::slice::from_ref(&protocol), |l, p, at| {
                let decision = l.submit_presidential_entered(p.clone(), author.clone());
                protocol_step(l, decision, at, (&p.election, p.precinct))
            })
            .await?;
        Ok(out.pop().expect("one result per protocol"))
    }

    /// Submits one protocol.
    pub async fn submit(&self, protocol: PrecinctProtocol) -> Result<Receipt, RegistrarError> {
        let mut out = self.submit_batch(vec![protocol]).await?;
        out.pop()
            .expect("one result per protocol")
            .map_err(RegistrarError::Refused)
    }

    /// Submits many protocols: each is decided in order exactly as if submitted alone, and
    /// every event they produce is appended in one transaction (group commit). Returns one
    /// result per protocol; a refused protocol does not affect the others. An `Err` means the
    /// store failed and nothing of the batch was recorded.
    pub async fn submit_batch(
        &self,
        protocols: Vec<PrecinctProtocol>,
    ) -> Result<Vec<Result<Receipt, LedgerError>>, RegistrarError> {
        self.journal
            .record_batch(&protocols, |l, p, at| {
                protocol_step(l, l.submit(p.clone()), at, (&p.referendum, p.precinct))
            })
            .await
    }

    /// Submits a protocol an operator entered from the paper protocol, recorded with the
    /// operator as its author (`Ledger::submit_entered`): accepted, a conflict for review, or
    /// already known with the receipt it got then. The outer `Err` means the store failed and
    /// nothing was recorded; the inner one that the rules refused it.
    pub async fn submit_entered(
        &self,
        protocol: PrecinctProtocol,
        author: Author,
    ) -> Result<Result<Receipt, LedgerError>, RegistrarError> {
        let mut out = self
            .journal
            .record_batch(std::slice::from_ref(&protocol), |l, p, at| {
                let decision = l.submit_entered(p.clone(), author.clone());
                protocol_step(l, decision, at, (&p.referendum, p.precinct))
            })
            .await?;
        Ok(out.pop().expect("one result per protocol"))
    }

    /// Checks a signed protocol's signature against the key it names (registered, its public
    /// key from the log), then submits it as [`Ledger::submit_signed`] decides: accepted, a
    /// conflict for review, or already known with the receipt it got then.
    ///
    /// Concurrent callers are committed together ([`GroupCommit`]): many precincts submitting
    /// at once cost one database commit per batch, not one per protocol. The outer `Err`
    /// means the store failed and this document was not recorded (submitting it again is
    /// safe); the inner one that the rules refused it.
    pub async fn submit_signed(
        &self,
        document: &SignedProtocol,
    ) -> Result<Result<Receipt, LedgerError>, RegistrarError> {
        self.submit_checked(document, Checked::Referendum).await
    }

    /// Checks a signed presidential protocol's signature and submits it as
    /// [`Ledger::submit_presidential_signed`] decides, in the same group commit as the
    /// referendum's signed protocols ([`Registrar::submit_signed`]).
    pub async fn submit_presidential_signed(
        &self,
        document: &SignedPresidentialProtocol,
    ) -> Result<Result<Receipt, LedgerError>, RegistrarError> {
        self.submit_checked(document, Checked::Presidential).await
    }

    async fn submit_checked<S: Statement>(
        &self,
        document: &Signed<S>,
        queued: fn(Verified<S>) -> Checked,
    ) -> Result<Result<Receipt, LedgerError>, RegistrarError> {
        // The signature is checked before queueing, outside the ledger's locks: it is the
        // costly part and needs only the key's public half.
        let public = {
            let ledger = self.ledger();
            let id = document.statement.key_id();
            match ledger.keys().get(id) {
                Some(record) => record.public_key,
                None => {
                    return Ok(Err(SignedError::Key(KeyStatusError::UnknownKey(
                        id.clone(),
                    ))
                    .into()));
                }
            }
        };
        let verified = match document.verify_with(&public) {
            Ok(v) => queued(v),
            Err(e) => return Ok(Err(e.into())),
        };
        self.signed
            .submit(&self.journal, verified, |l, d, at| match d {
                Checked::Referendum(d) => {
                    let st = &d.signed().statement;
                    protocol_step(l, l.submit_signed(d), at, (&st.referendum, st.precinct))
                }
                Checked::Presidential(d) => {
                    let p = &d.signed().statement.protocol;
                    let decision = l.submit_presidential_signed(d);
                    protocol_step(l, decision, at, (&p.election, p.precinct))
                }
            })
            .await
    }

    /// Registers, rotates or revokes a commission's key.
    pub async fn manage_key(&self, change: KeyEvent) -> Result<LogEntry, RegistrarError> {
        self.record(move |l| l.manage_key(change.clone())).await
    }

    /// Records several key changes in order, in one transaction: all of them or, if the rules
    /// refuse one, none.
    pub async fn manage_keys(&self, changes: &[KeyEvent]) -> Result<Vec<LogEntry>, RegistrarError> {
        self.journal
            .record_all(changes, |l, change| l.manage_key(change.clone()))
            .await
    }

    /// Amends a precinct's protocol with a signed document (an operator accepting the
    /// corrected version a commission sent).
    pub async fn amend_signed(
        &self,
        protocol: PrecinctProtocol,
        signature: ProtocolSignature,
        reason: &str,
        author: Author,
    ) -> Result<Receipt, RegistrarError> {
        let (referendum, precinct) = (protocol.referendum.clone(), protocol.precinct);
        let entry = self
            .record(move |l| {
                l.amend_with(
                    protocol.clone(),
                    reason,
                    author.clone(),
                    Some(signature.clone()),
                )
            })
            .await?;
        Ok(self.receipt(&referendum, precinct, entry.seq))
    }

    /// The receipt of an event just recorded.
    fn receipt(&self, referendum: &ContestId, precinct: PrecinctId, seq: u64) -> Receipt {
        self.ledger()
            .receipt_at(referendum, precinct, seq)
            .expect("a recorded protocol event has a receipt")
    }
}

/// Records a protocol decision: sealed and applied with the entry's time, answered with its
/// receipt; a time the rules refuse (a protocol arriving while the polls are open, a signing
/// time out of bounds) refuses that protocol alone, and any other failure voids the batch.
fn protocol_step(
    ledger: &mut Ledger,
    decision: Result<Decision, LedgerError>,
    at: String,
    (contest, precinct): (&ContestId, PrecinctId),
) -> BatchStep<Ledger, Receipt> {
    match decision {
        Err(e) => BatchStep::Refused(e),
        Ok(Decision::Known(receipt)) => BatchStep::Known(receipt),
        Ok(Decision::Record(decided)) => match ledger.record(decided, at) {
            Ok(entry) => {
                let receipt = ledger
                    .receipt_at(contest, precinct, entry.seq)
                    .expect("a recorded protocol event has a receipt");
                BatchStep::Recorded(entry, receipt)
            }
            Err(
                e @ (LedgerError::VotingOpen { .. }
                | LedgerError::SignedBeforeClose { .. }
                | LedgerError::SignedInFuture { .. }),
            ) => BatchStep::Refused(e),
            Err(e) => BatchStep::Abort(e),
        },
    }
}

/// What an audit board member's entry recorded: the entry, and the round's measurement when
/// that entry gave the last sampled item its two agreeing members.
#[derive(Debug)]
pub struct AuditEntered {
    /// The entry's log entry.
    pub entry: LogEntry,
    /// The round's measurement, recorded right after, when the round became complete.
    pub measured: Option<LogEntry>,
    /// Why the complete round could not be measured now (it can be with `ashyq audit measure`).
    pub measure_error: Option<String>,
}

impl Registrar {
    /// Records a board member's entry for a sampled item of an audit (see
    /// `Ledger::enter_audit_count`); when every sampled item of the open round then has two
    /// agreeing entries, records the round's measurement too, in the member's name. The CLI
    /// and the API enter counts through here.
    pub async fn enter_audit(
        &self,
        audit: &str,
        item: &str,
        entry: ashyq_core::audit::record::AuditEntry,
        board: Option<&ashyq_core::territory::RegionCode>,
        author: Author,
    ) -> Result<AuditEntered, RegistrarError> {
        let recorded = self
            .record(|l| l.enter_audit_count(audit, item, entry, board, author.clone()))
            .await?;
        let complete = self.ledger().audit(audit).is_ok_and(|a| {
            a.open_round().is_some() && a.sampled().iter().all(|i| a.agreed(i).is_some())
        });
        let (measured, measure_error) = if complete {
            match self
                .record(|l| l.measure_audit_round(audit, author.clone()))
                .await
            {
                Ok(m) => (Some(m), None),
                Err(e) => (None, Some(e.to_string())),
            }
        } else {
            (None, None)
        };
        Ok(AuditEntered {
            entry: recorded,
            measured,
            measure_error,
        })
    }
}
