//! `ashyq downloads --out DIR`: every published dataset of a referendum at one head of the
//! log — the result as JSON and CSV, the NIST SP 1500-100 report as JSON and XML, the log
//! itself — each with a sidecar `FILE.sig.json` signed by the log's key
//! (`ashyq_core::downloads`), and a DCAT catalogue (`catalog.jsonld`) listing them with their
//! size and SHA-256. `ashyq verify-download FILE` checks a file against its sidecar offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ashyq_core::Event;
use ashyq_core::chain::sha256_hex;
use ashyq_core::downloads::SignedDownload;
use ashyq_core::report::{self, Level};
use ashyq_store::chain::EVENT_LOG;
use clap::Args;
use serde_json::json;

use crate::database::{load_log_key, open};
use crate::export_cmd::{NistForm, export_chain, nist_report};
use crate::files::read_text;
use crate::keys_cmd::read_log_key;

/// Arguments of `ashyq downloads`.
#[derive(Args)]
pub struct DownloadsArgs {
    /// The directory to write the datasets, their signatures and the catalogue to.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The referendum (needed only when there are several).
    #[arg(long)]
    referendum: Option<String>,
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
        let r = ledger.resolve_referendum(args.referendum.as_deref())?;
        let id = r.definition.id.clone();
        let tree = ledger.results(&id)?;
        let contest = Some(id.as_str());
        let files: Vec<(String, &str, &str, Vec<u8>)> = vec![
            (
                format!("{id}-results.json"),
                "application/json",
                "The result: national, per region and district (ashyq's results JSON)",
                serde_json::to_vec_pretty(&tree)?,
            ),
            (
                format!("{id}-results.csv"),
                "text/csv",
                "The result per unit down to the districts, as CSV",
                report::results_csv(&tree, Level::District).into_bytes(),
            ),
            (
                format!("{id}-results.nist.json"),
                "application/json",
                "Precinct-level results in the NIST SP 1500-100 v2 Common Data Format (JSON)",
                nist_report(&ledger, contest, false, NistForm::Json)?.into_bytes(),
            ),
            (
                format!("{id}-results.nist.xml"),
                "application/xml",
                "Precinct-level results in the NIST SP 1500-100 v2 Common Data Format (XML)",
                nist_report(&ledger, contest, false, NistForm::Xml)?.into_bytes(),
            ),
        ];
        (seq, head, files)
    };
    let log_name = "log.jsonl".to_owned();
    let log_path = args.out.join(&log_name);
    let written = export_chain::<Event>(registrar.store(), &EVENT_LOG, &log_path).await?;
    if written != seq {
        bail!(
            "the log moved while the datasets were written (entry {seq} when read, {written} now); run the command again"
        );
    }
    let log_bytes = std::fs::read(&log_path)?;
    let mut all = files;
    all.push((
        log_name,
        "application/jsonl",
        "The public log up to this head, one entry a line (check it with `ashyq verify`)",
        log_bytes,
    ));
    let mut distributions = Vec::new();
    for (name, media, title, bytes) in &all {
        let path = args.out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        let signed = SignedDownload::sign(name, media, bytes, (seq, &head), &key)?;
        std::fs::write(sidecar(&path), serde_json::to_vec_pretty(&signed)?)?;
        distributions.push(json!({
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dcat:downloadURL": { "@id": name },
            "dcat:mediaType": format!("https://www.iana.org/assignments/media-types/{media}"),
            "dcat:byteSize": bytes.len(),
            "spdx:checksum": {
                "@type": "spdx:Checksum",
                "spdx:algorithm": { "@id": "spdx:checksumAlgorithm_sha256" },
                "spdx:checksumValue": sha256_hex(bytes),
            },
            "rdfs:seeAlso": { "@id": format!("{name}.sig.json") },
        }));
    }
    let catalogue = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "spdx": "http://spdx.org/rdf/terms#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@type": "dcat:Catalog",
        "dct:title": "ashyq open election data",
        "dct:description": format!("Every dataset at entry {seq} of the public log ({head}); each file has a signature by the log's key beside it (FILE.sig.json), checked with `ashyq verify-download FILE --log-key LOG.pub`."),
        "dcat:dataset": [{
            "@type": "dcat:Dataset",
            "dct:title": "Referendum results and the public log",
            "dct:identifier": format!("ashyq-log-{seq}-{head}"),
            "dct:publisher": { "@type": "http://xmlns.com/foaf/0.1/Agent", "http://xmlns.com/foaf/0.1/name": "Central Election Commission of the Republic of Kazakhstan" },
            "dcat:keyword": ["elections", "referendum", "NIST SP 1500-100", "OCD-ID"],
            "dcat:distribution": distributions,
        }],
    });
    std::fs::write(
        args.out.join("catalog.jsonld"),
        serde_json::to_vec_pretty(&catalogue)?,
    )?;
    println!(
        "Wrote {} datasets at entry {seq} of the log, each with its signature, and catalog.jsonld to {}.",
        all.len(),
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
