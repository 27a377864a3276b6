//! `ashyq verify LOG --log-key K --receipt R --tree-head H`: the receipts and heads a client
//! kept, checked offline against an exported log. An honest log passes; a log that rewrote or
//! dropped an old entry — and re-sealed its chain so that it verifies on its own — fails.

use std::path::Path;

use ashyq_core::author::Author;
use ashyq_core::keys::{
    Commission, CommissionSigningKey, KeyEvent, KeyRegistered, public_key_file,
};
use ashyq_core::ledger::{Decision, Ledger};
use ashyq_core::referendum::presets;
use ashyq_core::signed::SignedProtocol;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{Event, LogEntry, LogHash, profile, scenario};
use predicates::prelude::*;

mod common;
use common::{ashyq, fails_with};

fn record(ledger: &mut Ledger, log: &mut Vec<LogEntry>, d: ashyq_core::ledger::Decided, at: &str) {
    log.push(ledger.record(d, at.into()).unwrap());
}

fn write_log(path: &Path, log: &[LogEntry]) {
    let text: String = log.iter().map(|e| e.to_json_line() + "\n").collect();
    std::fs::write(path, text).unwrap();
}

fn reseal(log: &mut [LogEntry]) {
    for i in 0..log.len() {
        let prev = if i == 0 {
            LogHash::genesis()
        } else {
            log[i - 1].hash.clone()
        };
        let e = &log[i];
        log[i] = LogEntry::seal(i as u64 + 1, prev, e.recorded_at.clone(), e.event.clone());
    }
}

fn verify(dir: &Path, log: &str) -> assert_cmd::assert::Assert {
    ashyq()
        .current_dir(dir)
        .args([
            "verify",
            log,
            "--log-key",
            "log.pub",
            "--receipt",
            "receipt.json",
            "--tree-head",
            "sth.json",
        ])
        .assert()
}

#[test]
fn kept_receipts_and_heads_catch_a_rewritten_or_shortened_log() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
    let protocols = scenario::referendum_2026(&territory, 2026).unwrap();
    let mut ledger = Ledger::new();
    let mut log = Vec::new();
    let dd = ledger.load_territory(territory).unwrap();
    record(&mut ledger, &mut log, dd, "2026-03-01T00:00:00Z");
    let dd = ledger.create_referendum(presets::kz_2026()).unwrap();
    record(&mut ledger, &mut log, dd, "2026-03-01T00:00:01Z");
    let author = Author {
        name: "test".into(),
        role: "central".into(),
    };
    let mut receipts = Vec::new();
    for (i, p) in protocols.iter().take(3).enumerate() {
        let k =
            CommissionSigningKey::from_seed(Commission::Precinct(p.precinct), &[i as u8 + 1; 32]);
        let dd = ledger
            .manage_key(KeyEvent::KeyRegistered(KeyRegistered {
                commission: k.commission().clone(),
                public_key: k.public(),
                valid_from: "2026-03-01T00:00:00Z".parse().unwrap(),
                by: Commission::Central,
                author: author.clone(),
            }))
            .unwrap();
        record(&mut ledger, &mut log, dd, "2026-03-02T00:00:00Z");
        let doc = SignedProtocol::sign(p, 1, "2026-03-15T15:30:00Z".parse().unwrap(), &k).unwrap();
        let verified = doc.verify(ledger.keys()).unwrap();
        let Decision::Record(dd) = ledger.submit_signed(&verified).unwrap() else {
            panic!("new")
        };
        record(&mut ledger, &mut log, dd, "2026-03-15T16:00:00Z");
        let seq = log.last().unwrap().seq;
        receipts.push(ledger.receipt_at(&p.referendum, p.precinct, seq).unwrap());
    }
    let log_key = CommissionSigningKey::from_seed(Commission::Central, &[42; 32]);
    std::fs::write(
        d.join("log.pub"),
        public_key_file(&Commission::Central, &log_key.public()),
    )
    .unwrap();
    // The client kept the receipt of the first protocol and the head after the last.
    let receipt = ledger.signed_receipt(&receipts[0], &log_key).unwrap();
    std::fs::write(
        d.join("receipt.json"),
        serde_json::to_string(&receipt).unwrap(),
    )
    .unwrap();
    let sth = ledger.tree_head(ledger.tree().size(), &log_key).unwrap();
    std::fs::write(d.join("sth.json"), serde_json::to_string(&sth).unwrap()).unwrap();

    write_log(&d.join("honest.jsonl"), &log);
    verify(d, "honest.jsonl")
        .success()
        .stdout(predicate::str::contains("as the server promised"))
        .stdout(predicate::str::contains("are the ones the server signed"));

    // The first protocol's numbers rewritten (its signature dropped, which an unsigned entry
    // allows), the chain re-sealed: the log verifies on its own, but not against what was kept.
    let target = usize::try_from(receipts[0].seq - 1).unwrap();
    let mut rewritten = log.clone();
    if let Event::ProtocolAccepted {
        protocol,
        protocol_hash,
        signature,
        ..
    } = &mut rewritten[target].event
    {
        protocol.lines.yes -= 7;
        protocol.lines.no += 7;
        *protocol_hash = protocol.content_hash();
        *signature = None;
    } else {
        panic!("entry {target} is the first protocol");
    }
    reseal(&mut rewritten);
    write_log(&d.join("rewritten.jsonl"), &rewritten);
    ashyq()
        .current_dir(d)
        .args(["verify", "rewritten.jsonl"])
        .assert()
        .success();
    verify(d, "rewritten.jsonl")
        .failure()
        .stdout(predicate::str::contains("FAILED"))
        .stdout(predicate::str::contains("rewritten, dropped or reordered"));

    // The last entry dropped: shorter than the head that was kept.
    let mut shortened = log.clone();
    shortened.pop();
    write_log(&d.join("short.jsonl"), &shortened);
    verify(d, "short.jsonl")
        .failure()
        .stdout(predicate::str::contains("cut short"));

    // A receipt that was altered does not pass either.
    let mut forged = receipt.clone();
    forged.receipt.leaf_index += 1;
    std::fs::write(
        d.join("receipt.json"),
        serde_json::to_string(&forged).unwrap(),
    )
    .unwrap();
    verify(d, "honest.jsonl")
        .failure()
        .stdout(predicate::str::contains("signature does not verify"));
    // Without the log key, a clear error.
    fails_with(
        ashyq()
            .current_dir(d)
            .args(["verify", "honest.jsonl", "--receipt", "receipt.json"]),
        "--log-key",
    );
}
