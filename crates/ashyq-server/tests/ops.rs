//! What an operator of the servers watches: `/health`, `/ready` and `/metrics`, on each
//! database, against the real server on a random loopback port.

use std::sync::Arc;

use ashyq_store::registrar::Registrar;
use ashyq_store::testing;
use serde_json::Value;

mod common;

use common::{kz_2026, spawn};

/// The value of the sample line `name{labels}` (or `name` alone) of a Prometheus text page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn health_ready_and_metrics_tell_the_truth() {
    for db in testing::backends() {
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let (_, protocols) = kz_2026(&registrar, 2026).await;
        registrar
            .submit_batch(protocols[..100].to_vec())
            .await
            .unwrap();
        let addr = spawn(registrar.clone()).await;
        let base = format!("http://{addr}");
        let client = reqwest::Client::new();

        let health = client.get(format!("{base}/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let ready = client.get(format!("{base}/ready")).send().await.unwrap();
        assert_eq!(ready.status(), 200, "{}", db.backend());
        let ready: Value = ready.json().await.unwrap();
        let head = registrar.ledger().head().unwrap().0;
        assert_eq!(ready["log_head"], head);

        for _ in 0..3 {
            let r = client
                .get(format!("{base}/api/v1/referendums/kz-2026/results"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        let r = client
            .get(format!("{base}/api/v1/referendums/no-such/results"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        let page = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let route = r#"method="GET",route="/api/v1/referendums/{id}/results""#;
        assert_eq!(
            sample(
                &page,
                &format!("ashyq_http_requests_total{{{route},status=\"200\"}}")
            ),
            Some(3.0),
            "{page}"
        );
        assert_eq!(
            sample(
                &page,
                &format!("ashyq_http_requests_total{{{route},status=\"404\"}}")
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &page,
                &format!("ashyq_http_request_duration_seconds_count{{{route}}}")
            ),
            Some(4.0)
        );
        assert_eq!(sample(&page, "ashyq_log_head"), Some(head as f64));
        assert!(
            !page.contains("no-such"),
            "paths a client sent never become labels"
        );

        // Another process appends; this instance (which does not follow here) holds less than
        // the store: not ready until it catches up.
        let other = Registrar::open(&db.url).await.unwrap();
        other
            .submit_batch(protocols[100..110].to_vec())
            .await
            .unwrap();
        let r = client.get(format!("{base}/ready")).send().await.unwrap();
        assert_eq!(r.status(), 503, "{}", db.backend());
        let problem: Value = r.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("catching up"),
            "{problem}"
        );
        registrar.catch_up().await.unwrap();
        let r = client.get(format!("{base}/ready")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
}
