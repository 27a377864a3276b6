//! The stored hash chains: one table per chain with the same columns (`seq`, `prev`, `hash`,
//! `kind`, `recorded_at`, `event`), append-only by trigger, appended by one function for every
//! chain — its links checked, its head checked under the chain's write lock, its rows written
//! with multi-row inserts, and an optional projection written in the same transaction.
//!
//! The store does not recompute hashes or check domain rules: the domain does both, before an
//! entry reaches the store and on every replay (`ashyq_core::journal`).

use std::future::Future;
use std::pin::Pin;

use ashyq_core::chain::{ChainEvent, Entry, LogHash};
use serde::de::DeserializeOwned;
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::error::{from_bigint, to_bigint};
use crate::{Pool, Store, StoreError};

/// Where a chain is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainTable {
    /// The table.
    pub name: &'static str,
    /// The PostgreSQL advisory lock key that serializes its appenders across instances.
    pub lock: i64,
}

impl ChainTable {
    /// The PostgreSQL notification channel on which each append announces its last sequence
    /// number (`ashyq_` + the table's name).
    pub fn channel(&self) -> String {
        format!("ashyq_{}", self.name)
    }
}

/// The public log: territory, referendums, elections, keys, mandates ("ashyq" + 1).
pub const EVENT_LOG: ChainTable = ChainTable {
    name: "event_log",
    lock: 0x6173_6879_7100_0001,
};

/// The consultation's log ("ashyq" + 3).
pub const CONSULT_LOG: ChainTable = ChainTable {
    name: "consult_log",
    lock: 0x6173_6879_7100_0003,
};

/// The register's audited acts ("ashyq" + 4).
pub const REGISTER_LOG: ChainTable = ChainTable {
    name: "register_log",
    lock: 0x6173_6879_7100_0004,
};

/// The ballot board of the remote vote abroad ("ashyq" + 5).
pub const BALLOT_LOG: ChainTable = ChainTable {
    name: "ballot_log",
    lock: 0x6173_6879_7100_0005,
};

/// Every chain table, for the append-only triggers.
pub(crate) const CHAINS: [ChainTable; 4] = [EVENT_LOG, CONSULT_LOG, REGISTER_LOG, BALLOT_LOG];

/// The most bind parameters one statement may carry.
pub(crate) trait BindLimit {
    /// SQLite: 32766 (`SQLITE_MAX_VARIABLE_NUMBER` since 3.32); PostgreSQL: 65535 (the wire
    /// protocol's 16-bit count).
    const MAX_BINDS: usize;
}

impl BindLimit for sqlx::Sqlite {
    const MAX_BINDS: usize = 32_766;
}

impl BindLimit for sqlx::Postgres {
    const MAX_BINDS: usize = 65_535;
}

/// [`BindLimit::MAX_BINDS`] of `DB`.
pub(crate) fn max_binds<DB: BindLimit>() -> usize {
    DB::MAX_BINDS
}

/// Bind parameters per row of a chain table.
const LOG_BINDS: usize = 6;

/// An open append transaction, on either backend: what a projection writes through.
pub(crate) enum Tx<'a> {
    /// SQLite.
    Sqlite(&'a mut sqlx::SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut sqlx::PgConnection),
}

/// A boxed future of a projection's write.
pub(crate) type Write<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

/// A projection: tables derived from a chain's events and written in the same transaction as
/// the entries, for SQL readers. A chain without one is read back from its entries.
pub(crate) trait Projection<E>: Sync {
    /// Works out, before the write lock is taken, what `entries` change.
    fn plan<'e>(&self, entries: &'e [Entry<E>])
    -> Result<Box<dyn ProjectionPlan + 'e>, StoreError>;
}

/// The changes a projection will write.
pub(crate) trait ProjectionPlan: Send + Sync {
    /// Writes them inside the append transaction.
    fn write<'a>(&'a self, tx: Tx<'a>) -> Write<'a>;
}

/// A row of a chain table.
struct Row<'a> {
    seq: i64,
    prev: &'a str,
    hash: &'a str,
    kind: &'static str,
    recorded_at: &'a str,
    event: std::borrow::Cow<'a, str>,
}

/// A chain table's row as stored, for the benchmark baseline
/// ([`Store::insert_chain_baseline`]).
#[derive(Debug, Clone)]
pub struct BaselineRow {
    /// The entry's sequence number.
    pub seq: u64,
    /// The previous entry's hash.
    pub prev: String,
    /// The entry's hash.
    pub hash: String,
    /// The event's kind.
    pub kind: &'static str,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// The event as JSON.
    pub event: String,
}

impl BaselineRow {
    /// The row `entry` is stored as.
    pub fn of<E: ChainEvent>(entry: &Entry<E>) -> Result<BaselineRow, StoreError> {
        Ok(BaselineRow {
            seq: entry.seq,
            prev: entry.prev.0.clone(),
            hash: entry.hash.0.clone(),
            kind: entry.event.kind(),
            recorded_at: entry.recorded_at.clone(),
            event: serde_json::to_string(&entry.event).map_err(|e| StoreError::BrokenChain {
                seq: entry.seq,
                reason: format!("its event does not serialize: {e}"),
            })?,
        })
    }
}

/// Checks that `entry` follows `previous` (when there is one).
fn check_link<E>(previous: Option<&Entry<E>>, entry: &Entry<E>) -> Result<(), StoreError> {
    let broken = |reason: String| StoreError::BrokenChain {
        seq: entry.seq,
        reason,
    };
    if entry.seq == 0 {
        return Err(broken("sequence numbers start at 1".to_owned()));
    }
    if let Some(prev) = previous {
        if prev.seq.checked_add(1) != Some(entry.seq) {
            return Err(broken(format!(
                "it follows entry seq {} (it must be seq {})",
                prev.seq,
                prev.seq.saturating_add(1)
            )));
        }
        if entry.prev != prev.hash {
            return Err(broken(format!(
                "its prev {} is not the hash {} of entry seq {}",
                entry.prev, prev.hash, prev.seq
            )));
        }
    }
    Ok(())
}

/// Checks that a batch starting with `first` continues the stored head.
fn check_head<E>(first: &Entry<E>, head: Option<(i64, String)>) -> Result<(), StoreError> {
    let (expected_seq, expected_prev) = match head {
        None => (1, LogHash::genesis()),
        Some((seq, hash)) => (
            u64::try_from(seq).unwrap_or(0).saturating_add(1),
            LogHash(hash),
        ),
    };
    if first.seq != expected_seq || first.prev != expected_prev {
        return Err(StoreError::HeadMoved {
            expected_seq,
            expected_prev,
            found_seq: first.seq,
            found_prev: first.prev.clone(),
        });
    }
    Ok(())
}

/// `INSERT INTO <table> … VALUES (…), (…), …` for `rows`.
fn insert_rows<'a, DB: Database>(table: &str, rows: &'a [Row<'a>]) -> QueryBuilder<'a, DB>
where
    i64: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut qb = QueryBuilder::new(format!(
        "INSERT INTO {table} (seq, prev, hash, kind, recorded_at, event) "
    ));
    qb.push_values(rows, |mut b, r| {
        b.push_bind(r.seq)
            .push_bind(r.prev)
            .push_bind(r.hash)
            .push_bind(r.kind)
            .push_bind(r.recorded_at)
            .push_bind(&*r.event);
    });
    qb
}

fn head_sql(table: &ChainTable) -> String {
    format!(
        "SELECT seq, hash FROM {} ORDER BY seq DESC LIMIT 1",
        table.name
    )
}

/// The statements of an append inside the open transaction `$conn` of database type `$db`.
/// A macro rather than a generic function: the statements are the same on both backends, but
/// sqlx's executor bounds do not generalize cleanly.
macro_rules! write_chain {
    ($conn:expr, $db:ty, $table:expr, $first:expr, $rows:expr) => {
        async {
            let head: Option<(i64, String)> = sqlx::query_as(&head_sql($table))
                .fetch_optional(&mut *$conn)
                .await
                .map_err(StoreError::db("reading the head of the log"))?;
            check_head($first, head)?;
            for chunk in $rows.chunks(max_binds::<$db>() / LOG_BINDS) {
                insert_rows::<$db>($table.name, chunk)
                    .build()
                    .execute(&mut *$conn)
                    .await
                    .map_err(StoreError::db("inserting into the log"))?;
            }
            Ok::<(), StoreError>(())
        }
    };
}

/// Commits the transaction when `result` is `Ok`, rolls it back otherwise.
pub(crate) async fn settle<DB: Database>(
    tx: sqlx::Transaction<'_, DB>,
    result: Result<(), StoreError>,
) -> Result<(), StoreError> {
    match result {
        Ok(()) => tx
            .commit()
            .await
            .map_err(StoreError::db("committing the append transaction")),
        Err(e) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::warn!(error = %rollback, "rolling back a refused append failed");
            }
            Err(e)
        }
    }
}

impl Store {
    /// Appends entries to the chain stored in `table`, in one transaction: all of them or
    /// none, with `projection`'s changes.
    ///
    /// The first entry must continue the stored head (`seq` = head + 1, `prev` = head hash,
    /// or seq 1 after [`LogHash::genesis`] on an empty chain), else [`StoreError::HeadMoved`];
    /// the entries must chain among themselves, else [`StoreError::BrokenChain`]. Concurrent
    /// writers of one chain are serialized (`BEGIN IMMEDIATE` on SQLite, the chain's
    /// transaction-level advisory lock on PostgreSQL), so of two appenders on the same head
    /// exactly one succeeds. An empty slice does nothing.
    pub(crate) async fn append_chain<E: ChainEvent>(
        &self,
        table: &ChainTable,
        entries: &[Entry<E>],
        projection: Option<&dyn Projection<E>>,
    ) -> Result<(), StoreError> {
        let Some(first) = entries.first() else {
            return Ok(());
        };
        let started = std::time::Instant::now();
        // Everything that needs no database is done before taking the write lock.
        let mut rows = Vec::with_capacity(entries.len());
        let mut previous = None;
        for e in entries {
            check_link(previous, e)?;
            previous = Some(e);
            rows.push(Row {
                seq: to_bigint(e.seq, || format!("{} seq", table.name))?,
                prev: &e.prev.0,
                hash: &e.hash.0,
                kind: e.event.kind(),
                recorded_at: &e.recorded_at,
                event: serde_json::to_string(&e.event)
                    .map_err(|err| StoreError::BrokenChain {
                        seq: e.seq,
                        reason: format!("its event does not serialize: {err}"),
                    })?
                    .into(),
            });
        }
        let plan = projection.map(|p| p.plan(entries)).transpose()?;
        match &self.pool {
            Pool::Sqlite(pool) => {
                // BEGIN IMMEDIATE takes the write lock now (waiting up to the busy timeout),
                // so the head read below cannot be overtaken by another writer.
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(StoreError::db(
                    "taking the SQLite write lock (BEGIN IMMEDIATE); another process may hold it",
                ))?;
                let mut result = write_chain!(tx, sqlx::Sqlite, table, first, rows).await;
                if let (Ok(()), Some(plan)) = (&result, &plan) {
                    result = plan.write(Tx::Sqlite(&mut tx)).await;
                }
                settle(tx, result).await?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool
                    .begin()
                    .await
                    .map_err(StoreError::db("starting the append transaction"))?;
                // Held until commit or rollback: appenders of every instance take turns, and
                // each reads the head only once it holds the lock (a fresh snapshot).
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(table.lock)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(
                        "taking the append lock (pg_advisory_xact_lock)",
                    ))?;
                let mut result = write_chain!(tx, sqlx::Postgres, table, first, rows).await;
                if let (Ok(()), Some(plan)) = (&result, &plan) {
                    result = plan.write(Tx::Postgres(&mut tx)).await;
                }
                if result.is_ok() {
                    // Delivered to every listening instance when (and only if) the append
                    // commits: they catch up at once instead of at their next poll.
                    let last = entries.last().map_or(0, |e| e.seq);
                    result = sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(table.channel())
                        .bind(last.to_string())
                        .execute(&mut *tx)
                        .await
                        .map(drop)
                        .map_err(StoreError::db("announcing the new head (pg_notify)"));
                }
                settle(tx, result).await?;
            }
        }
        tracing::debug!(
            backend = self.backend(),
            table = table.name,
            entries = entries.len(),
            last_seq = entries.last().map_or(0, |e| e.seq),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "appended to the log"
        );
        Ok(())
    }

    /// Benchmark baseline (`ashyq bench kurultai`): inserts `rows` into the chain table
    /// `table` with plain batched multi-row `INSERT`s in one transaction — no head or link
    /// check, no write lock taken up front, no projection, nothing serialized.
    pub async fn insert_chain_baseline(
        &self,
        table: &ChainTable,
        rows: &[BaselineRow],
    ) -> Result<(), StoreError> {
        let rows = rows
            .iter()
            .map(|r| {
                Ok(Row {
                    seq: to_bigint(r.seq, || format!("{} seq", table.name))?,
                    prev: &r.prev,
                    hash: &r.hash,
                    kind: r.kind,
                    recorded_at: &r.recorded_at,
                    event: r.event.as_str().into(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let action = "inserting the baseline's rows";
        with_pool!(self, pool, Db => {
            let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
            for chunk in rows.chunks(max_binds::<Db>() / LOG_BINDS) {
                insert_rows::<Db>(table.name, chunk)
                    .build()
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
            }
            tx.commit().await.map_err(StoreError::db(action))?;
        });
        Ok(())
    }

    /// The last entry's sequence number and hash of the chain in `table`, or `None` when it
    /// is empty.
    pub async fn chain_head(
        &self,
        table: &ChainTable,
    ) -> Result<Option<(u64, LogHash)>, StoreError> {
        let sql = head_sql(table);
        let row: Option<(i64, String)> =
            with_pool!(self, pool => sqlx::query_as(&sql).fetch_optional(pool).await)
                .map_err(StoreError::db("reading the head of the log"))?;
        row.map(|(seq, hash)| {
            let seq = from_bigint(seq, || format!("{} seq", table.name))?;
            Ok((seq, LogHash(hash)))
        })
        .transpose()
    }

    /// Up to `limit` entries of the chain in `table` with `seq > after_seq`, in order.
    pub async fn chain_entries_after<E: DeserializeOwned>(
        &self,
        table: &ChainTable,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<Entry<E>>, StoreError> {
        let Ok(after) = i64::try_from(after_seq) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT seq, prev, hash, recorded_at, event FROM {} WHERE seq > $1 ORDER BY seq LIMIT $2",
            table.name
        );
        let rows: Vec<(i64, String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(&sql)
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading the log"))?;
        rows.into_iter()
            .map(|(seq, prev, hash, recorded_at, event)| {
                let what = || format!("{} entry seq {seq}", table.name);
                let event = serde_json::from_str(&event).map_err(|e| StoreError::CorruptRow {
                    what: what(),
                    reason: e.to_string(),
                })?;
                Ok(Entry {
                    seq: from_bigint(seq, what)?,
                    prev: LogHash(prev),
                    recorded_at,
                    event,
                    hash: LogHash(hash),
                })
            })
            .collect()
    }

    /// The number of entries of the chain in `table`.
    pub async fn chain_len(&self, table: &ChainTable) -> Result<u64, StoreError> {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name);
        let (count,): (i64,) = with_pool!(self, pool => sqlx::query_as(&sql).fetch_one(pool).await)
            .map_err(StoreError::db("counting the log"))?;
        from_bigint(count, || format!("the {} count", table.name))
    }

    /// Installs the triggers that make `tables` refuse `UPDATE` and `DELETE` (and, on
    /// PostgreSQL, `TRUNCATE`). Created here rather than in the migrations because trigger
    /// syntax is not portable (SQLite's `RAISE(ABORT, …)` bodies versus PostgreSQL's PL/pgSQL
    /// functions), and the migrations are shared by both backends. Idempotent; on PostgreSQL
    /// serialized across instances that start at once.
    pub(crate) async fn install_append_only(&self, tables: &[&str]) -> Result<(), StoreError> {
        let action = "installing the append-only triggers";
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut sql = String::new();
                for t in tables {
                    sql.push_str(&format!(
                        "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t}
                         BEGIN SELECT RAISE(ABORT, '{t} is append-only: UPDATE is not allowed'); END;
                         CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t}
                         BEGIN SELECT RAISE(ABORT, '{t} is append-only: DELETE is not allowed'); END;"
                    ));
                }
                sqlx::raw_sql(&sql)
                    .execute(pool)
                    .await
                    .map_err(StoreError::db(action))?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(crate::SCHEMA_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                let names: Vec<String> = tables
                    .iter()
                    .flat_map(|t| [format!("{t}_append_only"), format!("{t}_no_truncate")])
                    .collect();
                let (present,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM pg_trigger WHERE tgname = ANY($1)")
                        .bind(&names)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::db(action))?;
                if usize::try_from(present).ok() != Some(names.len()) {
                    let mut sql = String::from(
                        "CREATE OR REPLACE FUNCTION ashyq_append_only() RETURNS trigger
                         LANGUAGE plpgsql AS $$
                         BEGIN
                             RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
                         END
                         $$;",
                    );
                    for t in tables {
                        sql.push_str(&format!(
                            "DROP TRIGGER IF EXISTS {t}_append_only ON {t};
                             CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
                                 FOR EACH ROW EXECUTE FUNCTION ashyq_append_only();
                             DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};
                             CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
                                 FOR EACH STATEMENT EXECUTE FUNCTION ashyq_append_only();"
                        ));
                    }
                    sqlx::raw_sql(&sql)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db(action))?;
                }
                tx.commit().await.map_err(StoreError::db(action))?;
            }
        }
        Ok(())
    }
}

/// Wakes a follower as soon as another process appends to a chain: PostgreSQL's
/// `LISTEN/NOTIFY` on [`ChainTable::channel`]. SQLite has no such channel (and no second
/// machine), so there a follower only polls.
pub struct HeadListener {
    inner: Option<sqlx::postgres::PgListener>,
}

impl HeadListener {
    /// Waits for the next announced head and returns its sequence number. On SQLite it
    /// never returns. An error means the connection was lost and could not be re-made at
    /// once; the caller polls meanwhile and listens again later.
    pub async fn next(&mut self) -> Result<u64, StoreError> {
        let Some(listener) = &mut self.inner else {
            return std::future::pending().await;
        };
        let note = listener
            .recv()
            .await
            .map_err(StoreError::db("waiting for a new head (LISTEN)"))?;
        Ok(note.payload().parse().unwrap_or(0))
    }

    /// Whether notifications arrive (PostgreSQL) or the follower only polls (SQLite).
    pub fn notifies(&self) -> bool {
        self.inner.is_some()
    }
}

impl Store {
    /// How many connections listen for new heads of the public log, i.e. how many server
    /// instances follow it (PostgreSQL); always 0 on SQLite.
    pub async fn log_followers(&self) -> Result<i64, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(0),
            Pool::Postgres(pool) => sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1",
            )
            .bind(format!("LISTEN %\"{}\"%", EVENT_LOG.channel()))
            .fetch_one(pool)
            .await
            .map_err(StoreError::db("counting the instances that follow the log")),
        }
    }

    /// Listens for the appends of other processes to `table` (see [`HeadListener`]).
    pub async fn listen(&self, table: &ChainTable) -> Result<HeadListener, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(HeadListener { inner: None }),
            Pool::Postgres(pool) => {
                let mut listener = sqlx::postgres::PgListener::connect_with(pool)
                    .await
                    .map_err(StoreError::db("connecting to listen for new heads"))?;
                listener
                    .listen(&table.channel())
                    .await
                    .map_err(StoreError::db("listening for new heads (LISTEN)"))?;
                Ok(HeadListener {
                    inner: Some(listener),
                })
            }
        }
    }
}
