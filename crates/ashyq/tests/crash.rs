//! Crash safety of `ashyq serve`: the server is killed with SIGKILL in the middle of a load of
//! signed protocols, then started again on the same database and log key. Every protocol for
//! which a receipt was returned is in the log at the receipt's place, the log verifies, the
//! projection holds exactly what the log applied (nothing half-applied), and a client that
//! sends the same document again gets the same receipt — on SQLite and on PostgreSQL.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ashyq_core::transparency::{ConsistencyProof, SignedReceipt, SignedTreeHead};
use ashyq_store::Store;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing;
use common::serving::{get_json as get, post_protocol as post, prepare_night, serve};
use serde_json::Value;

/// Protocols in the load.
const LOAD: usize = 2_000;
/// Receipts to collect before the kill.
const KILL_AFTER: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_receipted_protocol_and_half_applies_nothing() {
    for db in testing::backends() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("log.key");
        let night = prepare_night(&db.url, &key_file, LOAD).await;
        let (public, def) = (night.log_public, night.def.clone());
        let bodies: Arc<Vec<String>> = Arc::new(night.bodies);

        // Load, and SIGKILL once enough receipts have come back.
        let mut server = serve(&db.url, &key_file, &[]);
        let base = server.base.clone();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let next = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (http, base, bodies, next, received) = (
                http.clone(),
                base.clone(),
                bodies.clone(),
                next.clone(),
                received.clone(),
            );
            tasks.spawn(async move {
                let mut receipts = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { break };
                    match post(&http, &base, body).await {
                        Ok((200, receipt)) => {
                            receipts.push((i, receipt));
                            received.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, problem)) => {
                            panic!("protocol {i} refused with {status}: {problem}")
                        }
                        // The server is gone.
                        Err(_) => break,
                    }
                }
                receipts
            });
        }
        while received.load(Ordering::Relaxed) < KILL_AFTER {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill();
        let mut receipts = Vec::new();
        while let Some(done) = tasks.join_next().await {
            receipts.extend(done.unwrap());
        }
        assert!(receipts.len() >= KILL_AFTER);
        assert!(
            receipts.len() < LOAD,
            "the load finished before the kill; nothing was interrupted ({:?})",
            db.url.split(':').next()
        );

        // Started again on the same database and key.
        let mut server = serve(&db.url, &key_file, &[]);
        let base = server.base.clone();
        let applied_after_restart: usize;
        {
            // Nothing half-applied: the projection holds exactly what the log applied.
            let store = Store::open(&db.url).await.unwrap();
            let projected = store.current_protocols("kz-2026").await.unwrap();
            let registrar =
                Registrar::with_store(store.clone(), ashyq_store::registrar::system_clock())
                    .await
                    .unwrap();
            applied_after_restart = {
                let ledger = registrar.ledger();
                let applied: Vec<_> = ledger.applied_protocols(&def.id).unwrap().collect();
                assert_eq!(projected.len(), applied.len());
                for (row, a) in projected.iter().zip(&applied) {
                    assert_eq!(
                        (row.0.precinct, &row.1, row.2),
                        (a.protocol.precinct, &a.protocol_hash, a.receipt.seq)
                    );
                }
                applied.len()
            };
            store.close().await;
        }
        assert!(applied_after_restart >= receipts.len());

        // Every receipted protocol is at its receipt's place in the log.
        for (i, r) in &receipts {
            let receipt: SignedReceipt = serde_json::from_value(r.clone()).unwrap();
            receipt.verify(&public).unwrap();
            let seq = receipt.receipt.leaf_index + 1;
            let entries = get(
                &http,
                format!("{base}/api/v1/log/entries?start={seq}&end={seq}"),
            )
            .await;
            assert_eq!(
                entries[0]["hash"],
                Value::String(receipt.receipt.entry_hash.0.clone()),
                "protocol {i}"
            );
        }

        // Sending everything again: the receipted ones get their very receipt, the rest are
        // accepted now.
        let mut again = std::collections::HashMap::new();
        for (i, body) in bodies.iter().enumerate() {
            let (status, receipt) = post(&http, &base, body).await.unwrap();
            assert_eq!(status, 200, "{receipt}");
            again.insert(i, receipt);
        }
        for (i, r) in &receipts {
            assert_eq!(
                &again[i], r,
                "protocol {i} got another receipt after the restart"
            );
        }

        // The log verifies offline, and the heads the clients saw are extended by today's.
        let text = http
            .get(format!("{base}/api/v1/log"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let report = ashyq_core::verify::verify_log(&text).unwrap();
        let final_head: SignedTreeHead =
            serde_json::from_value(get(&http, format!("{base}/api/v1/log/head")).await).unwrap();
        assert_eq!(report.entries, final_head.head.tree_size);
        let (_, any) = &receipts[0];
        let seen: SignedReceipt = serde_json::from_value(any.clone()).unwrap();
        let old = &seen.receipt.tree_head;
        let proof: ConsistencyProof = serde_json::from_value(
            get(
                &http,
                format!(
                    "{base}/api/v1/log/proofs/consistency?first={}&second={}",
                    old.head.tree_size, final_head.head.tree_size
                ),
            )
            .await,
        )
        .unwrap();
        ashyq_core::transparency::verify_tree_heads_consistent(old, &final_head, &proof, &public)
            .unwrap();
        let results = get(&http, format!("{base}/api/v1/referendums/kz-2026/results")).await;
        assert_eq!(results["precincts_reported"], LOAD);

        server.kill();
    }
}
