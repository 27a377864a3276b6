//! The proposals: the list with search and status filter, and one proposal with its public
//! timeline, its cluster and the decisions about it.

use std::collections::HashMap;

use ashyq_core::consult::{Consultation, Proposal, ProposalId, ProposalStatus};
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use super::forms::proposal_actions;
use super::frame::{ProposalPath, Served, consult_page, crumbs, no_proposal, page_of};
use super::text::{decision_markup, excerpt, status_badge, status_sentence, target_markup, when};
use crate::consult::{ConsultService, PAGE_SIZE, STATUS_WORDS, text_is_public};
use crate::signin::{Session, percent_encode};
use crate::web::ctx::Ctx;
use crate::web::format::integer;
use crate::web::i18n::{self, Arg, Tr};

/// `/consult/proposals?q=&status=&page=`: search and list.
pub async fn proposals(
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let session = svc.session(&headers).await;
    let tr = ctx.tr();
    let query: String = q
        .get("q")
        .map(|s| s.chars().take(200).collect())
        .unwrap_or_default();
    let status = q
        .get("status")
        .map(String::as_str)
        .filter(|s| STATUS_WORDS.contains(s))
        .unwrap_or("");
    let page_no: usize = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1);
    let ids = svc.list_proposals(&query, status);
    let total = ids.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let shown: Vec<ProposalId> = ids
        .into_iter()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let c = svc.consultation();
    let kept = keep(&q, &["q", "status"]);
    let href = |p: usize| {
        if kept.is_empty() {
            format!("/consult/proposals?page={p}")
        } else {
            format!("/consult/proposals?{kept}&page={p}")
        }
    };
    let body = html! {
        h1 { (tr.t("consult-proposals")) }
        (search_form(tr, &query, status))
        p.meta { (tr.a("consult-found", &[("count", Arg::N(total as u64)), ("n", Arg::S(integer(tr.lang, total as u64)))])) }
        @if shown.is_empty() {
            p { (tr.t("consult-nothing-found")) }
        } @else {
            ul.proposals {
                @for p in shown.iter().filter_map(|id| c.proposals.get(id)) {
                    (proposal_item(tr, p, text_is_public(p)))
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label=(tr.t("consult-pages")) {
                @if page_no > 1 { a href=(href(page_no - 1)) rel="prev" { (tr.t("consult-prev")) } " " }
                span { (tr.a("consult-page-of", &[("page", Arg::S(page_no.to_string())), ("pages", Arg::S(pages.to_string()))])) }
                @if page_no < pages { " " a href=(href(page_no + 1)) rel="next" { (tr.t("consult-next")) } }
            }
        }
        p { a href="/consult/propose" { (tr.t("consult-propose")) } }
    };
    drop(c);
    let page = page_of(
        tr.t("consult-proposals").into_owned(),
        "/consult/proposals".into(),
        kept,
        crumbs(tr),
    );
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}

pub(crate) fn search_form(tr: Tr, q: &str, status: &str) -> Markup {
    html! {
        form.search method="get" action="/consult/proposals" role="search" {
            div.field {
                label for="q" { (tr.t("consult-search-label")) }
                input #q type="search" name="q" value=(q) maxlength="200";
            }
            div.field {
                label for="status" { (tr.t("consult-status-filter")) }
                select #status name="status" {
                    option value="" { (tr.t("consult-status-any")) }
                    @for w in STATUS_WORDS {
                        @if w == status {
                            option value=(w) selected { (tr.t(&format!("status-p-{w}"))) }
                        } @else {
                            option value=(w) { (tr.t(&format!("status-p-{w}"))) }
                        }
                    }
                }
            }
            button type="submit" { (tr.t("consult-search")) }
        }
    }
}

/// A query value as given, URL-encoded again for links.
pub(crate) fn keep(q: &HashMap<String, String>, names: &[&str]) -> String {
    names
        .iter()
        .filter_map(|n| {
            q.get(*n)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{n}={}", percent_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// One proposal in a list.
pub(crate) fn proposal_item(tr: Tr, p: &Proposal, show_text: bool) -> Markup {
    html! {
        li.proposal {
            p.head {
                a href=(format!("/consult/proposals/{}", p.id.0)) { strong { (p.id) } }
                " " (status_badge(tr, p.status()))
                " · " (target_markup(tr, &p.target, None))
                @if p.supports > 0 {
                    " · " (tr.a("consult-supports", &[("count", Arg::N(p.supports)), ("n", Arg::S(integer(tr.lang, p.supports)))]))
                }
            }
            @if show_text {
                p.text lang=(p.lang.code()) { (excerpt(&p.text, 240)) }
            } @else {
                p.muted { (tr.t("consult-text-withheld")) }
            }
        }
    }
}

/// `/consult/proposals/{id}`: a proposal with its public timeline and what became of it.
pub async fn proposal(
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    ProposalPath(id): ProposalPath,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let session = svc.session(&headers).await;
    let tr = ctx.tr();
    let body = {
        let c = svc.consultation();
        let Ok(trace) = c.trace_proposal(id) else {
            return no_proposal(ctx);
        };
        proposal_body(ctx, &svc, &c, &trace, session.as_ref(), &q)
    };
    let page = page_of(
        tr.a("consult-proposal-title", &[("id", Arg::S(id.to_string()))])
            .into_owned(),
        format!("/consult/proposals/{}", id.0),
        String::new(),
        {
            let mut c = crumbs(tr);
            c.push((
                tr.t("consult-proposals").into_owned(),
                "/consult/proposals".into(),
            ));
            c
        },
    );
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}

pub(crate) fn proposal_body(
    ctx: Ctx,
    svc: &ConsultService,
    c: &Consultation,
    trace: &ashyq_core::consult::ProposalTrace,
    session: Option<&Session>,
    q: &HashMap<String, String>,
) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let p = &trace.proposal;
    let mine = session.is_some_and(|s| s.citizen == p.author);
    let moderator = session.is_some_and(|s| svc.is_moderator(&s.citizen));
    let show_text = text_is_public(p) || mine || moderator;
    let open = matches!(
        p.status(),
        ProposalStatus::Published | ProposalStatus::OnAgenda { .. }
    );
    let supported = session.is_some_and(|s| c.supports(p.id, &s.citizen));
    html! {
        h1 { (tr.a("consult-proposal-title", &[("id", Arg::S(p.id.to_string()))])) " " (status_badge(tr, p.status())) }
        @if q.contains_key("submitted") && mine {
            p.notice role="status" { (tr.t("consult-submitted-notice")) }
        }
        @if q.contains_key("supported") && supported {
            p.notice role="status" { (tr.t("consult-supported-notice")) }
        }
        dl.pairs {
            dt { (tr.t("consult-target")) } dd { (target_markup(tr, &p.target, None)) }
            dt { (tr.t("consult-language")) } dd { (i18n::Lang::parse(p.lang.code()).map_or(p.lang.code(), |l| l.endonym())) }
            dt { (tr.t("consult-supports-label")) } dd { (integer(lang, p.supports)) }
            @if mine { dt { (tr.t("consult-author")) } dd { (tr.t("consult-you")) } }
        }
        @if show_text {
            @if !text_is_public(p) { p.notice { (tr.t("consult-text-private")) } }
            h2 { (tr.t("consult-proposed-text")) }
            blockquote.proposal-text lang=(p.lang.code()) { @for line in p.text.lines() { p { (line) } } }
            @if !p.rationale.trim().is_empty() {
                h2 { (tr.t("consult-rationale")) }
                div lang=(p.lang.code()) { @for line in p.rationale.lines() { p { (line) } } }
            }
        } @else {
            p.notice { (tr.t("consult-text-withheld")) }
        }
        (proposal_actions(ctx, svc, p, session, open, supported, mine, moderator))
        section aria-labelledby="timeline-h" {
            h2 #timeline-h { (tr.t("consult-timeline")) }
            ol.timeline {
                @for s in &p.timeline {
                    li {
                        time datetime=(s.at) { (when(lang, &s.at)) }
                        " — " (status_sentence(tr, &s.status))
                        " " span.muted { "(" (tr.a("consult-log-entry", &[("seq", Arg::S(s.seq.to_string()))])) ")" }
                    }
                }
            }
        }
        @if let Some(cl) = &trace.cluster {
            @if cl.members.len() > 1 {
                section aria-labelledby="cluster-h" {
                    h2 #cluster-h { (tr.t("consult-cluster")) }
                    p { (tr.a("consult-cluster-about", &[("count", Arg::N(cl.members.len() as u64)), ("n", Arg::S(integer(lang, cl.members.len() as u64))), ("rep", Arg::S(cl.representative.to_string()))])) }
                    ul.inline-list {
                        @for m in &cl.members {
                            li {
                                @if *m == p.id { strong { (m) } } @else { a href=(format!("/consult/proposals/{}", m.0)) { (m) } }
                                @if *m == cl.representative { " " span.muted { "(" (tr.t("consult-representative")) ")" } }
                            }
                        }
                    }
                }
            }
        }
        @if !trace.decisions.is_empty() {
            section aria-labelledby="decisions-h" {
                h2 #decisions-h { (tr.t("consult-decisions")) }
                ul.decisions { @for d in &trace.decisions { li { (decision_markup(tr, c, d)) } } }
            }
        }
    }
}
