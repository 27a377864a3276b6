//! What every consultation page shares: the frame with the citizen's account bar, the page
//! of one message, the refusal of a form, and the page of a server without a consultation.

use std::sync::Arc;

use ashyq_core::consult::ProposalId;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};

use crate::AppState;
use crate::consult::{ConsultService, parse_proposal_id};
use crate::signin::{Session, percent_encode};
use crate::web::ctx::{self, Ctx};
use crate::web::form::{FormSession, Refusal};
use crate::web::i18n::{Arg, Tr};
use crate::web::layout::{self, Page, Section};

pub(crate) fn service(state: &AppState) -> Option<&Arc<ConsultService>> {
    state.consult.as_ref()
}

/// The consultation this server serves, for a page's handler; a server without one answers
/// every consultation page with [`no_consultation`].
pub(crate) struct Served(pub Arc<ConsultService>);

impl FromRequestParts<AppState> for Served {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Served, Response> {
        service(state)
            .cloned()
            .map(Served)
            .ok_or_else(|| no_consultation(Ctx::of(parts)))
    }
}

/// The answer of every consultation page on a server without a consultation.
pub fn no_consultation(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("consult-none").into_owned()))
}

/// The answer for a proposal number that names no proposal.
pub(crate) fn no_proposal(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("consult-no-proposal").into_owned()))
}

/// The proposal a path names (`/consult/proposals/{id}/…`: `42` or `P-000042`); another path
/// answers [`no_proposal`].
pub(crate) struct ProposalPath(pub ProposalId);

impl FromRequestParts<AppState> for ProposalPath {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ProposalPath, Response> {
        let id = Path::<String>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|Path(id)| parse_proposal_id(&id));
        id.map(ProposalPath)
            .ok_or_else(|| no_proposal(Ctx::of(parts)))
    }
}

/// A page with a title and one paragraph, with `status`.
pub fn message_page(ctx: Ctx, status: StatusCode, title: &str, text: &str) -> Response {
    let page = Page::new(title.to_owned(), Section::Consultation, "/consult").crumbs(vec![(
        ctx.tr().t("consult-title").into_owned(),
        "/consult".into(),
    )]);
    let body = html! {
        h1 { (title) }
        p { (text) }
        p { a href="/consult" { (ctx.tr().t("consult-back")) } }
    };
    ctx::no_store(ctx::html(ctx, status, layout::document(ctx, &page, body)))
}

/// The page that refuses a form for `why`.
pub(crate) fn refusal_page(ctx: Ctx, why: &Refusal) -> Response {
    let tr = ctx.tr();
    let (status, title, text) = match why {
        Refusal::NotServed => return no_consultation(ctx),
        Refusal::NotSignedIn | Refusal::Expired => (
            StatusCode::UNAUTHORIZED,
            "consult-signin-needed",
            tr.t("consult-signin-expired"),
        ),
        Refusal::Token => (
            StatusCode::FORBIDDEN,
            "consult-form-refused",
            tr.t("consult-form-csrf"),
        ),
        Refusal::CrossSite => (
            StatusCode::FORBIDDEN,
            "consult-form-refused",
            tr.t("consult-form-cross-site"),
        ),
        Refusal::Body(p) => (
            StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST),
            "consult-form-refused",
            p.detail.clone().into(),
        ),
    };
    message_page(ctx, status, &tr.t(title), &text)
}

/// A citizen's forms: the session of the sign-in cookie, the token in field `csrf`.
impl FormSession for Session {
    const TOKEN_FIELD: &'static str = "csrf";

    async fn open(state: &AppState, headers: &HeaderMap) -> Result<Session, Refusal> {
        let svc = service(state).ok_or(Refusal::NotServed)?;
        svc.session(headers).await.ok_or(Refusal::NotSignedIn)
    }

    fn form_token(&self) -> String {
        self.csrf.clone()
    }

    fn refused(_: &AppState, ctx: Ctx, why: &Refusal) -> Response {
        refusal_page(ctx, why)
    }
}

/// The frame of a consultation page: the signed-in bar above `body`, no caching of pages
/// made for one person.
pub(crate) fn consult_page(
    ctx: Ctx,
    svc: &ConsultService,
    session: Option<&Session>,
    page: &Page,
    body: Markup,
) -> Response {
    let full = html! {
        (account_bar(ctx, svc, session, &page.path))
        (body)
    };
    let mut res = layout::page(ctx, page, full);
    if session.is_some() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

pub(crate) fn account_bar(
    ctx: Ctx,
    svc: &ConsultService,
    session: Option<&Session>,
    path: &str,
) -> Markup {
    let tr = ctx.tr();
    html! {
        div.account {
            @if let Some(s) = session {
                p {
                    (tr.a("consult-signed-in-as", &[("who", Arg::S(s.citizen.to_string()))]))
                    @if s.development { " " strong.dev-tag { (tr.t("consult-test-identity")) } }
                }
                @if svc.is_moderator(&s.citizen) {
                    p { a href="/consult/moderation" { (tr.t("consult-moderation")) } }
                }
                form.inline method="post" action="/consult/signout" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    button.secondary type="submit" { (tr.t("consult-sign-out")) }
                }
            } @else if svc.provider().is_some() {
                p { (tr.t("consult-sign-in-why")) }
                p { a.button href=(format!("/consult/signin?return={}", percent_encode(path))) { (tr.t("consult-sign-in")) } }
            }
            @if svc.development() {
                p.dev-note { (tr.t("consult-dev-mode")) }
            }
        }
    }
}

pub(crate) fn crumbs(tr: Tr) -> Vec<(String, String)> {
    vec![(tr.t("consult-title").into_owned(), "/consult".into())]
}

pub(crate) fn page_of(
    title: String,
    path: String,
    keep_query: String,
    crumbs: Vec<(String, String)>,
) -> Page<'static> {
    Page::new(title, Section::Consultation, path)
        .crumbs(crumbs)
        .keeping(keep_query)
}
