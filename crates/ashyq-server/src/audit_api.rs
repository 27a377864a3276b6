//! Risk-limiting audits in the API: anyone reads each audit's status and report (JSON, CSV),
//! and audit boards enter their counts (`POST /api/v1/audits/{id}/entries`, the one write
//! path, the `audit board` role scoped to its region). Reads are functions of the head,
//! cached per head like every other.

use ashyq_core::audit::record::AuditEntry;
use ashyq_core::audit::report::{AuditReport, Conclusion};
use ashyq_core::audit::{HandCount, Reading, parse_ballot_id};
use ashyq_core::ledger::Ledger;
use ashyq_core::operator::{Action, Role};
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::read::{cached, to_json};
use crate::write::Recorded;
use crate::writes::operator_write;

const CSV: &str = "text/csv; charset=utf-8";

/// One audit in the list.
#[derive(Serialize, ToSchema)]
pub struct AuditSummary {
    /// The audit's id.
    pub audit: String,
    /// The referendum audited.
    pub referendum: String,
    /// `batch_comparison`, `ballot_polling` (BRAVO) or `ballot_polling_alpha` (ALPHA): the
    /// method of every contest the report does not give another (each contest of the report
    /// names its own).
    pub method: String,
    /// The risk limit in whole percent.
    pub risk_limit: u8,
    /// Rounds drawn.
    pub rounds_drawn: u32,
    /// Contests confirmed.
    pub confirmed: usize,
    /// Contests in all.
    pub contests: usize,
}

fn report(l: &Ledger, id: &str) -> Result<AuditReport, Problem> {
    if l.audit(id).is_err() {
        return Err(Problem::not_found(format!(
            "no audit {:?}; the list is at /api/v1/audits",
            id.chars().take(64).collect::<String>()
        )));
    }
    l.audit_report(id).map_err(Problem::from)
}

/// Every audit: its referendum, method, risk limit, rounds and how many contests are confirmed.
#[utoipa::path(get, path = "/api/v1/audits", tag = "audits",
    responses(
        (status = 200, description = "The audits", body = [AuditSummary]),
        (status = 304, description = "Not modified since the ETag given")))]
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Problem> {
    cached(&state, &headers, "audits".into(), |l| {
        let mut out = Vec::new();
        for a in l.audits() {
            let r = report(l, &a.id)?;
            out.push(AuditSummary {
                method: serde_json::to_value(r.method)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                audit: r.audit.clone(),
                referendum: r.referendum.0.clone(),
                risk_limit: r.risk_limit.as_percent(),
                rounds_drawn: r.rounds_drawn,
                confirmed: r
                    .contests
                    .iter()
                    .filter(|c| c.conclusion == Conclusion::Confirmed)
                    .count(),
                contests: r.contests.len(),
            });
        }
        to_json(&out)
    })
    .await
}

/// One audit's status and report: per contest the risk limit, the seed, the sample, each
/// board member's entries, the discrepancies, the risk per round and the conclusion (the
/// same JSON as `ashyq audit report --out FILE.json`).
#[utoipa::path(get, path = "/api/v1/audits/{id}", tag = "audits",
    params(("id" = String, Path, description = "The audit's id")),
    responses(
        (status = 200, description = "The report", body = Object),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 404, description = "No such audit")))]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("audit/{id}"), |l| {
        to_json(&report(l, &id)?)
    })
    .await
}

/// One audit's report as CSV, one row a draw (as `ashyq audit report --out FILE.csv`).
#[utoipa::path(get, path = "/api/v1/audits/{id}/report.csv", tag = "audits",
    params(("id" = String, Path, description = "The audit's id")),
    responses(
        (status = 200, description = "The report", body = String, content_type = "text/csv"),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 404, description = "No such audit")))]
pub async fn report_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("audit/{id}/csv"), |l| {
        Ok((CSV, report(l, &id)?.to_csv().into_bytes()))
    })
    .await
}

/// A board member's entry for a sampled item.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    /// The sampled item: a precinct number (`1234`) or a ballot (`1234:17`).
    pub item: String,
    /// A precinct's hand count (batch comparison).
    pub count: Option<CountBody>,
    /// A ballot's reading: `yes`, `no`, `both_marked`, `invalid` or `not_found` (ballot
    /// polling).
    pub reading: Option<String>,
}

/// A precinct's hand count.
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct CountBody {
    /// Yes.
    pub yes: u64,
    /// No.
    pub no: u64,
    /// Both answers marked.
    pub both_marked: u64,
    /// Invalid.
    pub invalid: u64,
}

/// What an entry recorded.
#[derive(Serialize, ToSchema)]
pub struct EntryRecorded {
    /// The entry in the log.
    pub entry: Recorded,
    /// Whether two members now agree on the item.
    pub agreed: bool,
    /// Whether members disagree and none agree yet.
    pub disputed: bool,
    /// The round's measurement, when this entry completed the round.
    pub measured: Option<Recorded>,
}

/// Enters a board member's hand count of a sampled precinct, or reading of a sampled ballot.
/// Audit boards of the item's region (and central operators, as a central board) only; two
/// different members must enter the same value for the item to be agreed, and the round is
/// measured when every item is. A refusal names the rule; nothing is recorded.
#[utoipa::path(post, path = "/api/v1/audits/{id}/entries", tag = "audits",
    params(("id" = String, Path, description = "The audit's id")),
    request_body(content = EntryRequest, description = "e.g. {\"item\":\"1234\",\"count\":{\"yes\":412,\"no\":57,\"both_marked\":2,\"invalid\":6}}", content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = EntryRecorded),
        (status = 400, description = "Not an entry"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an audit board, or outside its territory"),
        (status = 404, description = "No such audit"),
        (status = 422, description = "Refused by a rule of the audit (named)")))]
pub async fn enter(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    body: String,
) -> Result<Response, Problem> {
    let req: EntryRequest = serde_json::from_str(&body).map_err(|e| {
        Problem::bad_request(format!(
            "not an entry: {e}; send {{\"item\":\"1234\",\"count\":{{\"yes\":…,\"no\":…,\"both_marked\":…,\"invalid\":…}}}} or {{\"item\":\"1234:17\",\"reading\":\"yes\"}}"
        ))
    })?;
    let entry = match (req.count, req.reading.as_deref()) {
        (Some(c), None) => AuditEntry::Precinct {
            count: HandCount {
                yes: c.yes,
                no: c.no,
                both_marked: c.both_marked,
                invalid: c.invalid,
            },
        },
        (None, Some(r)) => AuditEntry::Ballot {
            reading: Reading::parse(r).ok_or_else(|| {
                Problem::bad_request("reading must be yes, no, both_marked, invalid or not_found")
            })?,
        },
        _ => {
            return Err(Problem::bad_request(
                "give exactly one of count (a precinct's hand count) and reading (a ballot's)",
            ));
        }
    };
    let item = req.item.trim().to_owned();
    let precinct = match parse_ballot_id(&item) {
        Some((p, _)) => p,
        None => item.parse().map_err(|_| {
            Problem::bad_request("item must be a precinct number (1234) or a ballot (1234:17)")
        })?,
    };
    if state.registrar.ledger().audit(&id).is_err() {
        return Err(Problem::not_found(format!(
            "no audit {:?}; the list is at /api/v1/audits",
            id.chars().take(64).collect::<String>()
        )));
    }
    let board = match &who.account.role {
        Role::AuditBoard { region } => Some(region.clone()),
        _ => None,
    };
    let author = who.author();
    let detail = format!("entry of {item} in audit {id}");
    let (audit, it) = (id.clone(), item.clone());
    let out = operator_write(
        &state,
        &who,
        Action::EnterAuditCount {
            precinct: PrecinctId(precinct),
        },
        &detail,
        |reg| async move {
            reg.enter_audit(&audit, &it, entry, board.as_ref(), author)
                .await
                .map_err(Problem::from)
        },
    )
    .await?;
    let (agreed, disputed) = {
        let l = state.registrar.ledger();
        let a = l.audit(&id).map_err(Problem::from)?;
        (a.agreed(&item).is_some(), a.disputed(&item))
    };
    let body = EntryRecorded {
        entry: Recorded::from(out.entry),
        agreed,
        disputed,
        measured: out.measured.map(Recorded::from),
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}
