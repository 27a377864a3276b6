//! `ashyq register import`, `party`, `election`, `list`, `protocol submit` (party lists) and
//! `mandate` end to end, on SQLite and, when reachable (required under CI=true), on
//! PostgreSQL: the 2023 party-list votes through the whole country give the announced seats,
//! the seed must be the committed one, mandates pass down the list, the exported log verifies,
//! a register file with problems imports nothing, and no IIN leaves in clear.

use std::path::Path;

use ashyq_core::election::seed_commitment;
use ashyq_core::iin::{Iin, Sex};
use ashyq_core::seats::TieSeed;
use ashyq_store::testing::{self, TestDb};
use chrono::{Days, NaiveDate};
use predicates::prelude::*;
use serde_json::{Value, json};

mod common;
use common::{ashyq_on, fails_with, succeeds};

fn person(k: u64, sex: Sex) -> Iin {
    let born = NaiveDate::from_ymd_opt(1975, 3, 1).unwrap() + Days::new(k);
    (0..10)
        .find_map(|s| Iin::from_parts(born, sex, 100 + s))
        .unwrap()
}

fn write(dir: &Path, name: &str, v: &Value) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

/// `ashyq party register --on 2026-06-01` of the application file `app`, with the digest key
/// file `key`.
fn register_party(db: &TestDb, key: &Path, app: &Path) -> assert_cmd::Command {
    let mut cmd = ashyq_on(db);
    cmd.args([
        "party",
        "register",
        "--on",
        "2026-06-01",
        "--digest-key-file",
    ])
    .arg(key)
    .arg(app);
    cmd
}

/// `ashyq register import` of the register file `file` with the digest key file `key`.
fn import_register(db: &TestDb, key: &Path, file: &Path) -> assert_cmd::Command {
    let mut cmd = ashyq_on(db);
    cmd.args(["register", "import", "--digest-key-file"])
        .arg(key)
        .arg(file);
    cmd
}

/// An initialised database, a digest key file and a generated register file of `count`
/// people in `dir`: (key file, register file).
fn generated_register(
    db: &TestDb,
    dir: &Path,
    count: u32,
) -> (std::path::PathBuf, std::path::PathBuf) {
    ashyq_on(db).arg("init").assert().success();
    let key = dir.join("digest.key");
    ashyq_server::secret_file::create_private(&key, "cd".repeat(32).as_bytes()).unwrap();
    let voters = dir.join("voters.csv");
    ashyq_on(db)
        .args([
            "register",
            "generate",
            "--count",
            &count.to_string(),
            "--output",
        ])
        .arg(&voters)
        .assert()
        .success();
    (key, voters)
}

#[test]
fn the_2023_votes_give_the_announced_seats_and_the_log_verifies() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        ashyq_on(&db).arg("init").assert().success();
        ashyq_on(&db)
            .args([
                "election",
                "scenario",
                "--seats",
                "69",
                "--tie-seed",
                "s3cret",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("2023 Mazhilis"));
        let out = ashyq_on(&db)
            .args(["election", "results", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["status"], "final");
        assert_eq!(r["national"]["against_all"], 248_291);
        assert_eq!(r["national"]["votes"][0]["votes"], 3_431_510);

        // Only the committed seed allocates.
        fails_with(
            ashyq_on(&db).args([
                "election", "allocate", "--seed", "another", "--author", "sec",
            ]),
            "does not match the commitment",
        );
        let svg = dir.path().join("k.svg");
        let out = succeeds(
            ashyq_on(&db)
                .args([
                    "election", "allocate", "--seed", "s3cret", "--author", "sec",
                ])
                .args(["--format", "json", "--svg"])
                .arg(&svg),
        );
        let seats: Value = serde_json::from_slice(&out.stdout).unwrap();
        // The seats the CEC announced in 2023 (crates/ashyq-core/tests/data/README.md).
        assert_eq!(
            seats["seats"],
            json!({"Amanat": 40, "Auyl": 8, "Respublica": 6, "Aq Jol": 6,
                   "People's Party of Kazakhstan": 5, "National Social Democratic Party": 4,
                   "Baytaq": 0})
        );
        let svg = std::fs::read_to_string(&svg).unwrap();
        assert_eq!(
            svg.matches("<circle class=\"seat\"").count(),
            69,
            "one circle per seat"
        );

        // A refusal passes the seat to the next on the list.
        ashyq_on(&db)
            .args(["mandate", "end", "--party", "Auyl", "--position", "3"])
            .args([
                "--ground",
                "refused",
                "--on",
                "2026-09-02",
                "--author",
                "sec",
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "The seat passes to Auyl candidate 9",
            ));
        ashyq_on(&db)
            .args(["mandate", "list"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Auyl candidate 9"))
            .stdout(predicate::str::contains("Auyl candidate 3 ").not());

        // The log verifies offline: seats and successions re-derived.
        let log = dir.path().join("log.jsonl");
        ashyq_on(&db)
            .args(["export", "--log"])
            .arg(&log)
            .assert()
            .success();
        ashyq_on(&db)
            .arg("verify")
            .arg(&log)
            .assert()
            .success()
            .stdout(predicate::str::contains("Log verified"));
        // Locked: no more protocols or lists.
        fails_with(
            ashyq_on(&db).args([
                "election", "allocate", "--seed", "s3cret", "--author", "sec",
            ]),
            "already allocated",
        );
    }
}

#[test]
fn parties_and_lists_from_private_files_leave_only_digests_and_masks() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        ashyq_on(&db).arg("init").assert().success();
        ashyq_on(&db)
            .args(["party", "rules", "--min-members", "3", "--author", "sec"])
            .assert()
            .success();
        let key = dir.path().join("digest.key");
        ashyq_server::secret_file::create_private(&key, "ab".repeat(32).as_bytes()).unwrap();
        let members: Vec<Iin> = (0..4).map(|k| person(k, Sex::Male)).collect();
        let app = write(
            dir.path(),
            "a.json",
            &json!({"name": "Alpha party", "short_name": "Alpha",
                    "members": members.iter().map(Iin::expose).collect::<Vec<_>>()}),
        );
        // Without a key: a clear error that says how to make one.
        fails_with(
            ashyq_on(&db).args(["party", "register"]).arg(&app),
            "--digest-key-file",
        );
        register_party(&db, &key, &app)
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "Registered Alpha party (Alpha) with 4 members",
            ));
        // Two of the same people in another party: refused, named masked, never in clear.
        let app2 = write(
            dir.path(),
            "b.json",
            &json!({"name": "Beta party", "short_name": "Beta",
                    "members": [members[0].expose(), members[1].expose(),
                                person(10, Sex::Female).expose(), person(11, Sex::Female).expose()]}),
        );
        let out = register_party(&db, &key, &app2).output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&members[0].masked()), "{err}");
        assert!(err.contains("Alpha"), "{err}");
        for m in &members {
            assert!(!err.contains(&m.expose()), "an IIN in clear in: {err}");
        }

        let commitment = seed_commitment(&TieSeed::new("seed").unwrap());
        ashyq_on(&db)
            .args([
                "election",
                "create",
                "--id",
                "k-2026",
                "--day",
                "2026-08-30",
            ])
            .args(["--withdrawal-deadline", "2026-08-20", "--seats", "10"])
            .args(["--seed-sha256", &commitment])
            .assert()
            .success();
        let cands: Vec<Value> = (0..5)
            .map(|i| {
                let sex = if i % 2 == 1 { Sex::Female } else { Sex::Male };
                json!({"iin": person(100 + i, sex).expose(), "name": format!("Candidate {i}"),
                       "citizen": true, "permanent_residence_years": 20, "disability": false})
            })
            .collect();
        let list = write(
            dir.path(),
            "l.json",
            &json!({"party": "Alpha", "candidates": cands}),
        );
        ashyq_on(&db)
            .args(["list", "submit", "--digest-key-file"])
            .arg(&key)
            .arg(&list)
            .assert()
            .success()
            .stdout(predicate::str::contains("with 5 candidates"));
        fails_with(
            ashyq_on(&db)
                .args(["list", "withdraw", "--party", "Alpha", "--position", "2"])
                .args(["--by", "candidate", "--on", "2026-08-21"]),
            "withdrawals close on 2026-08-20",
        );
        ashyq_on(&db)
            .args(["list", "withdraw", "--party", "Alpha", "--position", "3"])
            .args(["--by", "candidate", "--on", "2026-08-19"])
            .assert()
            .success();
        let log = dir.path().join("log.jsonl");
        ashyq_on(&db)
            .args(["export", "--log"])
            .arg(&log)
            .assert()
            .success();
        let text = std::fs::read_to_string(&log).unwrap();
        for k in 0..4 {
            assert!(!text.contains(&person(k, Sex::Male).expose()));
        }
        assert!(!text.contains(&person(100, Sex::Male).expose()));
        ashyq_on(&db).arg("verify").arg(&log).assert().success();

        // A party-list protocol with the wrong ballot is refused with the ballot named.
        let p = write(
            dir.path(),
            "p.json",
            &json!({"election": "k-2026", "precinct": 1,
                    "ballots": {"voters_on_list": 100, "voters_added_on_day": 0,
                                "voters_added_absentee": 0, "absentee_certificates_issued": 0,
                                "ballots_received": 100, "ballots_issued": 50,
                                "ballots_cancelled": 50, "ballots_found": 50},
                    "votes": [{"party": "Beta", "votes": 40}], "against_all": 10, "invalid": 0}),
        );
        fails_with(
            ashyq_on(&db).args(["protocol", "submit"]).arg(&p),
            "the ballot is [\"Alpha\"]",
        );
    }
}

/// Once a voter register is loaded, party members are checked against it: someone not on it
/// is refused with the reason, masked; people on it register.
#[test]
fn party_members_are_checked_against_the_voter_register_once_it_exists() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        let (key, voters) = generated_register(&db, dir.path(), 300);
        import_register(&db, &key, &voters).assert().success();
        ashyq_on(&db)
            .args(["party", "rules", "--min-members", "3", "--author", "sec"])
            .assert()
            .success();
        // Adults from the register file (column 1 is the IIN, born before 2000).
        let text = std::fs::read_to_string(&voters).unwrap();
        let on_register: Vec<Iin> = text
            .lines()
            .skip(1)
            .filter_map(|l| Iin::parse(l.split(',').next().unwrap()).ok())
            .filter(|i| i.birth_date() < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap())
            .take(3)
            .collect();
        assert_eq!(on_register.len(), 3);
        let stranger = person(5_000, Sex::Female);
        let app = |members: Vec<String>| json!({"name": "Gamma party", "short_name": "Gamma", "members": members});
        let refused = write(
            dir.path(),
            "r.json",
            &app(vec![
                on_register[0].expose(),
                on_register[1].expose(),
                stranger.expose(),
            ]),
        );
        let out = register_party(&db, &key, &refused).output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not on the voter register"), "{err}");
        assert!(err.contains(&stranger.masked()), "{err}");
        assert!(!err.contains(&stranger.expose()), "{err}");
        let ok = write(
            dir.path(),
            "ok.json",
            &app(on_register.iter().map(Iin::expose).collect()),
        );
        register_party(&db, &key, &ok)
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "against the voter register (3 found on it)",
            ));
    }
}

/// `ashyq register import` of a file with problems: every problem is reported with its line —
/// a person twice among them, found by the sort of the key rows — nothing is imported, no IIN
/// is printed, and the corrected file then imports in full.
#[test]
fn a_register_file_with_problems_imports_nothing_and_says_where() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        let (key, good) = generated_register(&db, dir.path(), 200);
        let text = std::fs::read_to_string(&good).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Line 2 again as line 202, and line 203 with a lower-case citizenship.
        let repeated = lines[1];
        let mut fields: Vec<&str> = lines[2].split(',').collect();
        fields[3] = "kz";
        let bad_citizenship = fields.join(",");
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, format!("{text}{repeated}\n{bad_citizenship}\n")).unwrap();
        let errors = dir.path().join("bad.csv.errors.csv");
        let iin = repeated.split(',').next().unwrap();
        import_register(&db, &key, &bad)
            .assert()
            .failure()
            .stderr(predicate::str::contains("nothing was imported"))
            .stderr(predicate::str::contains(iin).not());
        let report = std::fs::read_to_string(&errors).unwrap();
        assert!(report.contains("202,iin,the same IIN as row 2"), "{report}");
        assert!(report.contains("203,citizenship"), "{report}");
        assert!(!report.contains(iin), "{report}");
        ashyq_on(&db)
            .args(["register", "eligibility"])
            .assert()
            .success()
            .stdout(predicate::str::contains("0 people on the register"));
        import_register(&db, &key, &good)
            .assert()
            .success()
            .stdout(predicate::str::contains("200 people imported"));
    }
}
