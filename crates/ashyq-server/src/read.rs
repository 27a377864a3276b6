//! The public read API: results at every level (JSON and CSV), a precinct's protocol and
//! history, elections and their seats, the log.
//!
//! Every answer is a function of the log's head, so the head names it: the `ETag` is the head's
//! sequence number and hash prefix, `If-None-Match` gets a 304, and the rendered bytes are
//! cached per path until the head moves (`ResponseCache`) — under load the national page is
//! rendered once per new entry, not once per reader.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{ElectionRecord, Ledger, ReferendumRecord};
use ashyq_core::report::{self, Level, RegionDocument, ResultsDocument};
use ashyq_core::tally::ResultsTree;
use ashyq_core::territory::{Precinct, PrecinctId};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::Problem;

/// What the cache keeps of one rendered answer.
struct Rendered {
    content_type: &'static str,
    body: Bytes,
    /// The head it was rendered at, and that head's ETag.
    seq: u64,
    etag: String,
    /// When it was rendered (see [`crate::ServerConfig::publish_interval`]).
    at: std::time::Instant,
}

#[derive(Default)]
struct CacheInner {
    seq: u64,
    map: HashMap<String, Arc<Rendered>>,
    /// Result trees of the head, by referendum: the national page and every region's page
    /// are cut from one tree, computed once per head.
    trees: HashMap<String, Arc<ResultsTree>>,
    /// For each key, its newest answer from an older head: served while the current head's
    /// answer is being rendered by another reader (see [`cached`]).
    previous: HashMap<String, Arc<Rendered>>,
}

/// Rendered answers of the current head, by path and query. Cleared when the head moves.
///
/// When the head moves, every reader misses at once; renders are taken one at a time
/// (`render_lock`) and each re-checks the cache first, so a burst of readers of one page costs
/// one render, not one per reader. The lock is an async one: a reader waiting for its turn
/// yields its worker thread to the readers whose answers are cached (with a blocking lock,
/// two waiting readers stall both workers of a 2-core server).
#[derive(Default)]
pub struct ResponseCache {
    inner: RwLock<CacheInner>,
    render_lock: tokio::sync::Mutex<()>,
}

/// The most answers kept for one head; beyond it answers are rendered but not kept.
const CACHE_LIMIT: usize = 20_000;

impl ResponseCache {
    fn get(&self, seq: u64, key: &str) -> Option<Arc<Rendered>> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        (inner.seq == seq).then(|| inner.map.get(key).cloned())?
    }

    /// The newest answer kept for `key`, called after a miss at the current head: an answer
    /// of the head the cache last moved to (until the next answer moves it on), else of an
    /// earlier one.
    fn previous(&self, key: &str) -> Option<Arc<Rendered>> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        inner
            .map
            .get(key)
            .or_else(|| inner.previous.get(key))
            .cloned()
    }

    fn put(&self, seq: u64, key: String, r: Arc<Rendered>) {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        if !inner.advance(seq) {
            return;
        }
        if inner.map.len() < CACHE_LIMIT {
            inner.map.insert(key, r);
        }
    }

    fn tree(&self, seq: u64, id: &str) -> Option<Arc<ResultsTree>> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        (inner.seq == seq).then(|| inner.trees.get(id).cloned())?
    }

    fn put_tree(&self, seq: u64, id: &str, tree: Arc<ResultsTree>) {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        if inner.advance(seq) {
            inner.trees.insert(id.to_owned(), tree);
        }
    }
}

impl CacheInner {
    /// Moves to head `seq`, forgetting an older head's answers; false if `seq` is older.
    fn advance(&mut self, seq: u64) -> bool {
        if self.seq != seq {
            if seq < self.seq {
                return false;
            }
            self.seq = seq;
            for (key, r) in self.map.drain() {
                if self.previous.len() < CACHE_LIMIT || self.previous.contains_key(&key) {
                    self.previous.insert(key, r);
                }
            }
            self.trees.clear();
        }
        true
    }
}

pub(crate) const JSON: &str = "application/json";
const CSV: &str = "text/csv; charset=utf-8";

/// The ETag of everything served at this head.
fn etag_of(ledger: &Ledger) -> (u64, String) {
    match ledger.head() {
        Some((seq, hash)) => (seq, format!("\"{seq}-{}\"", &hash.0[..16])),
        None => (0, "\"0-empty\"".to_owned()),
    }
}

/// The entity tags of If-None-Match, as sent (`*`, `"…"` or `W/"…"`).
fn if_none_match(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

/// The newest head named by the ETags of If-None-Match (`"SEQ-HASH"`), if any.
fn newest_seen(headers: &HeaderMap) -> Option<u64> {
    if_none_match(headers)
        .filter_map(|t| {
            let t = t.trim_start_matches("W/").trim_matches('"');
            t.split_once('-')?.0.parse::<u64>().ok()
        })
        .max()
}

fn matches(headers: &HeaderMap, etag: &str) -> bool {
    if_none_match(headers).any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

fn answer(status: StatusCode, etag: &str, content_type: &'static str, body: Body) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    // Results change with every accepted protocol: caches may keep a copy but must revalidate
    // (cheap: a 304 when the head has not moved).
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    if status != StatusCode::NOT_MODIFIED {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    res
}

/// An answer of an earlier head, with that head's ETag (a 304 when the client has it).
fn previous_answer(headers: &HeaderMap, r: &Rendered) -> Response {
    if matches(headers, &r.etag) {
        return answer(StatusCode::NOT_MODIFIED, &r.etag, JSON, Body::empty());
    }
    answer(
        StatusCode::OK,
        &r.etag,
        r.content_type,
        Body::from(r.body.clone()),
    )
}

/// Serves `key` at the current head from the cache, or renders it with `render`.
pub(crate) async fn cached(
    state: &AppState,
    headers: &HeaderMap,
    key: String,
    render: impl FnOnce(&Ledger) -> Result<(&'static str, Vec<u8>), Problem> + Send,
) -> Result<Response, Problem> {
    // The ledger's guard is not held across the wait below.
    {
        let ledger = state.registrar.ledger();
        let (seq, etag) = etag_of(&ledger);
        if matches(headers, &etag) {
            return Ok(answer(StatusCode::NOT_MODIFIED, &etag, JSON, Body::empty()));
        }
        if let Some(r) = state.cache.get(seq, &key) {
            return Ok(answer(
                StatusCode::OK,
                &etag,
                r.content_type,
                Body::from(r.body.clone()),
            ));
        }
    }
    // Within the publish interval an answer stands although the head moved on: a burst of
    // group commits costs one render per interval, not one per commit. Never older than
    // what the client has seen (its If-None-Match).
    let interval = state.config.publish_interval;
    if !interval.is_zero()
        && let Some(r) = state.cache.previous(&key)
        && r.at.elapsed() < interval
        && newest_seen(headers).is_none_or(|seen| seen <= r.seq)
    {
        return Ok(previous_answer(headers, &r));
    }
    // A miss: render one at a time, and look again once it is our turn — another reader may
    // have rendered this very answer meanwhile. While another reader renders, a reader that
    // has not yet seen a newer head gets this key's answer from the previous head, labelled
    // with that head's ETag (still `no-cache`): under election-night load the head moves with
    // every group commit, and without this every poller would queue behind each re-render.
    // A client whose If-None-Match names a newer head waits instead, so no one sees the
    // count go backwards.
    let _turn = match state.cache.render_lock.try_lock() {
        Ok(turn) => turn,
        Err(_) => {
            if let Some(r) = state.cache.previous(&key)
                && newest_seen(headers).is_none_or(|seen| seen <= r.seq)
            {
                return Ok(previous_answer(headers, &r));
            }
            state.cache.render_lock.lock().await
        }
    };
    let ledger = state.registrar.ledger();
    let (seq, etag) = etag_of(&ledger);
    if let Some(r) = state.cache.get(seq, &key) {
        return Ok(answer(
            StatusCode::OK,
            &etag,
            r.content_type,
            Body::from(r.body.clone()),
        ));
    }
    let (content_type, body) = render(&ledger)?;
    drop(ledger);
    let body = Bytes::from(body);
    state.cache.put(
        seq,
        key,
        Arc::new(Rendered {
            content_type,
            body: body.clone(),
            seq,
            etag: etag.clone(),
            at: std::time::Instant::now(),
        }),
    );
    Ok(answer(
        StatusCode::OK,
        &etag,
        content_type,
        Body::from(body),
    ))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<(&'static str, Vec<u8>), Problem> {
    serde_json::to_vec(v).map(|b| (JSON, b)).map_err(|e| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server-error",
            e.to_string(),
        )
    })
}

pub(crate) fn referendum_id(id: &str) -> ContestId {
    ContestId(id.to_owned())
}

/// The result tree of a referendum at the ledger's head, computed once per head.
pub(crate) fn tree(
    state: &AppState,
    ledger: &Ledger,
    id: &str,
) -> Result<Arc<ResultsTree>, Problem> {
    let (seq, _) = etag_of(ledger);
    if let Some(t) = state.cache.tree(seq, id) {
        return Ok(t);
    }
    let t = Arc::new(ledger.results(&referendum_id(id))?);
    state.cache.put_tree(seq, id, t.clone());
    Ok(t)
}

/// A referendum in the list.
#[derive(Serialize, ToSchema)]
pub struct ReferendumSummary {
    /// Its id.
    pub id: String,
    /// Its title in Kazakh, Russian and English.
    pub title: ashyq_core::territory::Names,
    /// The question on the ballot, in the three languages.
    pub question: ashyq_core::territory::Names,
    /// Voting day.
    pub voting_day: String,
    /// Whether the result is certified.
    pub certified: bool,
}

impl ReferendumSummary {
    fn of(r: &ReferendumRecord) -> ReferendumSummary {
        ReferendumSummary {
            id: r.definition.id.0.clone(),
            title: r.definition.title.clone(),
            question: r.definition.question.clone(),
            voting_day: r.definition.voting_day.to_string(),
            certified: r.certification().is_some(),
        }
    }
}

/// The defined referendums.
#[utoipa::path(get, path = "/api/v1/referendums", tag = "results",
    responses((status = 200, description = "Every referendum", body = [ReferendumSummary])))]
pub async fn referendums(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, "referendums".into(), |l| {
        let list: Vec<ReferendumSummary> = l.referendums().map(ReferendumSummary::of).collect();
        to_json(&list)
    })
    .await
}

/// The national result with its outcome and every region's summary.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/results", tag = "results",
    params(("id" = String, Path, description = "Referendum id, e.g. kz-2026")),
    responses(
        (status = 200, description = "The national result", body = ResultsDocument),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such referendum")))]
pub async fn results(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("results/{id}"), |l| {
        to_json(&ResultsDocument::of(&*tree(&state, l, &id)?))
    })
    .await
}

/// The whole result tree: national, regions, districts.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/results/tree", tag = "results",
    params(("id" = String, Path, description = "Referendum id")),
    responses(
        (status = 200, description = "Every level", body = ResultsTree),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such referendum")))]
pub async fn results_tree(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("tree/{id}"), |l| {
        to_json(&*tree(&state, l, &id)?)
    })
    .await
}

/// How deep a CSV export goes.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LevelParam {
    /// One row: the country.
    National,
    /// The country and each region.
    Region,
    /// The country, each region and each district.
    District,
}

/// The depth of a CSV export.
#[derive(Deserialize, IntoParams)]
pub struct LevelQuery {
    /// `national`, `region` or `district` (the default).
    #[param(inline)]
    level: Option<LevelParam>,
}

/// The result as CSV, one row per unit down to `level`.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/results.csv", tag = "results",
    params(("id" = String, Path, description = "Referendum id"), LevelQuery),
    responses(
        (status = 200, description = "CSV with a header row", body = String, content_type = "text/csv"),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Unknown level"),
        (status = 404, description = "No such referendum")))]
pub async fn results_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LevelQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (level, name) = match q.level {
        None | Some(LevelParam::District) => (Level::District, "district"),
        Some(LevelParam::Region) => (Level::Region, "region"),
        Some(LevelParam::National) => (Level::National, "national"),
    };
    let key = format!("csv/{id}/{name}");
    cached(&state, &headers, key, |l| {
        Ok((
            CSV,
            report::results_csv(&*tree(&state, l, &id)?, level).into_bytes(),
        ))
    })
    .await
}

/// A region's (or abroad's) result with its districts.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/regions/{code}", tag = "results",
    params(("id" = String, Path, description = "Referendum id"),
           ("code" = String, Path, description = "ISO 3166-2 code such as KZ-75, or ABROAD")),
    responses(
        (status = 200, description = "The region", body = RegionDocument),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such referendum or region")))]
pub async fn region(
    State(state): State<AppState>,
    Path((id, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("region/{id}/{code}"), |l| {
        let tree = tree(&state, l, &id)?;
        let doc = RegionDocument::of(&tree, &code).ok_or_else(|| {
            let codes: Vec<&str> = tree.regions.iter().map(|r| r.code.0.as_str()).collect();
            Problem::not_found(format!("no region {code:?}; regions: {}", codes.join(", ")))
        })?;
        to_json(&doc)
    })
    .await
}

/// A precinct's protocol and history.
#[derive(Serialize, ToSchema)]
pub struct PrecinctDocument {
    /// The referendum.
    pub referendum: String,
    /// The precinct as the territory describes it.
    pub precinct: Option<Precinct>,
    /// The protocol applied to the tally, if any.
    pub applied: Option<ashyq_core::ledger::AppliedProtocol>,
    /// The log's signed receipt for the applied protocol: check it with `ashyq verify-receipt`.
    pub receipt: Option<ashyq_core::transparency::SignedReceipt>,
    /// Every protocol event of the precinct, oldest first.
    pub history: Vec<ashyq_core::ledger::HistoryItem>,
}

/// A precinct's applied protocol, its receipt and its history of conflicts and amendments.
#[utoipa::path(get, path = "/api/v1/referendums/{id}/precincts/{number}", tag = "results",
    params(("id" = String, Path, description = "Referendum id"),
           ("number" = u64, Path, description = "Precinct number, e.g. 1")),
    responses(
        (status = 200, description = "The precinct", body = PrecinctDocument),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Not a number"),
        (status = 404, description = "No such referendum or precinct")))]
pub async fn precinct(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let number: u32 = crate::problem::path_number("precinct", &number)?;
    let log_key = state.log_key.clone();
    cached(&state, &headers, format!("precinct/{id}/{number}"), |l| {
        let rid = referendum_id(&id);
        let p = PrecinctId(number);
        let applied = l.applied(&rid, p)?.cloned();
        let receipt = applied
            .as_ref()
            .map(|a| l.signed_receipt(&a.receipt, &log_key))
            .transpose()
            .map_err(|e| {
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server-error",
                    e.to_string(),
                )
            })?;
        let doc = PrecinctDocument {
            referendum: id.clone(),
            receipt,
            applied,
            history: l.history(&rid, p)?.to_vec(),
            precinct: l
                .territory()
                .and_then(|t| t.precincts.iter().find(|x| x.id == p))
                .cloned(),
        };
        to_json(&doc)
    })
    .await
}

/// A party-list election in the list.
#[derive(Serialize, ToSchema)]
pub struct ElectionSummary {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Voting day.
    pub election_day: String,
    /// House size.
    pub seats: u32,
    /// The threshold in percent, exact (e.g. "5" or "7.5").
    pub threshold_percent: String,
    /// The allocation method.
    pub method: String,
    /// Whether the ballot has an "against all" line.
    pub against_all: bool,
    /// SHA-256 of the tie-break seed, published before the count.
    pub tie_seed_sha256: String,
    /// The parties on the ballot, in ballot order.
    pub ballot: Vec<String>,
    /// Whether the seats are allocated.
    pub allocated: bool,
}

impl ElectionSummary {
    fn of(e: &ElectionRecord) -> ElectionSummary {
        let d = &e.definition;
        ElectionSummary {
            id: d.id.0.clone(),
            title: d.title.clone(),
            election_day: d.election_day.to_string(),
            seats: d.rules.seats,
            threshold_percent: d.rules.threshold.percent().to_string(),
            method: d.rules.method.name().to_owned(),
            against_all: d.against_all,
            tie_seed_sha256: d.tie_seed_sha256.clone(),
            ballot: e.ballot().iter().map(|s| s.to_string()).collect(),
            allocated: e.allocation().is_some(),
        }
    }
}

/// The defined party-list elections.
#[utoipa::path(get, path = "/api/v1/elections", tag = "elections",
    responses((status = 200, description = "Every election with its ballot", body = [ElectionSummary])))]
pub async fn elections(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, "elections".into(), |l| {
        let list: Vec<ElectionSummary> = l.elections().map(ElectionSummary::of).collect();
        to_json(&list)
    })
    .await
}

/// An election's seats, ties and draws, and the deputies holding a mandate now.
#[utoipa::path(get, path = "/api/v1/elections/{id}/seats", tag = "elections",
    params(("id" = String, Path, description = "Election id")),
    responses(
        (status = 200, description = "The allocation (null before it is made) and the deputies", body = Object),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such election")))]
pub async fn election_seats(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    cached(&state, &headers, format!("seats/{id}"), |l| {
        let e = l.election(&referendum_id(&id))?;
        to_json(&json!({
            "election": e.definition.id,
            "allocation": e.allocation(),
            "seed": e.seed(),
            "deputies": e.deputies().collect::<Vec<_>>(),
            "mandates": e.mandates(),
        }))
    })
    .await
}

/// The head and each contest's progress, as one JSON object: what the event stream sends.
pub fn progress(state: &AppState) -> (u64, Bytes) {
    let ledger = state.registrar.ledger();
    let (seq, _) = etag_of(&ledger);
    if let Some(r) = state.cache.get(seq, "progress") {
        return (seq, r.body.clone());
    }
    // One contest's progress, whatever its kind.
    let entry = |id: &ContestId, status, precincts: u64, reported: u64, conflicts: u64| {
        json!({
            "id": id,
            "status": status,
            "precincts": precincts,
            "precincts_reported": reported,
            "open_conflicts": conflicts,
        })
    };
    let referendums: Vec<_> = ledger
        .referendums()
        .filter_map(|r| ledger.results(&r.definition.id).ok())
        .map(|t| {
            let n = &t.national;
            entry(
                &t.referendum,
                t.status,
                n.precincts,
                n.precincts_reported,
                t.open_conflicts,
            )
        })
        .collect();
    let elections: Vec<_> = ledger
        .elections()
        .filter_map(|e| ledger.election_results(&e.definition.id).ok())
        .map(|r| {
            let n = &r.national;
            entry(
                &r.election,
                r.status,
                n.precincts,
                n.precincts_reported,
                r.open_conflicts,
            )
        })
        .collect();
    let presidential: Vec<_> = ledger
        .contests()
        .of_kind::<ashyq_core::ledger::PresidentialRecord>()
        .filter_map(|p| ledger.presidential_results(&p.definition.id).ok())
        .map(|r| {
            let n = &r.national;
            entry(
                &r.election,
                r.status,
                n.precincts,
                n.precincts_reported,
                r.open_conflicts,
            )
        })
        .collect();
    let body = json!({
        "seq": seq,
        "head": ledger.head().map(|(_, h)| h.0.clone()),
        "referendums": referendums,
        "elections": elections,
        "presidential": presidential,
    });
    drop(ledger);
    let bytes = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
    state.cache.put(
        seq,
        "progress".into(),
        Arc::new(Rendered {
            content_type: JSON,
            body: bytes.clone(),
            seq,
            etag: String::new(),
            at: std::time::Instant::now(),
        }),
    );
    (seq, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ashyq_core::keys::{Commission, CommissionSigningKey};
    use ashyq_core::profile;
    use ashyq_core::referendum::presets;
    use ashyq_core::territory::generate::{TerritorySpec, generate};
    use ashyq_store::registrar::Registrar;
    use ashyq_store::testing::TestDb;

    fn state(registrar: Arc<Registrar>) -> AppState {
        let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
        AppState {
            registrar,
            cache: Arc::default(),
            openapi: Arc::new(utoipa::openapi::OpenApiBuilder::new().build()),
            log_key: Arc::new(CommissionSigningKey::generate(
                Commission::Central,
                &mut rng,
            )),
            config: Arc::new(crate::ServerConfig::default()),
            writes: Arc::new(crate::writes::WriteExecutor::new()),
            consult: None,
            metrics: Arc::default(),
            downloads: Arc::default(),
            finder: Arc::default(),
            bill_search: Arc::default(),
        }
    }

    async fn read(state: &AppState, if_none_match: Option<&str>, body: &'static str) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(tag) = if_none_match {
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
        }
        cached(state, &headers, "k".into(), |_| {
            Ok((JSON, body.as_bytes().to_vec()))
        })
        .await
        .unwrap()
    }

    async fn text(r: Response) -> (StatusCode, String, String) {
        let status = r.status();
        let etag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (status, etag, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn while_another_reader_renders_a_reader_gets_the_previous_head_but_never_goes_back() {
        let db = TestDb::sqlite();
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
        registrar.load_territory(territory).await.unwrap();
        let state = state(registrar.clone());

        let (status, first_tag, body) = text(read(&state, None, "first").await).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "first"));

        // The head moves twice (`middle_tag` is the head in between, as another instance may
        // have served it); another reader is rendering (holds the turn).
        registrar
            .create_referendum(presets::kz_2026())
            .await
            .unwrap();
        let middle_tag = etag_of(&registrar.ledger()).1;
        let mut kz2022 = presets::kz_2022();
        kz2022.id = ContestId("kz-2022-again".into());
        registrar.create_referendum(kz2022).await.unwrap();
        let new_tag = etag_of(&registrar.ledger()).1;
        assert!(first_tag != middle_tag && middle_tag != new_tag);
        let turn = state.cache.render_lock.lock().await;

        // A reader who has seen nothing newer gets the previous head's answer, with its tag.
        let (status, tag, body) = text(read(&state, None, "second").await).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "first"));
        assert_eq!(tag, first_tag);
        let (status, tag, _) = text(read(&state, Some(&first_tag), "second").await).await;
        assert_eq!((status, tag), (StatusCode::NOT_MODIFIED, first_tag.clone()));
        // One who has the current head's answer is told so at once.
        let (status, tag, _) = text(read(&state, Some(&new_tag), "second").await).await;
        assert_eq!((status, tag), (StatusCode::NOT_MODIFIED, new_tag.clone()));

        // One who has seen a head newer than the kept answer waits for the current one.
        let waiting = {
            let state = state.clone();
            let seen = middle_tag.clone();
            tokio::spawn(async move { text(read(&state, Some(&seen), "second").await).await })
        };
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        assert!(!waiting.is_finished(), "it must not get the older answer");
        drop(turn);
        let (status, tag, body) = waiting.await.unwrap();
        assert_eq!(
            (status, tag.as_str(), body.as_str()),
            (StatusCode::OK, new_tag.as_str(), "second")
        );

        // Once rendered, everyone gets the current head.
        let (_, tag, body) = text(read(&state, None, "third").await).await;
        assert_eq!((tag.as_str(), body.as_str()), (new_tag.as_str(), "second"));
    }

    #[tokio::test]
    async fn within_the_publish_interval_an_answer_stands_then_the_new_head_is_rendered() {
        let db = TestDb::sqlite();
        let registrar = Arc::new(Registrar::open(&db.url).await.unwrap());
        let territory = generate(&profile::kz(), &TerritorySpec::default()).unwrap();
        registrar.load_territory(territory).await.unwrap();
        let interval = std::time::Duration::from_millis(300);
        let state = AppState {
            config: Arc::new(crate::ServerConfig {
                publish_interval: interval,
                ..crate::ServerConfig::default()
            }),
            ..state(registrar.clone())
        };
        let (_, first_tag, body) = text(read(&state, None, "first").await).await;
        assert_eq!(body, "first");
        let rendered = std::time::Instant::now();

        // The head moves: within the interval the answer stands, with its own head's tag.
        registrar
            .create_referendum(presets::kz_2026())
            .await
            .unwrap();
        let new_tag = etag_of(&registrar.ledger()).1;
        let (status, tag, body) = text(read(&state, None, "second").await).await;
        assert!(
            rendered.elapsed() < interval,
            "the machine was too slow to check"
        );
        assert_eq!(
            (status, tag.as_str(), body.as_str()),
            (StatusCode::OK, first_tag.as_str(), "first")
        );
        // A client that has seen the new head is never sent back.
        let (_, tag, body) = text(read(&state, Some(&new_tag), "second").await).await;
        assert_eq!(tag, new_tag);
        assert_ne!(body, "first");

        // After the interval the new head is rendered for everyone.
        tokio::time::sleep(interval).await;
        let (_, tag, body) = text(read(&state, None, "third").await).await;
        assert_eq!(tag, new_tag);
        assert_ne!(body, "first");
    }
}
