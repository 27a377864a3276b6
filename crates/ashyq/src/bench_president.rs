//! `ashyq bench president`: the 10,459 presidential protocols of the 2022 scenario (6
//! candidates and "against all") through the submission path — the rules, the event log, the
//! projections and aggregation — against, as the baseline in the same run, plain batched
//! INSERTs of as many protocol rows into the same kind of database (the referendum bench's
//! table, reused: each row carries lines 1–8, the first candidate's votes, the others' sum,
//! "against all" and the invalid ballots in the four count columns).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use ashyq_core::contest::ContestId;
use ashyq_core::iin::DigestKey;
use ashyq_core::president::scenario::kz_2022;
use ashyq_core::profile;
use ashyq_core::protocol::{PrecinctProtocol, ProtocolLines};
use ashyq_core::seats::TieSeed;
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_store::Store;
use ashyq_store::registrar::{Registrar, system_clock};
use clap::Args;
use serde_json::json;

use crate::authors;
use crate::bench::scratch;
use crate::output;

/// `ashyq bench president`.
#[derive(Args)]
pub struct BenchPresidentArgs {
    /// Protocols per transaction (group commit).
    #[arg(long, default_value_t = 512)]
    pub batch: usize,
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the benchmark on the kind of database `url` names.
pub async fn run(url: &str, args: BenchPresidentArgs) -> Result<ExitCode> {
    if args.batch == 0 || args.runs == 0 {
        bail!("--batch and --runs must be at least 1");
    }
    let territory = generate(&profile::kz(), &TerritorySpec::default())?;
    let id = ContestId::parse("president-2022")?;
    let key = DigestKey::from_bytes(&[1; 32])?;
    let sc = kz_2022(&territory, &id, &TieSeed::new("bench")?, &key, 2022)?;
    let n = sc.protocols.len();
    // The baseline's rows: the same number of protocols, the referendum bench's columns.
    let rows: Vec<PrecinctProtocol> = sc
        .protocols
        .iter()
        .map(|p| PrecinctProtocol {
            referendum: id.clone(),
            precinct: p.precinct,
            lines: ProtocolLines {
                ballots: p.ballots,
                yes: p.votes[0].votes,
                no: p.votes[1..].iter().map(|v| v.votes).sum(),
                both_marked: p.against_all,
                invalid: p.invalid,
            },
        })
        .collect();
    let operator = authors::commission_operator("bench");
    let (mut ours, mut baseline) = (Vec::new(), Vec::new());
    let mut backend = "";
    let bar = output::progress(args.runs as u64, "runs");
    for _ in 0..args.runs {
        let db = scratch(url)?;
        let store = Store::open(&db.url).await?;
        backend = store.backend();
        let registrar = Registrar::with_store(store, system_clock()).await?;
        registrar.load_territory(territory.clone()).await?;
        registrar
            .record(|l| l.call_presidential(sc.definition.clone()))
            .await?;
        for c in &sc.candidates {
            registrar
                .record(|l| l.nominate_candidate(&id, c.nomination.clone(), operator.clone()))
                .await?;
            registrar
                .record(|l| {
                    l.register_candidate(
                        &id,
                        &c.nomination.name,
                        c.signatures.clone(),
                        operator.clone(),
                    )
                })
                .await?;
        }
        let t0 = Instant::now();
        for chunk in sc.protocols.chunks(args.batch) {
            if let Some(Err(e)) = registrar
                .submit_presidential(chunk)
                .await?
                .into_iter()
                .find(|r| r.is_err())
            {
                bail!("a benchmark protocol was refused: {e}");
            }
        }
        ours.push(t0.elapsed().as_secs_f64());
        if registrar.ledger().presidential_results(&id)?.status != ResultStatus::Final {
            bail!("the national result is not complete after ingestion");
        }
        drop(registrar);
        drop(db);

        let db = scratch(url)?;
        let store = Store::open(&db.url).await?;
        let t0 = Instant::now();
        store.insert_baseline(&rows).await?;
        baseline.push(t0.elapsed().as_secs_f64());
        drop(store);
        drop(db);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = median(ours);
    let baseline_seconds = median(baseline);
    let ratio = seconds / baseline_seconds;
    println!(
        "bench president on {backend}: {n} presidential protocols (6 candidates + against all) in batches of {}, median of {} runs",
        args.batch, args.runs
    );
    println!(
        "  ashyq submission path   {seconds:>8.3} s  ({:.0} protocols/s)",
        n as f64 / seconds
    );
    println!(
        "  plain batched INSERTs   {baseline_seconds:>8.3} s  ({:.0} rows/s)",
        n as f64 / baseline_seconds
    );
    println!("  ratio                   {ratio:>8.2}×");
    let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
    println!(
        "{}",
        json!({
            "bench": "president",
            "backend": backend,
            "protocols": n,
            "batch": args.batch,
            "runs": args.runs,
            "seconds": r3(seconds),
            "baseline_seconds": r3(baseline_seconds),
            "ratio": r3(ratio),
        })
    );
    Ok(ExitCode::SUCCESS)
}
