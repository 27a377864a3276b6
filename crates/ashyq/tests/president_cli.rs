//! `ashyq president tally`: the outcome of a round from a votes file, with no database; and
//! `ashyq election scenario --preset kz-2022-presidential`: the CEC's 2022 national figures
//! reproduced exactly from synthetic protocols through the submission path, `ashyq election
//! results --format json` in the issue's shape, certification, and the exported log verifies.

use ashyq_store::testing::TestDb;
use serde_json::Value;

mod common;
use common::{ashyq, ashyq_on, fails_with, succeeds};

/// The CEC final figures of 22 November 2022 (BRIEF §8).
const KZ_2022: &str = "candidate,votes
Kassym-Jomart Tokayev,6456393
Zhiguli Dairabayev,271641
Karakat Abden,206206
Meiram Kazhyken,200907
Nurlan Auesbayev,176116
Saltanat Tursynbekova,168731
against all,460484
";

/// The kz territory in `db` and a register of 200 synthetic people imported under a key of
/// the byte `byte` (hex): the key file and the generated voters' file (IINs in clear, as the
/// register's private source is).
fn registered_voters(
    db: &TestDb,
    dir: &std::path::Path,
    byte: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    succeeds(ashyq_on(db).arg("init"));
    let key = dir.join("digest.key");
    ashyq_server::secret_file::create_private(&key, byte.repeat(32).as_bytes()).unwrap();
    let voters = dir.join("voters.csv");
    succeeds(
        ashyq_on(db)
            .args(["register", "generate", "--count", "200", "--output"])
            .arg(&voters),
    );
    succeeds(
        ashyq_on(db)
            .args(["register", "import", "--digest-key-file"])
            .arg(&key)
            .arg(&voters),
    );
    (key, voters)
}

fn tally(votes: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("votes.csv");
    std::fs::write(&path, votes).unwrap();
    ashyq()
        .args(["president", "tally"])
        .arg(&path)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_2022_figures_elect_tokayev_in_the_first_round() {
    let out = tally(KZ_2022, &["--participated", "8300046", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["participated"], 8_300_046);
    assert_eq!(v["candidates"]["Kassym-Jomart Tokayev"], 6_456_393);
    assert_eq!(v["candidates"].as_object().unwrap().len(), 6);
    assert_eq!(v["against_all"], 460_484);
    // The ballots not published as valid: 8,300,046 − 7,940,478.
    assert_eq!(v["invalid"], 359_568);
    assert_eq!(v["outcome"]["kind"], "elected");
    assert_eq!(v["outcome"]["elected"], "Kassym-Jomart Tokayev");
    // The table shows the CEC's shares (over the 7,940,478 votes of the seven lines).
    let out = tally(KZ_2022, &["--participated", "8300046"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("81.31%"), "{text}");
    assert!(text.contains("5.80%"), "{text}");
    assert!(text.contains("77.79%"), "{text}");
}

#[test]
fn no_majority_sends_the_two_leaders_to_a_second_round() {
    let votes = "A,400\nB,350\nC,150\nagainst all,50\n";
    let out = tally(votes, &["--participated", "1000", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["kind"], "second_round");
    assert_eq!(v["outcome"]["candidates"], serde_json::json!(["A", "B"]));
    assert_eq!(v["invalid"], 50);
}

#[test]
fn a_tie_without_the_seed_is_refused_and_with_it_is_drawn() {
    let votes = "A,400\nB,250\nC,250\n";
    let out = tally(votes, &["--participated", "1000"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("B, C are level with 250 votes for place 2"),
        "{err}"
    );
    let out = tally(
        votes,
        &["--participated", "1000", "--seed", "s", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["draw"]["place"], 2);
}

#[test]
fn bad_files_are_refused_with_the_row_and_the_fix() {
    let out = tally("A,10\nA,5\n", &["--participated", "100"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 2: \"A\" is given again"), "{err}");
    let out = tally("A,10\nB,5\n", &["--participated", "14"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("add up to 15 ballots but 14 took part"),
        "{err}"
    );
}

#[test]
fn the_2022_scenario_reproduces_the_cec_figures_certifies_and_verifies() {
    let db = TestDb::sqlite();
    succeeds(ashyq_on(&db).arg("init"));
    let out =
        succeeds(ashyq_on(&db).args(["election", "scenario", "--preset", "kz-2022-presidential"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Synthetic protocols of the 2022 presidential election"),
        "{text}"
    );
    let out = succeeds(ashyq_on(&db).args(["election", "results", "--format", "json"]));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The CEC final figures of 22 November 2022 (BRIEF §8).
    assert_eq!(r["eligible"], 11_953_465);
    assert_eq!(r["participated"], 8_300_046);
    let expected = [
        ("Kassym-Jomart Tokayev", 6_456_393),
        ("Zhiguli Dairabayev", 271_641),
        ("Karakat Abden", 206_206),
        ("Meiram Kazhyken", 200_907),
        ("Nurlan Auesbayev", 176_116),
        ("Saltanat Tursynbekova", 168_731),
    ];
    for (name, votes) in expected {
        assert_eq!(r["candidates"][name], votes, "{name}");
    }
    assert_eq!(r["against_all"], 460_484);
    assert_eq!(r["invalid"], 359_568);
    assert_eq!(r["status"], "final");
    assert_eq!(r["outcome"]["kind"], "elected");
    assert_eq!(r["outcome"]["elected"], "Kassym-Jomart Tokayev");

    let out = succeeds(ashyq_on(&db).args(["president", "certify", "--author", "CEC secretary"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("elected: Kassym-Jomart Tokayev has 6,456,393 of 8,300,046 votes of those who took part (77.79%)"),
        "{text}"
    );
    fails_with(
        ashyq_on(&db).args(["president", "certify", "--author", "again"]),
        "certified and locked",
    );
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    succeeds(ashyq_on(&db).arg("export").arg("--log").arg(&log));
    succeeds(ashyq().arg("verify").arg(&log));
}

#[test]
fn support_signatures_are_checked_against_the_register_by_digest_with_masked_reports() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let (key, voters) = registered_voters(&db, dir.path(), "cd");
    let text = std::fs::read_to_string(&voters).unwrap();
    let people: Vec<String> = text
        .lines()
        .skip(1)
        .take(5)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    // Each person signs on the list of every region: at most one of their signatures can
    // count, the one of the region they are registered in.
    let regions = [
        "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
        "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
    ];
    let mut lists = String::from("iin,region\n");
    for p in &people {
        for r in regions {
            lists.push_str(&format!("{p},{r}\n"));
        }
    }
    let stranger = "900101312348";
    lists.push_str(&format!("{stranger},KZ-75\n"));
    let file = dir.path().join("lists.csv");
    std::fs::write(&file, &lists).unwrap();
    let run = |format: &str| {
        ashyq_on(&db)
            .args(["president", "signatures"])
            .arg(&file)
            .args([
                "--operator",
                "CEC clerk",
                "--format",
                format,
                "--digest-key-file",
            ])
            .arg(&key)
            .output()
            .unwrap()
    };
    let out = run("json");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tally = &r["tally"];
    assert_eq!(tally["submitted"], 101);
    let valid = tally["valid"].as_u64().unwrap();
    assert!(valid <= 5, "{tally}");
    let refused = r["refused"].as_array().unwrap();
    assert_eq!(valid + refused.len() as u64, 101);
    let strangers: Vec<&Value> = refused
        .iter()
        .filter(|s| s["fault"]["kind"] == "not_on_register")
        .collect();
    assert_eq!(strangers.len(), 1);
    assert_eq!(strangers[0]["row"], 101);
    assert_eq!(strangers[0]["iin"], "90•••••••••8");
    // 200 voters: 2 signatures required (1%, rounded up).
    assert_eq!(tally["required"], 2);
    let table = String::from_utf8(run("table").stdout).unwrap();
    for p in people.iter().map(String::as_str).chain([stranger]) {
        assert!(!table.contains(p) && !stderr.contains(p), "an IIN in clear");
    }
    assert!(table.contains("regions meet the spread"), "{table}");
    // A bad row refuses the file with its row, without the IIN.
    std::fs::write(&file, "iin,region\n900101312349,KZ-75\n").unwrap();
    let out = run("table");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 2: the IIN is not valid"), "{err}");
    assert!(!err.contains("900101312349"), "{err}");
}

#[test]
fn demo_presidential_also_loads_and_certifies_the_2022_election() {
    let db = TestDb::sqlite();
    let out = succeeds(ashyq_on(&db).args(["demo", "--instant", "--no-serve", "--presidential"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Synthetic protocols of the 2022 presidential election"),
        "{text}"
    );
    assert!(
        text.contains("president-2022 certified and locked"),
        "{text}"
    );
    let out = succeeds(ashyq_on(&db).args([
        "election",
        "results",
        "--election",
        "president-2022",
        "--format",
        "json",
    ]));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["eligible"], 11_953_465);
    assert_eq!(r["participated"], 8_300_046);
    assert_eq!(r["candidates"]["Kassym-Jomart Tokayev"], 6_456_393);
    assert_eq!(r["against_all"], 460_484);
    assert_eq!(r["status"], "certified");
    assert_eq!(r["outcome"]["elected"], "Kassym-Jomart Tokayev");
    // The referendum of the demo is still there and certified beside it.
    let out = succeeds(ashyq_on(&db).args(["results", "--format", "json"]));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["status"], "certified");
}

/// A round run from files: called, three nominations (one under 40), the qualified two
/// registered on their signatures checked against the register, the young one refused
/// naming the criterion, a withdrawal before the deadline and one after it, protocols
/// submitted (a line for the withdrawn candidate refused by name) and one amended; the
/// results follow the amendment, and no IIN of the nominations file is printed.
#[test]
fn an_election_is_run_from_files_nominations_signatures_withdrawal_protocols() {
    use ashyq_core::iin::{Iin, Sex};
    use chrono::NaiveDate;
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let (key, voters) = registered_voters(&db, dir.path(), "ab");
    // Election day already past, so that protocols are accepted now.
    let seed_sha = ashyq_core::election::seed_commitment(
        &ashyq_core::seats::TieSeed::new("tie seed of the test").unwrap(),
    );
    succeeds(ashyq_on(&db).args([
        "president",
        "call",
        "--id",
        "president-2026",
        "--title",
        "Test presidential election",
        "--day",
        "2026-11-15",
        "--withdrawal-deadline",
        "2026-11-09",
        "--seed-sha256",
        &seed_sha,
    ]));
    let iin = |y, m, d, serial| {
        Iin::from_parts(
            NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            Sex::Female,
            serial,
        )
        .unwrap()
        .expose()
    };
    let (a, b, young) = (
        iin(1968, 3, 2, 11),
        iin(1971, 7, 9, 12),
        iin(1990, 1, 5, 13),
    );
    let person = |name: &str, iin: &str| {
        format!(
            r#"{{"name": "{name}", "iin": "{iin}", "nominated_by": {{"kind": "public_association", "name": "Union of {name}"}},
                "citizen_by_birth": true, "state_language": true, "residence_years": 30,
                "higher_education": true, "public_service_years": 12}}"#
        )
    };
    let nominations = common::write(
        dir.path(),
        "nominations.json",
        &format!(
            "[{}, {}, {}]",
            person("Aruzhan Bekova", &a),
            person("Dana Omarova", &b),
            person("Zarina Young", &young)
        ),
    );
    let nominate = |file: &std::path::Path| {
        ashyq_on(&db)
            .args(["president", "nominate"])
            .arg(file)
            .args(["--author", "CEC clerk", "--digest-key-file"])
            .arg(&key)
            .output()
            .unwrap()
    };
    let out = nominate(&nominations);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let printed = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert!(printed.contains("3 nominated"), "{printed}");
    // The same person again is refused, masked, and nothing is printed in clear.
    let again = common::write(dir.path(), "again.json", &person("Aruzhan Bekova", &a));
    let out = nominate(&again);
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(err.contains("nomination 1 (Aruzhan Bekova"), "{err}");
    assert!(err.contains("already"), "{err}");
    for text in [printed.as_str(), err.as_str()] {
        for i in [&a, &b, &young] {
            assert!(!text.contains(i.as_str()), "an IIN in clear: {text}");
        }
    }

    // Every voter of the register signs on every region's list: one signature per voter
    // counts, in their own region.
    let text = std::fs::read_to_string(&voters).unwrap();
    let regions = [
        "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
        "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
    ];
    let mut lists = String::from("iin,region\n");
    for line in text.lines().skip(1) {
        let iin = line.split(',').next().unwrap();
        for r in regions {
            lists.push_str(&format!("{iin},{r}\n"));
        }
    }
    let lists = common::write(dir.path(), "lists.csv", &lists);
    let register = |name: &str| {
        ashyq_on(&db)
            .args(["president", "register", name, "--signatures"])
            .arg(&lists)
            .args(["--author", "CEC", "--digest-key-file"])
            .arg(&key)
            .output()
            .unwrap()
    };
    for name in ["Aruzhan Bekova", "Dana Omarova"] {
        let out = register(name);
        assert!(out.status.success(), "{name}: {}", common::stderr(&out));
        let s = common::stdout(&out);
        assert!(
            s.contains("sufficient") && s.contains(&format!("Registered {name}")),
            "{s}"
        );
    }
    let out = register("Zarina Young");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let s = common::stdout(&out);
    assert!(s.contains("Refused Zarina Young"), "{s}");
    assert!(s.contains("40"), "the age criterion is named: {s}");

    // A withdrawal after the deadline is refused; before it, recorded.
    fails_with(
        ashyq_on(&db).args([
            "president",
            "withdraw",
            "Dana Omarova",
            "--on",
            "2026-11-10",
            "--author",
            "CEC clerk",
        ]),
        "2026-11-09",
    );
    succeeds(ashyq_on(&db).args([
        "president",
        "withdraw",
        "Dana Omarova",
        "--on",
        "2026-11-08",
        "--author",
        "CEC clerk",
    ]));

    let protocol = |precinct: u32, votes: &str, against: u64, invalid: u64| {
        format!(
            r#"{{"election": "president-2026", "precinct": {precinct},
                "ballots": {{"voters_on_list": 1000, "voters_added_on_day": 0, "voters_added_absentee": 0,
                  "absentee_certificates_issued": 0, "ballots_received": 1000, "ballots_issued": 600,
                  "ballots_cancelled": 400, "ballots_found": 600}},
                "votes": [{votes}], "against_all": {against}, "invalid": {invalid}}}"#
        )
    };
    let ok = protocol(
        1,
        r#"{"candidate": "Aruzhan Bekova", "votes": 500}"#,
        60,
        40,
    );
    let withdrawn = protocol(
        2,
        r#"{"candidate": "Aruzhan Bekova", "votes": 400}, {"candidate": "Dana Omarova", "votes": 100}"#,
        60,
        40,
    );
    let file = common::write(
        dir.path(),
        "protocols.json",
        &format!("[{ok}, {withdrawn}]"),
    );
    let out = ashyq_on(&db)
        .args(["president", "submit"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let s = common::stdout(&out);
    assert!(s.contains("precinct 1: accepted"), "{s}");
    assert!(
        s.contains("precinct 2: refused") && s.contains("Dana Omarova"),
        "{s}"
    );
    // The same document again: the same receipt, nothing new.
    let one = common::write(dir.path(), "one.json", &ok);
    let again = succeeds(ashyq_on(&db).args(["president", "submit"]).arg(&one));
    assert!(common::stdout(&again).contains("precinct 1: accepted"));
    // An amendment replaces it.
    let fixed = common::write(
        dir.path(),
        "fixed.json",
        &protocol(
            1,
            r#"{"candidate": "Aruzhan Bekova", "votes": 520}"#,
            40,
            40,
        ),
    );
    succeeds(
        ashyq_on(&db)
            .args(["president", "amend"])
            .arg(&fixed)
            .args(["--reason", "recount", "--author", "DEC operator"]),
    );
    let out = succeeds(ashyq_on(&db).args([
        "election",
        "results",
        "--election",
        "president-2026",
        "--format",
        "json",
    ]));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["candidates"]["Aruzhan Bekova"], 520, "{v}");
    assert_eq!(v["against_all"], 40);
    assert!(v["candidates"].get("Dana Omarova").is_none(), "{v}");
    assert!(v["candidates"].get("Zarina Young").is_none(), "{v}");
}
