//! The public pages of risk-limiting audits (`docs/audit.md`): `/audits` — every audit, with
//! how many of its contests are confirmed; `/audits/{id}` — one audit: its referendum, method,
//! risk limit, seed and rounds, each contest's conclusion, and the links to its report as JSON
//! and CSV; `/audits/{id}/{contest}` — one contest: the conclusion ("confirmed at risk ≤ 5%",
//! "escalate: draw N more", a full hand count), the risk per round, the sample drawn in each
//! round with each board member's entries, and the discrepancies against the protocol per
//! precinct. Every figure is the report's (`ashyq_core::audit::report`), the same value the API
//! and `ashyq audit report` give.

use ashyq_core::audit::record::{AuditEntry, AuditMethod, StopDecision};
use ashyq_core::audit::report::{AuditReport, Conclusion, ContestReport, Difference, ItemReport};
use ashyq_core::audit::{Answer, HandCount, Reading, RiskLimit};
use ashyq_core::contest::ContestId;
use ashyq_core::ledger::Ledger;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::Ctx;
use super::format::{integer, percent_text};
use super::i18n::{Arg, Lang, Tr};
use super::layout::{self, Page, Section};
use crate::AppState;

/// The URLs of every audit page, for the static mirror (each in every language).
pub fn page_urls(ledger: &Ledger) -> Vec<String> {
    let mut out = vec!["/audits".to_owned()];
    for a in ledger.audits() {
        out.push(format!("/audits/{}", a.id));
        for c in &a.contests {
            out.push(format!("/audits/{}/{c}", a.id));
        }
    }
    out
}

/// For the pages of referendum `referendum`: each of its audits with its conclusion for
/// `contest` (`national` or a unit's code) and a link to `/audits/{id}/{contest}`; nothing
/// when no audit covers the contest.
pub fn referendum_audits(tr: Tr, ledger: &Ledger, referendum: &ContestId, contest: &str) -> Markup {
    let rows: Vec<(String, String, &'static str)> = ledger
        .audits()
        .filter(|a| a.referendum == *referendum && a.contests.iter().any(|c| c == contest))
        .filter_map(|a| {
            let r = ledger.audit_report(&a.id).ok()?;
            let c = r.contests.iter().find(|c| c.contest == contest)?;
            let (text, class) = conclusion_text(tr, c, r.risk_limit);
            Some((a.id.clone(), text, class))
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! {
        section aria-labelledby="audits-h" {
            h2 #audits-h { (tr.t("audit-referendum-audits")) }
            ul #referendum-audits {
                @for (id, text, class) in &rows {
                    li {
                        a href=(format!("/audits/{id}/{contest}")) {
                            (tr.a("audit-referendum-audit", &[("id", Arg::S(id.clone()))]))
                        }
                        ": "
                        span class=(format!("badge audit-{class}")) { (text) }
                    }
                }
            }
        }
    }
}

/// The documents the audit pages link to, for the static mirror.
pub fn document_urls(ledger: &Ledger) -> Vec<String> {
    let mut out = vec!["/api/v1/audits".to_owned()];
    for a in ledger.audits() {
        out.push(format!("/api/v1/audits/{}", a.id));
        out.push(format!("/api/v1/audits/{}/report.csv", a.id));
    }
    out
}

/// A risk in millionths (already rounded up) as a percentage with four decimals: exact, so
/// never smaller than the published value.
pub fn risk_percent(lang: Lang, ppm: u64) -> String {
    percent_text(lang, &format!("{}.{:04}", ppm / 10_000, ppm % 10_000))
}

fn limit_percent(lang: Lang, limit: RiskLimit) -> String {
    percent_text(lang, &limit.as_percent().to_string())
}

/// A contest's name: the nation, or a first-level unit's name with its code.
pub fn contest_name(tr: Tr, ledger: &Ledger, contest: &str) -> String {
    if contest == "national" {
        return tr.t("audit-contest-national").into_owned();
    }
    ledger
        .territory()
        .and_then(|t| t.regions.iter().find(|r| r.code.0 == contest))
        .map_or_else(
            || contest.to_owned(),
            |r| format!("{} ({contest})", r.names.get(tr.lang.code())),
        )
}

fn method_key(m: AuditMethod) -> &'static str {
    match m {
        AuditMethod::BatchComparison => "audit-method-batch",
        AuditMethod::BallotPolling => "audit-method-polling",
        AuditMethod::BallotPollingAlpha => "audit-method-alpha",
    }
}

fn answer_key(a: Option<Answer>) -> &'static str {
    match a {
        Some(Answer::Yes) => "audit-answer-yes",
        Some(Answer::No) => "audit-answer-no",
        None => "audit-answer-tie",
    }
}

/// A ballot's reading in words.
pub fn reading_text(tr: Tr, r: Reading) -> String {
    tr.t(match r {
        Reading::Yes => "audit-reading-yes",
        Reading::No => "audit-reading-no",
        Reading::BothMarked => "audit-reading-both",
        Reading::Invalid => "audit-reading-invalid",
        Reading::NotFound => "audit-reading-not-found",
    })
    .into_owned()
}

/// A hand count in words: `yes 120 · no 30 · both marked 1 · invalid 2`.
pub fn count_text(tr: Tr, c: &HandCount) -> String {
    let lang = tr.lang;
    tr.a(
        "audit-count",
        &[
            ("yes", Arg::S(integer(lang, c.yes))),
            ("no", Arg::S(integer(lang, c.no))),
            ("both", Arg::S(integer(lang, c.both_marked))),
            ("invalid", Arg::S(integer(lang, c.invalid))),
        ],
    )
    .into_owned()
}

/// An entry in words.
pub fn entry_text(tr: Tr, e: &AuditEntry) -> String {
    match e {
        AuditEntry::Precinct { count } => count_text(tr, count),
        AuditEntry::Ballot { reading } => reading_text(tr, *reading),
    }
}

/// A round's decision in words.
fn decision_text(tr: Tr, d: &StopDecision, limit: RiskLimit) -> String {
    let lang = tr.lang;
    match d {
        StopDecision::Confirmed => tr
            .a(
                "audit-decision-confirmed",
                &[("limit", Arg::S(limit_percent(lang, limit)))],
            )
            .into_owned(),
        StopDecision::Continue { next } => tr
            .a(
                "audit-decision-more",
                &[
                    ("count", Arg::N(*next)),
                    ("n", Arg::S(integer(lang, *next))),
                ],
            )
            .into_owned(),
        StopDecision::Escalate => tr.t("audit-decision-escalate").into_owned(),
    }
}

/// A contest's conclusion in words, with the CSS class of its badge.
fn conclusion_text(tr: Tr, c: &ContestReport, limit: RiskLimit) -> (String, &'static str) {
    let lang = tr.lang;
    let risk = c
        .risk
        .last()
        .map_or_else(|| "—".to_owned(), |r| risk_percent(lang, r.risk_ppm));
    match c.conclusion {
        Conclusion::NotDrawn => (tr.t("audit-conclusion-not-drawn").into_owned(), "pending"),
        Conclusion::RoundOpen { round } => (
            tr.a(
                "audit-conclusion-open",
                &[("round", Arg::S(round.to_string()))],
            )
            .into_owned(),
            "pending",
        ),
        Conclusion::Confirmed => (
            tr.a(
                "audit-conclusion-confirmed",
                &[
                    ("risk", Arg::S(risk)),
                    ("limit", Arg::S(limit_percent(lang, limit))),
                ],
            )
            .into_owned(),
            "confirmed",
        ),
        Conclusion::DrawMore { next } => (
            tr.a(
                "audit-conclusion-more",
                &[
                    ("count", Arg::N(next)),
                    ("n", Arg::S(integer(lang, next))),
                    ("risk", Arg::S(risk)),
                    ("limit", Arg::S(limit_percent(lang, limit))),
                ],
            )
            .into_owned(),
            "more",
        ),
        Conclusion::Escalate => (
            tr.a("audit-conclusion-escalate", &[("risk", Arg::S(risk))])
                .into_owned(),
            "escalate",
        ),
    }
}

fn referendum_title(ledger: &Ledger, lang: Lang, id: &ContestId) -> String {
    ledger.referendum(id).map_or_else(
        |_| id.0.clone(),
        |r| r.definition.title.get(lang.code()).to_owned(),
    )
}

fn audit_crumbs(tr: Tr) -> Vec<(String, String)> {
    vec![(tr.t("audit-list-title").into_owned(), "/audits".into())]
}

/// `/audits`: every audit.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let reports: Vec<AuditReport> = ledger
        .audits()
        .filter_map(|a| ledger.audit_report(&a.id).ok())
        .collect();
    let body = html! {
        h1 { (tr.t("audit-list-title")) }
        p { (tr.t("audit-list-intro")) }
        @if reports.is_empty() {
            p.notice { (tr.t("audit-list-none")) }
        } @else {
            div.scroll {
                table #audits {
                    caption { (tr.t("audit-list-caption")) }
                    thead { tr {
                        th scope="col" { (tr.t("audit-col-audit")) }
                        th scope="col" { (tr.t("audit-col-referendum")) }
                        th scope="col" { (tr.t("audit-col-method")) }
                        th scope="col" .num { (tr.t("audit-col-limit")) }
                        th scope="col" .num { (tr.t("audit-col-rounds")) }
                        th scope="col" .num { (tr.t("audit-col-confirmed")) }
                    } }
                    tbody {
                        @for r in &reports {
                            tr {
                                th scope="row" { a href=(format!("/audits/{}", r.audit)) { (r.audit) } }
                                td { a href=(format!("/r/{}", r.referendum.0)) { (referendum_title(&ledger, lang, &r.referendum)) } }
                                td { (tr.t(method_key(r.method))) }
                                td.num { (limit_percent(lang, r.risk_limit)) }
                                td.num { (r.rounds_drawn) }
                                td.num {
                                    (tr.a("audit-confirmed-of", &[
                                        ("confirmed", Arg::S(r.contests.iter().filter(|c| c.conclusion == Conclusion::Confirmed).count().to_string())),
                                        ("contests", Arg::S(r.contests.len().to_string())),
                                    ]))
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/api/v1/audits" { (tr.t("audit-list-json")) } }
    };
    drop(ledger);
    let page = Page::new(tr.t("audit-list-title"), Section::Audits, "/audits");
    layout::page(ctx, &page, body)
}

fn not_found(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("audit-not-found").into_owned()))
}

/// The audit's facts; on a contest's page (`contest`) the method is that contest's, on the
/// audit's page the contests audited by another method are listed under it.
fn facts(tr: Tr, ledger: &Ledger, r: &AuditReport, contest: Option<&ContestReport>) -> Markup {
    let lang = tr.lang;
    let others: Vec<&ContestReport> = r.contests.iter().filter(|c| c.method != r.method).collect();
    html! {
        dl.pairs #facts {
            dt { (tr.t("audit-col-referendum")) }
            dd { a href=(format!("/r/{}", r.referendum.0)) { (referendum_title(ledger, lang, &r.referendum)) } }
            dt { (tr.t("audit-col-method")) }
            @match contest {
                Some(c) => dd #method { (tr.t(method_key(c.method))) },
                None => dd #method {
                    (tr.t(method_key(r.method)))
                    @if !others.is_empty() {
                        " " (tr.t("audit-method-except"))
                        ul #contest-methods {
                            @for c in &others {
                                li { (contest_name(tr, ledger, &c.contest)) ": " (tr.t(method_key(c.method))) }
                            }
                        }
                    }
                },
            }
            dt { (tr.t("audit-col-limit")) }
            dd { (limit_percent(lang, r.risk_limit)) }
            dt { (tr.t("audit-seed")) }
            dd {
                @match &r.seed {
                    Some(s) => code #seed { (s) },
                    None => (tr.t("audit-seed-none")),
                }
            }
            dt { (tr.t("audit-rounds")) }
            dd {
                (tr.a("audit-rounds-text", &[
                    ("drawn", Arg::S(r.rounds_drawn.to_string())),
                    ("measured", Arg::S(r.rounds_measured.to_string())),
                ]))
            }
        }
    }
}

fn downloads(tr: Tr, id: &str) -> Markup {
    html! {
        ul.files #report-files {
            li { a href=(format!("/api/v1/audits/{id}")) { (tr.t("audit-report-json")) } }
            li { a href=(format!("/api/v1/audits/{id}/report.csv")) { (tr.t("audit-report-csv")) } }
        }
        p.hint { (tr.t("audit-verify-hint")) " " a href="/verify" { (tr.t("nav-verify")) } }
    }
}

/// `/audits/{id}`: one audit and each contest's conclusion.
pub async fn audit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let Ok(r) = ledger.audit_report(&id) else {
        return not_found(ctx);
    };
    let title = tr
        .a("audit-title", &[("id", Arg::S(r.audit.clone()))])
        .into_owned();
    let body = html! {
        h1 { (title) }
        (facts(tr, &ledger, &r, None))
        section aria-labelledby="contests-h" {
            h2 #contests-h { (tr.t("audit-contests")) }
            div.scroll {
                table #contests {
                    caption { (tr.t("audit-contests-caption")) }
                    thead { tr {
                        th scope="col" { (tr.t("audit-col-contest")) }
                        th scope="col" { (tr.t("audit-col-winner")) }
                        th scope="col" .num { (tr.t("audit-col-draws")) }
                        th scope="col" .num { (tr.t("audit-col-discrepancies")) }
                        th scope="col" .num { (tr.t("audit-col-risk")) }
                        th scope="col" { (tr.t("audit-col-conclusion")) }
                    } }
                    tbody {
                        @for c in &r.contests {
                            @let (text, class) = conclusion_text(tr, c, r.risk_limit);
                            tr {
                                th scope="row" { a href=(format!("/audits/{}/{}", r.audit, c.contest)) { (contest_name(tr, &ledger, &c.contest)) } }
                                td { (tr.t(answer_key(c.reported_winner))) }
                                td.num { (integer(lang, c.sample.len() as u64)) }
                                td.num { (integer(lang, c.discrepancies)) }
                                td.num { (c.risk.last().map_or_else(|| "—".to_owned(), |x| risk_percent(lang, x.risk_ppm))) }
                                td { span class=(format!("badge audit-{class}")) { (text) } }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="files-h" {
            h2 #files-h { (tr.t("audit-files")) }
            (downloads(tr, &r.audit))
        }
    };
    drop(ledger);
    let page = Page::new(title, Section::Audits, format!("/audits/{id}")).crumbs(audit_crumbs(tr));
    layout::page(ctx, &page, body)
}

fn difference_rows(tr: Tr, reported: &HandCount, d: &Difference) -> Markup {
    let lang = tr.lang;
    let rows = [
        ("audit-line-yes", reported.yes, d.yes),
        ("audit-line-no", reported.no, d.no),
        ("audit-line-both", reported.both_marked, d.both_marked),
        ("audit-line-invalid", reported.invalid, d.invalid),
    ];
    html! {
        @for (key, protocol, diff) in rows {
            @if diff != 0 {
                @let paper = protocol.saturating_add_signed(diff);
                li {
                    (tr.a("audit-discrepancy-line", &[
                        ("line", Arg::S(tr.t(key).into_owned())),
                        ("protocol", Arg::S(integer(lang, protocol))),
                        ("paper", Arg::S(integer(lang, paper))),
                        ("diff", Arg::S(format!("{diff:+}"))),
                    ]))
                }
            }
        }
    }
}

/// The full hand count of an escalated contest: how far it is, and each precinct whose count
/// replaced its protocol.
fn hand_count_section(tr: Tr, r: &AuditReport, c: &ContestReport) -> Markup {
    let lang = tr.lang;
    let inside = |region: &str| c.contest == "national" || region == c.contest;
    let rows: Vec<_> = r.hand_counts.iter().filter(|h| inside(&h.region)).collect();
    let amended: Vec<_> = rows.iter().filter(|h| h.amended).collect();
    html! {
        section aria-labelledby="hand-count-h" {
            h2 #hand-count-h { (tr.t("audit-hand-count")) }
            p #hand-count {
                (tr.a("audit-hand-count-progress", &[
                    ("counted", Arg::S(integer(lang, c.hand_counted))),
                    ("precincts", Arg::S(integer(lang, c.precincts))),
                    ("amended", Arg::S(integer(lang, amended.len() as u64))),
                ]))
            }
            @if !amended.is_empty() {
                div.scroll {
                    table #amended {
                        caption { (tr.t("audit-hand-count-caption")) }
                        thead { tr {
                            th scope="col" { (tr.t("audit-col-item")) }
                            th scope="col" { (tr.t("audit-col-certified")) }
                            th scope="col" { (tr.t("audit-col-hand-count")) }
                            th scope="col" { (tr.t("audit-col-reason")) }
                        } }
                        tbody {
                            @for h in &amended {
                                tr {
                                    th scope="row" { a href=(format!("/r/{}/precinct/{}", r.referendum.0, h.precinct)) { (h.precinct) } }
                                    td { (count_text(tr, &h.certified)) }
                                    td { (count_text(tr, &h.count)) }
                                    td { (h.reason) " — " (h.author) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn item_link(referendum: &ContestId, item: &ItemReport) -> Markup {
    html! {
        a href=(format!("/r/{}/precinct/{}", referendum.0, item.precinct)) { (item.item) }
    }
}

/// `/audits/{id}/{contest}`: one contest of an audit.
pub async fn contest(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, contest)): Path<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let Ok(r) = ledger.audit_report(&id) else {
        return not_found(ctx);
    };
    let Some(c) = r.contests.iter().find(|c| c.contest == contest) else {
        return not_found(ctx);
    };
    let name = contest_name(tr, &ledger, &c.contest);
    let title = tr
        .a(
            "audit-contest-title",
            &[("contest", Arg::S(name)), ("id", Arg::S(r.audit.clone()))],
        )
        .into_owned();
    let (conclusion, class) = conclusion_text(tr, c, r.risk_limit);
    // The distinct items of the contest, in draw order, and those that differ.
    let mut seen = std::collections::BTreeSet::new();
    let items: Vec<&ItemReport> = c
        .sample
        .iter()
        .filter(|s| seen.insert(s.item.clone()))
        .filter_map(|s| r.item(&s.item))
        .collect();
    let differing: Vec<&ItemReport> = items
        .iter()
        .copied()
        .filter(|i| i.discrepancy.is_some())
        .collect();
    let rounds: Vec<u32> = {
        let mut v: Vec<u32> = c.sample.iter().map(|s| s.round).collect();
        v.dedup();
        v
    };
    let body = html! {
        h1 { (title) }
        p.outcome #conclusion { span class=(format!("badge audit-{class}")) { (conclusion) } }
        (facts(tr, &ledger, &r, Some(c)))
        section aria-labelledby="reported-h" {
            h2 #reported-h { (tr.t("audit-reported")) }
            p {
                (tr.a("audit-reported-text", &[
                    ("winner", Arg::S(tr.t(answer_key(c.reported_winner)).into_owned())),
                    ("count", Arg::S(count_text(tr, &c.reported))),
                ]))
            }
        }
        section aria-labelledby="risk-h" {
            h2 #risk-h { (tr.t("audit-risk-rounds")) }
            @if c.risk.is_empty() {
                p { (tr.t("audit-risk-none")) }
            } @else {
                div.scroll {
                    table #risk {
                        caption { (tr.t("audit-risk-caption")) }
                        thead { tr {
                            th scope="col" { (tr.t("audit-col-round")) }
                            th scope="col" .num { (tr.t("audit-col-draws-so-far")) }
                            th scope="col" .num { (tr.t("audit-col-risk")) }
                            th scope="col" { (tr.t("audit-col-decision")) }
                        } }
                        tbody {
                            @for x in &c.risk {
                                tr {
                                    th scope="row" { (x.round) }
                                    td.num { (integer(lang, x.draws)) }
                                    td.num { (risk_percent(lang, x.risk_ppm)) }
                                    td { (decision_text(tr, &x.decision, r.risk_limit)) }
                                }
                            }
                        }
                    }
                }
                p.hint { (tr.t("audit-risk-rounding")) }
            }
        }
        section aria-labelledby="discrepancies-h" {
            h2 #discrepancies-h { (tr.t("audit-discrepancies")) }
            @if c.method.polls_ballots() {
                p { (tr.t("audit-discrepancies-polling")) }
            } @else if differing.is_empty() {
                p #no-discrepancy { (tr.t("audit-discrepancies-none")) }
            } @else {
                ul #discrepancy-list {
                    @for i in &differing {
                        li {
                            (tr.a("audit-precinct", &[("n", Arg::S(i.precinct.to_string()))])) ": "
                            @if let (Some(rep), Some(d)) = (&i.reported, &i.discrepancy) {
                                ul { (difference_rows(tr, rep, d)) }
                            }
                        }
                    }
                }
            }
        }
        @if c.conclusion == Conclusion::Escalate || c.hand_counted > 0 {
            (hand_count_section(tr, &r, c))
        }
        section aria-labelledby="sample-h" {
            h2 #sample-h { (tr.t("audit-sample")) }
            @if c.sample.is_empty() {
                p { (tr.t("audit-sample-none")) }
            }
            @for round in &rounds {
                @let rows: Vec<_> = c.sample.iter().filter(|s| s.round == *round).collect();
                h3 #(format!("round-{round}")) { (tr.a("audit-round-drawn", &[("round", Arg::S(round.to_string())), ("count", Arg::N(rows.len() as u64)), ("n", Arg::S(integer(lang, rows.len() as u64)))])) }
                div.scroll {
                    table.sample {
                        caption { (tr.a("audit-sample-caption", &[("round", Arg::S(round.to_string()))])) }
                        thead { tr {
                            th scope="col" { (tr.t("audit-col-item")) }
                            th scope="col" { (tr.t("audit-col-ticket")) }
                            th scope="col" .num { (tr.t("audit-col-generation")) }
                            th scope="col" { (tr.t("audit-col-entries")) }
                            th scope="col" { (tr.t("audit-col-agreed")) }
                        } }
                        tbody {
                            @for s in rows {
                                @let item = r.item(&s.item);
                                tr {
                                    th scope="row" {
                                        @match item {
                                            Some(i) => (item_link(&r.referendum, i)),
                                            None => (s.item),
                                        }
                                    }
                                    td { code.hash { (s.ticket) } }
                                    td.num { (s.generation) }
                                    td {
                                        @match item {
                                            Some(i) if !i.entries.is_empty() => {
                                                ul.entries {
                                                    @for e in &i.entries {
                                                        li { (e.member) ": " (entry_text(tr, &e.entry)) }
                                                    }
                                                }
                                            }
                                            _ => { (tr.t("audit-no-entry")) }
                                        }
                                    }
                                    td {
                                        @match item {
                                            Some(i) if i.agreed.is_some() => {
                                                @if let Some(a) = &i.agreed { (entry_text(tr, a)) }
                                                @if i.discrepancy.is_some() { " " strong.warn { (tr.t("audit-differs")) } }
                                            }
                                            Some(i) if i.disputed => { strong.warn { (tr.t("audit-disputed")) } }
                                            _ => { (tr.t("audit-waiting")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="files-h" {
            h2 #files-h { (tr.t("audit-files")) }
            (downloads(tr, &r.audit))
        }
    };
    drop(ledger);
    let mut crumbs = audit_crumbs(tr);
    crumbs.push((
        tr.a("audit-title", &[("id", Arg::S(id.clone()))])
            .into_owned(),
        format!("/audits/{id}"),
    ));
    let page = Page::new(title, Section::Audits, format!("/audits/{id}/{contest}")).crumbs(crumbs);
    layout::page(ctx, &page, body)
}
