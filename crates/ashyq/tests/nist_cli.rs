//! `ashyq export --nist`: the demo's whole certified referendum as a NIST SP 1500-100 v2
//! report in both forms, checked against the official schemas (the core's copies, with the
//! core's validators: the `jsonschema` crate and `xmllint`), and the refusals.

use ashyq_store::testing::TestDb;
use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{ashyq_on, succeeds};

#[path = "../../ashyq-core/tests/common/schema.rs"]
#[allow(dead_code)]
mod schema;

#[test]
fn the_demo_exports_as_a_valid_nist_report_in_json_and_xml() {
    let db = TestDb::sqlite();
    succeeds(ashyq_on(&db).args(["demo", "--instant", "--no-serve"]));
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let xml_path = dir.path().join("report.XML");
    succeeds(
        ashyq_on(&db)
            .arg("export")
            .arg("--nist")
            .arg(&json_path)
            .arg("--contest")
            .arg("kz-2026"),
    );
    succeeds(
        ashyq_on(&db)
            .arg("export")
            .arg("--nist")
            .arg(&xml_path)
            .args(["--contest", "kz-2026"]),
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    schema::assert_nist_json(&v);
    assert_eq!(v["Status"], "certified");
    assert_eq!(v["Format"], "precinct-level");
    let country = &v["GpUnit"][0];
    assert_eq!(country["VotersParticipated"], 9_127_192);
    assert_eq!(country["VotersRegistered"], 12_482_613);
    let yes: u64 = v["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Count"].as_u64().unwrap())
        .sum();
    assert_eq!(yes, 7_954_667);
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    schema::assert_valid_xml("nist cli", &xml, &schema::nist_xsd());
    assert!(xml.contains("<Status>certified</Status>"));
    // The XML form reads back as the JSON form, value for value: here the referendum and the
    // party-list election (the core's tests do the presidential round).
    assert_eq!(ashyq_core::nist::xml_read::to_json(&xml).unwrap(), v);
    let party_json = dir.path().join("party.json");
    let party_xml = dir.path().join("party.xml");
    for path in [&party_json, &party_xml] {
        succeeds(
            ashyq_on(&db)
                .arg("export")
                .arg("--nist")
                .arg(path)
                .args(["--contest", "kurultai-2026"]),
        );
    }
    let party: Value =
        serde_json::from_str(&std::fs::read_to_string(&party_json).unwrap()).unwrap();
    schema::assert_nist_json(&party);
    assert_eq!(
        ashyq_core::nist::xml_read::to_json(&std::fs::read_to_string(&party_xml).unwrap()).unwrap(),
        party
    );

    let summary = dir.path().join("summary.json");
    succeeds(
        ashyq_on(&db)
            .arg("export")
            .arg("--summary")
            .arg("--nist")
            .arg(&summary)
            .args(["--contest", "kz-2026"]),
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    schema::assert_nist_json(&s);
    assert_eq!(s["Format"], "summary-contest");
    assert_eq!(
        s["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][0]["Count"],
        7_954_667
    );

    // The form follows the extension; an unknown contest is named with the known ones.
    ashyq_on(&db)
        .arg("export")
        .arg("--nist")
        .arg(dir.path().join("report.txt"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "report.json (JSON) or report.xml (XML)",
        ));
    ashyq_on(&db)
        .args(["export", "--contest", "kz-1999", "--nist"])
        .arg(dir.path().join("x.json"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the contests are: kurultai-2026, kz-2026",
        ));
    assert!(!dir.path().join("x.json").exists());
}

/// The number of entries of the public log (`ashyq export --log`).
fn log_head(db: &TestDb, dir: &std::path::Path) -> usize {
    let path = dir.join("head.jsonl");
    succeeds(ashyq_on(db).arg("export").arg("--log").arg(&path));
    std::fs::read_to_string(&path).unwrap().lines().count()
}

fn results_without_status(db: &TestDb, dir: &std::path::Path) -> Value {
    let path = dir.join("results.json");
    succeeds(ashyq_on(db).arg("export").arg("--results").arg(&path));
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("status");
    v
}

#[test]
fn an_exported_report_imported_into_a_fresh_database_gives_the_same_results_and_bad_input_records_nothing()
 {
    let dir = tempfile::tempdir().unwrap();
    let source = TestDb::sqlite();
    succeeds(ashyq_on(&source).args(["demo", "--instant", "--no-serve"]));
    let report = dir.path().join("report.json");
    succeeds(
        ashyq_on(&source)
            .arg("export")
            .arg("--nist")
            .arg(&report)
            .args(["--contest", "kz-2026"]),
    );
    let expected = results_without_status(&source, dir.path());

    let fresh = TestDb::sqlite();
    succeeds(ashyq_on(&fresh).arg("init"));
    succeeds(ashyq_on(&fresh).args(["referendum", "create", "--preset", "kz-2026"]));
    let empty = log_head(&fresh, dir.path());

    // Bad input first: each named, and the log head does not move.
    let text = std::fs::read_to_string(&report).unwrap();
    let mut unknown: Value = serde_json::from_str(&text).unwrap();
    let unit = unknown["GpUnit"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|u| u["Type"] == "precinct")
        .unwrap();
    let unit_id = unit["@id"].as_str().unwrap().to_owned();
    for e in unit["ExternalIdentifier"].as_array_mut().unwrap() {
        if e["Type"] == "ocd-id" {
            e["Value"] = "ocd-division/country:kz/region:75/district:99/precinct:99999".into();
        } else if e["OtherType"] == "ashyq-precinct" {
            e["Value"] = "99999".into();
        }
    }
    let mut other_version: Value = serde_json::from_str(&text).unwrap();
    other_version["SummaryCounts"] = serde_json::json!([]);
    let mut broken: Value = serde_json::from_str(&text).unwrap();
    let count = &mut broken["Election"][0]["Contest"][0]["ContestSelection"][1]["VoteCounts"][0];
    count["Count"] = (count["Count"].as_u64().unwrap() + 7).into();
    let broken_unit = count["GpUnitId"].as_str().unwrap().to_owned();
    for (name, body, says) in [
        (
            "not-a-report.json",
            "{\"results\": [1, 2]}".to_owned(),
            "no \"@type\"".to_owned(),
        ),
        (
            "words.json",
            "yes 300, no 200".to_owned(),
            "not JSON".to_owned(),
        ),
        (
            "v1.json",
            other_version.to_string(),
            "v2 JSON Schema".to_owned(),
        ),
        (
            "unknown.json",
            unknown.to_string(),
            format!("(@id {unit_id}): is not a precinct of this territory"),
        ),
        (
            "broken.json",
            broken.to_string(),
            format!("(@id {broken_unit}): protocol of precinct"),
        ),
    ] {
        let path = common::write(dir.path(), name, &body);
        let out = ashyq_on(&fresh)
            .arg("import")
            .arg("--nist")
            .arg(&path)
            .args(["--author", "A. Operator"])
            .assert()
            .failure()
            .get_output()
            .clone();
        let err = common::stderr(&out);
        assert!(err.contains(&says), "{name}: {err}");
        assert_eq!(
            log_head(&fresh, dir.path()),
            empty,
            "{name} recorded nothing"
        );
    }

    // Our report: every precinct, the same results.
    let out = succeeds(
        ashyq_on(&fresh)
            .arg("import")
            .arg("--nist")
            .arg(&report)
            .args(["--author", "A. Operator"]),
    );
    assert!(common::stdout(&out).contains("Imported 10459 protocols of kz-2026"));
    assert_eq!(log_head(&fresh, dir.path()), empty + 10_459);
    assert_eq!(results_without_status(&fresh, dir.path()), expected);

    // The same file twice: refused, nothing recorded.
    ashyq_on(&fresh)
        .arg("import")
        .arg("--nist")
        .arg(&report)
        .args(["--author", "A. Operator"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("imported before"));
    assert_eq!(log_head(&fresh, dir.path()), empty + 10_459);

    // The XML form of the same report, into another fresh database: the same results. An
    // element the CDF does not have is named by its path first, and records nothing.
    let xml = dir.path().join("report.xml");
    succeeds(
        ashyq_on(&source)
            .arg("export")
            .arg("--nist")
            .arg(&xml)
            .args(["--contest", "kz-2026"]),
    );
    let other = TestDb::sqlite();
    succeeds(ashyq_on(&other).arg("init"));
    succeeds(ashyq_on(&other).args(["referendum", "create", "--preset", "kz-2026"]));
    let start = log_head(&other, dir.path());
    let text = std::fs::read_to_string(&xml).unwrap();
    let bad = common::write(
        dir.path(),
        "bad.xml",
        &text.replacen("<Format>", "<Colour>red</Colour><Format>", 1),
    );
    ashyq_on(&other)
        .arg("import")
        .arg("--nist")
        .arg(&bad)
        .args(["--author", "A. Operator"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "ElectionReport: the element <Colour> is not part of ElectionReport",
        ));
    assert_eq!(log_head(&other, dir.path()), start);
    let out = succeeds(
        ashyq_on(&other)
            .arg("import")
            .arg("--nist")
            .arg(&xml)
            .args(["--author", "A. Operator"]),
    );
    assert!(common::stdout(&out).contains("Imported 10459 protocols of kz-2026"));
    assert_eq!(results_without_status(&other, dir.path()), expected);
}
