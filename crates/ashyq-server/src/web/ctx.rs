//! What a page knows of its request — its language — and the HTML answer made from it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::i18n::{Lang, Tr};

/// What a page needs to know about its request: the language, and whether it was chosen by
/// `?lang=` just now (then the answer sets the cookie that remembers it).
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The language of the page.
    pub lang: Lang,
    /// `Some` when `?lang=` chose it on this request.
    pub chosen: Option<Lang>,
}

impl Ctx {
    /// The translator.
    pub fn tr(self) -> Tr {
        Tr { lang: self.lang }
    }

    /// The language from `?lang=`, else the `lang` cookie, else `Accept-Language`, else Kazakh.
    pub fn of(parts: &Parts) -> Ctx {
        let chosen = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.strip_prefix("lang="))
                .find_map(Lang::parse)
        });
        let cookie = || crate::cookies::cookie(&parts.headers, "lang").and_then(Lang::parse);
        let accept = || {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        };
        let lang = chosen.or_else(cookie).or_else(accept).unwrap_or(Lang::Kk);
        Ctx { lang, chosen }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ctx::of(parts))
    }
}

/// An HTML answer: the status, the language cookie when `?lang=` chose one, and headers that
/// make caches revalidate (results change with every protocol) and key on the language.
pub fn html(ctx: Ctx, status: StatusCode, body: maud::Markup) -> Response {
    let mut res = (status, body.into_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(ctx.lang.code()),
    );
    if let Some(lang) = ctx.chosen {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.insert(header::SET_COOKIE, v);
        }
    }
    res
}

/// The same answer, never kept by a cache: it is one person's, or answers a form.
pub fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `303 See Other` to `location` — where a browser goes after a form or a step of a sign-in
/// — setting `cookies` (`Set-Cookie` values); never kept by a cache.
pub fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut res = no_store(StatusCode::SEE_OTHER.into_response());
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}
