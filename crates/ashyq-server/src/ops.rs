//! What an operator of the servers watches: `/health` (the process answers), `/ready` (the
//! database answers and this instance has taken in the whole public log, so a load balancer
//! sends it traffic) and `/metrics` (Prometheus text format, from the `prometheus-client`
//! crate: requests by route and status, their latency, the log head, write latency and the
//! writes waiting, and how many instances follow the log on PostgreSQL).
//!
//! Metrics carry route templates (`/api/v1/results/{id}`), never the path a client sent, so
//! no identifier of a person or a token can reach them.

use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use serde_json::json;

use crate::AppState;
use crate::problem::Problem;

/// The labels of a request's metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// The labels of a latency: the route only (one histogram per route).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

fn latency_histogram() -> Histogram {
    // 0.1 ms to about 13 s.
    Histogram::new(exponential_buckets(0.000_1, 2.0, 18))
}

/// This instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    log_head: Gauge,
    followers: Gauge,
    /// Writes handed to the write runtime and not yet answered.
    pub(crate) writes_waiting: Gauge<i64, AtomicI64>,
    /// How long each write took on the write runtime, from hand-over to answer.
    pub(crate) write_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ashyq");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            requests.clone(),
        );
        let latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            latency.clone(),
        );
        let log_head = Gauge::default();
        registry.register(
            "log_head",
            "Sequence number of the last public-log entry this instance holds",
            log_head.clone(),
        );
        let followers = Gauge::default();
        registry.register(
            "log_followers",
            "Instances listening for new heads on the database (PostgreSQL; 0 on SQLite)",
            followers.clone(),
        );
        let writes_waiting = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "writes_waiting",
            "Writes handed to the write runtime and not yet answered (the queue depth)",
            writes_waiting.clone(),
        );
        let write_seconds = latency_histogram();
        registry.register(
            "write_duration_seconds",
            "Time of a write on the write runtime: decision, append and commit",
            write_seconds.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            log_head,
            followers,
            writes_waiting,
            write_seconds,
        }
    }
}

/// Counts every request and times it, under its route template.
pub(crate) async fn measure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(req).await;
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /health`: the process answers.
pub(crate) async fn health() -> Response {
    axum::Json(json!({"status": "alive"})).into_response()
}

/// `GET /ready`: the database answers and this instance holds the whole public log. 503 with
/// a problem document saying which, otherwise.
pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    let stored = match state.registrar.journal().stored_head().await {
        Ok(h) => h,
        Err(e) => {
            return Problem::unavailable(format!(
                "not ready: the database does not answer ({e}); check --database-url and the database server"
            ))
            .into_response();
        }
    };
    let held = state.registrar.ledger().head().map_or(0, |(s, _)| s);
    if held < stored {
        return Problem::unavailable(format!(
            "not ready: this instance holds the public log up to entry {held} of {stored}; it is catching up"
        ))
        .into_response();
    }
    axum::Json(
        json!({"status": "ready", "log_head": held, "backend": state.registrar.store().backend()}),
    )
    .into_response()
}

/// `GET /metrics`: the Prometheus text format.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    m.log_head
        .set(state.registrar.ledger().head().map_or(0, |(s, _)| s) as i64);
    if let Ok(n) = state.registrar.store().log_followers().await {
        m.followers.set(n);
    }
    let mut text = String::new();
    // Writing into a String cannot fail: `fmt::Write` for String always succeeds.
    let _ = prometheus_client::encoding::text::encode(&mut text, &m.registry);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Times a write and counts it as waiting until it is answered.
pub(crate) struct WriteTimer {
    metrics: Arc<Metrics>,
    started: Instant,
}

impl WriteTimer {
    pub(crate) fn start(metrics: &Arc<Metrics>) -> Self {
        metrics.writes_waiting.inc();
        WriteTimer {
            metrics: metrics.clone(),
            started: Instant::now(),
        }
    }
}

impl Drop for WriteTimer {
    fn drop(&mut self) {
        self.metrics.writes_waiting.dec();
        self.metrics
            .write_seconds
            .observe(self.started.elapsed().as_secs_f64());
    }
}
