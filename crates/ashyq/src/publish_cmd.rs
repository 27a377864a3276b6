//! `ashyq publish --out DIR`: the static mirror of the public log at its head (every public
//! page in kk/ru/en, every public JSON/CSV/XML document, the signed tree head), and the
//! mirror that `ashyq serve --mirror DIR` keeps current (`ashyq_server::mirror`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use ashyq_server::ServerConfig;
use ashyq_server::mirror::{Mirror, Published};
use clap::Args;

use crate::database::{load_log_key, mask, open};
use crate::output;

/// Arguments of `ashyq publish`.
#[derive(Args)]
pub struct PublishArgs {
    /// The directory of the mirror (created if missing; files already there that are
    /// unchanged are left alone).
    #[arg(long)]
    out: PathBuf,
    /// The key that signs tree heads and receipts: the same file `ashyq serve` uses, so the
    /// mirror's signed heads are the served ones. Default as for `ashyq serve`.
    #[arg(long, env = "ASHYQ_LOG_KEY_FILE")]
    log_key_file: Option<PathBuf>,
}

/// `ashyq publish --out DIR`.
pub async fn run(db: &str, args: PublishArgs) -> Result<ExitCode> {
    let registrar = Arc::new(open(db).await?);
    let config = ServerConfig::with_log_key(load_log_key(db, args.log_key_file.as_deref())?);
    let mut mirror = Mirror::open(&args.out, registrar, &config)?;
    let bar = output::progress(0, "answers");
    let published = mirror
        .update(&mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await?;
    bar.finish_and_clear();
    match published {
        Some(p) => println!("{}", summary(db, mirror.out(), &p)),
        None => println!("{} is at the head already", args.out.display()),
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(db: &str, out: &Path, p: &Published) -> String {
    format!(
        "Published {} at entry {} into {}: {} answers rendered, {} files written, {} unchanged, in {:.2} s.",
        mask(db),
        p.seq,
        out.display(),
        p.rendered,
        p.written,
        p.unchanged,
        p.elapsed.as_secs_f64()
    )
}

/// Opens the mirror of `db` in `out` on a registrar of its own (so each update is of one
/// head) and keeps it at the head that `wake` announces, updating at most every
/// `min_interval`. Fails at once when `out` cannot be written.
pub async fn keep_mirror(
    db: &str,
    out: &Path,
    config: &ServerConfig,
    wake: tokio::sync::watch::Receiver<u64>,
    min_interval: Duration,
) -> Result<tokio::task::JoinHandle<()>> {
    let registrar = Arc::new(open(db).await?);
    let mirror = Mirror::open(out, registrar, config)
        .with_context(|| format!("cannot keep the mirror in {}", out.display()))?;
    Ok(tokio::spawn(ashyq_server::mirror::keep_current(
        mirror,
        wake,
        min_interval,
        |_| {},
    )))
}
