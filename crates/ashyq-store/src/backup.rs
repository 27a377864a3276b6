//! Backups a server keeps running through, and their restore into an empty database.
//!
//! - **SQLite**: `VACUUM INTO`, SQLite's own transactionally consistent copy of a live
//!   database, taken while the server goes on writing. (The incremental backup API copies
//!   pages step by step and starts over whenever a writer changes a page, so under a steady
//!   stream of protocols it may never end; `VACUUM INTO` reads one snapshot.) The copy is a
//!   plain SQLite file.
//! - **PostgreSQL**: `pg_dump --format=custom` from Debian's `postgresql-client`, one
//!   consistent snapshot, restored with `pg_restore`.
//!
//! Either way the copy is written next to its destination and renamed into place, so a
//! crash never leaves a half-written backup under the final name. Restore refuses a database
//! that already holds anything, and brings the schema of an older backup up to date.
//! Keys are never in the database, so no backup holds one: the log key file is backed up
//! (or re-made) on its own (docs/deploy.md).

use std::path::{Path, PathBuf};

use crate::url::{Target, parse, redact_url};
use crate::{Store, StoreError};

/// The first bytes of a SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// The first bytes of a `pg_dump --format=custom` archive.
const PGDUMP_MAGIC: &[u8] = b"PGDMP";

/// What a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// A SQLite database file.
    Sqlite,
    /// A `pg_dump` custom-format archive.
    PgDump,
}

impl BackupKind {
    /// Reads the kind from a file's first bytes.
    pub fn of_file(path: &Path) -> Result<BackupKind, StoreError> {
        use std::io::Read;
        let mut head = [0u8; 16];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| StoreError::Backup(format!("cannot read {}: {e}", path.display())))?;
        let head = &head[..n];
        if head.starts_with(SQLITE_MAGIC) {
            Ok(BackupKind::Sqlite)
        } else if head.starts_with(PGDUMP_MAGIC) {
            Ok(BackupKind::PgDump)
        } else {
            Err(StoreError::Backup(format!(
                "{} is not a backup made by `ashyq backup` (neither a SQLite file nor a pg_dump custom archive)",
                path.display()
            )))
        }
    }
}

fn partial(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

fn refuse_existing(out: &Path) -> Result<(), StoreError> {
    if out.exists() {
        return Err(StoreError::Backup(format!(
            "{} already exists; a backup never overwrites a file: choose another name or remove it",
            out.display()
        )));
    }
    Ok(())
}

fn finish(tmp: &Path, out: &Path) -> Result<(), StoreError> {
    std::fs::rename(tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        StoreError::Backup(format!(
            "cannot move the backup into {}: {e}",
            out.display()
        ))
    })
}

/// Takes a consistent backup of the database at `url` into the new file `out`, while
/// others go on writing. Returns its kind.
pub async fn backup(url: &str, out: &Path) -> Result<BackupKind, StoreError> {
    refuse_existing(out)?;
    let tmp = partial(out);
    let _ = std::fs::remove_file(&tmp);
    match parse(url)? {
        Target::Sqlite(_) => {
            let store = Store::open(url).await?;
            let crate::Pool::Sqlite(pool) = &store.pool else {
                return Err(StoreError::Backup(
                    "a SQLite URL opened another kind of database".into(),
                ));
            };
            sqlx::query("VACUUM INTO $1")
                .bind(tmp.to_string_lossy().into_owned())
                .execute(pool)
                .await
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    StoreError::Backup(format!(
                        "the SQLite backup into {} failed: {e}; check that the directory exists and is writable",
                        out.display()
                    ))
                })?;
            finish(&tmp, out)?;
            Ok(BackupKind::Sqlite)
        }
        Target::Postgres(pg) => {
            run_tool(
                "pg_dump",
                tokio::process::Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(&tmp)
                    .arg("--dbname")
                    .arg(&pg),
                &pg,
            )
            .await
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })?;
            finish(&tmp, out)?;
            Ok(BackupKind::PgDump)
        }
    }
}

/// Restores the backup `file` into the EMPTY database at `url` (a SQLite file that does
/// not exist yet, or a PostgreSQL database without tables) and brings its schema up to date.
pub async fn restore(url: &str, file: &Path) -> Result<BackupKind, StoreError> {
    let kind = BackupKind::of_file(file)?;
    match (kind, parse(url)?) {
        (BackupKind::Sqlite, Target::Sqlite(path)) => {
            if path.exists() && std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
                return Err(StoreError::Backup(format!(
                    "{} already exists; restore only into a new file, so nothing is overwritten",
                    path.display()
                )));
            }
            let tmp = partial(&path);
            std::fs::copy(file, &tmp).map_err(|e| {
                StoreError::Backup(format!("cannot copy the backup to {}: {e}", tmp.display()))
            })?;
            finish(&tmp, &path)?;
        }
        (BackupKind::PgDump, Target::Postgres(pg)) => {
            let tables: i64 = {
                let store = crate::open_postgres(&pg).await?;
                sqlx::query_scalar(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                )
                .fetch_one(&store)
                .await
                .map_err(StoreError::db("looking whether the database is empty"))?
            };
            if tables > 0 {
                return Err(StoreError::Backup(format!(
                    "the database {} is not empty ({tables} tables); restore only into a new, empty database (createdb NAME)",
                    redact_url(&pg)
                )));
            }
            run_tool(
                "pg_restore",
                tokio::process::Command::new("pg_restore")
                    .arg("--no-owner")
                    .arg("--exit-on-error")
                    .arg("--dbname")
                    .arg(&pg)
                    .arg(file),
                &pg,
            )
            .await?;
        }
        (BackupKind::Sqlite, Target::Postgres(_)) | (BackupKind::PgDump, Target::Sqlite(_)) => {
            return Err(StoreError::Backup(format!(
                "{} is a {} backup and cannot go into a {} database; restore it into a database of the same kind",
                file.display(),
                if kind == BackupKind::Sqlite {
                    "SQLite"
                } else {
                    "PostgreSQL"
                },
                if kind == BackupKind::Sqlite {
                    "PostgreSQL"
                } else {
                    "SQLite"
                },
            )));
        }
    }
    // Migrations of a newer ashyq apply to an older backup; the triggers are re-checked.
    Store::open(url).await?;
    Ok(kind)
}

/// Runs a PostgreSQL client tool; its error output is shown with the password masked.
async fn run_tool(
    name: &str,
    cmd: &mut tokio::process::Command,
    url: &str,
) -> Result<(), StoreError> {
    let out = cmd.output().await.map_err(|e| {
        StoreError::Backup(format!(
            "cannot run {name} ({e}); install PostgreSQL's client tools (Debian: apt-get install postgresql-client)"
        ))
    })?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr).replace(url, &redact_url(url));
    Err(StoreError::Backup(format!(
        "{name} failed on {}: {}",
        redact_url(url),
        said.trim()
    )))
}
