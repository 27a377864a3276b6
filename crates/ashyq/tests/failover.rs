//! Failover of a cluster on PostgreSQL: three `ashyq serve --behind-proxy` instances on one
//! database and one log key, behind a real nginx started by the test. 16 clients submit signed
//! protocols through nginx while 64 readers poll the results and the tree head through it; in
//! the middle one instance is SIGKILLed and PostgreSQL itself is restarted. Clients retry on a
//! connection error or a 5xx with the same document, as a real client would.
//!
//! Afterwards: every receipted protocol is in the log at its receipt's place, the log verifies,
//! sending every document again gives each receipted one its very receipt, the surviving
//! instances are ready again on their own, and the reads kept being answered (the error rate
//! during the failover is printed and bounded).
//!
//! One test in this binary, so nothing else of it runs beside it. Skipped with a reason when
//! PostgreSQL or nginx is missing, except under `CI=true`, where that fails.
//! `ASHYQ_FAILOVER_NO_PG_RESTART=1` leaves PostgreSQL alone (it disturbs other users of the
//! server); the restart is on by default.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ashyq_core::transparency::{SignedReceipt, SignedTreeHead};
use ashyq_store::testing::TestDb;
use common::serving::{Serving, get_json, post_protocol, prepare_night, serve};
use serde_json::Value;

/// Protocols in the load.
const LOAD: usize = 3_000;
/// Receipts before one instance is SIGKILLed.
const KILL_AFTER: usize = 400;
/// Receipts before PostgreSQL is restarted.
const RESTART_AFTER: usize = 1_000;
/// Submitting clients and polling readers.
const SUBMITTERS: usize = 16;
const READERS: usize = 64;
/// The failover window for the read error rate lasts from the kill until this long after
/// PostgreSQL is back.
const SETTLE: Duration = Duration::from_secs(3);
/// The bound on failed reads during the failover window, in parts per thousand.
const MAX_READ_ERRORS_PER_MILLE: f64 = 1.0;

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (printing why) or, under `CI=true`, fails.
fn missing(why: &str) {
    assert!(!ci(), "under CI=true the failover test must run: {why}");
    eprintln!("skipping the failover test: {why}");
}

/// The nginx program, if installed.
fn nginx_program() -> Option<PathBuf> {
    let sbin = PathBuf::from("/usr/sbin/nginx");
    if sbin.exists() {
        return Some(sbin);
    }
    Command::new("nginx")
        .arg("-v")
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())
        .map(|_| PathBuf::from("nginx"))
}

/// The local PostgreSQL cluster serving port 5432, as `pg_ctlcluster` names it
/// (version, name), from `pg_lsclusters`.
fn pg_cluster() -> Result<(String, String), String> {
    let out = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .map_err(|e| format!("cannot run pg_lsclusters ({e}); PostgreSQL from Debian's packages is needed to restart it"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[2] == "5432")
        .map(|f| (f[0].to_owned(), f[1].to_owned()))
        .ok_or_else(|| format!("no cluster on port 5432 in pg_lsclusters: {text}"))
}

/// A free loopback port (bound and released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in front of the instances, with every file of its own in a temporary directory.
/// Stopped by SIGTERM (a fast shutdown that ends its workers too) when dropped, also on a
/// panic; SIGKILL of the master alone would leave its workers running.
struct Nginx {
    child: std::process::Child,
    base: String,
    dir: PathBuf,
}

impl Nginx {
    fn start(program: &Path, dir: &Path, upstreams: &[&str]) -> Nginx {
        let port = free_port();
        let d = dir.display();
        let servers: String = upstreams
            .iter()
            .map(|u| {
                format!(
                    "        server {} max_fails=1 fail_timeout=2s;\n",
                    u.trim_start_matches("http://")
                )
            })
            .collect();
        let conf = format!(
            "worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream ashyq {{
{servers}        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://ashyq;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 250ms;
            proxy_read_timeout 30s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
        }}
    }}
}}
"
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        // As root, the workers would switch to nobody, who cannot write into the directory.
        let user = if std::env::var("USER").as_deref() == Ok("root")
            || std::fs::metadata("/proc/self")
                .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
                .unwrap_or(false)
        {
            " user root;"
        } else {
            ""
        };
        let child = Command::new(program)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", &format!("daemon off;{user}")])
            .stdout(Stdio::null())
            .spawn()
            .expect("nginx starts");
        let nginx = Nginx {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir: dir.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not start listening: {}",
                nginx.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let termed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        if !termed {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Reads answered and failed, in all and during the failover window.
#[derive(Default)]
struct Reads {
    ok: AtomicUsize,
    failed: AtomicUsize,
    window_ok: AtomicUsize,
    window_failed: AtomicUsize,
}

/// One submission's outcome: the document, its receipt, and whether it had to be retried.
struct Receipted {
    index: usize,
    receipt: Value,
    retried: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cluster_behind_nginx_survives_a_killed_instance_and_a_database_restart() {
    let Some(nginx_bin) = nginx_program() else {
        missing("nginx is not installed (Debian: apt-get install -y nginx)");
        return;
    };
    let restart_pg = std::env::var("ASHYQ_FAILOVER_NO_PG_RESTART").as_deref() != Ok("1");
    let cluster = if restart_pg {
        match pg_cluster() {
            Ok(c) => Some(c),
            Err(why) => {
                missing(&why);
                return;
            }
        }
    } else {
        eprintln!("ASHYQ_FAILOVER_NO_PG_RESTART=1: PostgreSQL is not restarted in this run");
        None
    };
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("log.key");
    let night = prepare_night(&db.url, &key_file, LOAD).await;
    let public = night.log_public;
    let bodies = Arc::new(night.bodies);

    let mut instances: Vec<Serving> = (0..3)
        .map(|_| serve(&db.url, &key_file, &["--behind-proxy"]))
        .collect();
    let nginx_dir = dir.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir).unwrap();
    let upstreams: Vec<&str> = instances.iter().map(|s| s.base.as_str()).collect();
    let nginx = Nginx::start(&nginx_bin, &nginx_dir, &upstreams);
    let base = nginx.base.clone();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    // Readers poll until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let window = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(Reads::default());
    let mut readers = tokio::task::JoinSet::new();
    for r in 0..READERS {
        let (http, base, stop, window, reads) = (
            http.clone(),
            base.clone(),
            stop.clone(),
            window.clone(),
            reads.clone(),
        );
        readers.spawn(async move {
            let urls = [
                format!("{base}/api/v1/referendums/kz-2026/results"),
                format!("{base}/api/v1/log/head"),
            ];
            let mut i = r;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let ok = match http.get(&urls[i % 2]).send().await {
                    Ok(res) if res.status().is_success() => res.bytes().await.is_ok(),
                    _ => false,
                };
                let in_window = window.load(Ordering::Relaxed);
                let counter = match (ok, in_window) {
                    (true, false) => &reads.ok,
                    (false, false) => &reads.failed,
                    (true, true) => &reads.window_ok,
                    (false, true) => &reads.window_failed,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
    }

    // Submitters retry the same document on a connection error or a 5xx.
    let next = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut submitters = tokio::task::JoinSet::new();
    for _ in 0..SUBMITTERS {
        let (http, base, bodies, next, received, failures) = (
            http.clone(),
            base.clone(),
            bodies.clone(),
            next.clone(),
            received.clone(),
            failures.clone(),
        );
        submitters.spawn(async move {
            let mut receipts = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(index) else { break };
                let give_up = Instant::now() + Duration::from_secs(60);
                let mut retried = false;
                loop {
                    let why = match post_protocol(&http, &base, body).await {
                        Ok((200, receipt)) => {
                            receipts.push(Receipted {
                                index,
                                receipt,
                                retried,
                            });
                            received.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Ok((status, problem)) if status >= 500 => {
                            format!("{status}: {problem}")
                        }
                        Ok((status, problem)) => {
                            panic!("protocol {index} refused with {status}: {problem}")
                        }
                        Err(e) => format!("{e}"),
                    };
                    failures.lock().unwrap().push(why.clone());
                    assert!(
                        Instant::now() < give_up,
                        "protocol {index} still fails after 60 s of retries: {why}"
                    );
                    retried = true;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            receipts
        });
    }

    // The failures, in the middle of the load.
    let wait_for = |n: usize| {
        let received = received.clone();
        async move {
            while received.load(Ordering::Relaxed) < n {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
    };
    wait_for(KILL_AFTER).await;
    window.store(true, Ordering::Relaxed);
    let window_start = Instant::now();
    instances[0].kill();
    eprintln!(
        "SIGKILLed one instance after {} receipts",
        received.load(Ordering::Relaxed)
    );
    wait_for(RESTART_AFTER).await;
    let at_restart = received.load(Ordering::Relaxed);
    if let Some((version, name)) = &cluster {
        let (version, name) = (version.clone(), name.clone());
        let status = tokio::task::spawn_blocking(move || {
            Command::new("pg_ctlcluster")
                .args([&version, &name, "restart"])
                .status()
        })
        .await
        .unwrap()
        .expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster restart failed: {status}");
        eprintln!("restarted PostgreSQL after {at_restart} receipts");
    }
    tokio::time::sleep(SETTLE).await;
    window.store(false, Ordering::Relaxed);
    let window_seconds = window_start.elapsed().as_secs_f64();

    let mut receipts = Vec::new();
    while let Some(done) = submitters.join_next().await {
        receipts.extend(done.unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    while let Some(done) = readers.join_next().await {
        done.unwrap();
    }
    assert_eq!(
        receipts.len(),
        LOAD,
        "every protocol got a receipt in the end"
    );
    assert!(
        at_restart < LOAD,
        "the load finished before PostgreSQL was restarted; nothing was interrupted"
    );

    // The survivors reconnected on their own: ready (database reachable, caught up).
    for s in &instances[1..] {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = http
                .get(format!("{}/ready", s.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{} is not ready 20 s after the load",
                s.base
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // Every receipted protocol is at its receipt's place in the log.
    for r in &receipts {
        let receipt: SignedReceipt = serde_json::from_value(r.receipt.clone()).unwrap();
        receipt.verify(&public).unwrap();
        let seq = receipt.receipt.leaf_index + 1;
        let entries = get_json(
            &http,
            format!("{base}/api/v1/log/entries?start={seq}&end={seq}"),
        )
        .await;
        assert_eq!(
            entries[0]["hash"],
            Value::String(receipt.receipt.entry_hash.0.clone()),
            "protocol {}",
            r.index
        );
    }

    // Sent again, every document gets the receipt it got (retried ones included).
    for r in &receipts {
        let (status, again) = post_protocol(&http, &base, &bodies[r.index]).await.unwrap();
        assert_eq!(status, 200, "{again}");
        assert_eq!(
            again, r.receipt,
            "protocol {} (retried: {}) got another receipt when sent again",
            r.index, r.retried
        );
    }

    // The log verifies offline and holds each protocol once.
    let text = http
        .get(format!("{base}/api/v1/log"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let report = ashyq_core::verify::verify_log(&text).unwrap();
    let head: SignedTreeHead =
        serde_json::from_value(get_json(&http, format!("{base}/api/v1/log/head")).await).unwrap();
    head.verify(&public).unwrap();
    assert_eq!(report.entries, head.head.tree_size);
    let mut places: Vec<u64> = receipts
        .iter()
        .map(|r| {
            serde_json::from_value::<SignedReceipt>(r.receipt.clone())
                .unwrap()
                .receipt
                .leaf_index
        })
        .collect();
    places.sort_unstable();
    places.dedup();
    assert_eq!(places.len(), LOAD, "two protocols share a place in the log");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let results = get_json(&http, format!("{base}/api/v1/referendums/kz-2026/results")).await;
        if results["precincts_reported"] == LOAD {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the results still show {} precincts",
            results["precincts_reported"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let retried = receipts.iter().filter(|r| r.retried).count();
    let failures = failures.lock().unwrap();
    let (ok, failed) = (
        reads.ok.load(Ordering::Relaxed),
        reads.failed.load(Ordering::Relaxed),
    );
    let (w_ok, w_failed) = (
        reads.window_ok.load(Ordering::Relaxed),
        reads.window_failed.load(Ordering::Relaxed),
    );
    let rate = w_failed as f64 / (w_ok + w_failed).max(1) as f64;
    eprintln!(
        "failover: {retried} of {LOAD} submissions retried ({} failed attempts, e.g. {:?}); \
         reads during the {window_seconds:.1} s failover window: {w_failed} failed of {} \
         ({:.4}%); outside it: {failed} failed of {}",
        failures.len(),
        failures.first(),
        w_ok + w_failed,
        rate * 100.0,
        ok + failed,
    );
    assert!(w_ok > 0, "no read was answered during the failover");
    assert!(
        rate * 1000.0 <= MAX_READ_ERRORS_PER_MILLE,
        "{:.4}% of the reads failed during the failover (bound {}‰); nginx: {}",
        rate * 100.0,
        MAX_READ_ERRORS_PER_MILLE,
        nginx.log()
    );
    drop(nginx);
    for s in &mut instances {
        s.kill();
    }
}
