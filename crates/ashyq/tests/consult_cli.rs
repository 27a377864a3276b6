//! The consultation commands, run as a user would.

mod common;
use common::{ashyq, ashyq_on, succeeds};

#[test]
fn demo_writes_a_log_that_verifies_and_minutes() {
    let dir = tempfile::tempdir().unwrap();
    succeeds(ashyq().args(["consult", "demo", "--out"]).arg(dir.path()));
    let minutes = std::fs::read_to_string(dir.path().join("minutes-1.md")).unwrap();
    assert!(minutes.contains("of 130 members; quorum 87"), "{minutes}");
    let v = ashyq()
        .args(["consult", "verify"])
        .arg(dir.path().join("consult-log.jsonl"))
        .output()
        .unwrap();
    assert!(v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).contains("decisions"));
    // A changed log is refused, naming the entry.
    let log = std::fs::read_to_string(dir.path().join("consult-log.jsonl")).unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, log.replacen("пяти тысяч", "десяти тысяч", 1)).unwrap();
    let v = ashyq()
        .args(["consult", "verify"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!v.status.success());
    assert!(String::from_utf8_lossy(&v.stderr).contains("log entry"));
}

#[test]
fn act_converts_through_akoma_ntoso_and_compares() {
    let dir = tempfile::tempdir().unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../ashyq-core/data/");
    let mut files = Vec::new();
    for lang in ["kk", "ru", "en"] {
        let out = ashyq()
            .args([
                "act",
                "convert",
                &format!("{data}sample-act-v2.md"),
                "--to",
                "akn",
                "--lang",
                lang,
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let f = dir.path().join(format!("v2.{lang}.xml"));
        std::fs::write(&f, &out.stdout).unwrap();
        files.push(f);
    }
    let md = succeeds(ashyq().args(["act", "convert"]).args(&files));
    let back = dir.path().join("v2.md");
    std::fs::write(&back, &md.stdout).unwrap();
    let cmp = ashyq()
        .args(["act", "compare", &format!("{data}sample-act-v2.md")])
        .arg(&back)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&cmp.stdout).contains("0 of 9 articles changed"));
    let cmp = ashyq()
        .args([
            "act",
            "compare",
            &format!("{data}sample-act-v1.md"),
            &format!("{data}sample-act-v2.md"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&cmp.stdout);
    assert!(text.contains("split") && text.contains("merged"), "{text}");
    let bad = dir.path().join("bad.md");
    std::fs::write(&bad, "# Article 1\n").unwrap();
    let e = ashyq().args(["act", "convert"]).arg(&bad).output().unwrap();
    assert!(String::from_utf8_lossy(&e.stderr).contains("front matter"));
}

#[test]
fn bench_consult_runs_small_and_ends_with_json() {
    let out = ashyq()
        .args([
            "bench",
            "consult",
            "--proposals",
            "500",
            "--sample",
            "200",
            "--queries",
            "20",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["bench"], "consult");
    assert_eq!(v["proposals"], 500);
    assert!(v["recall"].as_f64().unwrap() <= 1.0);
}

#[test]
fn acts_are_imported_into_the_database_once_and_the_log_exports_and_verifies() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../ashyq-core/data/");
    for db in ashyq_store::testing::backends() {
        let b = db.backend();
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| ashyq_on(&db).args(args).output().unwrap();
        let v1 = format!("{data}sample-act-v1.md");
        let out = run(&["act", "import", &v1]);
        assert!(
            out.status.success(),
            "{b}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("stored as version 1"));
        let out = run(&["act", "import", &v1]);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("nothing changed"),
            "{b}"
        );
        let out = run(&[
            "act",
            "import",
            &format!("{data}sample-act-v2.md"),
            "--open",
        ]);
        assert!(out.status.success(), "{b}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Opened for proposals"));
        // Another text under a label already used is refused, saying what to do.
        let changed = dir.path().join("v1-changed.md");
        std::fs::write(
            &changed,
            std::fs::read_to_string(&v1)
                .unwrap()
                .replace("Земля и ее недра", "Земля, воды и недра"),
        )
        .unwrap();
        let out = run(&["act", "import", changed.to_str().unwrap()]);
        assert!(!out.status.success(), "{b}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("another version label"),
            "{b}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = dir.path().join("consult.jsonl");
        let out = run(&["consult", "export", "--log", log.to_str().unwrap()]);
        assert!(out.status.success(), "{b}");
        let v = ashyq()
            .args(["consult", "verify"])
            .arg(&log)
            .output()
            .unwrap();
        assert!(v.status.success(), "{b}");
        assert!(String::from_utf8_lossy(&v.stdout).contains("verified 1 entries"));
    }
}

#[test]
fn a_citizen_reference_is_printed_in_full_for_the_moderators_list() {
    let out = succeeds(
        ashyq()
            .args([
                "consult",
                "citizen-ref",
                "--issuer",
                "https://idp.example",
                "--subject",
                "s-1",
            ])
            .env("ASHYQ_DIGEST_KEY", "5a".repeat(32)),
    );
    let hex = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(hex.len(), 64);
    assert!(!hex.contains("s-1"));
}
