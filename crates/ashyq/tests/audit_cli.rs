//! `ashyq audit sample` and `ashyq audit simulate` end to end: the offline draw matches the
//! reference `consistent_sampler` (its published example and vectors computed with it), later
//! rounds extend the same order, bad input is refused; the simulation runs. No database.

use assert_cmd::Command;

mod common;
use common::{fails_with, stdout, succeeds, write};

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
