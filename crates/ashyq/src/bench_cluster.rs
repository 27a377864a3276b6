//! `ashyq bench cluster`: `ashyq serve` instances on one PostgreSQL behind nginx, on election
//! night, on loopback.
//!
//! Two runs in one invocation, each on a fresh scratch database with the 2026 scenario (as
//! `bench load` prepares it) and one log key file:
//! 1. **N = 1**, then **N = `--instances`** (default 3) `ashyq serve --behind-proxy`
//!    processes (this very binary) behind nginx (`bench_nginx::Nginx::proxy`, the upstream of
//!    `docs/deploy.md`). `--submitters` clients POST the signed protocols through nginx while
//!    `--readers` poll the national result, the tree head and result pages through it. Clients
//!    send a document again after a connection error or a 5xx, as a real client would.
//! 2. A static mirror follows the database as `ashyq serve --mirror` keeps it (a registrar of
//!    its own in this process, woken by `LISTEN/NOTIFY` like any instance): the lag of every
//!    entry from its sealed time to the end of the first mirror update holding it
//!    (`bench_mirror::lags_per_entry`).
//! 3. In the N-instance run one instance is SIGKILLed once `--kill-at` of the protocols are
//!    receipted: `failover_read_error_rate` is the share of reads that failed from the kill
//!    until `--settle-seconds` after it; `lost_receipts` counts receipted protocols that are
//!    not at their receipt's place in the log afterwards (both runs).
//! 4. After it: `--read-seconds` of the same readers on the same URLs of nginx serving the
//!    mirror, of one surviving instance directly, and of the instances through nginx.
//!
//! Needs nginx and PostgreSQL; without either it says which is missing and fails. Bounded:
//! loopback only, at most the scenario's protocols, every phase limited in time.

use std::collections::HashMap;
use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ashyq_core::chain::LogHash;
use ashyq_core::transparency::SignedReceipt;
use ashyq_store::Store;
use ashyq_store::registrar::Registrar;
use axum::body::Bytes;
use clap::Args;
use serde_json::json;

use crate::bench_load::{
    ElectionNight, Phase, Submitting, prepare_first, read_until, round3, submit_each, timed_reads,
};
use crate::bench_mirror::{FollowingMirror, lags_per_entry, percentile, wait_for_mirror};
use crate::bench_nginx::{self, Nginx};
use crate::output;

/// Arguments of `ashyq bench cluster`.
#[derive(Args)]
pub struct BenchClusterArgs {
    /// Instances of the second run (the first has one).
    #[arg(long, default_value_t = 3)]
    instances: usize,
    /// Protocols submitted in each run: the first this many of the scenario's 10,459
    /// (default: all).
    #[arg(long)]
    protocols: Option<usize>,
    /// Concurrent submitting clients.
    #[arg(long, default_value_t = 32)]
    submitters: usize,
    /// Concurrent readers during the submissions and in the read phases.
    #[arg(long, default_value_t = 64)]
    readers: usize,
    /// Seconds of each read phase after the submissions.
    #[arg(long, default_value_t = 5)]
    read_seconds: u64,
    /// As `ashyq serve --publish-interval-ms`, for the instances and the mirror.
    #[arg(long, default_value_t = 250)]
    publish_interval_ms: u64,
    /// In the run of several instances, one is SIGKILLed once this share of the protocols
    /// is receipted.
    #[arg(long, default_value_t = 0.25)]
    kill_at: f64,
    /// The failover window lasts from the kill until this many seconds after it.
    #[arg(long, default_value_t = 3)]
    settle_seconds: u64,
    /// The PostgreSQL server for the scratch databases, when `--database-url` is not a
    /// PostgreSQL one.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Give up if a run's submissions, or the mirror catching up after them, take longer.
    #[arg(long, default_value_t = 600)]
    max_seconds: u64,
    /// The nginx program.
    #[arg(long, default_value = "nginx")]
    nginx: PathBuf,
    /// Where the mirrors, the key files and the logs go (removed afterwards; default: a new
    /// directory under the system's temporary directory). On a disk that deletes slowly,
    /// `/dev/shm` spares minutes of removing two mirrors of ~54,000 files each.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// One `ashyq serve` process; SIGKILLed when dropped.
struct Instance {
    child: std::process::Child,
    addr: SocketAddr,
    /// Kept open so that the instance can write to it.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Instance {
    /// Starts this binary as `ashyq serve --behind-proxy` on `db` with the log key `key`, on a
    /// free loopback port, its diagnostics into `log`.
    fn spawn(db: &str, key: &Path, interval_ms: u64, log: &Path) -> Result<std::process::Child> {
        let exe = std::env::current_exe().context("cannot find this program to start it")?;
        std::process::Command::new(exe)
            .args(["--database-url", db, "serve", "--listen", "127.0.0.1:0"])
            .args(["--rate-limit", "0", "--behind-proxy"])
            .args(["--publish-interval-ms", &interval_ms.to_string()])
            .arg("--log-key-file")
            .arg(key)
            .env_remove("ASHYQ_DATABASE_URL")
            .env_remove("ASHYQ_LOG_KEY_FILE")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(log)?)
            .spawn()
            .context("cannot start ashyq serve")
    }

    /// Waits for the first line of `child`, which names its address.
    fn ready(mut child: std::process::Child, log: &Path) -> Result<Instance> {
        let stdout = child.stdout.take().context("no standard output")?;
        let mut stdout = std::io::BufReader::new(stdout);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let addr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .and_then(|a| a.trim_end_matches('/').parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "ashyq serve did not start: {}",
                std::fs::read_to_string(log).unwrap_or_default().trim()
            );
        };
        Ok(Instance {
            child,
            addr,
            _stdout: stdout,
        })
    }

    /// SIGKILL, and waits for the process to end.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What one run measured.
struct Run {
    instances: usize,
    seconds: f64,
    submit: Phase,
    reads: Phase,
    window_ok: usize,
    window_errors: usize,
    window_seconds: f64,
    retried: usize,
    failed_attempts: usize,
    lost_receipts: usize,
    lags: Vec<f64>,
    updates: usize,
    update_p50_ms: f64,
    first_publish: f64,
    /// After the run of several instances: nginx on the mirror, one instance directly, the
    /// instances through nginx.
    compared: Option<(Phase, Phase, Phase)>,
}

impl Run {
    fn failover_rate(&self) -> f64 {
        self.window_errors as f64 / (self.window_ok + self.window_errors).max(1) as f64
    }
}

/// Runs `ashyq bench cluster`; `url` is used when it is a PostgreSQL database's.
pub async fn run(url: &str, args: BenchClusterArgs) -> Result<ExitCode> {
    if args.instances < 2 || args.submitters == 0 || args.readers == 0 || args.read_seconds == 0 {
        bail!(
            "--instances must be at least 2, --submitters, --readers and --read-seconds at least 1"
        );
    }
    if !(0.0..1.0).contains(&args.kill_at) {
        bail!("--kill-at is a share of the protocols, at least 0 and below 1");
    }
    if args.protocols == Some(0) {
        bail!("--protocols must be at least 1");
    }
    bench_nginx::check(&args.nginx)?;
    let pg = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        url.to_owned()
    } else {
        args.postgres.clone()
    };
    // Reachable at all? (A scratch database made and dropped.)
    crate::bench::scratch(&pg).map_err(|e| {
        anyhow::anyhow!("PostgreSQL is missing: {e:#}; this benchmark needs a PostgreSQL server (--postgres URL)")
    })?;

    let work = args
        .dir
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("ashyq-bench-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let result = async {
        let one = run_once(&pg, 1, &args, &work.join("n1")).await?;
        let many = run_once(&pg, args.instances, &args, &work.join("n")).await?;
        Ok::<_, anyhow::Error>((one, many))
    }
    .await;
    let _ = std::fs::remove_dir_all(&work);
    let (one, many) = result?;
    report(&args, &one, &many);
    Ok(ExitCode::SUCCESS)
}

/// One run with `n` instances in the directory `dir`.
async fn run_once(pg: &str, n: usize, args: &BenchClusterArgs, dir: &Path) -> Result<Run> {
    std::fs::create_dir_all(dir)?;
    let limit = args.protocols.unwrap_or(usize::MAX);
    let night = prepare_first(pg, limit).await?;
    let key_file = dir.join("log.key");
    let (log_key, _) = ashyq_server::transparency::load_or_create_log_key(&key_file)?;
    // This process follows what the instances append, as each instance does.
    let following =
        ashyq_store::journal::follow(&night.registrar, Duration::from_secs(1), |r: &Registrar| {
            r.journal()
        });
    let result = measure(&night, n, args, dir, &key_file, log_key).await;
    following.abort();
    result
}

async fn measure(
    night: &ElectionNight,
    n: usize,
    args: &BenchClusterArgs,
    dir: &Path,
    key_file: &Path,
    log_key: ashyq_core::keys::CommissionSigningKey,
) -> Result<Run> {
    let interval = Duration::from_millis(args.publish_interval_ms);
    let total = night.bodies.len();
    eprintln!("Starting {n} ashyq serve instance(s) behind nginx…");
    let logs: Vec<PathBuf> = (0..n).map(|i| dir.join(format!("serve-{i}.log"))).collect();
    let children = logs
        .iter()
        .map(|log| Instance::spawn(&night.db.url, key_file, args.publish_interval_ms, log))
        .collect::<Result<Vec<_>>>()?;
    let mut instances = children
        .into_iter()
        .zip(&logs)
        .map(|(c, log)| Instance::ready(c, log))
        .collect::<Result<Vec<_>>>()?;
    let upstreams: Vec<SocketAddr> = instances.iter().map(|i| i.addr).collect();
    let proxy = Nginx::proxy(&args.nginx, &upstreams, &dir.join("nginx-proxy"))?;

    let config = ashyq_server::ServerConfig {
        rate_limit: None,
        publish_interval: interval,
        log_key: Some(Arc::new(log_key)),
        ..ashyq_server::ServerConfig::default()
    };
    let out = dir.join("mirror");
    let mirror = FollowingMirror::start(
        &night.db.url,
        &out,
        &config,
        night.registrar.subscribe(),
        interval,
    )
    .await?;
    let start_seq = mirror.first.seq;

    let id = &night.def.id;
    let mut read_paths = vec![
        format!("/api/v1/referendums/{id}/results"),
        "/api/v1/log/head".to_owned(),
        format!("/r/{id}"),
    ];
    for r in &night.territory.regions {
        read_paths.push(format!("/r/{id}/region/{}", r.code));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let window = Arc::new(AtomicBool::new(false));
    let readers = tokio::spawn(read_until(
        proxy.addr,
        Arc::new(read_paths),
        args.readers,
        stop.clone(),
        window.clone(),
    ));

    eprintln!(
        "Election night on {n} instance(s): {} submitters post {total} signed protocols through nginx while {} readers poll…",
        args.submitters, args.readers
    );
    let bar = output::progress(total as u64, "protocols");
    let bodies: Arc<Vec<Bytes>> = Arc::new(night.bodies.iter().cloned().map(Bytes::from).collect());
    let received = Arc::new(AtomicUsize::new(0));
    let plan = Submitting {
        clients: args.submitters,
        max_seconds: args.max_seconds,
        retry: true,
        received: received.clone(),
    };
    let path = format!("/api/v1/referendums/{id}/protocols");
    let t0 = Instant::now();
    let submitting = {
        let (bar, addr) = (bar.clone(), proxy.addr);
        tokio::spawn(async move {
            let done = submit_each(addr, &path, bodies, &plan, &bar).await;
            (done, t0.elapsed().as_secs_f64())
        })
    };
    let mut window_seconds = 0.0;
    if n > 1 {
        let kill_after = ((total as f64 * args.kill_at) as usize).min(total.saturating_sub(1));
        while received.load(Ordering::Relaxed) < kill_after && !submitting.is_finished() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        window.store(true, Ordering::Relaxed);
        let started = Instant::now();
        instances[0].kill();
        bar.suspend(|| {
            eprintln!(
                "SIGKILLed one instance after {} receipts",
                received.load(Ordering::Relaxed)
            );
        });
        tokio::time::sleep(Duration::from_secs(args.settle_seconds)).await;
        window.store(false, Ordering::Relaxed);
        window_seconds = started.elapsed().as_secs_f64();
    }
    let (submitted, seconds) = submitting.await?;
    stop.store(true, Ordering::Relaxed);
    let reads = readers.await?;
    let read_seconds = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let submitted = submitted?;

    // Every receipted protocol at its receipt's place in the log.
    let store = night.registrar.store();
    let last_seq = store.head().await?.map_or(0, |(s, _)| s);
    let hashes = hashes_after(store, start_seq, last_seq).await?;
    let mut lost_receipts = 0;
    for (i, answer) in &submitted.receipts {
        let receipt: SignedReceipt = serde_json::from_slice(answer)
            .with_context(|| format!("protocol {i}'s answer is not a signed receipt"))?;
        let seq = receipt.receipt.leaf_index + 1;
        if hashes.get(&seq) != Some(&receipt.receipt.entry_hash) {
            lost_receipts += 1;
        }
    }

    wait_for_mirror(&mirror.updates, last_seq, args.max_seconds).await?;
    mirror.keeping.abort();
    let updates = mirror.updates.lock().map(|v| v.clone()).unwrap_or_default();
    let lags = lags_per_entry(store, start_seq, last_seq, &updates).await?;
    let mut update_ms: Vec<f64> = updates.iter().map(|u| u.2.as_secs_f64() * 1000.0).collect();
    update_ms.sort_by(f64::total_cmp);

    let compared = if n > 1 {
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
        let nginx = Nginx::mirror(&args.nginx, &out, &dir.join("nginx-mirror"))?;
        eprintln!(
            "Reads: {} readers on {} URLs: one instance, the instances through nginx, then nginx on the mirror, {} s each…",
            args.readers,
            urls.len(),
            args.read_seconds
        );
        let survivor = instances[1].addr;
        let direct = timed_reads(survivor, urls.clone(), args.readers, args.read_seconds).await;
        let proxied = timed_reads(proxy.addr, urls.clone(), args.readers, args.read_seconds).await;
        let served = timed_reads(nginx.addr, urls, args.readers, args.read_seconds).await;
        if served.errors > 0 || direct.errors > 0 || proxied.errors > 0 {
            bail!(
                "reads failed: {} from nginx on the mirror, {} from the instance, {} through nginx: {}",
                served.errors,
                direct.errors,
                proxied.errors,
                nginx.log()
            );
        }
        Some((served, direct, proxied))
    } else {
        None
    };
    drop(proxy);
    for i in &mut instances {
        i.kill();
    }
    Ok(Run {
        instances: n,
        seconds,
        submit: Phase::of(submitted.samples, seconds),
        window_ok: reads.window_ok,
        window_errors: reads.window_errors,
        reads: Phase::of(reads, read_seconds),
        window_seconds,
        retried: submitted.retried,
        failed_attempts: submitted.failed_attempts,
        lost_receipts,
        lags,
        updates: updates.len(),
        update_p50_ms: percentile(&update_ms, 0.5),
        first_publish: mirror.first.elapsed.as_secs_f64(),
        compared,
    })
}

/// The hash of every entry after `from` up to `to`, by sequence number.
async fn hashes_after(store: &Store, from: u64, to: u64) -> Result<HashMap<u64, LogHash>> {
    let mut out = HashMap::new();
    let mut after = from;
    while after < to {
        let page = store
            .entries_after(after, u32::try_from((to - after).min(5_000))?)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        out.extend(page.into_iter().map(|e| (e.seq, e.hash)));
    }
    Ok(out)
}

fn report(args: &BenchClusterArgs, one: &Run, many: &Run) {
    let n = many.submit.requests;
    println!(
        "bench cluster on postgres: {n} signed protocols from {} submitters through nginx, {} readers, publish interval {} ms",
        args.submitters, args.readers, args.publish_interval_ms
    );
    for r in [one, many] {
        println!(
            "  {} instance(s): all receipted in {:.3} s ({:.0} protocols/s), {} retried ({} failed attempts), {} lost receipts",
            r.instances,
            r.seconds,
            r.submit.requests as f64 / r.seconds,
            r.retried,
            r.failed_attempts,
            r.lost_receipts
        );
        println!("{}", r.submit.line("    submissions (POST via nginx)"));
        println!("{}", r.reads.line("    reads during (GET via nginx)"));
        println!(
            "    mirror: first publish {:.2} s; lag per entry median {:.0} ms, p99 {:.0} ms, max {:.0} ms; {} updates (p50 {:.0} ms)",
            r.first_publish,
            percentile(&r.lags, 0.5),
            percentile(&r.lags, 0.99),
            r.lags.last().copied().unwrap_or(f64::NAN),
            r.updates,
            r.update_p50_ms
        );
    }
    println!(
        "  failover: {} of {} reads failed in the {:.1} s after the SIGKILL ({:.4}%)",
        many.window_errors,
        many.window_ok + many.window_errors,
        many.window_seconds,
        many.failover_rate() * 100.0
    );
    let (served, direct, proxied) = match &many.compared {
        Some((s, d, p)) => (s.json(), d.json(), p.json()),
        None => (json!(null), json!(null), json!(null)),
    };
    let rps = |i: usize| {
        many.compared.as_ref().map(|c| {
            let p = [&c.0, &c.1, &c.2][i];
            p.per_second().round()
        })
    };
    if let Some((s, d, p)) = &many.compared {
        println!("{}", d.line("one instance directly"));
        println!("{}", p.line("the instances through nginx"));
        println!("{}", s.line("nginx on the mirror"));
    }
    let lag = |r: &Run, p: f64| percentile(&r.lags, p).round();
    println!(
        "{}",
        json!({
            "bench": "cluster",
            "backend": "postgres",
            "protocols": n,
            "instances": many.instances,
            "submitters": args.submitters,
            "readers": args.readers,
            "publish_interval_ms": args.publish_interval_ms,
            "seconds": round3(many.seconds),
            "seconds_n1": round3(one.seconds),
            "baseline_seconds": round3(one.seconds),
            "ratio": round3(many.seconds / one.seconds),
            "protocols_per_second": (n as f64 / many.seconds).round(),
            "protocols_per_second_n1": (one.submit.requests as f64 / one.seconds).round(),
            "reads_per_second_during": many.reads.per_second().round(),
            "reads_per_second_during_n1": one.reads.per_second().round(),
            "mirror_lag_p50_ms": lag(many, 0.5),
            "mirror_lag_p99_ms": lag(many, 0.99),
            "mirror_lag_max_ms": many.lags.last().copied().unwrap_or(f64::NAN).round(),
            "mirror_lag_p50_ms_n1": lag(one, 0.5),
            "mirror_lag_p99_ms_n1": lag(one, 0.99),
            "mirror_updates": many.updates,
            "mirror_update_p50_ms": many.update_p50_ms.round(),
            "first_publish_seconds": round3(many.first_publish),
            "failover_read_error_rate": many.failover_rate(),
            "failover_reads": many.window_ok + many.window_errors,
            "failover_read_errors": many.window_errors,
            "failover_window_seconds": round3(many.window_seconds),
            "read_errors": many.reads.errors + one.reads.errors,
            "retried_submissions": many.retried,
            "lost_receipts": one.lost_receipts + many.lost_receipts,
            "nginx_rps": rps(0),
            "ashyq_rps": rps(1),
            "ashyq_proxied_rps": rps(2),
            "submit": many.submit.json(),
            "submit_n1": one.submit.json(),
            "nginx": served,
            "ashyq": direct,
            "ashyq_proxied": proxied,
        })
    );
}
