//! Bills in public: the tracker (`/kurultai/bills`: free-text search with the tantivy index,
//! filters by status, initiator and committee, [`PER_PAGE`] a page) and a bill's page
//! (`/kurultai/bills/{id}`: its facts, deadlines with the overdue flagged, timeline, the
//! President's objections, petitions to the Constitutional Court, every version of its text
//! with the diff from the one before, and the current text).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use ashyq_core::kurultai::{Bill, BillId, BillStatus, Kurultai};
use ashyq_core::legal::Act;
use ashyq_search::{ProposalIndex, SearchError};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{FixedOffset, Utc};
use maud::{Markup, html};

use super::text::{
    INITIATOR_KINDS, act_kind, deadline_what, initiator, initiator_kind, initiator_kind_key,
    status_badge, status_filter, step_kind, version_source,
};
use super::{People, crumbs, heads, not_found, page_number};
use crate::AppState;
use crate::web::Ctx;
use crate::web::consult::text::{diff_markup, stats_sentence, unit_body, unit_title};
use crate::web::format::{date, integer};
use crate::web::i18n::{Arg, Tr};
use crate::web::layout::{self, Page, Section};

pub use crate::web::consult::text::legal_lang;

/// Bills on one page of the tracker.
pub const PER_PAGE: usize = 50;

/// The tracker's search index over every bill's current text (titles and articles in every
/// language), kept up to date with the ledger when searched: a bill whose text gained a
/// version is indexed again and its older entry is ignored. The index is rebuilt from the
/// log (the record) whenever the server starts.
#[derive(Default)]
pub struct BillSearch {
    inner: Mutex<Option<Indexed>>,
}

struct Indexed {
    index: ProposalIndex,
    /// The bill and its number of versions behind each document of the index.
    docs: Vec<(BillId, usize)>,
    /// The number of versions indexed of each bill.
    versions: HashMap<BillId, usize>,
}

/// The words of a bill to search: its id, titles and articles in every language.
fn searchable(b: &Bill) -> String {
    let act: &Act = b.text();
    let mut s = format!("{} ", b.id);
    for l in ashyq_core::legal::Lang::ALL {
        if let Some(t) = act.title.get(l) {
            s.push_str(t);
            s.push(' ');
        }
    }
    for (unit, _) in act.articles() {
        for l in ashyq_core::legal::Lang::ALL {
            if let Some(t) = unit.heading.get(l) {
                s.push_str(t);
                s.push(' ');
            }
            if let Some(t) = unit.content.get(l) {
                s.push_str(t);
                s.push(' ');
            }
        }
    }
    s
}

impl BillSearch {
    /// The bills matching `query`, best first, after indexing what changed in `k`.
    pub fn search(&self, k: &Kurultai, query: &str) -> Result<Vec<BillId>, SearchError> {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if guard.is_none() {
            *guard = Some(Indexed {
                index: ProposalIndex::new(1, 15_000_000)?,
                docs: Vec::new(),
                versions: HashMap::new(),
            });
        }
        let ix = guard.as_mut().expect("created above");
        let mut added = false;
        for b in k.bills() {
            let n = b.versions.len();
            if ix.versions.get(&b.id) != Some(&n) {
                ix.index.add(ix.docs.len() as u64, &searchable(b))?;
                ix.docs.push((b.id.clone(), n));
                ix.versions.insert(b.id.clone(), n);
                added = true;
            }
        }
        if added {
            ix.index.commit()?;
        }
        let hits = ix.index.search(query, ix.docs.len().max(1))?;
        let mut out: Vec<BillId> = Vec::new();
        for h in hits {
            let Some((id, n)) = usize::try_from(h.id).ok().and_then(|i| ix.docs.get(i)) else {
                continue;
            };
            if ix.versions.get(id) == Some(n) && !out.contains(id) {
                out.push(id.clone());
            }
        }
        Ok(out)
    }
}

/// What the tracker was asked: the words, the filters and the page.
struct Asked {
    q: String,
    status: Option<String>,
    initiator: Option<String>,
    committee: Option<String>,
    page: usize,
}

impl Asked {
    fn of(q: &HashMap<String, String>) -> Asked {
        let pick = |k: &str| {
            q.get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Asked {
            q: q.get("q").map_or_else(String::new, |v| {
                v.trim().chars().take(200).collect::<String>()
            }),
            status: pick("status").filter(|s| BillStatus::KEYS.contains(&s.as_str())),
            initiator: pick("initiator")
                .filter(|s| INITIATOR_KINDS.iter().any(|k| initiator_kind_key(*k) == s)),
            committee: pick("committee"),
            page: page_number(q),
        }
    }

    fn keeps(&self, b: &Bill) -> bool {
        self.status.as_deref().is_none_or(|s| b.status.key() == s)
            && self
                .initiator
                .as_deref()
                .is_none_or(|i| initiator_kind_key(b.initiator.kind()) == i)
            && self.committee.as_deref().is_none_or(|c| b.committee.0 == c)
    }

    /// The query string of these choices (URL-encoded), without the page.
    fn query(&self) -> String {
        let mut parts = Vec::new();
        let enc = |s: &str| crate::signin::percent_encode(s);
        if !self.q.is_empty() {
            parts.push(format!("q={}", enc(&self.q)));
        }
        for (k, v) in [
            ("status", &self.status),
            ("initiator", &self.initiator),
            ("committee", &self.committee),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        parts.join("&")
    }
}

/// Today in Astana, for judging deadlines.
fn today() -> chrono::NaiveDate {
    let astana = FixedOffset::east_opt(5 * 3600).expect("UTC+5 is a valid offset");
    Utc::now().with_timezone(&astana).date_naive()
}

fn select(
    tr: Tr,
    name: &str,
    label_key: &str,
    chosen: Option<&str>,
    options: &[(String, String)],
) -> Markup {
    html! {
        div.field {
            label for=(format!("f-{name}")) { (tr.t(label_key)) }
            select id=(format!("f-{name}")) name=(name) {
                option value="" selected[chosen.is_none()] { (tr.t("kurultai-filter-any")) }
                @for (value, label) in options {
                    option value=(value) selected[chosen == Some(value.as_str())] { (label) }
                }
            }
        }
    }
}

/// `/kurultai/bills`: the tracker.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    let asked = Asked::of(&q);
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let people = People::of(&ledger);
    let (found, search_error): (Vec<&Bill>, bool) = if asked.q.is_empty() {
        (k.bills().collect(), false)
    } else {
        match state.bill_search.search(k, &asked.q) {
            Ok(ids) => (ids.iter().filter_map(|id| k.bill(id)).collect(), false),
            Err(e) => {
                tracing::warn!(error = %e, "the bill search failed");
                (Vec::new(), true)
            }
        }
    };
    let found: Vec<&Bill> = found.into_iter().filter(|b| asked.keeps(b)).collect();
    let pages = found.len().div_ceil(PER_PAGE).max(1);
    let page_no = asked.page.min(pages);
    let today = today();
    let rules = k.rules();
    let statuses: Vec<(String, String)> = BillStatus::KEYS
        .iter()
        .map(|s| ((*s).to_owned(), status_filter(tr, s)))
        .collect();
    let initiators: Vec<(String, String)> = INITIATOR_KINDS
        .iter()
        .map(|i| (initiator_kind_key(*i).to_owned(), initiator_kind(tr, *i)))
        .collect();
    let committees: Vec<(String, String)> = k
        .committees()
        .map(|c| (c.id.0.clone(), c.name.get(lang.code()).to_owned()))
        .collect();
    let query = asked.query();
    let title = tr.t("kurultai-bills").into_owned();
    let body = html! {
        h1 { (title) }
        form.search #bill-filters method="get" action="/kurultai/bills" role="search" {
            div.field {
                label for="f-q" { (tr.t("kurultai-search-label")) }
                input #f-q type="search" name="q" value=(asked.q) maxlength="200";
            }
            (select(tr, "status", "kurultai-col-status", asked.status.as_deref(), &statuses))
            (select(tr, "initiator", "kurultai-col-initiator", asked.initiator.as_deref(), &initiators))
            (select(tr, "committee", "kurultai-committee", asked.committee.as_deref(), &committees))
            button type="submit" { (tr.t("kurultai-search")) }
        }
        @if search_error {
            p.notice role="alert" { (tr.t("kurultai-search-failed")) }
        }
        p #found role="status" {
            (tr.a("kurultai-found", &[("count", Arg::N(found.len() as u64)), ("n", Arg::S(integer(lang, found.len() as u64)))]))
        }
        @if !found.is_empty() {
            div.scroll { table #bills {
                caption { (tr.t("kurultai-bills-caption")) }
                (heads(tr, &[("kurultai-col-bill", false), ("kurultai-col-initiator", false), ("kurultai-committee", false), ("kurultai-col-status", false), ("kurultai-col-last", false)]))
                tbody {
                    @for b in found.iter().skip((page_no - 1) * PER_PAGE).take(PER_PAGE) {
                        @let overdue = b.deadlines(&rules, today).iter().any(|d| d.overdue && d.done_on.is_none());
                        tr {
                            th scope="row" {
                                a href=(format!("/kurultai/bills/{}", b.id)) { (b.title(l)) }
                                br; span.hint { (b.id) }
                            }
                            td { (initiator(tr, &b.initiator, &people)) }
                            td { @match k.committee(&b.committee) {
                                Some(c) => a href=(format!("/kurultai/committees/{}", c.id)) { (c.name.get(lang.code())) },
                                None => (b.committee),
                            } }
                            td { (status_badge(tr, &b.status)) @if overdue { " " span.badge.overdue { (tr.t("kurultai-overdue")) } } }
                            td { (date(lang, b.last_on)) }
                        }
                    }
                }
            } }
            @if pages > 1 {
                nav.pager aria-label=(tr.t("kurultai-pages")) {
                    @let sep = if query.is_empty() { "" } else { "&" };
                    @if page_no > 1 { a rel="prev" href=(format!("/kurultai/bills?{query}{sep}page={}", page_no - 1)) { (tr.t("kurultai-previous")) } " " }
                    span { (tr.a("kurultai-page-of", &[("page", Arg::S(page_no.to_string())), ("pages", Arg::S(pages.to_string()))])) }
                    @if page_no < pages { " " a rel="next" href=(format!("/kurultai/bills?{query}{sep}page={}", page_no + 1)) { (tr.t("kurultai-next")) } }
                }
            }
        }
    };
    drop(ledger);
    let mut keep = query;
    if page_no > 1 {
        if !keep.is_empty() {
            keep.push('&');
        }
        keep.push_str(&format!("page={page_no}"));
    }
    let page = Page::new(title, Section::Kurultai, "/kurultai/bills")
        .crumbs(crumbs(tr))
        .keeping(keep);
    layout::page(ctx, &page, body)
}

/// The changes from version `i − 1` to version `i` of a bill, article by article.
fn diff_section(tr: Tr, b: &Bill, i: usize) -> Markup {
    let l = legal_lang(tr.lang);
    let Some(cmp) = b.diff(i, l) else {
        return html! {};
    };
    html! {
        p { (stats_sentence(tr, &cmp.stats)) }
        @for ch in cmp.changes.iter().filter(|c| c.text_changed || !c.new.is_empty() && c.old.is_empty() || c.new.is_empty() && !c.old.is_empty()) {
            div.change {
                p.hint {
                    (crate::web::consult::text::change_words(tr, ch.kind)) ": "
                    @for (n, r) in ch.old.iter().chain(ch.new.iter()).enumerate() {
                        @if n > 0 { ", " }
                        (crate::web::consult::text::eid_label(tr, &r.eid))
                    }
                }
                @if !ch.diff.is_empty() { (diff_markup(tr, &ch.diff)) }
            }
        }
    }
}

/// `/kurultai/bills/{id}`: one bill.
pub async fn bill(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let bid = BillId(id);
    let Some(b) = k.bill(&bid) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-bill", &bid.0);
    };
    let people = People::of(&ledger);
    let rules = k.rules();
    let deadlines = b.deadlines(&rules, today());
    let title = b.title(l).to_owned();
    let path = format!("/kurultai/bills/{}", b.id);
    let body = html! {
        h1 { (title) }
        p.lead { (status_badge(tr, &b.status)) }
        dl.pairs #facts {
            dt { (tr.t("kurultai-col-bill")) } dd { code { (b.id) } }
            dt { (tr.t("kurultai-col-kind")) } dd { (act_kind(tr, b.kind)) @if b.priority { " · " strong { (tr.t("kurultai-priority")) } } }
            dt { (tr.t("kurultai-col-initiator")) } dd { (initiator(tr, &b.initiator, &people)) }
            dt { (tr.t("kurultai-committee")) }
            dd { @match k.committee(&b.committee) {
                Some(c) => a href=(format!("/kurultai/committees/{}", c.id)) { (c.name.get(lang.code())) },
                None => (b.committee),
            } }
            dt { (tr.t("kurultai-introduced")) } dd { (date(lang, b.introduced_on)) }
            dt { (tr.t("kurultai-readings")) } dd { (tr.a("kurultai-readings-of", &[("n", Arg::S(b.readings.to_string()))])) }
            @if let Some(d) = b.signed_on { dt { (tr.t("kurultai-signed-on")) } dd { (date(lang, d)) } }
            @if let Some(d) = b.in_force { dt { (tr.t("kurultai-in-force")) } dd { (date(lang, d)) } }
        }
        p.hint {
            a href=(format!("{path}/feed.atom")) type="application/atom+xml" { (tr.t("kurultai-feed")) }
            " · " (tr.t("kurultai-akn")) ": "
            @for (n, code) in ["kk", "ru", "en"].iter().enumerate() {
                @if n > 0 { ", " }
                a href=(format!("/api/v1/kurultai/bills/{}/akn?lang={code}", b.id)) hreflang=(code) { (code) }
            }
        }
        @if !deadlines.is_empty() {
            section aria-labelledby="deadlines-h" {
                h2 #deadlines-h { (tr.t("kurultai-deadlines")) }
                div.scroll { table #deadlines {
                    caption { (tr.t("kurultai-deadlines-caption")) }
                    (heads(tr, &[("kurultai-col-due-for", false), ("kurultai-col-due", false), ("kurultai-col-done", false)]))
                    tbody {
                        @for d in &deadlines {
                            tr class=[d.overdue.then_some("overdue")] {
                                th scope="row" { (deadline_what(tr, d)) }
                                td { (date(lang, d.due)) }
                                td {
                                    @match d.done_on { Some(x) => (date(lang, x)), None => "—" }
                                    @if d.overdue { " " span.badge.overdue { (tr.t("kurultai-overdue")) } }
                                }
                            }
                        }
                    }
                } }
            }
        }
        @if let Some(o) = &b.objections {
            section aria-labelledby="objections-h" {
                h2 #objections-h { (tr.t("kurultai-objections")) }
                blockquote #objections { p { (o) } }
            }
        }
        @if !b.petitions.is_empty() {
            section aria-labelledby="petitions-h" {
                h2 #petitions-h { (tr.t("kurultai-petitions")) }
                ul {
                    @for (on, who) in &b.petitions {
                        li { (date(lang, *on)) ": " (tr.a("kurultai-petition-signatories", &[("count", Arg::N(who.len() as u64)), ("n", Arg::S(integer(lang, who.len() as u64)))])) }
                    }
                }
            }
        }
        section aria-labelledby="timeline-h" {
            h2 #timeline-h { (tr.t("kurultai-timeline")) }
            ol.timeline #timeline {
                @for s in &b.timeline {
                    li {
                        time datetime=(s.on.to_string()) { (date(lang, s.on)) } ": " (step_kind(tr, s.kind))
                        @if let Some(n) = s.vote && let Some(v) = k.vote(n) {
                            " — " a href=(format!("/kurultai/votes/{n}")) { (v.vote.motion) } " " (super::text::outcome_badge(tr, v))
                        }
                        @if s.kind == "signed" && let Some(d) = b.in_force {
                            " — " (tr.a("kurultai-in-force-from", &[("day", Arg::S(date(lang, d)))]))
                        }
                    }
                }
            }
        }
        section aria-labelledby="versions-h" {
            h2 #versions-h { (tr.t("kurultai-versions")) }
            ol #versions {
                @for (i, v) in b.versions.iter().enumerate() {
                    li id=(format!("v{}", i + 1)) {
                        strong { (tr.a("kurultai-version-n", &[("n", Arg::S((i + 1).to_string()))])) } " · "
                        (date(lang, v.on)) " · " (version_source(tr, &v.source, &people))
                        @if i > 0 {
                            details {
                                summary { (tr.a("kurultai-diff-from", &[("n", Arg::S(i.to_string()))])) }
                                (diff_section(tr, b, i))
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="text-h" {
            h2 #text-h { (tr.t("kurultai-current-text")) }
            @for (u, _) in b.text().articles() {
                article.unit id=(u.eid) {
                    h3 { (unit_title(tr, u, l)) }
                    (unit_body(tr, u, l))
                }
            }
        }
    };
    drop(ledger);
    let page = Page::new(title, Section::Kurultai, path).crumbs(vec![
        (tr.t("kurultai-title").into_owned(), "/kurultai".into()),
        (
            tr.t("kurultai-bills").into_owned(),
            "/kurultai/bills".into(),
        ),
    ]);
    layout::page(ctx, &page, body)
}
