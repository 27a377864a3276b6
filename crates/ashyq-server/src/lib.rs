//! # ashyq-server
//!
//! The HTTP API over a [`Registrar`]: results at every level in JSON and CSV, a precinct's
//! protocol and history, and the event log as JSON Lines. Until the web UI exists, `/` answers
//! with a JSON index of what is served.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;

use ashyq_core::ledger::LedgerError;
use ashyq_core::referendum::ReferendumId;
use ashyq_core::report::{self, Level, RegionDocument, ResultsDocument};
use ashyq_core::territory::PrecinctId;
use ashyq_store::registrar::Registrar;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

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

type AppState = Arc<Registrar>;

/// The routes.
pub fn router(registrar: Arc<Registrar>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/health", get(|| async { "ok" }))
        .route("/api/v1/referendums", get(referendums))
        .route("/api/v1/referendums/{id}/results", get(results))
        .route("/api/v1/referendums/{id}/results/tree", get(results_tree))
        .route("/api/v1/referendums/{id}/results.csv", get(results_csv))
        .route("/api/v1/referendums/{id}/regions/{code}", get(region))
        .route("/api/v1/referendums/{id}/precincts/{number}", get(precinct))
        .route("/api/v1/log", get(log))
        .fallback(|| async { ApiError::not_found("no such page; see / for what is served".into()) })
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(registrar)
}

/// Binds `listen`, calls `on_ready` with the bound address, and serves until Ctrl-C.
pub async fn serve(
    registrar: Arc<Registrar>,
    listen: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    on_ready(addr);
    axum::serve(listener, router(registrar))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// An error answer: a status and a message that says how to fix the request.
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn not_found(message: String) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message,
        }
    }
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> Self {
        let status = match e {
            LedgerError::UnknownReferendum { .. }
            | LedgerError::UnknownPrecinct(_)
            | LedgerError::NoTerritory => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError {
            status,
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({ "status": self.status.as_u16(), "detail": self.message })),
        )
            .into_response()
    }
}

async fn index(State(reg): State<AppState>) -> impl IntoResponse {
    let ledger = reg.ledger();
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
        "log_entries": ledger.head().map_or(0, |h| h.0),
        "referendums": referendums,
    }))
}

async fn referendums(State(reg): State<AppState>) -> impl IntoResponse {
    let ledger = reg.ledger();
    let list: Vec<_> = ledger
        .referendums()
        .map(|r| {
            json!({
                "id": r.definition.id,
                "title": r.definition.title,
                "question": r.definition.question,
                "voting_day": r.definition.voting_day,
                "certified": r.certification().is_some(),
            })
        })
        .collect();
    axum::Json(list)
}

async fn results(
    State(reg): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let tree = reg.ledger().results(&ReferendumId(id))?;
    Ok(axum::Json(ResultsDocument::of(&tree)).into_response())
}

async fn results_tree(
    State(reg): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let tree = reg.ledger().results(&ReferendumId(id))?;
    Ok(axum::Json(tree).into_response())
}

#[derive(Deserialize)]
struct LevelQuery {
    level: Option<String>,
}

async fn results_csv(
    State(reg): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LevelQuery>,
) -> Result<Response, ApiError> {
    let level = match q.level.as_deref() {
        None | Some("district") => Level::District,
        Some("region") => Level::Region,
        Some("national") => Level::National,
        Some(other) => {
            return Err(ApiError {
                status: StatusCode::BAD_REQUEST,
                message: format!("level {other:?} is not one of national, region, district"),
            });
        }
    };
    let tree = reg.ledger().results(&ReferendumId(id))?;
    let body = report::results_csv(&tree, level);
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

async fn region(
    State(reg): State<AppState>,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let tree = reg.ledger().results(&ReferendumId(id))?;
    let doc = RegionDocument::of(&tree, &code).ok_or_else(|| {
        let codes: Vec<&str> = tree.regions.iter().map(|r| r.code.0.as_str()).collect();
        ApiError::not_found(format!("no region {code:?}; regions: {}", codes.join(", ")))
    })?;
    Ok(axum::Json(doc).into_response())
}

async fn precinct(
    State(reg): State<AppState>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let number: u32 = number.parse().map_err(|_| ApiError {
        status: StatusCode::BAD_REQUEST,
        message: format!("{number:?} is not a precinct number; use a whole number such as 1"),
    })?;
    let ledger = reg.ledger();
    let id = ReferendumId(id);
    let p = PrecinctId(number);
    let applied = ledger.applied(&id, p)?;
    let history = ledger.history(&id, p)?;
    let info = ledger
        .territory()
        .and_then(|t| t.precincts.iter().find(|x| x.id == p));
    Ok(axum::Json(json!({
        "referendum": id,
        "precinct": info,
        "applied": applied,
        "history": history,
    }))
    .into_response())
}

/// The whole event log as JSON Lines, streamed page by page from the store.
async fn log(State(reg): State<AppState>) -> Response {
    let stream = log_pages(reg);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/jsonl; charset=utf-8"),
        )],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Pages of the log as JSON Lines, read by a task so the response streams as it is read.
fn log_pages(
    reg: AppState,
) -> tokio_stream::wrappers::ReceiverStream<Result<Vec<u8>, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut after = 0u64;
        loop {
            match reg.store().entries_after(after, 2_000).await {
                Ok(page) if page.is_empty() => break,
                Ok(page) => {
                    after = page.last().map_or(after, |e| e.seq);
                    let mut buf = Vec::new();
                    for e in &page {
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
