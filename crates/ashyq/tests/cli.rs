//! The `ashyq` binary end to end: from an empty database to a certified result, an exported
//! log that verifies offline, tampering that is caught, and bad input that changes nothing.
//! Every flow runs on SQLite and, when reachable (required under CI=true), on PostgreSQL.

use std::path::Path;

use ashyq_store::testing::{self, TestDb};
use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{ashyq, ashyq_on, fails_with, succeeds};

fn results_json(db: &TestDb) -> Value {
    let out = succeeds(ashyq_on(db).args(["results", "--format", "json"]));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// init + referendum + the scenario's protocols written to `dir/protocols.csv`.
fn prepared(db: &TestDb, dir: &Path) {
    ashyq_on(db)
        .arg("init")
        .assert()
        .success()
        .stdout(predicate::str::contains("10,459 precincts"));
    ashyq_on(db)
        .arg("init")
        .assert()
        .failure()
        .stderr(predicate::str::contains("already has a territory"));
    ashyq_on(db)
        .args(["referendum", "create", "--preset", "kz-2026"])
        .assert()
        .success();
    let csv = dir.join("protocols.csv");
    ashyq_on(db)
        .args(["protocol", "scenario", "--output"])
        .arg(&csv)
        .assert()
        .success();
}

#[test]
fn from_empty_database_to_a_verified_certified_result() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        prepared(&db, dir.path());
        let csv = dir.path().join("protocols.csv");
        ashyq_on(&db)
            .args(["protocol", "submit"])
            .arg(&csv)
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "10459 protocols: 10459 accepted or already recorded, 0 conflicts",
            ));
        // The national totals are the official 2026 figures (CEC, BRIEF §3).
        let r = results_json(&db);
        assert_eq!(r["eligible"], 12_482_613, "{r}");
        assert_eq!(r["participated"], 9_127_192);
        assert_eq!(r["yes"], 7_954_667);
        assert_eq!(r["no"], 898_099);
        assert_eq!(r["invalid"], 146_558);
        assert_eq!(r["turnout"].to_string(), "73.12");
        assert_eq!(r["valid"], true);
        assert_eq!(r["adopted"], true);
        assert_eq!(r["status"], "final");
        assert_eq!(
            r["adoption_reason"],
            "adopted: 87.15% of participants voted yes (> 50%)"
        );

        // Submitting the same file again changes nothing.
        ashyq_on(&db)
            .args(["protocol", "submit"])
            .arg(&csv)
            .assert()
            .success();
        assert_eq!(results_json(&db)["yes"], 7_954_667);

        ashyq_on(&db)
            .args(["certify", "--author", "CEC secretary"])
            .assert()
            .success();
        assert_eq!(results_json(&db)["status"], "certified");

        let log = dir.path().join("log.jsonl");
        let results = dir.path().join("results.json");
        ashyq_on(&db)
            .arg("export")
            .arg("--log")
            .arg(&log)
            .arg("--results")
            .arg(&results)
            .assert()
            .success();
        ashyq()
            .env(
                "ASHYQ_DATABASE_URL",
                "sqlite:///nonexistent/dir/never-used.db",
            )
            .arg("verify")
            .arg(&log)
            .arg("--results")
            .arg(&results)
            .assert()
            .success()
            .stdout(predicate::str::contains("hash chain intact"))
            .stdout(predicate::str::contains(
                "every published figure matches the log",
            ))
            .stdout(predicate::str::contains("valid: turnout 73.12% > 50%"));

        // After certification nothing changes.
        let p = dir.path().join("late.json");
        std::fs::write(
            &p,
            r#"{"referendum":"kz-2026","precinct":1,"lines":{"voters_on_list":10,"voters_added_on_day":0,"voters_added_absentee":0,"absentee_certificates_issued":0,"ballots_received":10,"ballots_issued":5,"ballots_cancelled":5,"ballots_found":5,"yes":5,"no":0,"both_marked":0,"invalid":0}}"#,
        )
        .unwrap();
        fails_with(
            ashyq_on(&db).args(["protocol", "submit"]).arg(&p),
            "certified and locked",
        );
        assert_eq!(results_json(&db)["yes"], 7_954_667);
    }
}

fn tampered(
    log: &Path,
    dir: &Path,
    name: &str,
    edit: impl Fn(&mut Vec<String>),
) -> std::path::PathBuf {
    let mut lines: Vec<String> = std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    edit(&mut lines);
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn verify_names_the_first_bad_entry_of_a_tampered_log() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    prepared(&db, dir.path());
    ashyq_on(&db)
        .args(["protocol", "submit"])
        .arg(dir.path().join("protocols.csv"))
        .assert()
        .success();
    let log = dir.path().join("log.jsonl");
    ashyq_on(&db)
        .arg("export")
        .arg("--log")
        .arg(&log)
        .assert()
        .success();

    let changed = tampered(&log, dir.path(), "changed.jsonl", |l| {
        let i = l
            .iter()
            .position(|x| x.contains("\"precinct\":100,"))
            .unwrap();
        let re = add_one_to_yes(&l[i]);
        l[i] = re;
    });
    let deleted = tampered(&log, dir.path(), "deleted.jsonl", |l| {
        l.remove(500);
    });
    let reordered = tampered(&log, dir.path(), "reordered.jsonl", |l| l.swap(700, 701));
    // A log cut short is a valid log on its own; the published head catches it.
    let cut = tampered(&log, dir.path(), "cut.jsonl", |l| l.truncate(9_000));
    let last = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    let head: Value = serde_json::from_str(&last).unwrap();
    let head = head["hash"].as_str().unwrap();
    ashyq().arg("verify").arg(&cut).assert().success();
    ashyq()
        .args(["verify", "--head", head])
        .arg(&cut)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the log is cut short or is not the published one",
        ));
    ashyq()
        .args(["verify", "--head", head])
        .arg(&log)
        .assert()
        .success()
        .stdout(predicate::str::contains("is the last entry of the log"));
    for (file, expected) in [
        (&changed, "the entry was altered"),
        (
            &deleted,
            "line 501, entry 502 (protocol_accepted): expected entry 501 but found entry 502",
        ),
        (
            &reordered,
            "line 701, entry 702 (protocol_accepted): expected entry 701 but found entry 702",
        ),
    ] {
        ashyq()
            .arg("verify")
            .arg(file)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("FAILED"))
            .stdout(predicate::str::contains(expected));
    }
}

/// Adds one to the first `"yes":N` in a line.
fn add_one_to_yes(line: &str) -> String {
    let at = line.find("\"yes\":").unwrap() + 6;
    let end = at + line[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let n: u64 = line[at..end].parse().unwrap();
    format!("{}{}{}", &line[..at], n + 1, &line[end..])
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        prepared(&db, dir.path());
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let lines = r#""voters_on_list":1000,"voters_added_on_day":0,"voters_added_absentee":0,"absentee_certificates_issued":0,"ballots_received":1000,"ballots_issued":800,"ballots_cancelled":200,"ballots_found":800,"yes":700,"no":90,"both_marked":4,"invalid":6"#;
        // A protocol of precinct 1 whose lines have `from` replaced by `to`.
        let precinct_1_with = |name: &str, from: &str, to: &str| {
            write(
                name,
                &format!(
                    r#"{{"referendum":"kz-2026","precinct":1,"lines":{{{}}}}}"#,
                    lines.replace(from, to)
                ),
            )
        };
        let cases = [
            (
                write("malformed.json", "{\"referendum\": \"kz-2026\", "),
                "not a valid protocol document",
            ),
            (
                write(
                    "unknown.json",
                    &format!(r#"{{"referendum":"kz-2026","precinct":999999,"lines":{{{lines}}}}}"#),
                ),
                "precinct 999999 is not in the territory",
            ),
            (
                precinct_1_with("negative.json", "\"yes\":700", "\"yes\":-700"),
                "invalid value: integer `-700`",
            ),
            (
                precinct_1_with(
                    "overflow.json",
                    "\"yes\":700",
                    "\"yes\":99999999999999999999999",
                ),
                "not a valid protocol document",
            ),
            (
                precinct_1_with("huge.json", "\"yes\":700", "\"yes\":18446744073709551615"),
                "KR-0",
            ),
            (
                write(
                    "wrong-referendum.json",
                    &format!(r#"{{"referendum":"kz-2022","precinct":1,"lines":{{{lines}}}}}"#),
                ),
                "there is no referendum kz-2022; known: kz-2026",
            ),
            (
                precinct_1_with(
                    "ratios.json",
                    "\"ballots_received\":1000",
                    "\"ballots_received\":1001",
                ),
                "KR-2 ballots_received = ballots_issued + ballots_cancelled: 1001 ≠ 800 + 200 = 1000",
            ),
            (write("binary.csv", "\u{0}\u{1}garbage"), "cannot read"),
        ];
        for (file, message) in &cases {
            let out = ashyq_on(&db)
                .args(["protocol", "submit"])
                .arg(file)
                .output()
                .unwrap();
            assert!(!out.status.success(), "{} was accepted", file.display());
            let text = String::from_utf8_lossy(&out.stderr).to_string()
                + &String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains(message),
                "{}: expected {message:?} in {text}",
                file.display()
            );
        }
        let r = results_json(&db);
        assert_eq!(r["precincts_reported"], 0, "nothing was applied");
        fails_with(
            ashyq_on(&db).args(["certify", "--author", "x"]),
            "10459 precincts have not reported",
        );
        ashyq_on(&db)
            .args(["results", "--region", "KZ-99"])
            .assert()
            .failure()
            .stderr(predicate::str::contains(
                "no region \"KZ-99\"; regions: KZ-10",
            ));
    }
}

#[test]
fn territory_generation_is_deterministic_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    for (name, seed) in [("a.json", "7"), ("b.json", "7"), ("c.json", "8")] {
        ashyq_on(&db)
            .args(["territory", "generate", "--seed", seed, "--output"])
            .arg(dir.path().join(name))
            .assert()
            .success();
    }
    let read = |n: &str| std::fs::read(dir.path().join(n)).unwrap();
    assert_eq!(read("a.json"), read("b.json"));
    assert_ne!(read("a.json"), read("c.json"));
    ashyq_on(&db)
        .args(["territory", "import"])
        .arg(dir.path().join("a.json"))
        .assert()
        .success();
    ashyq_on(&db)
        .args(["territory", "export", "--output"])
        .arg(dir.path().join("back.json"))
        .assert()
        .success();
    assert_eq!(read("a.json"), read("back.json"));
    ashyq_on(&db)
        .args(["territory", "export", "--output"])
        .arg(dir.path().join("back.csv"))
        .assert()
        .success();
    let fresh = TestDb::sqlite();
    ashyq_on(&fresh)
        .args(["territory", "import"])
        .arg(dir.path().join("back.csv"))
        .assert()
        .success();
}

#[test]
fn demo_instant_loads_the_official_figures_and_certifies() {
    let db = TestDb::sqlite();
    ashyq_on(&db)
        .args(["demo", "--instant", "--no-serve"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid: turnout 73.12% > 50%"))
        .stdout(predicate::str::contains(
            "adopted: 87.15% of participants voted yes (> 50%)",
        ))
        .stdout(predicate::str::contains("Certified"))
        // Then the party-list election, every one of its 145 seats filled, and the house.
        .stdout(predicate::str::contains(
            "Election kurultai-2026: the 2023 list votes on 145 seats, 145 deputies named.",
        ))
        .stdout(predicate::str::contains("Synthetic demo text"));
    let r = results_json(&db);
    assert_eq!(
        (r["eligible"].as_u64(), r["participated"].as_u64()),
        (Some(12_482_613), Some(9_127_192))
    );
    assert_eq!(
        (r["yes"].as_u64(), r["no"].as_u64(), r["invalid"].as_u64()),
        (Some(7_954_667), Some(898_099), Some(146_558))
    );
    assert_eq!(r["status"], "certified");
    // The review left its trace: one amendment and one dismissal in the history.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    ashyq_on(&db)
        .arg("export")
        .arg("--log")
        .arg(&log)
        .assert()
        .success();
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.matches("\"type\":\"protocol_amended\"").count(), 1);
    assert_eq!(text.matches("\"type\":\"conflict_dismissed\"").count(), 1);
    assert_eq!(text.matches("\"type\":\"protocol_conflict\"").count(), 2);
    // The election after the referendum, on its own night, and the first session.
    assert_eq!(text.matches("\"type\":\"seats_allocated\"").count(), 1);
    assert_eq!(
        text.matches("\"type\":\"party_list_accepted\"").count(),
        10_459
    );
    let kurultai: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| l.contains("\"type\":\"kurultai\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = kurultai
        .iter()
        .map(|e| e["event"]["event"].as_str().unwrap())
        .collect();
    for kind in [
        "convened",
        "officer_voted",
        "committee_formed",
        "vice_president_consent_voted",
        "vice_president_appointed",
        "council_initiative_voted",
        "bill_introduced",
        "reading_voted",
        "returned",
        "signed",
        "amendment_voted",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in the demo: {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "officer_voted").count(), 4);
    assert!(
        kurultai
            .iter()
            .any(|e| e["event"]["initiator"]["by"] == "peoples_council")
    );
    let times: Vec<&str> = text
        .lines()
        .map(|l| {
            let at = l.find("\"recorded_at\":\"").unwrap() + 15;
            &l[at..at + 24]
        })
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "the demo's clock went back"
    );
    assert!(
        times.iter().rev().take(37).all(|t| t > &"2026-10-15"),
        "{:?}",
        times.last()
    );
    ashyq().arg("verify").arg(&log).assert().success();
}
