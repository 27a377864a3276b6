//! # ashyq-store
//!
//! Persistence for ashyq: one [`Store`] over two backends, SQLite (the embedded default, one
//! file) and PostgreSQL (production, several server instances may share one database).
//!
//! The store keeps the append-only, hash-chained event log of `ashyq_core` and, in the same
//! transaction as each append, a projection that SQL readers and other tools can query: the
//! protocol currently applied per precinct (`protocols`). It does not check domain rules or
//! recompute hashes (the ledger in `ashyq-core` does both, before an entry reaches the store
//! and on every replay); it checks that every batch continues the stored chain exactly —
//! sequence numbers and `prev` links — and refuses anything else without writing.
//!
//! ## Schema
//! The migrations in `crates/ashyq-store/migrations/` are portable SQL run on both backends.
//! The triggers that make `event_log` refuse `UPDATE` and `DELETE` (and, on PostgreSQL,
//! `TRUNCATE`) differ per backend and are installed in code right after the migrations.
//!
//! ## SQL placeholders
//! Queries are written once with `$1, $2, …` placeholders: PostgreSQL numbers them natively,
//! and sqlx's SQLite driver binds `$N` to the N-th argument (not merely the next one), so the
//! same text runs on both.
// One `unsafe` block, allowed where it stands: `register::direct` (the bulk load on SQLite's handle).
#![deny(unsafe_code)]
#![warn(missing_docs)]

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::referendum::ReferendumId;
use ashyq_core::territory::PrecinctId;
use ashyq_core::{LogEntry, LogHash};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection};

/// Runs `$body` with `$pool` bound to the backend's pool (and `$db` to its sqlx database
/// type), for queries whose text is the same on both backends.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
    ($store:expr, $pool:ident, $db:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => {
                #[allow(dead_code)]
                type $db = sqlx::Sqlite;
                $body
            }
            $crate::Pool::Postgres($pool) => {
                #[allow(dead_code)]
                type $db = sqlx::Postgres;
                $body
            }
        }
    };
}

mod append;
pub mod consult;
mod error;
pub mod operators;
pub mod register;
pub mod registrar;
pub mod secretariat;
pub mod testing;
mod url;

pub use error::StoreError;
pub use url::redact_url;

use append::{Batch, ProtocolRow};
use error::from_bigint;

/// The schema migrations, embedded at build time.
static MIGRATOR: Migrator = sqlx::migrate!();

/// How long SQLite waits for another writer's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections of a SQLite pool: readers run side by side in WAL mode; one writes at a time.
const SQLITE_CONNECTIONS: u32 = 8;
/// How long opening waits for PostgreSQL to answer.
const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Advisory lock key serializing schema work (trigger installation) across instances.
const SCHEMA_LOCK: i64 = 0x6173_6879_7100_0002;

/// The persistent store: the event log and its projections, on SQLite or PostgreSQL.
///
/// Cheap to clone (the clones share one connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

/// The backend's connection pool.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A row of `protocols`.
#[derive(sqlx::FromRow)]
struct StoredProtocol {
    referendum: String,
    precinct: i64,
    protocol_hash: String,
    seq: i64,
    voters_on_list: i64,
    voters_added_on_day: i64,
    voters_added_absentee: i64,
    absentee_certificates_issued: i64,
    ballots_received: i64,
    ballots_issued: i64,
    ballots_cancelled: i64,
    ballots_found: i64,
    yes: i64,
    no: i64,
    both_marked: i64,
    invalid: i64,
}

impl Store {
    /// Opens (creating if needed) the store at `url` and brings its schema up to date.
    ///
    /// `url` is `sqlite://PATH`, `sqlite:PATH` or a plain file path for SQLite (the file is
    /// created if missing; WAL journal, `synchronous = NORMAL`, 5 s busy timeout, foreign
    /// keys on), or `postgres://…` / `postgresql://…` for PostgreSQL. Errors name what failed
    /// and how to fix it, with any password masked.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, SQLITE_CONNECTIONS).await
    }

    /// [`Store::open`] with a single SQLite connection, for a bulk job that is the database's
    /// only user in this process: a bulk register import can then write through a rollback
    /// journal instead of the WAL ([`Store::import_voters`]). PostgreSQL opens as usual.
    pub async fn open_single(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, 1).await
    }

    async fn open_with(url: &str, sqlite_connections: u32) -> Result<Store, StoreError> {
        let shown = redact_url(url);
        let pool = match url::parse(url)? {
            url::Target::Sqlite(path) => {
                Pool::Sqlite(open_sqlite(&path, sqlite_connections).await?)
            }
            url::Target::Postgres(pg_url) => Pool::Postgres(open_postgres(&pg_url).await?),
        };
        let store = Store { pool };
        store.migrate().await?;
        store.install_append_only_triggers().await?;
        store.install_consult_triggers().await?;
        store.install_sqlite_register_layout().await?;
        tracing::info!(backend = store.backend(), url = %shown, "opened the store");
        Ok(store)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection; pending operations finish first.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let backend = self.backend();
        with_pool!(self, pool => MIGRATOR.run(pool).await).map_err(|e| StoreError::Migrate {
            backend,
            reason: e.to_string(),
        })
    }

    /// On SQLite, keeps `voters` WITHOUT ROWID: one B-tree keyed by the digest instead of a
    /// table and an index repeating every digest (a gigabyte less to write for a full
    /// register, and one look-up instead of two per mark). Not portable SQL, so done here
    /// rather than in migration 5, whose table it rebuilds once with the same columns and
    /// rows. Idempotent.
    async fn install_sqlite_register_layout(&self) -> Result<(), StoreError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Ok(());
        };
        let action = "keeping the SQLite voter register WITHOUT ROWID";
        const DEFINITION: &str =
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'voters'";
        let done = |sql: &str| sql.to_ascii_uppercase().contains("WITHOUT ROWID");
        // Every open after the first only reads, without the write lock.
        let (sql,): (String,) = sqlx::query_as(DEFINITION)
            .fetch_one(pool)
            .await
            .map_err(StoreError::db(action))?;
        if done(&sql) {
            return Ok(());
        }
        let mut tx = pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::db(action))?;
        // Again under the lock: another process may have rebuilt it meanwhile.
        let (sql,): (String,) = sqlx::query_as(DEFINITION)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        if done(&sql) {
            return Ok(());
        }
        // The same columns and constraints as the migration made: its own text, renamed.
        let Some(columns) = sql.find('(').map(|at| &sql[at..]) else {
            return Err(StoreError::CorruptRow {
                what: "the definition of the table voters".to_owned(),
                reason: format!("no column list in {sql:?}"),
            });
        };
        sqlx::raw_sql(&format!(
            "CREATE TABLE voters_keyed {columns} WITHOUT ROWID;
             INSERT INTO voters_keyed SELECT * FROM voters ORDER BY iin_digest;
             DROP TABLE voters;
             ALTER TABLE voters_keyed RENAME TO voters;"
        ))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db(action))?;
        tx.commit().await.map_err(StoreError::db(action))?;
        Ok(())
    }

    /// Installs the triggers that make `event_log` append-only. They are created here rather
    /// than in the migrations because trigger syntax is not portable (SQLite's
    /// `RAISE(ABORT, …)` trigger bodies versus PostgreSQL's PL/pgSQL trigger functions), and
    /// the migrations are shared by both backends. Idempotent.
    async fn install_append_only_triggers(&self) -> Result<(), StoreError> {
        let action = "installing the append-only triggers on event_log";
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::raw_sql(
                    "CREATE TRIGGER IF NOT EXISTS event_log_no_update BEFORE UPDATE ON event_log
                     BEGIN SELECT RAISE(ABORT, 'event_log is append-only: UPDATE is not allowed'); END;
                     CREATE TRIGGER IF NOT EXISTS event_log_no_delete BEFORE DELETE ON event_log
                     BEGIN SELECT RAISE(ABORT, 'event_log is append-only: DELETE is not allowed'); END;",
                )
                .execute(pool)
                .await
                .map_err(StoreError::db(action))?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                // Several instances may start at once: one installs, the others then see it.
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(SCHEMA_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                let (present,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM pg_trigger
                     WHERE tgrelid = 'event_log'::regclass
                       AND tgname IN ('event_log_append_only', 'event_log_no_truncate')",
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::db(action))?;
                if present != 2 {
                    sqlx::raw_sql(
                        "CREATE OR REPLACE FUNCTION ashyq_event_log_append_only() RETURNS trigger
                         LANGUAGE plpgsql AS $$
                         BEGIN
                             RAISE EXCEPTION 'event_log is append-only: % is not allowed', TG_OP;
                         END
                         $$;
                         DROP TRIGGER IF EXISTS event_log_append_only ON event_log;
                         CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log
                             FOR EACH ROW EXECUTE FUNCTION ashyq_event_log_append_only();
                         DROP TRIGGER IF EXISTS event_log_no_truncate ON event_log;
                         CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
                             FOR EACH STATEMENT EXECUTE FUNCTION ashyq_event_log_append_only();",
                    )
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                }
                tx.commit().await.map_err(StoreError::db(action))?;
            }
        }
        Ok(())
    }

    /// Appends entries to the log in one transaction: all of them or none.
    ///
    /// The first entry must continue the stored head (`seq` = head + 1, `prev` = head hash,
    /// or seq 1 after [`LogHash::genesis`] on an empty log), else [`StoreError::HeadMoved`];
    /// the entries must chain among themselves (seq + 1, `prev` = the previous `hash`), else
    /// [`StoreError::BrokenChain`]. The projection `protocols` is updated in the same
    /// transaction. Concurrent writers are serialized (a transaction-level
    /// advisory lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so of two appenders on the
    /// same head exactly one succeeds. An empty slice does nothing.
    pub async fn append(&self, entries: &[LogEntry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        // Everything that needs no database is done before taking the write lock.
        let batch = Batch::prepare(entries)?;
        append::write(&self.pool, &batch).await?;
        tracing::debug!(
            backend = self.backend(),
            entries = entries.len(),
            last_seq = batch.last_seq(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "appended to the log"
        );
        Ok(())
    }

    /// The last entry's sequence number and hash, or `None` for an empty log.
    pub async fn head(&self) -> Result<Option<(u64, LogHash)>, StoreError> {
        let row: Option<(i64, String)> =
            with_pool!(self, pool => sqlx::query_as(append::HEAD_SQL).fetch_optional(pool).await)
                .map_err(StoreError::db("reading the head of the log"))?;
        row.map(|(seq, hash)| {
            let seq = from_bigint(seq, || "event_log seq".to_owned())?;
            Ok((seq, LogHash(hash)))
        })
        .transpose()
    }

    /// Up to `limit` entries with `seq > after_seq`, in seq order.
    pub async fn entries_after(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let Ok(after) = i64::try_from(after_seq) else {
            return Ok(Vec::new());
        };
        let rows: Vec<(i64, String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT seq, prev, hash, recorded_at, event FROM event_log WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
        })
        .map_err(StoreError::db("reading the event log"))?;
        rows.into_iter()
            .map(|(seq, prev, hash, recorded_at, event)| {
                let what = || format!("event_log entry seq {seq}");
                let event = serde_json::from_str(&event).map_err(|e| StoreError::CorruptRow {
                    what: what(),
                    reason: e.to_string(),
                })?;
                Ok(LogEntry {
                    seq: from_bigint(seq, what)?,
                    prev: LogHash(prev),
                    recorded_at,
                    event,
                    hash: LogHash(hash),
                })
            })
            .collect()
    }

    /// The number of entries in the log.
    pub async fn entry_count(&self) -> Result<u64, StoreError> {
        let (count,): (i64,) = with_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM event_log").fetch_one(pool).await
        })
        .map_err(StoreError::db("counting the event log"))?;
        from_bigint(count, || "the entry count".to_owned())
    }

    /// The protocol currently applied in every precinct of `referendum` that has one, with
    /// its content hash and the seq of the entry that applied it, by precinct number.
    pub async fn current_protocols(
        &self,
        referendum: &str,
    ) -> Result<Vec<(PrecinctProtocol, String, u64)>, StoreError> {
        let sql = format!(
            "SELECT referendum, precinct, protocol_hash, seq, {} FROM protocols
             WHERE referendum = $1 ORDER BY precinct",
            ProtocolLines::FIELDS.join(", ")
        );
        let rows: Vec<StoredProtocol> = with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(referendum).fetch_all(pool).await
        })
        .map_err(StoreError::db("reading the protocols projection"))?;
        rows.into_iter()
            .map(StoredProtocol::into_protocol)
            .collect()
    }

    /// Benchmark baseline: inserts `protocols` into `bench_protocols` with plain batched
    /// multi-row `INSERT`s in one transaction (no log, no chain, no projection). Each row gets
    /// the protocol's content hash, `seq` = its position (1, 2, …) and status `accepted`.
    pub async fn insert_baseline(&self, protocols: &[PrecinctProtocol]) -> Result<(), StoreError> {
        if protocols.is_empty() {
            return Ok(());
        }
        let hashes: Vec<String> = protocols
            .iter()
            .map(PrecinctProtocol::content_hash)
            .collect();
        let rows = protocols
            .iter()
            .zip(&hashes)
            .enumerate()
            .map(|(i, (p, hash))| ProtocolRow::new(p, hash, i as u64 + 1, "accepted"))
            .collect::<Result<Vec<_>, _>>()?;
        let action = "inserting into bench_protocols";
        with_pool!(self, pool, Db => {
            let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
            for chunk in rows.chunks(append::max_binds::<Db>() / append::PROTOCOL_BINDS) {
                append::insert_protocols::<Db>("bench_protocols", chunk, "")
                    .build()
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
            }
            tx.commit().await.map_err(StoreError::db(action))?;
        });
        Ok(())
    }

    /// Empties `bench_protocols`.
    pub async fn clear_baseline(&self) -> Result<(), StoreError> {
        let sql = match self.pool {
            Pool::Sqlite(_) => "DELETE FROM bench_protocols",
            Pool::Postgres(_) => "TRUNCATE bench_protocols",
        };
        with_pool!(self, pool => sqlx::query(sql).execute(pool).await.map(drop))
            .map_err(StoreError::db("emptying bench_protocols"))?;
        Ok(())
    }

    /// The number of rows in `bench_protocols`.
    pub async fn baseline_count(&self) -> Result<u64, StoreError> {
        let (count,): (i64,) = with_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM bench_protocols").fetch_one(pool).await
        })
        .map_err(StoreError::db("counting bench_protocols"))?;
        from_bigint(count, || "the bench_protocols count".to_owned())
    }
}

impl StoredProtocol {
    fn into_protocol(self) -> Result<(PrecinctProtocol, String, u64), StoreError> {
        let key = format!("protocols row ({}, {})", self.referendum, self.precinct);
        let line = |name: &str, v: i64| from_bigint(v, || format!("{key}, {name}"));
        let precinct = u32::try_from(self.precinct).map_err(|_| StoreError::CorruptRow {
            what: key.clone(),
            reason: format!("precinct {} is not a precinct number", self.precinct),
        })?;
        let lines = ProtocolLines {
            voters_on_list: line("voters_on_list", self.voters_on_list)?,
            voters_added_on_day: line("voters_added_on_day", self.voters_added_on_day)?,
            voters_added_absentee: line("voters_added_absentee", self.voters_added_absentee)?,
            absentee_certificates_issued: line(
                "absentee_certificates_issued",
                self.absentee_certificates_issued,
            )?,
            ballots_received: line("ballots_received", self.ballots_received)?,
            ballots_issued: line("ballots_issued", self.ballots_issued)?,
            ballots_cancelled: line("ballots_cancelled", self.ballots_cancelled)?,
            ballots_found: line("ballots_found", self.ballots_found)?,
            yes: line("yes", self.yes)?,
            no: line("no", self.no)?,
            both_marked: line("both_marked", self.both_marked)?,
            invalid: line("invalid", self.invalid)?,
        };
        let seq = from_bigint(self.seq, || format!("{key}, seq"))?;
        let protocol = PrecinctProtocol {
            referendum: ReferendumId(self.referendum),
            precinct: PrecinctId(precinct),
            lines,
        };
        Ok((protocol, self.protocol_hash, seq))
    }
}

async fn open_sqlite(path: &Path, connections: u32) -> Result<SqlitePool, StoreError> {
    let shown = path.display().to_string();
    let fail = |reason: String| StoreError::SqliteOpen {
        path: shown.clone(),
        reason,
    };
    if path.is_dir() {
        return Err(fail("it is a directory, not a file".to_owned()));
    }
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.is_dir()
    {
        return Err(fail(format!(
            "the directory {} does not exist",
            dir.display()
        )));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
        // Batched inserts are large; logging their text would drown the logs.
        .disable_statement_logging();
    SqlitePoolOptions::new()
        .max_connections(connections)
        .connect_with(options)
        .await
        .map_err(|e| fail(e.to_string()))
}

async fn open_postgres(url: &str) -> Result<PgPool, StoreError> {
    let shown = redact_url(url);
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::InvalidUrl {
            url: shown.clone(),
            reason: url::scrub(&e.to_string(), url),
        })?
        .disable_statement_logging();
    // One direct attempt first: the pool retries a refused connection until its timeout and
    // then reports only "timed out", hiding the cause.
    let connect_error = |reason: String| StoreError::Connect {
        url: shown.clone(),
        reason,
    };
    match tokio::time::timeout(
        PG_CONNECT_TIMEOUT,
        sqlx::PgConnection::connect_with(&options),
    )
    .await
    {
        Err(_) => {
            return Err(connect_error(format!(
                "no answer within {} s",
                PG_CONNECT_TIMEOUT.as_secs()
            )));
        }
        Ok(Err(e)) => return Err(connect_error(url::scrub(&e.to_string(), url))),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
        }
    }
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .map_err(|e| connect_error(url::scrub(&e.to_string(), url)))
}
