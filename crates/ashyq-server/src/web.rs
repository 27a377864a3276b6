//! The public web pages: server-rendered HTML (maud) in Kazakh, Russian and English, with a
//! small script that keeps the national and region pages live from the event stream. Every
//! page works without JavaScript; every asset (CSS, JS) is compiled into the binary and served
//! with a long-lived cache header under a name that changes with its content.
//!
//! - `format.rs` — numbers, percentages and dates per language.
//! - `i18n.rs` — the Fluent messages (`i18n/{kk,ru,en}/web.ftl`) and the language choice.
//! - `layout.rs` — the frame of every page: header, language switch, footer, error pages.
//! - `referendum.rs` — national result, region, district, precinct.
//! - `cartogram.rs` — the tile cartogram of the regions.
//! - `election.rs` — an election's votes, seats and deputies; the what-if page.
//! - `static_pages.rs` — downloads and "check it yourself".
//! - `portal.rs` — the commission portal for signed-in operators (`/portal`).
//! - `provenance.rs` — a protocol's signature, operator entry and the log's receipt.

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

pub mod cartogram;
pub mod consult;
pub mod consult_forms;
pub mod election;
pub mod format;
pub mod i18n;
pub mod layout;
pub mod portal;
pub mod provenance;
pub mod referendum;
pub mod static_pages;

use i18n::{Lang, Tr};

/// The routes of the web pages (`/` and everything not under `/api`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(referendum::home))
        .route("/r/{id}", get(referendum::national))
        .route("/r/{id}/region/{code}", get(referendum::region))
        .route("/r/{id}/district/{district}", get(referendum::district))
        .route("/r/{id}/precinct/{number}", get(referendum::precinct))
        .route("/e/{id}", get(election::election))
        .route("/e/{id}/what-if", get(election::what_if))
        .route("/downloads", get(static_pages::downloads))
        .route("/verify", get(static_pages::verify))
        .route("/assets/{name}", get(asset))
        .merge(consult_routes())
        .merge(portal::routes())
}

/// The consultation's pages and forms (`/consult/…`).
fn consult_routes() -> Router<AppState> {
    use axum::routing::post;
    Router::new()
        .route("/consult", get(consult::overview))
        .route("/consult/act", get(consult::act))
        .route("/consult/article/{eid}", get(consult::article))
        .route("/consult/compare", get(consult::compare))
        .route("/consult/proposals", get(consult::proposals))
        .route("/consult/proposals/{id}", get(consult::proposal))
        .route(
            "/consult/proposals/{id}/support",
            post(consult_forms::support),
        )
        .route(
            "/consult/proposals/{id}/withdraw",
            post(consult_forms::withdraw),
        )
        .route(
            "/consult/proposals/{id}/moderate",
            post(consult_forms::moderate),
        )
        .route(
            "/consult/propose",
            get(consult_forms::propose_page).post(consult_forms::propose),
        )
        .route("/consult/moderation", get(consult_forms::moderation))
        .route("/consult/meetings", get(consult::meetings))
        .route("/consult/meetings/{n}", get(consult::meeting))
        .route("/consult/meetings/{n}/minutes.md", get(consult::minutes_md))
        .route("/consult/signin", get(crate::signin::start))
        .route("/consult/signin/callback", get(crate::signin::callback))
        .route("/consult/signout", post(crate::signin::signout))
}

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
        let cookie = || {
            parts
                .headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|c| c.trim().strip_prefix("lang="))
                .find_map(Lang::parse)
        };
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

/// An asset compiled into the binary.
pub struct Asset {
    /// Its name under `/assets/`.
    pub name: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

/// The stylesheet.
pub const STYLE: Asset = Asset {
    name: "style.css",
    content_type: "text/css; charset=utf-8",
    body: include_bytes!("../assets/style.css"),
};

/// The script that keeps the result pages live.
pub const LIVE_JS: Asset = Asset {
    name: "live.js",
    content_type: "text/javascript; charset=utf-8",
    body: include_bytes!("../assets/live.js"),
};

const ASSETS: [Asset; 4] = [STYLE, LIVE_JS, portal::PORTAL_CSS, portal::PORTAL_JS];

/// FNV-1a over the bytes: the version in an asset's URL, so a new binary's asset is a new URL
/// and the old one can be cached for a year.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

impl Asset {
    /// Its URL, with the content's hash as the version.
    pub fn url(&self) -> String {
        format!("/assets/{}?v={:016x}", self.name, fnv1a(self.body))
    }
}

async fn asset(ctx: Ctx, Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            a.body,
        )
            .into_response(),
        None => layout::not_found(ctx, None),
    }
}

/// The answer for a path nothing serves: an HTML page for the web, a problem document under
/// `/api`.
pub async fn fallback(ctx: Ctx, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api") {
        crate::problem::Problem::not_found("no such page; see /api/v1/docs for what is served")
            .into_response()
    } else {
        layout::not_found(ctx, None)
    }
}
