//! Signing in with a name and password, and signing out.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::frame::{page_frame, portal_page, problem_page};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::web::ctx::{Ctx, see_other};
use crate::web::form::{self, FormSession, FormWrite, Refusal};

/// The sign-in page with `status`, the name as typed, and a note above the form.
fn sign_in_form(ctx: Ctx, status: StatusCode, name: &str, note: Option<Markup>) -> Response {
    let page = page_frame(
        ctx.tr().t("portal-sign-in-title").into_owned(),
        "/portal/sign-in".into(),
        vec![],
    );
    portal_page(ctx, status, &page, sign_in_markup(ctx, name, note), &[])
}

pub(super) fn sign_in_markup(ctx: Ctx, name: &str, error: Option<Markup>) -> Markup {
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

pub(super) async fn sign_in_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Ok(Some(_)) = auth::signed_in(&state, &headers).await {
        return see_other("/portal", &[]);
    }
    let tr = ctx.tr();
    let expired = crate::web::query::query_param(q.as_deref(), "expired").is_some();
    let signed_out = crate::web::query::query_param(q.as_deref(), "signed-out").is_some();
    let note = if expired {
        Some(html! { div.note.refused role="alert" { p { (tr.t("portal-session-expired")) } } })
    } else if signed_out {
        Some(html! { div.note.done role="status" { p { (tr.t("portal-signed-out")) } } })
    } else {
        None
    };
    sign_in_form(ctx, StatusCode::OK, "", note)
}

/// `POST /portal/sign-in`: the only portal form without a session; its origin is checked
/// like every other's, so another site cannot sign a browser in to an account of its choosing.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    client: crate::limits::ClientAddress,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    if !form::same_origin(&state, &headers) {
        return SignedIn::refused(&state, ctx, &Refusal::CrossSite);
    }
    let tr = ctx.tr();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let name = field("name").trim().to_owned();
    let password = zeroize::Zeroizing::new(field("password").to_owned());
    match auth::check_password_and_open_session(&state, &name, &password, &client).await {
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
            sign_in_form(ctx, status, &name, Some(error))
        }
    }
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    FormWrite { who, ctx, .. }: FormWrite<SignedIn>,
) -> Response {
    match auth::end_session(&state, &who).await {
        Ok(_) => see_other(
            "/portal/sign-in?signed-out=1",
            &[auth::session_cookie(&state, None, 0)],
        ),
        Err(p) => problem_page(ctx, &p),
    }
}
