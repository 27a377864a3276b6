//! `ashyq downloads` and `ashyq verify-download`: every dataset of the demo at one head, each
//! signed by the log's key in a sidecar, checked offline; a changed file or a forged statement
//! is refused; the DCAT catalogue lists each file with its true size and SHA-256.

use ashyq_store::testing::TestDb;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;
use common::{ashyq, ashyq_on, stderr, stdout, succeeds};

#[path = "../../ashyq-core/tests/common/schema.rs"]
#[allow(dead_code)]
mod schema;

#[test]
fn every_dataset_is_signed_listed_in_the_catalogue_and_checked_offline() {
    let db = TestDb::sqlite();
    succeeds(ashyq_on(&db).args(["demo", "--instant", "--no-serve"]));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let key = dir.path().join("log.key");
    succeeds(
        ashyq_on(&db)
            .arg("downloads")
            .arg("--out")
            .arg(&out)
            .arg("--log-key-file")
            .arg(&key),
    );
    let public = dir.path().join("log.key.pub");
    let catalogue: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("catalog.jsonld")).unwrap())
            .unwrap();
    assert_eq!(catalogue["@type"], "dcat:Catalog");
    let distributions = catalogue["dcat:dataset"][0]["dcat:distribution"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = distributions
        .iter()
        .map(|d| d["dcat:downloadURL"]["@id"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "kurultai-2026-seats.json",
            "kurultai-2026-results.nist.json",
            "kurultai-2026-results.nist.xml",
            "kz-2026-results.json",
            "kz-2026-results.csv",
            "kz-2026-results.nist.json",
            "kz-2026-results.nist.xml",
            "kurultai-popolo.json",
            "kurultai-votes.csv",
            "log.jsonl"
        ]
    );
    let mut head = None;
    for d in distributions {
        let name = d["dcat:downloadURL"]["@id"].as_str().unwrap();
        let path = out.join(name);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            d["dcat:byteSize"]["@value"],
            bytes.len().to_string(),
            "{name}"
        );
        assert_eq!(
            d["spdx:checksum"]["spdx:checksumValue"],
            hex(&Sha256::digest(&bytes)),
            "{name}"
        );
        let o = succeeds(
            ashyq()
                .arg("verify-download")
                .arg(&path)
                .arg("--log-key")
                .arg(&public),
        );
        assert!(stdout(&o).starts_with("OK:"), "{name}: {}", stdout(&o));
        let sig: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("{name}.sig.json"))).unwrap(),
        )
        .unwrap();
        let seq = sig["statement"]["log_seq"].as_u64().unwrap();
        assert_eq!(
            *head.get_or_insert(seq),
            seq,
            "every file reflects the same head"
        );
    }
    // The head is the log's last entry, and the log verifies.
    let log = std::fs::read_to_string(out.join("log.jsonl")).unwrap();
    assert_eq!(log.lines().count() as u64, head.unwrap());
    succeeds(ashyq().arg("verify").arg(out.join("log.jsonl")));
    let nist: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("kz-2026-results.nist.json")).unwrap(),
    )
    .unwrap();
    schema::assert_nist_json(&nist);
    let party: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("kurultai-2026-results.nist.json")).unwrap(),
    )
    .unwrap();
    schema::assert_nist_json(&party);

    // `ashyq serve` on the same database and key serves the same files at the same head.
    same_files_served(&db, &key, &out);

    // A changed file, a forged statement, another key: each refused, saying which.
    let csv = out.join("kz-2026-results.csv");
    let mut bytes = std::fs::read(&csv).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'1' { b'2' } else { b'1' };
    std::fs::write(&csv, &bytes).unwrap();
    let o = ashyq()
        .arg("verify-download")
        .arg(&csv)
        .arg("--log-key")
        .arg(&public)
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(
        stderr(&o).contains("changed after publication"),
        "{}",
        stderr(&o)
    );

    let json = out.join("kz-2026-results.json");
    let sig_path = out.join("kz-2026-results.json.sig.json");
    let mut sig: Value =
        serde_json::from_str(&std::fs::read_to_string(&sig_path).unwrap()).unwrap();
    sig["statement"]["log_seq"] = 1.into();
    std::fs::write(&sig_path, sig.to_string()).unwrap();
    let o = ashyq()
        .arg("verify-download")
        .arg(&json)
        .arg("--log-key")
        .arg(&public)
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
}

/// Starts `ashyq serve` on `db` with the log key `key`, and checks that `/api/v1/downloads`
/// lists, at the same head, each file `ashyq downloads` wrote to `out` with the same size and
/// SHA-256, and serves those bytes.
fn same_files_served(db: &TestDb, key: &std::path::Path, out: &std::path::Path) {
    let server = common::serving::serve(&db.url, key, &[]);
    let base = server.base.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let get = |path: &str| {
        rt.block_on(async {
            let r = reqwest::get(format!("{base}{path}")).await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            r.bytes().await.unwrap()
        })
    };
    let doc: Value = serde_json::from_slice(&get("/api/v1/downloads")).unwrap();
    let listed = doc["files"].as_array().unwrap();
    assert_eq!(listed.len(), 10);
    for f in listed {
        let name = f["name"].as_str().unwrap();
        let sig: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("{name}.sig.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(f["sha256"], sig["statement"]["sha256"], "{name}");
        assert_eq!(f["size"], sig["statement"]["size"], "{name}");
        assert_eq!(doc["log_seq"], sig["statement"]["log_seq"], "{name}");
        let bytes = get(f["url"].as_str().unwrap());
        assert_eq!(
            bytes.as_ref(),
            std::fs::read(out.join(name)).unwrap(),
            "{name}"
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
