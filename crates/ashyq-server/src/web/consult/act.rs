//! The act: a version's structure with each article's proposals, an article with its history
//! through the versions and the proposals and decisions about it, and the comparison of two
//! versions.

use std::collections::HashMap;

use ashyq_core::consult::{Consultation, Proposal, ProposalId};
use ashyq_core::legal::{self, Act, Unit, UnitKind};
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use super::frame::{Served, consult_page, crumbs, page_of};
use super::proposals::proposal_item;
use super::text::{
    change_words, day, decision_markup, diff_markup, excerpt, legal_lang, parallel,
    serde_plain_kind, stats_sentence, unit_body, unit_label, unit_title,
};
use crate::consult::{ConsultService, article_of, text_is_public};
use crate::signin::percent_encode;
use crate::web::ctx::Ctx;
use crate::web::format::integer;
use crate::web::i18n::{self, Arg, Tr};
use crate::web::layout;

/// The version a page asks for with `?v=`, by default the one open for proposals; and the one
/// open for proposals.
fn asked_version(svc: &ConsultService, q: &HashMap<String, String>) -> Option<(Act, Option<Act>)> {
    let draft = svc.open_draft();
    let act = match q.get("v") {
        Some(v) => svc.version(v).map(|(_, a)| a),
        None => draft.clone(),
    };
    Some((act?, draft))
}

/// The answer for a version that is not stored.
fn no_version(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("consult-no-version").into_owned()))
}

/// `/consult/act?v=VERSION`: the act's structure, each article with its proposals' count.
pub async fn act(
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let session = svc.session(&headers).await;
    let tr = ctx.tr();
    let l = legal_lang(ctx.lang);
    let (act, draft) = match asked_version(&svc, &q) {
        Some(x) => x,
        None => return no_version(ctx),
    };
    let is_draft = draft.as_ref().is_some_and(|d| d.version == act.version);
    let counts = if is_draft {
        proposals_per_article(&svc.consultation())
    } else {
        HashMap::new()
    };
    let versions: Vec<String> = svc.acts().iter().map(|a| a.act.version.clone()).collect();
    let title = parallel(&act.title, l)
        .map(|(_, t)| t.to_owned())
        .unwrap_or_else(|| act.work.clone());
    let v = percent_encode(&act.version);
    let body = html! {
        h1 { (title) }
        p.meta {
            (tr.t("consult-version")) " " strong { (act.version) }
            @if let Some(d) = &act.date { " — " (day(ctx.lang, d)) }
            @if is_draft { " " span.badge.p-published { (tr.t("consult-open-draft")) } }
        }
        @if versions.len() > 1 {
            nav.versions aria-label=(tr.t("consult-versions")) {
                ul {
                    @for other in &versions {
                        li {
                            @if *other == act.version {
                                a href=(format!("/consult/act?v={}", percent_encode(other))) aria-current="page" { (other) }
                            } @else {
                                a href=(format!("/consult/act?v={}", percent_encode(other))) { (other) }
                            }
                        }
                    }
                }
            }
        }
        @for u in &act.body {
            (toc_unit(tr, u, l, &v, &counts, 2))
        }
    };
    let page = page_of(
        title.clone(),
        "/consult/act".into(),
        format!("v={v}"),
        crumbs(tr),
    );
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}

pub(crate) fn toc_unit(
    tr: Tr,
    u: &Unit,
    l: legal::Lang,
    v: &str,
    counts: &HashMap<String, u64>,
    depth: u8,
) -> Markup {
    match u.kind {
        UnitKind::Preamble => html! {
            section.preamble {
                h2 { (unit_label(tr, u.kind, &u.num)) }
                (unit_body(tr, u, l))
            }
        },
        UnitKind::Article => {
            let n = counts.get(&u.eid).copied().unwrap_or(0);
            let text = u.full_text(l);
            let text = if text.is_empty() {
                legal::Lang::ALL
                    .into_iter()
                    .map(|o| u.full_text(o))
                    .find(|t| !t.is_empty())
                    .unwrap_or_default()
            } else {
                text
            };
            html! {
                li.article {
                    a href=(format!("/consult/article/{}?v={v}", u.eid)) { strong { (unit_title(tr, u, l)) } }
                    @if n > 0 {
                        " " span.count { (tr.a("consult-n-proposals", &[("count", Arg::N(n)), ("n", Arg::S(integer(tr.lang, n)))])) }
                    }
                    br; span.muted { (excerpt(&text, 160)) }
                }
            }
        }
        _ => {
            let articles: Vec<&Unit> = u
                .children
                .iter()
                .filter(|c| c.kind == UnitKind::Article)
                .collect();
            let others: Vec<&Unit> = u
                .children
                .iter()
                .filter(|c| c.kind != UnitKind::Article)
                .collect();
            html! {
                section.part {
                    @if depth <= 2 { h2 { (unit_title(tr, u, l)) } } @else { h3 { (unit_title(tr, u, l)) } }
                    @if !articles.is_empty() {
                        ul.articles { @for a in articles { (toc_unit(tr, a, l, v, counts, depth + 1)) } }
                    }
                    @for o in others { (toc_unit(tr, o, l, v, counts, depth + 1)) }
                }
            }
        }
    }
}

/// `/consult/article/{eid}?v=VERSION`: the article, its history through the versions, the
/// proposals about it and the decisions behind it.
pub async fn article(
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    Path(eid): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let session = svc.session(&headers).await;
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    let (act, draft) = match asked_version(&svc, &q) {
        Some(x) => x,
        None => return no_version(ctx),
    };
    let Some((unit, parent)) = act
        .articles()
        .into_iter()
        .find(|(u, _)| u.eid == eid)
        .map(|(u, p)| (u.clone(), p))
    else {
        return layout::not_found(ctx, Some(tr.t("consult-no-article").into_owned()));
    };
    let history = svc
        .article_history(&act.version, &eid, l)
        .unwrap_or_default();
    let in_draft = draft_eids(&svc, &act.version, &eid, l);
    let is_draft = draft.as_ref().is_some_and(|d| d.version == act.version);
    let act_title = parallel(&act.title, l)
        .map(|(_, t)| t.to_owned())
        .unwrap_or_else(|| act.work.clone());
    let parent_title = act.find(&parent).map(|p| unit_title(tr, p, l));
    let c = svc.consultation();
    let mut proposal_ids: Vec<ProposalId> = Vec::new();
    let mut decision_ids: Vec<u32> = Vec::new();
    for e in &in_draft {
        let t = c.trace_unit(e);
        proposal_ids.extend(t.proposals);
        decision_ids.extend(t.decisions);
    }
    proposal_ids.sort();
    proposal_ids.dedup();
    decision_ids.sort();
    decision_ids.dedup();
    let v = percent_encode(&act.version);
    let title = unit_title(tr, &unit, l);
    let others: Vec<legal::Lang> = legal::Lang::ALL
        .into_iter()
        .filter(|o| *o != l && !unit.full_text(*o).is_empty())
        .collect();
    let body = html! {
        h1 { (title) }
        p.meta {
            (tr.t("consult-version")) " " a href=(format!("/consult/act?v={v}")) { strong { (act.version) } }
            @if let Some(d) = &act.date { " — " (day(lang, d)) }
            @if let Some(p) = &parent_title { " · " (p) }
        }
        article.legal-text {
            (unit_body(tr, &unit, l))
        }
        @if !others.is_empty() {
            details.parallel {
                summary { (tr.t("consult-other-languages")) }
                @for o in others {
                    div lang=(o.code()) {
                        h2.lang-name { (i18n::Lang::parse(o.code()).map_or(o.code(), |x| x.endonym())) }
                        (unit_body(tr, &unit, o))
                    }
                }
            }
        }
        section aria-labelledby="history-h" {
            h2 #history-h { (tr.t("consult-history")) }
            @if history.len() <= 1 {
                p { (tr.t("consult-history-one")) }
            } @else {
                ol.history {
                    @for step in &history {
                        li {
                            p.head {
                                strong { (step.version) }
                                @if let Some(d) = &step.date { " — " (day(lang, d)) }
                                ": "
                                @if step.articles.is_empty() {
                                    (tr.t("consult-history-absent"))
                                } @else {
                                    @for (i, a) in step.articles.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        @if step.version == act.version && a.eid == eid {
                                            (unit_label(tr, UnitKind::Article, &a.num))
                                        } @else {
                                            a href=(format!("/consult/article/{}?v={}", a.eid, percent_encode(&step.version))) { (unit_label(tr, UnitKind::Article, &a.num)) }
                                        }
                                    }
                                }
                                @if let Some(k) = step.change { " " span.change { "(" (change_words(tr, k)) ")" } }
                            }
                            @if !step.diff.is_empty() {
                                (diff_markup(tr, &step.diff))
                            } @else if step.change.is_some() && !step.articles.is_empty() {
                                p.muted { (tr.t("consult-text-same")) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="proposals-h" {
            h2 #proposals-h { (tr.t("consult-proposals")) }
            @let visible: Vec<&Proposal> = proposal_ids.iter().filter_map(|id| c.proposals.get(id)).filter(|p| text_is_public(p)).collect();
            @if visible.is_empty() {
                p { (tr.t("consult-no-proposals-here")) }
            } @else {
                ul.proposals { @for p in visible { (proposal_item(tr, p, true)) } }
            }
            @if let Some(target) = in_draft.first() {
                p { a.button href=(format!("/consult/propose?target={}", percent_encode(target))) { (tr.t("consult-propose-here")) } }
            }
            @if !is_draft && in_draft.is_empty() && draft.is_some() {
                p.muted { (tr.t("consult-not-in-draft")) }
            }
        }
        section aria-labelledby="decisions-h" {
            h2 #decisions-h { (tr.t("consult-decisions")) }
            @if decision_ids.is_empty() {
                p { (tr.t("consult-no-decisions-here")) }
            } @else {
                ul.decisions {
                    @for d in decision_ids.iter().filter_map(|n| c.decisions.get(n)) {
                        li { (decision_markup(tr, &c, d)) }
                    }
                }
            }
        }
    };
    drop(c);
    let mut cr = crumbs(tr);
    cr.push((act_title, format!("/consult/act?v={v}")));
    let page = page_of(
        title,
        format!("/consult/article/{eid}"),
        format!("v={v}"),
        cr,
    );
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}

/// The article eIds in the open draft that correspond to article `eid` of `version` (through
/// the article's history), where the proposals point.
pub(crate) fn draft_eids(
    svc: &ConsultService,
    version: &str,
    eid: &str,
    lang: legal::Lang,
) -> Vec<String> {
    let Some(draft) = svc.open_draft() else {
        return Vec::new();
    };
    if draft.version == version {
        return vec![eid.to_owned()];
    }
    svc.article_history(version, eid, lang)
        .and_then(|h| h.into_iter().find(|s| s.version == draft.version))
        .map(|s| s.articles.into_iter().map(|a| a.eid).collect())
        .unwrap_or_default()
}

/// Public proposals per article eId of the open draft.
pub(crate) fn proposals_per_article(c: &Consultation) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    for p in c.proposals.values().filter(|p| text_is_public(p)) {
        if let Some(eid) = p.target.eid() {
            *out.entry(article_of(eid)).or_insert(0) += 1;
        }
    }
    out
}

/// `/consult/compare?from=A&to=B`: the article-level comparison of two versions.
pub async fn compare(
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let session = svc.session(&headers).await;
    let tr = ctx.tr();
    let l = legal_lang(ctx.lang);
    let versions: Vec<String> = svc.acts().iter().map(|a| a.act.version.clone()).collect();
    let default = |i: usize| {
        versions
            .len()
            .checked_sub(i)
            .and_then(|k| versions.get(k))
            .cloned()
    };
    let from = q.get("from").cloned().or_else(|| default(2));
    let to = q.get("to").cloned().or_else(|| default(1));
    let (Some(from), Some(to)) = (from, to) else {
        return no_version(ctx);
    };
    let Some(cmp) = svc.compare(&from, &to, l) else {
        return no_version(ctx);
    };
    let link = |version: &str, refs: &[ashyq_core::legal::compare::ArticleRef]| -> Markup {
        html! {
            @if refs.is_empty() { "—" }
            @for (i, r) in refs.iter().enumerate() {
                @if i > 0 { ", " }
                a href=(format!("/consult/article/{}?v={}", r.eid, percent_encode(version))) { (unit_label(tr, UnitKind::Article, &r.num)) }
            }
        }
    };
    let title = tr
        .a(
            "consult-compare-title",
            &[("from", Arg::S(from.clone())), ("to", Arg::S(to.clone()))],
        )
        .into_owned();
    let body = html! {
        h1 { (title) }
        p.lead { (stats_sentence(tr, &cmp.stats)) }
        p.hint { (tr.t("consult-compare-how")) }
        div.scroll {
            table.changes {
                caption { (tr.t("consult-compare-caption")) }
                thead { tr {
                    th scope="col" { (tr.t("col-change")) }
                    th scope="col" { (from) }
                    th scope="col" { (to) }
                    th scope="col" .num { (tr.t("col-similarity")) }
                } }
                tbody {
                    @for ch in &cmp.changes {
                        tr class=(format!("ch-{}", serde_plain_kind(ch.kind))) {
                            th scope="row" { (change_words(tr, ch.kind)) }
                            td { (link(&from, &ch.old)) }
                            td { (link(&to, &ch.new)) }
                            td.num { (ch.similarity_percent) "%" }
                        }
                        @if !ch.diff.is_empty() && ch.text_changed {
                            tr.diff-row { td colspan="4" { (diff_markup(tr, &ch.diff)) } }
                        }
                    }
                }
            }
        }
    };
    let page = page_of(
        title,
        "/consult/compare".into(),
        format!("from={}&to={}", percent_encode(&from), percent_encode(&to)),
        crumbs(tr),
    );
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}
