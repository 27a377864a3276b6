//! The commission portal (`/portal`): server-rendered pages for signed-in operators.
//!
//! - sign-in and sign-out (`/portal/sign-in`, `/portal/sign-out`), the session cookie of
//!   `POST /api/v1/session`;
//! - a dashboard per referendum (`/portal/r/{id}`), scoped to a territorial operator's
//!   territory: counts, precincts still missing, open conflicts side by side with the applied
//!   numbers (accept as amendment or dismiss, each with a reason), protocols with warnings,
//!   and certification for central operators;
//! - the upload of signed protocol files (`/portal/r/{id}/upload`), with an outcome per file;
//! - the protocol entry form (`/portal/r/{id}/enter`): the control ratios checked on the
//!   server (a "check" button, and live as the operator types with `portal.js`), recorded as
//!   an operator entry (`entered_by` in the log).
//!
//! Every page works without JavaScript. Every write is a `POST` form carrying the session's
//! form token ([`SignedIn::form_token`]) and is refused without it; it goes through
//! [`auth::authorize`] and [`auth::audit`] exactly like the JSON API, then answers `303 See
//! Other` back to the page, which shows the outcome once (a short-lived note kept in memory
//! under a random id in the `ashyq_flash` cookie). Observers see the dashboard read-only.

use ashyq_core::protocol::BallotLines;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::{AppliedProtocol, Ledger, OpenConflict};
use ashyq_core::operator::{Action, Role, TerritorialScope};
use ashyq_core::protocol::{self, PrecinctProtocol, ProtocolLines, Severity, Violation};
use ashyq_core::receipt::{Receipt, ReceiptStatus};
use ashyq_core::signed::SignedProtocol;
use ashyq_core::tally::ResultStatus;
use ashyq_core::territory::{PrecinctId, Territory, TerritoryIndex};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::format::{integer, timestamp};
use super::i18n::{Arg, Tr};
use super::layout::{self, Page, Section};
use super::{Asset, Ctx};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::problem::Problem;

/// The portal's stylesheet.
pub const PORTAL_CSS: Asset = Asset {
    name: "portal.css",
    content_type: "text/css; charset=utf-8",
    body: include_bytes!("../../assets/portal.css"),
};

/// The script of the entry form: the control ratios checked live as the operator types.
pub const PORTAL_JS: Asset = Asset {
    name: "portal.js",
    content_type: "text/javascript; charset=utf-8",
    body: include_bytes!("../../assets/portal.js"),
};

/// The largest upload of signed protocol files at once (a signed protocol is about 1 KB).
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024;
/// The most files one upload may carry.
const MAX_FILES: usize = 200;
/// How many missing precincts (and protocols with warnings) the dashboard lists; the rest
/// are counted.
const MISSING_SHOWN: usize = 60;
/// How many conflicts the dashboard shows at once (each with its comparison and forms); the
/// next ones appear as these are decided.
const CONFLICTS_SHOWN: usize = 40;
/// The name of the form field carrying the form token.
const FORM_TOKEN: &str = "form_token";
/// The cookie naming the note to show after a redirect.
const FLASH_COOKIE: &str = "ashyq_flash";

/// The routes of the portal.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home))
        .route("/portal/sign-in", get(sign_in_page).post(sign_in))
        .route("/portal/sign-out", axum::routing::post(sign_out))
        .route("/portal/r/{id}", get(dashboard))
        .route("/portal/r/{id}/accept", axum::routing::post(accept))
        .route("/portal/r/{id}/dismiss", axum::routing::post(dismiss))
        .route("/portal/r/{id}/certify", axum::routing::post(certify))
        .route(
            "/portal/r/{id}/upload",
            get(upload_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/portal/r/{id}/enter", get(entry_page).post(enter))
        .route("/portal/r/{id}/enter/check", get(entry_check))
}

// ---- notes shown once after a redirect ---------------------------------------------------

/// How a note reads: done, or refused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Done,
    /// Recorded, but held for review (a conflict).
    Held,
    Refused,
}

/// One line of the outcome of a write, already in the operator's language.
#[derive(Clone)]
struct Note {
    tone: Tone,
    text: String,
    /// The server's reason, as the API states it.
    detail: Option<String>,
}

struct Flash {
    owner: String,
    at: Instant,
    notes: Vec<Note>,
}

/// Notes waiting for their page, by random id. In memory: after a restart (or on another
/// instance behind a balancer) the note is lost, never the write it reports.
static FLASHES: LazyLock<Mutex<HashMap<String, Flash>>> = LazyLock::new(Mutex::default);
const FLASH_LIFETIME: Duration = Duration::from_secs(300);

fn put_flash(owner: &str, notes: Vec<Note>) -> String {
    use rand::RngCore as _;
    let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    let mut id = [0u8; 16];
    rng.fill_bytes(&mut id);
    let id = hex::encode(id);
    let mut map = FLASHES.lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, f| f.at.elapsed() < FLASH_LIFETIME);
    if map.len() < 100_000 {
        map.insert(
            id.clone(),
            Flash {
                owner: owner.to_owned(),
                at: Instant::now(),
                notes,
            },
        );
    }
    format!(
        "{FLASH_COOKIE}={id}; Path=/portal; Max-Age=300; HttpOnly; SameSite=Strict",
        id = id
    )
}

/// The notes for this request's flash cookie, if they are this operator's.
fn take_flash(headers: &HeaderMap, owner: &str) -> Vec<Note> {
    let Some(id) = auth::cookie(headers, FLASH_COOKIE) else {
        return Vec::new();
    };
    let mut map = FLASHES.lock().unwrap_or_else(|p| p.into_inner());
    match map.remove(id) {
        Some(f) if f.owner == owner && f.at.elapsed() < FLASH_LIFETIME => f.notes,
        _ => Vec::new(),
    }
}

const CLEAR_FLASH: &str = "ashyq_flash=; Path=/portal; Max-Age=0; HttpOnly; SameSite=Strict";

fn notes_markup(tr: Tr, notes: &[Note]) -> Markup {
    html! {
        @for n in notes {
            @match n.tone {
                Tone::Done => div.note.done role="status" {
                    p { strong { (tr.t("portal-done")) } " " (n.text) }
                    @if let Some(d) = &n.detail { p.detail { (d) } }
                },
                Tone::Held => div.note.held role="alert" {
                    p { strong { (tr.t("portal-held")) } " " (n.text) }
                    @if let Some(d) = &n.detail { p.detail { (d) } }
                },
                Tone::Refused => div.note.refused role="alert" {
                    p { strong { (tr.t("portal-refused")) } " " (n.text) }
                    @if let Some(d) = &n.detail { p.detail { (d) } }
                },
            }
        }
    }
}

// ---- responses ----------------------------------------------------------------------------

fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

/// A portal page: never cached (it is one operator's view), with extra cookies.
fn portal_page(
    ctx: Ctx,
    status: StatusCode,
    page: &Page,
    body: Markup,
    cookies: &[&str],
) -> Response {
    let body = html! {
        link rel="stylesheet" href=(PORTAL_CSS.url());
        (body)
    };
    let mut res = super::html(ctx, status, layout::document(ctx, page, body));
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

fn page_frame(title: String, path: String, crumbs: Vec<(String, String)>) -> Page<'static> {
    Page {
        title,
        section: Section::None,
        path,
        keep_query: String::new(),
        crumbs,
        live: None,
    }
}

/// The operator of the request, or the answer that sends them to sign in.
async fn operator(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, Response> {
    match auth::signed_in(state, headers).await {
        Ok(Some(who)) => Ok(who),
        Ok(None) => Err(see_other("/portal/sign-in", &[])),
        // An expired or withdrawn session: forget the cookie and sign in again.
        Err(_) => Err(see_other(
            "/portal/sign-in?expired=1",
            &[auth::session_cookie(state, None, 0)],
        )),
    }
}

/// The value of a form field.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Compares in time independent of where the strings differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The page that refuses a form without the session's form token.
fn bad_form_token(ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let page = page_frame(
        tr.t("portal-form-expired-title").into_owned(),
        "/portal".into(),
        vec![(tr.t("portal-title").into_owned(), "/portal".into())],
    );
    let body = html! {
        h1 { (tr.t("portal-form-expired-title")) }
        p { (tr.t("portal-form-expired-body")) }
        p { a href="/portal" { (tr.t("portal-back")) } }
    };
    portal_page(ctx, StatusCode::FORBIDDEN, &page, body, &[])
}

/// Whether a form carries this session's form token.
fn form_token_ok(who: &SignedIn, given: Option<&str>) -> bool {
    given.is_some_and(|t| same_token(t.trim(), &who.form_token()))
}

// ---- the operator's territory --------------------------------------------------------------

/// Which precincts an operator's dashboard shows.
enum Scope {
    /// Every precinct (central operators and observers).
    All,
    /// The precincts of one region (its index in the territory).
    Region(usize),
    /// The precincts of one district (its index in the territory).
    District(usize),
    /// A territory that is not in the loaded territory: nothing.
    Nothing,
}

impl Scope {
    fn of(role: &Role, index: Option<&TerritoryIndex>) -> Scope {
        let Role::TerritorialOperator { scope } = role else {
            return Scope::All;
        };
        let Some(index) = index else {
            return Scope::Nothing;
        };
        match scope {
            TerritorialScope::Region(r) => index.region(r).map_or(Scope::Nothing, Scope::Region),
            TerritorialScope::District(d) => {
                index.district(d).map_or(Scope::Nothing, Scope::District)
            }
        }
    }

    fn contains(&self, index: Option<&TerritoryIndex>, p: PrecinctId) -> bool {
        let placement = || index.and_then(|i| i.placement(p));
        match self {
            Scope::All => true,
            Scope::Region(r) => placement().is_some_and(|pl| pl.region == *r),
            Scope::District(d) => placement().is_some_and(|pl| pl.district == *d),
            Scope::Nothing => false,
        }
    }
}

fn may_write(who: &SignedIn) -> bool {
    who.account.role != Role::Observer
}

fn who_line(tr: Tr, who: &SignedIn, territory: Option<&Territory>) -> Markup {
    html! {
        div.whoami {
            p {
                (tr.a("portal-signed-in-as", &[("name", Arg::S(who.account.name.clone()))]))
                " · " span.role { (role_text(tr, &who.account.role, territory)) }
            }
            form method="post" action="/portal/sign-out" {
                input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
                button.secondary type="submit" { (tr.t("portal-sign-out")) }
            }
        }
    }
}

fn role_text(tr: Tr, role: &Role, territory: Option<&Territory>) -> String {
    match role {
        Role::CentralOperator => tr.t("portal-role-central").into_owned(),
        Role::Observer => tr.t("portal-role-observer").into_owned(),
        Role::TerritorialOperator { scope } => tr
            .a(
                "portal-role-territorial",
                &[("unit", Arg::S(unit_name(tr, scope, territory)))],
            )
            .into_owned(),
    }
}

/// A region's or district's name in the page's language, with its code.
fn unit_name(tr: Tr, scope: &TerritorialScope, territory: Option<&Territory>) -> String {
    let lang = tr.lang.code();
    let (code, name) = match scope {
        TerritorialScope::Region(r) => (
            &r.0,
            territory
                .and_then(|t| t.regions.iter().find(|x| &x.code == r))
                .map(|x| x.names.get(lang).to_owned()),
        ),
        TerritorialScope::District(d) => (
            &d.0,
            territory
                .and_then(|t| t.districts.iter().find(|x| &x.id == d))
                .map(|x| x.names.get(lang).to_owned()),
        ),
    };
    match name {
        Some(n) => format!("{n} ({code})"),
        None => code.clone(),
    }
}

// ---- sign-in and sign-out ------------------------------------------------------------------

async fn home(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let tr = ctx.tr();
    let lang = ctx.lang;
    let notes = take_flash(&headers, &who.account.name);
    let ledger = state.registrar.ledger();
    let body = html! {
        h1 { (tr.t("portal-title")) }
        (who_line(tr, &who, ledger.territory()))
        (notes_markup(tr, &notes))
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
    };
    let page = page_frame(tr.t("portal-title").into_owned(), "/portal".into(), vec![]);
    portal_page(ctx, StatusCode::OK, &page, body, &[CLEAR_FLASH])
}

fn sign_in_markup(ctx: Ctx, name: &str, error: Option<Markup>) -> Markup {
    let tr = ctx.tr();
    html! {
        h1 { (tr.t("portal-sign-in-title")) }
        p { (tr.t("portal-sign-in-intro")) }
        @if let Some(e) = error { (e) }
        form.stack.narrow method="post" action="/portal/sign-in" {
            div.field {
                label for="name" { (tr.t("portal-name")) }
                input #name name="name" type="text" value=(name) autocomplete="username" autocapitalize="none" spellcheck="false" required;
            }
            div.field {
                label for="password" { (tr.t("portal-password")) }
                input #password name="password" type="password" autocomplete="current-password" required;
            }
            button type="submit" { (tr.t("portal-sign-in")) }
        }
    }
}

async fn sign_in_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Ok(Some(_)) = auth::signed_in(&state, &headers).await {
        return see_other("/portal", &[]);
    }
    let tr = ctx.tr();
    let expired = super::referendum::query_param(q.as_deref(), "expired").is_some();
    let signed_out = super::referendum::query_param(q.as_deref(), "signed-out").is_some();
    let note = if expired {
        Some(html! { div.note.refused role="alert" { p { (tr.t("portal-session-expired")) } } })
    } else if signed_out {
        Some(html! { div.note.done role="status" { p { (tr.t("portal-signed-out")) } } })
    } else {
        None
    };
    let page = page_frame(
        tr.t("portal-sign-in-title").into_owned(),
        "/portal/sign-in".into(),
        vec![],
    );
    portal_page(
        ctx,
        StatusCode::OK,
        &page,
        sign_in_markup(ctx, "", note),
        &[],
    )
}

async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let tr = ctx.tr();
    let name = field(&fields, "name").unwrap_or("").trim().to_owned();
    let password = zeroize::Zeroizing::new(field(&fields, "password").unwrap_or("").to_owned());
    match auth::check_password_and_open_session(&state, &name, &password).await {
        Ok((token, _)) => {
            let cookie = auth::session_cookie(&state, Some(&token), auth::SESSION_HOURS * 3600);
            see_other("/portal", &[cookie])
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNAUTHORIZED);
            let key = if status == StatusCode::TOO_MANY_REQUESTS {
                "portal-sign-in-locked"
            } else if status == StatusCode::UNAUTHORIZED {
                "portal-sign-in-wrong"
            } else {
                "portal-sign-in-failed"
            };
            let error = html! {
                div.note.refused role="alert" {
                    p { strong { (tr.t(key)) } }
                    p.detail { (p.detail) }
                }
            };
            let page = page_frame(
                tr.t("portal-sign-in-title").into_owned(),
                "/portal/sign-in".into(),
                vec![],
            );
            portal_page(
                ctx,
                status,
                &page,
                sign_in_markup(ctx, &name, Some(error)),
                &[],
            )
        }
    }
}

async fn sign_out(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if !form_token_ok(&who, field(&fields, FORM_TOKEN)) {
        return bad_form_token(ctx);
    }
    match auth::sign_out(State(state.clone()), who).await {
        Ok(_) => see_other(
            "/portal/sign-in?signed-out=1",
            &[auth::session_cookie(&state, None, 0)],
        ),
        Err(p) => problem_page(ctx, &p),
    }
}

/// A refusal that is not about one form (the store failed): its reason, and the way back.
fn problem_page(ctx: Ctx, p: &Problem) -> Response {
    let tr = ctx.tr();
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let page = page_frame(
        tr.t("portal-title").into_owned(),
        "/portal".into(),
        vec![(tr.t("portal-title").into_owned(), "/portal".into())],
    );
    let body = html! {
        h1 { (tr.t("portal-problem-title")) }
        div.note.refused role="alert" { p { (p.detail) } }
        p { a href="/portal" { (tr.t("portal-back")) } }
    };
    portal_page(ctx, status, &page, body, &[])
}

// ---- the dashboard -------------------------------------------------------------------------

/// The referendum's title in the page's language, if there is such a referendum.
fn referendum_title(ledger: &Ledger, ctx: Ctx, id: &str) -> Option<String> {
    ledger
        .referendum(&ContestId(id.to_owned()))
        .ok()
        .map(|r| r.definition.title.get(ctx.lang.code()).to_owned())
}

fn no_referendum(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("not-found-referendum").into_owned()))
}

fn portal_nav(tr: Tr, id: &str, current: &str) -> Markup {
    let items = [
        (
            "dashboard",
            format!("/portal/r/{id}"),
            tr.t("portal-nav-dashboard"),
        ),
        (
            "upload",
            format!("/portal/r/{id}/upload"),
            tr.t("portal-nav-upload"),
        ),
        (
            "enter",
            format!("/portal/r/{id}/enter"),
            tr.t("portal-nav-enter"),
        ),
    ];
    html! {
        nav.portal aria-label=(tr.t("portal-nav")) {
            ul {
                @for (key, href, label) in &items {
                    li {
                        @if *key == current {
                            a href=(href) aria-current="page" { (label) }
                        } @else {
                            a href=(href) { (label) }
                        }
                    }
                }
                li { a href=(format!("/r/{id}")) { (tr.t("portal-nav-public")) } }
            }
        }
    }
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let notes = take_flash(&headers, &who.account.name);
    let ledger = state.registrar.ledger();
    let title = match referendum_title(&ledger, ctx, &id) {
        Some(t) => t,
        None => return no_referendum(ctx),
    };
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

fn dashboard_markup(
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
                                    td { @for w in &a.warnings { (violation_markup(tr, w, &a.protocol.lines)) } }
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

fn line_label(tr: Tr, name: &str) -> String {
    tr.t(&format!("line-{}", name.replace('_', "-")))
        .into_owned()
}

/// How a protocol arrived: signed by the commission, entered by an operator, or neither.
fn provenance(tr: Tr, receipt: &Receipt, ledger: &Ledger, rid: &ContestId) -> String {
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

fn conflict_markup(
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
                div.decide {
                    form.stack method="post" action=(format!("/portal/r/{id}/accept")) {
                        input type="hidden" name=(FORM_TOKEN) value=(token);
                        input type="hidden" name="precinct" value=(precinct.0);
                        input type="hidden" name="protocol_hash" value=(hash);
                        div.field {
                            label for=(format!("{slug}-accept")) { (tr.t("portal-accept-reason")) }
                            textarea #(format!("{slug}-accept")) name="reason" rows="2" required {}
                        }
                        button type="submit" { (tr.t("portal-accept")) }
                    }
                    form.stack method="post" action=(format!("/portal/r/{id}/dismiss")) {
                        input type="hidden" name=(FORM_TOKEN) value=(token);
                        input type="hidden" name="precinct" value=(precinct.0);
                        input type="hidden" name="protocol_hash" value=(hash);
                        div.field {
                            label for=(format!("{slug}-dismiss")) { (tr.t("portal-dismiss-reason")) }
                            textarea #(format!("{slug}-dismiss")) name="reason" rows="2" required {}
                        }
                        button.secondary type="submit" { (tr.t("portal-dismiss")) }
                    }
                }
            }
        }
    }
}

/// `+3` or `−3` (a true minus sign), grouped per language.
fn signed_delta(lang: super::i18n::Lang, old: u64, new: u64) -> String {
    if new >= old {
        format!("+{}", integer(lang, new - old))
    } else {
        format!("\u{2212}{}", integer(lang, old - new))
    }
}

fn violation_markup(tr: Tr, v: &Violation, lines: &ProtocolLines) -> Markup {
    let code = v.rule.code();
    let lang = tr.lang;
    // The numbers: the errors' formulas (`1873 ≠ 1543 + 245 + 48 + 44 = 1880`) read the same
    // in every language; the two warnings are worded, so their numbers are put in words here.
    let numbers = match v.rule {
        protocol::ControlRule::FewerFoundThanIssued => tr
            .a(
                "rule-kw-1-numbers",
                &[
                    ("found", Arg::S(integer(lang, lines.ballots.ballots_found))),
                    (
                        "issued",
                        Arg::S(integer(lang, lines.ballots.ballots_issued)),
                    ),
                    (
                        "missing",
                        Arg::S(integer(
                            lang,
                            lines
                                .ballots
                                .ballots_issued
                                .saturating_sub(lines.ballots.ballots_found),
                        )),
                    ),
                ],
            )
            .into_owned(),
        protocol::ControlRule::EveryVoterTookPart => tr
            .a(
                "rule-kw-2-numbers",
                &[
                    (
                        "issued",
                        Arg::S(integer(lang, lines.ballots.ballots_issued)),
                    ),
                    ("list", Arg::S(integer(lang, lines.ballots.voters_on_list))),
                ],
            )
            .into_owned(),
        _ => v.detail.clone(),
    };
    html! {
        p.violation {
            strong { (code) } " "
            (tr.t(&format!("rule-{}", code.to_ascii_lowercase())))
            " " span.numbers { "— " (numbers) }
        }
    }
}

// ---- decisions on conflicts and certification ---------------------------------------------

/// Records the outcome of a write for the next page and sends the operator back there.
fn after_write(who: &SignedIn, location: &str, notes: Vec<Note>) -> Response {
    let cookie = put_flash(&who.account.name, notes);
    see_other(location, &[cookie])
}

fn refused(text: String, p: &Problem) -> Note {
    Note {
        tone: Tone::Refused,
        text,
        detail: Some(p.detail.clone()),
    }
}

fn done(text: String) -> Note {
    Note {
        tone: Tone::Done,
        text,
        detail: None,
    }
}

/// The precinct number of a form, or the note that says what is wrong with it.
fn form_precinct(tr: Tr, fields: &[(String, String)]) -> Result<PrecinctId, Note> {
    let text = field(fields, "precinct").unwrap_or("").trim();
    text.parse::<u32>().map(PrecinctId).map_err(|_| Note {
        tone: Tone::Refused,
        text: tr
            .a(
                "portal-bad-precinct",
                &[("text", Arg::S(text.chars().take(20).collect()))],
            )
            .into_owned(),
        detail: None,
    })
}

async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    review_write(state, ctx, headers, id, fields, true).await
}

async fn dismiss(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    review_write(state, ctx, headers, id, fields, false).await
}

/// Accepts (as an amendment) or dismisses a protocol held for review.
async fn review_write(
    state: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    id: String,
    fields: Vec<(String, String)>,
    accept: bool,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if !form_token_ok(&who, field(&fields, FORM_TOKEN)) {
        return bad_form_token(ctx);
    }
    let tr = ctx.tr();
    // No fragment: the outcome is shown at the top of the page, where the browser lands.
    let back = format!("/portal/r/{id}");
    let precinct = match form_precinct(tr, &fields) {
        Ok(p) => p,
        Err(note) => return after_write(&who, &back, vec![note]),
    };
    let hash = field(&fields, "protocol_hash")
        .unwrap_or("")
        .trim()
        .to_owned();
    let reason = field(&fields, "reason").unwrap_or("").trim().to_owned();
    let n = precinct.0.to_string();
    let (action, detail, done_key, refused_key) = if accept {
        (
            Action::AmendProtocol { precinct },
            format!(
                "accept {hash} as the protocol of precinct {precinct} of {id} (portal): {reason}"
            ),
            "portal-accepted",
            "portal-accept-refused",
        )
    } else {
        (
            Action::DismissConflict { precinct },
            format!("dismiss {hash} at precinct {precinct} of {id} (portal): {reason}"),
            "portal-dismissed",
            "portal-dismiss-refused",
        )
    };
    let refused_text = tr.a(refused_key, &[("n", Arg::S(n.clone()))]).into_owned();
    if let Err(p) = auth::authorize(&state, &who, &action, &detail).await {
        return after_write(&who, &back, vec![refused(refused_text, &p)]);
    }
    let rid = ContestId(id.clone());
    let author = who.author();
    let result: Result<u64, Problem> = async {
        if reason.is_empty() {
            return Err(Problem::bad_request(
                "give the reason for this decision (for example: the district commission ordered a recount); it is published in the precinct's history",
            ));
        }
        if accept {
            let open = state
                .registrar
                .ledger()
                .open_conflicts(&rid)?
                .find(|c| c.protocol.precinct == precinct && c.receipt.protocol_hash == hash)
                .cloned();
            let c = open.ok_or_else(|| {
                Problem::not_found(format!(
                    "precinct {precinct} has no protocol held for review with hash {hash}: it may have been decided already; reload the dashboard"
                ))
            })?;
            let reg = state.registrar.clone();
            let r = tokio::spawn(async move {
                match c.receipt.signature {
                    Some(sig) => reg.amend_signed(c.protocol, sig, &reason, author).await,
                    None => reg.amend(c.protocol, &reason, author).await,
                }
            })
            .await
            .map_err(|e| Problem::unavailable(format!("the write was interrupted ({e}); send it again")))?;
            Ok(r?.seq)
        } else {
            let reg = state.registrar.clone();
            let r = tokio::spawn(async move {
                reg.dismiss_conflict(&rid, precinct, &hash, &reason, author).await
            })
            .await
            .map_err(|e| Problem::unavailable(format!("the write was interrupted ({e}); send it again")))?;
            Ok(r?.seq)
        }
    }
    .await;
    auth::audit(&state, &who, action, &detail, result.as_ref().map(drop)).await;
    let note = match result {
        Ok(seq) => done(
            tr.a(
                done_key,
                &[("n", Arg::S(n)), ("seq", Arg::S(seq.to_string()))],
            )
            .into_owned(),
        ),
        Err(p) => refused(refused_text, &p),
    };
    after_write(&who, &back, vec![note])
}

async fn certify(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if !form_token_ok(&who, field(&fields, FORM_TOKEN)) {
        return bad_form_token(ctx);
    }
    let tr = ctx.tr();
    let back = format!("/portal/r/{id}");
    let action = Action::CertifyResult;
    let detail = format!("certify {id} (portal)");
    if let Err(p) = auth::authorize(&state, &who, &action, &detail).await {
        return after_write(
            &who,
            &back,
            vec![refused(tr.t("portal-cert-refused").into_owned(), &p)],
        );
    }
    let rid = ContestId(id.clone());
    let author = who.author();
    let reg = state.registrar.clone();
    let result = tokio::spawn(async move { reg.certify(&rid, author).await })
        .await
        .map_err(|e| {
            Problem::unavailable(format!("the write was interrupted ({e}); send it again"))
        })
        .and_then(|r| r.map_err(Problem::from));
    auth::audit(&state, &who, action, &detail, result.as_ref().map(drop)).await;
    let note = match result {
        Ok(e) => done(
            tr.a("portal-certified", &[("seq", Arg::S(e.seq.to_string()))])
                .into_owned(),
        ),
        Err(p) => refused(tr.t("portal-cert-refused").into_owned(), &p),
    };
    after_write(&who, &back, vec![note])
}

// ---- upload of signed protocol files -------------------------------------------------------

async fn upload_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let notes = take_flash(&headers, &who.account.name);
    let ledger = state.registrar.ledger();
    let Some(title) = referendum_title(&ledger, ctx, &id) else {
        return no_referendum(ctx);
    };
    let tr = ctx.tr();
    let body = html! {
        h1 { (tr.t("portal-upload-title")) }
        (who_line(tr, &who, ledger.territory()))
        (portal_nav(tr, &id, "upload"))
        (notes_markup(tr, &notes))
        p { (tr.t("portal-upload-intro")) }
        @if may_write(&who) {
            form.stack method="post" action=(format!("/portal/r/{id}/upload")) enctype="multipart/form-data" {
                input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
                div.field {
                    label for="files" { (tr.t("portal-upload-files")) }
                    input #files name="files" type="file" multiple accept=".json,application/json" required aria-describedby="files-hint";
                    small #files-hint { (tr.t("portal-upload-hint")) }
                }
                button type="submit" { (tr.t("portal-upload-button")) }
            }
        } @else {
            p.note.info { (tr.t("portal-read-only")) }
        }
    };
    drop(ledger);
    let page = page_frame(
        tr.t("portal-upload-title").into_owned(),
        format!("/portal/r/{id}/upload"),
        vec![
            (tr.t("portal-title").into_owned(), "/portal".into()),
            (title, format!("/portal/r/{id}")),
        ],
    );
    portal_page(ctx, StatusCode::OK, &page, body, &[CLEAR_FLASH])
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let tr = ctx.tr();
    let back = format!("/portal/r/{id}/upload");
    let Ok(mut multipart) = multipart else {
        return problem_page(
            ctx,
            &Problem::bad_request(
                "this is not a file upload (multipart/form-data); send the files with the upload form on this page",
            ),
        );
    };
    // Read every part first: the form token must be checked before any file is used.
    let mut token = None;
    let mut files: Vec<(String, Result<String, String>)> = Vec::new();
    let mut too_many = false;
    loop {
        let part = match multipart.next_field().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                let note = Note {
                    tone: Tone::Refused,
                    text: tr.t("portal-upload-unreadable").into_owned(),
                    detail: Some(format!(
                        "{e}; send at most {} MB at once",
                        UPLOAD_LIMIT / (1024 * 1024)
                    )),
                };
                return if form_token_ok(&who, token.as_deref()) {
                    after_write(&who, &back, vec![note])
                } else {
                    bad_form_token(ctx)
                };
            }
        };
        let name = part.name().unwrap_or("").to_owned();
        if name == FORM_TOKEN {
            token = part.text().await.ok();
            continue;
        }
        if name != "files" {
            continue;
        }
        let file_name: String = part.file_name().unwrap_or("").chars().take(80).collect();
        let bytes = part.bytes().await;
        if file_name.is_empty() && bytes.as_ref().is_ok_and(|b| b.is_empty()) {
            // The browser sends an empty part when no file was chosen.
            continue;
        }
        if files.len() >= MAX_FILES {
            too_many = true;
            continue;
        }
        let content = match bytes {
            Ok(b) => String::from_utf8(b.to_vec()).map_err(|_| {
                "the file is not UTF-8 text: upload the .json file `ashyq protocol sign` wrote"
                    .to_owned()
            }),
            Err(e) => Err(e.to_string()),
        };
        files.push((file_name, content));
    }
    if !form_token_ok(&who, token.as_deref()) {
        return bad_form_token(ctx);
    }
    let mut notes = Vec::new();
    if files.is_empty() {
        notes.push(Note {
            tone: Tone::Refused,
            text: tr.t("portal-upload-none").into_owned(),
            detail: None,
        });
    }
    for (name, content) in files {
        notes.push(upload_one(&state, ctx, &who, &id, &name, content).await);
    }
    if too_many {
        notes.push(Note {
            tone: Tone::Refused,
            text: tr
                .a(
                    "portal-upload-too-many",
                    &[("max", Arg::S(MAX_FILES.to_string()))],
                )
                .into_owned(),
            detail: None,
        });
    }
    after_write(&who, &back, notes)
}

/// One uploaded file: parsed, authorized for its precinct, submitted like
/// `POST /api/v1/referendums/{id}/protocols`, audited.
async fn upload_one(
    state: &AppState,
    ctx: Ctx,
    who: &SignedIn,
    id: &str,
    name: &str,
    content: Result<String, String>,
) -> Note {
    let tr = ctx.tr();
    let shown = if name.is_empty() {
        "—".to_owned()
    } else {
        name.to_owned()
    };
    let refused_note = |detail: String| Note {
        tone: Tone::Refused,
        text: tr
            .a("portal-file-refused", &[("file", Arg::S(shown.clone()))])
            .into_owned(),
        detail: Some(detail),
    };
    let content = match content {
        Ok(c) => c,
        Err(e) => return refused_note(e),
    };
    let document = match SignedProtocol::parse(&content) {
        Ok(d) => d,
        Err(e) => return refused_note(e.to_string()),
    };
    let st = &document.statement;
    if st.referendum.0 != id {
        return refused_note(format!(
            "the document is for referendum {}, not {id}; upload it on that referendum's page",
            st.referendum
        ));
    }
    let precinct = st.precinct;
    let action = Action::UploadSignedProtocol { precinct };
    let detail = format!(
        "upload the signed protocol of precinct {precinct} of {id}, version {} (file {shown:?})",
        st.version
    );
    if let Err(p) = auth::authorize(state, who, &action, &detail).await {
        return refused_note(p.detail);
    }
    let before = state.registrar.ledger().head().map_or(0, |(s, _)| s);
    let reg = state.registrar.clone();
    let result = tokio::spawn(async move { reg.submit_signed(&document).await })
        .await
        .map_err(|e| {
            Problem::unavailable(format!("the write was interrupted ({e}); send it again"))
        })
        .and_then(|r| r.map_err(Problem::from))
        .and_then(|r| r.map_err(Problem::from));
    auth::audit(state, who, action, &detail, result.as_ref().map(drop)).await;
    let n = precinct.0.to_string();
    match result {
        Ok(receipt) => {
            let args = [
                ("file", Arg::S(shown.clone())),
                ("n", Arg::S(n)),
                ("seq", Arg::S(receipt.seq.to_string())),
            ];
            let (tone, key) = match receipt.status {
                _ if receipt.seq <= before => (Tone::Done, "portal-file-known"),
                ReceiptStatus::Conflict => (Tone::Held, "portal-file-conflict"),
                _ => (Tone::Done, "portal-file-accepted"),
            };
            Note {
                tone,
                text: tr.a(key, &args).into_owned(),
                detail: None,
            }
        }
        Err(p) => refused_note(p.detail),
    }
}

// ---- the protocol entry form ---------------------------------------------------------------

/// What an operator typed into the entry form, parsed as far as it goes.
struct Draft {
    precinct_text: String,
    values: Vec<String>,
}

impl Draft {
    fn from_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Draft {
        let mut precinct_text = String::new();
        let mut values = vec![String::new(); 12];
        for (k, v) in pairs {
            let v: String = v.trim().chars().take(20).collect();
            if k == "precinct" {
                precinct_text = v;
            } else if let Some(i) = ProtocolLines::FIELDS.iter().position(|f| *f == k) {
                values[i] = v;
            }
        }
        Draft {
            precinct_text,
            values,
        }
    }

    fn is_blank(&self) -> bool {
        self.precinct_text.is_empty() && self.values.iter().all(String::is_empty)
    }

    /// The protocol, or the fields that are not whole numbers (by index; `None` = precinct).
    fn protocol(&self, rid: &ContestId) -> Result<PrecinctProtocol, Vec<Option<usize>>> {
        let mut bad = Vec::new();
        let precinct = self.precinct_text.parse::<u32>().ok();
        if precinct.is_none() {
            bad.push(None);
        }
        let mut n = [0u64; 12];
        for (i, v) in self.values.iter().enumerate() {
            match v.parse::<u64>() {
                Ok(x) => n[i] = x,
                Err(_) => bad.push(Some(i)),
            }
        }
        match precinct {
            Some(p) if bad.is_empty() => Ok(PrecinctProtocol {
                referendum: rid.clone(),
                precinct: PrecinctId(p),
                lines: ProtocolLines {
                    ballots: BallotLines {
                        voters_on_list: n[0],
                        voters_added_on_day: n[1],
                        voters_added_absentee: n[2],
                        absentee_certificates_issued: n[3],
                        ballots_received: n[4],
                        ballots_issued: n[5],
                        ballots_cancelled: n[6],
                        ballots_found: n[7],
                    },
                    yes: n[8],
                    no: n[9],
                    both_marked: n[10],
                    invalid: n[11],
                },
            }),
            _ => Err(bad),
        }
    }
}

/// The server's check of a draft, in words: the fields to fix, whether the precinct may be
/// entered by this operator and what recording it would do, and each control ratio broken.
fn check_markup(ctx: Ctx, ledger: &Ledger, who: &SignedIn, rid: &ContestId, d: &Draft) -> Markup {
    let tr = ctx.tr();
    // A certified result takes nothing more: say so before anything else.
    if ledger
        .referendum(rid)
        .is_ok_and(|r| r.certification().is_some())
    {
        return html! { div.check.bad { p { strong { (tr.t("check-certified")) } } } };
    }
    let protocol = match d.protocol(rid) {
        Ok(p) => p,
        Err(bad) => {
            return html! {
                div.check.bad {
                    p { strong { (tr.t("check-fix-fields")) } }
                    ul {
                        @for b in &bad {
                            li {
                                @match b {
                                    None => (tr.t("check-precinct-number")),
                                    Some(i) => (tr.a("check-not-a-number", &[
                                        ("line", Arg::S(format!("{}. {}", i + 1, line_label(tr, ProtocolLines::FIELDS[*i])))),
                                    ])),
                                }
                            }
                        }
                    }
                }
            };
        }
    };
    let precinct = protocol.precinct;
    let place = match ledger.applied(rid, precinct) {
        Err(_) => Err(tr
            .a(
                "check-no-precinct",
                &[("n", Arg::S(precinct.0.to_string()))],
            )
            .into_owned()),
        Ok(applied) => {
            let allowed = ashyq_core::operator::permits(
                &who.account.role,
                &Action::EnterProtocol { precinct },
                ledger.hierarchy(),
            );
            match (allowed, applied) {
                (Err(_), _) => Err(tr
                    .a("check-outside", &[("n", Arg::S(precinct.0.to_string()))])
                    .into_owned()),
                (Ok(()), None) => Ok(tr
                    .a("check-first", &[("n", Arg::S(precinct.0.to_string()))])
                    .into_owned()),
                (Ok(()), Some(a)) if a.protocol.lines == protocol.lines => {
                    Ok(tr.t("check-same").into_owned())
                }
                (Ok(()), Some(_)) => Ok(tr.t("check-conflict").into_owned()),
            }
        }
    };
    let check = protocol::check(&protocol.lines);
    let errors: Vec<&Violation> = check
        .errors
        .iter()
        .filter(|v| v.severity == Severity::Error)
        .collect();
    let good = errors.is_empty() && place.is_ok();
    html! {
        div.check.good[good].bad[!good] {
            @match &place {
                Ok(text) => p { (text) },
                Err(text) => p { strong { (text) } },
            }
            @if errors.is_empty() {
                p { (tr.t("check-ratios-hold")) }
            } @else {
                p { strong { (tr.a("check-ratios-broken", &[("count", Arg::N(errors.len() as u64)), ("n", Arg::S(errors.len().to_string()))])) } }
                ul { @for v in &errors { li { (violation_markup(tr, v, &protocol.lines)) } } }
            }
            @if !check.warnings.is_empty() {
                p { (tr.t("check-warnings")) }
                ul { @for v in &check.warnings { li { (violation_markup(tr, v, &protocol.lines)) } } }
            }
        }
    }
}

fn entry_markup(
    ctx: Ctx,
    ledger: &Ledger,
    who: &SignedIn,
    id: &str,
    draft: &Draft,
    notes: &[Note],
    checked: bool,
) -> Markup {
    let tr = ctx.tr();
    let rid = ContestId(id.to_owned());
    html! {
        h1 { (tr.t("portal-enter-title")) }
        (who_line(tr, who, ledger.territory()))
        (portal_nav(tr, id, "enter"))
        (notes_markup(tr, notes))
        p { (tr.t("portal-enter-intro")) }
        @if !may_write(who) {
            p.note.info { (tr.t("portal-read-only")) }
        } @else {
            form.entry method="post" action=(format!("/portal/r/{id}/enter")) data-check=(format!("/portal/r/{id}/enter/check")) {
                input type="hidden" name=(FORM_TOKEN) value=(who.form_token());
                div.field.precinct {
                    label for="precinct" { (tr.t("portal-col-precinct")) }
                    input #precinct name="precinct" type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(draft.precinct_text) required;
                }
                fieldset {
                    legend { (tr.t("portal-enter-lines")) }
                    div.lines {
                        @for (i, name) in ProtocolLines::FIELDS.iter().enumerate() {
                            div.field {
                                label for=(name) { (i + 1) ". " (line_label(tr, name)) }
                                input #(name) name=(name) type="text" inputmode="numeric" pattern="[0-9]*" autocomplete="off" value=(draft.values[i]) required;
                            }
                        }
                    }
                }
                div #check aria-live="polite" {
                    @if checked && !draft.is_blank() {
                        (check_markup(ctx, ledger, who, &rid, draft))
                    }
                }
                div.buttons {
                    button.secondary type="submit" name="step" value="check" { (tr.t("portal-enter-check")) }
                    button type="submit" name="step" value="record" { (tr.t("portal-enter-record")) }
                }
            }
            script src=(PORTAL_JS.url()) defer {}
        }
    }
}

/// What the entry page shows: the numbers typed so far, the outcome of the last write, and
/// whether to show the check.
struct EntryView<'a> {
    draft: &'a Draft,
    notes: &'a [Note],
    checked: bool,
}

fn entry_response(
    ctx: Ctx,
    state: &AppState,
    who: &SignedIn,
    id: &str,
    view: EntryView,
    status: StatusCode,
) -> Response {
    let EntryView {
        draft,
        notes,
        checked,
    } = view;
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let title = match referendum_title(&ledger, ctx, id) {
        Some(t) => t,
        None => return no_referendum(ctx),
    };
    let body = entry_markup(ctx, &ledger, who, id, draft, notes, checked);
    drop(ledger);
    let page = page_frame(
        tr.t("portal-enter-title").into_owned(),
        format!("/portal/r/{id}/enter"),
        vec![
            (tr.t("portal-title").into_owned(), "/portal".into()),
            (title, format!("/portal/r/{id}")),
        ],
    );
    portal_page(ctx, status, &page, body, &[CLEAR_FLASH])
}

async fn entry_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let notes = take_flash(&headers, &who.account.name);
    let draft = Draft::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let checked = !draft.is_blank();
    entry_response(
        ctx,
        &state,
        &who,
        &id,
        EntryView {
            draft: &draft,
            notes: &notes,
            checked,
        },
        StatusCode::OK,
    )
}

/// The check alone, as an HTML fragment: what `portal.js` shows as the operator types.
async fn entry_check(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let tr = ctx.tr();
    let fragment = |status: StatusCode, m: Markup| {
        let mut res = super::html(ctx, status, m);
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    };
    let who = match auth::signed_in(&state, &headers).await {
        Ok(Some(w)) => w,
        _ => {
            return fragment(
                StatusCode::UNAUTHORIZED,
                html! { div.check.bad { p { (tr.t("portal-session-expired")) } } },
            );
        }
    };
    let ledger = state.registrar.ledger();
    let rid = ContestId(id.clone());
    if ledger.referendum(&rid).is_err() {
        return fragment(
            StatusCode::NOT_FOUND,
            html! { div.check.bad { p { (tr.t("not-found-referendum")) } } },
        );
    }
    let draft = Draft::from_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let m = check_markup(ctx, &ledger, &who, &rid, &draft);
    drop(ledger);
    fragment(StatusCode::OK, m)
}

async fn enter(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if !form_token_ok(&who, field(&fields, FORM_TOKEN)) {
        return bad_form_token(ctx);
    }
    let tr = ctx.tr();
    let draft = Draft::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let rid = ContestId(id.clone());
    if field(&fields, "step") == Some("check") {
        return entry_response(
            ctx,
            &state,
            &who,
            &id,
            EntryView {
                draft: &draft,
                notes: &[],
                checked: true,
            },
            StatusCode::OK,
        );
    }
    // Recording: the numbers must parse and pass the control ratios; otherwise the form comes
    // back filled in, with the check saying what to fix (nothing was recorded).
    let protocol = match draft.protocol(&rid) {
        Ok(p) if protocol::check(&p.lines).accepted() => p,
        _ => {
            let note = Note {
                tone: Tone::Refused,
                text: tr.t("portal-enter-fix").into_owned(),
                detail: None,
            };
            return entry_response(
                ctx,
                &state,
                &who,
                &id,
                EntryView {
                    draft: &draft,
                    notes: &[note],
                    checked: true,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let precinct = protocol.precinct;
    let n = precinct.0.to_string();
    let action = Action::EnterProtocol { precinct };
    let detail = format!("enter the protocol of precinct {precinct} of {id} from paper (portal)");
    let refused_text = tr
        .a("portal-enter-refused", &[("n", Arg::S(n.clone()))])
        .into_owned();
    if let Err(p) = auth::authorize(&state, &who, &action, &detail).await {
        let note = refused(refused_text, &p);
        return entry_response(
            ctx,
            &state,
            &who,
            &id,
            EntryView {
                draft: &draft,
                notes: &[note],
                checked: true,
            },
            StatusCode::FORBIDDEN,
        );
    }
    let before = state.registrar.ledger().head().map_or(0, |(s, _)| s);
    let author = who.author();
    let reg = state.registrar.clone();
    let result = tokio::spawn(async move { reg.submit_entered(protocol, author).await })
        .await
        .map_err(|e| {
            Problem::unavailable(format!("the write was interrupted ({e}); send it again"))
        })
        .and_then(|r| r.map_err(Problem::from))
        .and_then(|r| r.map_err(Problem::from));
    auth::audit(&state, &who, action, &detail, result.as_ref().map(drop)).await;
    match result {
        Ok(receipt) => {
            let args = [("n", Arg::S(n)), ("seq", Arg::S(receipt.seq.to_string()))];
            let (tone, key) = match receipt.status {
                _ if receipt.seq <= before => (Tone::Done, "portal-entered-known"),
                ReceiptStatus::Conflict => (Tone::Held, "portal-entered-conflict"),
                _ => (Tone::Done, "portal-entered"),
            };
            let note = Note {
                tone,
                text: tr.a(key, &args).into_owned(),
                detail: None,
            };
            after_write(&who, &format!("/portal/r/{id}/enter"), vec![note])
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let notes = [refused(refused_text, &p)];
            let view = EntryView {
                draft: &draft,
                notes: &notes,
                checked: true,
            };
            entry_response(ctx, &state, &who, &id, view, status)
        }
    }
}
