//! `ashyq downloads --out DIR`: every published dataset at one head of the log — each
//! contest's results as JSON (and CSV), its NIST SP 1500-100 report as JSON and XML, the
//! Kurultai's records, the log itself (`ashyq_core::downloads::datasets`) — each with a sidecar `FILE.sig.json` signed by the log's key
//! (`ashyq_core::downloads`), and a DCAT catalogue (`catalog.jsonld`) listing them with their
//! size and SHA-256. `ashyq verify-download FILE` checks a file against its sidecar offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ashyq_core::Event;
use ashyq_core::downloads::{self, SignedDownload};
use ashyq_store::chain::EVENT_LOG;
use clap::Args;

use crate::database::{load_log_key, open};
use crate::export_cmd::export_chain;
use crate::files::read_text;
use crate::keys_cmd::read_log_key;

/// Arguments of `ashyq downloads`.
#[derive(Args)]
pub struct DownloadsArgs {
    /// The directory to write the datasets, their signatures and the catalogue to.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The log's signing key (default: beside the SQLite file, `FILE.log-key`).
    #[arg(long, value_name = "FILE")]
    log_key_file: Option<PathBuf>,
}

/// Arguments of `ashyq verify-download`.
#[derive(Args)]
pub struct VerifyDownloadArgs {
    /// The downloaded file.
    file: PathBuf,
    /// Its signature (default: `FILE.sig.json` beside it).
    #[arg(long, value_name = "FILE")]
    signature: Option<PathBuf>,
    /// The log's public key file.
    #[arg(long, value_name = "FILE")]
    log_key: PathBuf,
}

fn sidecar(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sig.json");
    PathBuf::from(name)
}

/// Runs `ashyq downloads`.
pub async fn run(db: &str, args: DownloadsArgs) -> Result<ExitCode> {
    let key = load_log_key(db, args.log_key_file.as_deref())?;
    let registrar = open(db).await?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    // Everything from one snapshot of the ledger, at one head.
    let (seq, head, files) = {
        let ledger = registrar.ledger();
        let Some((seq, head)) = ledger.head().map(|(s, h)| (s, h.as_str().to_owned())) else {
            bail!("the log is empty: nothing to publish");
        };
        (seq, head, downloads::datasets(&ledger)?)
    };
    let log_path = args.out.join(downloads::LOG_NAME);
    let written = export_chain::<Event>(registrar.store(), &EVENT_LOG, &log_path).await?;
    if written != seq {
        bail!(
            "the log moved while the datasets were written (entry {seq} when read, {written} now); run the command again"
        );
    }
    let mut signed = Vec::new();
    for d in &files {
        let path = args.out.join(&d.name);
        std::fs::write(&path, &d.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        signed.push((
            SignedDownload::sign(&d.name, d.media_type, &d.bytes, (seq, &head), &key)?,
            d.title.as_str(),
        ));
    }
    let log_bytes = std::fs::read(&log_path)?;
    signed.push((
        SignedDownload::sign(
            downloads::LOG_NAME,
            downloads::LOG_MEDIA_TYPE,
            &log_bytes,
            (seq, &head),
            &key,
        )?,
        downloads::LOG_TITLE,
    ));
    for (s, _) in &signed {
        let path = args.out.join(&s.statement.name);
        std::fs::write(sidecar(&path), serde_json::to_vec_pretty(s)?)?;
    }
    let entries: Vec<_> = signed
        .iter()
        .map(|(signed, title)| downloads::CatalogueEntry { signed, title })
        .collect();
    let catalogue = downloads::catalogue(&entries, (seq, &head), "", "");
    std::fs::write(
        args.out.join(downloads::CATALOGUE_NAME),
        serde_json::to_vec_pretty(&catalogue)?,
    )?;
    println!(
        "Wrote {} datasets at entry {seq} of the log, each with its signature, and {} to {}.",
        signed.len(),
        downloads::CATALOGUE_NAME,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `ashyq verify-download`.
pub fn verify(args: &VerifyDownloadArgs) -> Result<ExitCode> {
    let log_key = read_log_key(&args.log_key)?;
    let sig_path = args
        .signature
        .clone()
        .unwrap_or_else(|| sidecar(&args.file));
    let signed = SignedDownload::parse(&read_text(&sig_path)?)
        .with_context(|| format!("{}", sig_path.display()))?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    match signed.verify(&bytes, &log_key) {
        Ok(()) => {
            let st = &signed.statement;
            println!(
                "OK: {} ({} bytes, SHA-256 {}) is the file the log's key signed as {:?}, reflecting entry {} of the log ({}).",
                args.file.display(),
                st.size,
                st.sha256,
                st.name,
                st.log_seq,
                st.log_head
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("FAILED: {}: {e}", args.file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
