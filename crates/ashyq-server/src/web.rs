//! The public web pages: server-rendered HTML (maud) in Kazakh, Russian and English, with a
//! small script that keeps the national and region pages live from the event stream. Every
//! page works without JavaScript; every asset (CSS, JS) is compiled into the binary and served
//! with a long-lived cache header under a name that changes with its content.
//!
//! The modules form layers; each imports only from those listed before it:
//!
//! - `i18n.rs` — the Fluent messages (`i18n/{kk,ru,en}/*.ftl`: `web.ftl` and one file per domain, gathered by `build.rs`) and the language choice.
//! - `format.rs` — numbers, percentages and dates per language.
//! - `ctx.rs` — the request's language (`Ctx`) and the HTML answer.
//! - `assets.rs` — the stylesheets and scripts.
//! - `layout.rs` — the frame of every page: header, language switch, footer, error pages.
//! - `form.rs` — the one check of every form that writes: session, form token, origin.
//! - `cartogram.rs`, `provenance.rs` — the tile cartogram; a protocol's signature, operator
//!   entry and the log's receipt.
//! - `referendum.rs`, `election.rs`, `president.rs`, `static_pages.rs` — the result pages,
//!   an election's votes and seats, a presidential round (outcome, map, regions, precincts,
//!   candidates), downloads and "check it yourself".
//! - `voter.rs` — a voter's own precinct (`/voter`) and the precinct search.
//! - `audit.rs` — the public pages of risk-limiting audits (`/audits`).
//! - `portal/` — the commission portal for signed-in operators (`/portal`).
//! - `consult/` — the public consultation (`/consult`).
//! - `kurultai/` — the Kurultai at work (`/kurultai`): the house, bills, roll calls, deputies,
//!   committees and their Atom feeds (it reuses `consult/`'s rendering of legal texts).
//!
//! This file only gathers their routes.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

pub mod assets;
pub mod audit;
pub mod cartogram;
pub mod consult;
pub mod ctx;
pub mod election;
pub(crate) mod form;
pub mod format;
pub mod i18n;
pub mod kurultai;
pub mod layout;
pub mod portal;
pub mod president;
pub mod provenance;
pub mod query;
pub mod referendum;
pub mod static_pages;
pub mod voter;

use ctx::Ctx;

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
        .route("/p/{id}", get(president::national))
        .route("/p/{id}/region/{code}", get(president::region))
        .route("/p/{id}/precinct/{number}", get(president::precinct))
        .route("/voter", get(voter::voter))
        .route("/audits", get(audit::list))
        .route("/audits/{id}", get(audit::audit))
        .route("/audits/{id}/{contest}", get(audit::contest))
        .route("/downloads", get(static_pages::downloads))
        .route("/downloads/{name}", get(crate::downloads::file))
        .route("/verify", get(static_pages::verify))
        .route("/assets/{name}", get(asset))
        .merge(consult::routes())
        .merge(kurultai::routes())
        .merge(portal::routes())
}

async fn asset(ctx: Ctx, Path(name): Path<String>) -> Response {
    match assets::named(&name) {
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
