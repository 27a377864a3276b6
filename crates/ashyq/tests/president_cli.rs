//! `ashyq president tally`: the outcome of a round from a votes file, with no database.

use serde_json::Value;

mod common;
use common::ashyq;

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
