//! `ashyq kurultai …` on the 2023 scenario's 145 seats: the synthetic first session through
//! the write path, a refused step that records nothing, the exported log verifying, and the
//! Popolo export valid against the Popolo schemas (`ashyq-core/tests/data/popolo`, draft 3,
//! read as draft 4: a property's `"required": true` becomes its object's `required` list);
//! the Akoma Ntoso export valid against the AKN 3.0 schema (`xmllint`, the core's copy), and
//! the CSV export holding every individual vote.

mod common;
#[path = "../../ashyq-core/tests/common/schema.rs"]
#[allow(dead_code)]
mod schema;

use std::collections::HashMap;
use std::path::PathBuf;

use ashyq_store::testing;
use common::{ashyq, ashyq_on, stdout, succeeds, write};
use serde_json::Value;

/// The Popolo schemas copied into the repository (`ashyq-core/tests/data/popolo`, with their
/// README), or `$ASHYQ_POPOLO_SCHEMAS` to check against another copy.
fn popolo_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ASHYQ_POPOLO_SCHEMAS") {
        return d.into();
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ashyq-core/tests/data/popolo")
}

/// Draft 3's `"required": true` on a property, as draft 4's `required` list of its object.
fn to_draft4(v: &mut Value) {
    if let Value::Object(o) = v {
        if let Some(Value::Object(props)) = o.get_mut("properties") {
            let mut required = Vec::new();
            for (k, p) in props.iter_mut() {
                if let Some(Value::Bool(r)) = p.as_object_mut().and_then(|p| p.remove("required"))
                    && r
                {
                    required.push(Value::String(k.clone()));
                }
            }
            if !required.is_empty() {
                o.insert("required".into(), Value::Array(required));
            }
        }
        if o.contains_key("$schema") {
            o.insert(
                "$schema".into(),
                "http://json-schema.org/draft-04/schema#".into(),
            );
        }
        for (_, c) in o.iter_mut() {
            to_draft4(c);
        }
    } else if let Value::Array(a) = v {
        a.iter_mut().for_each(to_draft4);
    }
}

struct Schemas(HashMap<String, Value>);

impl jsonschema::Retrieve for Schemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches('#')
            .to_owned();
        self.0
            .get(&name)
            .cloned()
            .ok_or_else(|| format!("no Popolo schema {name}").into())
    }
}

fn schemas() -> Schemas {
    let mut out = HashMap::new();
    for e in std::fs::read_dir(popolo_dir()).expect("the Popolo schemas") {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            to_draft4(&mut v);
            out.insert(p.file_name().unwrap().to_string_lossy().into_owned(), v);
        }
    }
    Schemas(out)
}

fn validator(name: &str) -> jsonschema::Validator {
    let s = schemas();
    let schema = s.0[name].clone();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_retriever(s)
        .build(&schema)
        .unwrap()
}

#[test]
fn the_first_session_exports_valid_popolo_and_the_log_verifies() {
    let db = testing::TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    succeeds(ashyq_on(&db).arg("init"));
    succeeds(ashyq_on(&db).args(["election", "scenario", "--tie-seed", "demo-seed"]));
    succeeds(ashyq_on(&db).args([
        "election",
        "allocate",
        "--seed",
        "demo-seed",
        "--author",
        "cec",
    ]));
    let out = stdout(&succeeds(ashyq_on(&db).args(["kurultai", "first-session"])));
    assert!(out.contains("Synthetic demo text"), "{out}");

    // A second reading before the first: refused with the rule, nothing recorded.
    let log = dir.path().join("before.jsonl");
    succeeds(ashyq_on(&db).args(["export", "--log"]).arg(&log));
    let before = std::fs::read_to_string(&log).unwrap().lines().count();
    let members = stdout(&succeeds(ashyq_on(&db).args(["kurultai", "members"])));
    // The scenario's lists have 60 candidates each: Amanat's list runs out and its remaining
    // seats stay vacant, so fewer deputies sit than there are seats.
    assert!(members.contains(" deputies of 145 seats"), "{members}");
    let sitting: usize = members.split_whitespace().next().unwrap().parse().unwrap();
    let step = write(
        dir.path(),
        "step.jsonl",
        r#"{"event":"reading_voted","bill":"bill-2026-005","reading":2,"vote":{"on":"2026-10-20","motion":"Reading 2","ballots":[]}}"#,
    );
    let o = ashyq_on(&db)
        .args(["kurultai", "record"])
        .arg(&step)
        .args(["--author", "sec"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("three readings") && err.contains("first reading comes next"),
        "{err}"
    );
    succeeds(ashyq_on(&db).args(["export", "--log"]).arg(&log));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        before
    );
    succeeds(ashyq().arg("verify").arg(&log));

    let bill = stdout(&succeeds(ashyq_on(&db).args([
        "kurultai",
        "bill",
        "bill-2026-002",
    ])));
    assert!(
        bill.contains("returned by the President with objections"),
        "{bill}"
    );

    let file = dir.path().join("popolo.json");
    succeeds(
        ashyq_on(&db)
            .args(["kurultai", "export", "--popolo"])
            .arg(&file),
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    for (list, schema) in [
        ("persons", "person.json"),
        ("organizations", "organization.json"),
        ("memberships", "membership.json"),
        ("vote_events", "vote_event.json"),
    ] {
        let v = validator(schema);
        let items = doc[list].as_array().unwrap();
        assert!(!items.is_empty(), "{list} is empty");
        for item in items {
            if let Err(e) = v.validate(item) {
                panic!("{list}: {e} in {item}");
            }
        }
    }
    // Each vote event's counts are those of its votes.
    for ve in doc["vote_events"].as_array().unwrap() {
        for c in ve["counts"].as_array().unwrap() {
            let n = ve["votes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["option"] == c["option"])
                .count() as u64;
            assert_eq!(c["value"].as_u64().unwrap(), n);
        }
    }
    assert_eq!(
        doc["vote_events"][0]["votes"].as_array().unwrap().len(),
        sitting
    );

    // Akoma Ntoso and CSV: every bill in three languages, every sitting day, every vote.
    let akn = dir.path().join("akn");
    let votes_csv = dir.path().join("votes.csv");
    let out = stdout(&succeeds(
        ashyq_on(&db)
            .args(["kurultai", "export", "--akn"])
            .arg(&akn)
            .arg("--csv")
            .arg(&votes_csv),
    ));
    assert!(out.contains("Wrote 5 bills"), "{out}");
    let mut bills: Vec<String> = std::fs::read_dir(akn.join("bills"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    bills.sort();
    let mut expected: Vec<String> = (1..=5)
        .flat_map(|i| ["en", "kk", "ru"].map(|l| format!("bill-2026-00{i}.{l}.xml")))
        .collect();
    expected.sort();
    assert_eq!(bills, expected);
    let mut days: Vec<String> = doc["vote_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| format!("{}.xml", &v["start_date"].as_str().unwrap()[..10]))
        .collect();
    days.sort();
    days.dedup();
    let mut debates: Vec<String> = std::fs::read_dir(akn.join("debates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    debates.sort();
    assert_eq!(debates, days);
    // A day's debate record holds one roll call per vote of that day.
    let first_day = std::fs::read_to_string(akn.join("debates").join(&days[0])).unwrap();
    let on_first_day = doc["vote_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| format!("{}.xml", &v["start_date"].as_str().unwrap()[..10]) == days[0])
        .count();
    assert_eq!(first_day.matches("<rollCall ").count(), on_first_day);
    let files: Vec<PathBuf> = bills
        .iter()
        .map(|b| akn.join("bills").join(b))
        .chain(debates.iter().map(|d| akn.join("debates").join(d)))
        .collect();
    if schema::xmllint_available("kurultai akn export") {
        let o = std::process::Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(schema::akn_xsd())
            .args(&files)
            .output()
            .expect("xmllint runs");
        let report = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "not valid Akoma Ntoso 3.0:\n{report}");
        for f in &files {
            assert!(
                report.contains(&format!("{} validates", f.display())),
                "{} was not validated:\n{report}",
                f.display()
            );
        }
    }

    let csv = std::fs::read_to_string(&votes_csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("vote,date,motion,kind,bill,member,faction,ballot")
    );
    let mut rows_per_vote: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let number = line.split(',').next().unwrap();
        *rows_per_vote.entry(format!("vote-{number}")).or_default() += 1;
    }
    let mut ballots = 0;
    for ve in doc["vote_events"].as_array().unwrap() {
        let n = ve["votes"].as_array().unwrap().len();
        ballots += n;
        assert_eq!(
            rows_per_vote.get(ve["id"].as_str().unwrap()),
            Some(&n),
            "{}",
            ve["id"]
        );
    }
    assert_eq!(rows_per_vote.values().sum::<usize>(), ballots);
    assert_eq!(
        rows_per_vote.len(),
        doc["vote_events"].as_array().unwrap().len()
    );

    // Nothing to export is refused, naming the options.
    let o = ashyq_on(&db).args(["kurultai", "export"]).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--akn DIR"));
}
