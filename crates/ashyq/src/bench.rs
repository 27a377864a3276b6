//! `ashyq bench …`: measurements side by side with a baseline in the same run.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use ashyq_core::referendum::presets;
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{profile, scenario};
use ashyq_store::Store;
use ashyq_store::registrar::{Registrar, system_clock};
use ashyq_store::testing::TestDb;
use serde_json::json;

use crate::output;

/// A scratch database of the same kind as `url`, dropped afterwards.
pub(crate) fn scratch(url: &str) -> Result<TestDb> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        TestDb::postgres_at(url)
            .map_err(|e| anyhow::anyhow!("cannot create a scratch database for the benchmark: {e}"))
    } else {
        Ok(TestDb::sqlite())
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Ingests all protocols through `Registrar::submit_batch` — validation, the event log, the
/// projections and aggregation, exactly as a submission — and, as the baseline, inserts the
/// same rows with plain batched INSERTs into the same kind of database.
pub async fn ingest(url: &str, batch: usize, runs: usize) -> Result<ExitCode> {
    if batch == 0 || runs == 0 {
        bail!("--batch and --runs must be at least 1");
    }
    let territory = generate(&profile::kz(), &TerritorySpec::default())?;
    let protocols = scenario::referendum_2026(&territory, 2026)?;
    let n = protocols.len();
    let mut ours = Vec::new();
    let mut complete = Vec::new();
    let mut baseline = Vec::new();
    let mut in_memory = Vec::new();
    let mut backend = "";
    let bar = output::progress(runs as u64, "runs");
    for _ in 0..runs {
        // ashyq's path.
        let db = scratch(url)?;
        let store = Store::open(&db.url).await?;
        backend = store.backend();
        let registrar = Registrar::with_store(store, system_clock()).await?;
        registrar.load_territory(territory.clone()).await?;
        let def = presets::kz_2026();
        registrar.create_referendum(def.clone()).await?;
        let t0 = Instant::now();
        for chunk in protocols.chunks(batch) {
            let results = registrar.submit_batch(chunk.to_vec()).await?;
            if let Some(Err(e)) = results.into_iter().find(|r| r.is_err()) {
                bail!("a benchmark protocol was refused: {e}");
            }
        }
        let ingested = t0.elapsed().as_secs_f64();
        let tree = registrar.ledger().results(&def.id)?;
        if tree.status != ResultStatus::Final {
            bail!(
                "the national result is not complete after ingestion: {:?}",
                tree.status
            );
        }
        complete.push(t0.elapsed().as_secs_f64());
        ours.push(ingested);
        drop(registrar);
        drop(db);

        // The rules alone, without a database: decide and record every protocol.
        let mut ledger = ashyq_core::Ledger::new();
        let d = ledger.load_territory(territory.clone())?;
        ledger.record(d, "2026-03-01T00:00:00.000Z".into())?;
        let d = ledger.create_referendum(presets::kz_2026())?;
        ledger.record(d, "2026-03-01T00:00:00.000Z".into())?;
        let t0 = Instant::now();
        for p in &protocols {
            if let ashyq_core::ledger::Decision::Record(d) = ledger.submit(p.clone())? {
                ledger.record(d, "2026-03-15T15:00:00.000Z".into())?;
            }
        }
        in_memory.push(t0.elapsed().as_secs_f64());

        // The baseline: the same rows, plain batched INSERTs, one transaction.
        let db = scratch(url)?;
        let store = Store::open(&db.url).await?;
        let t0 = Instant::now();
        store.insert_baseline(&protocols).await?;
        baseline.push(t0.elapsed().as_secs_f64());
        drop(store);
        drop(db);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = median(ours);
    let complete = median(complete);
    let baseline_seconds = median(baseline);
    let in_memory = median(in_memory);
    let ratio = seconds / baseline_seconds;
    println!(
        "bench ingest on {backend}: {n} protocols in batches of {batch}, median of {runs} runs"
    );
    println!(
        "  ashyq submission path   {seconds:>8.3} s  ({:.0} protocols/s)",
        n as f64 / seconds
    );
    println!("  national result complete {complete:>7.3} s after the first protocol");
    println!(
        "  plain batched INSERTs   {baseline_seconds:>8.3} s  ({:.0} rows/s)",
        n as f64 / baseline_seconds
    );
    println!("  ratio                   {ratio:>8.2}×");
    println!(
        "{}",
        json!({
            "bench": "ingest",
            "backend": backend,
            "protocols": n,
            "batch": batch,
            "runs": runs,
            "seconds": round3(seconds),
            "baseline_seconds": round3(baseline_seconds),
            "ratio": round3(ratio),
            "protocols_per_second": (n as f64 / seconds).round(),
            "national_complete_seconds": round3(complete),
            "in_memory_seconds": round3(in_memory),
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
