//! The Kurultai's API: the secretariat records a step (`POST /api/v1/kurultai/steps`, the one
//! write path, the `kurultai secretariat` role), and anyone reads the house as open data —
//! one Popolo document and every individual vote as CSV. Reads are functions of the head,
//! cached per head like every other.

use ashyq_core::kurultai::step;
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
        Ok((CSV, l.kurultai_votes_csv().into_bytes()))
    })
    .await
}

const XML: &str = "application/akn+xml; charset=utf-8";

/// The language of an Akoma Ntoso document.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct AknQuery {
    /// `kk`, `ru` or `en` (the default).
    #[param(pattern = "^(kk|ru|en)$")]
    lang: Option<String>,
}

/// A bill's current text as an Akoma Ntoso 3.0 `bill` document in one language.
#[utoipa::path(get, path = "/api/v1/kurultai/bills/{id}/akn", tag = "kurultai",
    params(("id" = String, Path, description = "The bill's id, e.g. bill-2026-001"), AknQuery),
    responses(
        (status = 200, description = "The bill", body = String, content_type = "application/akn+xml"),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 400, description = "Not a language"),
        (status = 404, description = "No such bill")))]
pub async fn bill_akn(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<AknQuery>,
) -> Result<Response, Problem> {
    let lang = match q.lang.as_deref().unwrap_or("en") {
        "kk" => ashyq_core::lang::Lang::Kk,
        "ru" => ashyq_core::lang::Lang::Ru,
        "en" => ashyq_core::lang::Lang::En,
        other => {
            return Err(Problem::bad_request(format!(
                "{:?} is not a language: write lang=kk, ru or en",
                other.chars().take(20).collect::<String>()
            )));
        }
    };
    cached(
        &state,
        &headers,
        format!("kurultai/bill/{id}/{lang:?}"),
        move |l| {
            let b = l
                .kurultai()
                .bill(&ashyq_core::kurultai::BillId(id.clone()))
                .ok_or_else(|| {
                    Problem::not_found(format!(
                        "there is no bill {:?}; the bills are in /api/v1/kurultai/popolo.json",
                        id.chars().take(64).collect::<String>()
                    ))
                })?;
            Ok((XML, ashyq_core::kurultai::akn::bill(b, lang).into_bytes()))
        },
    )
    .await
}

/// The record of a day's sitting as an Akoma Ntoso 3.0 `debate`: one `rollCall` per vote
/// of that day, with its counts and every member's vote by faction.
#[utoipa::path(get, path = "/api/v1/kurultai/debates/{day}/akn", tag = "kurultai",
    params(("day" = String, Path, format = Date, description = "The day, YYYY-MM-DD")),
    responses(
        (status = 200, description = "The debate record", body = String, content_type = "application/akn+xml"),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 400, description = "Not a date")))]
pub async fn debate_akn(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(day): axum::extract::Path<String>,
) -> Result<Response, Problem> {
    let on = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| {
        Problem::bad_request(format!(
            "{:?} is not a day: write YYYY-MM-DD, e.g. 2026-09-15",
            day.chars().take(20).collect::<String>()
        ))
    })?;
    cached(
        &state,
        &headers,
        format!("kurultai/debate/{on}"),
        move |l| {
            let members = l
                .kurultai_deputies()
                .into_iter()
                .map(|d| (d.id, (d.party, d.name)))
                .collect();
            Ok((
                XML,
                ashyq_core::kurultai::akn::debate(l.kurultai(), on, &members).into_bytes(),
            ))
        },
    )
    .await
}
