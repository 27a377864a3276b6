//! `ashyq bench load`: the HTTP server under election-night load, on loopback.
//!
//! One run, three phases against the same server process, on a fresh database:
//! 1. **Ceiling**: `readers` concurrent clients ask `GET /health` (a fixed two-byte answer
//!    through the same router and middleware) for `--read-seconds`: what this machine's HTTP
//!    stack can do at all.
//! 2. **Election night**: `submitters` concurrent clients POST all 10,459 signed protocols of
//!    the 2026 scenario (each precinct's key registered beforehand) while the readers poll the
//!    national result and every region's page in turn. Submission throughput and latency, and
//!    read throughput and latency while the results change under them.
//! 3. **Morning after**: the readers poll the same result pages for `--read-seconds` with
//!    nothing changing.
//!
//! The server runs on its own runtime (its own worker threads) in this process; the clients
//! on another. Both share the machine's cores, as a load generator on the same host does.
//! Bounded: loopback only, at most the scenario's protocols, every phase limited in time.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ashyq_core::keys::{Commission, CommissionSigningKey, KeyEvent, KeyRegistered};
use ashyq_core::referendum::presets;
use ashyq_core::signed::SignedProtocol;
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{profile, scenario};
use ashyq_store::Store;
use ashyq_store::registrar::{Registrar, system_clock};
use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode, header};
use clap::Args;
use http_body_util::{BodyExt as _, Full};
use serde_json::json;

use crate::{authors, output};

/// Arguments of `ashyq bench load`.
#[derive(Args)]
pub struct BenchLoadArgs {
    /// Concurrent submitting clients (precinct commissions sending at once).
    #[arg(long, default_value_t = 64)]
    pub submitters: usize,
    /// Concurrent reading clients (people and newsrooms polling the results).
    #[arg(long, default_value_t = 256)]
    pub readers: usize,
    /// Seconds of the ceiling and of the morning-after phases.
    #[arg(long, default_value_t = 5)]
    pub read_seconds: u64,
    /// Worker threads of the server's runtime (default: the number of cores).
    #[arg(long)]
    pub server_threads: Option<usize>,
    /// Give up if election night takes longer than this many seconds.
    #[arg(long, default_value_t = 120)]
    pub max_seconds: u64,
    /// Milliseconds a rendered result stands after the head moved on (as `ashyq serve
    /// --publish-interval-ms`); 0 renders every head.
    #[arg(long, default_value_t = 250)]
    pub publish_interval_ms: u64,
}

/// Latencies of one phase, in microseconds.
#[derive(Default)]
pub(crate) struct Samples {
    micros: Vec<u32>,
    errors: usize,
    /// Requests answered and failed while the window flag of [`read_until`] was set.
    pub(crate) window_ok: usize,
    pub(crate) window_errors: usize,
}

impl Samples {
    fn merge(&mut self, other: Samples) {
        self.micros.extend(other.micros);
        self.errors += other.errors;
        self.window_ok += other.window_ok;
        self.window_errors += other.window_errors;
    }

    pub(crate) fn percentile_ms(&mut self, p: f64) -> f64 {
        if self.micros.is_empty() {
            return f64::NAN;
        }
        self.micros.sort_unstable();
        let i = ((self.micros.len() - 1) as f64 * p).round() as usize;
        f64::from(self.micros[i]) / 1000.0
    }
}

/// What a phase measured.
pub(crate) struct Phase {
    pub(crate) requests: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    pub(crate) errors: usize,
}

impl Phase {
    pub(crate) fn of(mut s: Samples, seconds: f64) -> Phase {
        Phase {
            requests: s.micros.len(),
            seconds,
            p50_ms: s.percentile_ms(0.50),
            p99_ms: s.percentile_ms(0.99),
            errors: s.errors,
        }
    }

    pub(crate) fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    pub(crate) fn line(&self, what: &str) -> String {
        format!(
            "  {what:<34} {:>9.0} req/s  p50 {:>7.3} ms  p99 {:>7.3} ms  ({} requests, {} errors, {:.2} s)",
            self.per_second(),
            self.p50_ms,
            self.p99_ms,
            self.requests,
            self.errors,
            self.seconds
        )
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        json!({
            "requests": self.requests,
            "seconds": round3(self.seconds),
            "per_second": self.per_second().round(),
            "p50_ms": round3(self.p50_ms),
            "p99_ms": round3(self.p99_ms),
            "errors": self.errors,
        })
    }
}

pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One HTTP/1.1 keep-alive connection, driven directly through hyper: a load generator
/// should spend as little CPU per request as it can, since it shares the machine with the
/// server it measures (reqwest's pool and URL handling cost about as much again).
pub(crate) struct Connection {
    addr: SocketAddr,
    sender: Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>>,
}

impl Connection {
    pub(crate) fn new(addr: SocketAddr) -> Self {
        Connection { addr, sender: None }
    }

    /// Sends one request; `Ok(status)` once the whole body has arrived. A broken connection
    /// is opened again at the next request.
    pub(crate) async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Bytes,
    ) -> Result<StatusCode> {
        Ok(self.send_body(method, path, body).await?.0)
    }

    /// [`Connection::send`], with the answer's body.
    pub(crate) async fn send_body(
        &mut self,
        method: Method,
        path: &str,
        body: Bytes,
    ) -> Result<(StatusCode, Bytes)> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = tokio::net::TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            let (sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            self.sender = Some(sender);
        }
        let sender = self.sender.as_mut().expect("connected above");
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "127.0.0.1");
        if !body.is_empty() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let req = req.body(Full::new(body))?;
        let result = async {
            sender.ready().await?;
            let res = sender.send_request(req).await?;
            let status = res.status();
            let body = res.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, body))
        }
        .await;
        match result {
            Ok(answer) => Ok(answer),
            Err(e) => {
                self.sender = None;
                Err(e.into())
            }
        }
    }
}

/// `readers` tasks GET the paths in turn until `stop` is set, each on its own connection;
/// what is answered and what fails while `window` is set is also counted apart.
pub(crate) async fn read_until(
    addr: SocketAddr,
    paths: Arc<Vec<String>>,
    readers: usize,
    stop: Arc<AtomicBool>,
    window: Arc<AtomicBool>,
) -> Samples {
    let mut tasks = tokio::task::JoinSet::new();
    for r in 0..readers {
        let (paths, stop, window) = (paths.clone(), stop.clone(), window.clone());
        tasks.spawn(async move {
            let mut s = Samples::default();
            let mut conn = Connection::new(addr);
            let mut i = r;
            while !stop.load(Ordering::Relaxed) {
                let path = &paths[i % paths.len()];
                i += 1;
                let t0 = Instant::now();
                let ok = match conn.send(Method::GET, path, Bytes::new()).await {
                    Ok(status) if status.is_success() => {
                        s.micros
                            .push(t0.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        true
                    }
                    _ => {
                        s.errors += 1;
                        false
                    }
                };
                if window.load(Ordering::Relaxed) {
                    if ok {
                        s.window_ok += 1;
                    } else {
                        s.window_errors += 1;
                    }
                }
            }
            s
        });
    }
    let mut all = Samples::default();
    while let Some(done) = tasks.join_next().await {
        if let Ok(s) = done {
            all.merge(s);
        }
    }
    all
}

pub(crate) async fn timed_reads(
    addr: SocketAddr,
    paths: Vec<String>,
    readers: usize,
    seconds: u64,
) -> Phase {
    let stop = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let reading = read_until(addr, Arc::new(paths), readers, stop.clone(), Arc::default());
    let timer = async {
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
    };
    let (samples, ()) = tokio::join!(reading, timer);
    Phase::of(samples, t0.elapsed().as_secs_f64())
}

/// Runs `ashyq bench load` on a scratch database of the kind `url` names.
pub async fn run(url: &str, args: BenchLoadArgs) -> Result<ExitCode> {
    if args.submitters == 0 || args.readers == 0 || args.read_seconds == 0 {
        bail!("--submitters, --readers and --read-seconds must be at least 1");
    }
    let ElectionNight {
        db,
        registrar,
        backend,
        territory,
        def,
        bodies,
    } = prepare(url).await?;
    let n = bodies.len();
    let mut region_paths: Vec<String> = territory
        .regions
        .iter()
        .map(|r| format!("/api/v1/referendums/{}/regions/{}", def.id, r.code))
        .collect();
    region_paths.push(format!("/api/v1/referendums/{}/results", def.id));
    let result_paths = region_paths;

    // The server, on its own runtime.
    let threads = args
        .server_threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let config = ashyq_server::ServerConfig {
        rate_limit: None,
        publish_interval: Duration::from_millis(args.publish_interval_ms),
        ..ashyq_server::ServerConfig::default()
    };
    let server = BenchServer::start(registrar.clone(), threads, config)?;
    let addr = server.addr;

    // 1. The ceiling.
    eprintln!(
        "Ceiling: {} readers on GET /health for {} s…",
        args.readers, args.read_seconds
    );
    let ceiling = timed_reads(
        addr,
        vec!["/health".into()],
        args.readers,
        args.read_seconds,
    )
    .await;

    // 2. Election night.
    eprintln!(
        "Election night: {} submitters post {n} signed protocols while {} readers poll the results…",
        args.submitters, args.readers
    );
    let bar = output::progress(n as u64, "protocols");
    let bodies: Arc<Vec<Bytes>> = Arc::new(bodies.into_iter().map(Bytes::from).collect());
    let stop = Arc::new(AtomicBool::new(false));
    let night_start = Instant::now();
    let readers = tokio::spawn(read_until(
        addr,
        Arc::new(result_paths.clone()),
        args.readers,
        stop.clone(),
        Arc::default(),
    ));
    let submit_path = format!("/api/v1/referendums/{}/protocols", def.id);
    let submits = submit_all(
        addr,
        &submit_path,
        bodies,
        args.submitters,
        args.max_seconds,
        &bar,
    )
    .await?;
    let submit_seconds = night_start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let night_reads = readers.await?;
    let night_read_seconds = night_start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let status = registrar.ledger().results(&def.id)?.status;
    if status != ResultStatus::Final {
        bail!("after all submissions the result is {status:?}, not final");
    }
    let submit = Phase::of(submits, submit_seconds);
    let night = Phase::of(night_reads, night_read_seconds);

    // 3. The morning after.
    eprintln!(
        "Morning after: {} readers poll the results for {} s…",
        args.readers, args.read_seconds
    );
    let after = timed_reads(addr, result_paths, args.readers, args.read_seconds).await;

    server.stop()?;

    let ratio_night = night.per_second() / ceiling.per_second();
    let ratio_after = after.per_second() / ceiling.per_second();
    println!(
        "bench load on {backend}: {n} signed protocols from {} submitters, {} readers, server on {threads} worker threads",
        args.submitters, args.readers
    );
    println!("{}", ceiling.line("ceiling: GET /health"));
    println!("{}", submit.line("submissions (POST, signed)"));
    println!("{}", night.line("results reads during submissions"));
    println!("{}", after.line("results reads afterwards"));
    println!(
        "  all {n} protocols accepted in {submit_seconds:.3} s ({:.0} protocols/s); reads at {:.0}% of the ceiling during submissions, {:.0}% afterwards",
        n as f64 / submit_seconds,
        ratio_night * 100.0,
        ratio_after * 100.0
    );
    println!(
        "{}",
        json!({
            "bench": "load",
            "backend": backend,
            "protocols": n,
            "submitters": args.submitters,
            "readers": args.readers,
            "server_threads": threads,
            // The time per results read under election-night load, against the time per read of
            // the trivial endpoint on the same server (the ceiling).
            "seconds": 1.0 / night.per_second(),
            "baseline_seconds": 1.0 / ceiling.per_second(),
            "ratio": round3(ceiling.per_second() / night.per_second()),
            "submit_seconds": round3(submit_seconds),
            "protocols_per_second": (n as f64 / submit_seconds).round(),
            "submit": submit.json(),
            "reads_during_submissions": night.json(),
            "reads_after": after.json(),
            "ceiling": ceiling.json(),
            "read_share_of_ceiling_during": round3(ratio_night),
            "read_share_of_ceiling_after": round3(ratio_after),
            "publish_interval_ms": args.publish_interval_ms,
        })
    );
    drop(db);
    Ok(ExitCode::SUCCESS)
}

/// The scenario of election night on a scratch database: the territory, kz-2026, the 10,459
/// precinct keys registered, and every precinct's signed protocol as a request body.
pub(crate) struct ElectionNight {
    /// The scratch database (dropped at the end).
    pub(crate) db: ashyq_store::testing::TestDb,
    pub(crate) registrar: Arc<Registrar>,
    pub(crate) backend: &'static str,
    pub(crate) territory: ashyq_core::territory::Territory,
    pub(crate) def: ashyq_core::referendum::ReferendumDefinition,
    pub(crate) bodies: Vec<String>,
}

/// Prepares [`ElectionNight`] on a scratch database of the kind `url` names.
pub(crate) async fn prepare(url: &str) -> Result<ElectionNight> {
    prepare_first(url, usize::MAX).await
}

/// [`prepare`] with the first `limit` precincts' keys and protocols only (the territory and
/// the referendum are the whole scenario's).
pub(crate) async fn prepare_first(url: &str, limit: usize) -> Result<ElectionNight> {
    let db = crate::bench::scratch(url)?;
    let store = Store::open(&db.url).await?;
    let backend = store.backend();
    let registrar = Arc::new(Registrar::with_store(store, system_clock()).await?);

    let territory = generate(&profile::kz(), &TerritorySpec::default())?;
    let mut protocols = scenario::referendum_2026(&territory, 2026)?;
    protocols.truncate(limit);
    eprintln!(
        "Preparing: territory, referendum, {} precinct keys, signed protocols…",
        protocols.len()
    );
    registrar.load_territory(territory.clone()).await?;
    let def = presets::kz_2026();
    registrar.create_referendum(def.clone()).await?;
    let keys: Vec<CommissionSigningKey> = protocols
        .iter()
        .map(|p| {
            let mut seed = [7u8; 32];
            seed[..4].copy_from_slice(&p.precinct.0.to_be_bytes());
            CommissionSigningKey::from_seed(Commission::Precinct(p.precinct), &seed)
        })
        .collect();
    let author = authors::central_commission("bench");
    let valid_from = "2026-03-01T00:00:00Z".parse()?;
    let registrations: Vec<KeyEvent> = keys
        .iter()
        .map(|k| {
            KeyEvent::KeyRegistered(KeyRegistered {
                commission: k.commission().clone(),
                public_key: k.public(),
                valid_from,
                by: Commission::Central,
                author: author.clone(),
            })
        })
        .collect();
    registrar.manage_keys(&registrations).await?;
    let signed_at = def.polls_close_utc() + chrono::TimeDelta::minutes(30);
    let bodies: Vec<String> = protocols
        .iter()
        .zip(&keys)
        .map(|(p, k)| {
            Ok(serde_json::to_string(&SignedProtocol::sign(
                p, 1, signed_at, k,
            )?)?)
        })
        .collect::<Result<_>>()?;
    Ok(ElectionNight {
        db,
        registrar,
        backend,
        territory,
        def,
        bodies,
    })
}

/// The server under test on its own runtime (its own worker threads) in this process.
pub(crate) struct BenchServer {
    pub(crate) addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<Result<()>>,
}

impl BenchServer {
    /// Serves `registrar` with `config` on a loopback port, on `threads` worker threads.
    pub(crate) fn start(
        registrar: Arc<Registrar>,
        threads: usize,
        config: ashyq_server::ServerConfig,
    ) -> Result<BenchServer> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || -> Result<()> {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                addr_tx.send(listener.local_addr()?)?;
                let app = ashyq_server::router_with(registrar, &config);
                axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await?;
                Ok(())
            })
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(30))
            .context("the benchmark server did not start")?;
        Ok(BenchServer { addr, stop, thread })
    }

    /// Stops it and waits for its thread.
    pub(crate) fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the benchmark server thread panicked"))?
    }
}

/// `clients` concurrent submitters POST every body to `path`; fails naming the first
/// refusal, or when it takes longer than `max_seconds`.
pub(crate) async fn submit_all(
    addr: SocketAddr,
    path: &str,
    bodies: Arc<Vec<Bytes>>,
    clients: usize,
    max_seconds: u64,
    bar: &indicatif::ProgressBar,
) -> Result<Samples> {
    let plan = Submitting {
        clients,
        max_seconds,
        retry: false,
        received: Arc::default(),
    };
    Ok(submit_each(addr, path, bodies, &plan, bar).await?.samples)
}

/// How [`submit_each`] submits.
pub(crate) struct Submitting {
    /// Concurrent clients.
    pub(crate) clients: usize,
    /// The whole submission fails after this long.
    pub(crate) max_seconds: u64,
    /// Whether a client sends a document again after a connection error or a 5xx (as a
    /// real client would when an instance goes away), for up to 60 s; otherwise that fails.
    pub(crate) retry: bool,
    /// Counts the documents receipted so far.
    pub(crate) received: Arc<AtomicUsize>,
}

/// What [`submit_each`] got back.
pub(crate) struct Submitted {
    /// The latency of each receipted document (from its first attempt).
    pub(crate) samples: Samples,
    /// Each document's index and the answer that receipted it.
    pub(crate) receipts: Vec<(usize, Bytes)>,
    /// Documents that needed more than one attempt, and the failed attempts.
    pub(crate) retried: usize,
    pub(crate) failed_attempts: usize,
}

/// `plan.clients` concurrent submitters POST every body to `path`, retrying as `plan` says;
/// fails naming the first refusal, or when it takes longer than `plan.max_seconds`.
pub(crate) async fn submit_each(
    addr: SocketAddr,
    path: &str,
    bodies: Arc<Vec<Bytes>>,
    plan: &Submitting,
    bar: &indicatif::ProgressBar,
) -> Result<Submitted> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut submitters = tokio::task::JoinSet::new();
    for _ in 0..plan.clients {
        let (bodies, next, bar, path, received) = (
            bodies.clone(),
            next.clone(),
            bar.clone(),
            path.to_owned(),
            plan.received.clone(),
        );
        let retry = plan.retry;
        submitters.spawn(async move {
            let mut out = Submitted {
                samples: Samples::default(),
                receipts: Vec::new(),
                retried: 0,
                failed_attempts: 0,
            };
            let mut refused = Vec::new();
            let mut conn = Connection::new(addr);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let t0 = Instant::now();
                let mut attempts = 0;
                loop {
                    attempts += 1;
                    let why = match conn.send_body(Method::POST, &path, body.clone()).await {
                        Ok((status, answer)) if status.is_success() => {
                            out.samples
                                .micros
                                .push(t0.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                            out.receipts.push((i, answer));
                            received.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Ok((status, answer)) if status.is_server_error() => format!(
                            "protocol {i}: {status} {}",
                            String::from_utf8_lossy(&answer[..answer.len().min(300)])
                        ),
                        Ok((status, answer)) => {
                            refused.push(format!(
                                "protocol {i}: {status} {}",
                                String::from_utf8_lossy(&answer[..answer.len().min(300)])
                            ));
                            break;
                        }
                        Err(e) => format!("protocol {i}: {e}"),
                    };
                    out.failed_attempts += 1;
                    if !retry || t0.elapsed() > Duration::from_secs(60) {
                        refused.push(why);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                if attempts > 1 {
                    out.retried += 1;
                }
                bar.inc(1);
            }
            (out, refused)
        });
    }
    let mut all = Submitted {
        samples: Samples::default(),
        receipts: Vec::new(),
        retried: 0,
        failed_attempts: 0,
    };
    let mut refused = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(plan.max_seconds));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            done = submitters.join_next() => match done {
                Some(Ok((s, r))) => {
                    all.samples.merge(s.samples);
                    all.receipts.extend(s.receipts);
                    all.retried += s.retried;
                    all.failed_attempts += s.failed_attempts;
                    refused.extend(r);
                }
                Some(Err(e)) => bail!("a submitter failed: {e}"),
                None => break,
            },
            () = &mut deadline => bail!("election night took longer than --max-seconds {}", plan.max_seconds),
        }
    }
    if let Some(first) = refused.first() {
        bail!(
            "{} protocols were not accepted; the first: {first}",
            refused.len()
        );
    }
    Ok(all)
}
