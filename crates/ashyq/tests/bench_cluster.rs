//! `ashyq bench cluster` on a small night: 1 and 3 `ashyq serve` instances on PostgreSQL
//! behind nginx, one SIGKILLed, the mirror following. Its JSON line carries every figure the
//! issue asks for, and no receipted protocol is lost. Skipped with a reason when nginx or
//! PostgreSQL is missing, except under `CI=true`, where that fails. Without them the bench
//! itself says what is missing and fails.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use ashyq_store::testing::TestDb;
use common::{ashyq, ashyq_on, fails_with, stdout};
use serde_json::Value;

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The nginx program, if installed.
fn nginx_program() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| {
            Command::new(p)
                .arg("-v")
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

#[test]
fn bench_cluster_measures_a_small_night_and_loses_no_receipt() {
    let Some(nginx) = nginx_program() else {
        assert!(
            !ci(),
            "under CI=true nginx is required (apt-get install -y nginx)"
        );
        eprintln!("skipping the cluster bench test: nginx is not installed");
        return;
    };
    let Some(db) = TestDb::postgres() else {
        return;
    };
    // The two mirrors of ~54,000 files each are written and removed faster in memory.
    let shm = PathBuf::from("/dev/shm");
    let base = if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::tempdir_in(base).unwrap();
    let out = ashyq_on(&db)
        .args([
            "bench",
            "cluster",
            "--protocols",
            "300",
            "--submitters",
            "8",
        ])
        .arg("--dir")
        .arg(dir.path())
        .args([
            "--readers",
            "8",
            "--read-seconds",
            "1",
            "--settle-seconds",
            "1",
        ])
        .arg("--nginx")
        .arg(&nginx)
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let line = text.lines().last().unwrap();
    let j: Value = serde_json::from_str(line).unwrap();
    assert_eq!(j["bench"], "cluster");
    assert_eq!(j["protocols"], 300);
    assert_eq!(j["instances"], 3);
    for field in [
        "seconds",
        "seconds_n1",
        "mirror_lag_p50_ms",
        "mirror_lag_p99_ms",
        "nginx_rps",
        "ashyq_rps",
        "ashyq_proxied_rps",
    ] {
        let v = j[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field}: {line}"));
        assert!(v > 0.0, "{field}: {line}");
    }
    assert!(j["mirror_lag_p50_ms"].as_f64() <= j["mirror_lag_p99_ms"].as_f64());
    let rate = j["failover_read_error_rate"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&rate), "{line}");
    assert!(j["failover_reads"].as_u64().unwrap() > 0, "{line}");
    assert_eq!(j["lost_receipts"], 0, "{line}");
}

#[test]
fn bench_cluster_says_what_is_missing() {
    fails_with(
        ashyq().args(["bench", "cluster", "--nginx", "/nonexistent/nginx"]),
        "nginx is missing",
    );
    // A stand-in that answers `-v`, and a server where no PostgreSQL listens.
    fails_with(
        ashyq().args([
            "bench",
            "cluster",
            "--nginx",
            "true",
            "--postgres",
            "postgres://postgres@127.0.0.1:1/postgres",
        ]),
        "PostgreSQL is missing",
    );
}
