//! # ashyq-server
//!
//! The HTTP API over a [`Registrar`]: results at every level in JSON and CSV, a precinct's
//! protocol and history, elections and seats, live progress as Server-Sent Events, and the
//! event log as JSON Lines. The OpenAPI 3.1 document (`/api/v1/openapi.json`) is generated
//! from the handlers; `/api/v1/docs` renders it. Every error is an RFC 9457 problem document.
//! The web pages (`web`) are served at `/`; `/api/v1` answers with a JSON index of the API.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;

mod api_schema;
mod audit_api;
pub mod auth;
pub mod consult;
mod consult_api;
mod cookies;
pub mod dev_idp;
pub mod downloads;
mod events;
pub mod headers;
mod kurultai_api;
pub mod limits;
pub mod mirror;
mod nist;
mod openapi;
mod operators;
mod ops;
mod president_api;
pub mod problem;
mod read;
pub mod secret_file;
pub mod signin;
mod throttle;
pub mod transparency;
pub mod web;
mod write;
mod writes;

use ashyq_core::keys::{Commission, CommissionSigningKey};
use ashyq_core::report::ResultsDocument;
use ashyq_store::registrar::Registrar;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address could not be bound.
    #[error(
        "cannot listen on {addr}: {source}; is another program using the port? choose another with --listen"
    )]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Serve(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The write path and the in-memory ledger.
    pub registrar: Arc<Registrar>,
    /// Rendered answers of the current head.
    cache: Arc<read::ResponseCache>,
    /// The OpenAPI document, built once.
    openapi: Arc<utoipa::openapi::OpenApi>,
    /// The transparency log's signing key (the central commission's log key).
    pub log_key: Arc<CommissionSigningKey>,
    /// How the server behaves.
    pub config: Arc<ServerConfig>,
    /// The executor of writes.
    writes: Arc<writes::WriteExecutor>,
    /// The public consultation, when this server serves one.
    pub consult: Option<Arc<consult::ConsultService>>,
    /// This instance's metrics (`/metrics`).
    metrics: Arc<ops::Metrics>,
    /// The signed datasets' snapshots (`/downloads`).
    downloads: Arc<downloads::Downloads>,
    /// The territory prepared for the precinct search of `/voter`, once it is loaded (a
    /// territory never changes once loaded).
    finder: Arc<std::sync::OnceLock<ashyq_core::territory::search::PrecinctFinder>>,
    /// The Kurultai's bill tracker's search index, brought up to date with the ledger when
    /// searched.
    bill_search: Arc<web::kurultai::BillSearch>,
}

/// The largest request body accepted (a signed protocol is a few kilobytes).
pub const BODY_LIMIT: usize = 256 * 1024;

/// How the server behaves beyond its routes.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// The rate limit per client address; `None` turns it off (benchmarks on loopback).
    pub rate_limit: Option<limits::RateLimit>,
    /// The key that signs tree heads and receipts. `None`: a new key for this process only
    /// (tests) — receipts then cannot be checked after a restart, so `ashyq serve` always
    /// gives one (`transparency::load_or_create_log_key`).
    pub log_key: Option<Arc<CommissionSigningKey>>,
    /// Mark the session cookie `Secure` (when the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// The public consultation to serve (pages under `/consult`, API under `/api/v1/consult`).
    pub consult: Option<Arc<consult::ConsultService>>,
    /// The development identity provider to serve under `/dev-idp` (demo and development
    /// only: anyone can sign in as any test person); the consultation signs in with it when
    /// its configuration names [`dev_idp::DevIdp::provider`].
    pub dev_idp: Option<Arc<dev_idp::DevIdp>>,
    /// The server runs behind a reverse proxy: the client address is the last one of
    /// `X-Forwarded-For` (rate limits and sign-in throttling count per client).
    pub behind_proxy: bool,
    /// The delays after failed sign-ins (shared by every instance through the database).
    pub throttle: ashyq_core::throttle::SignInThrottle,
    /// How long a rendered result stands after the log's head moved on: a burst of group
    /// commits within it costs one render per answer, not one per commit. Zero (the
    /// default here) renders every head; `ashyq serve` uses 250 ms
    /// (`--publish-interval-ms`).
    pub publish_interval: std::time::Duration,
    /// How long a snapshot of the signed datasets (`/downloads`) stands after the log's head
    /// moved on before the next request builds a new one. Zero (the default here) builds one
    /// at every head; `ashyq serve` uses 30 s (`--downloads-interval-ms`).
    pub downloads_interval: std::time::Duration,
}

impl ServerConfig {
    /// The defaults: a rate limit of [`limits::RateLimit::default`] per client.
    pub fn standard() -> Self {
        ServerConfig {
            rate_limit: Some(limits::RateLimit::default()),
            ..ServerConfig::default()
        }
    }

    /// The defaults with this log key.
    pub fn with_log_key(key: CommissionSigningKey) -> Self {
        ServerConfig {
            log_key: Some(Arc::new(key)),
            ..ServerConfig::standard()
        }
    }
}

/// The routes, with the standard configuration.
pub fn router(registrar: Arc<Registrar>) -> Router {
    router_with(registrar, &ServerConfig::standard())
}

/// The routes.
pub fn router_with(registrar: Arc<Registrar>, config: &ServerConfig) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(read::referendums))
        .routes(routes!(read::results))
        .routes(routes!(read::results_tree))
        .routes(routes!(read::results_csv))
        .routes(routes!(read::region))
        .routes(routes!(read::precinct))
        .routes(routes!(read::elections))
        .routes(routes!(president_api::election_results))
        .routes(routes!(read::election_seats))
        .routes(routes!(president_api::round))
        .routes(routes!(president_api::candidates))
        .routes(routes!(president_api::precinct))
        .routes(routes!(nist::referendum_json))
        .routes(routes!(nist::referendum_xml))
        .routes(routes!(nist::election_json))
        .routes(routes!(nist::election_xml))
        .routes(routes!(downloads::listing))
        .routes(routes!(events::events))
        .routes(routes!(log))
        .routes(routes!(transparency::log_key))
        .routes(routes!(transparency::head))
        .routes(routes!(transparency::head_at))
        .routes(routes!(transparency::inclusion))
        .routes(routes!(transparency::consistency))
        .routes(routes!(transparency::entries))
        .routes(routes!(write::submit_protocol))
        .routes(routes!(write::submit_presidential_protocol))
        .routes(routes!(write::amend))
        .routes(routes!(write::dismiss))
        .routes(routes!(write::certify))
        .routes(routes!(write::review))
        .routes(routes!(write::keys, write::change_key))
        .routes(routes!(
            operators::sign_in,
            operators::whoami,
            operators::sign_out
        ))
        .routes(routes!(operators::create_token))
        .routes(routes!(operators::operators, operators::create_operator))
        .routes(routes!(operators::change_operator))
        .routes(routes!(operators::audit_trail))
        .routes(routes!(consult_api::summary))
        .routes(routes!(consult_api::act))
        .routes(routes!(consult_api::article))
        .routes(routes!(consult_api::compare))
        .routes(routes!(consult_api::proposals))
        .routes(routes!(consult_api::proposal))
        .routes(routes!(consult_api::meetings))
        .routes(routes!(consult_api::meeting))
        .routes(routes!(audit_api::list))
        .routes(routes!(audit_api::show))
        .routes(routes!(audit_api::report_csv))
        .routes(routes!(audit_api::enter))
        .routes(routes!(kurultai_api::record_step))
        .routes(routes!(kurultai_api::popolo))
        .routes(routes!(kurultai_api::votes_csv))
        .routes(routes!(kurultai_api::bill_akn))
        .routes(routes!(kurultai_api::debate_akn))
        .split_for_parts();
    let mut openapi = openapi;
    openapi::complete(&mut openapi);
    let log_key = config.log_key.clone().unwrap_or_else(|| {
        let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
        Arc::new(CommissionSigningKey::generate(
            Commission::Central,
            &mut rng,
        ))
    });
    let state = AppState {
        registrar,
        cache: Arc::default(),
        openapi: Arc::new(openapi),
        log_key,
        config: Arc::new(config.clone()),
        writes: Arc::new(writes::WriteExecutor::new()),
        consult: config.consult.clone(),
        metrics: Arc::default(),
        downloads: Arc::default(),
        finder: Arc::default(),
        bill_search: Arc::default(),
    };
    let mut pages = web::routes();
    if let Some(idp) = &config.dev_idp {
        pages = pages.merge(dev_idp::routes(idp.clone()));
    }
    let mut app = Router::new()
        .route("/api/v1", get(index))
        .merge(pages)
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/metrics", get(ops::metrics))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/docs", get(docs))
        .merge(api)
        .fallback(web::fallback)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::measure,
        ))
        .with_state(state);
    if let Some(limit) = config.rate_limit {
        app = app.layer(axum::middleware::from_fn_with_state(
            limits::Limiter::new(limit, config.behind_proxy),
            limits::limit,
        ));
    }
    app.layer(axum::middleware::from_fn(problem::problems_everywhere))
        .layer(axum::middleware::from_fn_with_state(
            headers::SecurityHeaders::of(config),
            headers::security_headers,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                // The path only: a query string may carry a sign-in code or a form token,
                // which never reach the logs.
                |req: &axum::http::Request<Body>| {
                    tracing::debug_span!("request", method = %req.method(), path = req.uri().path())
                },
            ),
        )
        .layer(tower_http::compression::CompressionLayer::new())
}

async fn openapi_json(State(state): State<AppState>) -> Response {
    axum::Json(state.openapi.as_ref().clone()).into_response()
}

async fn docs(State(state): State<AppState>) -> Response {
    openapi::page(&state.openapi).into_response()
}

/// Binds `listen`, calls `on_ready` with the bound address, and serves with the standard
/// configuration until Ctrl-C.
pub async fn serve(
    registrar: Arc<Registrar>,
    listen: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    serve_with(registrar, listen, ServerConfig::standard(), on_ready).await
}

/// [`serve`] with a configuration.
pub async fn serve_with(
    registrar: Arc<Registrar>,
    listen: SocketAddr,
    config: ServerConfig,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    if let Some(c) = &config.consult {
        // Listening on every address: browsers on this machine reach it at the loopback one.
        let reachable = if addr.ip().is_unspecified() {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
        } else {
            addr
        };
        c.set_default_origin(format!("http://{reachable}"));
    }
    on_ready(addr);
    let app = router_with(registrar, &config);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

async fn index(State(state): State<AppState>) -> impl IntoResponse {
    let ledger = state.registrar.ledger();
    let referendums: Vec<_> = ledger
        .referendums()
        .filter_map(|r| ledger.results(&r.definition.id).ok())
        .map(|tree| {
            let id = tree.referendum.0.clone();
            json!({
                "id": id,
                "result": ResultsDocument::of(&tree).national,
                "links": {
                    "results": format!("/api/v1/referendums/{id}/results"),
                    "results_tree": format!("/api/v1/referendums/{id}/results/tree"),
                    "results_csv": format!("/api/v1/referendums/{id}/results.csv?level=district"),
                    "region_example": format!("/api/v1/referendums/{id}/regions/KZ-43"),
                    "precinct_example": format!("/api/v1/referendums/{id}/precincts/1"),
                }
            })
        })
        .collect();
    axum::Json(json!({
        "name": "ashyq",
        "about": "Open, verifiable results. Every number here can be re-derived from the event log with `ashyq verify`.",
        "log": "/api/v1/log",
        "api": "/api/v1/docs",
        "openapi": "/api/v1/openapi.json",
        "events": "/api/v1/events",
        "consultation": "/api/v1/consult",
        "log_entries": ledger.head().map_or(0, |h| h.0),
        "referendums": referendums,
    }))
}

/// The whole event log as JSON Lines (one entry per line), streamed page by page from the
/// store: the input of `ashyq verify`.
#[utoipa::path(get, path = "/api/v1/log", tag = "log",
    responses((status = 200, description = "Every log entry, one JSON object per line", content_type = "application/jsonl", body = String)))]
async fn log(State(state): State<AppState>) -> Response {
    let stream = log_pages(state.registrar.clone(), None);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/jsonl; charset=utf-8"),
        )],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Pages of the log as JSON Lines, up to entry `upto` (all of it without), read by a task so
/// the response streams as it is read.
pub(crate) fn log_pages(
    reg: Arc<Registrar>,
    upto: Option<u64>,
) -> tokio_stream::wrappers::ReceiverStream<Result<Vec<u8>, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut after = 0u64;
        while upto.is_none_or(|n| after < n) {
            match reg.store().entries_after(after, 2_000).await {
                Ok(page) if page.is_empty() => break,
                Ok(page) => {
                    after = page.last().map_or(after, |e| e.seq);
                    let mut buf = Vec::new();
                    for e in page.iter().take_while(|e| upto.is_none_or(|n| e.seq <= n)) {
                        buf.extend_from_slice(e.to_json_line().as_bytes());
                        buf.push(b'\n');
                    }
                    if tx.send(Ok(buf)).await.is_err() {
                        break;
                    }
                }
                Err(e) => {
                    tracing::error!("log export failed: {e}");
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    break;
                }
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}
