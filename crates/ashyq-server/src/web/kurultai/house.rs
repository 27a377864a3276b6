//! The house in public: `/kurultai` (factions, officers, committees, the Vice President and
//! the People's Council), `/kurultai/deputies` and each deputy's voting record and attendance,
//! `/kurultai/committees/{id}`, and every roll call (`/kurultai/votes`, `/kurultai/votes/{n}`)
//! with each member's vote by faction. Absences are shown as such, never folded into "no".

use std::collections::{BTreeMap, HashMap};

use ashyq_core::kurultai::house::VicePresidentState;
use ashyq_core::kurultai::{
    Ballot, BillStatus, CommitteeId, CouncilProposal, Counts, Kurultai, MemberId, Office,
    VoteRecord,
};
use ashyq_core::share::Share;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

use super::text::{self, ballot, ballot_key, outcome_badge, status_badge, step_kind};
use super::{People, crumbs, heads, not_found, page_number};
use crate::AppState;
use crate::web::Ctx;
use crate::web::format::{date, integer, percent};
use crate::web::i18n::{Arg, Tr};
use crate::web::layout::{self, Page, Section};

/// Rows of a deputy's record, and of the list of votes, on one page.
pub const PER_PAGE: usize = 100;

fn page(ctx: Ctx, title: String, path: String, body: Markup, deep: bool) -> Response {
    let tr = ctx.tr();
    let mut p = Page::new(title, Section::Kurultai, path);
    if deep {
        p = p.crumbs(crumbs(tr));
    }
    layout::page(ctx, &p, body)
}

fn page_keeping(ctx: Ctx, title: String, path: String, query: String, body: Markup) -> Response {
    let tr = ctx.tr();
    let p = Page::new(title, Section::Kurultai, path)
        .crumbs(crumbs(tr))
        .keeping(query);
    layout::page(ctx, &p, body)
}

/// The notice of a server whose log has no Kurultai yet.
fn not_convened(ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let body = html! {
        h1 { (tr.t("kurultai-title")) }
        p.notice #not-convened { (tr.t("kurultai-not-convened")) }
    };
    page(
        ctx,
        tr.t("kurultai-title").into_owned(),
        "/kurultai".into(),
        body,
        false,
    )
}

fn deputy_link(people: &People, id: &MemberId) -> Markup {
    html! { a href=(format!("/kurultai/deputies/{}", id.0)) { (people.name(id)) } }
}

fn vote_link(tr: Tr, n: u32) -> Markup {
    html! { a href=(format!("/kurultai/votes/{n}")) { (tr.a("kurultai-vote-n", &[("n", Arg::S(n.to_string()))])) } }
}

/// The counts of a roll call as a row of cells: yes, no, abstain, absent, not voting.
fn count_cells(lang: crate::web::i18n::Lang, c: &Counts) -> Markup {
    html! {
        @for b in Ballot::ALL {
            td.num { (integer(lang, c.get(b))) }
        }
    }
}

fn count_heads(tr: Tr) -> Markup {
    html! {
        @for b in Ballot::ALL {
            th scope="col" .num { (ballot(tr, b)) }
        }
    }
}

/// The open data of the house, linked from its pages.
fn open_data(tr: Tr) -> Markup {
    html! {
        section aria-labelledby="data-h" {
            h2 #data-h { (tr.t("kurultai-open-data")) }
            ul.files #open-data {
                li { a href="/api/v1/kurultai/popolo.json" { (tr.t("kurultai-popolo")) } }
                li { a href="/api/v1/kurultai/votes.csv" { (tr.t("kurultai-votes-csv")) } }
            }
            p.hint { (tr.t("kurultai-verify-hint")) " " a href="/verify" { (tr.t("nav-verify")) } }
        }
    }
}

/// `/kurultai`: the house.
pub async fn overview(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let Some(conv) = k.convening() else {
        drop(ledger);
        return not_convened(ctx);
    };
    let Some(sitting) = ledger.kurultai_sitting() else {
        drop(ledger);
        return not_convened(ctx);
    };
    let people = People::of(&ledger);
    let mut factions: BTreeMap<&str, u64> = BTreeMap::new();
    for (party, _) in sitting.members.values() {
        *factions.entry(party.as_str()).or_default() += 1;
    }
    let mut by_status: BTreeMap<&'static str, u64> = BTreeMap::new();
    for b in k.bills() {
        *by_status.entry(b.status.key()).or_default() += 1;
    }
    let officers: Vec<_> = k.current_officers(&sitting).collect();
    let council = k.council();
    let vp = k.vice_presidency();
    let vacant = sitting.seats.saturating_sub(sitting.members.len() as u64);
    let body = html! {
        h1 { (tr.t("kurultai-title")) }
        p.lead {
            (tr.a("kurultai-lead", &[
                ("seats", Arg::S(integer(lang, sitting.seats))),
                ("sitting", Arg::S(integer(lang, sitting.members.len() as u64))),
                ("day", Arg::S(date(lang, conv.first_session))),
            ]))
            " "
            a href=(format!("/e/{}", conv.election.0)) { (tr.t("kurultai-the-election")) }
        }
        @if vacant > 0 {
            p.notice { (tr.a("kurultai-vacant", &[("count", Arg::N(vacant)), ("n", Arg::S(integer(lang, vacant)))])) }
        }
        nav aria-label=(tr.t("kurultai-sections")) {
            ul.links #kurultai-links {
                li { a href="/kurultai/bills" { (tr.t("kurultai-bills")) } " (" (integer(lang, k.bills().count() as u64)) ")" }
                li { a href="/kurultai/votes" { (tr.t("kurultai-votes")) } " (" (integer(lang, k.votes().len() as u64)) ")" }
                li { a href="/kurultai/deputies" { (tr.t("kurultai-deputies")) } }
            }
        }
        section aria-labelledby="factions-h" {
            h2 #factions-h { (tr.t("kurultai-factions")) }
            div.scroll tabindex="0" role="region" aria-label=(tr.t("kurultai-factions-caption")) { table #factions {
                caption { (tr.t("kurultai-factions-caption")) }
                (heads(tr, &[("kurultai-col-faction", false), ("kurultai-col-seats", true), ("kurultai-col-share", true)]))
                tbody {
                    @for (party, n) in &factions {
                        tr {
                            th scope="row" { (party) }
                            td.num { (integer(lang, *n)) }
                            td.num { (percent(lang, Share::new(*n, sitting.seats), 1)) }
                        }
                    }
                }
            } }
        }
        section aria-labelledby="officers-h" {
            h2 #officers-h { (tr.t("kurultai-officers")) }
            @if officers.is_empty() {
                p { (tr.t("kurultai-officers-none")) }
            } @else {
                ul #officers {
                    @for o in &officers {
                        li {
                            (tr.t(match o.office { Office::Chair => "kurultai-office-chair", Office::ViceChair => "kurultai-office-vice-chair" }))
                            ": " (deputy_link(&people, &o.member)) " ("
                            (tr.a("kurultai-since", &[("day", Arg::S(date(lang, o.since)))])) ", "
                            (vote_link(tr, o.vote)) ")"
                        }
                    }
                }
            }
        }
        section aria-labelledby="committees-h" {
            h2 #committees-h { (tr.t("kurultai-committees")) }
            @if k.committees().next().is_none() {
                p { (tr.t("kurultai-committees-none")) }
            } @else {
                div.scroll { table #committees {
                    caption { (tr.t("kurultai-committees-caption")) }
                    (heads(tr, &[("kurultai-committee", false), ("kurultai-col-chair", false), ("kurultai-col-members", true), ("kurultai-bills", true)]))
                    tbody {
                        @for c in k.committees() {
                            tr {
                                th scope="row" { a href=(format!("/kurultai/committees/{}", c.id)) { (c.name.get(lang.code())) } }
                                td { (deputy_link(&people, &c.chair)) }
                                td.num { (integer(lang, c.members.len() as u64)) }
                                td.num { (integer(lang, k.bills().filter(|b| b.committee == c.id).count() as u64)) }
                            }
                        }
                    }
                } }
            }
        }
        section aria-labelledby="bills-h" {
            h2 #bills-h { (tr.t("kurultai-bills")) }
            ul #bill-statuses {
                @for key in BillStatus::KEYS {
                    @if let Some(n) = by_status.get(key) {
                        li { a href=(format!("/kurultai/bills?status={key}")) { (text::status_filter(tr, key)) } ": " (integer(lang, *n)) }
                    }
                }
            }
        }
        section aria-labelledby="vp-h" {
            h2 #vp-h { (tr.t("kurultai-vice-president")) }
            p #vp-state {
                (tr.t(match vp.state {
                    VicePresidentState::Vacant => "kurultai-vp-vacant",
                    VicePresidentState::Nominated => "kurultai-vp-nominated",
                    VicePresidentState::Consented => "kurultai-vp-consented",
                    VicePresidentState::InOffice => "kurultai-vp-in-office",
                }))
                @if let Some(p) = &vp.person { ": " strong { (p) } }
            }
            @let consent: Vec<&VoteRecord> = k.votes().iter().filter(|v| v.kind == "vice_president_consent_voted").collect();
            @if !consent.is_empty() {
                ul {
                    @for v in consent {
                        li { (date(lang, v.vote.on)) ": " (vote_link(tr, v.vote.number)) " " (outcome_badge(tr, v)) }
                    }
                }
            }
        }
        section aria-labelledby="council-h" {
            h2 #council-h { (tr.t("kurultai-council")) }
            p {
                (tr.a("kurultai-council-lead", &[
                    ("members", Arg::S(integer(lang, council.current().count() as u64))),
                    ("sessions", Arg::S(integer(lang, council.sessions.len() as u64))),
                ]))
            }
            @if !council.initiatives.is_empty() {
                div.scroll { table #council-initiatives {
                    caption { (tr.t("kurultai-council-initiatives")) }
                    thead { tr {
                        th scope="col" .num { "№" }
                        th scope="col" { (tr.t("kurultai-col-proposal")) }
                        th scope="col" { (tr.t("kurultai-col-vote")) }
                        th scope="col" { (tr.t("kurultai-col-became")) }
                    } }
                    tbody {
                        @for i in &council.initiatives {
                            tr {
                                th scope="row" .num { (i.number) }
                                td {
                                    @match &i.proposal {
                                        CouncilProposal::Bill { title } => { (tr.t("kurultai-council-bill")) ": " (title.get(lang.code())) }
                                        CouncilProposal::Referendum { draft } => { (tr.t("kurultai-council-referendum")) ": " (draft.title.get(lang.code())) }
                                    }
                                }
                                td { (vote_link(tr, i.vote)) " " (if i.carried { tr.t("kurultai-carried") } else { tr.t("kurultai-not-carried") }) }
                                td {
                                    @match &i.introduced_as {
                                        Some(b) => a href=(format!("/kurultai/bills/{b}")) { (b) },
                                        None => "—",
                                    }
                                }
                            }
                        }
                    }
                } }
            }
            @if council.current().next().is_some() {
                details {
                    summary { (tr.t("kurultai-council-members")) }
                    ul #council-members {
                        @for m in council.current() {
                            li { (m.name) " — " (m.block) }
                        }
                    }
                }
            }
        }
        (open_data(tr))
    };
    drop(ledger);
    page(
        ctx,
        tr.t("kurultai-title").into_owned(),
        "/kurultai".into(),
        body,
        false,
    )
}

/// A member's attendance over the roll calls held while they sat: the counts of their
/// ballots and the share present (every ballot but "absent").
pub fn attendance(k: &Kurultai, member: &MemberId) -> (Counts, Share) {
    let ballots = k.ballots_of(member);
    let counts = Counts::of(ballots.iter().map(|(_, b)| b));
    let total = ballots.len() as u64;
    (counts, Share::new(total - counts.absent, total))
}

/// `/kurultai/deputies`: every deputy ever seated, by faction, with their attendance.
pub async fn deputies(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    if k.convening().is_none() {
        drop(ledger);
        return not_convened(ctx);
    }
    let people = People::of(&ledger);
    let mut by_faction: BTreeMap<&str, Vec<&ashyq_core::kurultai::popolo::Deputy>> =
        BTreeMap::new();
    for d in people.deputies() {
        by_faction.entry(d.party.as_str()).or_default().push(d);
    }
    for list in by_faction.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let title = tr.t("kurultai-deputies").into_owned();
    let body = html! {
        h1 { (title) }
        p { (tr.t("kurultai-deputies-intro")) }
        @for (faction, list) in &by_faction {
            section {
                h2 { (faction) " (" (integer(lang, list.iter().filter(|d| d.end.is_none()).count() as u64)) ")" }
                div.scroll { table.deputies {
                    caption { (tr.a("kurultai-deputies-caption", &[("faction", Arg::S((*faction).to_owned()))])) }
                    (heads(tr, &[("kurultai-col-deputy", false), ("kurultai-col-mandate", false), ("kurultai-col-votes", true), ("kurultai-col-attendance", true)]))
                    tbody {
                        @for d in list {
                            @let (counts, share) = attendance(k, &d.id);
                            tr {
                                th scope="row" { a href=(format!("/kurultai/deputies/{}", d.id.0)) { (d.name) } }
                                td { (mandate_text(tr, d)) }
                                td.num { (integer(lang, counts.yes + counts.no + counts.abstain + counts.absent + counts.not_voting)) }
                                td.num { (percent(lang, share, 1)) }
                            }
                        }
                    }
                } }
            }
        }
    };
    drop(ledger);
    page(ctx, title, "/kurultai/deputies".into(), body, true)
}

fn mandate_text(tr: Tr, d: &ashyq_core::kurultai::popolo::Deputy) -> String {
    let lang = tr.lang;
    let from = d.start.map_or_else(|| "—".to_owned(), |s| date(lang, s));
    match d.end {
        Some(e) => tr
            .a(
                "kurultai-mandate-ended",
                &[("from", Arg::S(from)), ("to", Arg::S(date(lang, e)))],
            )
            .into_owned(),
        None => tr
            .a("kurultai-mandate-since", &[("from", Arg::S(from))])
            .into_owned(),
    }
}

/// Links to the pages of a paged list (`?page=`), keeping nothing else.
fn pager(tr: Tr, path: &str, page: usize, pages: usize) -> Markup {
    html! {
        @if pages > 1 {
            nav.pager aria-label=(tr.t("kurultai-pages")) {
                @if page > 1 { a rel="prev" href=(format!("{path}?page={}", page - 1)) { (tr.t("kurultai-newer")) } " " }
                span { (tr.a("kurultai-page-of", &[("page", Arg::S(page.to_string())), ("pages", Arg::S(pages.to_string()))])) }
                @if page < pages { " " a rel="next" href=(format!("{path}?page={}", page + 1)) { (tr.t("kurultai-older")) } }
            }
        }
    }
}

/// `/kurultai/deputies/{member}`: a deputy's mandate, offices, committees, attendance and
/// voting record (newest first, [`PER_PAGE`] a page).
pub async fn deputy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(member): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let people = People::of(&ledger);
    let id = MemberId(member);
    let Some(d) = people.deputy(&id) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-deputy", &id.0);
    };
    let (counts, share) = attendance(k, &id);
    let ballots = k.ballots_of(&id);
    let pages = ballots.len().div_ceil(PER_PAGE).max(1);
    let page_no = page_number(&q).min(pages);
    let shown: Vec<&(u32, Ballot)> = ballots
        .iter()
        .rev()
        .skip((page_no - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    let offices: Vec<_> = k.officers().iter().filter(|o| o.member == id).collect();
    let committees: Vec<_> = k
        .committees()
        .filter(|c| c.members.contains(&id) || c.chair == id)
        .collect();
    let path = format!("/kurultai/deputies/{}", id.0);
    let body = html! {
        h1 { (d.name) }
        dl.pairs #facts {
            dt { (tr.t("kurultai-col-faction")) } dd { (d.party) }
            dt { (tr.t("kurultai-col-mandate")) } dd { (mandate_text(tr, d)) }
            @if !offices.is_empty() {
                dt { (tr.t("kurultai-officers")) }
                dd { @for (i, o) in offices.iter().enumerate() {
                    @if i > 0 { "; " }
                    (tr.t(match o.office { Office::Chair => "kurultai-office-chair", Office::ViceChair => "kurultai-office-vice-chair" }))
                    " (" (vote_link(tr, o.vote)) ")"
                } }
            }
            dt { (tr.t("kurultai-committees")) }
            dd {
                @if committees.is_empty() { "—" }
                @for (i, c) in committees.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(format!("/kurultai/committees/{}", c.id)) { (c.name.get(lang.code())) }
                    @if c.chair == id { " (" (tr.t("kurultai-col-chair")) ")" }
                }
            }
        }
        section aria-labelledby="attendance-h" {
            h2 #attendance-h { (tr.t("kurultai-attendance")) }
            p #attendance {
                (tr.a("kurultai-attendance-text", &[
                    ("share", Arg::S(percent(lang, share, 1))),
                    ("count", Arg::N(ballots.len() as u64)),
                    ("votes", Arg::S(integer(lang, ballots.len() as u64))),
                    ("absent", Arg::S(integer(lang, counts.absent))),
                ]))
            }
            div.scroll tabindex="0" role="region" aria-label=(tr.t("kurultai-ballot-counts")) { table #ballot-counts {
                caption { (tr.t("kurultai-ballot-counts")) }
                thead { tr { (count_heads(tr)) } }
                tbody { tr { (count_cells(lang, &counts)) } }
            } }
        }
        section aria-labelledby="record-h" {
            h2 #record-h { (tr.t("kurultai-record")) }
            p.hint { a href=(format!("{path}/feed.atom")) type="application/atom+xml" { (tr.t("kurultai-feed")) } }
            @if shown.is_empty() {
                p { (tr.t("kurultai-record-none")) }
            } @else {
                div.scroll { table #record {
                    caption { (tr.t("kurultai-record-caption")) }
                    (heads(tr, &[("kurultai-col-vote", false), ("kurultai-col-date", false), ("kurultai-col-motion", false), ("kurultai-col-ballot", false), ("kurultai-col-outcome", false)]))
                    tbody {
                        @for (n, b) in &shown {
                            @if let Some(v) = k.vote(*n) {
                                tr {
                                    th scope="row" { (vote_link(tr, *n)) }
                                    td { (date(lang, v.vote.on)) }
                                    td {
                                        (v.vote.motion)
                                        @if let Some(bill) = &v.bill { " (" a href=(format!("/kurultai/bills/{bill}")) { (bill) } ")" }
                                    }
                                    td class=(ballot_key(*b)) { (ballot(tr, *b)) }
                                    td { (outcome_badge(tr, v)) }
                                }
                            }
                        }
                    }
                } }
                (pager(tr, &path, page_no, pages))
            }
        }
    };
    drop(ledger);
    let title = people.name(&id).to_owned();
    if page_no > 1 {
        page_keeping(ctx, title, path, format!("page={page_no}"), body)
    } else {
        page(ctx, title, path, body, true)
    }
}

/// `/kurultai/committees/{id}`: a committee's chair, members and the bills referred to it.
pub async fn committee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let cid = CommitteeId(id);
    let Some(c) = k.committee(&cid) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-committee", &cid.0);
    };
    let people = People::of(&ledger);
    let title = c.name.get(lang.code()).to_owned();
    let path = format!("/kurultai/committees/{}", c.id);
    let body = html! {
        h1 { (title) }
        dl.pairs #facts {
            dt { (tr.t("kurultai-col-chair")) } dd { (deputy_link(&people, &c.chair)) }
            dt { (tr.t("kurultai-formed")) } dd { (date(lang, c.formed_on)) }
        }
        p.hint { a href=(format!("{path}/feed.atom")) type="application/atom+xml" { (tr.t("kurultai-feed")) } }
        section aria-labelledby="members-h" {
            h2 #members-h { (tr.a("kurultai-members-n", &[("count", Arg::N(c.members.len() as u64)), ("n", Arg::S(integer(lang, c.members.len() as u64)))])) }
            ul #members {
                @for m in &c.members {
                    li { (deputy_link(&people, m)) " — " (people.group(m)) }
                }
            }
        }
        section aria-labelledby="bills-h" {
            h2 #bills-h { (tr.t("kurultai-bills")) }
            @let bills: Vec<_> = k.bills().filter(|b| b.committee == c.id).collect();
            @if bills.is_empty() {
                p { (tr.t("kurultai-bills-none")) }
            } @else {
                ul #committee-bills {
                    @for b in bills {
                        li { a href=(format!("/kurultai/bills/{}", b.id)) { (b.title(super::bills::legal_lang(lang))) } " " (status_badge(tr, &b.status)) }
                    }
                }
            }
        }
    };
    drop(ledger);
    page(ctx, title, path, body, true)
}

/// `/kurultai/votes`: every roll call, newest first.
pub async fn votes(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    if k.convening().is_none() {
        drop(ledger);
        return not_convened(ctx);
    }
    let all = k.votes();
    let pages = all.len().div_ceil(PER_PAGE).max(1);
    let page_no = page_number(&q).min(pages);
    let title = tr.t("kurultai-votes").into_owned();
    let body = html! {
        h1 { (title) }
        p { (tr.t("kurultai-votes-intro")) }
        div.scroll { table #votes {
            caption { (tr.t("kurultai-votes-caption")) }
            thead { tr {
                th scope="col" { (tr.t("kurultai-col-vote")) }
                th scope="col" { (tr.t("kurultai-col-date")) }
                th scope="col" { (tr.t("kurultai-col-motion")) }
                (count_heads(tr))
                th scope="col" { (tr.t("kurultai-col-outcome")) }
            } }
            tbody {
                @for v in all.iter().rev().skip((page_no - 1) * PER_PAGE).take(PER_PAGE) {
                    tr {
                        th scope="row" { (vote_link(tr, v.vote.number)) }
                        td { (date(lang, v.vote.on)) }
                        td { (step_kind(tr, v.kind)) ": " (v.vote.motion) }
                        (count_cells(lang, &v.vote.counts))
                        td { (outcome_badge(tr, v)) }
                    }
                }
            }
        } }
        (pager(tr, "/kurultai/votes", page_no, pages))
    };
    drop(ledger);
    if page_no > 1 {
        page_keeping(
            ctx,
            title,
            "/kurultai/votes".into(),
            format!("page={page_no}"),
            body,
        )
    } else {
        page(ctx, title, "/kurultai/votes".into(), body, true)
    }
}

/// `/kurultai/votes/{number}`: one roll call — the motion, the rule's figures (quorum, votes
/// needed), the counts by faction and every member's vote.
pub async fn vote(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let Some(v) = number.parse::<u32>().ok().and_then(|n| k.vote(n)) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-vote", &number);
    };
    let people = People::of(&ledger);
    let mut groups: BTreeMap<&str, Vec<(&MemberId, Ballot)>> = BTreeMap::new();
    for (m, b) in &v.vote.ballots {
        groups.entry(people.group(m)).or_default().push((m, *b));
    }
    let t = &v.vote.tally;
    let path = format!("/kurultai/votes/{}", v.vote.number);
    let title = tr
        .a(
            "kurultai-vote-n",
            &[("n", Arg::S(v.vote.number.to_string()))],
        )
        .into_owned();
    let body = html! {
        h1 { (title) ": " (v.vote.motion) }
        dl.pairs #facts {
            dt { (tr.t("kurultai-col-date")) } dd { (date(lang, v.vote.on)) }
            dt { (tr.t("kurultai-col-kind")) } dd { (step_kind(tr, v.kind)) }
            @if let Some(b) = &v.bill {
                dt { (tr.t("kurultai-bill")) } dd { a href=(format!("/kurultai/bills/{b}")) { (b) } }
            }
            dt { (tr.t("kurultai-col-outcome")) } dd #outcome { (outcome_badge(tr, v)) }
            dt { (tr.t("kurultai-rule")) }
            dd #rule {
                (tr.a("kurultai-rule-text", &[
                    ("present", Arg::S(integer(lang, t.present))),
                    ("seats", Arg::S(integer(lang, t.seats))),
                    ("quorum", Arg::S(integer(lang, t.quorum_needed))),
                    ("needed", Arg::S(integer(lang, t.votes_needed))),
                    ("yes", Arg::S(integer(lang, v.vote.counts.yes))),
                ]))
            }
        }
        section aria-labelledby="by-faction-h" {
            h2 #by-faction-h { (tr.t(if v.council { "kurultai-by-block" } else { "kurultai-by-faction" })) }
            div.scroll tabindex="0" role="region" aria-label=(tr.t("kurultai-by-faction-caption")) { table #by-faction {
                caption { (tr.t("kurultai-by-faction-caption")) }
                thead { tr {
                    th scope="col" { (tr.t(if v.council { "kurultai-col-block" } else { "kurultai-col-faction" })) }
                    (count_heads(tr))
                } }
                tbody {
                    @for (g, list) in &groups {
                        tr {
                            th scope="row" { (g) }
                            (count_cells(lang, &Counts::of(list.iter().map(|(_, b)| b))))
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (tr.t("kurultai-total")) }
                    (count_cells(lang, &v.vote.counts))
                } }
            } }
        }
        section aria-labelledby="members-h" {
            h2 #members-h { (tr.t("kurultai-each-vote")) }
            @for (g, list) in &groups {
                details open {
                    summary { (g) }
                    ul.ballots {
                        @for (m, b) in list {
                            li class=(ballot_key(*b)) {
                                @if v.council { (people.name(m)) } @else { (deputy_link(&people, m)) }
                                ": " (ballot(tr, *b))
                            }
                        }
                    }
                }
            }
        }
    };
    drop(ledger);
    page(ctx, title, path, body, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ashyq_core::kurultai::Kurultai;

    #[test]
    fn attendance_of_a_member_with_no_votes_is_empty_not_a_division_by_zero() {
        let k = Kurultai::new();
        let (counts, share) = attendance(&k, &MemberId("nobody".into()));
        assert_eq!(counts, Counts::default());
        assert_eq!(share, Share::new(0, 0));
    }
}
