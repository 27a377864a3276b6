//! The Kurultai's API: the secretariat records steps through the one write path, every other
//! role is refused and audited, refusals record nothing, and the house is served as open data
//! (Popolo JSON, every vote as CSV) — each answer checked against the OpenAPI document.

use ashyq_core::legal::markdown;
use ashyq_core::operator::Role;
use serde_json::{Value, json};

mod common;
#[path = "common/contract.rs"]
mod contract;

use contract::Contract;

const PASSWORD: &str = "a long password for the secretariat";

#[tokio::test]
async fn the_secretariat_records_steps_and_the_house_is_served_as_open_data() {
    let server = common::election().await;
    let base = server.base.clone();
    common::operators(
        &server.registrar,
        PASSWORD,
        &[
            ("secretariat", Role::KurultaiSecretariat),
            ("cec", Role::CentralOperator),
        ],
    )
    .await;
    let mut c = Contract::of(&base).await;
    let http = reqwest::Client::new();
    let secretariat = c.sign_in(&base, "secretariat", PASSWORD).await;
    let cec = c.sign_in(&base, "cec", PASSWORD).await;
    let post = |tok: &str, body: Value| {
        http.post(format!("{base}/api/v1/kurultai/steps"))
            .bearer_auth(tok)
            .json(&body)
    };
    let steps = "/api/v1/kurultai/steps";
    let convene = json!({"event":"convened","election":common::ELECTION,
        "first_session":"2026-09-15","rules":ashyq_core::kurultai::KurultaiRules::default()});

    // No account, and a central operator: refused, nothing recorded.
    let head = server.registrar.ledger().head().map(|h| h.0);
    let (status, _) = c
        .send(
            "post",
            steps,
            http.post(format!("{base}{steps}")).json(&convene),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = c.send("post", steps, post(&cec, convene.clone())).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("may not record a step of the Kurultai"),
        "{body}"
    );
    // Not a step at all.
    let (status, body) = c
        .send(
            "post",
            steps,
            post(&secretariat, json!({"event": "adjourned"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(server.registrar.ledger().head().map(|h| h.0), head);

    // The secretariat convenes the house and records its roll calls.
    let (status, body) = c.send("post", steps, post(&secretariat, convene)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["kind"],
        "convened"
    );
    let sitting = server.registrar.ledger().kurultai_sitting().unwrap();
    let ids: Vec<String> = sitting.members.keys().map(|m| m.0.clone()).collect();
    assert_eq!(ids.len(), 69);
    let ballots = |absent: usize| -> Value {
        ids.iter()
            .enumerate()
            .map(|(i, m)| {
                let b = if i < absent { "absent" } else { "yes" };
                (m.clone(), json!(b))
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let chair = json!({"event":"officer_voted","office":"chair","candidate":ids[0],
        "vote":{"on":"2026-09-15","motion":"Election of the Chair","ballots":ballots(3)}});
    let (status, body) = c.send("post", steps, post(&secretariat, chair)).await;
    assert_eq!(status, 201, "{body}");
    let committee = json!({"event":"committee_formed","committee":"budget",
        "name":{"kk":"Бюджет","ru":"Бюджет","en":"Budget"},"chair":ids[1],
        "members":[ids[1], ids[2]],"on":"2026-09-16"});
    let (status, body) = c.send("post", steps, post(&secretariat, committee)).await;
    assert_eq!(status, 201, "{body}");
    let text = markdown::parse(
        "---\nwork: bill-2026-001\nversion: introduced\ntitle.en: On tests (synthetic)\ntitle.ru: О тестах\ntitle.kk: Тесттер туралы\n---\n\n# Article 1\nen: A synthetic text.\n",
    )
    .unwrap();
    let bill = json!({"event":"bill_introduced","bill":"bill-2026-001","kind":"law",
        "priority":false,"initiator":{"by":"government"},"committee":"budget",
        "text":text,"on":"2026-09-17"});
    let (status, body) = c.send("post", steps, post(&secretariat, bill)).await;
    assert_eq!(status, 201, "{body}");

    // Bad input of the list, each refused by its rule with nothing recorded.
    let head = server.registrar.ledger().head().map(|h| h.0);
    let second_first = json!({"event":"reading_voted","bill":"bill-2026-001","reading":2,
        "vote":{"on":"2026-09-20","motion":"Second reading","ballots":ballots(0)}});
    let (status, body) = c
        .send("post", steps, post(&secretariat, second_first))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("three readings"), "{body}");
    let mut stranger = ballots(0);
    stranger["nobody-1"] = json!("yes");
    let (status, body) = c
        .send(
            "post",
            steps,
            post(
                &secretariat,
                json!({"event":"reading_voted","bill":"bill-2026-001","reading":1,
                    "vote":{"on":"2026-09-20","motion":"First reading","ballots":stranger}}),
            ),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a member"), "{body}");
    let (status, body) = c
        .send(
            "post",
            steps,
            post(
                &secretariat,
                json!({"event":"reading_voted","bill":"bill-2026-001","reading":1,
                    "vote":{"on":"2026-09-20","motion":"First reading","ballots":ballots(0),
                        "counts":{"yes":68,"no":1,"abstain":0,"absent":0,"not_voting":0}}}),
            ),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("disagree with the individual ballots"),
        "{body}"
    );
    assert_eq!(server.registrar.ledger().head().map(|h| h.0), head);

    // The first reading, carried.
    let first = json!({"event":"reading_voted","bill":"bill-2026-001","reading":1,
        "vote":{"on":"2026-09-20","motion":"First reading","ballots":ballots(5)}});
    let (status, body) = c.send("post", steps, post(&secretariat, first)).await;
    assert_eq!(status, 201, "{body}");
    let bill = server
        .registrar
        .ledger()
        .kurultai()
        .bill(&ashyq_core::kurultai::BillId("bill-2026-001".into()))
        .unwrap()
        .clone();
    assert_eq!(bill.readings, 1);

    // Every write, done or refused, is in the audit trail with its operator.
    let audit = server
        .registrar
        .store()
        .operator_audit_trail(None, 100)
        .await
        .unwrap();
    let kurultai: Vec<_> = audit
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r.action == ashyq_core::operator::Action::RecordKurultaiStep)
        .collect();
    assert!(kurultai.iter().any(|r| r.operator == "cec"));
    assert_eq!(
        kurultai
            .iter()
            .filter(|r| r.operator == "secretariat")
            .count(),
        8
    );

    // The open data.
    let (status, body) = c
        .send(
            "get",
            "/api/v1/kurultai/popolo.json",
            http.get(format!("{base}/api/v1/kurultai/popolo.json")),
        )
        .await;
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc, server.registrar.ledger().kurultai_popolo());
    let events = doc["vote_events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["counts"].as_array().unwrap().len(), 5);
    let (status, body) = c
        .send(
            "get",
            "/api/v1/kurultai/votes.csv",
            http.get(format!("{base}/api/v1/kurultai/votes.csv")),
        )
        .await;
    assert_eq!(status, 200);
    let rows: Vec<&str> = body.lines().collect();
    assert_eq!(rows[0], ashyq_core::kurultai::csv::HEADER);
    assert_eq!(rows.len(), 1 + 2 * 69);
    let absent_in_reading = rows
        .iter()
        .filter(|r| r.contains(",reading_voted,bill-2026-001,") && r.ends_with(",absent"))
        .count();
    assert_eq!(absent_in_reading, 5);

    // Akoma Ntoso: the bill and the day's debate record (both validated against the schema
    // in ashyq-core's tests/kurultai.rs), and bad input named.
    let k = server.registrar.ledger().kurultai().clone();
    let (status, body) = c
        .send(
            "get",
            "/api/v1/kurultai/bills/{id}/akn",
            http.get(format!(
                "{base}/api/v1/kurultai/bills/bill-2026-001/akn?lang=ru"
            )),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        ashyq_core::kurultai::akn::bill(&bill, ashyq_core::lang::Lang::Ru)
    );
    let (status, body) = c
        .send(
            "get",
            "/api/v1/kurultai/debates/{day}/akn",
            http.get(format!("{base}/api/v1/kurultai/debates/2026-09-20/akn")),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body.matches("<rollCall ").count(), 1);
    assert_eq!(body.matches("): absent").count(), 5);
    assert_eq!(k.votes().len(), 2);
    for (path, template, want) in [
        (
            "/api/v1/kurultai/bills/bill-9/akn",
            "/api/v1/kurultai/bills/{id}/akn",
            404,
        ),
        (
            "/api/v1/kurultai/bills/bill-2026-001/akn?lang=de",
            "/api/v1/kurultai/bills/{id}/akn",
            400,
        ),
        (
            "/api/v1/kurultai/debates/20-09-2026/akn",
            "/api/v1/kurultai/debates/{day}/akn",
            400,
        ),
    ] {
        let (status, body) = c
            .send("get", template, http.get(format!("{base}{path}")))
            .await;
        assert_eq!(status, want, "{path}: {body}");
    }
}
