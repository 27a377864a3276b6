//! The result pages of a referendum: national, region, district, precinct.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::Ledger;
use ashyq_core::protocol::ProtocolLines;
use ashyq_core::referendum::{AdoptionRule, ReferendumDefinition};
use ashyq_core::tally::{ResultStatus, ResultsTree, Totals};
use ashyq_core::territory::{Names, PrecinctId};
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use maud::{Markup, html};

use super::cartogram::{self, Measure};
use super::format::{self, integer, percent};
use super::i18n::{Arg, Lang, Tr};
use super::layout::{self, Page, Section};
use super::provenance::{self, Provenance};
use super::query::query_param;
use super::{Ctx, election};
use crate::AppState;

/// A unit's name as a heading or the start of a table row: "город Алматы" → "Город Алматы".
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `/`: the latest referendum's national result; without one, the latest election; without
/// either, a page that says nothing is defined yet.
pub async fn home(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let measure = Measure::parse(query_param(q.as_deref(), "by"));
    let election_id = {
        let ledger = state.registrar.ledger();
        if let Some(r) = ledger.referendums().last() {
            let id = r.definition.id.0.clone();
            return match national_markup(&ledger, ctx, &id, measure, "/") {
                Some((p, body)) => layout::page(ctx, &p, body),
                None => layout::not_found(ctx, None),
            };
        }
        let presidential = ledger
            .presidentials()
            .last()
            .map(|p| p.definition.id.0.clone());
        match ledger.elections().last() {
            Some(e) => Some(Ok(e.definition.id.0.clone())),
            None => presidential.map(Err),
        }
    };
    match election_id {
        Some(Ok(id)) => return election::election(State(state), ctx, Path(id)).await,
        Some(Err(id)) => {
            return super::president::national(State(state), ctx, Path(id), RawQuery(q)).await;
        }
        None => {}
    }
    let tr = ctx.tr();
    let p = Page::new(tr.t("home-empty-title"), Section::Results, "/");
    layout::page(
        ctx,
        &p,
        html! { h1 { (p.title) } p { (tr.t("home-empty-body")) } },
    )
}

/// `/r/{id}`: the national result.
pub async fn national(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let ledger = state.registrar.ledger();
    let measure = Measure::parse(query_param(q.as_deref(), "by"));
    let path = format!("/r/{id}");
    match national_markup(&ledger, ctx, &id, measure, &path) {
        Some((p, body)) => layout::page(ctx, &p, body),
        None => layout::not_found(ctx, Some(ctx.tr().t("not-found-referendum").into_owned())),
    }
}

/// The national page as HTML text, for the render benchmark: `None` for an unknown id.
pub fn render_national(ledger: &Ledger, lang: Lang, id: &str) -> Option<String> {
    let ctx = Ctx { lang, chosen: None };
    let (p, body) = national_markup(ledger, ctx, id, Measure::Yes, "/")?;
    Some(layout::document(ctx, &p, body).into_string())
}

/// The breadcrumbs of a page of referendum `def`: the referendum, then the region and the
/// district (names and codes) above the page's unit, as far as given.
fn trail(
    lang: Lang,
    def: &ReferendumDefinition,
    region: Option<(&Names, &str)>,
    district: Option<(&Names, &str)>,
) -> Vec<(String, String)> {
    let id = &def.id.0;
    let mut crumbs = vec![(def.title.get(lang.code()).to_owned(), format!("/r/{id}"))];
    if let Some((names, code)) = region {
        crumbs.push((
            capitalized(names.get(lang.code())),
            format!("/r/{id}/region/{code}"),
        ));
    }
    if let Some((names, code)) = district {
        crumbs.push((
            names.get(lang.code()).to_owned(),
            format!("/r/{id}/district/{code}"),
        ));
    }
    crumbs
}

fn tree_and_definition<'l>(
    ledger: &'l Ledger,
    id: &str,
) -> Option<(ResultsTree, &'l ReferendumDefinition)> {
    let rid = ContestId(id.to_owned());
    let tree = ledger.results(&rid).ok()?;
    let def = &ledger.referendum(&rid).ok()?.definition;
    Some((tree, def))
}

/// The result tree of the head (computed once per head and shared with the API, see
/// `read::tree`) and the definition of referendum `id`.
fn head_tree_and_definition<'l>(
    state: &AppState,
    ledger: &'l Ledger,
    id: &str,
) -> Option<(std::sync::Arc<ResultsTree>, &'l ReferendumDefinition)> {
    let def = &ledger
        .referendum(&ContestId(id.to_owned()))
        .ok()?
        .definition;
    Some((crate::read::tree(state, ledger, id).ok()?, def))
}

fn national_markup<'a>(
    ledger: &Ledger,
    ctx: Ctx,
    id: &'a str,
    measure: Measure,
    path: &str,
) -> Option<(Page<'a>, Markup)> {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let (tree, def) = tree_and_definition(ledger, id)?;
    let title = def.title.get(lang.code()).to_owned();
    let body = html! {
        h1 { (title) }
        p.meta { (tr.a("voting-day", &[("date", Arg::S(format::date(lang, def.voting_day)))])) }
        figure.question {
            figcaption { (tr.t("question")) }
            blockquote { p { "«" (def.question.get(lang.code())) "»" } }
        }
        (progress(tr, tree.status, &tree.national, tree.open_conflicts))
        (figures(tr, &tree.national))
        section.outcome aria-labelledby="outcome-h" {
            h2 #outcome-h { (tr.t("outcome")) }
            (outcome(tr, def, &tree))
        }
        section aria-labelledby="map-h" {
            h2 #map-h { (tr.t("cartogram-title")) }
            p.toggle {
                (tr.t("cartogram-colour-by")) " "
                @for m in [Measure::Yes, Measure::Turnout] {
                    @let label = tr.t(if m == Measure::Yes { "by-yes" } else { "by-turnout" });
                    @if m == measure {
                        strong aria-current="true" { (label) }
                    } @else {
                        a href=(format!("{path}?by={}", m.code())) { (label) }
                    }
                    " "
                }
            }
            div.map { (cartogram::svg(tr, id, &tree.regions, measure)) }
            (cartogram::legend(tr, measure))
            p.hint { (tr.t("cartogram-hint")) }
        }
        section aria-labelledby="regions-h" {
            h2 #regions-h { (tr.t("regions-title")) }
            div.scroll {
                table {
                    caption { (tr.t("regions-caption")) }
                    (units_head(tr, "unit-region"))
                    tbody {
                        @for r in &tree.regions {
                            (unit_row(tr, &format!("/r/{id}/region/{}", r.code.0), &capitalized(r.names.get(lang.code())), &r.totals))
                        }
                    }
                }
            }
        }
        (lines_section(tr, &tree.national.lines))
        (super::audit::referendum_audits(tr, ledger, &def.id, "national"))
        p { a href="/downloads" { (tr.t("downloads-link")) } }
        @let others: Vec<(String, String)> = ledger
            .referendums()
            .filter(|r| r.definition.id.0 != id)
            .map(|r| (format!("/r/{}", r.definition.id.0), r.definition.title.get(lang.code()).to_owned()))
            .chain(ledger.elections().map(|e| (format!("/e/{}", e.definition.id.0), e.definition.title.clone())))
            .chain(ledger.presidentials().map(|p| (format!("/p/{}", p.definition.id.0), p.definition.title.clone())))
            .collect();
        @if !others.is_empty() {
            section aria-labelledby="others-h" {
                h2 #others-h { (tr.t("other-contests")) }
                ul { @for (href, title) in &others { li { a href=(href) { (title) } } } }
            }
        }
    };
    let page = Page::new(title, Section::Results, path.to_owned())
        .keeping(if measure == Measure::Turnout {
            "by=turnout".into()
        } else {
            String::new()
        })
        .live(id);
    Some((page, body))
}

/// `/r/{id}/region/{code}`: a region (or abroad) and its districts.
pub async fn region(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let Some((tree, def)) = head_tree_and_definition(&state, &ledger, &id) else {
        return layout::not_found(ctx, Some(tr.t("not-found-referendum").into_owned()));
    };
    let Some(r) = tree.regions.iter().find(|r| r.code.0 == code) else {
        return layout::not_found(ctx, Some(tr.t("not-found-region").into_owned()));
    };
    let name = capitalized(r.names.get(lang.code()));
    let body = html! {
        h1 { (name) }
        (progress(tr, tree.status, &r.totals, 0))
        (figures(tr, &r.totals))
        section aria-labelledby="districts-h" {
            h2 #districts-h { (tr.t("districts-title")) }
            div.scroll {
                table {
                    caption { (tr.a("districts-caption", &[("region", Arg::S(name.clone()))])) }
                    (units_head(tr, "unit-district"))
                    tbody {
                        @for d in &r.districts {
                            (unit_row(tr, &format!("/r/{id}/district/{}", d.id.0), d.names.get(lang.code()), &d.totals))
                        }
                    }
                }
            }
        }
        (lines_section(tr, &r.totals.lines))
        (super::audit::referendum_audits(tr, &ledger, &def.id, &r.code.0))
    };
    let p = Page::new(name, Section::Results, format!("/r/{id}/region/{code}"))
        .crumbs(trail(lang, def, None, None))
        .live(&id);
    layout::page(ctx, &p, body)
}

/// `/r/{id}/district/{district}`: a district and its precincts.
pub async fn district(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, district)): Path<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let Some((tree, def)) = head_tree_and_definition(&state, &ledger, &id) else {
        return layout::not_found(ctx, Some(tr.t("not-found-referendum").into_owned()));
    };
    let found = tree.regions.iter().find_map(|r| {
        r.districts
            .iter()
            .find(|d| d.id.0 == district)
            .map(|d| (r, d))
    });
    let (Some((r, d)), Some(territory)) = (found, ledger.territory()) else {
        return layout::not_found(ctx, Some(tr.t("not-found-district").into_owned()));
    };
    let rid = ContestId(id.clone());
    let name = capitalized(d.names.get(lang.code()));
    let precincts: Vec<_> = territory
        .precincts
        .iter()
        .filter(|p| p.district == d.id)
        .map(|p| {
            let applied = ledger.applied(&rid, p.id).ok().flatten();
            let conflicts = ledger
                .history(&rid, p.id)
                .map(|h| h.iter().any(|i| i.kind == "protocol_conflict"))
                .unwrap_or(false);
            (p, applied.map(|a| a.protocol.lines), conflicts)
        })
        .collect();
    let body = html! {
        h1 { (name) }
        (progress(tr, tree.status, &d.totals, 0))
        (figures(tr, &d.totals))
        section aria-labelledby="precincts-h" {
            h2 #precincts-h { (tr.t("precincts-title")) }
            div.scroll {
                table {
                    caption { (tr.a("precincts-caption", &[("district", Arg::S(name.clone()))])) }
                    thead { tr {
                        th scope="col" { (tr.t("col-precinct")) }
                        th scope="col" { (tr.t("col-status")) }
                        th scope="col" .num { (tr.t("col-registered")) }
                        th scope="col" .num { (tr.t("col-turnout")) }
                        th scope="col" .num { (tr.t("col-yes-share")) }
                    } }
                    tbody {
                        @for (p, lines, conflict) in &precincts {
                            tr {
                                th scope="row" { a href=(format!("/r/{id}/precinct/{}", p.id.0)) { "№ " (p.id.0) " " span.sub { (p.name) } } }
                                td {
                                    @match (lines.is_some(), *conflict) {
                                        (true, false) => span.ok { (tr.t("precinct-reported")) },
                                        (true, true) => span.warn { (tr.t("precinct-reported-conflict")) },
                                        (false, true) => span.warn { (tr.t("precinct-conflict")) },
                                        (false, false) => span.muted { (tr.t("precinct-missing")) },
                                    }
                                }
                                td.num { (integer(lang, p.registered_voters)) }
                                @if let Some(l) = lines {
                                    td.num { (percent(lang, ashyq_core::share::Share::new(l.ballots.ballots_issued, l.ballots.voters_on_list), 1)) }
                                    td.num { (percent(lang, ashyq_core::share::Share::new(l.yes, l.ballots.ballots_issued), 1)) }
                                } @else {
                                    td.num { "—" } td.num { "—" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let p = Page::new(
        name,
        Section::Results,
        format!("/r/{id}/district/{district}"),
    )
    .crumbs(trail(lang, def, Some((&r.names, &r.code.0)), None))
    .live(&id);
    layout::page(ctx, &p, body)
}

/// `/r/{id}/precinct/{number}`: every protocol line, the receipt, the signature slot and the
/// history of amendments and conflicts.
pub async fn precinct(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    // The definition only: this page needs no tally.
    let Some(def) = ledger
        .referendum(&ContestId(id.clone()))
        .ok()
        .map(|r| &r.definition)
    else {
        return layout::not_found(ctx, Some(tr.t("not-found-referendum").into_owned()));
    };
    let territory = ledger.territory();
    let found = number.trim().parse::<u32>().ok().and_then(|n| {
        let t = territory?;
        let p = t.precincts.iter().find(|p| p.id == PrecinctId(n))?;
        let d = t.districts.iter().find(|d| d.id == p.district)?;
        let r = t.regions.iter().find(|r| r.code == d.region)?;
        Some((t, p, d, r))
    });
    let Some((t, p, d, r)) = found else {
        return layout::not_found(ctx, Some(tr.t("not-found-precinct").into_owned()));
    };
    let rid = ContestId(id.clone());
    let applied = ledger.applied(&rid, p.id).ok().flatten();
    let history = ledger.history(&rid, p.id).unwrap_or_default();
    let tree_size = ledger.tree().size();
    let offset = t.utc_offset_minutes;
    let title = tr
        .a("precinct-title", &[("n", Arg::S(p.id.0.to_string()))])
        .into_owned();
    let body = html! {
        h1 { (title) }
        p.meta { (p.name) " · " (d.names.get(lang.code())) " · " (r.names.get(lang.code())) }
        p { (tr.a("registered-voters", &[("n", Arg::S(integer(lang, p.registered_voters)))])) }
        @if let Some(a) = applied {
            @let how = Provenance::of_receipt(&a.receipt, history);
            section aria-labelledby="protocol-h" {
                h2 #protocol-h { (tr.t("protocol-title")) }
                (lines_table(tr, &a.protocol.lines, "protocol-caption"))
                @if !a.warnings.is_empty() {
                    h3 { (tr.t("warnings-title")) }
                    ul { @for w in &a.warnings { li { strong { (w.rule.code()) } " " (w.detail) } } }
                }
            }
            section aria-labelledby="receipt-h" {
                h2 #receipt-h { (tr.t("receipt-title")) }
                dl.pairs {
                    dt { (tr.t("receipt-status")) }
                    dd { (tr.t(&format!("receipt-{}", receipt_code(a.receipt.status)))) }
                    dt { (tr.t("receipt-seq")) }
                    dd { (a.receipt.seq) }
                    dt { (tr.t("receipt-entry-hash")) }
                    dd { code.hash { (a.receipt.entry_hash.0) } }
                    dt { (tr.t("receipt-protocol-hash")) }
                    dd { code.hash { (a.protocol_hash) } }
                    dt { (tr.t("signature")) }
                    dd { (provenance::status(tr, &how)) }
                }
                (provenance::signature_details(tr, &how, offset))
                (provenance::receipt_links(tr, &a.receipt, tree_size))
            }
        } @else {
            p.notice { (tr.t("precinct-not-reported")) }
        }
        section aria-labelledby="history-h" {
            h2 #history-h { (tr.t("history-title")) }
            @if history.is_empty() {
                p { (tr.t("history-empty")) }
            } @else {
                div.scroll {
                    table {
                        caption { (tr.t("history-caption")) }
                        thead { tr {
                            th scope="col" { (tr.t("col-seq")) }
                            th scope="col" { (tr.t("col-time")) }
                            th scope="col" { (tr.t("col-event")) }
                            th scope="col" { (tr.t("col-yes-no")) }
                            th scope="col" { (tr.t("col-reason")) }
                            th scope="col" { (tr.t("col-provenance")) }
                        } }
                        tbody {
                            @for h in history {
                                tr {
                                    th scope="row" { (h.seq) }
                                    td { (format::timestamp(lang, &h.recorded_at, offset)) }
                                    td { (history_kind(tr, &h.kind)) }
                                    td.num {
                                        @if let Some(pr) = &h.protocol {
                                            (integer(lang, pr.lines.yes)) " / " (integer(lang, pr.lines.no))
                                        } @else { "—" }
                                    }
                                    td {
                                        @if let Some(reason) = &h.reason { (reason) }
                                        @if let Some(author) = &h.author { " — " (author.name) " (" (author.role) ")" }
                                    }
                                    td {
                                        @if h.protocol.is_some() {
                                            (provenance::brief(tr, &Provenance::of(h), offset))
                                        } @else { "—" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href=(format!("/api/v1/referendums/{id}/precincts/{}", p.id.0)) { (tr.t("precinct-json")) } }
    };
    let page = Page::new(
        title,
        Section::Results,
        format!("/r/{id}/precinct/{}", p.id.0),
    )
    .crumbs(trail(
        lang,
        def,
        Some((&r.names, &r.code.0)),
        Some((&d.names, &d.id.0)),
    ));
    layout::page(ctx, &page, body)
}

fn receipt_code(s: ashyq_core::receipt::ReceiptStatus) -> &'static str {
    use ashyq_core::receipt::ReceiptStatus as R;
    match s {
        R::Accepted => "accepted",
        R::Amended => "amended",
        R::Conflict => "conflict",
    }
}

fn history_kind(tr: Tr, kind: &str) -> String {
    let key = format!("history-{}", kind.replace('_', "-"));
    let text = tr.t(&key);
    if text == key {
        kind.to_owned()
    } else {
        text.into_owned()
    }
}

fn status_key(s: ResultStatus) -> &'static str {
    match s {
        ResultStatus::Preliminary => "status-preliminary",
        ResultStatus::Final => "status-final",
        ResultStatus::Certified => "status-certified",
        // Its words are in audit.ftl; the badge keeps the certified look.
        ResultStatus::CertifiedAmendedByAudit => "status-certified-amended",
    }
}

/// The badge's class: an amended certified result looks certified.
fn status_class(s: ResultStatus) -> &'static str {
    match s {
        ResultStatus::CertifiedAmendedByAudit => "status-certified status-certified-amended",
        other => status_key(other),
    }
}

/// The status badge and how many precincts have reported.
fn progress(tr: Tr, status: ResultStatus, t: &Totals, open_conflicts: u64) -> Markup {
    let lang = tr.lang;
    html! {
        p.progress #progress {
            span class=(format!("badge {}", status_class(status))) { (tr.t(status_key(status))) }
            " "
            (tr.a("reported", &[
                ("count", Arg::N(t.precincts)),
                ("reported", Arg::S(integer(lang, t.precincts_reported))),
                ("total", Arg::S(integer(lang, t.precincts))),
                ("share", Arg::S(percent(lang, t.precincts_progress(), 1))),
            ]))
            @if open_conflicts > 0 {
                " " span.warn { (tr.a("open-conflicts", &[("count", Arg::N(open_conflicts)), ("n", Arg::S(integer(lang, open_conflicts)))])) }
            }
        }
    }
}

/// Yes, no and turnout with a bar.
fn figures(tr: Tr, t: &Totals) -> Markup {
    let lang = tr.lang;
    let yes = t.yes_share();
    let no = t.no_share();
    html! {
        dl.figures {
            div.fig.yes {
                dt { (tr.t("yes")) }
                dd { span.big { (percent(lang, yes, 2)) } span.abs { (integer(lang, t.lines.yes)) } }
            }
            div.fig.no {
                dt { (tr.t("no")) }
                dd { span.big { (percent(lang, no, 2)) } span.abs { (integer(lang, t.lines.no)) } }
            }
            div.fig.turnout {
                dt { (tr.t("turnout")) }
                dd {
                    span.big { (percent(lang, t.turnout(), 2)) }
                    span.abs { (tr.a("turnout-of", &[("took", Arg::S(integer(lang, t.participated()))), ("eligible", Arg::S(integer(lang, t.eligible())))])) }
                }
            }
        }
        // SVG with geometry attributes rather than `style="width:…"`: the CSP allows no
        // inline style, and presentation attributes are not style.
        @let (y, n) = (yes.to_f64_for_display() * 100.0, no.to_f64_for_display() * 100.0);
        svg.yesno aria-hidden="true" focusable="false" viewBox="0 0 100 1" preserveAspectRatio="none" {
            rect.y x="0" y="0" width=(format!("{y:.2}")) height="1" {}
            rect.n x=(format!("{y:.2}")) y="0" width=(format!("{n:.2}")) height="1" {}
        }
    }
}

/// Validity and adoption with their reasons, in the page's language.
fn outcome(tr: Tr, def: &ReferendumDefinition, tree: &ResultsTree) -> Markup {
    let lang = tr.lang;
    let o = &tree.outcome;
    let turnout = percent(lang, o.turnout, 2);
    let min = format::percent_text(lang, &def.validity.min_turnout.percent());
    let validity = tr.a(
        if o.valid {
            "validity-yes"
        } else {
            "validity-no"
        },
        &[("turnout", Arg::S(turnout)), ("min", Arg::S(min))],
    );
    let adoption = if !o.valid {
        tr.t("adoption-not-valid")
    } else {
        match def.adoption {
            AdoptionRule::NationalMajority { share } => tr.a(
                if o.adopted {
                    "adoption-yes"
                } else {
                    "adoption-no"
                },
                &[
                    ("yes", Arg::S(percent(lang, o.yes_share, 2))),
                    ("min", Arg::S(format::percent_text(lang, &share.percent()))),
                ],
            ),
            AdoptionRule::RegionalMajority { share, units } => {
                let (inf, total) = o.units_in_favour.unwrap_or((0, 0));
                tr.a(
                    if o.adopted {
                        "adoption-regional-yes"
                    } else {
                        "adoption-regional-no"
                    },
                    &[
                        ("min", Arg::S(format::percent_text(lang, &share.percent()))),
                        (
                            "units",
                            Arg::S(format::percent_text(lang, &units.percent())),
                        ),
                        ("in", Arg::S(inf.to_string())),
                        ("total", Arg::S(total.to_string())),
                    ],
                )
            }
        }
    };
    html! {
        dl.outcome {
            div class=(if o.valid { "good" } else { "bad" }) {
                dt { (tr.t("validity")) }
                dd { strong { (tr.t(if o.valid { "valid" } else { "not-valid" })) } " — " (validity) }
            }
            div class=(if o.adopted { "good" } else { "bad" }) {
                dt { (tr.t("adoption")) }
                dd { strong { (tr.t(if o.adopted { "adopted" } else { "not-adopted" })) } " — " (adoption) }
            }
        }
        @if tree.status == ResultStatus::Preliminary {
            p.hint { (tr.t("outcome-provisional")) }
        }
    }
}

fn units_head(tr: Tr, first: &str) -> Markup {
    html! {
        thead { tr {
            th scope="col" { (tr.t(first)) }
            th scope="col" .num { (tr.t("col-reported")) }
            th scope="col" .num { (tr.t("col-turnout")) }
            th scope="col" .num { (tr.t("col-yes")) }
            th scope="col" .num { (tr.t("col-no")) }
            th scope="col" .num { (tr.t("col-yes-share")) }
        } }
    }
}

fn unit_row(tr: Tr, href: &str, name: &str, t: &Totals) -> Markup {
    let lang = tr.lang;
    html! {
        tr {
            th scope="row" { a href=(href) { (name) } }
            td.num { (integer(lang, t.precincts_reported)) " / " (integer(lang, t.precincts)) }
            td.num { (percent(lang, t.turnout(), 2)) }
            td.num { (integer(lang, t.lines.yes)) }
            td.num { (integer(lang, t.lines.no)) }
            td.num { (percent(lang, t.yes_share(), 2)) }
        }
    }
}

fn lines_section(tr: Tr, lines: &ProtocolLines) -> Markup {
    html! {
        details.lines {
            summary { (tr.t("lines-title")) }
            (lines_table(tr, lines, "lines-caption"))
        }
    }
}

/// The twelve protocol lines, numbered as on the paper form.
fn lines_table(tr: Tr, lines: &ProtocolLines, caption: &str) -> Markup {
    html! {
        table.lines {
            caption { (tr.t(caption)) }
            thead { tr {
                th scope="col" { "№" }
                th scope="col" { (tr.t("col-line")) }
                th scope="col" .num { (tr.t("col-value")) }
            } }
            tbody {
                @for (i, (name, value)) in lines.named().iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        th scope="row" { (tr.t(&format!("line-{}", name.replace('_', "-")))) }
                        td.num { (integer(tr.lang, *value)) }
                    }
                }
            }
        }
    }
}
