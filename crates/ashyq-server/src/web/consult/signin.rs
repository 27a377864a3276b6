//! The citizen's way in and out: `GET /consult/signin` sends the browser to the identity
//! provider, `GET /consult/signin/callback` takes it back (the relying party of
//! `crate::signin` checks the answer and opens the session), `POST /consult/signout` ends it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{Served, message_page};
use crate::AppState;
use crate::consult::ConsultService;
use crate::cookies::cookie as read_cookie;
use crate::signin::{
    CALLBACK_PATH, FLOW_COOKIE, FLOW_TTL, IdentityProvider, SESSION_COOKIE, Session, SignInError,
    cookie, percent_encode, safe_return,
};
use crate::web::ctx::{Ctx, see_other};
use crate::web::form::{FormWrite, Refusal, Refused};

fn failed(ctx: Ctx, status: StatusCode, e: &SignInError) -> Response {
    tracing::warn!(error = %e, "sign-in failed");
    let tr = ctx.tr();
    message_page(
        ctx,
        status,
        &tr.t("signin-failed"),
        &format!("{} {e}.", tr.t("signin-failed-body")),
    )
}

/// The consultation and the provider its citizens sign in with; without one, the page that
/// says none is configured.
pub(super) struct SignInWith {
    svc: Arc<ConsultService>,
    provider: IdentityProvider,
}

impl FromRequestParts<AppState> for SignInWith {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<SignInWith, Response> {
        let Served(svc) = Served::from_request_parts(parts, state).await?;
        match svc.provider() {
            Some(provider) => Ok(SignInWith { svc, provider }),
            None => Err(failed(
                Ctx::of(parts),
                StatusCode::SERVICE_UNAVAILABLE,
                &SignInError::NotConfigured,
            )),
        }
    }
}

/// `GET /consult/signin?return=PATH`: sends the browser to the identity provider.
pub(super) async fn start(
    SignInWith { svc, provider }: SignInWith,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let return_to = safe_return(q.get("return").map(String::as_str));
    // The flow cookie must be set on the host the provider sends the browser back to: a
    // browser that came by another name for the listening address (localhost for 127.0.0.1)
    // starts again there. A configured public URL is trusted as it is (behind a proxy the
    // Host header may be an internal name).
    let origin = svc.origin();
    let host = origin.split("://").nth(1).unwrap_or("");
    if !svc.origin_configured()
        && let Some(h) = headers.get(header::HOST).and_then(|v| v.to_str().ok())
        && h != host
    {
        let q = format!("return={}", percent_encode(&return_to));
        return see_other(&format!("{origin}/consult/signin?{q}"), &[]);
    }
    let callback = format!("{origin}{CALLBACK_PATH}");
    match svc.signin.begin(&provider, &callback, return_to).await {
        Ok((url, flow)) => {
            let mut res = see_other(&url, &[]);
            res.headers_mut().append(
                header::SET_COOKIE,
                cookie(
                    FLOW_COOKIE,
                    &flow,
                    Some(FLOW_TTL.as_secs()),
                    svc.secure_cookies(),
                ),
            );
            res
        }
        Err(e) => failed(ctx, StatusCode::BAD_GATEWAY, &e),
    }
}

/// `GET /consult/signin/callback?code=…&state=…`: the provider sends the browser back here.
pub(super) async fn callback(
    SignInWith { svc, provider }: SignInWith,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let tr = ctx.tr();
    if let Some(error) = q.get("error") {
        // RFC 6749 §4.1.2.1: the person cancelled or the provider refused.
        let error: String = error
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        return message_page(
            ctx,
            StatusCode::BAD_REQUEST,
            &tr.t("signin-failed"),
            &format!("{} ({error})", tr.t("signin-cancelled")),
        );
    }
    let (Some(code), Some(st), Some(flow)) = (
        q.get("code"),
        q.get("state"),
        read_cookie(&headers, FLOW_COOKIE),
    ) else {
        return failed(ctx, StatusCode::BAD_REQUEST, &SignInError::Expired);
    };
    let callback = format!("{}{CALLBACK_PATH}", svc.origin());
    let (issuer, subject, return_to) = match svc
        .signin
        .finish(&provider, &callback, flow, st, code)
        .await
    {
        Ok(x) => x,
        Err(e) => return failed(ctx, StatusCode::BAD_REQUEST, &e),
    };
    let citizen = svc.citizen(&issuer, &subject);
    let voter = svc.voter_digest(&provider, &subject);
    drop(subject);
    let development = provider.development;
    let id = match svc
        .signin
        .start_session(citizen.clone(), development, voter)
        .await
    {
        Ok(id) => id,
        Err(e) => return failed(ctx, StatusCode::SERVICE_UNAVAILABLE, &e),
    };
    tracing::info!(%citizen, development, "signed in");
    let secure = svc.secure_cookies();
    let mut res = see_other(&return_to, &[]);
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, &id, None, secure),
    );
    h.append(header::SET_COOKIE, cookie(FLOW_COOKIE, "", Some(0), secure));
    res
}

/// `POST /consult/signout`: ends the session (and forgets the cookie of one that has ended
/// already).
pub(super) async fn signout(
    Served(svc): Served,
    headers: HeaderMap,
    form: Result<FormWrite<Session>, Refused>,
) -> Response {
    match form {
        Ok(_) => {}
        Err(r) if matches!(r.why, Refusal::NotSignedIn) => {}
        Err(r) => return r.into_response(),
    }
    svc.signin.end_session(&headers).await;
    let mut res = see_other("/consult", &[]);
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, "", Some(0), svc.secure_cookies()),
    );
    res
}
