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
//! Every hash-chained domain — the public log, the consultation, the register's audited acts
//! — is stored the same way ([`chain`]) and written through one generic journal
//! ([`journal::Journal`]).
//!
//! ## Schema
//! The migrations in `crates/ashyq-store/migrations/` are portable SQL run on both backends.
//! The triggers that make the chain tables and `act_versions` refuse `UPDATE` and `DELETE`
//! (and, on PostgreSQL, `TRUNCATE`) differ per backend and are installed in code right after
//! the migrations.
//!
//! ## SQL placeholders
//! Queries are written once with `$1, $2, …` placeholders: PostgreSQL numbers them natively,
//! and sqlx's SQLite driver binds `$N` to the N-th argument (not merely the next one), so the
//! same text runs on both.
// One `unsafe` block, allowed where it stands: `register::import::direct` (the bulk load on SQLite's handle).
#![deny(unsafe_code)]
#![warn(missing_docs)]

use ashyq_core::protocol::BallotLines;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use ashyq_core::contest::ContestId;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
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

pub mod backup;
pub mod chain;
pub mod consult;
mod error;
pub mod journal;
pub mod operators;
mod protocols;
pub mod register;
pub mod registrar;
pub mod secretariat;
pub mod shared_state;
pub mod testing;
mod url;

pub use error::StoreError;
pub use url::redact_url;

use chain::EVENT_LOG;
use error::from_bigint;
use protocols::ProtocolRow;

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
        let append_only: Vec<&str> = chain::CHAINS
            .iter()
            .map(|c| c.name)
            .chain(["act_versions"])
            .collect();
        store.install_append_only(&append_only).await?;
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

    /// Appends entries to the public log in one transaction with the `protocols` projection:
    /// all of them or none (see [`Store::append_chain`]; the registrar's journal is the usual
    /// way in). Of two appenders on the same head exactly one succeeds
    /// ([`StoreError::HeadMoved`] for the other); an empty slice does nothing.
    pub async fn append(&self, entries: &[LogEntry]) -> Result<(), StoreError> {
        self.append_chain(&EVENT_LOG, entries, Some(&protocols::Protocols))
            .await
    }

    /// The public log's last entry's sequence number and hash, or `None` for an empty log.
    pub async fn head(&self) -> Result<Option<(u64, LogHash)>, StoreError> {
        self.chain_head(&EVENT_LOG).await
    }

    /// Up to `limit` entries of the public log with `seq > after_seq`, in seq order.
    pub async fn entries_after(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<LogEntry>, StoreError> {
        self.chain_entries_after(&EVENT_LOG, after_seq, limit).await
    }

    /// The number of entries in the public log.
    pub async fn entry_count(&self) -> Result<u64, StoreError> {
        self.chain_len(&EVENT_LOG).await
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
            for chunk in rows.chunks(chain::max_binds::<Db>() / protocols::PROTOCOL_BINDS) {
                protocols::insert_protocols::<Db>("bench_protocols", chunk, "")
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
            ballots: BallotLines {
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
            },
            yes: line("yes", self.yes)?,
            no: line("no", self.no)?,
            both_marked: line("both_marked", self.both_marked)?,
            invalid: line("invalid", self.invalid)?,
        };
        let seq = from_bigint(self.seq, || format!("{key}, seq"))?;
        let protocol = PrecinctProtocol {
            referendum: ContestId(self.referendum),
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
