//! Taking marks: one batch at once ([`Store::mark_voted`]) or from many terminals,
//! group-committed by a [`MarkDesk`] — on SQLite a thread with a rusqlite connection of its
//! own (`sqlite_marks`) beside a task that checkpoints the WAL, on PostgreSQL a task
//! (`pg_marks`).

use std::path::PathBuf;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::audit::Operator;
use super::event::RegisterEvent;
use super::marks::{MarkBook, MarkOutcome, MarkRequest};
use super::pg_marks::mark_on_pg;
use super::sqlite_marks::{self, mark_batch, open};
use crate::{Pool, Store, StoreError};

/// The most marks one group commit of a [`MarkDesk`] holds.
const MARK_GROUP_MAX: usize = 2_000;

impl Store {
    /// Marks people as having received a ballot, in one transaction (a precinct's terminal
    /// sends what it has; [`MarkDesk`] batches concurrent terminals). Each mark is decided by
    /// [`decide_mark`](ashyq_core::register::marks::decide_mark) in order; refusals that are
    /// incidents are recorded; every mark is audited.
    pub async fn mark_voted(
        &self,
        event: &RegisterEvent<'_>,
        requests: &[MarkRequest],
        operator: &Operator<'_>,
    ) -> Result<Vec<MarkOutcome>, StoreError> {
        let items: Vec<(&MarkRequest, &Operator<'_>)> =
            requests.iter().map(|r| (r, operator)).collect();
        self.mark_many(event, &items).await
    }

    /// [`Store::mark_voted`] with an operator per mark and a book read afresh from the marks'
    /// log (the whole log is read, keeping only the batch's people: for many marks over time,
    /// a [`MarkDesk`] reads each mark once). On SQLite, on a connection of its own in a
    /// blocking thread (`sqlite_marks`).
    async fn mark_many(
        &self,
        event: &RegisterEvent<'_>,
        items: &[(&MarkRequest, &Operator<'_>)],
    ) -> Result<Vec<MarkOutcome>, StoreError> {
        let mut book = MarkBook::for_batch(event.id, items)?;
        match &self.pool {
            Pool::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_owned();
                let (id, day) = (event.id.to_owned(), event.voting_day);
                let owned: Vec<(MarkRequest, String, String)> = items
                    .iter()
                    .map(|(r, op)| ((*r).clone(), op.name.to_owned(), op.at.to_owned()))
                    .collect();
                tokio::task::spawn_blocking(move || {
                    let operators: Vec<Operator<'_>> = owned
                        .iter()
                        .map(|(_, name, at)| Operator { name, at })
                        .collect();
                    let items: Vec<(&MarkRequest, &Operator<'_>)> = owned
                        .iter()
                        .zip(&operators)
                        .map(|((r, _, _), op)| (r, op))
                        .collect();
                    let ev = RegisterEvent {
                        id: &id,
                        voting_day: day,
                    };
                    let mut db = sqlite_marks::open(&path, true)?;
                    sqlite_marks::mark_batch(&mut db, &ev, &items, &mut book)
                })
                .await
                .map_err(|e| StoreError::MarkBatchFailed(e.to_string()))?
            }
            Pool::Postgres(pool) => {
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(StoreError::db("marking voters"))?;
                mark_on_pg(&mut conn, event, items, &mut book).await
            }
        }
    }
}

/// Voting-day marks from many terminals at once, committed together.
///
/// Each [`MarkDesk::mark`] sends its request to the desk's writer task and waits for the
/// answer. The writer takes one request, then everything else already waiting (up to
/// `MARK_GROUP_MAX`), and decides and records the lot in one transaction (group commit): a
/// commit then costs one round of reads and writes per batch instead of per mark, and the
/// batch grows by itself with the number of terminals waiting. A mark waits at most for the
/// batch in progress and its own; its answer is sent only after the commit. (A first version
/// let whichever caller held a lock commit the queue, as the registrar does; with many
/// terminals the callers formed a convoy, each holder committing the few marks queued since
/// the last, and batching gained nothing — measured 3,800 marks/s with 256 terminals.)
pub struct MarkDesk {
    requests: tokio::sync::mpsc::Sender<QueuedMark>,
}

/// A mark waiting for the next group commit, and where its outcome goes.
struct QueuedMark {
    request: MarkRequest,
    operator: String,
    at: String,
    reply: tokio::sync::oneshot::Sender<Result<MarkOutcome, String>>,
}

impl MarkDesk {
    /// A desk marking for `event` in `store` until it is dropped. On SQLite its writer is a
    /// thread with a connection of its own (`sqlite_marks`), beside a task of the current
    /// Tokio runtime that checkpoints the WAL; on PostgreSQL a task of the current runtime.
    pub fn new(store: Store, event: &RegisterEvent<'_>) -> MarkDesk {
        let (tx, rx) = tokio::sync::mpsc::channel(MARK_GROUP_MAX);
        match &store.pool {
            Pool::Sqlite(pool) => {
                // The desk's commits never checkpoint the WAL themselves — a checkpoint
                // copies pages into the database file and syncs it, milliseconds that every
                // mark of the batch would wait for; this task does it beside the writer.
                let (stop_tx, stop) = tokio::sync::oneshot::channel::<()>();
                tokio::spawn(wal_checkpointer(pool.clone(), stop));
                let path = pool.connect_options().get_filename().to_owned();
                let (id, day) = (event.id.to_owned(), event.voting_day);
                let spawned = std::thread::Builder::new()
                    .name("ashyq-mark-desk".into())
                    .spawn(move || desk_thread(path, id, day, rx, stop_tx));
                if let Err(e) = spawned {
                    // The receiver went down with the closure: every mark gets "the desk's
                    // writer has stopped".
                    tracing::error!(error = %e, "cannot start the mark desk's thread");
                }
            }
            Pool::Postgres(pool) => {
                tokio::spawn(mark_writer(
                    pool.clone(),
                    event.id.to_owned(),
                    event.voting_day,
                    rx,
                ));
            }
        }
        MarkDesk { requests: tx }
    }

    /// Marks one person (audited), committed with whatever other marks are waiting. An
    /// error means the store failed and nothing of the batch was recorded: marking again is
    /// safe (the same mark at the same precinct is idempotent).
    pub async fn mark(
        &self,
        request: MarkRequest,
        operator: &Operator<'_>,
    ) -> Result<MarkOutcome, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let queued = QueuedMark {
            request,
            operator: operator.name.to_owned(),
            at: operator.at.to_owned(),
            reply: tx,
        };
        let gone = || StoreError::MarkBatchFailed("the desk's writer has stopped".into());
        self.requests.send(queued).await.map_err(|_| gone())?;
        match rx.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(reason)) => Err(StoreError::MarkBatchFailed(reason)),
            Err(_) => Err(gone()),
        }
    }
}

/// The writer task of a [`MarkDesk`]: one group commit after another until every sender is
/// gone.
async fn mark_writer(
    pool: sqlx::PgPool,
    event: String,
    voting_day: NaiveDate,
    mut rx: tokio::sync::mpsc::Receiver<QueuedMark>,
) {
    let mut batch: Vec<QueuedMark> = Vec::with_capacity(MARK_GROUP_MAX);
    let mut conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>> = None;
    let mut book = MarkBook::new(&event);
    while rx.recv_many(&mut batch, MARK_GROUP_MAX).await > 0 {
        let operators = batch_operators(&batch);
        let items = batch_items(&batch, &operators);
        let ev = RegisterEvent {
            id: &event,
            voting_day,
        };
        let outcome = match &mut conn {
            Some(c) => mark_on_pg(c, &ev, &items, &mut book).await,
            None => match pool.acquire().await {
                Ok(c) => mark_on_pg(conn.insert(c), &ev, &items, &mut book).await,
                Err(e) => Err(StoreError::db("taking a connection for the mark desk")(e)),
            },
        };
        drop(items);
        drop(operators);
        if !answer(&mut batch, outcome) {
            // The connection may be what failed: the next batch takes another.
            conn = None;
        }
    }
}

/// The thread of a [`MarkDesk`] on SQLite: takes one waiting mark, then everything
/// else waiting (up to [`MARK_GROUP_MAX`]), records them in one transaction, answers each, and
/// again, until every sender is gone. The connection is opened on first use and again after
/// a failure; `_checkpoints` stops the desk's checkpointing task when the thread ends.
fn desk_thread(
    path: PathBuf,
    event: String,
    voting_day: NaiveDate,
    mut rx: tokio::sync::mpsc::Receiver<QueuedMark>,
    _checkpoints: tokio::sync::oneshot::Sender<()>,
) {
    let mut db: Option<Connection> = None;
    let mut book = MarkBook::new(&event);
    let mut batch: Vec<QueuedMark> = Vec::with_capacity(MARK_GROUP_MAX);
    let ev = RegisterEvent {
        id: &event,
        voting_day,
    };
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MARK_GROUP_MAX {
            match rx.try_recv() {
                Ok(q) => batch.push(q),
                Err(_) => break,
            }
        }
        let operators = batch_operators(&batch);
        let items = batch_items(&batch, &operators);
        let outcome = match &mut db {
            Some(c) => mark_batch(c, &ev, &items, &mut book),
            None => open(&path, false).and_then(|c| {
                let c = db.insert(c);
                mark_batch(c, &ev, &items, &mut book)
            }),
        };
        drop(items);
        drop(operators);
        if !answer(&mut batch, outcome) {
            // The connection may be what failed: the next batch opens a new one.
            db = None;
        }
    }
}

/// The operators of a batch of waiting marks.
fn batch_operators(batch: &[QueuedMark]) -> Vec<Operator<'_>> {
    batch
        .iter()
        .map(|q| Operator {
            name: &q.operator,
            at: &q.at,
        })
        .collect()
}

/// The marks of a batch with their operators ([`batch_operators`]).
fn batch_items<'a>(
    batch: &'a [QueuedMark],
    operators: &'a [Operator<'a>],
) -> Vec<(&'a MarkRequest, &'a Operator<'a>)> {
    batch
        .iter()
        .zip(operators)
        .map(|(q, op)| (&q.request, op))
        .collect()
}

/// Sends each waiting mark of `batch` its outcome, or the batch's error, emptying `batch`;
/// `false` on an error.
fn answer(batch: &mut Vec<QueuedMark>, outcome: Result<Vec<MarkOutcome>, StoreError>) -> bool {
    match outcome {
        Ok(outcomes) => {
            for (q, o) in batch.drain(..).zip(outcomes) {
                let _ = q.reply.send(Ok(o));
            }
            true
        }
        Err(e) => {
            let reason = e.to_string();
            for q in batch.drain(..) {
                let _ = q.reply.send(Err(reason.clone()));
            }
            false
        }
    }
}

/// How often a [`MarkDesk`] on SQLite checkpoints the WAL.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Checkpoints the WAL every [`CHECKPOINT_EVERY`] until `stop` is dropped or the pool closed.
/// PASSIVE copies what no reader still needs and never waits for the writer, so marking goes
/// on meanwhile.
async fn wal_checkpointer(pool: sqlx::SqlitePool, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = every.tick() => {}
        }
        if pool.is_closed() {
            // The store was closed under a desk still alive: nothing left to checkpoint.
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "checkpointing the WAL beside the mark desk failed; retrying");
        }
    }
}
