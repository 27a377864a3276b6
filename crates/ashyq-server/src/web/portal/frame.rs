//! What every portal page shares: the frame (the portal's stylesheet, never cached), the
//! signed-in operator's line and the portal's navigation, the redirect after a form, the pages
//! that refuse a form, and the words for protocol lines and broken control ratios.

use ashyq_core::contest::ContestId;
use ashyq_core::ledger::Ledger;
use ashyq_core::operator::{Role, TerritorialScope};
use ashyq_core::protocol::{self, BallotLines, Violation};
use ashyq_core::territory::Territory;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};

use super::flash::{Note, take_flash};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::problem::Problem;
use crate::web::assets::PORTAL_CSS;
use crate::web::ctx::{self, Ctx, see_other};
use crate::web::form::{FormSession, Refusal};
use crate::web::format::integer;
use crate::web::i18n::{Arg, Tr};
use crate::web::layout::{self, Page, Section};

/// The name of the form field carrying the form token.
pub(super) const FORM_TOKEN: &str = "form_token";

/// A portal page: never cached (it is one operator's view), with extra cookies.
pub(super) fn portal_page(
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
    let mut res = ctx::no_store(ctx::html(ctx, status, layout::document(ctx, page, body)));
    let h = res.headers_mut();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

pub(super) fn page_frame(
    title: String,
    path: String,
    crumbs: Vec<(String, String)>,
) -> Page<'static> {
    Page::new(title, Section::None, path).crumbs(crumbs)
}

/// The operator of the request, or the answer that sends them to sign in.
pub(super) async fn operator(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, Response> {
    SignedIn::open(state, headers)
        .await
        .map_err(|why| sign_in_again(state, &why))
}

/// The signed-in operator of a portal page, with the notes left for them by their last write;
/// a request without a working session is sent to sign in.
pub(super) struct Operator {
    /// Who.
    pub who: SignedIn,
    /// The outcome of their last write, shown once.
    pub notes: Vec<Note>,
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Operator, Response> {
        let who = operator(state, &parts.headers).await?;
        let notes = take_flash(state, &parts.headers, &who.account.name).await;
        Ok(Operator { who, notes })
    }
}

/// The referendum a portal page is about (`/portal/r/{id}/…`): its id, and its title in the
/// page's language; an unknown id answers [`no_referendum`].
pub(super) struct PortalReferendum {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
}

impl FromRequestParts<AppState> for PortalReferendum {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<PortalReferendum, Response> {
        let ctx = Ctx::of(parts);
        let Ok(Path(id)) = Path::<String>::from_request_parts(parts, state).await else {
            return Err(no_referendum(ctx));
        };
        let title = referendum_title(&state.registrar.ledger(), ctx, &id);
        match title {
            Some(title) => Ok(PortalReferendum { id, title }),
            None => Err(no_referendum(ctx)),
        }
    }
}

/// The frame of the portal page `heading` of referendum `id` (titled `title`), below the
/// portal and the referendum's dashboard.
pub(super) fn referendum_frame(
    tr: Tr,
    heading: &str,
    path: String,
    id: &str,
    title: String,
) -> Page<'static> {
    page_frame(
        tr.t(heading).into_owned(),
        path,
        vec![
            (tr.t("portal-title").into_owned(), "/portal".into()),
            (title, format!("/portal/r/{id}")),
        ],
    )
}

/// The way to the sign-in page, for a request without a working session.
fn sign_in_again(state: &AppState, why: &Refusal) -> Response {
    match why {
        // An expired or withdrawn session: forget the cookie and sign in again.
        Refusal::Expired => see_other(
            "/portal/sign-in?expired=1",
            &[auth::session_cookie(state, None, 0)],
        ),
        _ => see_other("/portal/sign-in", &[]),
    }
}

/// The page that refuses a form: its title and text, and the way back to the portal.
fn refused_form(ctx: Ctx, title: &str, text: &str) -> Response {
    let tr = ctx.tr();
    let page = page_frame(
        title.to_owned(),
        "/portal".into(),
        vec![(tr.t("portal-title").into_owned(), "/portal".into())],
    );
    let body = html! {
        h1 { (title) }
        p { (text) }
        p { a href="/portal" { (tr.t("portal-back")) } }
    };
    portal_page(ctx, StatusCode::FORBIDDEN, &page, body, &[])
}

/// An operator's forms: the session of the sign-in cookie (or an API token), the token in
/// field `form_token`.
impl FormSession for SignedIn {
    const TOKEN_FIELD: &'static str = FORM_TOKEN;

    async fn open(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, Refusal> {
        match auth::signed_in(state, headers).await {
            Ok(Some(who)) => Ok(who),
            Ok(None) => Err(Refusal::NotSignedIn),
            Err(_) => Err(Refusal::Expired),
        }
    }

    fn form_token(&self) -> String {
        SignedIn::form_token(self)
    }

    fn refused(state: &AppState, ctx: Ctx, why: &Refusal) -> Response {
        let tr = ctx.tr();
        match why {
            Refusal::NotSignedIn | Refusal::NotServed | Refusal::Expired => {
                sign_in_again(state, why)
            }
            Refusal::Token => refused_form(
                ctx,
                &tr.t("portal-form-expired-title"),
                &tr.t("portal-form-expired-body"),
            ),
            Refusal::CrossSite => refused_form(
                ctx,
                &tr.t("portal-form-expired-title"),
                &tr.t("portal-form-cross-site"),
            ),
            Refusal::Body(p) => problem_page(ctx, p),
        }
    }
}

pub(super) fn may_write(who: &SignedIn) -> bool {
    matches!(
        who.account.role,
        Role::CentralOperator | Role::TerritorialOperator { .. }
    )
}

pub(super) fn who_line(tr: Tr, who: &SignedIn, territory: Option<&Territory>) -> Markup {
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

pub(super) fn role_text(tr: Tr, role: &Role, territory: Option<&Territory>) -> String {
    match role {
        Role::CentralOperator => tr.t("portal-role-central").into_owned(),
        Role::Observer => tr.t("portal-role-observer").into_owned(),
        Role::KurultaiSecretariat => tr.t("portal-role-kurultai").into_owned(),
        Role::AuditBoard { region } => format!("{} {}", tr.t("portal-role-audit-board"), region.0),
        Role::TerritorialOperator { scope } => tr
            .a(
                "portal-role-territorial",
                &[("unit", Arg::S(unit_name(tr, scope, territory)))],
            )
            .into_owned(),
    }
}

/// A region's or district's name in the page's language, with its code.
pub(super) fn unit_name(tr: Tr, scope: &TerritorialScope, territory: Option<&Territory>) -> String {
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

/// A refusal that is not about one form (the store failed): its reason, and the way back.
pub(super) fn problem_page(ctx: Ctx, p: &Problem) -> Response {
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

/// The referendum's title in the page's language, if there is such a referendum.
pub(super) fn referendum_title(ledger: &Ledger, ctx: Ctx, id: &str) -> Option<String> {
    ledger
        .referendum(&ContestId(id.to_owned()))
        .ok()
        .map(|r| r.definition.title.get(ctx.lang.code()).to_owned())
}

pub(super) fn no_referendum(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("not-found-referendum").into_owned()))
}

pub(super) fn portal_nav(tr: Tr, id: &str, current: &str) -> Markup {
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

pub(super) use crate::web::i18n::line_label;

/// The message of a rule: KR-4 reads differently on a ballot of choice lines (candidates or
/// parties) than on the referendum's.
fn rule_key(rule: protocol::ControlRule) -> String {
    match rule {
        protocol::ControlRule::ListBallotsCounted => "rule-kr-4-list".into(),
        r => format!("rule-{}", r.code().to_ascii_lowercase()),
    }
}

pub(super) fn violation_markup(tr: Tr, v: &Violation, lines: &BallotLines) -> Markup {
    let code = v.rule.code();
    let lang = tr.lang;
    // The numbers: the errors' formulas (`1873 ≠ 1543 + 245 + 48 + 44 = 1880`) read the same
    // in every language; the two warnings are worded, so their numbers are put in words here.
    let numbers = match v.rule {
        protocol::ControlRule::FewerFoundThanIssued => tr
            .a(
                "rule-kw-1-numbers",
                &[
                    ("found", Arg::S(integer(lang, lines.ballots_found))),
                    ("issued", Arg::S(integer(lang, lines.ballots_issued))),
                    (
                        "missing",
                        Arg::S(integer(
                            lang,
                            lines.ballots_issued.saturating_sub(lines.ballots_found),
                        )),
                    ),
                ],
            )
            .into_owned(),
        protocol::ControlRule::EveryVoterTookPart => tr
            .a(
                "rule-kw-2-numbers",
                &[
                    ("issued", Arg::S(integer(lang, lines.ballots_issued))),
                    ("list", Arg::S(integer(lang, lines.voters_on_list))),
                ],
            )
            .into_owned(),
        _ => v.detail.clone(),
    };
    html! {
        p.violation {
            strong { (code) } " "
            (tr.t(&rule_key(v.rule)))
            " " span.numbers { "— " (numbers) }
        }
    }
}
