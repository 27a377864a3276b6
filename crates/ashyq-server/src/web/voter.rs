//! `/voter`: what each voter sees of the register.
//!
//! - Anyone finds the precinct for an address or a place (`?q=`): every word must appear in
//!   the precinct's number, name or address, district or region, in any of the three
//!   languages (`ashyq_core::territory::search`). Nothing personal is involved.
//! - A citizen signed in through the identity provider, when the provider vouches for the
//!   person's IIN ([`IdentityProvider::subject_is_iin`](crate::signin::IdentityProvider)),
//!   sees their own entry: the precinct, its address and hours for the coming vote, whether
//!   they are on its list (and why not), the absentee certificate issued to them, and how to
//!   get one. The session holds only the register digest of the IIN; the page is answered
//!   `no-store`, shows no IIN (not even masked) and no name.
//! - Every own-entry lookup is in the register's audit trail (`register_log`, as a
//!   `lookup` by `citizen:<pseudonym>`), and a citizen gets at most [`LOOKUPS_PER_HOUR`] of
//!   them an hour, counted in the database (so on every instance). Searches are under the
//!   server's per-client rate limit.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime};
use maud::{Markup, html};

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{Contest, Ledger};
use ashyq_core::register::eligibility::IneligibleReason;
use ashyq_core::territory::search::PrecinctFinder;
use ashyq_core::territory::{PrecinctId, TerritoryIndex};
use ashyq_store::register::{Operator, OwnEntry};

use super::ctx::{self, Ctx};
use super::format;
use super::i18n::{Arg, Tr};
use super::layout::{self, Page, Section};
use crate::AppState;
use crate::signin::{Session, percent_encode};

/// Own-entry lookups a signed-in citizen may make in an hour.
pub const LOOKUPS_PER_HOUR: u64 = 30;
/// Precincts a search lists at most.
pub const SEARCH_LIMIT: usize = 50;
/// When polls open where a contest's definition does not say: 07:00 local time, as for the
/// 2026 referendum (`../shared/BRIEF.md` §2: polls open 07:00–20:00).
const POLLS_OPEN: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// The coming (or last) vote: the contest with the latest voting day.
struct Vote {
    id: ContestId,
    title: String,
    day: NaiveDate,
    opens: NaiveTime,
    closes: NaiveTime,
    /// Where its precinct pages are (`/r/{id}`, `/p/{id}`; party-list elections have none).
    pages: Option<&'static str>,
}

fn latest_vote(ledger: &Ledger, tr: Tr) -> Option<Vote> {
    ledger
        .contests()
        .all()
        .map(|(id, c)| match c {
            Contest::Referendum(r) => Vote {
                id: id.clone(),
                title: r.definition.title.get(tr.lang.code()).to_owned(),
                day: r.definition.voting_day,
                opens: r.definition.polls_open,
                closes: r.definition.polls_close,
                pages: Some("r"),
            },
            Contest::PartyList(e) => Vote {
                id: id.clone(),
                title: e.definition.title.clone(),
                day: e.definition.election_day,
                opens: POLLS_OPEN,
                closes: e.definition.polls_close,
                pages: None,
            },
            Contest::Presidential(p) => Vote {
                id: id.clone(),
                title: p.definition.title.clone(),
                day: p.definition.election_day,
                opens: POLLS_OPEN,
                closes: p.definition.polls_close,
                pages: Some("p"),
            },
        })
        .max_by_key(|v| (v.day, v.id.as_str().to_owned()))
}

/// What is shown of a precinct: number, name or address, district, region.
struct Place {
    id: PrecinctId,
    name: String,
    district: String,
    region: String,
}

fn place(ledger: &Ledger, tr: Tr, id: PrecinctId) -> Option<Place> {
    let (t, index) = (ledger.territory()?, ledger.territory_index()?);
    place_in(t, index, tr, id)
}

fn place_in(
    t: &ashyq_core::territory::Territory,
    index: &TerritoryIndex,
    tr: Tr,
    id: PrecinctId,
) -> Option<Place> {
    let pl = index.placement(id)?;
    let lang = tr.lang.code();
    Some(Place {
        id,
        name: t.precincts[pl.precinct].name.clone(),
        district: t.districts[pl.district].names.get(lang).to_owned(),
        region: t.regions[pl.region].names.get(lang).to_owned(),
    })
}

/// The signed-in part of the page.
enum Own {
    /// No consultation, so no sign-in on this server.
    NoSignIn,
    /// Not signed in (the provider's name for the button).
    SignedOut,
    /// Signed in, but the provider gave no IIN.
    NoIin(Session),
    /// This server holds no register.
    NoRegister(Session),
    /// Too many lookups this hour.
    TooMany(Session),
    /// Not on the register.
    NotFound(Session),
    /// The register could not be read (logged).
    Unavailable(Session),
    /// Found.
    Found(Session, OwnEntry),
}

async fn own_entry(state: &AppState, headers: &HeaderMap, vote: Option<&Vote>) -> Own {
    let Some(svc) = &state.consult else {
        return Own::NoSignIn;
    };
    if svc.provider().is_none() {
        return Own::NoSignIn;
    }
    let Some(session) = svc.session(headers).await else {
        return Own::SignedOut;
    };
    let Some(digest) = session.voter.clone() else {
        return Own::NoIin(session);
    };
    let store = state.registrar.store();
    match store.has_voters().await {
        Ok(false) => return Own::NoRegister(session),
        Ok(true) => {}
        Err(e) => {
            tracing::error!("the register cannot be read: {e}");
            return Own::Unavailable(session);
        }
    }
    let now = chrono::Utc::now();
    let now_ms = now.timestamp_millis();
    let key = format!("voter-lookup:{}", session.citizen.hex());
    match store
        .count_in_window(&key, now_ms, now_ms - 3_600_000)
        .await
    {
        Ok(n) if n > LOOKUPS_PER_HOUR => return Own::TooMany(session),
        Ok(_) => {}
        Err(e) => {
            tracing::error!("own-entry lookups cannot be counted: {e}");
            return Own::Unavailable(session);
        }
    }
    let on = vote.map_or_else(|| now.date_naive(), |v| v.day);
    // The pseudonym's first 8 hex digits, as the consultation shows it (`citizen:3f2a91c0…`).
    let name = session.citizen.to_string();
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let operator = Operator {
        name: &name,
        at: &at,
    };
    match store.own_entry(&digest, on, &operator).await {
        Ok(Some(entry)) => Own::Found(session, entry),
        Ok(None) => Own::NotFound(session),
        Err(e) => {
            tracing::error!("a citizen's own entry cannot be read: {e}");
            Own::Unavailable(session)
        }
    }
}

fn reason_key(r: IneligibleReason) -> &'static str {
    match r {
        IneligibleReason::Underage => "voter-why-underage",
        IneligibleReason::NotCitizen => "voter-why-not-citizen",
        IneligibleReason::NoLegalCapacity => "voter-why-no-capacity",
        IneligibleReason::InCustody => "voter-why-custody",
    }
}

fn sign_out(tr: Tr, s: &Session) -> Markup {
    html! {
        form.inline method="post" action="/consult/signout" {
            input type="hidden" name="csrf" value=(s.csrf);
            button.secondary type="submit" { (tr.t("consult-sign-out")) }
        }
    }
}

fn place_lines(ctx: Ctx, p: &Place, vote: Option<&Vote>) -> Markup {
    let tr = ctx.tr();
    html! {
        dt { (tr.t("voter-precinct")) }
        dd {
            @match vote.and_then(|v| v.pages.map(|k| (k, v))) {
                Some((k, v)) => a href=(format!("/{k}/{}/precinct/{}", v.id, p.id.0)) { "№ " (p.id.0) },
                None => { "№ " (p.id.0) },
            }
        }
        dt { (tr.t("voter-address")) }
        dd { (p.name) ", " (p.district) ", " (p.region) }
        @if let Some(v) = vote {
            dt { (tr.t("voter-hours")) }
            dd {
                (tr.a("voter-hours-value", &[
                    ("day", Arg::S(format::date(ctx.lang, v.day))),
                    ("opens", Arg::S(v.opens.format("%H:%M").to_string())),
                    ("closes", Arg::S(v.closes.format("%H:%M").to_string())),
                ]))
                " (" (v.title) ")"
            }
        }
    }
}

fn how_to_get_certificate(tr: Tr) -> Markup {
    html! {
        h3 { (tr.t("voter-absentee-how-title")) }
        p { (tr.t("voter-absentee-how")) }
    }
}

fn own_part(ctx: Ctx, state: &AppState, own: &Own, vote: Option<&Vote>) -> Markup {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    html! {
        section.own aria-labelledby="own-title" {
            h2 #own-title { (tr.t("voter-own-title")) }
            @match own {
                Own::NoSignIn => p { (tr.t("voter-no-signin")) },
                Own::SignedOut => {
                    p { (tr.t("voter-sign-in-why")) }
                    p { a.button href=(format!("/consult/signin?return={}", percent_encode("/voter"))) { (tr.t("consult-sign-in")) } }
                },
                Own::NoIin(s) => { p { (tr.t("voter-no-iin")) } (sign_out(tr, s)) },
                Own::NoRegister(s) => { p { (tr.t("voter-no-register")) } (sign_out(tr, s)) },
                Own::TooMany(s) => {
                    p.error role="alert" { (tr.a("voter-too-many", &[("n", Arg::N(LOOKUPS_PER_HOUR))])) }
                    (sign_out(tr, s))
                },
                Own::Unavailable(s) => {
                    p.error role="alert" { (tr.t("voter-unavailable")) }
                    (sign_out(tr, s))
                },
                Own::NotFound(s) => {
                    p { (tr.t("voter-not-found")) }
                    (how_to_get_certificate(tr))
                    (sign_out(tr, s))
                },
                Own::Found(s, entry) => {
                    @if s.development { p.dev-note { (tr.t("voter-dev-register")) } }
                    dl.facts {
                        @if let Some(p) = place(&ledger, tr, entry.precinct) {
                            (place_lines(ctx, &p, vote))
                        } @else {
                            dt { (tr.t("voter-precinct")) } dd { "№ " (entry.precinct.0) }
                        }
                        dt { (tr.t("voter-on-list")) }
                        dd {
                            @if entry.ineligible.is_empty() {
                                strong.ok { (tr.t("voter-on-list-yes")) }
                            } @else {
                                strong.no { (tr.t("voter-on-list-no")) }
                                ul {
                                    @for r in &entry.ineligible { li { (tr.t(reason_key(*r))) } }
                                }
                            }
                        }
                        dt { (tr.t("voter-absentee")) }
                        dd {
                            @if entry.certificates.is_empty() {
                                (tr.t("voter-absentee-none"))
                            }
                            @for (event, serial, status) in &entry.certificates {
                                p {
                                    (tr.a("voter-absentee-issued", &[
                                        ("serial", Arg::S(format!("{:05}", serial.get()))),
                                        ("vote", Arg::S(event.clone())),
                                        ("status", Arg::S(tr.t(&format!("voter-certificate-{status}")).into_owned())),
                                    ]))
                                }
                            }
                        }
                    }
                    @if entry.certificates.is_empty() && entry.ineligible.is_empty() {
                        (how_to_get_certificate(tr))
                    }
                    p.note { (tr.t("voter-private")) }
                    (sign_out(tr, s))
                },
            }
        }
    }
}

fn search_part(ctx: Ctx, state: &AppState, q: Option<&str>, vote: Option<&Vote>) -> Markup {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let found = match (q, ledger.territory(), ledger.territory_index()) {
        (Some(q), Some(t), Some(index)) => {
            let finder = state.finder.get_or_init(|| PrecinctFinder::new(t, index));
            let s = finder.find(q, SEARCH_LIMIT);
            let places: Vec<Place> = s
                .matches
                .iter()
                .filter_map(|id| place_in(t, index, tr, *id))
                .collect();
            Some((s, places))
        }
        _ => None,
    };
    html! {
        section.search aria-labelledby="search-title" {
            h2 #search-title { (tr.t("voter-search-title")) }
            form.stack method="get" action="/voter" role="search" {
                label for="q" { (tr.t("voter-search-label")) }
                input #q type="search" name="q" value=[q] maxlength="200" autocomplete="street-address";
                input type="hidden" name="lang" value=(ctx.lang.code());
                button type="submit" { (tr.t("voter-search-button")) }
            }
            @if let Some((s, places)) = &found {
                @if s.words.is_empty() {
                    p role="status" { (tr.t("voter-search-empty")) }
                } @else if s.total == 0 {
                    p role="status" { (tr.t("voter-search-none")) }
                } @else {
                    p role="status" {
                        (tr.a("voter-search-count", &[
                            ("count", Arg::N(s.total as u64)),
                            ("n", Arg::S(format::integer(ctx.lang, s.total as u64))),
                        ]))
                        @if s.total > places.len() {
                            " " (tr.a("voter-search-more", &[("shown", Arg::S(places.len().to_string()))]))
                        }
                    }
                    div.scroll {
                        table {
                            caption { (tr.a("voter-search-caption", &[("q", Arg::S(s.words.join(" ")))])) }
                            thead { tr {
                                th scope="col" { (tr.t("voter-precinct")) }
                                th scope="col" { (tr.t("voter-address")) }
                                th scope="col" { (tr.t("voter-district")) }
                                th scope="col" { (tr.t("voter-region")) }
                            } }
                            tbody {
                                @for p in places {
                                    tr {
                                        th scope="row" {
                                            @match vote.and_then(|v| v.pages.map(|k| (k, v))) {
                                                Some((k, v)) => a href=(format!("/{k}/{}/precinct/{}", v.id, p.id.0)) { "№ " (p.id.0) },
                                                None => { "№ " (p.id.0) },
                                            }
                                        }
                                        td { (p.name) }
                                        td { (p.district) }
                                        td { (p.region) }
                                    }
                                }
                            }
                        }
                    }
                }
            } @else if q.is_some() {
                p role="status" { (tr.t("voter-no-territory")) }
            }
        }
    }
}

/// `GET /voter[?q=ADDRESS OR PLACE]`.
pub async fn voter(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    let vote = latest_vote(&state.registrar.ledger(), tr);
    let own = own_entry(&state, &headers, vote.as_ref()).await;
    let q = query.get("q").map(String::as_str);
    let body = html! {
        h1 { (tr.t("voter-title")) }
        p.lead { (tr.t("voter-lead")) }
        (own_part(ctx, &state, &own, vote.as_ref()))
        (search_part(ctx, &state, q, vote.as_ref()))
    };
    let keep = q
        .map(|q| format!("q={}", percent_encode(q)))
        .unwrap_or_default();
    let page = Page::new(tr.t("voter-title"), Section::Voter, "/voter").keeping(keep);
    let status = match own {
        Own::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
        Own::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::OK,
    };
    // One person's page (and a search of theirs): never kept by a shared cache.
    ctx::no_store(ctx::html(ctx, status, layout::document(ctx, &page, body)))
}
