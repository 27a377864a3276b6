//! `GET …/results.nist.json` and `.xml`: the referendum and the party-list election as NIST
//! SP 1500-100 v2 reports, valid against the official schemas (the core's copies and
//! validators), with ETags like every read, and problem documents for unknown contests.

use ashyq_core::protocol::PrecinctProtocol;
use serde_json::Value;

mod common;

#[path = "../../ashyq-core/tests/common/schema.rs"]
#[allow(dead_code)]
mod schema;

async fn get(client: &reqwest::Client, url: &str) -> reqwest::Response {
    client.get(url).send().await.unwrap()
}

#[tokio::test]
async fn the_referendum_report_in_both_forms_follows_the_count_and_carries_an_etag() {
    let (server, protocols) = common::referendum().await;
    let some: Vec<PrecinctProtocol> = protocols.into_iter().take(50).collect();
    for p in some {
        server.registrar.submit(p).await.unwrap();
    }
    let client = reqwest::Client::new();
    let base = format!("{}/api/v1/referendums/kz-2026", server.base);

    let resp = get(&client, &format!("{base}/results.nist.json")).await;
    assert_eq!(resp.status(), 200);
    let etag = resp.headers()[reqwest::header::ETAG].clone();
    let v: Value = resp.json().await.unwrap();
    schema::assert_nist_json(&v);
    assert_eq!(v["Status"], "unofficial-partial");
    assert_eq!(v["Election"][0]["Contest"][0]["SubUnitsReported"], 50);
    assert_eq!(
        v["Election"][0]["BallotCounts"].as_array().unwrap().len(),
        50
    );
    let again = client
        .get(format!("{base}/results.nist.json"))
        .header(reqwest::header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let resp = get(&client, &format!("{base}/results.nist.xml?level=summary")).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let xml = resp.text().await.unwrap();
    schema::assert_valid_xml("nist api", &xml, &schema::nist_xsd());
    assert!(xml.contains("<Format>summary-contest</Format>"));

    for (path, status) in [
        ("/api/v1/referendums/kz-1999/results.nist.json", 404),
        ("/api/v1/elections/kz-2026/results.nist.xml", 404),
        (
            "/api/v1/referendums/kz-2026/results.nist.json?level=all",
            400,
        ),
    ] {
        let resp = get(&client, &format!("{}{path}", server.base)).await;
        assert_eq!(resp.status().as_u16(), status, "{path}");
        assert_eq!(
            resp.headers()[reqwest::header::CONTENT_TYPE],
            "application/problem+json"
        );
    }

    let doc: Value = get(&client, &format!("{}/api/v1/openapi.json", server.base))
        .await
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/referendums/{id}/results.nist.json",
        "/api/v1/referendums/{id}/results.nist.xml",
        "/api/v1/elections/{id}/results.nist.json",
        "/api/v1/elections/{id}/results.nist.xml",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
}

#[tokio::test]
async fn the_election_report_has_its_parties_and_seats() {
    let server = common::election().await;
    let client = reqwest::Client::new();
    let url = format!(
        "{}/api/v1/elections/{}/results.nist.json",
        server.base,
        common::ELECTION
    );
    let v: Value = get(&client, &url).await.json().await.unwrap();
    schema::assert_nist_json(&v);
    assert_eq!(v["Status"], "certified");
    let contest = &v["Election"][0]["Contest"][0];
    assert_eq!(contest["@type"], "ElectionResults.PartyContest");
    let seats: u64 = contest["ContestSelection"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["VoteCounts"].as_array().unwrap())
        .filter(|c| c["Type"] == "seats")
        .map(|c| c["Count"].as_u64().unwrap())
        .sum();
    assert_eq!(seats, 69);
    let xml = get(&client, &url.replace(".json", ".xml"))
        .await
        .text()
        .await
        .unwrap();
    schema::assert_valid_xml("nist api election", &xml, &schema::nist_xsd());
}

#[tokio::test]
async fn the_downloads_page_lists_the_nist_reports_and_the_signed_datasets_in_every_language() {
    let (server, _) = common::referendum().await;
    let client = reqwest::Client::new();
    for (lang, heading) in [
        ("en", "Signed datasets"),
        ("ru", "Подписанные наборы данных"),
        ("kk", "Қолтаңбаланған деректер жиынтықтары"),
    ] {
        let resp = get(&client, &format!("{}/downloads?lang={lang}", server.base)).await;
        assert_eq!(resp.status(), 200);
        let page = resp.text().await.unwrap();
        assert!(
            page.contains("/api/v1/referendums/kz-2026/results.nist.json"),
            "{lang}"
        );
        assert!(
            page.contains("/api/v1/referendums/kz-2026/results.nist.xml"),
            "{lang}"
        );
        assert!(page.contains(heading), "{lang}");
        assert!(page.contains("ashyq verify-download"), "{lang}");
    }
}
