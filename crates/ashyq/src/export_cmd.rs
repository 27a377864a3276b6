//! `ashyq export`: the event log as JSON Lines, results as JSON or CSV, the applied
//! protocols as CSV.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::Event;
use ashyq_core::chain::{ChainEvent, Entry};
use ashyq_core::register::acts::RegisterAct;
use ashyq_core::report::{self, Level};
use ashyq_store::Store;
use ashyq_store::chain::{ChainTable, EVENT_LOG, REGISTER_LOG};
use clap::{Args, ValueEnum};
use serde::de::DeserializeOwned;

use crate::database::open;
use crate::files::{FileFormat, format_of, write_output};

/// Arguments of `ashyq export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Write the event log as JSON Lines to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Write the register's audit trail (its own hash chain) as JSON Lines to this file. It
    /// names operators and keyed digests of people, never an IIN.
    #[arg(long, value_name = "FILE")]
    register_log: Option<PathBuf>,
    /// Write the result to this file (.json or .csv).
    #[arg(long)]
    results: Option<PathBuf>,
    /// Depth of a CSV result export.
    #[arg(long, value_enum, default_value_t = LevelArg::District)]
    level: LevelArg,
    /// Write every precinct's applied protocol as CSV to this file.
    #[arg(long)]
    protocols: Option<PathBuf>,
    /// Referendum id (needed only when there are several).
    #[arg(long)]
    referendum: Option<String>,
    /// Write a results report in the NIST SP 1500-100 v2 Common Data Format to this file:
    /// JSON for .json, XML for .xml.
    #[arg(long, value_name = "FILE")]
    nist: Option<PathBuf>,
    /// The contest of the NIST report: a referendum or an election id (needed only when there
    /// are several).
    #[arg(long, value_name = "ID")]
    contest: Option<String>,
    /// Make the NIST report a summary (the contest's totals only) instead of precinct-level.
    #[arg(long)]
    summary: bool,
}

/// The depth of a CSV result export.
#[derive(Clone, Copy, ValueEnum)]
pub enum LevelArg {
    National,
    Region,
    District,
}

/// Runs `ashyq export`.
pub async fn run(db: &str, args: ExportArgs) -> Result<ExitCode> {
    if args.log.is_none()
        && args.results.is_none()
        && args.protocols.is_none()
        && args.register_log.is_none()
        && args.nist.is_none()
    {
        bail!(
            "nothing to export: give --log FILE, --results FILE, --protocols FILE, --nist FILE and/or --register-log FILE"
        );
    }
    let nist_form = args.nist.as_deref().map(nist_form).transpose()?;
    let registrar = open(db).await?;
    if let (Some(path), Some(form)) = (&args.nist, nist_form) {
        let text = nist_report(
            &registrar.ledger(),
            args.contest.as_deref(),
            args.summary,
            form,
        )?;
        write_output(Some(path), &text)?;
        println!("Wrote the NIST SP 1500-100 report to {}.", path.display());
    }
    if let Some(path) = &args.log {
        let n = export_chain::<Event>(registrar.store(), &EVENT_LOG, path).await?;
        println!("Wrote {n} log entries to {}.", path.display());
    }
    if let Some(path) = &args.register_log {
        let n = export_chain::<RegisterAct>(registrar.store(), &REGISTER_LOG, path).await?;
        println!(
            "Wrote {n} entries of the register's audit trail to {}.",
            path.display()
        );
    }
    if args.results.is_some() || args.protocols.is_some() {
        let ledger = registrar.ledger();
        let r = ledger.resolve_referendum(args.referendum.as_deref())?;
        let id = r.definition.id.clone();
        if let Some(path) = &args.results {
            let tree = ledger.results(&id)?;
            let text = if format_of(Some(path), None) == FileFormat::Csv {
                let level = match args.level {
                    LevelArg::National => Level::National,
                    LevelArg::Region => Level::Region,
                    LevelArg::District => Level::District,
                };
                report::results_csv(&tree, level)
            } else {
                serde_json::to_string_pretty(&tree)?
            };
            write_output(Some(path), &text)?;
            println!(
                "Wrote the {:?} result of {id} to {}.",
                tree.status,
                path.display()
            );
        }
        if let Some(path) = &args.protocols {
            let territory = ledger.territory().ok_or_else(|| anyhow!("no territory"))?;
            let text = report::precincts_csv(territory, |i| {
                let p = territory.precincts[i].id;
                ledger
                    .applied(&id, p)
                    .ok()
                    .flatten()
                    .map(|a| (a.protocol.lines, a.protocol_hash.clone()))
            });
            write_output(Some(path), &text)?;
            println!(
                "Wrote {} precincts to {}.",
                territory.precincts.len(),
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The two forms of a NIST report.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NistForm {
    Json,
    Xml,
}

/// The form a NIST report's file name asks for.
fn nist_form(path: &Path) -> Result<NistForm> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("json") => Ok(NistForm::Json),
        Some(e) if e.eq_ignore_ascii_case("xml") => Ok(NistForm::Xml),
        _ => bail!(
            "--nist {}: the form follows the extension; name the file report.json (JSON) or report.xml (XML)",
            path.display()
        ),
    }
}

/// The NIST SP 1500-100 v2 report of a contest at the ledger's head, as text.
pub fn nist_report(
    ledger: &ashyq_core::Ledger,
    contest: Option<&str>,
    summary: bool,
    form: NistForm,
) -> Result<String> {
    use ashyq_core::nist::{ReportDetailLevel, build::Issuer, from_ledger, xml};
    let level = if summary {
        ReportDetailLevel::SummaryContest
    } else {
        ReportDetailLevel::PrecinctLevel
    };
    let report = from_ledger::report(ledger, contest, level, &Issuer::default())?;
    Ok(match form {
        NistForm::Json => serde_json::to_string(&report)?,
        NistForm::Xml => xml::to_xml(&report),
    })
}

/// Streams a whole chain to a JSON Lines file, one entry a line, as `ashyq verify` reads it.
pub async fn export_chain<E>(store: &Store, table: &ChainTable, path: &Path) -> Result<u64>
where
    E: ChainEvent + DeserializeOwned,
{
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut after = 0u64;
    loop {
        let page: Vec<Entry<E>> = store.chain_entries_after(table, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            out.write_all(e.to_json_line().as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(after)
}
