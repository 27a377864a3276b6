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
    succeeds(ashyq_on(&db).arg("export").arg("--nist").arg(&xml_path));
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

    let summary = dir.path().join("summary.json");
    succeeds(
        ashyq_on(&db)
            .arg("export")
            .arg("--summary")
            .arg("--nist")
            .arg(&summary),
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
        .stderr(predicate::str::contains("the contests are: kz-2026"));
    assert!(!dir.path().join("x.json").exists());
}
