//! The public consultation's pages (`/consult`, `docs/consultation.md`). Every page works
//! without JavaScript.
//!
//! - `text.rs` — the act's text and the consultation's records in words;
//! - `frame.rs` — the frame with the citizen's account bar, message and refusal pages;
//! - `overview.rs` — the first page: versions, changes, figures, the commission;
//! - `act.rs` — a version's structure, an article with its history, proposals and decisions,
//!   the comparison of two versions;
//! - `proposals.rs` — the list with search, one proposal with its timeline;
//! - `commission.rs` — the commission, its meetings, recorded votes and minutes;
//! - `forms.rs` — propose, support, withdraw, moderate;
//! - `signin.rs` — signing in through the identity provider, and out.

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

mod act;
mod commission;
pub(crate) mod forms;
pub(crate) mod frame;
mod overview;
mod proposals;
mod signin;
pub(crate) mod text;

/// The consultation's pages and forms (`/consult/…`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consult", get(overview::overview))
        .route("/consult/act", get(act::act))
        .route("/consult/article/{eid}", get(act::article))
        .route("/consult/compare", get(act::compare))
        .route("/consult/proposals", get(proposals::proposals))
        .route("/consult/proposals/{id}", get(proposals::proposal))
        .route("/consult/proposals/{id}/support", post(forms::support))
        .route("/consult/proposals/{id}/withdraw", post(forms::withdraw))
        .route("/consult/proposals/{id}/moderate", post(forms::moderate))
        .route(
            "/consult/propose",
            get(forms::propose_page).post(forms::propose),
        )
        .route("/consult/moderation", get(forms::moderation))
        .route("/consult/meetings", get(commission::meetings))
        .route("/consult/meetings/{n}", get(commission::meeting))
        .route(
            "/consult/meetings/{n}/minutes.md",
            get(commission::minutes_md),
        )
        .route("/consult/signin", get(signin::start))
        .route("/consult/signin/callback", get(signin::callback))
        .route("/consult/signout", post(signin::signout))
}
