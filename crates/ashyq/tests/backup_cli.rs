//! `ashyq backup` during a load and `ashyq restore` into a fresh database, on each backend:
//! the restored log is the log as it stood at the backup, it verifies, and a server starts on
//! it (and logs in JSON when asked, with no query string in them).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command as Process, Stdio};

use ashyq_store::testing::{TestDb, backends};
use common::{ashyq, ashyq_on, fails_with, stdout, succeeds};

fn fresh_like(db: &TestDb) -> TestDb {
    match db.backend() {
        "postgres" => TestDb::postgres().expect("PostgreSQL answered a moment ago"),
        _ => TestDb::sqlite(),
    }
}

fn status_of(url: &str) -> u16 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async { reqwest::get(url).await.unwrap().status().as_u16() })
}

#[test]
fn a_backup_taken_during_load_restores_verifies_and_serves() {
    for db in backends() {
        let b = db.backend();
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        succeeds(ashyq_on(&db).arg("init"));
        succeeds(ashyq_on(&db).args(["referendum", "create", "--preset", "kz-2026"]));
        let csv = path("protocols.csv");
        succeeds(
            ashyq_on(&db)
                .args(["protocol", "scenario", "--output"])
                .arg(&csv),
        );
        // The load: every protocol submitted by another process while the backup is taken.
        let mut load = Process::new(assert_cmd::cargo::cargo_bin("ashyq"))
            .env("ASHYQ_DATABASE_URL", &db.url)
            .args(["protocol", "submit"])
            .arg(&csv)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let backup = path(if b == "postgres" {
            "ashyq.pgdump"
        } else {
            "ashyq-backup.db"
        });
        let out = succeeds(ashyq_on(&db).args(["backup", "--out"]).arg(&backup));
        assert!(stdout(&out).contains("log key file is not in it"), "{b}");
        assert!(load.wait().unwrap().success(), "{b}: the load failed");
        // A backup never overwrites.
        fails_with(
            ashyq_on(&db).args(["backup", "--out"]).arg(&backup),
            "already exists",
        );

        let fresh = fresh_like(&db);
        let out = succeeds(ashyq_on(&fresh).arg("restore").arg(&backup));
        assert!(stdout(&out).contains("Restored"), "{b}");
        // Not twice into the same database.
        fails_with(
            ashyq_on(&fresh).arg("restore").arg(&backup),
            if b == "postgres" {
                "is not empty"
            } else {
                "already exists"
            },
        );

        let (whole, restored) = (path("whole.jsonl"), path("restored.jsonl"));
        succeeds(ashyq_on(&db).args(["export", "--log"]).arg(&whole));
        succeeds(ashyq_on(&fresh).args(["export", "--log"]).arg(&restored));
        let (whole, restored) = (
            std::fs::read_to_string(&whole).unwrap(),
            std::fs::read_to_string(&restored).unwrap(),
        );
        // The territory and the referendum at least; the log as it stood: a prefix of the
        // whole one, entry for entry.
        assert!(restored.lines().count() >= 2, "{b}");
        assert!(
            whole.starts_with(&restored),
            "{b}: the restored log is not the log as it was"
        );
        let out = succeeds(ashyq().arg("verify").arg(path("restored.jsonl")));
        assert!(
            stdout(&out).contains("Log verified"),
            "{b}: {}",
            stdout(&out)
        );

        // A server starts on the restored database and is ready; asked for JSON logs, it
        // writes one JSON object per line, and no query string reaches them.
        let mut server = Process::new(assert_cmd::cargo::cargo_bin("ashyq"))
            .env("ASHYQ_DATABASE_URL", &fresh.url)
            .env("RUST_LOG", "debug")
            .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"])
            .arg("--log-key-file")
            .arg(path("log.key"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
        let serving = lines
            .find_map(|l| {
                let l = l.ok()?;
                l.contains("is serving").then_some(l)
            })
            .expect("the server did not start");
        let url = serving
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .trim_end_matches('/')
            .to_owned();
        assert_eq!(status_of(&format!("{url}/ready")), 200, "{b}");
        assert_eq!(
            status_of(&format!("{url}/api/v1/referendums?secret=hunter2")),
            200,
            "{b}"
        );
        server.kill().unwrap();
        let _ = server.wait();
        let mut logs = String::new();
        std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut logs).unwrap();
        assert!(logs.lines().count() > 0, "{b}: no logs at RUST_LOG=debug");
        for line in logs.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{b}: not a JSON log line ({e}): {line}"));
            assert!(v.get("level").is_some(), "{line}");
        }
        assert!(
            !logs.contains("hunter2"),
            "{b}: a query string reached the logs"
        );
    }
}

#[test]
fn a_backup_is_restored_only_into_its_own_kind_of_database() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    let db = TestDb::sqlite();
    fails_with(
        ashyq_on(&db).arg("restore").arg(&not_a_backup),
        "is not a backup made by `ashyq backup`",
    );
    succeeds(ashyq_on(&db).arg("init"));
    let backup = dir.path().join("b.db");
    succeeds(ashyq_on(&db).args(["backup", "--out"]).arg(&backup));
    if let Some(pg) = TestDb::postgres() {
        fails_with(
            ashyq_on(&pg).arg("restore").arg(&backup),
            "is a SQLite backup and cannot go into a PostgreSQL database",
        );
    }
}
