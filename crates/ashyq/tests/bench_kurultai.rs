//! `ashyq bench kurultai` at a tiny size: it runs every phase (the write path, the baseline,
//! verify, the two pages) and its JSON line carries every figure, with as many votes as the
//! generator makes for a house of 145. Times are reported, never asserted.

mod common;

use std::collections::BTreeMap;

use ashyq_core::author::Author;
use ashyq_core::contest::ContestId;
use ashyq_core::kurultai::simulate::{self, TermSpec};
use ashyq_core::kurultai::{MemberId, Sitting};
use chrono::NaiveDate;
use common::{ashyq, stdout, succeeds};
use serde_json::Value;

#[test]
fn a_tiny_term_reports_every_figure_and_the_generators_votes() {
    let out = stdout(&succeeds(ashyq().args([
        "bench",
        "kurultai",
        "--bills",
        "20",
        "--requests",
        "20",
        "--batch",
        "16",
    ])));
    let line = out.lines().last().expect("a JSON line");
    let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["bench"], "kurultai");
    for field in [
        "seconds",
        "baseline_seconds",
        "ratio",
        "votes",
        "verify_seconds",
        "deputy_page_p99_ms",
        "search_p99_ms",
    ] {
        assert!(v[field].is_number(), "{field} missing in {line}");
    }
    assert_eq!(v["bills"], 20);
    // Every list is as long as the house: 145 deputies sit.
    assert_eq!(v["deputies"], 145);

    // The generator's count for a house of 145 (it depends on the number of members only).
    let members: BTreeMap<MemberId, (String, String)> = (1..=145)
        .map(|i| {
            (
                MemberId(format!("p-{i}")),
                ("P".into(), format!("Deputy {i}")),
            )
        })
        .collect();
    let sitting = Sitting {
        seats: 145,
        members,
        former: Default::default(),
    };
    let term = simulate::term(
        &ContestId("kurultai-2026".into()),
        NaiveDate::from_ymd_opt(2026, 9, 15).unwrap(),
        &sitting,
        &TermSpec {
            bills: 20,
            seed: 2026,
            years: 5,
        },
        &Author::new("test", "kurultai secretariat"),
    )
    .unwrap();
    assert_eq!(v["votes"].as_u64(), Some(term.ballots()));
    assert_eq!(v["steps"].as_u64(), Some(term.steps.len() as u64));
}
