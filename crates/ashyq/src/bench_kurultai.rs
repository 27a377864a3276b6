//! `ashyq bench kurultai`: a simulated five-year term of the Kurultai (2,000 bills through
//! three readings by 145 deputies, with amendments, objections and overrides: about a million
//! individual votes, `kurultai::simulate`) on the demo's house — the 2023 party-list votes on
//! 145 seats, allocated, each list as long as the house.
//!
//! One run, on a fresh database of the kind `--database-url` names (a temporary SQLite file
//! by default):
//! 1. `seconds`: every step of the term through the write path, as `ashyq kurultai record`
//!    and `POST /api/v1/kurultai/steps` take it — `Ledger::decide_kurultai`, sealed, applied,
//!    appended — `--batch` steps a transaction (group commit);
//! 2. `baseline_seconds`: the same log rows (already serialized) with plain batched INSERTs
//!    into the log table of another fresh database, as many transactions; `ratio` is the
//!    first over the second;
//! 3. `verify_seconds`: the whole log exported (`ashyq export --log`) and verified as
//!    `ashyq verify` does (`core::verify::Verifier`: every hash, every step decided again);
//! 4. `deputy_page_p99_ms`, `search_p99_ms`: the server in process on the ingested database,
//!    `GET /kurultai/deputies/{id}` of a deputy who sat the whole term and
//!    `GET /kurultai/bills?q=…` with a word of a bill's title, `--requests` times each, one
//!    after another on one connection. A page that does not answer 200 fails the benchmark.
//!
//! `in_memory_seconds` is step 1 on a copy of the ledger without a database: the rules'
//! share of the write path.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::kurultai::simulate::{self, TermSpec};
use ashyq_core::profile;
use ashyq_core::seats::TieSeed;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::verify::Verifier;
use ashyq_core::{Event, LogEntry};
use ashyq_store::Store;
use ashyq_store::chain::{BaselineRow, EVENT_LOG};
use ashyq_store::registrar::{Registrar, system_clock};
use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use chrono::Days;
use clap::Args;
use serde_json::json;

use crate::bench::scratch;
use crate::bench_load::{BenchServer, Connection, round3};
use crate::{authors, election_cmd, export_cmd, kurultai_cmd, output};

/// `ashyq bench kurultai`.
#[derive(Args)]
pub struct BenchKurultaiArgs {
    /// Bills over the term (each through up to three readings, half with amendments).
    #[arg(long, default_value_t = 2_000)]
    pub bills: usize,
    /// The simulation's seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Steps per transaction (group commit).
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Requests of each page whose latency is measured.
    #[arg(long, default_value_t = 2_000)]
    pub requests: usize,
    /// Worker threads of the server's runtime (default: the number of cores).
    #[arg(long)]
    pub server_threads: Option<usize>,
}

/// The election the house is convened from.
const ELECTION: &str = "kurultai-2026";
/// The house's seats.
const SEATS: u32 = 145;
/// The election's tie seed (committed to at its definition, revealed at the allocation).
const TIE_SEED: &str = "bench: kurultai term";

/// What the simulated term's house is convened on: the demo's first session, 16 days after
/// election day.
pub const FIRST_SESSION_AFTER_DAYS: u64 = 16;

/// The p-th percentile of latencies in microseconds, in milliseconds.
fn percentile_ms(micros: &mut [u32], p: f64) -> f64 {
    if micros.is_empty() {
        return f64::NAN;
    }
    micros.sort_unstable();
    let i = ((micros.len() - 1) as f64 * p).round() as usize;
    f64::from(micros[i]) / 1000.0
}

/// GETs `path` `n` times one after another on one connection; every answer must be 200.
async fn latencies(
    addr: std::net::SocketAddr,
    path: &str,
    n: usize,
    what: &str,
) -> Result<Vec<u32>> {
    let mut conn = Connection::new(addr);
    // The first answer is checked before anything is timed: a missing page fails the
    // benchmark instead of timing its 404.
    let (status, body) = conn.send_body(Method::GET, path, Bytes::new()).await?;
    if status != StatusCode::OK {
        bail!(
            "GET {path} ({what}) answered {status}, not 200 OK: the page is missing or broken, so its latency cannot be measured ({} bytes: {})",
            body.len(),
            String::from_utf8_lossy(&body[..body.len().min(200)])
        );
    }
    let mut micros = Vec::with_capacity(n);
    for _ in 0..n {
        let t0 = Instant::now();
        let status = conn.send(Method::GET, path, Bytes::new()).await?;
        let took = t0.elapsed();
        if status != StatusCode::OK {
            bail!("GET {path} ({what}) answered {status} during the measurement");
        }
        micros.push(took.as_micros().min(u128::from(u32::MAX)) as u32);
    }
    Ok(micros)
}

/// A word of a bill's English title to search for: its longest word other than the
/// generator's own ("bill", "synthetic").
fn search_word(title: &str) -> Option<String> {
    title
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !["On", "bill", "synthetic"].contains(w))
        .max_by_key(|w| w.len())
        .map(str::to_owned)
}

/// Runs the benchmark on a scratch database of the kind `url` names.
pub async fn run(url: &str, args: BenchKurultaiArgs) -> Result<ExitCode> {
    if args.bills == 0 || args.batch == 0 || args.requests == 0 {
        bail!("--bills, --batch and --requests must be at least 1");
    }
    // The house: the territory, the 2023 list votes on 145 seats, the seats allocated.
    let db = scratch(url)?;
    let store = Store::open(&db.url).await?;
    let backend = store.backend();
    let registrar = Arc::new(Registrar::with_store(store, system_clock()).await?);
    eprintln!(
        "Setting up: the territory, the party-list election on {SEATS} seats, its allocation…"
    );
    let territory = generate(&profile::kz(), &TerritorySpec::default())?;
    registrar.load_territory(territory).await?;
    let id = ContestId(ELECTION.into());
    election_cmd::load_kurultai_2023(&registrar, &id, SEATS, TIE_SEED, 2026).await?;
    let commission = authors::central_commission("Central Election Commission (bench)");
    let seed = TieSeed::new(TIE_SEED.to_owned())?;
    registrar
        .record(|l| l.allocate_seats(&id, seed.clone(), commission.clone()))
        .await?;
    let (sitting, day, before) = {
        let l = registrar.ledger();
        let day = l.election(&id)?.definition.election_day;
        (l.sitting_of(&id)?, day, ashyq_core::Ledger::clone(&l))
    };
    let first_session = day + Days::new(FIRST_SESSION_AFTER_DAYS);
    let spec = TermSpec {
        bills: args.bills,
        seed: args.seed,
        ..TermSpec::default()
    };
    let author = Author::new(
        "Secretariat of the Kurultai (bench)",
        kurultai_cmd::SECRETARIAT_ROLE,
    );
    let term = simulate::term(&id, first_session, &sitting, &spec, &author)?;
    let (steps, votes) = (term.steps.len(), term.ballots());
    eprintln!(
        "A term of {} bills: {steps} steps, {} roll calls, {votes} individual votes, {} deputies.",
        args.bills,
        term.roll_calls(),
        sitting.members.len()
    );

    // The rules alone: every step decided and recorded on a copy of the ledger.
    let mut ledger = before;
    let t0 = Instant::now();
    for step in &term.steps {
        let d = ledger.decide_kurultai(step.clone())?;
        ledger.record(d, "2031-09-01T00:00:00.000Z".into())?;
    }
    let in_memory = t0.elapsed().as_secs_f64();
    drop(ledger);

    // 1. The write path.
    let bar = output::progress(steps as u64, "recording");
    let mut entries: Vec<LogEntry> = Vec::with_capacity(steps);
    let t0 = Instant::now();
    for chunk in term.steps.chunks(args.batch) {
        let recorded = registrar
            .journal()
            .record_all(chunk, |l, step| l.decide_kurultai(step.clone()))
            .await
            .context("a step of the simulated term was refused")?;
        bar.inc(chunk.len() as u64);
        entries.extend(recorded);
    }
    let seconds = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    {
        let l = registrar.ledger();
        let k = l.kurultai();
        let recorded: u64 = k.votes().iter().map(|r| r.vote.ballots.len() as u64).sum();
        if recorded != votes || k.bills().count() != args.bills {
            bail!(
                "the house holds {recorded} votes on {} bills; the term had {votes} on {}",
                k.bills().count(),
                args.bills
            );
        }
    }

    // 2. The baseline: the same rows, serialized beforehand, plain batched INSERTs.
    let rows = entries
        .iter()
        .map(BaselineRow::of)
        .collect::<Result<Vec<_>, _>>()?;
    let log_bytes: usize = rows.iter().map(|r| r.event.len()).sum();
    drop(entries);
    let base_db = scratch(url)?;
    let base = Store::open(&base_db.url).await?;
    let t0 = Instant::now();
    for chunk in rows.chunks(args.batch) {
        base.insert_chain_baseline(&EVENT_LOG, chunk).await?;
    }
    let baseline_seconds = t0.elapsed().as_secs_f64();
    eprintln!(
        "Write path {seconds:.3} s (the rules alone {in_memory:.3} s), plain INSERTs {baseline_seconds:.3} s: ratio {:.2}×.",
        seconds / baseline_seconds
    );
    drop(rows);
    drop(base);
    drop(base_db);

    // 3. The whole log, exported and verified.
    let dir = std::env::temp_dir().join(format!("ashyq-bench-kurultai-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let log: PathBuf = dir.join("log.jsonl");
    let entries_total =
        export_cmd::export_chain::<Event>(registrar.store(), &EVENT_LOG, &log).await?;
    let t0 = Instant::now();
    let verified = verify_file(&log);
    let verify_seconds = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    verified?;
    eprintln!("Verify of the whole log ({entries_total} entries): {verify_seconds:.3} s.");

    // 4. The pages, served in process from the ingested database.
    let deputy = sitting
        .members
        .keys()
        .next()
        .cloned()
        .context("the house has no deputy")?;
    let word = term
        .steps
        .iter()
        .find_map(|s| match s {
            ashyq_core::kurultai::KurultaiEvent::BillIntroduced { text, .. } => {
                search_word(text.title.get_or_any(ashyq_core::lang::Lang::En))
            }
            _ => None,
        })
        .context("the term has no bill")?;
    let threads = args
        .server_threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let config = ashyq_server::ServerConfig {
        rate_limit: None,
        ..ashyq_server::ServerConfig::default()
    };
    let server = BenchServer::start(registrar.clone(), threads, config)?;
    let deputy_path = format!("/kurultai/deputies/{deputy}");
    let search_path = format!("/kurultai/bills?q={word}");
    let pages = async {
        let mut d = latencies(server.addr, &deputy_path, args.requests, "a deputy's page").await?;
        let mut s = latencies(
            server.addr,
            &search_path,
            args.requests,
            "the bills' search",
        )
        .await?;
        Ok::<_, anyhow::Error>((percentile_ms(&mut d, 0.99), percentile_ms(&mut s, 0.99)))
    }
    .await;
    server.stop()?;
    let (deputy_p99, search_p99) = pages?;

    let ratio = seconds / baseline_seconds;
    println!(
        "bench kurultai on {backend}: {} bills, {steps} steps, {votes} individual votes, {} deputies, {} steps a transaction",
        args.bills,
        sitting.members.len(),
        args.batch
    );
    println!(
        "  write path (decide, seal, append)  {seconds:>8.3} s  ({:.0} votes/s; the rules alone {in_memory:.3} s)",
        votes as f64 / seconds
    );
    println!(
        "  plain batched INSERTs              {baseline_seconds:>8.3} s  ({} rows, {:.1} MB of events)",
        steps,
        log_bytes as f64 / 1e6
    );
    println!("  ratio                              {ratio:>8.2}×");
    println!(
        "  verify of the whole log            {verify_seconds:>8.3} s  ({entries_total} entries)"
    );
    println!(
        "  GET {deputy_path:<30} p99 {deputy_p99:>7.3} ms  ({} requests)",
        args.requests
    );
    println!(
        "  GET {search_path:<30} p99 {search_p99:>7.3} ms  ({} requests)",
        args.requests
    );
    println!(
        "{}",
        json!({
            "bench": "kurultai",
            "backend": backend,
            "bills": args.bills,
            "seed": args.seed,
            "steps": steps,
            "roll_calls": term.roll_calls(),
            "deputies": sitting.members.len(),
            "votes": votes,
            "batch": args.batch,
            "seconds": round3(seconds),
            "baseline_seconds": round3(baseline_seconds),
            "ratio": round3(ratio),
            "in_memory_seconds": round3(in_memory),
            "log_entries": entries_total,
            "event_bytes": log_bytes,
            "verify_seconds": round3(verify_seconds),
            "requests": args.requests,
            "deputy_page_p99_ms": round3(deputy_p99),
            "search_p99_ms": round3(search_p99),
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// Verifies an exported public log as `ashyq verify` does.
fn verify_file(path: &std::path::Path) -> Result<()> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let bar = output::progress_bytes(file.metadata().map_or(0, |m| m.len()), "verifying");
    let mut verifier = Verifier::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        bar.inc(line.len() as u64 + 1);
        verifier
            .feed(&line)
            .map_err(|e| anyhow::anyhow!("the exported log does not verify: {e}"))?;
    }
    bar.finish_and_clear();
    verifier
        .finish()
        .map_err(|e| anyhow::anyhow!("the exported log does not verify: {e}"))?;
    Ok(())
}
