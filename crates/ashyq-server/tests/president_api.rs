//! The presidential election's API: the 2022 scenario loaded through the submission path, then
//! the round's result in the shape under `/api/v1/elections/{id}/results` and
//! `/round`, the candidates with their registration record (IINs masked), a precinct's
//! protocol, the routes in the OpenAPI document, and an unknown id as a problem document.

use std::sync::Arc;

use ashyq_store::registrar::Registrar;
use ashyq_store::testing::TestDb;
use serde_json::Value;

mod common;

#[tokio::test]
async fn a_round_its_candidates_and_its_precincts_are_served_as_json() {
    let db = TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let territory = common::kz_2022_presidential(&registrar).await;
    let addr = common::spawn(registrar.clone()).await;
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    let get = |path: String| {
        let client = client.clone();
        async move {
            let r = client.get(path).send().await.unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };

    // The CEC final figures of 22 November 2022 (BRIEF §8), under the elections' results path.
    let (status, r) = get(format!("{base}/api/v1/elections/president-2022/results")).await;
    assert_eq!(status, 200);
    assert_eq!(r["eligible"], 11_953_465);
    assert_eq!(r["participated"], 8_300_046);
    assert_eq!(r["candidates"]["Kassym-Jomart Tokayev"], 6_456_393);
    assert_eq!(r["candidates"]["Saltanat Tursynbekova"], 168_731);
    assert_eq!(r["against_all"], 460_484);
    assert_eq!(r["invalid"], 359_568);
    assert_eq!(r["turnout_percent"], "69.44");
    assert_eq!(r["outcome"]["kind"], "elected");
    assert_eq!(r["outcome"]["elected"], "Kassym-Jomart Tokayev");
    assert_eq!(r["status"], "final");
    // The map's tiles: every region with its leader and turnout, adding up to the nation.
    let regions = r["regions"].as_array().unwrap();
    assert_eq!(regions.len(), territory.regions.len());
    let sum: u64 = regions
        .iter()
        .map(|g| g["participated"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 8_300_046);
    assert!(
        regions
            .iter()
            .all(|g| g["leader"].is_string() || g["participated"] == 0)
    );
    let (_, round) = get(format!("{base}/api/v1/elections/president-2022/round")).await;
    assert_eq!(round, r);

    let (status, c) = get(format!("{base}/api/v1/elections/president-2022/candidates")).await;
    assert_eq!(status, 200);
    let nominees = c["nominees"].as_array().unwrap();
    assert_eq!(nominees.len(), 6);
    for n in nominees {
        assert_eq!(n["status"], "registered");
        assert_eq!(n["criteria"].as_array().unwrap().len(), 7);
        let masked = n["iin"].as_str().unwrap();
        assert_eq!(masked.chars().filter(|&ch| ch == '•').count(), 9);
        assert!(
            n["signatures_decision"]
                .as_str()
                .unwrap()
                .ends_with(": sufficient")
        );
    }
    assert_eq!(nominees[0]["ballot_position"], 1);

    let first = territory.precincts[0].id.0;
    let (status, p) = get(format!(
        "{base}/api/v1/elections/president-2022/round/precincts/{first}"
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(p["applied"]["protocol"]["precinct"], first);

    let (status, problem) = get(format!("{base}/api/v1/elections/no-such/round")).await;
    assert_eq!(status, 404);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("problem-unknown-election"),
        "{problem}"
    );

    let (_, doc) = get(format!("{base}/api/v1/openapi.json")).await;
    for path in [
        "/api/v1/elections/{id}/round",
        "/api/v1/elections/{id}/candidates",
        "/api/v1/elections/{id}/round/precincts/{number}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}
