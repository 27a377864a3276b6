//! `/consult`: the consultation's first page — the act's versions and what changed between
//! them, the figures, the search, the commission.

use ashyq_core::consult::Proposal;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use super::commission::meetings_list;
use super::frame::{Served, consult_page, page_of};
use super::proposals::search_form;
use super::text::{day, legal_lang, parallel, stats_sentence};
use crate::consult::text_is_public;
use crate::signin::percent_encode;
use crate::web::ctx::Ctx;
use crate::web::format::integer;
use crate::web::i18n::Arg;

/// `/consult`: the act's versions, the proposals, the commission.
pub async fn overview(Served(svc): Served, ctx: Ctx, headers: HeaderMap) -> Response {
    let session = svc.session(&headers).await;
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    let draft = svc.open_draft();
    let versions: Vec<(String, Option<String>, String)> = svc
        .acts()
        .iter()
        .map(|a| {
            (
                a.act.version.clone(),
                a.act.date.clone(),
                parallel(&a.act.title, l)
                    .map(|(_, t)| t.to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let comparisons: Vec<(String, String, String)> = versions
        .windows(2)
        .filter_map(|w| {
            let c = svc.compare(&w[0].0, &w[1].0, l)?;
            Some((w[0].0.clone(), w[1].0.clone(), stats_sentence(tr, &c.stats)))
        })
        .collect();
    let draft_title = draft
        .as_ref()
        .and_then(|d| parallel(&d.title, l).map(|(_, t)| t.to_owned()));
    let c = svc.consultation();
    let public: Vec<&Proposal> = c.proposals.values().filter(|p| text_is_public(p)).collect();
    let supports: u64 = public.iter().map(|p| p.supports).sum();
    let body = html! {
        h1 { (tr.t("consult-title")) }
        p.lead { (tr.t("consult-intro")) }
        @if let Some(d) = &draft {
            @if let Some((tl, t)) = parallel(&d.title, l) {
                p.notice { strong { (tr.t("consult-act")) ": " } span lang=(tl.code()) { (t) } }
            }
        }
        dl.figures {
            div.fig { dt { (tr.t("consult-fig-proposals")) } dd { span.big { (integer(lang, public.len() as u64)) } } }
            div.fig { dt { (tr.t("consult-fig-supports")) } dd { span.big { (integer(lang, supports)) } } }
            div.fig { dt { (tr.t("consult-fig-meetings")) } dd { span.big { (integer(lang, c.meetings.len() as u64)) } } }
            div.fig { dt { (tr.t("consult-fig-decisions")) } dd { span.big { (integer(lang, c.decisions.len() as u64)) } } }
        }
        section aria-labelledby="text-h" {
            h2 #text-h { (tr.t("consult-versions")) }
            @if versions.is_empty() {
                p { (tr.t("consult-no-versions")) }
            }
            ul.versions {
                @for (v, d, title) in &versions {
                    li {
                        a href=(format!("/consult/act?v={}", percent_encode(v))) { strong { (v) } }
                        @if let Some(d) = d { " — " (day(lang, d)) }
                        @if draft.as_ref().is_some_and(|x| &x.version == v) { " " span.badge.p-published { (tr.t("consult-open-draft")) } }
                        @if draft_title.as_deref() != Some(title.as_str()) { br; span.muted { (title) } }
                    }
                }
            }
            @if !comparisons.is_empty() {
                h3 { (tr.t("consult-changes")) }
                ul {
                    @for (from, to, s) in &comparisons {
                        li {
                            a href=(format!("/consult/compare?from={}&to={}", percent_encode(from), percent_encode(to))) { (from) " → " (to) }
                            ": " (s)
                        }
                    }
                }
            }
        }
        section aria-labelledby="proposals-h" {
            h2 #proposals-h { (tr.t("consult-proposals")) }
            (search_form(tr, "", ""))
            p {
                a href="/consult/proposals" { (tr.t("consult-all-proposals")) }
                @if draft.is_some() { " · " a href="/consult/propose" { (tr.t("consult-propose")) } }
            }
        }
        section aria-labelledby="commission-h" {
            h2 #commission-h { (tr.t("consult-commission")) }
            @if let Some(rules) = c.rules {
                @let t = rules.tally(c.members.len() as u64, 0, &[]);
                p { (tr.a("consult-commission-summary", &[("members", Arg::S(integer(lang, c.members.len() as u64))), ("quorum", Arg::S(integer(lang, t.quorum_needed)))])) }
            } @else {
                p { (tr.t("consult-no-commission")) }
            }
            (meetings_list(tr, &c))
            p { a href="/consult/meetings" { (tr.t("consult-commission-page")) } }
        }
    };
    let page = page_of(
        tr.t("consult-title").into_owned(),
        "/consult".into(),
        String::new(),
        Vec::new(),
    );
    drop(c);
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}
