//! A presidential round's pages: `/p/{id}` — the outcome with its reasons, the votes, the tile
//! map by leading candidate or by turnout, the regions, the candidates with their
//! registration record, the link to the other round; `/p/{id}/region/{code}` — a region and
//! its precincts; `/p/{id}/precinct/{number}` — a precinct's protocol.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{Ledger, NomineeStatus, PresidentialRecord, PresidentialResults};
use ashyq_core::president::{Criterion, PresidentialOutcome, PresidentialTotals};
use ashyq_core::protocol::BallotLines;
use ashyq_core::share::Share;
use ashyq_core::territory::PrecinctId;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use maud::{Markup, html};

use super::Ctx;
use super::cartogram::{self, Tile};
use super::format::{integer, percent};
use super::i18n::{Arg, Lang, Tr, line_label};
use super::layout::{self, Page, Section};
use super::provenance::{self, Provenance};
use super::query::query_param;
use crate::AppState;

/// The colours of the candidates on the map, in ballot order: dark enough for white text
/// (contrast ≥ 4.5:1), distinct from each other and from the turnout blues' light end.
const CANDIDATE_COLOURS: [&str; 8] = [
    "#08519c", "#a63603", "#54278f", "#006d2c", "#a50f15", "#525252", "#7a0177", "#00585a",
];

fn colour_of(ballot: &[&str], name: &str) -> &'static str {
    ballot
        .iter()
        .position(|c| *c == name)
        .map_or(cartogram::NO_DATA.0, |i| {
            CANDIDATE_COLOURS[i % CANDIDATE_COLOURS.len()]
        })
}

/// One precinct's protocol as totals (its turnout and leader).
fn totals_of(p: &ashyq_core::president::PresidentialProtocol) -> PresidentialTotals {
    let ballot: Vec<&str> = p.votes.iter().map(|v| v.candidate.as_str()).collect();
    let mut t = PresidentialTotals::new(&ballot);
    t.add(p);
    t
}

/// The votes for candidates and against all: the base of the published shares.
fn valid(t: &PresidentialTotals) -> u64 {
    t.votes.iter().map(|v| v.votes).sum::<u64>() + t.against_all
}

fn criterion_key(c: Criterion) -> &'static str {
    match c {
        Criterion::CitizenByBirth => "criterion-citizen-by-birth",
        Criterion::MinimumAge => "criterion-minimum-age",
        Criterion::StateLanguage => "criterion-state-language",
        Criterion::Residence => "criterion-residence",
        Criterion::HigherEducation => "criterion-higher-education",
        Criterion::PublicService => "criterion-public-service",
        Criterion::NeverPresident => "criterion-never-president",
    }
}

/// The outcome in the page's language, with its numbers.
fn outcome(tr: Tr, results: &PresidentialResults) -> Markup {
    let lang = tr.lang;
    let took_part = results.national.took_part();
    let text = match &results.outcome {
        Some(PresidentialOutcome::Elected {
            elected,
            votes,
            base,
            ..
        }) => tr.a(
            "pres-outcome-elected",
            &[
                ("name", Arg::S(elected.clone())),
                ("share", Arg::S(percent(lang, Share::new(*votes, *base), 2))),
                ("votes", Arg::S(integer(lang, *votes))),
                ("base", Arg::S(integer(lang, *base))),
            ],
        ),
        Some(PresidentialOutcome::SecondRound { candidates, .. }) => tr.a(
            "pres-outcome-second",
            &[
                ("a", Arg::S(candidates.first().cloned().unwrap_or_default())),
                ("b", Arg::S(candidates.get(1).cloned().unwrap_or_default())),
                ("base", Arg::S(integer(lang, took_part))),
            ],
        ),
        Some(PresidentialOutcome::NotElected { .. }) => tr.t("pres-outcome-none"),
        None => tr.t("pres-outcome-pending"),
    };
    html! { p.outcome #outcome { (text) } }
}

fn votes_table(tr: Tr, t: &PresidentialTotals, caption: &str) -> Markup {
    let lang = tr.lang;
    let base = valid(t);
    html! {
        div.scroll {
            table {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (tr.t("col-candidate")) }
                    th scope="col" .num { (tr.t("col-votes")) }
                    th scope="col" .num { (tr.t("col-share")) }
                } }
                tbody {
                    @for v in &t.votes {
                        tr {
                            th scope="row" { (v.candidate) }
                            td.num { (integer(lang, v.votes)) }
                            td.num { (percent(lang, Share::new(v.votes, base), 2)) }
                        }
                    }
                    tr {
                        th scope="row" { (tr.t("against-all")) }
                        td.num { (integer(lang, t.against_all)) }
                        td.num { (percent(lang, Share::new(t.against_all, base), 2)) }
                    }
                    tr {
                        th scope="row" { (tr.t("invalid-ballots")) }
                        td.num { (integer(lang, t.invalid)) }
                        td.num { "—" }
                    }
                }
            }
        }
    }
}

fn took_part(tr: Tr, t: &PresidentialTotals) -> Markup {
    let lang = tr.lang;
    html! {
        p.meta {
            (tr.a("pres-took-part", &[
                ("n", Arg::S(integer(lang, t.took_part()))),
                ("eligible", Arg::S(integer(lang, t.eligible()))),
                ("share", Arg::S(percent(lang, Share::new(t.took_part(), t.eligible()), 2))),
            ]))
        }
    }
}

fn progress(tr: Tr, results: &PresidentialResults, t: &PresidentialTotals) -> Markup {
    super::election::progress(tr, results.status, t.precincts_reported, t.precincts)
}

fn region_name<'a>(ledger: &'a Ledger, lang: Lang, code: &str) -> Option<&'a str> {
    ledger
        .territory()?
        .regions
        .iter()
        .find(|r| r.code.0 == code)
        .map(|r| r.names.get(lang.code()))
}

fn candidates_section(tr: Tr, p: &PresidentialRecord) -> Markup {
    let lang = tr.lang;
    html! {
        section aria-labelledby="candidates-h" {
            h2 #candidates-h { (tr.t("pres-candidates")) }
            @for n in &p.nominees {
                @let (status, criteria, signatures) = match &n.status {
                    NomineeStatus::Nominated => ("nominee-nominated", None, None),
                    NomineeStatus::Registered { criteria, signatures } => ("nominee-registered", Some(criteria), Some(signatures)),
                    NomineeStatus::Refused { criteria, signatures } => ("nominee-refused", Some(criteria), signatures.as_ref()),
                    NomineeStatus::Withdrawn { .. } => ("nominee-withdrawn", None, None),
                };
                article.nominee {
                    h3 { (n.nomination.name) }
                    p {
                        span class=(format!("badge {status}")) { (tr.t(status)) }
                        " " (tr.a("pres-nominated-by", &[("by", Arg::S(n.nomination.nominated_by.name.clone()))]))
                        " · " (tr.a("pres-log-entry", &[("seq", Arg::S(n.decided_seq.unwrap_or(n.nominated_seq).to_string()))]))
                    }
                    @if let Some(criteria) = criteria {
                        ul.criteria {
                            @for c in criteria {
                                li class=(if c.met { "met" } else { "not-met" }) {
                                    (tr.t(criterion_key(c.criterion))) ": "
                                    strong { (tr.t(if c.met { "criterion-met" } else { "criterion-not-met" })) }
                                }
                            }
                        }
                    }
                    @if let Some(s) = signatures {
                        p {
                            (tr.a("pres-signatures", &[
                                ("valid", Arg::S(integer(lang, s.valid))),
                                ("submitted", Arg::S(integer(lang, s.submitted))),
                                ("required", Arg::S(integer(lang, s.required))),
                                ("meeting", Arg::S(s.regions_meeting.to_string())),
                                ("regions", Arg::S(s.regions_required.to_string())),
                                ("verdict", Arg::S(tr.t(if s.sufficient { "pres-sufficient" } else { "pres-insufficient" }).into_owned())),
                            ]))
                        }
                    }
                }
            }
        }
    }
}

/// `/p/{id}`: a presidential round, nationally.
pub async fn national(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let by_turnout = query_param(q.as_deref(), "by") == Some("turnout");
    let ledger = state.registrar.ledger();
    let cid = ContestId(id.clone());
    let (Ok(p), Ok(results)) = (ledger.presidential(&cid), ledger.presidential_results(&cid))
    else {
        return layout::not_found(ctx, Some(tr.t("not-found-presidential").into_owned()));
    };
    let ballot = p.ballot();
    let n = &results.national;
    let tiles: Vec<Tile<'_>> = results
        .regions
        .iter()
        .map(|r| {
            let reported = r.totals.precincts_reported > 0;
            let turnout = Share::new(r.totals.took_part(), r.totals.eligible());
            let leader = r.totals.leader();
            let (colours, shown) = match (reported, by_turnout, leader) {
                (false, _, _) => (cartogram::NO_DATA, "—".to_owned()),
                (true, true, _) => (
                    cartogram::turnout_colours(turnout),
                    percent(lang, turnout, 1),
                ),
                // The leader's colour, and the leader's share of the region's votes.
                (true, false, Some(name)) => {
                    let votes = r
                        .totals
                        .votes
                        .iter()
                        .find(|v| v.candidate == name)
                        .map_or(0, |v| v.votes);
                    (
                        (colour_of(&ballot, name), "#ffffff"),
                        percent(lang, Share::new(votes, valid(&r.totals)), 1),
                    )
                }
                (true, false, None) => (cartogram::NO_DATA, "=".to_owned()),
            };
            Tile {
                code: &r.code.0,
                name: region_name(&ledger, lang, &r.code.0).unwrap_or(&r.name),
                href: format!("/p/{id}/region/{}", r.code.0),
                colours,
                shown,
            }
        })
        .collect();
    let label = tr.t(if by_turnout {
        "pres-map-turnout"
    } else {
        "pres-map-leader"
    });
    let title = p.definition.title.clone();
    let other_round = p
        .second_round()
        .map(|s| (s.0.clone(), "pres-second-round-link"))
        .or_else(|| {
            p.definition
                .second_round_of
                .as_ref()
                .map(|f| (f.first_round.0.clone(), "pres-first-round-link"))
        });
    let body = html! {
        h1 { (p.definition.title) }
        (progress(tr, &results, n))
        (outcome(tr, &results))
        @if let Some((round, key)) = &other_round {
            p { a href=(format!("/p/{round}")) { (tr.t(key)) } }
        }
        (took_part(tr, n))
        section aria-labelledby="votes-h" {
            h2 #votes-h { (tr.t("election-votes")) }
            (votes_table(tr, n, &tr.t("pres-votes-caption")))
        }
        section aria-labelledby="map-h" {
            h2 #map-h { (label) }
            p.switch {
                @if by_turnout {
                    a href=(format!("/p/{id}")) { (tr.t("pres-by-leader")) } " · " strong { (tr.t("pres-by-turnout")) }
                } @else {
                    strong { (tr.t("pres-by-leader")) } " · " a href=(format!("/p/{id}?by=turnout")) { (tr.t("pres-by-turnout")) }
                }
            }
            (cartogram::tiles_svg(lang, &label, &tiles))
            @if by_turnout {
                (cartogram::legend(tr, cartogram::Measure::Turnout))
            } @else {
                ul.legend aria-label=(tr.t("cartogram-legend")) {
                    @for c in &ballot {
                        li { (cartogram::swatch(colour_of(&ballot, c))) (c) }
                    }
                    li { (cartogram::swatch(cartogram::NO_DATA.0)) (tr.t("cartogram-no-data")) }
                }
            }
        }
        section aria-labelledby="regions-h" {
            h2 #regions-h { (tr.t("pres-regions")) }
            div.scroll {
                table {
                    caption { (tr.t("pres-regions-caption")) }
                    thead { tr {
                        th scope="col" { (tr.t("col-region")) }
                        th scope="col" .num { (tr.t("col-reported")) }
                        th scope="col" .num { (tr.t("col-turnout")) }
                        th scope="col" { (tr.t("col-leader")) }
                        th scope="col" .num { (tr.t("col-share")) }
                    } }
                    tbody {
                        @for r in &results.regions {
                            @let t = &r.totals;
                            @let leader = t.leader();
                            @let lead_votes = leader.and_then(|l| t.votes.iter().find(|v| v.candidate == l)).map_or(0, |v| v.votes);
                            tr {
                                th scope="row" { a href=(format!("/p/{id}/region/{}", r.code.0)) { (region_name(&ledger, lang, &r.code.0).unwrap_or(&r.name)) } }
                                td.num { (integer(lang, t.precincts_reported)) " / " (integer(lang, t.precincts)) }
                                td.num { (percent(lang, Share::new(t.took_part(), t.eligible()), 1)) }
                                td { (leader.unwrap_or("—")) }
                                td.num { (percent(lang, Share::new(lead_votes, valid(t)), 1)) }
                            }
                        }
                    }
                }
            }
        }
        (candidates_section(tr, p))
        p { a href="/downloads" { (tr.t("downloads-link")) } }
    };
    drop(ledger);
    // Live from the event stream (`assets/live.js`), keeping the map's measure.
    let page = Page::new(title, Section::Election, format!("/p/{id}"))
        .keeping(if by_turnout {
            "by=turnout".into()
        } else {
            String::new()
        })
        .live(&id);
    layout::page(ctx, &page, body)
}

/// `/p/{id}/region/{code}`: a region's count and its precincts.
pub async fn region(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let cid = ContestId(id.clone());
    let Ok(results) = ledger.presidential_results(&cid) else {
        return layout::not_found(ctx, Some(tr.t("not-found-presidential").into_owned()));
    };
    let (Some(r), Some(territory)) = (
        results.regions.iter().find(|r| r.code.0 == code),
        ledger.territory(),
    ) else {
        return layout::not_found(ctx, Some(tr.t("not-found-region").into_owned()));
    };
    let name = region_name(&ledger, lang, &code)
        .unwrap_or(&r.name)
        .to_owned();
    let districts: Vec<_> = territory
        .districts
        .iter()
        .filter(|d| d.region.0 == code)
        .collect();
    let precincts: Vec<_> = territory
        .precincts
        .iter()
        .filter(|p| districts.iter().any(|d| d.id == p.district))
        .collect();
    let body = html! {
        h1 { (name) }
        p { a href=(format!("/p/{id}")) { (tr.t("pres-national")) } }
        (progress(tr, &results, &r.totals))
        (took_part(tr, &r.totals))
        (votes_table(tr, &r.totals, &tr.a("pres-votes-caption-of", &[("unit", Arg::S(name.clone()))])))
        section aria-labelledby="precincts-h" {
            h2 #precincts-h { (tr.t("pres-precincts")) }
            div.scroll {
                table {
                    caption { (tr.a("pres-precincts-caption", &[("region", Arg::S(name.clone()))])) }
                    thead { tr {
                        th scope="col" { (tr.t("col-precinct")) }
                        th scope="col" { (tr.t("unit-district")) }
                        th scope="col" { (tr.t("col-leader")) }
                        th scope="col" .num { (tr.t("col-turnout")) }
                    } }
                    tbody {
                        @for p in &precincts {
                            @let applied = ledger.presidential_applied(&cid, p.id).ok().flatten();
                            @let district = districts.iter().find(|d| d.id == p.district).map_or("", |d| d.names.get(lang.code()));
                            tr {
                                th scope="row" { a href=(format!("/p/{id}/precinct/{}", p.id.0)) { "№ " (p.id.0) } }
                                td { (district) }
                                @match applied {
                                    Some(a) => {
                                        @let t = totals_of(&a.protocol);
                                        td { (t.leader().unwrap_or("—")) }
                                        td.num { (percent(lang, Share::new(t.took_part(), t.eligible()), 1)) }
                                    }
                                    None => { td { (tr.t("pres-not-reported")) } td.num { "—" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    drop(ledger);
    let page = Page::new(name, Section::Election, format!("/p/{id}/region/{code}")).live(&id);
    layout::page(ctx, &page, body)
}

fn lines_table(tr: Tr, b: &BallotLines) -> Markup {
    let lang = tr.lang;
    html! {
        table.lines {
            caption { (tr.t("lines-caption")) }
            thead { tr {
                th scope="col" { "№" }
                th scope="col" { (tr.t("col-line")) }
                th scope="col" .num { (tr.t("col-value")) }
            } }
            tbody {
                @for (i, (name, value)) in b.named().iter().enumerate() {
                    tr { td { (i + 1) } th scope="row" { (line_label(tr, name)) } td.num { (integer(lang, *value)) } }
                }
            }
        }
    }
}

/// `/p/{id}/precinct/{number}`: a precinct's protocol in the round.
pub async fn precinct(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let Ok(number) = number.parse::<u32>() else {
        return layout::not_found(ctx, Some(tr.t("not-found-precinct").into_owned()));
    };
    let ledger = state.registrar.ledger();
    let cid = ContestId(id.clone());
    let Ok(p) = ledger.presidential(&cid) else {
        return layout::not_found(ctx, Some(tr.t("not-found-presidential").into_owned()));
    };
    let Ok(applied) = ledger.presidential_applied(&cid, PrecinctId(number)) else {
        return layout::not_found(ctx, Some(tr.t("not-found-precinct").into_owned()));
    };
    let place = ledger.territory().and_then(|t| {
        let precinct = t.precincts.iter().find(|x| x.id.0 == number)?;
        let district = t.districts.iter().find(|d| d.id == precinct.district)?;
        Some((precinct.name.clone(), district.region.0.clone()))
    });
    let title = tr
        .a("pres-precinct-title", &[("n", Arg::S(number.to_string()))])
        .into_owned();
    let offset = ledger.territory().map_or(0, |t| t.utc_offset_minutes);
    let tree_size = ledger.head().map_or(0, |(s, _)| s);
    let body = html! {
        h1 { (title) }
        p {
            a href=(format!("/p/{id}")) { (p.definition.title) }
            @if let Some((name, region)) = &place {
                " · " a href=(format!("/p/{id}/region/{region}")) { (region_name(&ledger, lang, region).unwrap_or(region)) }
                " · " (name)
            }
        }
        @match applied {
            None => p.notice { (tr.t("pres-not-reported")) },
            Some(a) => {
                @let t = totals_of(&a.protocol);
                (took_part(tr, &t))
                (votes_table(tr, &t, &tr.a("pres-votes-caption-of", &[("unit", Arg::S(title.clone()))])))
                (lines_table(tr, &a.protocol.ballots))
                p.meta {
                    (tr.a("pres-receipt", &[
                        ("seq", Arg::S(a.receipt.seq.to_string())),
                        ("hash", Arg::S(a.protocol_hash.clone())),
                    ]))
                }
                @let how = Provenance::of_receipt(&a.receipt, p.book().history(PrecinctId(number)));
                p.meta { (tr.t("signature")) ": " (provenance::status(tr, &how)) }
                (provenance::signature_details(tr, &how, offset))
                (provenance::receipt_links(tr, &a.receipt, tree_size))
            }
        }
    };
    drop(ledger);
    let page = Page::new(
        title,
        Section::Election,
        format!("/p/{id}/precinct/{number}"),
    );
    layout::page(ctx, &page, body)
}
