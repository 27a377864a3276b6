//! Commission keys, signed protocols and the offline transparency checks, end to end through
//! the `ashyq` binary. No database: these commands work on files only.

use std::path::{Path, PathBuf};

use ashyq_core::chain::LogHash;
use ashyq_core::keys::{CommissionSigningKey, read_public_key_file};
use ashyq_core::merkle::{self, MerkleTree};
use ashyq_core::receipt::{Receipt, ReceiptStatus};
use ashyq_core::signed::{SignedPresidentialProtocol, SignedProtocol};
use ashyq_core::transparency::{ConsistencyProof, InclusionProof, SignedReceipt, SignedTreeHead};
use chrono::{DateTime, Utc};
use predicates::prelude::*;

mod common;
use common::{ashyq, fails_with};

const PROTOCOL: &str = r#"{"referendum": "kz-2026", "precinct": 17, "lines": {
  "voters_on_list": 1000, "voters_added_on_day": 10, "voters_added_absentee": 5,
  "absentee_certificates_issued": 3, "ballots_received": 1000, "ballots_issued": 800,
  "ballots_cancelled": 200, "ballots_found": 800, "yes": 700, "no": 80,
  "both_marked": 5, "invalid": 15}}"#;

/// `ashyq keys generate` of `commission`'s key files into `dir`.
fn keys_generate(dir: &Path, commission: &str) -> assert_cmd::Command {
    let mut cmd = ashyq();
    cmd.args(["keys", "generate", "--out-dir"])
        .arg(dir)
        .args(["--commission", commission]);
    cmd
}

/// [`keys_generate`], which must succeed.
fn generate(dir: &Path, commission: &str) {
    keys_generate(dir, commission)
        .assert()
        .success()
        .stdout(predicate::str::contains("key id:"));
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

#[test]
fn generate_writes_a_private_secret_key_and_never_overwrites_it() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), "precinct:17");
    let secret = dir.path().join("precinct-17.key");
    let public = dir.path().join("precinct-17.pub");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key =
        CommissionSigningKey::from_key_file(&std::fs::read_to_string(&secret).unwrap()).unwrap();
    let (commission, public_key) =
        read_public_key_file(&std::fs::read_to_string(&public).unwrap()).unwrap();
    assert_eq!(commission.to_string(), "precinct:17");
    assert_eq!(public_key, key.public());

    let before = std::fs::read(&secret).unwrap();
    fails_with(
        &mut keys_generate(dir.path(), "precinct:17"),
        "never overwritten",
    );
    assert_eq!(std::fs::read(&secret).unwrap(), before);

    fails_with(
        &mut keys_generate(dir.path(), "precinct:seventeen"),
        "precinct:17",
    );
}

#[test]
fn sign_produces_a_document_that_verifies_with_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), "precinct:17");
    generate(dir.path(), "precinct:18");
    let protocol = dir.path().join("precinct-17.json");
    std::fs::write(&protocol, PROTOCOL).unwrap();
    let out = dir.path().join("signed.json");
    // `ashyq protocol sign` of the file `protocol` with the key file `key` of `dir`.
    let sign = |key: &str, protocol: &Path| {
        let mut cmd = ashyq();
        cmd.args(["protocol", "sign", "--key"])
            .arg(dir.path().join(key))
            .arg("--protocol")
            .arg(protocol);
        cmd
    };
    sign("precinct-17.key", &protocol)
        .args([
            "--version",
            "2",
            "--signed-at",
            "2026-03-15T20:30:00+05:00",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("document hash"));
    let doc = SignedProtocol::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let (_, public) =
        read_public_key_file(&std::fs::read_to_string(dir.path().join("precinct-17.pub")).unwrap())
            .unwrap();
    let verified = doc.verify_with(&public).unwrap();
    assert_eq!(verified.protocol().precinct.0, 17);
    assert_eq!(doc.statement.version, 2);
    assert_eq!(doc.statement.signed_at, at("2026-03-15T15:30:00Z"));
    // The secret key never reaches the output.
    let secret = std::fs::read_to_string(dir.path().join("precinct-17.key")).unwrap();
    let pem_body = secret.lines().nth(4).unwrap();
    assert!(!std::fs::read_to_string(&out).unwrap().contains(pem_body));

    // Another precinct's key, a bad time, and a file with two protocols are refused.
    fails_with(
        &mut sign("precinct-18.key", &protocol),
        "sign with that precinct's key",
    );
    fails_with(
        sign("precinct-17.key", &protocol).args(["--signed-at", "yesterday"]),
        "RFC 3339",
    );
    let two = dir.path().join("two.json");
    std::fs::write(&two, format!("[{PROTOCOL}, {PROTOCOL}]")).unwrap();
    fails_with(&mut sign("precinct-17.key", &two), "exactly one");

    // A presidential round's protocol (JSON with `election`) is signed as its own kind.
    let president = dir.path().join("president-17.json");
    std::fs::write(&president, PRESIDENTIAL).unwrap();
    let out = dir.path().join("president.signed.json");
    sign("precinct-17.key", &president)
        .args(["--signed-at", "2029-11-25T21:00:00+05:00", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("ashyq-signed-presidential-protocol/1"),
        "{text}"
    );
    let doc = SignedPresidentialProtocol::parse(&text).unwrap();
    let verified = doc.verify_with(&public).unwrap();
    assert_eq!(verified.protocol().votes[1].candidate, "Bolat");
    assert!(SignedProtocol::parse(&text).is_err(), "not a referendum's");
    fails_with(
        &mut sign("precinct-18.key", &president),
        "sign with that precinct's key",
    );
}

const PRESIDENTIAL: &str = r#"{"election": "president-2029", "precinct": 17,
  "ballots": {"voters_on_list": 1000, "voters_added_on_day": 10, "voters_added_absentee": 5,
    "absentee_certificates_issued": 3, "ballots_received": 1000, "ballots_issued": 800,
    "ballots_cancelled": 200, "ballots_found": 800},
  "votes": [{"candidate": "Aigerim", "votes": 500}, {"candidate": "Bolat", "votes": 250}],
  "against_all": 35, "invalid": 15}"#;

/// A log of `n` entries kept by a server whose key is in `dir/central.key`, a receipt for
/// entry `index`, written to files; returns (tree, entries, server key).
fn server_log(dir: &Path, n: u64, index: u64) -> (MerkleTree, Vec<LogHash>, CommissionSigningKey) {
    generate(dir, "central");
    generate(dir, "precinct:17");
    let server = CommissionSigningKey::from_key_file(
        &std::fs::read_to_string(dir.join("central.key")).unwrap(),
    )
    .unwrap();
    let precinct = CommissionSigningKey::from_key_file(
        &std::fs::read_to_string(dir.join("precinct-17.key")).unwrap(),
    )
    .unwrap();
    let entries: Vec<LogHash> = (0..n)
        .map(|i| LogHash(format!("{:064x}", i + 1000)))
        .collect();
    let tree =
        MerkleTree::from_leaf_hashes(entries.iter().map(|e| merkle::entry_leaf_hash(e).unwrap()));
    let protocol = ashyq_core::protocol::parse_json(PROTOCOL)
        .unwrap()
        .remove(0);
    let doc = SignedProtocol::sign(&protocol, 1, at("2026-03-15T20:30:00Z"), &precinct).unwrap();
    let verified = doc.verify_with(&precinct.public()).unwrap();
    let head = SignedTreeHead::sign(
        index + 1,
        tree.root_at(index + 1).unwrap(),
        at("2026-03-15T20:30:01Z"),
        &server,
    )
    .unwrap();
    let recorded = Receipt {
        status: ReceiptStatus::Accepted,
        referendum: protocol.referendum.clone(),
        precinct: protocol.precinct,
        protocol_hash: protocol.content_hash(),
        seq: index + 1,
        entry_hash: entries[index as usize].clone(),
        warnings: Vec::new(),
        signature: Some(verified.signature_record()),
    };
    let receipt = SignedReceipt::sign(&recorded, head, &server).unwrap();
    write_json(&dir.join("receipt.json"), &receipt);
    (tree, entries, server)
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> PathBuf {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.to_owned()
}

/// The inclusion proof of leaf `index` in the first `size` entries of `tree`, written to `path`.
fn inclusion_file(path: &Path, tree: &MerkleTree, index: u64, size: u64) -> PathBuf {
    let hashes = tree.inclusion_proof(index, size).unwrap();
    write_json(
        path,
        &InclusionProof {
            leaf_index: index,
            tree_size: size,
            hashes,
        },
    )
}

/// The consistency proof of `tree` between sizes `first` and `second`, written to `path`.
fn consistency_file(path: &Path, tree: &MerkleTree, first: u64, second: u64) -> PathBuf {
    let hashes = tree.consistency_proof(first, second).unwrap();
    write_json(
        path,
        &ConsistencyProof {
            first_size: first,
            second_size: second,
            hashes,
        },
    )
}

/// `ashyq verify-receipt` with the log key and receipt files `key` and `receipt` of `d`, the
/// inclusion proof `proof` and, if given, the tree head `head`.
fn verify_receipt(
    d: &Path,
    key: &str,
    receipt: &str,
    proof: &Path,
    head: Option<&Path>,
) -> assert_cmd::assert::Assert {
    let mut cmd = ashyq();
    cmd.args(["verify-receipt", "--log-key"])
        .arg(d.join(key))
        .arg("--receipt")
        .arg(d.join(receipt))
        .arg("--proof")
        .arg(proof);
    if let Some(head) = head {
        cmd.arg("--head").arg(head);
    }
    cmd.assert()
}

/// `ashyq verify-consistency` of the tree heads `older` and `newer` with `proof`, under the
/// log key `central.pub` of `d`.
fn verify_consistency(
    d: &Path,
    older: &Path,
    newer: &Path,
    proof: &Path,
) -> assert_cmd::assert::Assert {
    ashyq()
        .args(["verify-consistency", "--log-key"])
        .arg(d.join("central.pub"))
        .arg("--older")
        .arg(older)
        .arg("--newer")
        .arg(newer)
        .arg("--proof")
        .arg(proof)
        .assert()
}

#[test]
fn a_receipt_checks_offline_against_its_own_and_a_later_tree_head() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (tree, _, server) = server_log(d, 30, 11);
    let own = inclusion_file(&d.join("proof-own.json"), &tree, 11, 12);
    verify_receipt(d, "central.pub", "receipt.json", &own, None)
        .success()
        .stdout(predicate::str::contains("is entry 12 of the log"));

    let later = SignedTreeHead::sign(30, tree.root(), at("2026-03-15T21:00:00Z"), &server).unwrap();
    let later = write_json(&d.join("sth-30.json"), &later);
    let proof = inclusion_file(&d.join("proof-30.json"), &tree, 11, 30);
    verify_receipt(d, "central.pub", "receipt.json", &proof, Some(&later))
        .success()
        .stdout(predicate::str::contains("tree of size 30"));

    // The proof for the other head, and a key that is not the log's, fail with status 1.
    verify_receipt(d, "central.pub", "receipt.json", &own, Some(&later))
        .code(1)
        .stderr(predicate::str::contains("fetch the proof for this receipt"));
    verify_receipt(d, "precinct-17.pub", "receipt.json", &own, None)
        .code(1)
        .stderr(predicate::str::contains("right log key"));
    // A malformed receipt is named.
    std::fs::write(d.join("bad.json"), "{\"receipt\": 1}").unwrap();
    verify_receipt(d, "central.pub", "bad.json", &own, None)
        .failure()
        .stderr(predicate::str::contains("receipt file is malformed"));
}

#[test]
fn a_server_that_rewrites_an_old_entry_is_caught_offline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (tree, mut entries, server) = server_log(d, 30, 11);
    let older = SignedTreeHead::sign(
        12,
        tree.root_at(12).unwrap(),
        at("2026-03-15T20:30:01Z"),
        &server,
    )
    .unwrap();
    let older = write_json(&d.join("sth-12.json"), &older);

    // Honest growth: consistent.
    let newer = SignedTreeHead::sign(30, tree.root(), at("2026-03-15T21:00:00Z"), &server).unwrap();
    let newer = write_json(&d.join("sth-30.json"), &newer);
    let proof = consistency_file(&d.join("consistency.json"), &tree, 12, 30);
    verify_consistency(d, &older, &newer, &proof)
        .success()
        .stdout(predicate::str::contains("extends the log of size 12"));

    // The server rewrites entry 5 and signs a new head over the forged log.
    entries[5] = LogHash(format!("{:064x}", 666));
    let forged =
        MerkleTree::from_leaf_hashes(entries.iter().map(|e| merkle::entry_leaf_hash(e).unwrap()));
    let forged_head =
        SignedTreeHead::sign(30, forged.root(), at("2026-03-15T22:00:00Z"), &server).unwrap();
    let forged_head = write_json(&d.join("sth-forged.json"), &forged_head);
    let forged_proof = consistency_file(&d.join("consistency-forged.json"), &forged, 12, 30);
    verify_consistency(d, &older, &forged_head, &forged_proof)
        .code(1)
        .stderr(predicate::str::contains("NOT CONSISTENT"));
    // Heads in the wrong order are explained.
    verify_consistency(d, &newer, &older, &proof)
        .code(1)
        .stderr(predicate::str::contains(
            "fetch the proof for these two heads",
        ));
}
