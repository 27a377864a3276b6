//! The presidential election's API under `/api/v1/elections/{id}/…`: the candidates with their
//! registration record, a round's result (national, per region with the leading candidate and
//! turnout for the map, the outcome with its reason, the link between the two rounds), and a
//! precinct's protocol for the drill-down. Read-only, cached per log head like every read.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{Ledger, NomineeStatus};
use ashyq_core::president::{CandidateVotes, PresidentialOutcome, PresidentialTotals};
use ashyq_core::share::Share;
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::problem::Problem;
use crate::read::{cached, referendum_id, to_json};

/// The candidates as an object in ballot order: name → votes.
fn candidate_map(votes: &[CandidateVotes]) -> Value {
    let mut m = Map::new();
    for v in votes {
        m.insert(v.candidate.clone(), json!(v.votes));
    }
    Value::Object(m)
}

fn figures(t: &PresidentialTotals) -> Value {
    json!({
        "precincts": t.precincts,
        "precincts_reported": t.precincts_reported,
        "eligible": t.eligible(),
        "participated": t.took_part(),
        "turnout_percent": Share::new(t.took_part(), t.eligible()).percent(2),
        "candidates": candidate_map(&t.votes),
        "against_all": t.against_all,
        "invalid": t.invalid,
        "leader": t.leader(),
    })
}

/// A round's result as JSON: the figures of the issue (`eligible`, `participated`,
/// `candidates`, `against_all`, `invalid`, `outcome`), the status, each region's figures with
/// its leading candidate and turnout, and the other round.
pub(crate) fn round_json(l: &Ledger, id: &ContestId) -> Result<(&'static str, Vec<u8>), Problem> {
    let p = l.presidential(id)?;
    let r = l.presidential_results(id)?;
    let mut doc = figures(&r.national);
    let outcome: Option<PresidentialOutcome> = r.outcome.clone();
    doc["election"] = json!(id);
    doc["title"] = json!(p.definition.title);
    doc["election_day"] = json!(p.definition.election_day.to_string());
    doc["status"] = json!(r.status);
    doc["open_conflicts"] = json!(r.open_conflicts);
    doc["outcome"] = json!(outcome);
    doc["first_round"] = json!(
        p.definition
            .second_round_of
            .as_ref()
            .map(|s| s.first_round.clone())
    );
    doc["second_round"] = json!(p.second_round());
    doc["regions"] = Value::Array(
        r.regions
            .iter()
            .map(|g| {
                let mut v = figures(&g.totals);
                v["code"] = json!(g.code);
                v["name"] = json!(g.name);
                v
            })
            .collect(),
    );
    to_json(&doc)
}

/// A round's result: the national figures and outcome, each region with its leading candidate
/// and turnout (the map's tiles), and the link to the other round.
#[utoipa::path(get, path = "/api/v1/elections/{id}/round", tag = "president",
    params(("id" = String, Path, description = "The round's contest id")),
    responses(
        (status = 200, description = "The round's result", body = Object),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such presidential election")))]
pub async fn round(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("president/{id}"), |l| {
        round_json(l, &referendum_id(&id))
    })
    .await
}

/// The nominees with their registration record: the nominator, every criterion with its
/// reason, the signature decision, and registration, refusal or withdrawal. IINs masked.
#[utoipa::path(get, path = "/api/v1/elections/{id}/candidates", tag = "president",
    params(("id" = String, Path, description = "The round's contest id")),
    responses(
        (status = 200, description = "The nominees in order of nomination", body = Object),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such presidential election")))]
pub async fn candidates(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("president-candidates/{id}"), |l| {
        let p = l.presidential(&referendum_id(&id))?;
        let ballot = p.ballot();
        let nominees: Vec<Value> = p
            .nominees
            .iter()
            .map(|n| {
                let (criteria, signatures, withdrawn_on) = match &n.status {
                    NomineeStatus::Nominated => (None, None, None),
                    NomineeStatus::Registered {
                        criteria,
                        signatures,
                    } => (Some(criteria), Some(signatures), None),
                    NomineeStatus::Refused {
                        criteria,
                        signatures,
                    } => (Some(criteria), signatures.as_ref(), None),
                    NomineeStatus::Withdrawn { on } => (None, None, Some(on.to_string())),
                };
                json!({
                    "name": n.nomination.name,
                    "iin": n.nomination.iin,
                    "nominated_by": n.nomination.nominated_by,
                    "status": n.status.name(),
                    "ballot_position": ballot.iter().position(|c| *c == n.nomination.name).map(|i| i + 1),
                    "criteria": criteria,
                    "signatures": signatures,
                    "signatures_decision": signatures.map(|s| s.to_string()),
                    "withdrawn_on": withdrawn_on,
                    "nominated_seq": n.nominated_seq,
                    "decided_seq": n.decided_seq,
                })
            })
            .collect();
        to_json(&json!({
            "election": p.definition.id,
            "ballot": ballot,
            "nominees": nominees,
            "past_presidents": l.past_presidents(),
        }))
    })
    .await
}

/// A precinct's applied protocol in a round and its receipt (the drill-down).
#[utoipa::path(get, path = "/api/v1/elections/{id}/round/precincts/{number}", tag = "president",
    params(
        ("id" = String, Path, description = "The round's contest id"),
        ("number" = u32, Path, description = "Precinct number")),
    responses(
        (status = 200, description = "The protocol (null before it arrives)", body = Object),
        (status = 304, description = "Not modified"),
        (status = 400, description = "The number is not a whole number"),
        (status = 404, description = "No such presidential election or precinct")))]
pub async fn precinct(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let number: u32 = crate::problem::path_number("precinct", &number)?;
    cached(
        &state,
        &headers,
        format!("president/{id}/precinct/{number}"),
        |l| {
            let applied = l.presidential_applied(&referendum_id(&id), PrecinctId(number))?;
            to_json(&json!({
                "election": id,
                "precinct": number,
                "applied": applied,
            }))
        },
    )
    .await
}

/// An election's count: votes per party nationally and per region.
#[utoipa::path(get, path = "/api/v1/elections/{id}/results", tag = "elections",
    params(("id" = String, Path, description = "Election id")),
    responses(
        (status = 200, description = "The count", body = Object),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such election")))]
pub async fn election_results(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("election/{id}"), |l| {
        let id = referendum_id(&id);
        if l.presidential(&id).is_ok() {
            return round_json(l, &id);
        }
        to_json(&l.election_results(&id)?)
    })
    .await
}
