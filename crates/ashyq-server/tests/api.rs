//! The HTTP API against the real server on a random loopback port, on each database.

use std::net::SocketAddr;
use std::sync::Arc;

use ashyq_core::referendum::presets;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{profile, scenario};
use ashyq_store::registrar::Registrar;
use ashyq_store::testing;
use serde_json::Value;

async fn spawn(registrar: Arc<Registrar>) -> SocketAddr {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(ashyq_server::serve(
        registrar,
        "127.0.0.1:0".parse().unwrap(),
        move |a| {
            let _ = tx.send(a);
        },
    ));
    rx.await.unwrap()
}

#[tokio::test]
async fn results_build_up_and_every_level_is_served() {
    for db in testing::backends() {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
        let protocols = scenario::referendum_2026(&territory, 2026).unwrap();
        registrar.load_territory(territory).await.unwrap();
        registrar
            .create_referendum(presets::kz_2026())
            .await
            .unwrap();
        let addr = spawn(registrar.clone()).await;
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();
        let get = |path: String| {
            let client = client.clone();
            async move { client.get(path).send().await.unwrap() }
        };

        let r: Value = get(format!("{base}/api/v1/referendums/kz-2026/results"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["precincts_reported"], 0);
        assert_eq!(r["status"], "preliminary");

        let (first, rest) = protocols.split_at(5_000);
        registrar.submit_batch(first.to_vec()).await.unwrap();
        let r: Value = get(format!("{base}/api/v1/referendums/kz-2026/results"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["precincts_reported"], 5_000);
        assert_eq!(r["status"], "preliminary");

        registrar.submit_batch(rest.to_vec()).await.unwrap();
        let r: Value = get(format!("{base}/api/v1/referendums/kz-2026/results"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["status"], "final");
        assert_eq!(r["eligible"], 12_482_613);
        assert_eq!(r["yes"], 7_954_667);
        assert_eq!(r["turnout"].to_string(), "73.12");
        assert_eq!(r["regions"].as_array().unwrap().len(), 21);

        let region: Value = get(format!("{base}/api/v1/referendums/kz-2026/regions/KZ-43"))
            .await
            .json()
            .await
            .unwrap();
        let districts = region["districts"].as_array().unwrap();
        let sum: u64 = districts.iter().map(|d| d["yes"].as_u64().unwrap()).sum();
        assert_eq!(
            region["yes"].as_u64().unwrap(),
            sum,
            "districts add up to the region"
        );

        let p: Value = get(format!("{base}/api/v1/referendums/kz-2026/precincts/1"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(p["applied"]["protocol"]["precinct"], 1);
        assert_eq!(p["history"][0]["kind"], "protocol_accepted");

        let csv = get(format!(
            "{base}/api/v1/referendums/kz-2026/results.csv?level=region"
        ))
        .await
        .text()
        .await
        .unwrap();
        assert_eq!(csv.lines().count(), 1 + 1 + 21);

        let log = get(format!("{base}/api/v1/log"))
            .await
            .text()
            .await
            .unwrap();
        let report = ashyq_core::verify::verify_log(&log).unwrap();
        assert_eq!(report.entries, 2 + 10_459);

        // Bad requests: a clear message, never a 500.
        for (path, status, needle) in [
            (
                "/api/v1/referendums/kz-1999/results",
                404,
                "there is no referendum kz-1999",
            ),
            (
                "/api/v1/referendums/kz-2026/precincts/abc",
                400,
                "is not a precinct number",
            ),
            (
                "/api/v1/referendums/kz-2026/precincts/99999999",
                404,
                "not in the territory",
            ),
            ("/api/v1/referendums/kz-2026/regions/XX", 404, "no region"),
            (
                "/api/v1/referendums/kz-2026/results.csv?level=street",
                400,
                "is not one of",
            ),
            ("/nowhere", 404, "no such page"),
        ] {
            let resp = get(format!("{base}{path}")).await;
            assert_eq!(resp.status().as_u16(), status, "{path}");
            let body = resp.text().await.unwrap();
            assert!(body.contains(needle), "{path}: {body}");
        }
    }
}
