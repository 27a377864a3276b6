//! The Kurultai's API: the secretariat records a step (`POST /api/v1/kurultai/steps`, the one
//! write path, the `kurultai secretariat` role), and anyone reads the house as open data —
//! one Popolo document and every individual vote as CSV. Reads are functions of the head,
//! cached per head like every other.

use ashyq_core::kurultai::{csv, step};
use ashyq_core::operator::Action;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::SignedIn;
use crate::problem::Problem;
use crate::read::{cached, to_json};
use crate::write::Recorded;
use crate::writes::operator_write;

const CSV: &str = "text/csv; charset=utf-8";

/// Records one step of the Kurultai, the People's Council or the vice-presidency, decided
/// against the house's rules and its sitting members (the secretariat only). The body is the
/// step as `ashyq kurultai record` reads a line (docs/kurultai.md): the event without its
/// author and derived parts; a vote needs `on`, `motion` and `ballots`, its `counts`, if
/// given, must agree with the ballots. A refusal names the rule; nothing is recorded.
#[utoipa::path(post, path = "/api/v1/kurultai/steps", tag = "kurultai",
    request_body(content = Object, description = "One step, e.g. {\"event\":\"reading_voted\",\"bill\":\"bill-2026-001\",\"reading\":1,\"vote\":{\"on\":\"2026-10-01\",\"motion\":\"First reading\",\"ballots\":{\"amanat-1\":\"yes\"}}}", content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Recorded),
        (status = 400, description = "Not a step"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not the Kurultai's secretariat"),
        (status = 404, description = "No such election"),
        (status = 422, description = "Refused by a rule of procedure (named)")))]
pub async fn record_step(
    State(state): State<AppState>,
    who: SignedIn,
    body: String,
) -> Result<Response, Problem> {
    let value: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| Problem::bad_request(format!("the step is not JSON: {e}")))?;
    let event =
        step::parse(value, &who.author()).map_err(|e| Problem::bad_request(e.to_string()))?;
    let detail = match event.bill() {
        Some(b) => format!("{} of {b}", event.kind()),
        None => event.kind().to_owned(),
    };
    let entry = operator_write(
        &state,
        &who,
        Action::RecordKurultaiStep,
        &detail,
        |reg| async move {
            reg.record(|l| l.decide_kurultai(event.clone()))
                .await
                .map_err(Problem::from)
        },
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(Recorded::from(entry))).into_response())
}

/// The house as one Popolo document: `persons` (every deputy ever seated and the People's
/// Council's members), `organizations` (the house, its factions, committees and the
/// council), `memberships` and `vote_events` with their counts and every member's vote.
#[utoipa::path(get, path = "/api/v1/kurultai/popolo.json", tag = "kurultai",
    responses(
        (status = 200, description = "The Popolo document", body = Object, content_type = "application/json"),
        (status = 304, description = "Not modified since the ETag given")))]
pub async fn popolo(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, "kurultai/popolo".into(), |l| {
        to_json(&l.kurultai_popolo())
    })
    .await
}

/// Every individual vote of every roll call as CSV, one row a member and vote:
/// `vote,date,motion,kind,bill,member,faction,ballot` (see `kurultai::csv`).
#[utoipa::path(get, path = "/api/v1/kurultai/votes.csv", tag = "kurultai",
    responses(
        (status = 200, description = "The votes", body = String, content_type = "text/csv"),
        (status = 304, description = "Not modified since the ETag given")))]
pub async fn votes_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, "kurultai/votes.csv".into(), |l| {
        let factions: std::collections::HashMap<_, _> = l
            .kurultai_deputies()
            .into_iter()
            .map(|d| (d.id, d.party))
            .collect();
        Ok((
            CSV,
            csv::votes(l.kurultai().votes(), &factions).into_bytes(),
        ))
    })
    .await
}
