//! The one check in front of every form that writes, for operators (the portal) and citizens
//! (the consultation) alike: [`FormWrite`], an extractor that lets a handler run only when
//!
//! 1. the request comes from a page of this server: its `Origin` — or, when a browser sent
//!    none, its `Referer` — names this server's origin (the configured public URL, else the
//!    address the request was sent to);
//! 2. it carries a live session (the operator's or the citizen's, [`FormSession`]);
//! 3. the form carries that session's form token, compared in constant time.
//!
//! A request failing a check gets the page its kind of session shows for it (sign in again,
//! the form expired, another site) and nothing is written.

use std::future::Future;

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::ctx::Ctx;
use crate::AppState;
use crate::problem::Problem;

/// Why a form was refused before anything in it was used.
#[derive(Debug, Clone)]
pub(crate) enum Refusal {
    /// This server does not serve what the form is for (no consultation).
    NotServed,
    /// No session.
    NotSignedIn,
    /// A session that no longer works (expired, signed out elsewhere, account disabled).
    Expired,
    /// The form token is missing or is not this session's.
    Token,
    /// The form was sent from a page of another site.
    CrossSite,
    /// The body is not this form.
    Body(Problem),
}

/// A kind of session whose forms write.
pub(crate) trait FormSession: Sized + Send {
    /// The form field carrying the session's form token.
    const TOKEN_FIELD: &'static str;

    /// The session of this request.
    fn open(
        state: &AppState,
        headers: &HeaderMap,
    ) -> impl Future<Output = Result<Self, Refusal>> + Send;

    /// The token every form of this session carries.
    fn form_token(&self) -> String;

    /// The answer to a form refused for `why`.
    fn refused(state: &AppState, ctx: Ctx, why: &Refusal) -> Response;
}

/// The body of a form that writes: where its token is.
pub(crate) trait FormBody: Sized + Send {
    /// Reads the body; `Err` says why it is not this form.
    fn read(req: Request, state: &AppState) -> impl Future<Output = Result<Self, Problem>> + Send;

    /// The value of field `name`, if the form has it.
    fn field(&self, name: &str) -> Option<&str>;
}

/// The fields of a form sent as `application/x-www-form-urlencoded`, in their order.
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    /// The first value of field `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of field `name`, or empty.
    pub(crate) fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// Every field, in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl FormBody for Fields {
    async fn read(req: Request, state: &AppState) -> Result<Self, Problem> {
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(fields)) => Ok(Fields(fields)),
            Err(r) => Err(Problem::new(r.status(), "bad-request", r.body_text())),
        }
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// A form that passed the checks: who sent it, its body, and the request's language.
pub(crate) struct FormWrite<S, B = Fields> {
    /// The session that sent it.
    pub who: S,
    /// The form.
    pub body: B,
    /// The language of the answer.
    pub ctx: Ctx,
}

/// A refused form: why, and the page that says so.
pub(crate) struct Refused {
    /// Why.
    pub why: Refusal,
    response: Response,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        self.response
    }
}

impl<S: FormSession, B: FormBody> FromRequest<AppState> for FormWrite<S, B> {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Refused> {
        let (parts, body) = req.into_parts();
        let ctx = Ctx::of(&parts);
        let refuse = |why: Refusal| Refused {
            response: S::refused(state, ctx, &why),
            why,
        };
        if !same_origin(state, &parts.headers) {
            return Err(refuse(Refusal::CrossSite));
        }
        let who = S::open(state, &parts.headers).await.map_err(refuse)?;
        let body = B::read(Request::from_parts(parts, body), state)
            .await
            .map_err(|p| refuse(Refusal::Body(p)))?;
        let given = body.field(S::TOKEN_FIELD).unwrap_or("").trim();
        if !bool::from(given.as_bytes().ct_eq(who.form_token().as_bytes())) {
            return Err(refuse(Refusal::Token));
        }
        Ok(FormWrite { who, body, ctx })
    }
}

/// This server's origin when it is configured (`--public-url`): behind a proxy the `Host` a
/// request arrives with may be an internal name.
fn configured_origin(state: &AppState) -> Option<&str> {
    state
        .consult
        .as_deref()
        .filter(|c| c.origin_configured())
        .map(|c| c.origin())
}

/// Whether a request that writes was sent from a page of this server: the origin its `Origin`
/// header names — or its `Referer`'s, when a browser sent no `Origin` (or `null`) — is this
/// server's. A request with neither header was not sent by a browser from another site's
/// page, and is let through to the session and token checks.
pub(crate) fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let sent = text(header::ORIGIN)
        .filter(|o| *o != "null")
        .map(str::to_owned)
        .or_else(|| text(header::REFERER).map(origin_of));
    let Some(sent) = sent else {
        return true;
    };
    match configured_origin(state) {
        Some(own) => sent == own,
        // The origin the browser used is the scheme and the `Host` it sent the request to.
        None => text(header::HOST).is_some_and(|host| {
            ["http://", "https://"]
                .iter()
                .any(|scheme| sent.strip_prefix(scheme) == Some(host))
        }),
    }
}

/// The origin (`scheme://host[:port]`) of a URL, as a browser writes it in `Origin`; `null`
/// for one that is not a URL with a host.
fn origin_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| "null".to_owned(), |u| u.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referer_gives_its_origin() {
        assert_eq!(
            origin_of("https://consult.example.kz/consult/propose?x=1"),
            "https://consult.example.kz"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(
            origin_of("http://127.0.0.1:8080#top"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin_of("not a url"), "null");
        assert_eq!(origin_of("http://127.0.0.1:80/x"), "http://127.0.0.1");
    }
}
