//! Throw-away databases for tests, on both backends.
//!
//! ```no_run
//! # async fn demo() {
//! for db in ashyq_store::testing::backends() {
//!     let store = ashyq_store::Store::open(&db.url).await.unwrap();
//!     // … the same test on SQLite and, when reachable, PostgreSQL
//! }
//! # }
//! ```
//!
//! PostgreSQL is found through `ASHYQ_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it cannot be reached the PostgreSQL half
//! of a test is skipped with a message on stderr, except under `CI=true`, where it panics.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{ConnectOptions, Connection, Executor};

use crate::url::{redact_url, with_database};

/// The environment variable naming the PostgreSQL server for tests.
pub const TEST_DATABASE_URL_VAR: &str = "ASHYQ_TEST_DATABASE_URL";
/// The PostgreSQL server used when [`TEST_DATABASE_URL_VAR`] is not set.
pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty database that is removed when dropped.
pub struct TestDb {
    /// The URL to pass to [`crate::Store::open`].
    pub url: String,
    backend: &'static str,
    /// Keeps the SQLite file's directory alive.
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL database to drop: server URL and database name.
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A new SQLite file (not yet created) in a temporary directory owned by the `TestDb`.
    ///
    /// # Panics
    /// When no temporary directory can be created (a broken test machine).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("ashyq-test-")
            .tempdir()
            .expect("cannot create a temporary directory for a SQLite test database");
        let url = format!("sqlite://{}", dir.path().join("ashyq.db").display());
        TestDb {
            url,
            backend: "sqlite",
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A new, uniquely named PostgreSQL database on the test server, or `None` (after a
    /// message on stderr) when the server cannot be reached.
    ///
    /// # Panics
    /// When the server cannot be reached or the database cannot be created and the
    /// environment variable `CI` is `true`.
    pub fn postgres() -> Option<TestDb> {
        let base = std::env::var(TEST_DATABASE_URL_VAR)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_TEST_DATABASE_URL.to_owned());
        match TestDb::postgres_at(&base) {
            Ok(db) => Some(db),
            Err(error) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL is required under CI=true: {error}");
                }
                eprintln!("skipping PostgreSQL test: {error}");
                None
            }
        }
    }

    /// A new, uniquely named database on the PostgreSQL server at `base` (whose own database
    /// is used only to create and drop it). Benchmarks use it for a scratch database.
    pub fn postgres_at(base: &str) -> Result<TestDb, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "ashyq_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let sql = format!("CREATE DATABASE \"{name}\"");
        match run_admin(base, sql) {
            Ok(()) => Ok(TestDb {
                url: with_database(base, &name),
                backend: "postgres",
                _dir: None,
                postgres: Some((base.to_owned(), name)),
            }),
            Err(error) => Err(format!(
                "cannot reach {}: {}; start PostgreSQL or set {TEST_DATABASE_URL_VAR}",
                redact_url(base),
                crate::url::scrub(&error, base)
            )),
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        self.backend
    }
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("url", &redact_url(&self.url))
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.postgres.take() {
            // WITH (FORCE) (PostgreSQL 13+) also ends connections a test left open.
            let forced = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            let result = run_admin(&base, forced).or_else(|error| {
                if error.contains("syntax error") {
                    run_admin(&base, format!("DROP DATABASE IF EXISTS \"{name}\""))
                } else {
                    Err(error)
                }
            });
            if let Err(error) = result {
                eprintln!(
                    "could not drop the test database {name}: {}",
                    crate::url::scrub(&error, &base)
                );
            }
        }
    }
}

/// A SQLite database, plus a PostgreSQL one when the test server is reachable: loop over
/// them to run a test on both backends.
pub fn backends() -> Vec<TestDb> {
    let mut out = vec![TestDb::sqlite()];
    out.extend(TestDb::postgres());
    out
}

/// Runs one statement on the server at `url`, on a fresh thread with its own runtime, so it
/// works from synchronous code, from inside a runtime and from `Drop`.
fn run_admin(url: &str, sql: String) -> Result<(), String> {
    let url = url.to_owned();
    let thread = std::thread::spawn(move || -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a runtime: {e}"))?;
        runtime.block_on(async move {
            let options: sqlx::postgres::PgConnectOptions =
                url.parse().map_err(|e: sqlx::Error| e.to_string())?;
            let options = options.disable_statement_logging();
            let mut conn = tokio::time::timeout(Duration::from_secs(5), options.connect())
                .await
                .map_err(|_| "no answer within 5 s".to_owned())?
                .map_err(|e| e.to_string())?;
            conn.execute(sql.as_str())
                .await
                .map_err(|e| e.to_string())?;
            let _ = conn.close().await;
            Ok(())
        })
    });
    thread
        .join()
        .unwrap_or_else(|_| Err("the admin thread panicked".to_owned()))
}
