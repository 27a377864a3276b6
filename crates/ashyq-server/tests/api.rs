//! The HTTP API against the real server on a random loopback port, on each database.

use std::sync::Arc;

use ashyq_store::registrar::Registrar;
use ashyq_store::testing;
use serde_json::Value;

mod common;

use common::{kz_2026, spawn};

#[tokio::test]
async fn results_build_up_and_every_level_is_served() {
    for db in testing::backends() {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (_, protocols) = kz_2026(&registrar, 2026).await;
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
                "expected one of",
            ),
            ("/api/v1/nowhere", 404, "no such page"),
        ] {
            let resp = get(format!("{base}{path}")).await;
            assert_eq!(resp.status().as_u16(), status, "{path}");
            let body = resp.text().await.unwrap();
            assert!(body.contains(needle), "{path}: {body}");
        }
    }
}

/// Errors are problem documents, reads carry an ETag and answer 304 to it, the OpenAPI
/// document is generated and lists every path, and the event stream follows the count.
#[tokio::test]
async fn problems_etags_openapi_and_the_event_stream() {
    for db in testing::backends() {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (_, protocols) = kz_2026(&registrar, 2026).await;
        let addr = spawn(registrar.clone()).await;
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();

        // Problem documents, for our own errors and for axum's rejections alike.
        for (method, path, status) in [
            ("GET", "/api/v1/referendums/kz-1999/results", 404),
            ("GET", "/api/v1/referendums/kz-2026/precincts/abc", 400),
            ("GET", "/api/v1/nowhere", 404),
            ("POST", "/api/v1/referendums/kz-2026/results", 405),
            (
                "GET",
                "/api/v1/referendums/kz-2026/results.csv?level=%ZZ",
                400,
            ),
        ] {
            let resp = client
                .request(method.parse().unwrap(), format!("{base}{path}"))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status().as_u16(), status, "{method} {path}");
            assert_eq!(
                resp.headers()[reqwest::header::CONTENT_TYPE],
                "application/problem+json",
                "{method} {path}"
            );
            let p: Value = resp.json().await.unwrap();
            assert_eq!(p["status"], status);
            assert!(p["type"].as_str().unwrap().contains("#problem-"), "{p}");
            assert!(!p["detail"].as_str().unwrap().is_empty(), "{p}");
        }

        // ETag and 304; a new protocol moves the head and changes the ETag.
        let url = format!("{base}/api/v1/referendums/kz-2026/results");
        let first = client.get(&url).send().await.unwrap();
        let etag = first.headers()[reqwest::header::ETAG].clone();
        assert_eq!(
            first.headers()[reqwest::header::CACHE_CONTROL],
            "public, no-cache"
        );
        let again = client
            .get(&url)
            .header(reqwest::header::IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304);

        // The event stream: a first event at once, then one after the head moves.
        let mut sse = client
            .get(format!("{base}/api/v1/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            sse.headers()[reqwest::header::CONTENT_TYPE],
            "text/event-stream"
        );
        let mut seen = String::new();
        while !seen.contains("\n\n") {
            seen.push_str(&String::from_utf8_lossy(
                &sse.chunk().await.unwrap().unwrap(),
            ));
        }
        assert!(seen.contains("event: progress"), "{seen}");
        assert!(seen.contains("\"precincts_reported\":0"), "{seen}");
        registrar
            .submit_batch(protocols[..100].to_vec())
            .await
            .unwrap();
        let mut seen = String::new();
        while !seen.contains("\"precincts_reported\":100") {
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), sse.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }

        let after = client
            .get(&url)
            .header(reqwest::header::IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(after.status().as_u16(), 200);
        assert_ne!(after.headers()[reqwest::header::ETAG], etag);
        let r: Value = after.json().await.unwrap();
        assert_eq!(r["precincts_reported"], 100);

        // The generated OpenAPI document lists every route served, and the page renders it.
        let doc: Value = client
            .get(format!("{base}/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for path in [
            "/api/v1/referendums",
            "/api/v1/referendums/{id}/results",
            "/api/v1/referendums/{id}/precincts/{number}",
            "/api/v1/elections/{id}/seats",
            "/api/v1/events",
            "/api/v1/log",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing");
        }
        assert!(
            doc["components"]["schemas"]
                .get("ResultsDocument")
                .is_some()
        );
        // Every reference resolves.
        fn refs(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        match (k.as_str(), x) {
                            ("$ref", Value::String(r)) => out.push(r.clone()),
                            _ => refs(x, out),
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "dangling reference {r}"
            );
        }
        let page = client
            .get(format!("{base}/api/v1/docs"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("/api/v1/referendums/{id}/results"));
        assert!(page.contains("id=\"problem-control-ratios\""));
    }
}

/// Over the per-client limit: 429 with Retry-After and a problem document; under it, normal.
#[tokio::test]
async fn a_client_over_its_rate_limit_is_told_to_wait() {
    use ashyq_server::limits::RateLimit;
    use std::num::NonZeroU32;
    let db = testing::TestDb::sqlite();
    let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
    let config = ashyq_server::ServerConfig {
        rate_limit: Some(RateLimit {
            per_second: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(3).unwrap(),
        }),
        ..Default::default()
    };
    let addr = common::spawn_with(registrar, config).await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let r = client
            .get(format!("http://{addr}/api/v1/referendums"))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        last = Some(r);
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    let r = last.unwrap();
    assert!(r.headers().contains_key(reqwest::header::RETRY_AFTER));
    assert_eq!(
        r.headers()[reqwest::header::CONTENT_TYPE],
        "application/problem+json"
    );
    let p: Value = r.json().await.unwrap();
    assert!(
        p["detail"].as_str().unwrap().contains("too many requests"),
        "{p}"
    );
}
