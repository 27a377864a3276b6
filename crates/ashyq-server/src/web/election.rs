//! An election's pages: votes per party, seats with the hemicycle, deputies; and the what-if
//! page that allocates the same votes under another method or threshold.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::Ledger;
use ashyq_core::seats::hemicycle::hemicycle_svg;
use ashyq_core::seats::{self, AllocationRules, Method, SeatAllocation};
use ashyq_core::share::Share;
use ashyq_core::tally::ResultStatus;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use maud::{Markup, PreEscaped, html};

use super::Ctx;
use super::format::{integer, percent, percent_text};
use super::i18n::{Arg, Tr};
use super::layout::{self, Page, Section};
use super::query::query_param;
use crate::AppState;

/// `/e/{id}`: the count, and once allocated the seats and the deputies.
pub async fn election(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let rid = ContestId(id.clone());
    let (Ok(e), Ok(results)) = (ledger.election(&rid), ledger.election_results(&rid)) else {
        return layout::not_found(ctx, Some(tr.t("not-found-election").into_owned()));
    };
    let n = &results.national;
    let valid: u64 = n.votes.iter().map(|p| p.votes).sum::<u64>() + n.against_all;
    let body = html! {
        h1 { (e.definition.title) }
        (progress(tr, results.status, n.precincts_reported, n.precincts))
        p.meta {
            (tr.a("election-rules", &[
                ("seats", Arg::S(e.definition.rules.seats.to_string())),
                ("threshold", Arg::S(percent_text(lang, &e.definition.rules.threshold.percent()))),
                ("method", Arg::S(tr.t(&format!("method-{}", e.definition.rules.method.name())).into_owned())),
            ]))
        }
        section aria-labelledby="votes-h" {
            h2 #votes-h { (tr.t("election-votes")) }
            div.scroll {
                table {
                    caption { (tr.t("election-votes-caption")) }
                    thead { tr {
                        th scope="col" { (tr.t("col-party")) }
                        th scope="col" .num { (tr.t("col-votes")) }
                        th scope="col" .num { (tr.t("col-share")) }
                        @if e.allocation().is_some() { th scope="col" .num { (tr.t("col-seats")) } }
                    } }
                    tbody {
                        @for p in &n.votes {
                            tr {
                                th scope="row" { (p.party) }
                                td.num { (integer(lang, p.votes)) }
                                td.num { (percent(lang, Share::new(p.votes, valid), 2)) }
                                @if let Some(a) = e.allocation() { td.num { (a.seats_of(&p.party).unwrap_or(0)) } }
                            }
                        }
                        @if e.definition.against_all {
                            tr {
                                th scope="row" { (tr.t("against-all")) }
                                td.num { (integer(lang, n.against_all)) }
                                td.num { (percent(lang, Share::new(n.against_all, valid), 2)) }
                                @if e.allocation().is_some() { td.num { "—" } }
                            }
                        }
                        tr {
                            th scope="row" { (tr.t("invalid-ballots")) }
                            td.num { (integer(lang, n.invalid)) }
                            td.num { "—" }
                            @if e.allocation().is_some() { td.num { "—" } }
                        }
                    }
                }
            }
        }
        @if let Some(a) = e.allocation() {
            section aria-labelledby="seats-h" {
                h2 #seats-h { (tr.t("election-seats")) }
                (hemicycle(tr, a, &e.definition.title))
            }
            section aria-labelledby="deputies-h" {
                h2 #deputies-h { (tr.t("election-deputies")) }
                div.scroll {
                    table {
                        caption { (tr.t("election-deputies-caption")) }
                        thead { tr {
                            th scope="col" { (tr.t("col-name")) }
                            th scope="col" { (tr.t("col-party")) }
                            th scope="col" .num { (tr.t("col-position")) }
                        } }
                        tbody {
                            @for d in e.deputies() {
                                tr { th scope="row" { (d.name) } td { (d.party) } td.num { (d.position) } }
                            }
                        }
                    }
                }
            }
        } @else {
            p.notice { (tr.t("election-not-allocated")) }
        }
        p { a href=(format!("/e/{id}/what-if")) { (tr.t("whatif-link")) } }
    };
    let p = Page::new(
        e.definition.title.clone(),
        Section::Election,
        format!("/e/{id}"),
    );
    layout::page(ctx, &p, body)
}

/// The status badge and how many precincts reported, of an election or a presidential round.
pub fn progress(tr: Tr, status: ResultStatus, reported: u64, total: u64) -> Markup {
    let lang = tr.lang;
    let code = status_code(status);
    html! {
        p.progress {
            span class=(format!("badge status-{code}")) { (tr.t(&format!("status-{code}"))) }
            " "
            (tr.a("reported", &[
                ("count", Arg::N(total)),
                ("reported", Arg::S(integer(lang, reported))),
                ("total", Arg::S(integer(lang, total))),
                ("share", Arg::S(percent(lang, Share::new(reported, total), 1))),
            ]))
        }
    }
}

fn status_code(s: ResultStatus) -> &'static str {
    use ashyq_core::tally::ResultStatus as S;
    match s {
        S::Preliminary => "preliminary",
        S::Final => "final",
        // Elections are not audited yet; an amended result still reads as certified.
        S::Certified | S::CertifiedAmendedByAudit => "certified",
    }
}

fn hemicycle(tr: Tr, a: &SeatAllocation, title: &str) -> Markup {
    let svg = hemicycle_svg(a, title, &[]);
    html! {
        figure.hemicycle {
            (PreEscaped(svg))
            figcaption { (tr.a("seats-total", &[("n", Arg::S(a.total_seats().to_string()))])) }
        }
    }
}

/// The what-if allocation: the election's national votes under `method` and `threshold`
/// (a percentage such as `5` or `7.5`).
pub fn what_if_allocation(
    ledger: &Ledger,
    id: &str,
    method: Method,
    threshold: ashyq_core::share::Fraction,
) -> Option<Result<SeatAllocation, seats::AllocationError>> {
    let rid = ContestId(id.to_owned());
    let e = ledger.election(&rid).ok()?;
    let r = ledger.election_results(&rid).ok()?;
    let rules = AllocationRules {
        seats: e.definition.rules.seats,
        threshold,
        base: e.definition.rules.base,
        method,
    };
    Some(seats::allocate(
        &rules,
        &r.national.votes,
        r.national.against_all,
        e.seed(),
    ))
}

/// `/e/{id}/what-if?method=…&threshold=…`: the same votes under other rules.
pub async fn what_if(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let Ok(e) = ledger.election(&ContestId(id.clone())) else {
        return layout::not_found(ctx, Some(tr.t("not-found-election").into_owned()));
    };
    let q = q.as_deref();
    let method_text = query_param(q, "method").unwrap_or(e.definition.rules.method.name());
    let threshold_text = query_param(q, "threshold")
        .map(|t| t.replace("%2C", ".").replace(',', "."))
        .unwrap_or_else(|| e.definition.rules.threshold.percent());
    let method = method_text.parse::<Method>();
    let threshold = seats::threshold_from_percent(&threshold_text);
    let mut problems = Vec::new();
    if method.is_err() {
        problems.push(tr.t("whatif-bad-method").into_owned());
    }
    if threshold.is_err() {
        problems.push(tr.t("whatif-bad-threshold").into_owned());
    }
    let method = method.unwrap_or(e.definition.rules.method);
    let threshold = threshold.unwrap_or(e.definition.rules.threshold);
    let outcome = what_if_allocation(&ledger, &id, method, threshold);
    let actual = e.allocation();
    let body = html! {
        h1 { (tr.t("whatif-title")) }
        p { (tr.t("whatif-intro")) }
        form.whatif method="get" action=(format!("/e/{id}/what-if")) {
            div.field {
                label for="method" { (tr.t("whatif-method")) }
                select #method name="method" {
                    @for m in Method::ALL {
                        option value=(m.name()) selected[m == method] { (tr.t(&format!("method-{}", m.name()))) }
                    }
                }
            }
            div.field {
                label for="threshold" { (tr.t("whatif-threshold")) }
                input #threshold name="threshold" type="text" inputmode="decimal" size="6"
                    value=(threshold.percent()) aria-describedby="threshold-hint";
                small #threshold-hint { (tr.t("whatif-threshold-hint")) }
            }
            button type="submit" { (tr.t("whatif-submit")) }
        }
        @for p in &problems { p.error role="alert" { (p) } }
        @match outcome {
            Some(Ok(a)) => {
                div.scroll {
                    table {
                        caption { (tr.a("whatif-caption", &[
                            ("method", Arg::S(tr.t(&format!("method-{}", method.name())).into_owned())),
                            ("threshold", Arg::S(percent_text(lang, &threshold.percent()))),
                        ])) }
                        thead { tr {
                            th scope="col" { (tr.t("col-party")) }
                            th scope="col" .num { (tr.t("col-votes")) }
                            th scope="col" .num { (tr.t("col-share")) }
                            th scope="col" { (tr.t("col-qualified")) }
                            th scope="col" .num { (tr.t("col-seats-whatif")) }
                            @if actual.is_some() { th scope="col" .num { (tr.t("col-seats-actual")) } }
                        } }
                        tbody {
                            @for p in &a.parties {
                                tr {
                                    th scope="row" { (p.party) }
                                    td.num { (integer(lang, p.votes)) }
                                    td.num { (percent(lang, p.share, 2)) }
                                    td { (tr.t(if p.qualified { "yes" } else { "no" })) }
                                    td.num { strong { (p.seats) } }
                                    @if let Some(act) = actual { td.num { (act.seats_of(&p.party).unwrap_or(0)) } }
                                }
                            }
                        }
                    }
                }
                (hemicycle(tr, &a, &tr.t("whatif-title")))
            }
            Some(Err(err)) => { p.error role="alert" { (tr.t("whatif-cannot")) " " (err) } }
            None => { p.notice { (tr.t("election-no-votes")) } }
        }
    };
    let p = Page::new(
        tr.t("whatif-title"),
        Section::Election,
        format!("/e/{id}/what-if"),
    )
    .crumbs(vec![(e.definition.title.clone(), format!("/e/{id}"))])
    .keeping(format!(
        "method={}&threshold={}",
        method.name(),
        threshold.percent()
    ));
    layout::page(ctx, &p, body)
}
