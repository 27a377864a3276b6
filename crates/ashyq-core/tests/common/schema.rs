//! Validation against the official schemas with maintained validators: the `jsonschema` crate
//! for JSON Schema (draft-04) and `xmllint --schema` (Debian's libxml2-utils) for XSDs.
//!
//! Without xmllint the XML checks are skipped with a printed reason, except under `CI=true`,
//! where a missing xmllint fails the test (`.ci/run` installs it).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A schema file in the core's `tests/data` (this file is also included by the CLI's tests,
/// whose manifest directory is a sibling of the core's).
pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ashyq-core/tests/data")
        .join(path)
}

/// The NIST SP 1500-100 v2 XSD.
pub fn nist_xsd() -> PathBuf {
    data("nist-1500-100-v2/NIST_V2_election_results_reporting.xsd")
}

/// The Akoma Ntoso 3.0 XSD.
pub fn akn_xsd() -> PathBuf {
    data("akomantoso-3.0/akomantoso30.xsd")
}

/// The errors of a JSON report against the NIST JSON Schema (draft-04), at most 20.
pub fn nist_json_errors(report: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(data(
        "nist-1500-100-v2/NIST_V2_election_results_reporting.json",
    ))
    .expect("the NIST JSON Schema is in tests/data");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the NIST schema compiles");
    validator
        .iter_errors(report)
        .take(20)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Asserts that a JSON report is valid against the NIST JSON Schema.
pub fn assert_nist_json(report: &serde_json::Value) {
    let errors = nist_json_errors(report);
    assert!(
        errors.is_empty(),
        "not valid against the NIST JSON Schema:\n{}",
        errors.join("\n")
    );
}

/// Whether xmllint can run; under `CI=true` its absence is a failure, otherwise the caller
/// skips (and this prints why).
pub fn xmllint_available(test: &str) -> bool {
    let found = Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "xmllint is not installed (Debian: apt-get install libxml2-utils); under CI=true the XML schema checks must run"
        );
        eprintln!(
            "{test}: skipping the XSD check: xmllint is not installed (apt-get install libxml2-utils)"
        );
    }
    found
}

/// `xmllint --noout --schema XSD -` on a document: `Err` with xmllint's messages (the first
/// 40 lines) when it is not valid.
pub fn xmllint(xml: &str, xsd: &std::path::Path) -> Result<(), String> {
    let mut child = Command::new("xmllint")
        .arg("--noout")
        .arg("--huge")
        .arg("--schema")
        .arg(xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let body = xml.as_bytes().to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let out = child.wait_with_output().expect("xmllint finishes");
    writer
        .join()
        .expect("the writer thread")
        .expect("xmllint reads its input");
    if out.status.success() {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&out.stderr);
        Err(text.lines().take(40).collect::<Vec<_>>().join("\n"))
    }
}

/// Asserts that a document is valid against an XSD, when xmllint can run.
pub fn assert_valid_xml(test: &str, xml: &str, xsd: &std::path::Path) {
    if !xmllint_available(test) {
        return;
    }
    if let Err(e) = xmllint(xml, xsd) {
        panic!("not valid against {}:\n{e}", xsd.display());
    }
}
