//! The audits' API: on the certified 2026 demo with an audit drawn, anyone reads the list,
//! the report (JSON) and the CSV; audit boards enter counts through the one write path — a
//! board outside the item's region and an observer are refused and record nothing, two
//! members of the right board agree — each answer checked against the OpenAPI document; on
//! SQLite and PostgreSQL.

use ashyq_core::audit::RiskLimit;
use ashyq_core::audit::record::AuditMethod;
use ashyq_core::author::Author;
use ashyq_core::operator::Role;
use ashyq_core::territory::RegionCode;
use serde_json::{Value, json};

mod common;
#[path = "common/contract.rs"]
mod contract;

use contract::Contract;

const PASSWORD: &str = "a long password for the audit boards";

#[tokio::test]
async fn audit_boards_enter_counts_and_anyone_reads_the_report() {
    for db in ashyq_store::testing::backends() {
        boards_on(db).await;
    }
}

async fn boards_on(db: ashyq_store::testing::TestDb) {
    let (server, protocols) = common::referendum_on(db).await;
    let reg = &server.registrar;
    reg.submit_batch(protocols.clone()).await.unwrap();
    let rid = ashyq_core::contest::ContestId("kz-2026".into());
    let cec = Author {
        name: "CEC secretary".into(),
        role: "central commission".into(),
    };
    reg.certify(&rid, cec.clone()).await.unwrap();
    reg.record(|l| {
        l.define_audit(
            "rla",
            &rid,
            RiskLimit::default(),
            AuditMethod::BatchComparison,
            cec.clone(),
        )
    })
    .await
    .unwrap();
    reg.record(|l| l.record_audit_seed("rla", "01382438112797316654", cec.clone()))
        .await
        .unwrap();
    reg.record(|l| l.draw_audit_round("rla", &Default::default(), cec.clone()))
        .await
        .unwrap();
    // A sampled precinct of a region, its protocol's lines, and another region.
    let report = reg.ledger().audit_report("rla").unwrap();
    let item = report
        .items
        .iter()
        .find(|i| i.region != "ABROAD")
        .unwrap()
        .clone();
    let other = report
        .items
        .iter()
        .find(|i| i.region != item.region)
        .unwrap()
        .region
        .clone();
    let p = protocols
        .iter()
        .find(|p| p.precinct.0 == item.precinct)
        .unwrap();
    let count = json!({"yes": p.lines.yes, "no": p.lines.no,
        "both_marked": p.lines.both_marked, "invalid": p.lines.invalid});
    let board = |r: &str| Role::AuditBoard {
        region: RegionCode(r.to_owned()),
    };
    common::operators(
        reg,
        PASSWORD,
        &[
            ("board-a", board(&item.region)),
            ("board-b", board(&item.region)),
            ("board-other", board(&other)),
            ("observer", Role::Observer),
        ],
    )
    .await;
    let base = server.base.clone();
    let mut c = Contract::of(&base).await;
    let http = reqwest::Client::new();
    let entries = "/api/v1/audits/{id}/entries";
    let post = |tok: &str, body: Value| {
        http.post(format!("{base}/api/v1/audits/rla/entries"))
            .bearer_auth(tok)
            .json(&body)
    };
    let body = json!({"item": item.item, "count": count});

    // Refused, nothing recorded: no account, an observer, a board of another region.
    let head = reg.ledger().head().map(|h| h.0);
    let (status, _) = c
        .send(
            "post",
            entries,
            http.post(format!("{base}/api/v1/audits/rla/entries"))
                .json(&body),
        )
        .await;
    assert_eq!(status, 401);
    let observer = c.sign_in(&base, "observer", PASSWORD).await;
    let (status, text) = c.send("post", entries, post(&observer, body.clone())).await;
    assert_eq!(status, 403, "{text}");
    let outsider = c.sign_in(&base, "board-other", PASSWORD).await;
    let (status, text) = c.send("post", entries, post(&outsider, body.clone())).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("outside that territory"), "{text}");
    let a = c.sign_in(&base, "board-a", PASSWORD).await;
    let (status, text) = c
        .send(
            "post",
            entries,
            post(
                &a,
                json!({"item": item.item, "reading": "yes", "count": count}),
            ),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    // A count larger than the ballots found.
    let mut too_many = count.clone();
    too_many["yes"] = json!(p.lines.ballots.ballots_found + 1);
    let (status, text) = c
        .send(
            "post",
            entries,
            post(&a, json!({"item": item.item, "count": too_many})),
        )
        .await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("the protocol found"), "{text}");
    assert_eq!(reg.ledger().head().map(|h| h.0), head);

    // Two members of the item's board agree.
    let (status, text) = c.send("post", entries, post(&a, body.clone())).await;
    assert_eq!(status, 201, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["agreed"], false);
    let (status, text) = c.send("post", entries, post(&a, body.clone())).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("already entered"), "{text}");
    let b = c.sign_in(&base, "board-b", PASSWORD).await;
    let (status, text) = c.send("post", entries, post(&b, body.clone())).await;
    assert_eq!(status, 201, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["agreed"], true);
    assert_eq!(v["entry"]["kind"], "audit_count_entered");

    // Anyone reads the list, the report and its CSV.
    let (status, text) = c
        .send(
            "get",
            "/api/v1/audits",
            http.get(format!("{base}/api/v1/audits")),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list[0]["audit"], "rla");
    assert_eq!(list[0]["contests"], 22);
    let (status, text) = c
        .send(
            "get",
            "/api/v1/audits/{id}",
            http.get(format!("{base}/api/v1/audits/rla")),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let r: Value = serde_json::from_str(&text).unwrap();
    let it = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == item.item.as_str())
        .unwrap();
    let members: Vec<&str> = it["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["member"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["board-a", "board-b"]);
    assert_eq!(it["discrepancy"], Value::Null);
    let (status, text) = c
        .send(
            "get",
            "/api/v1/audits/{id}/report.csv",
            http.get(format!("{base}/api/v1/audits/rla/report.csv")),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with("contest,risk_limit,seed,round,"), "{text}");
    let (status, _) = c
        .send(
            "get",
            "/api/v1/audits/{id}",
            http.get(format!("{base}/api/v1/audits/nope")),
        )
        .await;
    assert_eq!(status, 404);
}
