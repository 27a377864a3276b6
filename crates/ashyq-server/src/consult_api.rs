//! The consultation's JSON API (`/api/v1/consult/…`): the act's versions and their
//! comparison, an article with its history, proposals and decisions, the proposals (search and
//! one with its timeline), the meetings with their recorded votes and minutes. The same data
//! as the pages, read from the same state. Errors are RFC 9457 problem documents.
//!
//! A proposal's text is published once a moderator has published the proposal; before that,
//! and after a refusal, only its status is (the text may contain what moderation keeps out).
//! The author's pseudonym is not published.

use std::sync::Arc;

use ashyq_core::consult::{
    AgendaItem, Cluster, Decision, Member, Motion, Proposal, ProposalId, ProposalTarget,
    StatusChange, VotingRules, minutes,
};
use ashyq_core::legal::compare::Comparison;
use ashyq_core::legal::history::HistoryStep;
use ashyq_core::legal::{Act, Lang, Parallel, Unit};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::consult::{
    ConsultService, PAGE_SIZE, STATUS_WORDS, article_of, parse_proposal_id, text_is_public,
};
use crate::problem::Problem;

fn service(state: &AppState) -> Result<&Arc<ConsultService>, Problem> {
    state.consult.as_ref().ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "no-consultation",
            "this server does not serve a consultation (start it with one, e.g. `ashyq demo`)",
        )
    })
}

/// A stored version of an act.
#[derive(Serialize, ToSchema)]
pub struct VersionSummary {
    /// The work (stable across versions).
    pub work: String,
    /// The version's label.
    pub version: String,
    /// Its date, if known.
    pub date: Option<String>,
    /// Its title per language.
    pub title: Parallel,
    /// SHA-256 of the act's JSON (what a `draft_published` event pins).
    pub content_sha256: String,
    /// Number of articles.
    pub articles: usize,
    /// Whether this is the version open for proposals.
    pub open_draft: bool,
}

/// The consultation at a glance.
#[derive(Serialize, ToSchema)]
pub struct ConsultSummary {
    /// Every stored version, in order.
    pub versions: Vec<VersionSummary>,
    /// Public proposals (published, whatever became of them since).
    pub proposals: usize,
    /// Supports of the public proposals.
    pub supports: u64,
    /// Members of the commission.
    pub members: usize,
    /// Meetings held.
    pub meetings: usize,
    /// Decisions taken.
    pub decisions: usize,
    /// Entries in the consultation's log, and the hash of the last.
    pub log_entries: u64,
    /// The hash of the last log entry.
    pub log_head: Option<String>,
}

/// The consultation: versions, counts, the log's head.
#[utoipa::path(get, path = "/api/v1/consult", tag = "consultation",
    responses(
        (status = 200, description = "Summary", body = ConsultSummary),
        (status = 404, description = "No consultation on this server")))]
pub async fn summary(State(state): State<AppState>) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let draft = svc.open_draft().map(|a| a.version);
    let versions = svc
        .acts()
        .iter()
        .map(|a| VersionSummary {
            work: a.act.work.clone(),
            version: a.act.version.clone(),
            date: a.act.date.clone(),
            title: a.act.title.clone(),
            content_sha256: a.content_sha256.clone(),
            articles: a.act.articles().len(),
            open_draft: draft.as_deref() == Some(a.act.version.as_str()),
        })
        .collect();
    let c = svc.consultation();
    let public: Vec<&Proposal> = c.proposals.values().filter(|p| text_is_public(p)).collect();
    Ok(Json(ConsultSummary {
        versions,
        proposals: public.len(),
        supports: public.iter().map(|p| p.supports).sum(),
        members: c.members.len(),
        meetings: c.meetings.len(),
        decisions: c.decisions.len(),
        log_entries: c.log.len() as u64,
        log_head: c.head().map(|(_, h)| h.0.clone()),
    })
    .into_response())
}

/// One version of the act, whole: every unit with its parallel text and eId.
#[utoipa::path(get, path = "/api/v1/consult/acts/{version}", tag = "consultation",
    params(("version" = String, Path, description = "Version label, e.g. v2-draft")),
    responses(
        (status = 200, description = "The act", body = Act),
        (status = 404, description = "No such version")))]
pub async fn act(
    State(state): State<AppState>,
    Path(version): Path<String>,
) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let (_, act) = svc
        .version(&version)
        .ok_or_else(|| no_version(svc, &version))?;
    Ok(Json(act).into_response())
}

fn no_version(svc: &ConsultService, version: &str) -> Problem {
    let known: Vec<String> = svc.acts().iter().map(|a| a.act.version.clone()).collect();
    Problem::not_found(format!(
        "no version {version:?}; versions: {}",
        if known.is_empty() {
            "none stored".to_owned()
        } else {
            known.join(", ")
        }
    ))
}

/// The language of a text: `kk`, `ru` (the default) or `en`.
#[derive(Deserialize, IntoParams)]
pub struct LangQuery {
    /// `kk`, `ru` or `en`; the language whose text is compared.
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
}

fn text_lang(q: Option<&str>) -> Result<Lang, Problem> {
    match q {
        None => Ok(Lang::Ru),
        // Exactly the codes the API document lists (the pages are more lenient).
        Some(code) => ["kk", "ru", "en"]
            .contains(&code)
            .then(|| Lang::parse(code))
            .flatten()
            .ok_or_else(|| {
                Problem::bad_request(format!("unknown language {code:?}; use lang=kk, ru or en"))
            }),
    }
}

/// A proposal as the public sees it.
#[derive(Serialize, ToSchema)]
pub struct PublicProposal {
    /// Number.
    pub id: ProposalId,
    /// What it would change.
    pub target: ProposalTarget,
    /// The language it is written in.
    pub lang: Lang,
    /// The text, once published (else `null`).
    pub text: Option<String>,
    /// The rationale, once published (else `null`).
    pub rationale: Option<String>,
    /// Supports (one per person).
    pub supports: u64,
    /// Its cluster of near-duplicates, once clustered.
    pub cluster: Option<u32>,
    /// Every status it has had, oldest first; the last is the current one.
    pub timeline: Vec<StatusChange>,
}

impl PublicProposal {
    fn of(p: &Proposal) -> PublicProposal {
        let public = text_is_public(p);
        PublicProposal {
            id: p.id,
            target: p.target.clone(),
            lang: p.lang,
            text: public.then(|| p.text.clone()),
            rationale: public.then(|| p.rationale.clone()),
            supports: p.supports,
            cluster: p.cluster,
            timeline: p.timeline.clone(),
        }
    }
}

/// An article with its history through the versions and what the consultation did about it.
#[derive(Serialize, ToSchema)]
pub struct ArticleDocument {
    /// The version asked for.
    pub version: String,
    /// The article in that version.
    pub article: Unit,
    /// The article in every version, with the kind of change and the word diff.
    pub history: Vec<HistoryStep>,
    /// The article's eIds in the version open for proposals (where proposals point).
    pub draft_eids: Vec<String>,
    /// Public proposals about it (or its paragraphs).
    pub proposals: Vec<PublicProposal>,
    /// The commission's decisions about it.
    pub decisions: Vec<Decision>,
}

/// An article of a version: its text, its history through every version (renumbered, moved,
/// split, merged; word diffs), the proposals about it and the decisions behind it.
#[utoipa::path(get, path = "/api/v1/consult/acts/{version}/articles/{eid}", tag = "consultation",
    params(("version" = String, Path, description = "Version label"),
           ("eid" = String, Path, description = "The article's eId, e.g. sec_2__art_8"),
           LangQuery),
    responses(
        (status = 200, description = "The article", body = ArticleDocument),
        (status = 400, description = "Unknown language"),
        (status = 404, description = "No such version or article")))]
pub async fn article(
    State(state): State<AppState>,
    Path((version, eid)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let lang = text_lang(q.lang.as_deref())?;
    let (_, act) = svc
        .version(&version)
        .ok_or_else(|| no_version(svc, &version))?;
    let unit = act
        .articles()
        .into_iter()
        .find(|(u, _)| u.eid == eid)
        .map(|(u, _)| u.clone())
        .ok_or_else(|| {
            Problem::not_found(format!(
                "{version} has no article {eid:?}; see /api/v1/consult/acts/{version} for the eIds"
            ))
        })?;
    let history = svc
        .article_history(&version, &eid, lang)
        .unwrap_or_default();
    let draft = svc.open_draft();
    let draft_eids: Vec<String> = match &draft {
        Some(d) if d.version == version => vec![eid.clone()],
        Some(d) => history
            .iter()
            .find(|s| s.version == d.version)
            .map(|s| s.articles.iter().map(|a| a.eid.clone()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let c = svc.consultation();
    let mut proposals: Vec<ProposalId> = Vec::new();
    let mut decisions: Vec<u32> = Vec::new();
    for e in &draft_eids {
        let t = c.trace_unit(&article_of(e));
        proposals.extend(t.proposals);
        decisions.extend(t.decisions);
    }
    proposals.sort();
    proposals.dedup();
    decisions.sort();
    decisions.dedup();
    let doc = ArticleDocument {
        version,
        article: unit,
        history,
        draft_eids,
        proposals: proposals
            .iter()
            .filter_map(|id| c.proposals.get(id))
            .filter(|p| text_is_public(p))
            .map(PublicProposal::of)
            .collect(),
        decisions: decisions
            .iter()
            .filter_map(|n| c.decisions.get(n))
            .cloned()
            .collect(),
    };
    Ok(Json(doc).into_response())
}

/// Two versions to compare.
#[derive(Deserialize, IntoParams)]
pub struct CompareQuery {
    /// The old version's label.
    from: String,
    /// The new version's label.
    to: String,
    /// `kk`, `ru` (the default) or `en`.
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
}

/// The article-level comparison of two versions: unchanged, modified, renumbered, moved,
/// split, merged, added, removed, with word diffs and the statistics ("N of M articles
/// changed") counted by the program.
#[utoipa::path(get, path = "/api/v1/consult/compare", tag = "consultation",
    params(CompareQuery),
    responses(
        (status = 200, description = "The comparison", body = Comparison),
        (status = 400, description = "Missing version or unknown language"),
        (status = 404, description = "No such version")))]
pub async fn compare(
    State(state): State<AppState>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let lang = text_lang(q.lang.as_deref())?;
    for v in [&q.from, &q.to] {
        if svc.version(v).is_none() {
            return Err(no_version(svc, v));
        }
    }
    let c = svc
        .compare(&q.from, &q.to, lang)
        .ok_or_else(|| no_version(svc, &q.from))?;
    Ok(Json(c.as_ref()).into_response())
}

/// A search or listing of proposals.
#[derive(Deserialize, IntoParams)]
pub struct ProposalsQuery {
    /// Words to search for (Russian stemming, Kazakh letters folded); empty lists all.
    q: Option<String>,
    /// Only this status: submitted, published, on-agenda, accepted, declined, rejected,
    /// withdrawn.
    #[param(pattern = "^(|submitted|published|on-agenda|accepted|declined|rejected|withdrawn)$")]
    status: Option<String>,
    /// Page, from 1 (50 per page).
    #[param(minimum = 1, maximum = 4294967295_u64)]
    page: Option<u32>,
}

/// A page of proposals.
#[derive(Serialize, ToSchema)]
pub struct ProposalList {
    /// Matching proposals in all.
    pub total: usize,
    /// This page (from 1).
    pub page: u32,
    /// Proposals per page.
    pub page_size: usize,
    /// The proposals of this page: search hits best first, else newest first.
    pub proposals: Vec<PublicProposal>,
}

/// Searches or lists the proposals. Without `status`, only published proposals (and what
/// became of them) are listed.
#[utoipa::path(get, path = "/api/v1/consult/proposals", tag = "consultation",
    params(ProposalsQuery),
    responses(
        (status = 200, description = "A page of proposals", body = ProposalList),
        (status = 400, description = "Unknown status or bad page")))]
pub async fn proposals(
    State(state): State<AppState>,
    Query(q): Query<ProposalsQuery>,
) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let status = q.status.as_deref().unwrap_or("");
    if !status.is_empty() && !STATUS_WORDS.contains(&status) {
        return Err(Problem::bad_request(format!(
            "unknown status {status:?}; use one of {}",
            STATUS_WORDS.join(", ")
        )));
    }
    let page = q.page.unwrap_or(1);
    if page == 0 {
        return Err(Problem::bad_request("pages are numbered from 1"));
    }
    let query: String = q.q.unwrap_or_default().chars().take(200).collect();
    let ids = svc.list_proposals(&query, status);
    let c = svc.consultation();
    let skip = (page as usize - 1).saturating_mul(PAGE_SIZE);
    let list = ProposalList {
        total: ids.len(),
        page,
        page_size: PAGE_SIZE,
        proposals: ids
            .iter()
            .skip(skip)
            .take(PAGE_SIZE)
            .filter_map(|id| c.proposals.get(id))
            .map(PublicProposal::of)
            .collect(),
    };
    Ok(Json(list).into_response())
}

/// Everything that became of a proposal.
#[derive(Serialize, ToSchema)]
pub struct ProposalDocument {
    /// The proposal with its timeline.
    pub proposal: PublicProposal,
    /// Its cluster of near-duplicates.
    pub cluster: Option<Cluster>,
    /// Agenda items that took it up: (meeting, item, title).
    pub agenda_items: Vec<(u32, u32, String)>,
    /// Decisions on it, with the amendment's text when accepted.
    pub decisions: Vec<Decision>,
}

/// A proposal: its status timeline, cluster, agenda items and decisions (traceability from
/// the proposal to the decision and the resulting text).
#[utoipa::path(get, path = "/api/v1/consult/proposals/{id}", tag = "consultation",
    params(("id" = String, Path, description = "Proposal number: 42 or P-000042")),
    responses(
        (status = 200, description = "The proposal", body = ProposalDocument),
        (status = 404, description = "No such proposal")))]
pub async fn proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let pid = parse_proposal_id(&id).ok_or_else(|| {
        Problem::not_found(format!(
            "{id:?} is not a proposal number; write e.g. 42 or P-000042"
        ))
    })?;
    let c = svc.consultation();
    let t = c
        .trace_proposal(pid)
        .map_err(|_| Problem::not_found(format!("there is no proposal {pid}")))?;
    Ok(Json(ProposalDocument {
        proposal: PublicProposal::of(&t.proposal),
        cluster: t.cluster,
        agenda_items: t.agenda_items,
        decisions: t.decisions,
    })
    .into_response())
}

/// A meeting in the list.
#[derive(Serialize, ToSchema)]
pub struct MeetingSummary {
    /// Number.
    pub number: u32,
    /// Date.
    pub date: String,
    /// Title.
    pub title: String,
    /// Members present.
    pub present: usize,
    /// Agenda items.
    pub items: usize,
}

/// The commission.
#[derive(Serialize, ToSchema)]
pub struct CommissionDocument {
    /// Its members.
    pub members: Vec<Member>,
    /// Quorum and majority rules.
    pub rules: Option<VotingRules>,
    /// Its meetings.
    pub meetings: Vec<MeetingSummary>,
}

/// The commission: members, voting rules, meetings.
#[utoipa::path(get, path = "/api/v1/consult/meetings", tag = "consultation",
    responses(
        (status = 200, description = "The commission and its meetings", body = CommissionDocument),
        (status = 404, description = "No consultation on this server")))]
pub async fn meetings(State(state): State<AppState>) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let c = svc.consultation();
    Ok(Json(CommissionDocument {
        members: c.members.values().cloned().collect(),
        rules: c.rules,
        meetings: c
            .meetings
            .values()
            .map(|m| MeetingSummary {
                number: m.number,
                date: m.date.clone(),
                title: m.title.clone(),
                present: m.present.len(),
                items: m.agenda.len(),
            })
            .collect(),
    })
    .into_response())
}

/// A meeting with its record.
#[derive(Serialize, ToSchema)]
pub struct MeetingDocument {
    /// Number.
    pub number: u32,
    /// Date.
    pub date: String,
    /// Title.
    pub title: String,
    /// Public broadcast link.
    pub broadcast: String,
    /// Members present (numbers).
    pub present: Vec<u32>,
    /// Agenda.
    pub agenda: Vec<AgendaItem>,
    /// Every motion with its recorded votes and count.
    pub motions: Vec<Motion>,
    /// The motions that carried.
    pub decisions: Vec<Decision>,
    /// The minutes, generated from the log (Markdown).
    pub minutes: String,
}

/// A meeting: attendance, agenda (with the clusters of proposals it took), every motion with
/// its recorded votes, quorum and majority counted in integers, the decisions and the
/// generated minutes.
#[utoipa::path(get, path = "/api/v1/consult/meetings/{number}", tag = "consultation",
    params(("number" = u32, Path, description = "Meeting number, from 1")),
    responses(
        (status = 200, description = "The meeting", body = MeetingDocument),
        (status = 400, description = "Not a number"),
        (status = 404, description = "No such meeting")))]
pub async fn meeting(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, Problem> {
    let svc = service(&state)?;
    let n: u32 = crate::problem::path_number("meeting", &number)?;
    let c = svc.consultation();
    let m = c
        .meetings
        .get(&n)
        .ok_or_else(|| Problem::not_found(format!("there is no meeting {n}")))?;
    let motions: Vec<Motion> = c
        .motions
        .values()
        .filter(|x| x.meeting == n)
        .cloned()
        .collect();
    let doc = MeetingDocument {
        number: m.number,
        date: m.date.clone(),
        title: m.title.clone(),
        broadcast: m.broadcast.clone(),
        present: m.present.iter().copied().collect(),
        agenda: m.agenda.clone(),
        decisions: c
            .decisions
            .values()
            .filter(|d| d.meeting == n)
            .cloned()
            .collect(),
        motions,
        minutes: minutes::minutes(&c, n).unwrap_or_default(),
    };
    Ok(Json(doc).into_response())
}
