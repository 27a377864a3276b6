//! The one journal: for every domain that keeps a hash chain (`ashyq_core::journal::Domain`),
//! the write path and the in-memory state for reads.
//!
//! Every write follows one path: decide on the current state, record the decision in memory
//! (sealing it as the next entry of the chain), then append the batch to the store in one
//! transaction with the domain's projection. If the append fails, the state is rebuilt from
//! the store, so memory never runs ahead of what is durable. When another process appended
//! in the meantime (`HeadMoved`), the journal catches up and decides again. Concurrent callers
//! can share one commit ([`GroupCommit`]). [`Journal::catch_up`] and [`Journal::follow`] take
//! in what other processes appended.
//!
//! A domain plugs in with [`StoredDomain`]: the table of its chain and, optionally, a
//! projection. Its events, decisions and rules stay in `ashyq-core`.

use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

use ashyq_core::Ledger;
use ashyq_core::chain::Entry;
use ashyq_core::consult::Consultation;
use ashyq_core::journal::Domain;
use ashyq_core::register::acts::RegisterActs;
use tokio::sync::{Mutex, oneshot, watch};

use crate::chain::{
    BALLOT_LOG, CONSULT_LOG, ChainTable, EVENT_LOG, HeadListener, Projection, REGISTER_LOG,
};
use crate::{Store, StoreError};

/// A domain as the store keeps it: where its chain is stored and what it projects.
pub trait StoredDomain: Domain {
    /// The table of its chain.
    const TABLE: ChainTable;

    /// The tables derived from its events, written with each append (none by default).
    fn projection() -> Projector<Self::Event> {
        Projector::none()
    }
}

impl StoredDomain for Ledger {
    const TABLE: ChainTable = EVENT_LOG;
    fn projection() -> Projector<ashyq_core::Event> {
        Projector(Some(&crate::protocols::Protocols))
    }
}

impl StoredDomain for Consultation {
    const TABLE: ChainTable = CONSULT_LOG;
}

impl StoredDomain for RegisterActs {
    const TABLE: ChainTable = REGISTER_LOG;
}

impl StoredDomain for ashyq_core::ballots::board::Board {
    const TABLE: ChainTable = BALLOT_LOG;
}

/// A domain whose rules need nothing of the past but the chain's head (the register's
/// audited acts: the register itself is decided in SQL by the store). Its journal keeps no
/// state in memory: see [`append_on_stored_head`].
pub trait HeadOnly: StoredDomain {
    /// The state at a stored head.
    fn at_head(head: Option<(u64, ashyq_core::LogHash)>) -> Self;
}

impl HeadOnly for RegisterActs {
    fn at_head(head: Option<(u64, ashyq_core::LogHash)>) -> Self {
        RegisterActs::at(head)
    }
}

/// Records `decided` as the next entry of a [`HeadOnly`] domain's chain: the rules are checked
/// on the state at the stored head, the entry sealed there and appended; when another writer
/// appended first, the same is done again on the new head.
pub async fn append_on_stored_head<D: HeadOnly>(
    store: &Store,
    recorded_at: String,
    decided: D::Decided,
) -> Result<Entry<D::Event>, JournalError<D::Error>>
where
    D::Decided: Clone,
{
    loop {
        let mut state = D::at_head(store.chain_head(&D::TABLE).await?);
        let entry = state
            .record(decided.clone(), recorded_at.clone())
            .map_err(JournalError::Refused)?;
        match store
            .append_chain(&D::TABLE, std::slice::from_ref(&entry), D::projection().0)
            .await
        {
            Ok(()) => return Ok(entry),
            Err(StoreError::HeadMoved { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// The projection a domain's appends write, if any: SQL tables derived from its events in
/// the same transaction. Only the store's own projections exist (nothing but the store knows
/// SQL); a domain without one is read back from its entries.
pub struct Projector<E: 'static>(Option<&'static dyn Projection<E>>);

impl<E> Projector<E> {
    /// No projection.
    pub fn none() -> Self {
        Projector(None)
    }
}

/// Why a command did not go through.
#[derive(Debug, thiserror::Error)]
pub enum JournalError<E: std::error::Error + 'static> {
    /// The command was refused by the domain's rules; nothing was recorded.
    #[error(transparent)]
    Refused(E),
    /// The store failed; nothing was recorded.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store failed while committing a group of commands that held this one; nothing of
    /// the group was recorded, and sending the same command again is safe.
    #[error("it could not be stored ({0}); nothing was recorded: send it again")]
    BatchFailed(String),
    /// The stored log does not replay: the database was altered outside ashyq.
    #[error(
        "the stored {chain} log does not replay at entry {seq}: {reason}; the database was changed outside ashyq — restore it from a backup or an export"
    )]
    Corrupt {
        /// The chain.
        chain: &'static str,
        /// The entry that fails.
        seq: u64,
        /// Why.
        reason: E,
    },
}

/// Produces the `recorded_at` of new entries (RFC 3339, UTC).
pub type Clock = Arc<dyn Fn() -> String + Send + Sync>;

/// The system clock, to the millisecond.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// See the module documentation.
pub struct Journal<D: StoredDomain> {
    store: Store,
    state: RwLock<D>,
    writer: Mutex<()>,
    clock: Clock,
    head: watch::Sender<u64>,
}

const PAGE: u32 = 5_000;

impl<D: StoredDomain> Journal<D> {
    /// Replays the chain of an open store; new entries get their time from `clock`.
    pub async fn open(store: Store, clock: Clock) -> Result<Self, JournalError<D::Error>> {
        let state = replay(&store, D::default()).await?;
        let (head, _) = watch::channel(seq_of(&state));
        Ok(Journal {
            store,
            state: RwLock::new(state),
            writer: Mutex::new(()),
            clock,
            head,
        })
    }

    /// Replaces the clock (the demo uses a simulated election-night clock).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The current time as new entries record it.
    pub fn now(&self) -> String {
        (self.clock)()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Read access to the state. Hold it briefly: writers wait for it.
    pub fn state(&self) -> RwLockReadGuard<'_, D> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The sequence number of the chain's last entry in the store (0 while empty), which
    /// may be ahead of this process's state when another process appended.
    pub async fn stored_head(&self) -> Result<u64, StoreError> {
        Ok(self
            .store
            .chain_head(&D::TABLE)
            .await?
            .map_or(0, |(seq, _)| seq))
    }

    /// The sequence number of the last entry, as a channel that changes on every append and
    /// every catch-up.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }

    /// Decides with `decide` on the current state and records the event: the write path of
    /// every command that records one entry. If another process moved the head meanwhile,
    /// catches up and decides again.
    pub async fn record<F>(&self, decide: F) -> Result<Entry<D::Event>, JournalError<D::Error>>
    where
        F: Fn(&D) -> Result<D::Decided, D::Error>,
    {
        let _w = self.writer.lock().await;
        self.record_locked(decide).await
    }

    async fn record_locked<F>(&self, decide: F) -> Result<Entry<D::Event>, JournalError<D::Error>>
    where
        F: Fn(&D) -> Result<D::Decided, D::Error>,
    {
        loop {
            let entry = {
                let mut state = self.write_state();
                let decided = decide(&state).map_err(JournalError::Refused)?;
                state
                    .record(decided, (self.clock)())
                    .map_err(JournalError::Refused)?
            };
            match self.persist(std::slice::from_ref(&entry)).await {
                Ok(()) => return Ok(entry),
                Err(Persist::Retry) => continue,
                Err(Persist::Failed(e)) => return Err(e),
            }
        }
    }

    /// Decides and records several commands in order, in one transaction: all of them, or —
    /// when the rules refuse one — none, and that refusal is the error.
    pub async fn record_all<T, F>(
        &self,
        items: &[T],
        decide: F,
    ) -> Result<Vec<Entry<D::Event>>, JournalError<D::Error>>
    where
        F: Fn(&D, &T) -> Result<D::Decided, D::Error>,
    {
        let _w = self.writer.lock().await;
        loop {
            let mut entries = Vec::with_capacity(items.len());
            let mut refused = None;
            {
                let mut state = self.write_state();
                for item in items {
                    let recorded =
                        decide(&state, item).and_then(|d| state.record(d, (self.clock)()));
                    match recorded {
                        Ok(entry) => entries.push(entry),
                        Err(e) => {
                            refused = Some(e);
                            break;
                        }
                    }
                }
            }
            if let Some(e) = refused {
                // What this batch recorded in memory so far is not durable: forget it.
                self.rebuild().await?;
                return Err(JournalError::Refused(e));
            }
            match self.persist(&entries).await {
                Ok(()) => return Ok(entries),
                Err(Persist::Retry) => continue,
                Err(Persist::Failed(e)) => return Err(e),
            }
        }
    }

    /// Runs `step` on each item in order on the current state — each decides and, when it
    /// records, seals and applies its entry with the time it is given — and appends every
    /// entry in one transaction (group commit). Returns one answer per item; a refused item
    /// does not affect the others. An `Err` means nothing of the batch was recorded. The
    /// caller must hold no other write of this journal (see [`GroupCommit`]).
    pub async fn record_batch<T, R, F>(
        &self,
        items: &[T],
        step: F,
    ) -> Result<Vec<Result<R, D::Error>>, JournalError<D::Error>>
    where
        F: Fn(&mut D, &T, String) -> BatchStep<D, R>,
    {
        let _w = self.writer.lock().await;
        self.record_batch_locked(items, &step).await
    }

    async fn record_batch_locked<T, R, F>(
        &self,
        items: &[T],
        step: &F,
    ) -> Result<Vec<Result<R, D::Error>>, JournalError<D::Error>>
    where
        F: Fn(&mut D, &T, String) -> BatchStep<D, R>,
    {
        loop {
            let mut entries = Vec::new();
            let mut answers = Vec::with_capacity(items.len());
            let mut failed = None;
            {
                let mut state = self.write_state();
                for item in items {
                    match step(&mut state, item, (self.clock)()) {
                        BatchStep::Recorded(entry, answer) => {
                            entries.push(entry);
                            answers.push(Ok(answer));
                        }
                        BatchStep::Known(answer) => answers.push(Ok(answer)),
                        BatchStep::Refused(e) => answers.push(Err(e)),
                        BatchStep::Abort(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
            }
            if let Some(e) = failed {
                self.rebuild().await?;
                return Err(JournalError::Refused(e));
            }
            match self.persist(&entries).await {
                Ok(()) => return Ok(answers),
                Err(Persist::Retry) => continue,
                Err(Persist::Failed(e)) => return Err(e),
            }
        }
    }

    /// Appends entries sealed elsewhere (a sample, an exported log) that continue the current
    /// head: each is checked like a replayed entry (chain, hash, rules) on a copy of the state
    /// before anything is written, then all are appended in one transaction.
    pub async fn import(&self, entries: &[Entry<D::Event>]) -> Result<(), JournalError<D::Error>>
    where
        D: Clone,
    {
        let _w = self.writer.lock().await;
        {
            let mut state = self.write_state();
            let mut checked = state.clone();
            for e in entries {
                checked.apply(e).map_err(JournalError::Refused)?;
            }
            *state = checked;
        }
        match self.persist(entries).await {
            Ok(()) => Ok(()),
            Err(Persist::Failed(e)) => Err(e),
            Err(Persist::Retry) => Err(JournalError::Store(StoreError::BrokenChain {
                seq: entries.first().map_or(0, |e| e.seq),
                reason: "another writer appended while the import was checked; import the rest again from the new head".into(),
            })),
        }
    }

    /// Reads entries appended by other processes into memory, applying each to the state in
    /// place (readers never see a partial or empty state). Cheap when nothing changed: one
    /// query. Returns whether the head moved.
    pub async fn catch_up(&self) -> Result<bool, JournalError<D::Error>> {
        let _w = self.writer.lock().await;
        let before = seq_of(&*self.state());
        loop {
            let after = seq_of(&*self.state());
            let page: Vec<Entry<D::Event>> = self
                .store
                .chain_entries_after(&D::TABLE, after, PAGE)
                .await?;
            if page.is_empty() {
                break;
            }
            let applied = {
                let mut state = self.write_state();
                page.iter().try_for_each(|entry| {
                    state.apply(entry).map_err(|reason| JournalError::Corrupt {
                        chain: D::CHAIN,
                        seq: entry.seq,
                        reason,
                    })
                })
            };
            if let Err(e) = applied {
                // The state holds the entries before the bad one, which are durable; the
                // store is damaged from there on.
                self.head.send_replace(seq_of(&*self.state()));
                return Err(e);
            }
        }
        let seq = seq_of(&*self.state());
        self.head.send_replace(seq);
        Ok(seq != before)
    }

    /// Catches up every `every` until the journal is dropped: what other processes (another
    /// server, the CLI) append reaches this one's readers. Failures are logged and retried.
    pub fn follow(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        follow(self, every, |j: &Journal<D>| j)
    }

    fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, D> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends entries already applied in memory. On failure, memory is rebuilt from the
    /// store; `Retry` when another writer moved the head (then decide again).
    async fn persist(&self, entries: &[Entry<D::Event>]) -> Result<(), Persist<D::Error>> {
        if entries.is_empty() {
            return Ok(());
        }
        let result = promptly(
            self.store
                .append_chain(&D::TABLE, entries, D::projection().0),
        )
        .await;
        match result {
            Ok(()) => {
                self.head.send_replace(entries.last().map_or(0, |e| e.seq));
                Ok(())
            }
            Err(err) => {
                let moved = matches!(err, StoreError::HeadMoved { .. });
                self.rebuild().await.map_err(Persist::Failed)?;
                if moved {
                    tracing::info!(
                        chain = D::CHAIN,
                        "another writer appended to the log; caught up and deciding again"
                    );
                    Err(Persist::Retry)
                } else {
                    Err(Persist::Failed(err.into()))
                }
            }
        }
    }

    /// Replaces the in-memory state by a replay of the store.
    async fn rebuild(&self) -> Result<(), JournalError<D::Error>> {
        let rebuilt = replay(&self.store, D::default()).await?;
        let seq = seq_of(&rebuilt);
        *self.write_state() = rebuilt;
        self.head.send_replace(seq);
        Ok(())
    }
}

/// Catches up the journal that `owner` holds every `every`, until `owner` is dropped: what
/// other processes (another server instance, the command line) append reaches this one's
/// readers. Failures are logged and retried at the next tick.
pub fn follow<T, D>(
    owner: &Arc<T>,
    every: Duration,
    journal: impl Fn(&T) -> &Journal<D> + Send + 'static,
) -> tokio::task::JoinHandle<()>
where
    T: Send + Sync + 'static,
    D: StoredDomain,
{
    let store = journal(owner).store.clone();
    let owner = Arc::downgrade(owner);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut listener: Option<HeadListener> = None;
        loop {
            if listener.is_none() {
                // On PostgreSQL a new head reaches this instance within milliseconds; the
                // poll stays as the fallback while the listening connection is re-made.
                match store.listen(&D::TABLE).await {
                    Ok(l) => listener = Some(l),
                    Err(e) => tracing::warn!(
                        chain = D::CHAIN,
                        "cannot listen for new heads, polling: {e}"
                    ),
                }
            }
            let announced = match listener.as_mut() {
                Some(l) => tokio::select! {
                    _ = tick.tick() => None,
                    got = l.next() => Some(got),
                },
                None => {
                    tick.tick().await;
                    None
                }
            };
            if let Some(Err(e)) = announced {
                tracing::warn!(
                    chain = D::CHAIN,
                    "lost the notifications of new heads, polling: {e}"
                );
                listener = None;
            }
            let Some(owner) = owner.upgrade() else { break };
            let journal = journal(&owner);
            match journal.catch_up().await {
                Ok(true) => tracing::info!(
                    chain = D::CHAIN,
                    head = seq_of(&*journal.state()),
                    "took in entries appended by another process"
                ),
                Ok(false) => {}
                Err(e) => tracing::warn!(chain = D::CHAIN, "following the log failed: {e}"),
            }
        }
    })
}

/// What one item of [`Journal::record_batch`] came to.
pub enum BatchStep<D: Domain, R> {
    /// Recorded as this entry (sealed and applied to the state), answered with `R`.
    Recorded(Entry<D::Event>, R),
    /// Nothing to record: already known, answered with `R`.
    Known(R),
    /// Refused by the rules; the other items go on.
    Refused(D::Error),
    /// A failure that voids the whole batch: what it recorded in memory is forgotten.
    Abort(D::Error),
}

/// Concurrent callers committed together: each call queues its item, and whichever caller
/// holds the journal's write lock records everything queued, up to a limit, in one
/// transaction — so many precincts submitting at once cost one database commit per batch,
/// not one per item.
pub struct GroupCommit<T, R, E> {
    queue: std::sync::Mutex<Vec<Queued<T, R, E>>>,
    max: usize,
}

/// An item waiting for the next group commit, and where its answer goes.
struct Queued<T, R, E> {
    item: T,
    reply: oneshot::Sender<Result<Result<R, E>, String>>,
}

impl<T, R, E> GroupCommit<T, R, E> {
    /// A queue committing at most `max` items per transaction.
    pub fn new(max: usize) -> Self {
        GroupCommit {
            queue: std::sync::Mutex::default(),
            max,
        }
    }

    /// Queues `item` and waits for its answer; whoever holds the journal's write lock commits
    /// what is queued with `step` (see [`Journal::record_batch`]), ours included unless an
    /// earlier holder already did. The outer `Err` means the store failed and this item was
    /// not recorded (sending it again is safe); the inner one that the rules refused it.
    pub async fn submit<D, F>(
        &self,
        journal: &Journal<D>,
        item: T,
        step: F,
    ) -> Result<Result<R, E>, JournalError<E>>
    where
        D: StoredDomain<Error = E>,
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(&mut D, &T, String) -> BatchStep<D, R>,
    {
        let (tx, rx) = oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Queued { item, reply: tx });
        {
            let _w = journal.writer.lock().await;
            loop {
                let batch: Vec<Queued<T, R, E>> = {
                    let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                    let n = q.len().min(self.max);
                    q.drain(..n).collect()
                };
                if batch.is_empty() {
                    break;
                }
                let (items, replies): (Vec<T>, Vec<_>) =
                    batch.into_iter().map(|q| (q.item, q.reply)).unzip();
                match journal.record_batch_locked(&items, &step).await {
                    Ok(answers) => {
                        for (reply, answer) in replies.into_iter().zip(answers) {
                            let _ = reply.send(Ok(answer));
                        }
                    }
                    Err(e) => {
                        let reason = e.to_string();
                        for reply in replies {
                            let _ = reply.send(Err(reason.clone()));
                        }
                    }
                }
            }
        }
        match rx.await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(reason)) => Err(JournalError::BatchFailed(reason)),
            Err(_) => Err(JournalError::BatchFailed(
                "the batch holding it was abandoned".into(),
            )),
        }
    }
}

enum Persist<E: std::error::Error + 'static> {
    Retry,
    Failed(JournalError<E>),
}

fn seq_of<D: Domain>(state: &D) -> u64 {
    state.head().map_or(0, |(s, _)| s)
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

/// Applies every stored entry after the state's head.
async fn replay<D: StoredDomain>(store: &Store, mut state: D) -> Result<D, JournalError<D::Error>> {
    loop {
        let after = seq_of(&state);
        let page: Vec<Entry<D::Event>> = store.chain_entries_after(&D::TABLE, after, PAGE).await?;
        if page.is_empty() {
            return Ok(state);
        }
        for entry in &page {
            state.apply(entry).map_err(|reason| JournalError::Corrupt {
                chain: D::CHAIN,
                seq: entry.seq,
                reason,
            })?;
        }
    }
}
