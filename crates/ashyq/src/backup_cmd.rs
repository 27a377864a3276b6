//! `ashyq backup` and `ashyq restore`: a consistent copy of a live database, and its
//! restore into an empty one (see `ashyq_store::backup`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::database::mask;

/// Arguments of `ashyq backup`.
#[derive(Args)]
pub struct BackupArgs {
    /// The new backup file (never overwritten).
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `ashyq restore`.
#[derive(Args)]
pub struct RestoreArgs {
    /// A file written by `ashyq backup`.
    file: PathBuf,
}

/// `ashyq backup --out FILE`.
pub async fn backup(db: &str, args: BackupArgs) -> Result<ExitCode> {
    let kind = ashyq_store::backup::backup(db, &args.out).await?;
    let size = std::fs::metadata(&args.out).map_or(0, |m| m.len());
    println!(
        "Backed up {} into {} ({}, {size} bytes). The log key file is not in it: keep it apart.",
        mask(db),
        args.out.display(),
        match kind {
            ashyq_store::backup::BackupKind::Sqlite => "a SQLite file",
            ashyq_store::backup::BackupKind::PgDump => "a pg_dump custom archive",
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `ashyq restore FILE`.
pub async fn restore(db: &str, args: RestoreArgs) -> Result<ExitCode> {
    ashyq_store::backup::restore(db, &args.file).await?;
    let store = ashyq_store::Store::open(db).await?;
    let head = store.head().await?.map_or(0, |(seq, _)| seq);
    println!(
        "Restored {} into {}: the public log holds {head} entries. Check it with `ashyq export --log FILE` and `ashyq verify FILE`.",
        args.file.display(),
        mask(db)
    );
    Ok(ExitCode::SUCCESS)
}
