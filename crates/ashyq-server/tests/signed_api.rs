//! Signed protocols over HTTP, commission keys, operators and the transparency log, against
//! the real server on a random loopback port, on each database.

use std::net::SocketAddr;
use std::sync::Arc;

use ashyq_core::keys::{Commission, CommissionPublicKey, CommissionSigningKey};
use ashyq_core::operator::{Role, TerritorialScope};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::signed::SignedProtocol;
use ashyq_core::territory::{PrecinctId, RegionCode, Territory};
use ashyq_core::transparency::{
    ConsistencyProof, InclusionProof, SignedReceipt, SignedTreeHead, verify_receipt_inclusion,
    verify_tree_heads_consistent,
};
use ashyq_core::{Event, LogEntry};
use ashyq_server::ServerConfig;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::{self, TestDb};
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";

mod common;

/// The server with `log_key`, without a rate limit: the tests make many requests.
async fn spawn(registrar: Arc<Registrar>, log_key: CommissionSigningKey) -> SocketAddr {
    let config = ServerConfig {
        rate_limit: None,
        ..ServerConfig::with_log_key(log_key)
    };
    common::spawn_with(registrar, config).await
}

fn key(commission: &str, seed: u8) -> CommissionSigningKey {
    CommissionSigningKey::from_seed(Commission::parse(commission).unwrap(), &[seed; 32])
}

/// A server over `db` with the kz territory and kz-2026, a central operator `cec`, an
/// observer `watcher` and a territorial operator `region-op` for the first region.
struct World {
    base: String,
    registrar: Arc<Registrar>,
    protocols: Vec<PrecinctProtocol>,
    territory: Territory,
    log_key: CommissionSigningKey,
    http: reqwest::Client,
}

impl World {
    async fn new(db: &TestDb) -> World {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (territory, protocols) = common::kz_2026(&registrar, 7).await;
        let first_region = territory.regions[0].code.clone();
        common::operators(
            &registrar,
            PASSWORD,
            &[
                ("cec", Role::CentralOperator),
                ("watcher", Role::Observer),
                (
                    "region-op",
                    Role::TerritorialOperator {
                        scope: TerritorialScope::Region(first_region),
                    },
                ),
            ],
        )
        .await;
        let log_key = key("central", 200);
        let addr = spawn(registrar.clone(), key("central", 200)).await;
        World {
            base: format!("http://{addr}"),
            registrar,
            protocols,
            territory,
            log_key,
            http: reqwest::Client::new(),
        }
    }

    /// The key of the precinct of the `i`-th scenario protocol.
    fn pkey(&self, i: usize, seed: u8) -> CommissionSigningKey {
        key(&format!("precinct:{}", self.protocols[i].precinct.0), seed)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn sign_in(&self, name: &str) -> String {
        let res = self
            .http
            .post(self.url("/api/v1/session"))
            .json(&json!({"name": name, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        let body: Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// `GET /api/v1/session` with `token`.
    async fn whoami(&self, token: &str) -> reqwest::Response {
        self.get_as(token, "/api/v1/session").await
    }

    /// `GET path` with `token`.
    async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = self.http.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            assert_eq!(ct.as_deref(), Some("application/problem+json"), "{body}");
        }
        (status, body)
    }

    async fn get(&self, path: &str) -> Value {
        let res = self.http.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.json().await.unwrap()
    }

    async fn register_precinct_key(
        &self,
        token: &str,
        k: &CommissionSigningKey,
    ) -> (StatusCode, Value) {
        self.post(
            "/api/v1/keys",
            Some(token),
            json!({"action": "register", "commission": k.commission().to_string(),
                   "public_key": k.public().to_hex(), "valid_from": "2026-03-01T00:00:00Z"}),
        )
        .await
    }

    fn sign(
        &self,
        i: usize,
        version: u64,
        yes_delta: i64,
        k: &CommissionSigningKey,
    ) -> SignedProtocol {
        let mut p = self.protocols[i].clone();
        let delta = yes_delta.unsigned_abs();
        if yes_delta < 0 {
            p.lines.yes -= delta;
            p.lines.no += delta;
        }
        SignedProtocol::sign(&p, version, Utc::now() - TimeDelta::minutes(1), k).unwrap()
    }

    async fn submit(&self, doc: &SignedProtocol) -> (StatusCode, Value) {
        let res = self
            .http
            .post(self.url("/api/v1/referendums/kz-2026/protocols"))
            .header("content-type", "application/json")
            .body(serde_json::to_string(doc).unwrap())
            .send()
            .await
            .unwrap();
        (res.status(), res.json().await.unwrap())
    }
}

#[tokio::test]
async fn signed_protocols_get_receipts_that_check_offline() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let cec = w.sign_in("cec").await;
        let p0 = w.protocols[0].precinct;
        let k0 = w.pkey(0, 1);

        // Without a registered key the document is refused, and nothing is recorded.
        let doc = w.sign(0, 1, 0, &k0);
        let (status, body) = w.submit(&doc).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["detail"].as_str().unwrap().contains("not registered"),
            "{body}"
        );

        // The CEC registers the precinct's key; the log records it.
        let (status, body) = w.register_precinct_key(&cec, &k0).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "current");
        let keys = w
            .get(&format!("/api/v1/keys?commission=precinct:{}", p0.0))
            .await;
        assert_eq!(keys.as_array().unwrap().len(), 1);

        // Accepted, with a receipt signed by the log.
        let (status, receipt) = w.submit(&doc).await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
        let receipt: SignedReceipt = serde_json::from_value(receipt).unwrap();
        assert_eq!(receipt.receipt.version, Some(1));
        let log_key = w.get("/api/v1/log/key").await;
        let public =
            CommissionPublicKey::from_hex(log_key["public_key"].as_str().unwrap()).unwrap();
        assert_eq!(public, w.log_key.public());
        receipt.verify(&public).unwrap();

        // The same document again: byte-for-byte the same receipt, nothing new in the log.
        let size = w.registrar.ledger().tree().size();
        let (status, again) = w.submit(&doc).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_value::<SignedReceipt>(again).unwrap(),
            receipt
        );
        assert_eq!(w.registrar.ledger().tree().size(), size);

        // Its inclusion checks offline against its own head and the current one.
        let own = &receipt.receipt.tree_head;
        let head: SignedTreeHead = serde_json::from_value(w.get("/api/v1/log/head").await).unwrap();
        for h in [own, &head] {
            let proof: InclusionProof = serde_json::from_value(
                w.get(&format!(
                    "/api/v1/log/proofs/inclusion?leaf_index={}&tree_size={}",
                    receipt.receipt.leaf_index, h.head.tree_size
                ))
                .await,
            )
            .unwrap();
            verify_receipt_inclusion(&receipt, &proof, h, &public).unwrap();
        }
        // Another precinct's protocol later; the old head is consistent with the new one.
        let k1 = w.pkey(1, 2);
        assert_eq!(
            w.register_precinct_key(&cec, &k1).await.0,
            StatusCode::CREATED
        );
        assert_eq!(w.submit(&w.sign(1, 1, 0, &k1)).await.0, StatusCode::OK);
        let later: SignedTreeHead =
            serde_json::from_value(w.get("/api/v1/log/head").await).unwrap();
        assert!(later.head.tree_size > own.head.tree_size);
        let proof: ConsistencyProof = serde_json::from_value(
            w.get(&format!(
                "/api/v1/log/proofs/consistency?first={}&second={}",
                own.head.tree_size, later.head.tree_size
            ))
            .await,
        )
        .unwrap();
        verify_tree_heads_consistent(own, &later, &proof, &public).unwrap();
        // Heads of past sizes are served as they were.
        let past: SignedTreeHead = serde_json::from_value(
            w.get(&format!("/api/v1/log/heads/{}", own.head.tree_size))
                .await,
        )
        .unwrap();
        assert_eq!(&past, own);

        // A different version for the same precinct: 409, held for review with a receipt.
        let v2 = w.sign(0, 2, -3, &k0);
        let (status, problem) = w.submit(&v2).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let held: SignedReceipt = serde_json::from_value(problem["receipt"].clone()).unwrap();
        assert_eq!(
            held.receipt.status,
            ashyq_core::receipt::ReceiptStatus::Conflict
        );
        held.verify(&public).unwrap();
        let review = w.get("/api/v1/referendums/kz-2026/review").await;
        assert_eq!(review["conflicts"].as_array().unwrap().len(), 1);

        // The CEC accepts the corrected version; the precinct page shows it, signed.
        let (status, body) = w
            .post(
                &format!("/api/v1/referendums/kz-2026/precincts/{}/amendments", p0.0),
                Some(&cec),
                json!({"reason": "the commission corrected lines 9 and 10",
                       "accept_conflict": held.receipt.protocol_hash}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let page = w
            .get(&format!("/api/v1/referendums/kz-2026/precincts/{}", p0.0))
            .await;
        assert_eq!(page["applied"]["receipt"]["status"], "amended");
        assert_eq!(page["applied"]["receipt"]["signature"]["version"], 2);
        assert_eq!(page["receipt"]["receipt"]["status"], "amended");
        let kinds: Vec<&str> = page["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["protocol_accepted", "protocol_conflict", "protocol_amended"]
        );

        // Bad input: each gets its own clear answer, and nothing changes.
        let before = w.registrar.ledger().tree().size();
        let mut forged = w.sign(1, 1, 0, &k1);
        forged.statement.lines.yes += 1;
        let (status, body) = w.submit(&forged).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("/api/v1/docs#problem-signature")
            ),
            "{body}"
        );
        let (status, body) = w
            .post(
                "/api/v1/referendums/kz-2026/protocols",
                None,
                json!({"statement": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("ashyq protocol sign"),
            "{body}"
        );
        let other = w
            .http
            .post(w.url("/api/v1/referendums/kz-2022/protocols"))
            .body(serde_json::to_string(&doc).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::BAD_REQUEST);
        let k2 = w.pkey(2, 3);
        let early = SignedProtocol::sign(
            &w.protocols[2],
            1,
            "2026-03-15T14:00:00Z".parse().unwrap(),
            &k2,
        )
        .unwrap();
        assert_eq!(
            w.register_precinct_key(&cec, &k2).await.0,
            StatusCode::CREATED
        );
        let (status, body) = w.submit(&early).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("before the polls"),
            "{body}"
        );
        assert_eq!(
            w.registrar.ledger().tree().size(),
            before + 1,
            "only the key registration"
        );

        // Revoked: later signatures are refused with the reason.
        let k2_id = k2.key_id().0;
        let (status, body) = w
            .post(
                "/api/v1/keys",
                Some(&cec),
                json!({"action": "revoke", "key": k2_id, "reason": "token lost",
                  "effective_from": (Utc::now() - TimeDelta::minutes(30)).to_rfc3339()}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "revoked");
        let (status, body) = w.submit(&w.sign(2, 1, 0, &k2)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body["detail"].as_str().unwrap().contains("token lost"),
            "{body}"
        );

        // Not final: certification is refused, and that refusal is audited.
        let (status, body) = w
            .post(
                "/api/v1/referendums/kz-2026/certification",
                Some(&cec),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let audit = w.get_as(&cec, "/api/v1/audit").await;
        let audit: Value = audit.json().await.unwrap();
        let actions: Vec<(String, String)> = audit
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["record"]["action"]["action"].as_str().unwrap().to_owned(),
                    a["record"]["outcome"]["outcome"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect();
        assert!(
            actions.contains(&("certify_result".into(), "refused".into())),
            "{actions:?}"
        );
        assert!(
            actions.contains(&("amend_protocol".into(), "done".into())),
            "{actions:?}"
        );
        assert_eq!(
            actions.iter().filter(|(a, _)| a == "manage_keys").count(),
            4,
            "{actions:?}"
        );

        // The exported log replays with every signature checked.
        let text = w
            .http
            .get(w.url("/api/v1/log"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let report = ashyq_core::verify::verify_log(&text).unwrap();
        assert_eq!(report.entries, w.registrar.ledger().tree().size());
    }
}

#[tokio::test]
async fn roles_territories_and_tokens_decide_who_may_write() {
    for db in testing::backends() {
        let w = World::new(&db).await;
        let region = w.territory.regions[0].code.clone();
        let inside = precinct_in(&w.territory, &region, true);
        let outside = precinct_in(&w.territory, &region, false);
        let k_in = key(&format!("precinct:{}", inside.0), 5);
        let k_out = key(&format!("precinct:{}", outside.0), 6);

        // No token, a malformed one, an unknown one.
        assert_eq!(
            w.register_precinct_key("", &k_in).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (status, body) = w
            .post(
                "/api/v1/keys",
                None,
                json!({"action": "revoke", "key": "x", "reason": "y"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            body["detail"].as_str().unwrap().contains("Bearer"),
            "{body}"
        );
        let fake = format!("ashyq_{}", "0".repeat(64));
        assert_eq!(
            w.register_precinct_key(&fake, &k_in).await.0,
            StatusCode::UNAUTHORIZED
        );

        // A territorial operator manages keys inside its region only; an observer none.
        let op = w.sign_in("region-op").await;
        assert_eq!(
            w.register_precinct_key(&op, &k_in).await.0,
            StatusCode::CREATED
        );
        let (status, body) = w.register_precinct_key(&op, &k_out).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("outside that territory"),
            "{body}"
        );
        let watcher = w.sign_in("watcher").await;
        assert_eq!(
            w.register_precinct_key(&watcher, &k_out).await.0,
            StatusCode::FORBIDDEN
        );
        // Only the CEC certifies and manages accounts.
        let (status, _) = w
            .post(
                "/api/v1/referendums/kz-2026/certification",
                Some(&op),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = w
            .post(
                "/api/v1/operators",
                Some(&op),
                json!({"name": "x", "role": "observer", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The CEC creates an account; bad names, roles and passwords are explained.
        let cec = w.sign_in("cec").await;
        for (body, needle) in [
            (
                json!({"name": "Bad Name", "role": "observer", "password": PASSWORD}),
                "operator name",
            ),
            (
                json!({"name": "ok", "role": "mayor", "password": PASSWORD}),
                "not a role",
            ),
            (
                json!({"name": "ok", "role": "region:KZ-00", "password": PASSWORD}),
                "not in the territory",
            ),
            (
                json!({"name": "ok", "role": "observer", "password": "short"}),
                "12",
            ),
        ] {
            let (status, problem) = w.post("/api/v1/operators", Some(&cec), body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
            assert!(
                problem["detail"].as_str().unwrap().contains(needle),
                "{problem}"
            );
        }
        let (status, _) = w.post("/api/v1/operators", Some(&cec), json!({"name": "aigerim", "role": format!("region:{}", region.0), "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = w
            .post(
                "/api/v1/operators",
                Some(&cec),
                json!({"name": "aigerim", "role": "observer", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // An API token works until its account is disabled; a session ends at sign-out.
        let (status, token) = w
            .post(
                "/api/v1/tokens",
                Some(&op),
                json!({"label": "district laptop"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let api = token["token"].as_str().unwrap().to_owned();
        let who = w.whoami(&api).await;
        assert_eq!(who.status(), StatusCode::OK);
        assert_eq!(who.json::<Value>().await.unwrap()["kind"], "api");
        let res = w
            .http
            .patch(w.url("/api/v1/operators/region-op"))
            .bearer_auth(&cec)
            .json(&json!({"disabled": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        for t in [&api, &op] {
            let res = w.whoami(t).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
        let out = w
            .http
            .delete(w.url("/api/v1/session"))
            .bearer_auth(&watcher)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        let res = w.whoami(&watcher).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

        // Four wrong passwords from one address make that address wait, even with the right
        // password after (the owner elsewhere is not held up: tests/cluster.rs).
        for _ in 0..4 {
            let (status, _) = w
                .post(
                    "/api/v1/session",
                    None,
                    json!({"name": "aigerim", "password": "wrong password!"}),
                )
                .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, body) = w
            .post(
                "/api/v1/session",
                None,
                json!({"name": "aigerim", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");

        // The audit trail holds the refusals too, and never a password or token.
        let audit = w.get_as(&cec, "/api/v1/audit?limit=500").await;
        let text = audit.text().await.unwrap();
        assert!(text.contains("\"refused\""), "{text}");
        assert!(
            !text.contains(PASSWORD) && !text.contains(&api[6..]),
            "a secret in the audit trail"
        );
    }
}

fn precinct_in(t: &Territory, region: &RegionCode, inside: bool) -> PrecinctId {
    let district_in = |d: &ashyq_core::territory::DistrictId| {
        t.districts
            .iter()
            .any(|x| &x.id == d && &x.region == region)
    };
    t.precincts
        .iter()
        .find(|p| district_in(&p.district) == inside)
        .unwrap()
        .id
}

#[tokio::test]
async fn a_log_that_rewrites_or_drops_an_old_entry_is_caught() {
    let db = TestDb::sqlite();
    let w = World::new(&db).await;
    let cec = w.sign_in("cec").await;
    let public = w.log_key.public();
    let mut receipts = Vec::new();
    for i in 0..4 {
        let k = w.pkey(i, 10 + i as u8);
        assert_eq!(
            w.register_precinct_key(&cec, &k).await.0,
            StatusCode::CREATED
        );
        let (status, r) = w.submit(&w.sign(i, 1, 0, &k)).await;
        assert_eq!(status, StatusCode::OK);
        receipts.push(serde_json::from_value::<SignedReceipt>(r).unwrap());
    }
    // An observer keeps the head they saw.
    let seen: SignedTreeHead = serde_json::from_value(w.get("/api/v1/log/head").await).unwrap();
    let text = w
        .http
        .get(w.url("/api/v1/log"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let honest: Vec<LogEntry> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let target = receipts[1].receipt.leaf_index as usize;

    // Two dishonest logs, each a valid chain on its own, served with the same key.
    let mut rewritten = honest.clone();
    if let Event::ProtocolAccepted {
        protocol,
        protocol_hash,
        signature,
        ..
    } = &mut rewritten[target].event
    {
        protocol.lines.yes -= 50;
        protocol.lines.no += 50;
        *protocol_hash = protocol.content_hash();
        *signature = None; // the commission's signature would no longer verify
    } else {
        panic!("entry {target} is a protocol");
    }
    let mut dropped = honest.clone();
    dropped.remove(target);
    for (name, mut forged) in [("rewritten", rewritten), ("dropped", dropped)] {
        for i in 0..forged.len() {
            let prev = if i == 0 {
                ashyq_core::LogHash::genesis()
            } else {
                forged[i - 1].hash.clone()
            };
            let e = &forged[i];
            forged[i] = LogEntry::seal(i as u64 + 1, prev, e.recorded_at.clone(), e.event.clone());
        }
        let ledger = ashyq_core::ledger::Ledger::replay(&forged)
            .unwrap_or_else(|e| panic!("the {name} log must replay on its own: {e}"));
        let size = ledger.tree().size();
        let head = ledger.tree_head(size, &w.log_key).unwrap();
        let consistency = ConsistencyProof {
            first_size: seen.head.tree_size,
            second_size: size,
            hashes: ledger
                .tree()
                .consistency_proof(seen.head.tree_size.min(size), size)
                .unwrap(),
        };
        assert!(
            verify_tree_heads_consistent(&seen, &head, &consistency, &public).is_err(),
            "the {name} log passed as an extension of the head the observer saw"
        );
        // And the receipt of the changed entry is not in the forged tree.
        let index = receipts[1].receipt.leaf_index;
        if index < size {
            let proof = InclusionProof {
                leaf_index: index,
                tree_size: size,
                hashes: ledger.tree().inclusion_proof(index, size).unwrap(),
            };
            assert!(
                verify_receipt_inclusion(&receipts[1], &proof, &head, &public).is_err(),
                "{name}"
            );
        }
    }
    // Control: the honest log passes the same checks.
    let ledger = ashyq_core::ledger::Ledger::replay(&honest).unwrap();
    let size = ledger.tree().size();
    let head = ledger.tree_head(size, &w.log_key).unwrap();
    let proof = ConsistencyProof {
        first_size: seen.head.tree_size,
        second_size: size,
        hashes: ledger
            .tree()
            .consistency_proof(seen.head.tree_size, size)
            .unwrap(),
    };
    verify_tree_heads_consistent(&seen, &head, &proof, &public).unwrap();
    let _: DateTime<Utc> = head.head.timestamp;
}
