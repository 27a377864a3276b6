//! The portal's first page (the referendums) and a referendum's dashboard: counts within the
//! operator's territory, open conflicts side by side with the applied numbers (with the forms
//! that accept or dismiss them), missing precincts, protocols with warnings, certification.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{AppliedProtocol, Ledger, OpenConflict};
use ashyq_core::operator::Role;
use ashyq_core::receipt::Receipt;
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::PrecinctId;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::flash::{CLEAR_FLASH, Note, notes_markup};
use super::frame::{
    FORM_TOKEN, Operator, PortalReferendum, line_label, may_write, page_frame, portal_nav,
    portal_page, unit_name, violation_markup, who_line,
};
use super::scope::Scope;
use crate::AppState;
use crate::auth::SignedIn;
use crate::web::ctx::Ctx;
use crate::web::format::{integer, timestamp};
use crate::web::i18n::{Arg, Lang, Tr};

/// How many missing precincts (and protocols with warnings) the dashboard lists; the rest
/// are counted.
pub(super) const MISSING_SHOWN: usize = 60;

/// How many conflicts the dashboard shows at once (each with its comparison and forms); the
/// next ones appear as these are decided.
pub(super) const CONFLICTS_SHOWN: usize = 40;

pub(super) async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    Operator { who, notes }: Operator,
) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let body = html! {
        h1 { (tr.t("portal-title")) }
        (who_line(tr, &who, ledger.territory()))
        (notes_markup(tr, &notes))
        (super::audit::home_link(tr, &who))
        @if ledger.referendums().next().is_none() {
            p { (tr.t("portal-no-referendum")) }
        } @else {
            h2 { (tr.t("portal-referendums")) }
            ul.cards {
                @for r in ledger.referendums() {
                    li {
                        a href=(format!("/portal/r/{}", r.definition.id.0)) { (r.definition.title.get(lang.code())) }
                    }
                }
            }
        }
        @if ledger.presidentials().next().is_some() {
            h2 { (tr.t("portal-presidential")) }
            ul.cards {
                @for p in ledger.presidentials() {
                    li {
                        a href=(format!("/portal/p/{}/enter", p.definition.id.0)) { (p.definition.title) ": " (tr.t("portal-presidential-enter")) }
                    }
                }
            }
        }
    };
    let page = page_frame(tr.t("portal-title").into_owned(), "/portal".into(), vec![]);
    portal_page(ctx, StatusCode::OK, &page, body, &[CLEAR_FLASH])
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Operator { who, notes }: Operator,
    PortalReferendum { id, title }: PortalReferendum,
) -> Response {
    let ledger = state.registrar.ledger();
    let body = dashboard_markup(ctx, &ledger, &who, &id, &title, &notes);
    drop(ledger);
    let tr = ctx.tr();
    let page = page_frame(
        tr.a("portal-dashboard-title", &[("title", Arg::S(title))])
            .into_owned(),
        format!("/portal/r/{id}"),
        vec![(tr.t("portal-title").into_owned(), "/portal".into())],
    );
    portal_page(ctx, StatusCode::OK, &page, body, &[CLEAR_FLASH])
}

pub(super) fn dashboard_markup(
    ctx: Ctx,
    ledger: &Ledger,
    who: &SignedIn,
    id: &str,
    title: &str,
    notes: &[Note],
) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let rid = ContestId(id.to_owned());
    let index = ledger.territory_index();
    let scope = Scope::of(&who.account.role, index);
    let record = ledger.referendum(&rid).ok();
    let territory = ledger.territory();
    let offset = territory.map_or(0, |t| t.utc_offset_minutes);
    // Counts within the operator's territory.
    let mut in_scope = 0u64;
    let mut reported = 0u64;
    let mut with_warnings: Vec<&AppliedProtocol> = Vec::new();
    let mut missing: Vec<PrecinctId> = Vec::new();
    if let (Some(t), Some(r)) = (territory, record) {
        for (p, applied) in t.precincts.iter().zip(r.book().places()) {
            if !scope.contains(index, p.id) {
                continue;
            }
            in_scope += 1;
            match applied {
                Some(a) => {
                    reported += 1;
                    if !a.warnings.is_empty() {
                        with_warnings.push(a);
                    }
                }
                None => missing.push(p.id),
            }
        }
    }
    let conflicts: Vec<&OpenConflict> = ledger
        .open_conflicts(&rid)
        .map(|it| {
            it.filter(|c| scope.contains(index, c.protocol.precinct))
                .collect()
        })
        .unwrap_or_default();
    let results = ledger.results(&rid).ok();
    let writer = may_write(who);
    let token = who.form_token();
    html! {
        h1 { (title) }
        (who_line(tr, who, territory))
        (portal_nav(tr, id, "dashboard"))
        (notes_markup(tr, notes))
        @if !writer { p.note.info { (tr.t("portal-read-only")) } }
        section aria-labelledby="counts-h" {
            h2 #counts-h {
                @match scope {
                    Scope::All => (tr.t("portal-counts-all")),
                    _ => (tr.a("portal-counts-scope", &[("unit", Arg::S(match &who.account.role {
                        Role::TerritorialOperator { scope } => unit_name(tr, scope, territory),
                        _ => String::new(),
                    }))])),
                }
            }
            dl.counts {
                div { dt { (tr.t("portal-count-precincts")) } dd { (integer(lang, in_scope)) } }
                div { dt { (tr.t("portal-count-reported")) } dd { (integer(lang, reported)) } }
                div { dt { (tr.t("portal-count-missing")) } dd { (integer(lang, missing.len() as u64)) } }
                div.attention[!conflicts.is_empty()] { dt { (tr.t("portal-count-conflicts")) } dd { (integer(lang, conflicts.len() as u64)) } }
                div { dt { (tr.t("portal-count-warnings")) } dd { (integer(lang, with_warnings.len() as u64)) } }
            }
        }
        section #conflicts aria-labelledby="conflicts-h" {
            h2 #conflicts-h { (tr.t("portal-conflicts-title")) }
            @if conflicts.is_empty() {
                p { (tr.t("portal-conflicts-none")) }
            } @else {
                p.hint { (tr.t("portal-conflicts-intro")) }
                @if conflicts.len() > CONFLICTS_SHOWN {
                    p.note.info { (tr.a("portal-conflicts-more", &[
                        ("shown", Arg::S(integer(lang, CONFLICTS_SHOWN as u64))),
                        ("total", Arg::S(integer(lang, conflicts.len() as u64))),
                    ])) }
                }
                @for c in conflicts.iter().take(CONFLICTS_SHOWN) {
                    (conflict_markup(ctx, ledger, &rid, c, writer.then_some(token.as_str()), offset))
                }
            }
        }
        section #missing aria-labelledby="missing-h" {
            h2 #missing-h { (tr.t("portal-missing-title")) }
            @if missing.is_empty() {
                p { (tr.t("portal-missing-none")) }
            } @else {
                p { (tr.a("portal-missing-count", &[("count", Arg::N(missing.len() as u64)), ("n", Arg::S(integer(lang, missing.len() as u64)))])) }
                ul.precincts {
                    @for p in missing.iter().take(MISSING_SHOWN) {
                        li { a href=(format!("/r/{id}/precinct/{}", p.0)) { (p.0) } }
                    }
                }
                @if missing.len() > MISSING_SHOWN {
                    p.hint { (tr.a("portal-missing-more", &[("n", Arg::S(integer(lang, (missing.len() - MISSING_SHOWN) as u64)))])) " "
                        a href=(format!("/api/v1/referendums/{id}/review")) { (tr.t("portal-missing-all")) } }
                }
            }
        }
        section #warnings aria-labelledby="warnings-h" {
            h2 #warnings-h { (tr.t("portal-warnings-title")) }
            @if with_warnings.is_empty() {
                p { (tr.t("portal-warnings-none")) }
            } @else {
                div.scroll {
                    table {
                        caption { (tr.t("portal-warnings-caption")) }
                        thead { tr {
                            th scope="col" { (tr.t("portal-col-precinct")) }
                            th scope="col" { (tr.t("portal-col-warning")) }
                        } }
                        tbody {
                            @for a in with_warnings.iter().take(MISSING_SHOWN) {
                                tr {
                                    th scope="row" { a href=(format!("/r/{id}/precinct/{}", a.protocol.precinct.0)) { (a.protocol.precinct.0) } }
                                    td { @for w in &a.warnings { (violation_markup(tr, w, &a.protocol.lines.ballots)) } }
                                }
                            }
                        }
                    }
                }
                @if with_warnings.len() > MISSING_SHOWN {
                    p.hint { (tr.a("portal-missing-more", &[("n", Arg::S(integer(lang, (with_warnings.len() - MISSING_SHOWN) as u64)))])) }
                }
            }
        }
        section #certification aria-labelledby="cert-h" {
            h2 #cert-h { (tr.t("portal-cert-title")) }
            @if let Some(c) = record.and_then(|r| r.certification()) {
                p.note.done { (tr.a("portal-cert-done", &[
                    ("time", Arg::S(timestamp(lang, &c.recorded_at, offset))),
                    ("name", Arg::S(c.author.name.clone())),
                ])) }
            } @else if let Some(res) = &results {
                @let missing_all = res.national.precincts - res.national.precincts_reported;
                @if who.account.role == Role::CentralOperator {
                    @if res.status == ResultStatus::Final {
                        p { (tr.t("portal-cert-ready")) }
                        form method="post" action=(format!("/portal/r/{id}/certify")) {
                            input type="hidden" name=(FORM_TOKEN) value=(token);
                            button type="submit" { (tr.t("portal-cert-button")) }
                        }
                    } @else {
                        p #cert-why { (tr.a("portal-cert-not-final", &[
                            ("missing", Arg::S(integer(lang, missing_all))),
                            ("conflicts", Arg::S(integer(lang, res.open_conflicts))),
                        ])) }
                        button type="button" disabled aria-describedby="cert-why" { (tr.t("portal-cert-button")) }
                    }
                } @else {
                    p { (tr.t("portal-cert-central-only")) }
                    @if res.status != ResultStatus::Final {
                        p.hint { (tr.a("portal-cert-not-final", &[
                            ("missing", Arg::S(integer(lang, missing_all))),
                            ("conflicts", Arg::S(integer(lang, res.open_conflicts))),
                        ])) }
                    }
                }
            }
        }
    }
}

/// How a protocol arrived: signed by the commission, entered by an operator, or neither.
pub(super) fn provenance(tr: Tr, receipt: &Receipt, ledger: &Ledger, rid: &ContestId) -> String {
    if let Some(s) = &receipt.signature {
        return tr
            .a(
                "portal-signed-version",
                &[("version", Arg::S(s.version.to_string()))],
            )
            .into_owned();
    }
    let entered = ledger
        .history(rid, receipt.precinct)
        .ok()
        .and_then(|h| h.iter().find(|i| i.seq == receipt.seq))
        .and_then(|i| i.entered_by.clone());
    match entered {
        Some(a) => tr
            .a("provenance-entered-by", &[("name", Arg::S(a.name))])
            .into_owned(),
        None => tr.t("provenance-unsigned").into_owned(),
    }
}

pub(super) fn conflict_markup(
    ctx: Ctx,
    ledger: &Ledger,
    rid: &ContestId,
    c: &OpenConflict,
    token: Option<&str>,
    offset: i32,
) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let id = &rid.0;
    let precinct = c.protocol.precinct;
    let applied = ledger.applied(rid, precinct).ok().flatten();
    let hash = &c.receipt.protocol_hash;
    let slug = format!("c-{}-{}", precinct.0, c.receipt.seq);
    let recorded = ledger
        .entry_time(c.receipt.seq)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .map(|t| timestamp(lang, &t, offset))
        .unwrap_or_default();
    let arriving = c.protocol.lines.named();
    let current = applied.map(|a| a.protocol.lines.named());
    let differing = current.as_ref().map_or(0, |cur| {
        cur.iter()
            .zip(&arriving)
            .filter(|((_, a), (_, b))| a != b)
            .count()
    });
    html! {
        article.conflict aria-labelledby=(format!("{slug}-h")) {
            h3 #(format!("{slug}-h")) {
                a href=(format!("/r/{id}/precinct/{}", precinct.0)) { (tr.a("precinct-title", &[("n", Arg::S(precinct.0.to_string()))])) }
            }
            p.meta {
                (tr.a("portal-conflict-arrived", &[
                    ("time", Arg::S(recorded)),
                    ("seq", Arg::S(c.receipt.seq.to_string())),
                ]))
                " · " (provenance(tr, &c.receipt, ledger, rid))
            }
            p { (tr.a("portal-conflict-differs", &[("count", Arg::N(differing as u64)), ("n", Arg::S(differing.to_string()))])) }
            div.scroll {
                table.compare {
                    caption { (tr.a("portal-compare-caption", &[("n", Arg::S(precinct.0.to_string()))])) }
                    thead { tr {
                        th scope="col" { (tr.t("portal-col-line")) }
                        th scope="col" .num { (tr.t("portal-col-applied")) }
                        th scope="col" .num { (tr.t("portal-col-arriving")) }
                        th scope="col" .num { (tr.t("portal-col-difference")) }
                    } }
                    tbody {
                        @for (i, (name, new)) in arriving.iter().enumerate() {
                            @let old = current.as_ref().map(|c| c[i].1);
                            @let differs = old.is_some_and(|o| o != *new);
                            tr.differs[differs] {
                                th scope="row" { (i + 1) ". " (line_label(tr, name)) }
                                td.num { @if let Some(o) = old { (integer(lang, o)) } @else { "—" } }
                                td.num { @if differs { strong { (integer(lang, *new)) } } @else { (integer(lang, *new)) } }
                                td.num {
                                    @if let (true, Some(o)) = (differs, old) {
                                        span.delta { (signed_delta(lang, o, *new)) }
                                        " " span.mark aria-hidden="true" { "≠" }
                                    } @else {
                                        span.same { (tr.t("portal-same")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(token) = token {
                @let decide = Decide { tr, id, token, precinct: precinct.0, hash, slug: &slug };
                div.decide {
                    (decide.form("accept", html! { button type="submit" { (tr.t("portal-accept")) } }))
                    (decide.form("dismiss", html! { button.secondary type="submit" { (tr.t("portal-dismiss")) } }))
                }
            }
        }
    }
}

/// The forms that decide on one protocol held for review.
struct Decide<'a> {
    tr: Tr,
    id: &'a str,
    token: &'a str,
    precinct: u32,
    hash: &'a str,
    slug: &'a str,
}

impl Decide<'_> {
    /// The form posting to `/portal/r/{id}/{decision}` (`accept` or `dismiss`) with its
    /// reason and `button`.
    fn form(&self, decision: &str, button: Markup) -> Markup {
        let Decide {
            tr,
            id,
            token,
            precinct,
            hash,
            slug,
        } = *self;
        let field = format!("{slug}-{decision}");
        html! {
            form.stack method="post" action=(format!("/portal/r/{id}/{decision}")) {
                input type="hidden" name=(FORM_TOKEN) value=(token);
                input type="hidden" name="precinct" value=(precinct);
                input type="hidden" name="protocol_hash" value=(hash);
                div.field {
                    label for=(field) { (tr.t(&format!("portal-{decision}-reason"))) }
                    textarea #(field) name="reason" rows="2" required {}
                }
                (button)
            }
        }
    }
}

/// `+3` or `−3` (a true minus sign), grouped per language.
pub(super) fn signed_delta(lang: Lang, old: u64, new: u64) -> String {
    if new >= old {
        format!("+{}", integer(lang, new - old))
    } else {
        format!("\u{2212}{}", integer(lang, old - new))
    }
}
