//! `ashyq import --nist FILE`: a NIST SP 1500-100 v2 results report read back as protocols
//! through the public log's write path; and `ashyq bench nist`, the precinct-level report of
//! the whole demo against our own results JSON at the same head.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{Decision, Ledger};
use ashyq_core::nist::build::Issuer;
use ashyq_core::nist::{ReportDetailLevel, from_ledger, import, xml};
use ashyq_core::referendum::presets;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{profile, scenario};
use clap::Args;
use serde_json::{Value, json};

use crate::database::open;
use crate::files::read_text;
use crate::{authors, output};

use ashyq_core::nist::JSON_SCHEMA as SCHEMA;

/// Arguments of `ashyq import`.
#[derive(Args)]
pub struct ImportArgs {
    /// A NIST SP 1500-100 v2 results report, precinct-level, in the JSON or the XML form
    /// (ours from `ashyq export --nist`, or another system's).
    #[arg(long, value_name = "FILE")]
    nist: PathBuf,
    /// The contest the counts are for (needed only when the database has several and the
    /// report names none of them).
    #[arg(long, value_name = "ID")]
    contest: Option<String>,
    /// Who imports: recorded as the operator who entered each referendum protocol.
    #[arg(long)]
    author: String,
}

/// The errors of a report against the official JSON Schema, at most `max`.
fn schema_errors(report: &Value, max: usize) -> Result<Vec<String>> {
    let schema: Value = serde_json::from_str(SCHEMA).context("the NIST JSON Schema")?;
    let validator = jsonschema::draft4::new(&schema)
        .map_err(|e| anyhow::anyhow!("the NIST JSON Schema does not compile: {e}"))?;
    Ok(validator
        .iter_errors(report)
        .take(max)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect())
}

/// Runs `ashyq import`.
pub async fn import(db: &str, args: ImportArgs) -> Result<ExitCode> {
    if args.author.trim().is_empty() {
        bail!("--author must not be empty: the log records who imported the report");
    }
    let text = read_text(&args.nist)?;
    let name = args.nist.display();
    let report = import::read(&text).with_context(|| format!("{name}"))?;
    let errors = schema_errors(&report, 10)?;
    if !errors.is_empty() {
        bail!(
            "{name} does not follow the NIST SP 1500-100 v2 JSON Schema (a report of another version, or a damaged one); nothing was recorded:\n  {}",
            errors.join("\n  ")
        );
    }
    let author = authors::operator(args.author.trim().to_owned());
    let registrar = open(db).await?;
    let plan = {
        let ledger = registrar.ledger();
        import::plan_report(&ledger, &report, args.contest.as_deref(), &author)
            .with_context(|| format!("{name}"))?
    };
    for note in &plan.notes {
        println!("note: {note}");
    }
    let spinner = output::spinner("recording");
    let entries = registrar
        .journal()
        .record_all(&plan.protocols, |l, p| import::decide(l, p, &author))
        .await
        .with_context(|| format!("{name}: nothing was recorded"))?;
    spinner.finish_and_clear();
    let head = entries.last().map(|e| (e.seq, e.hash.as_str().to_owned()));
    println!(
        "Imported {} protocols of {} from {name}{}; the log is at entry {}.",
        entries.len(),
        plan.contest.as_str(),
        if plan.already_recorded > 0 {
            format!(
                " ({} precincts were already recorded with the same figures)",
                plan.already_recorded
            )
        } else {
            String::new()
        },
        head.as_ref().map_or(0, |h| h.0)
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `ashyq bench nist`.
#[derive(Args)]
pub struct BenchNistArgs {
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The demo's referendum in memory: every precinct's protocol of the 2026 scenario, certified.
fn demo_ledger() -> Result<Ledger> {
    let territory = generate(&profile::kz(), &TerritorySpec::default())?;
    let protocols = scenario::referendum_2026(&territory, 2026)?;
    let mut ledger = Ledger::new();
    let at = "2026-03-15T16:00:00.000Z";
    let d = ledger.load_territory(territory)?;
    ledger.record(d, at.into())?;
    let d = ledger.create_referendum(presets::kz_2026())?;
    ledger.record(d, at.into())?;
    for p in protocols {
        if let Decision::Record(d) = ledger.submit(p)? {
            ledger.record(d, at.into())?;
        }
    }
    let d = ledger.certify(
        &ContestId("kz-2026".into()),
        authors::central_commission("benchmark"),
    )?;
    ledger.record(d, at.into())?;
    Ok(ledger)
}

/// Runs `ashyq bench nist`: the precinct-level NIST JSON report of the demo (built and
/// serialized) against our own results JSON (the result tree the API serves, built and
/// serialized), both at the same head, in the same run; the XML form beside them.
pub fn bench(args: BenchNistArgs) -> Result<ExitCode> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let ledger = demo_ledger()?;
    let id = ContestId("kz-2026".into());
    let precincts = ledger.territory().map_or(0, |t| t.precincts.len());
    let issuer = Issuer::default();
    let (mut nist, mut ours, mut nist_xml) = (Vec::new(), Vec::new(), Vec::new());
    let (mut nist_bytes, mut our_bytes, mut xml_bytes) = (0, 0, 0);
    let bar = output::progress(args.runs as u64, "runs");
    for _ in 0..args.runs {
        let t0 = Instant::now();
        let report = from_ledger::report(&ledger, None, ReportDetailLevel::PrecinctLevel, &issuer)?;
        let text = serde_json::to_vec(&report)?;
        nist.push(t0.elapsed().as_secs_f64());
        nist_bytes = text.len();

        let t0 = Instant::now();
        let report = from_ledger::report(&ledger, None, ReportDetailLevel::PrecinctLevel, &issuer)?;
        let text = xml::to_xml(&report);
        nist_xml.push(t0.elapsed().as_secs_f64());
        xml_bytes = text.len();

        let t0 = Instant::now();
        let tree = ledger.results(&id)?;
        let text = serde_json::to_vec(&tree)?;
        ours.push(t0.elapsed().as_secs_f64());
        our_bytes = text.len();
        bar.inc(1);
    }
    bar.finish_and_clear();
    let (seconds, baseline_seconds, xml_seconds) = (median(nist), median(ours), median(nist_xml));
    let head = ledger.head().map_or(0, |(s, _)| s);
    println!(
        "bench nist: the demo's referendum, {precincts} precincts, log head {head}, median of {} runs",
        args.runs
    );
    println!(
        "  NIST JSON, precinct-level  {seconds:>8.3} s  {:>12} bytes",
        output::thousands(nist_bytes as u64)
    );
    println!(
        "  NIST XML, precinct-level   {xml_seconds:>8.3} s  {:>12} bytes",
        output::thousands(xml_bytes as u64)
    );
    println!(
        "  our results JSON (tree)    {baseline_seconds:>8.3} s  {:>12} bytes",
        output::thousands(our_bytes as u64)
    );
    println!(
        "{}",
        json!({
            "bench": "nist",
            "precincts": precincts,
            "head": head,
            "runs": args.runs,
            "seconds": round3(seconds),
            "baseline_seconds": round3(baseline_seconds),
            "ratio": round3(seconds / baseline_seconds),
            "bytes": nist_bytes,
            "baseline_bytes": our_bytes,
            "size_ratio": round3(nist_bytes as f64 / our_bytes as f64),
            "xml_seconds": round3(xml_seconds),
            "xml_bytes": xml_bytes,
        })
    );
    Ok(ExitCode::SUCCESS)
}
