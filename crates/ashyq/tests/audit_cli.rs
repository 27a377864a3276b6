//! `ashyq audit sample` and `ashyq audit simulate` end to end: the offline draw matches the
//! reference `consistent_sampler` (its published example and vectors computed with it), later
//! rounds extend the same order, bad input is refused; the simulation runs. No database.
//! Then the audit on a database (SQLite, and PostgreSQL when reachable — required under
//! `CI=true`): a certified 2026 demo audited with hand counts equal
//! to the protocols confirms every contest at the risk MACRO's formula gives; a falsified
//! region escalates; each bad input is refused and records nothing; the exported log verifies.

use assert_cmd::Command;

mod common;
use ashyq_store::testing::TestDb;
use common::{ashyq_on, fails_with, stdout, succeeds, write};
use std::collections::BTreeMap;
use std::path::Path;

fn ashyq() -> Command {
    let mut cmd = common::ashyq();
    cmd.env("ASHYQ_DATABASE_URL", "sqlite://unused-by-audit.db");
    cmd
}

#[test]
fn the_reference_example_with_replacement() {
    // sampler(['A#2','B#7','C#1','D#4'], with_replacement=True, take=8, seed=314159,
    //         output='tuple', digits=18), run with the reference implementation.
    let dir = tempfile::tempdir().unwrap();
    let ids = write(dir.path(), "ids.txt", "A#2\nB#7\nC#1\nD#4\n");
    let out = succeeds(
        ashyq()
            .args([
                "audit",
                "sample",
                "--seed",
                "314159",
                "--count",
                "8",
                "--with-replacement",
            ])
            .arg("--ids")
            .arg(&ids),
    );
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "ticket,id,generation");
    assert_eq!(
        &rows[1..],
        [
            "0.017883214968778511,D#4,1",
            "0.545742738881712350,C#1,1",
            "0.573533258963989854,C#1,2",
            "0.765047812719456746,B#7,1",
            "0.881382715432040241,A#2,1",
            "0.9014668792180915886,C#1,3",
            "0.9237526204426854416,D#4,2",
            "0.9496164656194312307,B#7,2",
        ]
    );
}

#[test]
fn precinct_ids_and_a_second_round() {
    // sampler([str(p) for p in range(1, 11)], seed='01382438112797316654', take=5, digits=18)
    let dir = tempfile::tempdir().unwrap();
    let ids: String = (1..=10).map(|i| format!("{i}\n")).collect();
    let ids = write(dir.path(), "precincts.txt", &ids);
    let seed = "01382438112797316654";
    let first = stdout(&succeeds(
        ashyq()
            .args(["audit", "sample", "--seed", seed, "--count", "3", "--ids"])
            .arg(&ids),
    ));
    let second = stdout(&succeeds(
        ashyq()
            .args([
                "audit", "sample", "--seed", seed, "--count", "2", "--drop", "3", "--ids",
            ])
            .arg(&ids),
    ));
    let ids_of = |t: &str| -> Vec<String> {
        t.lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect()
    };
    assert_eq!(ids_of(&first), ["1", "3", "2"]);
    assert_eq!(ids_of(&second), ["4", "7"]);
    assert!(first.contains("0.038093293318404595,1,1"));
}

#[test]
fn bad_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ids = write(dir.path(), "dup.txt", "1\n2\n1\n");
    fails_with(
        ashyq()
            .args(["audit", "sample", "--seed", "123", "--count", "2", "--ids"])
            .arg(&ids),
        "not distinct",
    );
    fails_with(
        ashyq()
            .args(["audit", "sample", "--seed", "", "--count", "2", "--ids"])
            .arg(&ids),
        "--seed is empty",
    );
    fails_with(
        ashyq().args([
            "audit",
            "sample",
            "--seed",
            "1",
            "--count",
            "2",
            "--ids",
            "/nonexistent/ids.txt",
        ]),
        "ids.txt",
    );
    fails_with(
        ashyq().args(["audit", "simulate", "--risk-limit", "0", "--runs", "1"]),
        "risk limit",
    );
}

#[test]
fn a_falsified_region_is_not_confirmed() {
    let out = stdout(&succeeds(ashyq().args([
        "audit",
        "simulate",
        "--scenario",
        "falsified",
        "--runs",
        "100",
    ])));
    let json: serde_json::Value =
        serde_json::from_str(out.lines().last().unwrap()).expect("a JSON line last");
    let wrong = json["wrong_outcome_confirmed"].as_u64().unwrap();
    // The guarantee is at most 5%; allow sampling noise over 100 runs.
    assert!(wrong <= 12, "{out}");
}

const SEED: &str = "01382438112797316654";

/// A protocol's lines as the scenario file has them: `(yes, no, both, invalid, ballots found)`.
type Lines = (u64, u64, u64, u64, u64);

/// The 2026 demo on `db`, its scenario's protocols submitted: returns each precinct's lines
/// (read from the protocols file, independently of the audit) and its region.
fn demo(db: &TestDb, dir: &Path, certify: bool) -> BTreeMap<String, Lines> {
    succeeds(ashyq_on(db).arg("init"));
    succeeds(ashyq_on(db).args(["referendum", "create", "--preset", "kz-2026"]));
    let csv = dir.join("protocols.csv");
    succeeds(
        ashyq_on(db)
            .args(["protocol", "scenario", "--output"])
            .arg(&csv),
    );
    succeeds(ashyq_on(db).args(["protocol", "submit"]).arg(&csv));
    if certify {
        succeeds(ashyq_on(db).args(["certify", "--author", "CEC secretary"]));
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (p, y, n, b, i, f) = (
        col("precinct"),
        col("yes"),
        col("no"),
        col("both_marked"),
        col("invalid"),
        col("ballots_found"),
    );
    lines
        .map(|l| {
            let v: Vec<&str> = l.split(',').collect();
            let u = |k: usize| v[k].parse::<u64>().unwrap();
            (v[p].to_string(), (u(y), u(n), u(b), u(i), u(f)))
        })
        .collect()
}

/// The log's length, from an export.
fn log_len(db: &TestDb, dir: &Path) -> usize {
    let log = dir.join("len.jsonl");
    succeeds(ashyq_on(db).arg("export").arg("--log").arg(&log));
    std::fs::read_to_string(&log).unwrap().lines().count()
}

/// The drawn items of the draw CSV `contest,ticket,id,generation`: `(contest, id)`.
fn drawn(csv: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut rows = text.lines();
    assert_eq!(rows.next(), Some("contest,ticket,id,generation"));
    rows.map(|r| {
        let v: Vec<&str> = r.split(',').collect();
        (v[0].to_string(), v[2].to_string())
    })
    .collect()
}

/// A board's entries file: each distinct item with `count(item)`.
fn entries_file(
    dir: &Path,
    name: &str,
    items: &[String],
    count: impl Fn(&str) -> Lines,
) -> std::path::PathBuf {
    let mut text = String::from("item,yes,no,both,invalid\n");
    let mut seen = std::collections::BTreeSet::new();
    for i in items {
        if seen.insert(i.clone()) {
            let (y, n, b, v, _) = count(i);
            text.push_str(&format!("{i},{y},{n},{b},{v}\n"));
        }
    }
    write(dir, name, &text)
}

fn report_json(db: &TestDb, dir: &Path) -> serde_json::Value {
    let path = dir.join("report.json");
    succeeds(ashyq_on(db).args(["audit", "report", "--out"]).arg(&path));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn create_seed_draw(db: &TestDb, dir: &Path) -> Vec<(String, String)> {
    succeeds(ashyq_on(db).args([
        "audit",
        "create",
        "--id",
        "rla",
        "--author",
        "CEC secretary",
    ]));
    succeeds(ashyq_on(db).args([
        "audit",
        "seed",
        "--digits",
        SEED,
        "--author",
        "CEC secretary",
    ]));
    let round = dir.join("round1.csv");
    succeeds(
        ashyq_on(db)
            .args(["audit", "draw", "--author", "CEC secretary", "--output"])
            .arg(&round),
    );
    drawn(&round)
}

#[test]
fn hand_counts_equal_to_the_protocols_confirm_every_contest() {
    for db in ashyq_store::testing::backends() {
        confirm_on(db);
    }
}

fn confirm_on(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let protocols = demo(&db, dir.path(), true);
    let draws = create_seed_draw(&db, dir.path());
    let contests: std::collections::BTreeSet<&str> =
        draws.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(contests.len(), 22, "national and 21 units: {contests:?}");
    let items: Vec<String> = draws.iter().map(|(_, i)| i.clone()).collect();
    let paper = |i: &str| protocols[i];
    let a = entries_file(dir.path(), "a.csv", &items, paper);
    succeeds(
        ashyq_on(&db)
            .args(["audit", "enter", "--member", "A. Nurlanova", "--file"])
            .arg(&a),
    );
    // One member alone does not make an item agreed.
    let status = stdout(&succeeds(ashyq_on(&db).args(["audit", "status"])));
    assert!(status.contains("round 1 open for entries"), "{status}");
    assert!(status.contains("0 of"), "{status}");
    let out = stdout(&succeeds(
        ashyq_on(&db)
            .args(["audit", "enter", "--member", "B. Seitkali", "--file"])
            .arg(&a),
    ));
    assert!(out.contains("the round is measured"), "{out}");
    let status = stdout(&succeeds(ashyq_on(&db).args(["audit", "status"])));
    assert_eq!(
        status.matches("confirmed at risk ≤ 5%").count(),
        22,
        "{status}"
    );

    // MACRO with no discrepancy: risk = ((E − V) / E)^n, E = Σ (v_w − v_l + b), V = W − L,
    // computed here from the protocols file.
    let (mut e, mut v) = (0i64, 0i64);
    for (y, n, _, _, b) in protocols.values() {
        e += *y as i64 - *n as i64 + *b as i64;
        v += *y as i64 - *n as i64;
    }
    let national_draws = draws.iter().filter(|(c, _)| c == "national").count() as i32;
    let expected = ((e - v) as f64 / e as f64).powi(national_draws);
    let r = report_json(&db, dir.path());
    let national = &r["contests"][0];
    assert_eq!(national["contest"], "national");
    assert_eq!(national["conclusion"]["status"], "confirmed");
    let ppm = national["risk"][0]["risk_ppm"].as_u64().unwrap();
    assert!(
        (ppm as f64 - expected * 1e6).abs() <= 1.0,
        "risk {ppm} ppm, MACRO's formula {}",
        expected * 1e6
    );
    assert_eq!(r["seed"], SEED);
    assert_eq!(r["risk_limit"], 5);
    for c in r["contests"].as_array().unwrap() {
        assert_eq!(c["conclusion"]["status"], "confirmed", "{c}");
        assert_eq!(c["discrepancies"], 0);
    }
    for i in r["items"].as_array().unwrap() {
        assert_eq!(i["entries"].as_array().unwrap().len(), 2, "{i}");
        assert_eq!(i["discrepancy"], serde_json::Value::Null);
    }
    let csv = dir.path().join("report.csv");
    succeeds(ashyq_on(&db).args(["audit", "report", "--out"]).arg(&csv));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("contest,risk_limit,seed,round,ticket,item,"));
    assert_eq!(text.lines().count(), draws.len() + 1);
    // Nothing is left to draw.
    fails_with(
        ashyq_on(&db).args(["audit", "draw", "--author", "x"]),
        "is finished",
    );

    // The exported log verifies: replay re-derives the draw and the risks.
    let log = dir.path().join("log.jsonl");
    succeeds(ashyq_on(&db).arg("export").arg("--log").arg(&log));
    succeeds(common::ashyq().arg("verify").arg(&log));
    // A risk changed in the log is caught.
    let text = std::fs::read_to_string(&log).unwrap();
    let tampered = text.replacen(&format!("\"risk_ppm\":{ppm}"), "\"risk_ppm\":1", 1);
    assert_ne!(tampered, text);
    let bad = write(dir.path(), "tampered.jsonl", &tampered);
    common::ashyq().arg("verify").arg(&bad).assert().code(1);
}

#[test]
fn a_falsified_region_escalates() {
    for db in ashyq_store::testing::backends() {
        falsified_on(db);
    }
}

fn falsified_on(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let protocols = demo(&db, dir.path(), true);
    let draws = create_seed_draw(&db, dir.path());
    let region = "KZ-75";
    let in_region: std::collections::BTreeSet<&str> = draws
        .iter()
        .filter(|(c, _)| c == region)
        .map(|(_, i)| i.as_str())
        .collect();
    // The paper of that region's sampled precincts has yes and no swapped.
    let items: Vec<String> = draws.iter().map(|(_, i)| i.clone()).collect();
    let paper = |i: &str| {
        let (y, n, b, v, f) = protocols[i];
        if in_region.contains(i) {
            (n, y, b, v, f)
        } else {
            (y, n, b, v, f)
        }
    };
    let a = entries_file(dir.path(), "a.csv", &items, paper);
    succeeds(
        ashyq_on(&db)
            .args(["audit", "enter", "--member", "A", "--file"])
            .arg(&a),
    );
    let out = stdout(&succeeds(
        ashyq_on(&db)
            .args(["audit", "enter", "--member", "B", "--file"])
            .arg(&a),
    ));
    assert!(out.contains("Discrepancy in"), "{out}");
    let r = report_json(&db, dir.path());
    for c in r["contests"].as_array().unwrap() {
        let sampled_in_region = c["sample"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| in_region.contains(s["item"].as_str().unwrap()));
        if c["contest"] == region {
            // Not confirmed: the next round draws more (or the contest is counted in full).
            let status = c["conclusion"]["status"].as_str().unwrap();
            assert!(status == "draw_more" || status == "escalate", "{c}");
            assert!(c["discrepancies"].as_u64().unwrap() > 0);
            assert_eq!(c["risk"][0]["risk_ppm"], 1_000_000);
        } else if !sampled_in_region {
            assert_eq!(c["conclusion"]["status"], "confirmed", "{c}");
        }
    }
    let status = stdout(&succeeds(ashyq_on(&db).args(["audit", "status"])));
    let line = status
        .lines()
        .find(|l| l.starts_with("KZ-75 "))
        .unwrap_or_default();
    assert!(
        line.contains("1.000000") && line.contains("escalate"),
        "{status}"
    );
    // The next round draws only the contests still open.
    let round = dir.path().join("round2.csv");
    succeeds(
        ashyq_on(&db)
            .args(["audit", "draw", "--author", "CEC secretary", "--output"])
            .arg(&round),
    );
    let second = drawn(&round);
    assert!(second.iter().any(|(c, _)| c == region), "{second:?}");
    assert!(second.iter().all(|(c, _)| c != "KZ-10"), "{second:?}");
}

#[test]
fn bad_input_to_the_audit_is_refused_and_records_nothing() {
    for db in ashyq_store::testing::backends() {
        refusals_on(db);
    }
}

fn refusals_on(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let protocols = demo(&db, dir.path(), false);
    let before = log_len(&db, dir.path());
    // A seed before certification: no audit can exist, the definition is refused.
    fails_with(
        ashyq_on(&db).args(["audit", "create", "--id", "rla", "--author", "CEC"]),
        "is not certified",
    );
    fails_with(
        ashyq_on(&db).args([
            "audit", "seed", "--id", "rla", "--digits", SEED, "--author", "CEC",
        ]),
        "no audit rla",
    );
    assert_eq!(log_len(&db, dir.path()), before);
    succeeds(ashyq_on(&db).args(["certify", "--author", "CEC"]));
    succeeds(ashyq_on(&db).args(["audit", "create", "--id", "rla", "--author", "CEC"]));
    let before = log_len(&db, dir.path());
    fails_with(
        ashyq_on(&db).args(["audit", "draw", "--author", "CEC"]),
        "has no seed yet",
    );
    fails_with(
        ashyq_on(&db).args(["audit", "seed", "--digits", "12345", "--author", "CEC"]),
        "at least 20 decimal digits",
    );
    assert_eq!(log_len(&db, dir.path()), before);
    succeeds(ashyq_on(&db).args(["audit", "seed", "--digits", SEED, "--author", "CEC"]));
    fails_with(
        ashyq_on(&db).args(["audit", "seed", "--digits", SEED, "--author", "CEC"]),
        "already has its seed",
    );
    let round = dir.path().join("round1.csv");
    succeeds(
        ashyq_on(&db)
            .args(["audit", "draw", "--author", "CEC", "--output"])
            .arg(&round),
    );
    let draws = drawn(&round);
    let (region, item) = draws.iter().find(|(c, _)| c != "national").unwrap().clone();
    let other = draws
        .iter()
        .find(|(c, _)| *c != region && c != "national")
        .unwrap()
        .0
        .clone();
    let not_sampled = protocols
        .keys()
        .find(|p| !draws.iter().any(|(_, i)| i == *p))
        .unwrap()
        .clone();
    let (y, n, b, v, found) = protocols[&item];
    let count = format!("{y},{n},{b},{v}");
    let before = log_len(&db, dir.path());
    let enter = |item: &str, count: &str, member: &str, board: &str| {
        let mut c = ashyq_on(&db);
        c.args([
            "audit", "enter", "--item", item, "--count", count, "--member", member, "--board",
            board,
        ]);
        c
    };
    fails_with(
        &mut enter(&not_sampled, &count, "A", &region),
        "is not in the sample",
    );
    fails_with(
        &mut enter(&item, &count, "A", &other),
        "outside the territory of this board",
    );
    let too_many = format!("{},{n},{b},{v}", found - n - b - v + 1);
    fails_with(
        &mut enter(&item, &too_many, "A", &region),
        "the protocol found",
    );
    fails_with(
        &mut enter(&item, "1,2,3", "A", &region),
        "YES,NO,BOTH_MARKED,INVALID",
    );
    assert_eq!(log_len(&db, dir.path()), before);
    succeeds(&mut enter(&item, &count, "A", &region));
    fails_with(&mut enter(&item, &count, "A", &region), "already entered");
    assert_eq!(log_len(&db, dir.path()), before + 1);
    // A disagreement is recorded and shown.
    let wrong = format!("{},{},{b},{v}", y - 1, n + 1);
    let out = stdout(&succeeds(&mut enter(&item, &wrong, "B", &region)));
    assert!(out.contains("DISAGREEMENT"), "{out}");
    let status = stdout(&succeeds(ashyq_on(&db).args(["audit", "status"])));
    assert!(status.contains("DISAGREEMENT"), "{status}");
    let r = report_json(&db, dir.path());
    let it = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == item.as_str())
        .unwrap();
    assert_eq!(it["disputed"], true);
    succeeds(&mut enter(&item, &count, "C", &region));
    let r = report_json(&db, dir.path());
    let it = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == item.as_str())
        .unwrap();
    assert_eq!(it["disputed"], false);
    assert_eq!(it["agreed"]["count"]["yes"], y);
    fails_with(&mut enter(&item, &count, "D", &region), "already agreed");
    // Measuring before every item is agreed.
    fails_with(
        ashyq_on(&db).args(["audit", "measure", "--author", "CEC"]),
        "lack two agreeing entries",
    );
}

/// Enters `paper` for every item of the open round, twice (two members), from `round.csv`.
/// An item drawn again for another contest (each contest has its own stream) was already
/// counted and agreed: it is not entered again.
fn enter_round(db: &TestDb, dir: &Path, round: &Path, n: u32, paper: &dyn Fn(&str) -> Lines) {
    let r = report_json(db, dir);
    let agreed: std::collections::HashSet<String> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["agreed"].is_null())
        .map(|i| i["item"].as_str().unwrap().to_owned())
        .collect();
    let items: Vec<String> = drawn(round)
        .into_iter()
        .map(|(_, i)| i)
        .filter(|i| !agreed.contains(i))
        .collect();
    let file = entries_file(dir, &format!("round{n}-entries.csv"), &items, paper);
    for member in ["A. Nurlanova", "B. Seitkali"] {
        succeeds(
            ashyq_on(db)
                .args(["audit", "enter", "--member", member, "--file"])
                .arg(&file),
        );
    }
}

#[test]
fn an_escalated_region_is_counted_in_full_and_the_result_follows_the_paper() {
    for db in ashyq_store::testing::backends() {
        escalation_on(db);
    }
}

fn escalation_on(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let protocols = demo(&db, dir.path(), true);
    let region = "KZ-75";
    let tree: serde_json::Value = serde_json::from_str(&stdout(&succeeds(
        ashyq_on(&db).args(["results", "--region", region, "--format", "json"]),
    )))
    .unwrap();
    let before = tree.to_string();
    let national_status = |db: &TestDb| {
        let v: serde_json::Value = serde_json::from_str(&stdout(&succeeds(
            ashyq_on(db).args(["results", "--format", "json"]),
        )))
        .unwrap();
        v["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(national_status(&db), "certified");
    // The region's paper says the opposite of its protocols: yes and no swapped everywhere.
    let report = |db: &TestDb| report_json(db, dir.path());
    let in_region = |r: &serde_json::Value, item: &str| {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["item"] == item && i["region"] == region)
    };
    let _ = create_seed_draw(&db, dir.path());
    let mut round = 1;
    loop {
        let csv = dir.path().join(format!("round{round}.csv"));
        if round > 1 {
            succeeds(
                ashyq_on(&db)
                    .args(["audit", "draw", "--author", "CEC secretary", "--output"])
                    .arg(&csv),
            );
        }
        // The items drawn so far, with their regions.
        let r = report(&db);
        let paper = |i: &str| {
            let (y, n, b, v, f) = protocols[i];
            if in_region(&r, i) {
                (n, y, b, v, f)
            } else {
                (y, n, b, v, f)
            }
        };
        enter_round(&db, dir.path(), &csv, round, &paper);
        let r = report(&db);
        let c = r["contests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["contest"] == region)
            .unwrap()
            .clone();
        match c["conclusion"]["status"].as_str().unwrap() {
            "escalate" => break,
            "draw_more" => {}
            other => panic!("round {round}: {other}: {c}"),
        }
        round += 1;
        assert!(round <= 5, "the region escalates within five rounds");
    }
    // A contest that did not escalate is not counted in full.
    let confirmed = write(
        dir.path(),
        "kz-10.csv",
        "precinct,yes,no,both,invalid\n1,1,1,1,1\n",
    );
    fails_with(
        ashyq_on(&db)
            .args([
                "audit",
                "escalate",
                "--contest",
                "KZ-10",
                "--reason",
                "r",
                "--author",
                "CEC",
                "--file",
            ])
            .arg(&confirmed),
        "has not escalated",
    );
    // The full hand count of the region: every precinct, the paper's figures.
    let mut text = String::from("precinct,yes,no,both,invalid\n");
    let members: Vec<String> = region_precincts(&db, region);
    for p in &members {
        let (y, n, b, v, _) = protocols[p];
        text.push_str(&format!("{p},{n},{y},{b},{v}\n"));
    }
    let file = write(dir.path(), "hand-count.csv", &text);
    let out = stdout(&succeeds(
        ashyq_on(&db)
            .args([
                "audit",
                "escalate",
                "--contest",
                region,
                "--reason",
                "RLA rla escalated KZ-75; full hand count by the regional boards",
                "--author",
                "CEC secretary",
                "--file",
            ])
            .arg(&file),
    ));
    assert!(
        out.contains(&format!(
            "{} of the contest's {} precincts are counted in full",
            members.len(),
            members.len()
        )),
        "{out}"
    );
    // Twice is refused.
    fails_with(
        ashyq_on(&db)
            .args([
                "audit",
                "escalate",
                "--contest",
                region,
                "--reason",
                "r",
                "--author",
                "CEC",
                "--file",
            ])
            .arg(&file),
        "already counted in full",
    );
    // The region's result now follows the paper: yes and no swapped.
    let after: serde_json::Value = serde_json::from_str(&stdout(&succeeds(
        ashyq_on(&db).args(["results", "--region", region, "--format", "json"]),
    )))
    .unwrap();
    let (y0, n0) = yes_no(&serde_json::from_str(&before).unwrap());
    let (y1, n1) = yes_no(&after);
    assert_eq!((y1, n1), (n0, y0), "{after}");
    // And the published result says so: certified, amended by audit.
    assert_eq!(national_status(&db), "certified_amended_by_audit");
    // The report keeps comparing with the certified protocols and records the hand count.
    let r = report(&db);
    let c = r["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["contest"] == region)
        .unwrap();
    assert_eq!(c["hand_counted"], members.len());
    assert_eq!(c["reported"]["yes"], y0, "{c}");
    // And the log verifies: every hand count re-decided, every amendment re-applied.
    let log = dir.path().join("log.jsonl");
    succeeds(ashyq_on(&db).arg("export").arg("--log").arg(&log));
    succeeds(common::ashyq().arg("verify").arg(&log));
}

/// The precinct numbers of a region, from the territory export.
fn region_precincts(db: &TestDb, region: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("territory.json");
    succeeds(
        ashyq_on(db)
            .args(["territory", "export", "--output"])
            .arg(&path),
    );
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let districts: std::collections::BTreeSet<String> = t["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["region"] == region)
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    t["precincts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| districts.contains(p["district"].as_str().unwrap()))
        .map(|p| p["id"].to_string())
        .collect()
}

/// Yes and no of a results JSON (the national or region object as `ashyq results` prints it).
fn yes_no(v: &serde_json::Value) -> (u64, u64) {
    let t = if v["totals"].is_object() {
        &v["totals"]
    } else {
        v
    };
    (t["yes"].as_u64().unwrap(), t["no"].as_u64().unwrap())
}
