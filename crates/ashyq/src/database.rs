//! The database a command works on: the `--database-url` default, opening the store or the
//! registrar with a message that names the database (its password masked), and the log's
//! signing key kept next to it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ashyq_store::Store;
use ashyq_store::registrar::Registrar;

/// The default database: one SQLite file in the current directory.
pub const DEFAULT_DATABASE: &str = "sqlite://ashyq.db";

/// Opens the registrar (the store and the ledger replayed from its log) on `db`.
pub async fn open(db: &str) -> Result<Registrar> {
    Registrar::open(db)
        .await
        .with_context(|| format!("cannot open the database {}", mask(db)))
}

/// Opens the store on `db`, for commands that need no ledger.
pub async fn open_store(db: &str) -> Result<Store> {
    Store::open(db)
        .await
        .with_context(|| format!("cannot open the database {}", mask(db)))
}

/// Where the log's signing key lives unless `--log-key-file` says: next to a SQLite file
/// (`FILE.log-key`), or `ashyq-log.key` in the current directory for PostgreSQL.
pub fn default_log_key_path(db: &str) -> PathBuf {
    let sqlite = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .or_else(|| (!db.contains("://")).then_some(db));
    match sqlite {
        Some(file) if !file.is_empty() && !file.starts_with(":memory:") => {
            PathBuf::from(format!("{file}.log-key"))
        }
        _ => PathBuf::from("ashyq-log.key"),
    }
}

/// Reads the log's signing key, creating it on first use, and says so.
pub fn load_log_key(
    db: &str,
    given: Option<&Path>,
) -> Result<ashyq_core::keys::CommissionSigningKey> {
    let path = given.map_or_else(|| default_log_key_path(db), Path::to_path_buf);
    let (key, created) = ashyq_server::transparency::load_or_create_log_key(&path)?;
    if created {
        println!(
            "Created the log's signing key {} (keep it private and backed up; its public half is {}.pub). Key id {}.",
            path.display(),
            path.display(),
            key.key_id()
        );
    }
    Ok(key)
}

/// The URL with any password replaced by `***`, for messages.
pub fn mask(url: &str) -> String {
    ashyq_store::redact_url(url)
}
