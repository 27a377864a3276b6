//! The API document tells the truth: every answer of the API on real data — results, the log
//! and its proofs, keys, operators, elections, the consultation, and errors of each kind — has
//! a status the document lists for that operation and a body valid against the schema it
//! gives (`common/contract.rs`). A change that makes an answer and the document disagree
//! fails here.

use std::sync::Arc;

use ashyq_core::operator::Role;
use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use serde_json::{Value, json};

mod common;
#[path = "common/contract.rs"]
mod contract;

use contract::Contract;

const PASSWORD: &str = "a long password for the contract";

#[tokio::test]
async fn referendum_log_keys_and_operators_answer_as_documented() {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let (_, protocols) = common::kz_2026(&registrar, 2026).await;
    registrar
        .submit_batch(protocols[..3_000].to_vec())
        .await
        .unwrap();
    // A conflict held for review: other numbers for a precinct that reported.
    let mut other = protocols[0].clone();
    other.lines.yes -= 2;
    other.lines.no += 2;
    registrar.submit(other).await.unwrap();
    common::operators(
        &registrar,
        PASSWORD,
        &[("cec", Role::CentralOperator), ("watcher", Role::Observer)],
    )
    .await;
    let config = ashyq_server::ServerConfig {
        rate_limit: None,
        ..ashyq_server::ServerConfig::standard()
    };
    let addr = common::spawn_with(registrar.clone(), config).await;
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();
    let mut c = Contract::of(&base).await;

    // Signing in: a wrong password (401, no credentials needed) and the right one.
    let (status, _) = c
        .send(
            "post",
            "/api/v1/session",
            http.post(format!("{base}/api/v1/session"))
                .json(&json!({"name": "cec", "password": "wrong wrong wrong"})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = c
        .send(
            "post",
            "/api/v1/session",
            http.post(format!("{base}/api/v1/session"))
                .json(&json!({"name": "cec", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = c
        .send(
            "post",
            "/api/v1/session",
            http.post(format!("{base}/api/v1/session"))
                .json(&json!({"name": "watcher", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let watcher = serde_json::from_str::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let size = registrar.ledger().head().unwrap().0;
    let gets: Vec<(String, u16)> = [
        ("/api/v1/referendums", 200),
        ("/api/v1/referendums/kz-2026/results", 200),
        ("/api/v1/referendums/kz-2026/results/tree", 200),
        (
            "/api/v1/referendums/kz-2026/results.csv?level=district",
            200,
        ),
        ("/api/v1/referendums/kz-2026/results.csv?level=galaxy", 400),
        ("/api/v1/referendums/kz-2026/regions/KZ-43", 200),
        ("/api/v1/referendums/kz-2026/regions/XX-00", 404),
        ("/api/v1/referendums/nope/results", 404),
        ("/api/v1/referendums/kz-2026/precincts/abc", 400),
        ("/api/v1/referendums/kz-2026/precincts/999999999", 404),
        ("/api/v1/downloads", 200),
        ("/api/v1/elections", 200),
        ("/api/v1/elections/nope/results", 404),
        ("/api/v1/elections/nope/seats", 404),
        ("/api/v1/log/key", 200),
        ("/api/v1/log/head", 200),
        ("/api/v1/log/proofs/inclusion?leaf_index=0&tree_size=5", 200),
        ("/api/v1/log/proofs/inclusion?leaf_index=5&tree_size=5", 400),
        ("/api/v1/log/proofs/consistency?first=2&second=10", 200),
        ("/api/v1/log/proofs/consistency?first=10&second=2", 400),
        ("/api/v1/log/entries?start=1&end=3", 200),
        ("/api/v1/log/entries?start=3&end=1", 400),
        ("/api/v1/log/entries?start=0&end=1", 400),
        ("/api/v1/keys", 200),
        ("/api/v1/keys?commission=precinct:17", 200),
        ("/api/v1/keys?commission=planet:1", 400),
        ("/api/v1/session", 401),
        ("/api/v1/operators", 401),
        ("/api/v1/audit", 401),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_owned(), s))
    .chain([
        (format!("/api/v1/log/heads/{size}"), 200),
        (format!("/api/v1/log/heads/{}", size + 10), 404),
        (
            format!(
                "/api/v1/referendums/kz-2026/precincts/{}",
                protocols[0].precinct.0
            ),
            200,
        ),
        (
            format!(
                "/api/v1/referendums/kz-2026/precincts/{}",
                protocols[5_000].precinct.0
            ),
            200,
        ),
    ])
    .collect();
    for (path, want) in &gets {
        let (status, body) = c.send("get", path, http.get(format!("{base}{path}"))).await;
        assert_eq!(status, *want, "GET {path}: {body:.300}");
    }
    // The tree names each unit's kind as the territory does ("oblys"), not the legal text.
    let tree: Value = reqwest::get(format!("{base}/api/v1/referendums/kz-2026/results/tree"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tree.to_string().contains("\"oblys\""));

    // Signed in: as the central operator, and as an observer refused a write.
    for (path, who, want) in [
        ("/api/v1/session", &token, 200),
        ("/api/v1/operators", &token, 200),
        ("/api/v1/audit", &token, 200),
        ("/api/v1/audit?limit=0", &token, 400),
        ("/api/v1/referendums/kz-2026/review", &token, 200),
        ("/api/v1/operators", &watcher, 403),
    ] {
        let (status, body) = c
            .send(
                "get",
                path,
                http.get(format!("{base}{path}")).bearer_auth(who),
            )
            .await;
        assert_eq!(status, want, "GET {path}: {body:.300}");
    }
    let writes = [
        (
            "post",
            "/api/v1/tokens",
            json!({"label": "contract test"}),
            &token,
            201,
        ),
        (
            "post",
            "/api/v1/operators",
            json!({"name": "newop", "role": "observer", "password": "another long password"}),
            &token,
            201,
        ),
        (
            "post",
            "/api/v1/operators",
            json!({"name": "newop", "role": "observer", "password": "another long password"}),
            &token,
            409,
        ),
        (
            "post",
            "/api/v1/referendums/kz-2026/certification",
            json!({}),
            &watcher,
            403,
        ),
        (
            "post",
            "/api/v1/referendums/kz-2026/certification",
            json!({}),
            &token,
            422,
        ),
    ];
    for (method, path, body, who, want) in writes {
        let (status, answer) = c
            .send(
                method,
                path,
                http.post(format!("{base}{path}"))
                    .bearer_auth(who)
                    .json(&body),
            )
            .await;
        assert_eq!(status, want, "{method} {path}: {answer:.300}");
    }
    // Framework answers: a malformed body, a body that is not JSON.
    let (status, _) = c
        .send(
            "post",
            "/api/v1/session",
            http.post(format!("{base}/api/v1/session"))
                .header("content-type", "application/json")
                .body("{"),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = c
        .send(
            "post",
            "/api/v1/session",
            http.post(format!("{base}/api/v1/session")).body("name=cec"),
        )
        .await;
    assert_eq!(status, 415);
    let (status, _) = c
        .send(
            "delete",
            "/api/v1/session",
            http.delete(format!("{base}/api/v1/session"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(status, 204);
    assert!(c.checked >= 40, "only {} answers checked", c.checked);
}

#[tokio::test]
async fn election_answers_as_documented() {
    let server = common::election().await;
    let mut c = Contract::of(&server.base).await;
    let http = reqwest::Client::new();
    let id = common::ELECTION;
    for path in [
        "/api/v1/elections".to_owned(),
        format!("/api/v1/elections/{id}/results"),
        format!("/api/v1/elections/{id}/seats"),
        "/api/v1/referendums".to_owned(),
    ] {
        let (status, body) = c
            .send("get", &path, http.get(format!("{}{path}", server.base)))
            .await;
        assert_eq!(status, 200, "GET {path}: {body:.300}");
    }
    assert_eq!(c.checked, 4);
}

#[tokio::test]
async fn the_consultation_answers_as_documented() {
    let s = common::consult::consult_server().await;
    let mut c = Contract::of(&s.base).await;
    let http = reqwest::Client::new();
    for (path, want) in [
        ("/api/v1/consult", 200),
        ("/api/v1/consult/acts/v2-draft", 200),
        ("/api/v1/consult/acts/v9", 404),
        (
            "/api/v1/consult/acts/v1-old/articles/sec_2__art_6?lang=en",
            200,
        ),
        (
            "/api/v1/consult/acts/v2-draft/articles/sec_2__art_8?lang=de",
            400,
        ),
        (
            "/api/v1/consult/compare?from=v1-old&to=v2-draft&lang=ru",
            200,
        ),
        (
            "/api/v1/consult/compare?from=v1-old&to=v2-draft&lang=kz",
            400,
        ),
        ("/api/v1/consult/proposals", 200),
        ("/api/v1/consult/proposals?status=published&page=1", 200),
        ("/api/v1/consult/proposals?page=0", 400),
        ("/api/v1/consult/proposals/P-000001", 200),
        ("/api/v1/consult/proposals/x1", 404),
        ("/api/v1/consult/meetings", 200),
        ("/api/v1/consult/meetings/1", 200),
        ("/api/v1/consult/meetings/9", 404),
    ] {
        let (status, body) = c
            .send("get", path, http.get(format!("{}{path}", s.base)))
            .await;
        assert_eq!(status, want, "GET {path}: {body:.300}");
    }
    // A meeting's motions carry the members' votes keyed by number, as strings.
    let m: Value = reqwest::get(format!("{}/api/v1/consult/meetings/1", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(m.to_string().contains("\"votes\""), "{m}");
}
