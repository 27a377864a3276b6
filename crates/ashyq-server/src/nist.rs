//! Results in the NIST SP 1500-100 v2 Common Data Format: `results.nist.json` and
//! `results.nist.xml` of every referendum and every election, precinct-level or a summary.
//! Served like every other read: a function of the head, with its ETag, cached per head.

use ashyq_core::ledger::Ledger;
use ashyq_core::nist::build::Issuer;
use ashyq_core::nist::from_ledger::{self, ReportError};
use ashyq_core::nist::{ReportDetailLevel, xml};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;
use crate::read::{cached, referendum_id};

const XML: &str = "application/xml; charset=utf-8";

/// The detail of a NIST report.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NistLevel {
    /// Counts for every precinct (the CDF's `precinct-level`).
    Precinct,
    /// The contest's totals only (`summary-contest`).
    Summary,
}

/// The detail of a NIST report.
#[derive(Deserialize, IntoParams)]
pub struct NistQuery {
    /// `precinct` (the default) or `summary`.
    #[param(inline)]
    level: Option<NistLevel>,
}

impl From<ReportError> for Problem {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Ledger(e) => e.into(),
            ReportError::Contest(m) => Problem::not_found(m),
            ReportError::Empty => Problem::not_found(e.to_string()),
            // The ledger's figures always fit its territory; this names the bug if not.
            ReportError::Nist(e) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server-error",
                e.to_string(),
            ),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Json,
    Xml,
}

fn render(
    ledger: &Ledger,
    id: &str,
    level: ReportDetailLevel,
    form: Form,
) -> Result<(&'static str, Vec<u8>), Problem> {
    let report = from_ledger::report(ledger, Some(id), level, &Issuer::default())?;
    Ok(match form {
        Form::Json => crate::read::to_json(&report)?,
        Form::Xml => (XML, xml::to_xml(&report).into_bytes()),
    })
}

async fn serve(
    state: AppState,
    headers: HeaderMap,
    id: String,
    q: NistQuery,
    form: Form,
    check: fn(&Ledger, &str) -> Result<(), Problem>,
) -> Result<Response, Problem> {
    let level = match q.level {
        None | Some(NistLevel::Precinct) => ReportDetailLevel::PrecinctLevel,
        Some(NistLevel::Summary) => ReportDetailLevel::SummaryContest,
    };
    let ext = if form == Form::Json { "json" } else { "xml" };
    let key = format!("nist/{id}/{}/{ext}", level.token());
    cached(&state, &headers, key, |l| {
        check(l, &id)?;
        render(l, &id, level, form)
    })
    .await
}

fn a_referendum(l: &Ledger, id: &str) -> Result<(), Problem> {
    l.referendum(&referendum_id(id))?;
    Ok(())
}

fn an_election(l: &Ledger, id: &str) -> Result<(), Problem> {
    l.election(&referendum_id(id))?;
    Ok(())
}

/// A referendum's result as a NIST SP 1500-100 v2 `ElectionReport` in JSON (a
/// `BallotMeasureContest`; see docs/open-data.md).
#[utoipa::path(get, path = "/api/v1/referendums/{id}/results.nist.json", tag = "results",
    params(("id" = String, Path, description = "Referendum id"), NistQuery),
    responses(
        (status = 200, description = "The report, valid against the CDF's JSON Schema", body = Object),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown level"),
        (status = 404, description = "No such referendum")))]
pub async fn referendum_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<NistQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    serve(state, headers, id, q, Form::Json, a_referendum).await
}

/// A referendum's result as a NIST SP 1500-100 v2 `ElectionReport` in XML.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/results.nist.xml", tag = "results",
    params(("id" = String, Path, description = "Referendum id"), NistQuery),
    responses(
        (status = 200, description = "The report, valid against the CDF's XSD", body = String, content_type = "application/xml"),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown level"),
        (status = 404, description = "No such referendum")))]
pub async fn referendum_xml(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<NistQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    serve(state, headers, id, q, Form::Xml, a_referendum).await
}

/// An election's count and seats as a NIST SP 1500-100 v2 `ElectionReport` in JSON (a
/// `PartyContest` with its `Party` records and the seats won).
#[utoipa::path(get, path = "/api/v1/elections/{id}/results.nist.json", tag = "elections",
    params(("id" = String, Path, description = "Election id"), NistQuery),
    responses(
        (status = 200, description = "The report, valid against the CDF's JSON Schema", body = Object),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown level"),
        (status = 404, description = "No such election")))]
pub async fn election_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<NistQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    serve(state, headers, id, q, Form::Json, an_election).await
}

/// An election's count and seats as a NIST SP 1500-100 v2 `ElectionReport` in XML.
#[utoipa::path(get, path = "/api/v1/elections/{id}/results.nist.xml", tag = "elections",
    params(("id" = String, Path, description = "Election id"), NistQuery),
    responses(
        (status = 200, description = "The report, valid against the CDF's XSD", body = String, content_type = "application/xml"),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown level"),
        (status = 404, description = "No such election")))]
pub async fn election_xml(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<NistQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    serve(state, headers, id, q, Form::Xml, an_election).await
}
