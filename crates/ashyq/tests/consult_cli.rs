//! The consultation commands, run as a user would.

use assert_cmd::Command;

fn ashyq() -> Command {
    Command::cargo_bin("ashyq").unwrap()
}

#[test]
fn demo_writes_a_log_that_verifies_and_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let out = ashyq()
        .args(["consult", "demo", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    let md = ashyq()
        .args(["act", "convert"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        md.status.success(),
        "{}",
        String::from_utf8_lossy(&md.stderr)
    );
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
