//! The registrar: takes commands, records their events durably, and keeps the replayed
//! [`Ledger`] in memory for reads.
//!
//! Every write follows one path: decide on the current ledger (`ashyq_core::ledger`), record
//! the decision in the in-memory ledger (sealing it as the next log entry), then append the
//! batch to the store in one transaction. If the append fails, the in-memory ledger
//! is rebuilt from the store, so memory never runs ahead of what is durable. When another
//! server instance has appended in the meantime (`HeadMoved`), the registrar catches up from
//! the store and decides again.

use std::sync::{Arc, RwLock, RwLockReadGuard};

use ashyq_core::keys::{KeyEvent, KeyStatusError};
use ashyq_core::signed::{ProtocolSignature, SignedError, SignedProtocol, VerifiedProtocol};

use ashyq_core::election::PartyListProtocol;
use ashyq_core::event::{Author, LogEntry, Receipt};
use ashyq_core::ledger::{Decided, Decision, Ledger, LedgerError};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::referendum::{ReferendumDefinition, ReferendumId};
use ashyq_core::territory::{PrecinctId, Territory};
use tokio::sync::{Mutex, oneshot, watch};

use crate::{Store, StoreError};

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum RegistrarError {
    /// The command was refused by the rules; nothing was recorded.
    #[error(transparent)]
    Refused(#[from] LedgerError),
    /// The store failed; nothing was recorded.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store failed while committing a group of submissions that held this one; nothing
    /// of the group was recorded, and submitting the same document again is safe.
    #[error(
        "the protocol could not be stored ({0}); nothing was recorded: submit the same document again"
    )]
    BatchFailed(String),
    /// The stored log does not replay: the database was altered outside ashyq.
    #[error(
        "the stored event log does not replay at entry {seq}: {reason}; the database was changed outside ashyq — restore it from a backup or an export"
    )]
    Corrupt {
        /// The entry that fails.
        seq: u64,
        /// Why.
        reason: LedgerError,
    },
}

/// Produces the `recorded_at` of new entries (RFC 3339, UTC).
pub type Clock = Arc<dyn Fn() -> String + Send + Sync>;

/// The system clock, to the millisecond.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// See the module documentation.
pub struct Registrar {
    store: Store,
    ledger: RwLock<Ledger>,
    writer: Mutex<()>,
    clock: Clock,
    head: watch::Sender<u64>,
    /// Signed protocols waiting for the next group commit.
    queue: std::sync::Mutex<Vec<Queued>>,
}

/// A verified document waiting to be recorded, and where its outcome goes.
struct Queued {
    document: VerifiedProtocol,
    reply: oneshot::Sender<Result<Result<Receipt, LedgerError>, String>>,
}

const PAGE: u32 = 5_000;

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
        let ledger = replay(&store, Ledger::new()).await?;
        let seq = ledger.head().map_or(0, |(s, _)| s);
        let (head, _) = watch::channel(seq);
        Ok(Registrar {
            store,
            ledger: RwLock::new(ledger),
            writer: Mutex::new(()),
            clock,
            head,
            queue: std::sync::Mutex::default(),
        })
    }

    /// Replaces the clock (the demo uses a simulated election-night clock).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Read access to the ledger. Hold it briefly: writers wait for it.
    pub fn ledger(&self) -> RwLockReadGuard<'_, Ledger> {
        self.ledger
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The sequence number of the last entry, as a channel that changes on every append.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
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
        referendum: &ReferendumId,
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
        referendum: &ReferendumId,
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
        let (election, precinct) = (protocol.election.clone(), protocol.precinct);
        let _w = self.writer.lock().await;
        loop {
            let entry = {
                let mut ledger = self.ledger.write().unwrap_or_else(|p| p.into_inner());
                match ledger.submit_party_list(protocol.clone())? {
                    Decision::Known(receipt) => return Ok(receipt),
                    Decision::Record(decided) => ledger.record(decided, (self.clock)())?,
                }
            };
            match self.persist(std::slice::from_ref(&entry)).await {
                Ok(()) => return Ok(self.receipt(&election, precinct, entry.seq)),
                Err(PersistError::Retry) => continue,
                Err(PersistError::Failed(e)) => return Err(e),
            }
        }
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
        let _w = self.writer.lock().await;
        self.record_protocols(
            &protocols,
            |l, p| l.submit(p.clone()),
            |p| (p.referendum.clone(), p.precinct),
        )
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
        let _w = self.writer.lock().await;
        let mut out = self
            .record_protocols(
                std::slice::from_ref(&protocol),
                |l, p| l.submit_entered(p.clone(), author.clone()),
                |p| (p.referendum.clone(), p.precinct),
            )
            .await?;
        Ok(out.pop().expect("one result per protocol"))
    }

    /// Checks a signed protocol's signature against the key it names (registered, its public
    /// key from the log), then submits it as [`Ledger::submit_signed`] decides: accepted, a
    /// conflict for review, or already known with the receipt it got then.
    ///
    /// Concurrent callers are committed together: each call queues its document, and whichever
    /// caller holds the write lock records everything queued in one transaction (group
    /// commit), so many precincts submitting at once cost one database commit per batch, not
    /// one per protocol. The outer `Err` means the store failed and this document was not
    /// recorded (submitting it again is safe); the inner one that the rules refused it.
    pub async fn submit_signed(
        &self,
        document: &SignedProtocol,
    ) -> Result<Result<Receipt, LedgerError>, RegistrarError> {
        // The signature is checked before queueing, outside the ledger's locks: it is the
        // costly part and needs only the key's public half.
        let public = {
            let ledger = self.ledger();
            let id = &document.statement.key_id;
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
            Ok(v) => v,
            Err(e) => return Ok(Err(e.into())),
        };
        let (tx, rx) = oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Queued {
                document: verified,
                reply: tx,
            });
        {
            let _w = self.writer.lock().await;
            // Whoever holds the lock commits everything queued so far, ours included unless an
            // earlier holder already did.
            loop {
                let batch: Vec<Queued> = {
                    let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                    let n = q.len().min(GROUP_COMMIT_MAX);
                    q.drain(..n).collect()
                };
                if batch.is_empty() {
                    break;
                }
                let documents: Vec<&VerifiedProtocol> = batch.iter().map(|q| &q.document).collect();
                let outcome = self
                    .record_protocols(
                        &documents,
                        |l, d| l.submit_signed(d),
                        |d| {
                            let st = &d.signed().statement;
                            (st.referendum.clone(), st.precinct)
                        },
                    )
                    .await;
                match outcome {
                    Ok(results) => {
                        for (q, r) in batch.into_iter().zip(results) {
                            let _ = q.reply.send(Ok(r));
                        }
                    }
                    Err(e) => {
                        let reason = e.to_string();
                        for q in batch {
                            let _ = q.reply.send(Err(reason.clone()));
                        }
                    }
                }
            }
        }
        match rx.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(reason)) => Err(RegistrarError::BatchFailed(reason)),
            Err(_) => Err(RegistrarError::BatchFailed(
                "the batch holding this document was abandoned".into(),
            )),
        }
    }

    /// Decides each item in order with `decide` on the current state, records every event in
    /// memory, then appends them all in one transaction. The caller holds the writer lock.
    async fn record_protocols<T>(
        &self,
        items: &[T],
        decide: impl Fn(&Ledger, &T) -> Result<Decision, LedgerError>,
        place: impl Fn(&T) -> (ReferendumId, PrecinctId),
    ) -> Result<Vec<Result<Receipt, LedgerError>>, RegistrarError> {
        loop {
            let mut entries = Vec::new();
            let mut outcomes = Vec::with_capacity(items.len());
            let mut failed = None;
            {
                let mut ledger = self.ledger.write().unwrap_or_else(|p| p.into_inner());
                for item in items {
                    match decide(&ledger, item) {
                        Err(e) => outcomes.push(Err(e)),
                        Ok(Decision::Known(receipt)) => outcomes.push(Ok(receipt)),
                        Ok(Decision::Record(decided)) => {
                            match ledger.record(decided, (self.clock)()) {
                                Ok(entry) => {
                                    let (referendum, precinct) = place(item);
                                    let receipt = ledger
                                        .receipt_at(&referendum, precinct, entry.seq)
                                        .expect("a recorded protocol event has a receipt");
                                    outcomes.push(Ok(receipt));
                                    entries.push(entry);
                                }
                                // The entry's time is refused (e.g. a protocol arriving while
                                // the polls are open): that item is refused, the others go on.
                                Err(
                                    e @ (LedgerError::VotingOpen { .. }
                                    | LedgerError::SignedBeforeClose { .. }
                                    | LedgerError::SignedInFuture { .. }),
                                ) => outcomes.push(Err(e)),
                                Err(e) => {
                                    failed = Some(e);
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            if let Some(e) = failed {
                // What this batch recorded in memory so far is not durable: forget it.
                self.rebuild().await?;
                return Err(RegistrarError::Refused(e));
            }
            match self.persist(&entries).await {
                Ok(()) => return Ok(outcomes),
                Err(PersistError::Retry) => continue,
                Err(PersistError::Failed(e)) => return Err(e),
            }
        }
    }

    /// Registers, rotates or revokes a commission's key.
    pub async fn manage_key(&self, change: KeyEvent) -> Result<LogEntry, RegistrarError> {
        self.record(move |l| l.manage_key(change.clone())).await
    }

    /// Records several key changes in order, in one transaction: all of them or, if the rules
    /// refuse one, none.
    pub async fn manage_keys(&self, changes: &[KeyEvent]) -> Result<Vec<LogEntry>, RegistrarError> {
        let _w = self.writer.lock().await;
        loop {
            let mut entries = Vec::with_capacity(changes.len());
            let mut refused = None;
            {
                let mut ledger = self.ledger.write().unwrap_or_else(|p| p.into_inner());
                for change in changes {
                    match ledger
                        .manage_key(change.clone())
                        .and_then(|d| ledger.record(d, (self.clock)()))
                    {
                        Ok(entry) => entries.push(entry),
                        Err(e) => {
                            refused = Some(e);
                            break;
                        }
                    }
                }
            }
            if let Some(e) = refused {
                self.rebuild().await?;
                return Err(RegistrarError::Refused(e));
            }
            match self.persist(&entries).await {
                Ok(()) => return Ok(entries),
                Err(PersistError::Retry) => continue,
                Err(PersistError::Failed(e)) => return Err(e),
            }
        }
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
    fn receipt(&self, referendum: &ReferendumId, precinct: PrecinctId, seq: u64) -> Receipt {
        self.ledger()
            .receipt_at(referendum, precinct, seq)
            .expect("a recorded protocol event has a receipt")
    }

    /// Decides with `decide` on the current state and records the event: the write path of
    /// every command that records one entry. If another instance moved the log's head
    /// meanwhile, catches up and decides again.
    pub async fn record<F>(&self, decide: F) -> Result<LogEntry, RegistrarError>
    where
        F: Fn(&Ledger) -> Result<Decided, LedgerError>,
    {
        let _w = self.writer.lock().await;
        loop {
            let entry = {
                let mut ledger = self.ledger.write().unwrap_or_else(|p| p.into_inner());
                let decided = decide(&ledger)?;
                ledger.record(decided, (self.clock)())?
            };
            match self.persist(std::slice::from_ref(&entry)).await {
                Ok(()) => return Ok(entry),
                Err(PersistError::Retry) => continue,
                Err(PersistError::Failed(e)) => return Err(e),
            }
        }
    }

    /// Appends entries already applied in memory. On failure, memory is rebuilt from the
    /// store; `Retry` when another writer moved the head (then decide again).
    async fn persist(&self, entries: &[LogEntry]) -> Result<(), PersistError> {
        if entries.is_empty() {
            return Ok(());
        }
        let result = promptly(self.store.append(entries)).await;
        match result {
            Ok(()) => {
                let seq = entries.last().map_or(0, |e| e.seq);
                self.head.send_replace(seq);
                Ok(())
            }
            Err(err) => {
                let moved = matches!(err, StoreError::HeadMoved { .. });
                self.rebuild().await.map_err(PersistError::Failed)?;
                if moved {
                    tracing::info!(
                        "another writer appended to the log; caught up and deciding again"
                    );
                    Err(PersistError::Retry)
                } else {
                    Err(PersistError::Failed(err.into()))
                }
            }
        }
    }

    /// Replaces the in-memory ledger by a replay of the store.
    async fn rebuild(&self) -> Result<(), RegistrarError> {
        let rebuilt = replay(&self.store, Ledger::new()).await?;
        let seq = rebuilt.head().map_or(0, |(s, _)| s);
        *self.ledger.write().unwrap_or_else(|p| p.into_inner()) = rebuilt;
        self.head.send_replace(seq);
        Ok(())
    }

    /// Reads new entries written by other instances into memory.
    pub async fn catch_up(&self) -> Result<(), RegistrarError> {
        let _w = self.writer.lock().await;
        let current = std::mem::take(&mut *self.ledger.write().unwrap_or_else(|p| p.into_inner()));
        let ledger = replay(&self.store, current).await?;
        let seq = ledger.head().map_or(0, |(s, _)| s);
        *self.ledger.write().unwrap_or_else(|p| p.into_inner()) = ledger;
        self.head.send_replace(seq);
        Ok(())
    }
}

/// Runs a future to completion on this thread when the runtime has several workers.
///
/// A commit takes several round trips to the database; awaited as a task, each wake-up queues
/// behind every other ready task — under a crowd of readers, hundreds — and a group commit
/// that needs a millisecond of work takes tens of milliseconds of waiting. Blocking in place
/// hands this worker's other tasks to the other workers and drives the commit directly, so
/// writers are not starved by readers. On a current-thread runtime (tests, the CLI) it awaits.
async fn promptly<F: std::future::Future>(f: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| h.block_on(f))
        }
        _ => f.await,
    }
}

enum PersistError {
    Retry,
    Failed(RegistrarError),
}

/// Applies every stored entry after the ledger's head.
async fn replay(store: &Store, mut ledger: Ledger) -> Result<Ledger, RegistrarError> {
    loop {
        let after = ledger.head().map_or(0, |(s, _)| s);
        let page = store.entries_after(after, PAGE).await?;
        if page.is_empty() {
            return Ok(ledger);
        }
        for entry in &page {
            ledger
                .apply(entry)
                .map_err(|reason| RegistrarError::Corrupt {
                    seq: entry.seq,
                    reason,
                })?;
        }
    }
}
