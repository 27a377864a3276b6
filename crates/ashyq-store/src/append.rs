//! Appending a batch of entries: the chain checks, the multi-row inserts and the projections,
//! all in one transaction.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::{Event, LogEntry, LogHash};
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::error::to_bigint;
use crate::{Pool, StoreError};

/// The last entry of the log.
pub(crate) const HEAD_SQL: &str = "SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1";

/// Advisory lock key serializing appenders on PostgreSQL ("ashyq" + 1).
const APPEND_LOCK: i64 = 0x6173_6879_7100_0001;

/// Bind parameters per row of `event_log`.
const LOG_BINDS: usize = 6;
/// Bind parameters per row of `protocols` / `bench_protocols`.
pub(crate) const PROTOCOL_BINDS: usize = 17;

/// The columns of `protocols` and `bench_protocols`, in bind order.
const PROTOCOL_COLUMNS: &str = "referendum, precinct, protocol_hash, seq, status, \
     voters_on_list, voters_added_on_day, voters_added_absentee, absentee_certificates_issued, \
     ballots_received, ballots_issued, ballots_cancelled, ballots_found, \
     yes, no, both_marked, invalid";

/// Makes an amendment replace the applied protocol.
const REPLACE_PROTOCOL: &str = " ON CONFLICT (referendum, precinct) DO UPDATE SET \
     protocol_hash = excluded.protocol_hash, seq = excluded.seq, status = excluded.status, \
     voters_on_list = excluded.voters_on_list, \
     voters_added_on_day = excluded.voters_added_on_day, \
     voters_added_absentee = excluded.voters_added_absentee, \
     absentee_certificates_issued = excluded.absentee_certificates_issued, \
     ballots_received = excluded.ballots_received, ballots_issued = excluded.ballots_issued, \
     ballots_cancelled = excluded.ballots_cancelled, ballots_found = excluded.ballots_found, \
     yes = excluded.yes, no = excluded.no, both_marked = excluded.both_marked, \
     invalid = excluded.invalid";

/// Lets a first protocol skip a precinct that already has one (detected and refused after).
const KEEP_PROTOCOL: &str = " ON CONFLICT (referendum, precinct) DO NOTHING";

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

/// A row of `event_log`.
struct LogRow<'a> {
    seq: i64,
    prev: &'a str,
    hash: &'a str,
    kind: &'static str,
    recorded_at: &'a str,
    event: String,
}

/// A row of `protocols` or `bench_protocols`.
#[derive(Debug, Clone)]
pub(crate) struct ProtocolRow<'a> {
    referendum: &'a str,
    precinct: i64,
    protocol_hash: &'a str,
    seq: i64,
    status: &'static str,
    lines: [i64; 12],
}

impl<'a> ProtocolRow<'a> {
    /// The row of `protocol`, applied by the entry `seq`.
    pub(crate) fn new(
        protocol: &'a PrecinctProtocol,
        protocol_hash: &'a str,
        seq: u64,
        status: &'static str,
    ) -> Result<Self, StoreError> {
        let mut lines = [0i64; 12];
        for (slot, (name, value)) in lines.iter_mut().zip(protocol.lines.named()) {
            *slot = to_bigint(value, || {
                format!(
                    "line {name} of precinct {} ({}) at seq {seq}",
                    protocol.precinct, protocol.referendum
                )
            })?;
        }
        Ok(ProtocolRow {
            referendum: &protocol.referendum.0,
            precinct: i64::from(protocol.precinct.0),
            protocol_hash,
            seq: to_bigint(seq, || "seq".to_owned())?,
            status,
            lines,
        })
    }
}

/// A batch ready to write: checked as far as possible without the database, serialized, and
/// its projection changes worked out.
pub(crate) struct Batch<'a> {
    first: &'a LogEntry,
    last_seq: u64,
    log: Vec<LogRow<'a>>,
    /// First protocols of precincts (after any amendment later in the same batch).
    inserts: Vec<ProtocolRow<'a>>,
    /// Replacements of protocols applied before the batch, one per precinct.
    replacements: Vec<ProtocolRow<'a>>,
}

/// Where a precinct's projection change of this batch is.
enum Planned {
    Insert(usize),
    Replace(usize),
}

impl<'a> Batch<'a> {
    /// Checks that the entries chain and prepares the rows. `entries` is not empty.
    pub(crate) fn prepare(entries: &'a [LogEntry]) -> Result<Self, StoreError> {
        let Some(first) = entries.first() else {
            return Err(StoreError::BrokenChain {
                seq: 0,
                reason: "the batch is empty".to_owned(),
            });
        };
        let mut batch = Batch {
            first,
            last_seq: first.seq,
            log: Vec::with_capacity(entries.len()),
            inserts: Vec::new(),
            replacements: Vec::new(),
        };
        let mut planned: HashMap<(&'a str, u32), Planned> = HashMap::new();
        let mut previous: Option<&LogEntry> = None;
        for entry in entries {
            check_link(previous, entry)?;
            previous = Some(entry);
            batch.last_seq = entry.seq;
            let seq = to_bigint(entry.seq, || "seq".to_owned())?;
            let kind = entry.event.kind();
            batch.log.push(LogRow {
                seq,
                prev: &entry.prev.0,
                hash: &entry.hash.0,
                kind,
                recorded_at: &entry.recorded_at,
                event: serde_json::to_string(&entry.event).map_err(|e| {
                    StoreError::BrokenChain {
                        seq: entry.seq,
                        reason: format!("its event does not serialize: {e}"),
                    }
                })?,
            });
            match &entry.event {
                Event::ProtocolAccepted {
                    protocol,
                    protocol_hash,
                    ..
                } => {
                    let row = ProtocolRow::new(protocol, protocol_hash, entry.seq, "accepted")?;
                    match planned.entry((&protocol.referendum.0, protocol.precinct.0)) {
                        Entry::Occupied(_) => {
                            return Err(StoreError::Projection {
                                seq: entry.seq,
                                reason: format!(
                                    "it accepts a first protocol for precinct {} of referendum {}, which already has one earlier in the batch; a second protocol is recorded as protocol_conflict or protocol_amended",
                                    protocol.precinct, protocol.referendum
                                ),
                            });
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(Planned::Insert(batch.inserts.len()));
                            batch.inserts.push(row);
                        }
                    }
                }
                Event::ProtocolAmended {
                    protocol,
                    protocol_hash,
                    ..
                } => {
                    let row = ProtocolRow::new(protocol, protocol_hash, entry.seq, "amended")?;
                    match planned.entry((&protocol.referendum.0, protocol.precinct.0)) {
                        Entry::Occupied(slot) => match slot.get() {
                            Planned::Insert(i) => batch.inserts[*i] = row,
                            Planned::Replace(i) => batch.replacements[*i] = row,
                        },
                        Entry::Vacant(slot) => {
                            slot.insert(Planned::Replace(batch.replacements.len()));
                            batch.replacements.push(row);
                        }
                    }
                }
                // Only the referendum protocols have a SQL projection; every other event,
                // party-list protocols included, is read back from the log itself.
                _ => {}
            }
        }
        Ok(batch)
    }

    /// The seq of the last entry.
    pub(crate) fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Checks that the batch continues the stored head.
    fn check_head(&self, head: Option<(i64, String)>) -> Result<(), StoreError> {
        let (expected_seq, expected_prev) = match head {
            None => (1, LogHash::genesis()),
            Some((seq, hash)) => {
                let seq = u64::try_from(seq).unwrap_or(0).saturating_add(1);
                (seq, LogHash(hash))
            }
        };
        if self.first.seq != expected_seq || self.first.prev != expected_prev {
            return Err(StoreError::HeadMoved {
                expected_seq,
                expected_prev,
                found_seq: self.first.seq,
                found_prev: self.first.prev.clone(),
            });
        }
        Ok(())
    }

    /// The error for a first protocol of a precinct that already has one.
    fn already_applied(&self, row: &ProtocolRow<'_>, applied_seq: i64) -> StoreError {
        StoreError::Projection {
            seq: u64::try_from(row.seq).unwrap_or(0),
            reason: format!(
                "it accepts a first protocol for precinct {} of referendum {}, which already has one (applied at seq {applied_seq}); a second protocol is recorded as protocol_conflict or protocol_amended",
                row.precinct, row.referendum
            ),
        }
    }
}

/// Checks that `entry` follows `previous` (when there is one). The hash of each entry is the
/// ledger's to check (before the entry reaches the store, and on every replay).
fn check_link(previous: Option<&LogEntry>, entry: &LogEntry) -> Result<(), StoreError> {
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

/// `INSERT INTO event_log … VALUES (…), (…), …` for `rows`.
fn insert_log<'a, DB: Database>(rows: &'a [LogRow<'a>]) -> QueryBuilder<'a, DB>
where
    i64: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut qb =
        QueryBuilder::new("INSERT INTO event_log (seq, prev, hash, kind, recorded_at, event) ");
    qb.push_values(rows, |mut b, r| {
        b.push_bind(r.seq)
            .push_bind(r.prev)
            .push_bind(r.hash)
            .push_bind(r.kind)
            .push_bind(r.recorded_at)
            .push_bind(r.event.as_str());
    });
    qb
}

/// `INSERT INTO <table> (<protocol columns>) VALUES (…), …` + `tail` for `rows`.
pub(crate) fn insert_protocols<'a, DB: Database>(
    table: &str,
    rows: &'a [ProtocolRow<'a>],
    tail: &str,
) -> QueryBuilder<'a, DB>
where
    i64: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut qb = QueryBuilder::new(format!("INSERT INTO {table} ({PROTOCOL_COLUMNS}) "));
    qb.push_values(rows, |mut b, r| {
        b.push_bind(r.referendum)
            .push_bind(r.precinct)
            .push_bind(r.protocol_hash)
            .push_bind(r.seq)
            .push_bind(r.status);
        for value in r.lines {
            b.push_bind(value);
        }
    });
    qb.push(tail);
    qb
}

/// The writes of a batch inside an open transaction `$tx` of database type `$db`; evaluates
/// to `Result<(), StoreError>`. A macro rather than a generic function: the statements are
/// identical on both backends, but sqlx's executor bounds do not generalize cleanly.
macro_rules! write_batch {
    ($tx:ident, $db:ty, $batch:expr) => {
        async {
            let batch: &Batch<'_> = $batch;
            let head: Option<(i64, String)> = sqlx::query_as(HEAD_SQL)
                .fetch_optional(&mut *$tx)
                .await
                .map_err(StoreError::db("reading the head of the log"))?;
            batch.check_head(head)?;
            let limit = max_binds::<$db>();
            for chunk in batch.log.chunks(limit / LOG_BINDS) {
                insert_log::<$db>(chunk)
                    .build()
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::db("inserting into event_log"))?;
            }
            let mut inserted = 0u64;
            for chunk in batch.inserts.chunks(limit / PROTOCOL_BINDS) {
                inserted += insert_protocols::<$db>("protocols", chunk, KEEP_PROTOCOL)
                    .build()
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::db("inserting into protocols"))?
                    .rows_affected();
            }
            if inserted != batch.inserts.len() as u64 {
                // Some precinct already had a protocol: find the first such entry.
                for row in &batch.inserts {
                    let (applied_seq,): (i64,) = sqlx::query_as(
                        "SELECT seq FROM protocols WHERE referendum = $1 AND precinct = $2",
                    )
                    .bind(row.referendum)
                    .bind(row.precinct)
                    .fetch_one(&mut *$tx)
                    .await
                    .map_err(StoreError::db("reading protocols"))?;
                    if applied_seq != row.seq {
                        return Err(batch.already_applied(row, applied_seq));
                    }
                }
            }
            for chunk in batch.replacements.chunks(limit / PROTOCOL_BINDS) {
                insert_protocols::<$db>("protocols", chunk, REPLACE_PROTOCOL)
                    .build()
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::db("replacing in protocols"))?;
            }
            Ok::<(), StoreError>(())
        }
    };
}

/// Writes `batch` in one transaction, serialized against every other appender.
pub(crate) async fn write(pool: &Pool, batch: &Batch<'_>) -> Result<(), StoreError> {
    let begin = "starting the append transaction";
    let commit = "committing the append transaction";
    match pool {
        Pool::Sqlite(pool) => {
            // BEGIN IMMEDIATE takes the write lock now (waiting up to the busy timeout), so the
            // head read below cannot be overtaken by another writer.
            let mut tx = pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(StoreError::db(
                    "taking the SQLite write lock (BEGIN IMMEDIATE); another process may hold it",
                ))?;
            let result = write_batch!(tx, sqlx::Sqlite, batch).await;
            match result {
                Ok(()) => tx.commit().await.map_err(StoreError::db(commit)),
                Err(e) => {
                    if let Err(rollback) = tx.rollback().await {
                        tracing::warn!(error = %rollback, "rolling back a refused append failed");
                    }
                    Err(e)
                }
            }
        }
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(StoreError::db(begin))?;
            // Held until commit or rollback: appenders of every instance take turns, and each
            // reads the head only once it holds the lock (READ COMMITTED: a fresh snapshot).
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(APPEND_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db(
                    "taking the append lock (pg_advisory_xact_lock)",
                ))?;
            let result = write_batch!(tx, sqlx::Postgres, batch).await;
            match result {
                Ok(()) => tx.commit().await.map_err(StoreError::db(commit)),
                Err(e) => {
                    if let Err(rollback) = tx.rollback().await {
                        tracing::warn!(error = %rollback, "rolling back a refused append failed");
                    }
                    Err(e)
                }
            }
        }
    }
}
