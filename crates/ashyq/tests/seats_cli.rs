//! `ashyq seats` and `ashyq bench seats` end to end: the 2023 Mazhilis seats from the votes
//! file, every output format, the hemicycle SVG, ties and the seed, and bad input refused with
//! a reason and a non-zero exit code. No database is involved.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{fails_with, succeeds, write};

/// The binary on a database that `ashyq seats` must never open.
fn ashyq() -> Command {
    let mut cmd = common::ashyq();
    cmd.env("ASHYQ_DATABASE_URL", "sqlite://unused-by-seats.db");
    cmd
}

fn kz_2023() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ashyq-core/tests/data/kz-2023-mazhilis-party-list.csv")
}

#[test]
fn the_2023_mazhilis_seats_as_a_table() {
    ashyq()
        .args([
            "seats",
            "--seats",
            "69",
            "--threshold",
            "5",
            "--method",
            "hare",
        ])
        .arg(kz_2023())
        .assert()
        .success()
        .stdout(predicate::str::contains("69 seats · hare"))
        .stdout(predicate::str::is_match(r"Amanat\s+3,431,510\s+53\.90%\s+40\n").unwrap())
        .stdout(predicate::str::is_match(r"Auyl\s+693,938\s+10\.90%\s+8\n").unwrap())
        .stdout(
            predicate::str::is_match(r"National Social Democratic Party\s+331,058\s+5\.20%\s+4\n")
                .unwrap(),
        )
        .stdout(
            predicate::str::is_match(r"Baytaq\s+146,431\s+2\.30%\s+—\s+below the threshold")
                .unwrap(),
        )
        .stdout(predicate::str::is_match(r"total\s+6,366,441\s+69\n").unwrap());
}

#[test]
fn json_keeps_the_parties_in_input_order_with_exact_shares() {
    let out = succeeds(
        ashyq()
            .args(["seats", "--seats", "69", "--format", "json"])
            .arg(kz_2023()),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let seats = &v["seats"];
    for (party, n) in [
        ("Amanat", 40),
        ("Auyl", 8),
        ("Respublica", 6),
        ("Aq Jol", 6),
        ("People's Party of Kazakhstan", 5),
        ("National Social Democratic Party", 4),
        ("Baytaq", 0),
    ] {
        assert_eq!(seats[party], n, "{party}");
    }
    // Input order, not alphabetical: Amanat, Auyl, Respublica, Aq Jol, …
    let seats_text = &text[text.find("\"seats\"").unwrap()..text.find("\"qualified\"").unwrap()];
    let pos = |p: &str| seats_text.find(p).unwrap();
    assert!(pos("Amanat") < pos("Auyl") && pos("Respublica") < pos("Aq Jol"));
    assert_eq!(v["qualified"].as_array().unwrap().len(), 6);
    assert_eq!(v["method"], "hare");
    assert_eq!(v["threshold"], "1/20");
    assert_eq!(v["threshold_percent"], "5");
    assert_eq!(v["base"], "all-valid");
    assert_eq!(v["base_votes"], 6_366_441);
    assert_eq!(v["shares"]["Amanat"], "53.90");
    assert_eq!(v["shares_exact"]["Baytaq"], "146431/6366441");
    assert_eq!(v["ties"], Value::Array(vec![]));
}

#[test]
fn csv_output_and_the_party_votes_base() {
    ashyq()
        .args([
            "seats",
            "--seats",
            "69",
            "--format",
            "csv",
            "--base",
            "party-votes",
        ])
        .arg(kz_2023())
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "party,votes,share_percent,qualified,seats\nAmanat,3431510,56.09,true,40\n",
        ))
        .stdout(predicate::str::contains("Baytaq,146431,2.39,false,0\n"))
        .stdout(predicate::str::contains("against all,248291,,false,0\n"));
}

#[test]
fn every_method_runs_and_fills_the_kurultai() {
    for method in [
        "hare",
        "droop",
        "dhondt",
        "sainte-lague",
        "modified-sainte-lague",
        "adams",
        "huntington-hill",
        "imperiali",
    ] {
        let out = ashyq()
            .args(["seats", "--format", "json", "--method", method])
            .arg(kz_2023())
            .output()
            .unwrap();
        assert!(out.status.success(), "{method}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let total: u64 = v["seats"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(total, 145, "{method}");
        assert_eq!(v["method"], method);
    }
}

#[test]
fn the_hemicycle_svg_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("kurultai.svg");
    ashyq()
        .args(["seats", "--title", "Kurultai & co"])
        .arg(kz_2023())
        .arg("--svg")
        .arg(&svg)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote the hemicycle diagram"));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg "));
    assert_eq!(text.matches("class=\"seat\"").count(), 145);
    assert!(text.contains("Kurultai &amp; co"));
}

#[test]
fn colours_from_the_votes_file_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let votes = write(
        dir.path(),
        "v.csv",
        "party,votes,colour\nBlue,600,#0000ff\nRed,400,\nagainst all,10,\n",
    );
    let svg = dir.path().join("h.svg");
    ashyq()
        .args(["seats", "--seats", "10"])
        .arg(&votes)
        .arg("--svg")
        .arg(&svg)
        .assert()
        .success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<g fill=\"#0000ff\"><title>Blue — 6 seats</title>"));
}

#[test]
fn reads_standard_input_and_decimal_thresholds() {
    ashyq()
        .args(["seats", "--seats", "10", "--threshold", "7.5", "-"])
        .write_stdin("party,votes\nA,925\nB,75\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("threshold 7.5%"))
        .stdout(predicate::str::is_match(r"B\s+75\s+7\.50%\s+1\n").unwrap());
    ashyq()
        .args(["seats", "--seats", "10", "--threshold", "7.5", "-"])
        .write_stdin("party,votes\nA,926\nB,74\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("below the threshold"));
}

#[test]
fn a_tie_needs_the_seed_and_the_draw_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let votes = write(dir.path(), "tie.csv", "party,votes\nAlpha,100\nBeta,100\n");
    ashyq()
        .args(["seats", "--seats", "3", "--method", "dhondt"])
        .arg(&votes)
        .assert()
        .failure()
        .stderr(predicate::str::contains("Alpha, Beta are tied for seat 3"))
        .stderr(predicate::str::contains("--seed"));
    let run = || {
        ashyq()
            .args([
                "seats", "--seats", "3", "--method", "dhondt", "--format", "json",
            ])
            .args(["--seed", "lottery 2026-08-01: 4 8 15 16 23 42"])
            .arg(&votes)
            .output()
            .unwrap()
    };
    let a = run();
    assert!(a.status.success());
    assert_eq!(a.stdout, run().stdout, "same seed, same result");
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    let tie = &v["ties"][0];
    assert_eq!(tie["rule"], "draw");
    assert_eq!(tie["equal"], "quotient");
    assert_eq!(tie["first_seat"], 3);
    assert_eq!(tie["tickets"].as_array().unwrap().len(), 2);
    let winner = tie["winners"][0].as_str().unwrap();
    assert_eq!(v["seats"][winner], 2);
    assert_eq!(tie["tickets"][0]["party"], winner);
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "header.csv",
            "name,votes\nA,1\n",
            "expected the columns party,votes",
        ),
        (
            "negative.csv",
            "party,votes\nA,-3\n",
            "row 2: votes of \"A\": \"-3\" is negative",
        ),
        ("decimal.csv", "party,votes\nA,12.5\n", "not a whole number"),
        (
            "dup.csv",
            "party,votes\nA,1\nB,2\nA,3\n",
            "the party \"A\" is given again",
        ),
        ("empty.csv", "party,votes\n", "no party rows"),
        (
            "nobody.csv",
            "party,votes\nA,1\nagainst all,99\n",
            "no party reached the threshold",
        ),
    ];
    for (name, text, message) in cases {
        let path = write(dir.path(), name, text);
        fails_with(ashyq().arg("seats").arg(&path), message);
    }
    fails_with(
        ashyq().args(["seats", "does-not-exist.csv"]),
        "cannot read the votes file",
    );
    let ok = write(dir.path(), "ok.csv", "party,votes\nA,1\n");
    for args in [
        ["--threshold", "five"],
        ["--threshold", "101"],
        ["--method", "borda"],
        ["--seats", "-1"],
        ["--base", "everyone"],
    ] {
        ashyq().arg("seats").args(args).arg(&ok).assert().failure();
    }
    fails_with(ashyq().args(["seats", "--seats", "0"]).arg(&ok), "0 seats");
    fails_with(
        ashyq().args(["seats", "--seed", ""]).arg(&ok),
        "seed is empty",
    );
}

#[test]
fn help_has_examples() {
    ashyq()
        .args(["seats", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("huntington-hill"));
}

#[test]
fn bench_seats_ends_with_one_json_line() {
    let out = succeeds(ashyq().args([
        "bench",
        "seats",
        "--sweep",
        "3000",
        "--repetitions",
        "5",
        "--parties",
        "12",
    ]));
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap();
    let v: Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["bench"], "seats");
    assert_eq!(v["allocations"], 3000);
    assert_eq!(v["errors"], 0);
    for key in ["seconds", "baseline_seconds", "ratio", "per_allocation_ns"] {
        assert!(v[key].as_f64().unwrap() > 0.0, "{key}");
    }
    assert!(text.contains("(1) one allocation"));
    assert!(text.contains("what-if sweep"));
}
