//! `ashyq bench mirror`: the static mirror on election night, on loopback.
//!
//! One run on a fresh database with the 2026 scenario (as `bench load` prepares it):
//! 1. the server (`router_with`, on its own runtime) and the mirror it keeps (a registrar of
//!    its own, woken by the server's head, updated at most every `--publish-interval-ms`,
//!    as `ashyq serve --mirror` runs it) in one process; the mirror is published once;
//! 2. `--submitters` clients POST all 10,459 signed protocols. The lag of each entry is from
//!    its sealed time (`recorded_at`, just before its commit) to the end of the first mirror
//!    update holding it (its head file renamed into place, every page of it on disk);
//! 3. nginx from the system (`--nginx`), started on a free port with the configuration of
//!    `deploy/nginx-mirror.conf` in a directory of its own, serves the mirror, against the
//!    same `ashyq` server on the same URLs with the same readers for `--read-seconds` each.
//!
//! Bounded: loopback only, at most the scenario's protocols, every phase limited in time.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_server::mirror::{Mirror, Published, keep_current};
use ashyq_store::Store;
use ashyq_store::registrar::Registrar;
use axum::body::Bytes;
use clap::Args;
use serde_json::json;

use crate::bench_load::{BenchServer, prepare, round3, submit_all, timed_reads};
use crate::bench_nginx::Nginx;
use crate::output;

/// Arguments of `ashyq bench mirror`.
#[derive(Args)]
pub struct BenchMirrorArgs {
    /// Concurrent submitting clients.
    #[arg(long, default_value_t = 64)]
    submitters: usize,
    /// Concurrent readers of nginx and of ashyq (one phase each).
    #[arg(long, default_value_t = 128)]
    readers: usize,
    /// Seconds of each read phase.
    #[arg(long, default_value_t = 5)]
    read_seconds: u64,
    /// The mirror updates at most this often, and results stand this long (as `ashyq serve`).
    #[arg(long, default_value_t = 250)]
    publish_interval_ms: u64,
    /// Worker threads of the server's runtime (default: the number of cores).
    #[arg(long)]
    server_threads: Option<usize>,
    /// Give up if the submissions, or the mirror catching up after them, take longer.
    #[arg(long, default_value_t = 300)]
    max_seconds: u64,
    /// The nginx program.
    #[arg(long, default_value = "nginx")]
    nginx: PathBuf,
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs `ashyq bench mirror` on a scratch database of the kind `url` names.
pub async fn run(url: &str, args: BenchMirrorArgs) -> Result<ExitCode> {
    if args.submitters == 0 || args.readers == 0 || args.read_seconds == 0 {
        bail!("--submitters, --readers and --read-seconds must be at least 1");
    }
    let night = prepare(url).await?;
    let n = night.bodies.len();
    let interval = Duration::from_millis(args.publish_interval_ms);
    let threads = server_threads(&args);
    let config = ashyq_server::ServerConfig {
        rate_limit: None,
        publish_interval: interval,
        log_key: Some(Arc::new(CommissionSigningKey::from_seed(
            Commission::Central,
            &[1; 32],
        ))),
        ..ashyq_server::ServerConfig::default()
    };
    let server = BenchServer::start(night.registrar.clone(), threads, config.clone())?;

    let work = std::env::temp_dir().join(format!("ashyq-bench-mirror-{}", std::process::id()));
    let out = work.join("mirror");
    std::fs::create_dir_all(work.join("nginx"))?;
    let result = measure(&night, &server, &config, &args, &out, &work, n).await;
    server.stop()?;
    let _ = std::fs::remove_dir_all(&work);
    result
}

async fn measure(
    night: &crate::bench_load::ElectionNight,
    server: &BenchServer,
    config: &ashyq_server::ServerConfig,
    args: &BenchMirrorArgs,
    out: &Path,
    work: &Path,
    n: usize,
) -> Result<ExitCode> {
    let interval = Duration::from_millis(args.publish_interval_ms);
    let following = FollowingMirror::start(
        &night.db.url,
        out,
        config,
        night.registrar.subscribe(),
        interval,
    )
    .await?;
    let (first, updates) = (following.first.clone(), following.updates.clone());
    let start_seq = first.seq;

    eprintln!(
        "Election night: {} submitters post {n} signed protocols while the mirror follows…",
        args.submitters
    );
    let bar = output::progress(n as u64, "protocols");
    let bodies: Arc<Vec<Bytes>> = Arc::new(night.bodies.iter().cloned().map(Bytes::from).collect());
    let t0 = Instant::now();
    let path = format!("/api/v1/referendums/{}/protocols", night.def.id);
    submit_all(
        server.addr,
        &path,
        bodies,
        args.submitters,
        args.max_seconds,
        &bar,
    )
    .await?;
    let submit_seconds = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let last_seq = night.registrar.ledger().head().map_or(0, |(s, _)| s);
    wait_for_mirror(&updates, last_seq, args.max_seconds).await?;
    following.keeping.abort();
    let updates = updates.lock().map(|v| v.clone()).unwrap_or_default();
    let lags = lags_per_entry(night.registrar.store(), start_seq, last_seq, &updates).await?;
    let mut update_ms: Vec<f64> = updates.iter().map(|u| u.2.as_secs_f64() * 1000.0).collect();
    update_ms.sort_by(f64::total_cmp);

    // nginx on the mirror against ashyq on the same URLs.
    let id = &night.def.id;
    let mut urls = vec![
        "/".to_owned(),
        format!("/r/{id}"),
        format!("/api/v1/referendums/{id}/results"),
        format!("/api/v1/referendums/{id}/results.csv?level=region"),
    ];
    for r in &night.territory.regions {
        urls.push(format!("/r/{id}/region/{}", r.code));
        urls.push(format!("/api/v1/referendums/{id}/regions/{}", r.code));
    }
    let nginx = Nginx::mirror(&args.nginx, out, &work.join("nginx"))?;
    eprintln!(
        "Reads: {} readers on {} URLs, ashyq then nginx, {} s each…",
        args.readers,
        urls.len(),
        args.read_seconds
    );
    let ashyq = timed_reads(server.addr, urls.clone(), args.readers, args.read_seconds).await;
    let served = timed_reads(nginx.addr, urls, args.readers, args.read_seconds).await;
    drop(nginx);
    if served.errors > 0 || ashyq.errors > 0 {
        bail!(
            "reads failed: {} from nginx, {} from ashyq (is the nginx configuration's layout the mirror's?)",
            served.errors,
            ashyq.errors
        );
    }

    let median = percentile(&lags, 0.5);
    let p99 = percentile(&lags, 0.99);
    println!(
        "bench mirror on {}: {n} signed protocols from {} submitters in {submit_seconds:.3} s, mirror updated at most every {} ms",
        night.backend, args.submitters, args.publish_interval_ms
    );
    println!(
        "  first full publish: {} answers, {} files in {:.2} s",
        first.rendered,
        first.written,
        first.elapsed.as_secs_f64()
    );
    println!(
        "  mirror lag per entry: median {median:.0} ms, p99 {p99:.0} ms, max {:.0} ms; {} updates (each p50 {:.0} ms, max {:.0} ms)",
        lags.last().copied().unwrap_or(f64::NAN),
        updates.len(),
        percentile(&update_ms, 0.5),
        update_ms.last().copied().unwrap_or(f64::NAN)
    );
    println!("{}", ashyq.line("ashyq serve"));
    println!("{}", served.line("nginx on the mirror"));
    println!(
        "{}",
        json!({
            "bench": "mirror",
            "backend": night.backend,
            "protocols": n,
            "submitters": args.submitters,
            "readers": args.readers,
            "server_threads": server_threads(args),
            "publish_interval_ms": args.publish_interval_ms,
            "submit_seconds": round3(submit_seconds),
            "mirror_updates": updates.len(),
            "mirror_lag_median_ms": median.round(),
            "mirror_lag_p99_ms": p99.round(),
            "mirror_lag_max_ms": lags.last().copied().unwrap_or(f64::NAN).round(),
            "mirror_update_p50_ms": percentile(&update_ms, 0.5).round(),
            "first_publish_seconds": round3(first.elapsed.as_secs_f64()),
            "first_publish_files": first.written,
            "nginx_rps": served.per_second().round(),
            "ashyq_rps": ashyq.per_second().round(),
            "ratio": round3(served.per_second() / ashyq.per_second()),
            "nginx": served.json(),
            "ashyq": ashyq.json(),
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn server_threads(args: &BenchMirrorArgs) -> usize {
    args.server_threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// A mirror published once at the head of the database `url` and kept current by
/// `keep_current` (as `ashyq serve --mirror` runs it) on a registrar of its own, woken by `wake`.
pub(crate) struct FollowingMirror {
    /// The first, full publish.
    pub(crate) first: Published,
    /// Every update after it.
    pub(crate) updates: Updates,
    /// The task keeping it current (abort it to stop).
    pub(crate) keeping: tokio::task::JoinHandle<()>,
}

impl FollowingMirror {
    pub(crate) async fn start(
        url: &str,
        out: &Path,
        config: &ashyq_server::ServerConfig,
        wake: tokio::sync::watch::Receiver<u64>,
        interval: Duration,
    ) -> Result<FollowingMirror> {
        let follower = Arc::new(Registrar::open(url).await?);
        let mut mirror = Mirror::open(out, follower, config)?;
        eprintln!("Publishing the mirror before the first protocol…");
        let first = mirror
            .update(&mut |_, _| {})
            .await?
            .context("the mirror published nothing")?;
        let updates: Updates = Arc::default();
        let seen = updates.clone();
        let keeping = tokio::spawn(keep_current(mirror, wake, interval, move |p| {
            if let Ok(mut v) = seen.lock() {
                v.push((p.seq, SystemTime::now(), p.elapsed));
            }
        }));
        Ok(FollowingMirror {
            first,
            updates,
            keeping,
        })
    }
}

impl Drop for FollowingMirror {
    /// Stops keeping it, also when the benchmark fails half-way.
    fn drop(&mut self) {
        self.keeping.abort();
    }
}

/// Each mirror update as `keep_current` reported it: the head, when it ended, how long it took.
pub(crate) type Updates = Arc<Mutex<Vec<(u64, SystemTime, Duration)>>>;

/// Waits until an update of `updates` reached `last_seq`, at most `max_seconds`.
pub(crate) async fn wait_for_mirror(
    updates: &Updates,
    last_seq: u64,
    max_seconds: u64,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(max_seconds);
    loop {
        let at = updates.lock().map_or(0, |v| v.last().map_or(0, |u| u.0));
        if at >= last_seq {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the mirror did not reach entry {last_seq} in {max_seconds} s (it is at {at})");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The lag of every entry after `start_seq` up to `last_seq`, in milliseconds, sorted: from
/// its sealed time (`recorded_at`, just before its commit) to the end of the first update
/// holding it (its head file renamed into place, every page of it on disk).
pub(crate) async fn lags_per_entry(
    store: &Store,
    start_seq: u64,
    last_seq: u64,
    updates: &[(u64, SystemTime, Duration)],
) -> Result<Vec<f64>> {
    let mut lags: Vec<f64> = Vec::new();
    let mut after = start_seq;
    while after < last_seq {
        let page = store
            .entries_after(after, u32::try_from((last_seq - after).min(5_000))?)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in page.iter().filter(|e| e.seq <= last_seq) {
            let sealed: SystemTime = chrono::DateTime::parse_from_rfc3339(&e.recorded_at)?
                .with_timezone(&chrono::Utc)
                .into();
            let i = updates.partition_point(|u| u.0 < e.seq);
            let Some((_, done, _)) = updates.get(i) else {
                bail!("no mirror update holds entry {}", e.seq);
            };
            lags.push(
                done.duration_since(sealed)
                    .unwrap_or(Duration::ZERO)
                    .as_secs_f64()
                    * 1000.0,
            );
        }
    }
    lags.sort_by(f64::total_cmp);
    Ok(lags)
}
