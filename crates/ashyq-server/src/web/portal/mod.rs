//! The commission portal (`/portal`): server-rendered pages for signed-in operators.
//!
//! - `signin.rs` — sign-in and sign-out (`/portal/sign-in`, `/portal/sign-out`), the session
//!   cookie of `POST /api/v1/session`;
//! - `dashboard.rs` — the list of referendums and a dashboard per referendum
//!   (`/portal/r/{id}`), scoped to a territorial operator's territory (`scope.rs`): counts,
//!   precincts still missing, open conflicts side by side with the applied numbers, protocols
//!   with warnings, and certification for central operators;
//! - `review.rs` — accepting a conflict as an amendment or dismissing it, each with a reason,
//!   and certifying;
//! - `upload.rs` — the upload of signed protocol files (`/portal/r/{id}/upload`), with an
//!   outcome per file;
//! - `entry.rs` — the protocol entry form (`/portal/r/{id}/enter`, and a presidential round's
//!   at `/portal/p/{id}/enter`): the control ratios checked
//!   on the server (a "check" button, and live as the operator types with `portal.js`),
//!   recorded as an operator entry (`entered_by` in the log);
//! - `audit.rs` — the audit boards' entry of hand counts (`/portal/audits`), blind until two
//!   members agree or disagree;
//! - `frame.rs` — what every portal page shares: the frame, the operator line, the
//!   navigation, the refusal pages; `flash.rs` — the outcome of a write, shown once.
//!
//! Every page works without JavaScript. Every write is a `POST` form carrying the session's
//! form token (`web::form::FormWrite`) and is refused without it; it goes through
//! `writes::operator_write` — authorised, run on the write runtime, audited — exactly like the
//! JSON API, then answers `303 See Other` back to the page, which shows the
//! outcome once (a short-lived note kept in memory under a random id in the `ashyq_flash`
//! cookie). Observers see the dashboard read-only.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;

mod audit;
mod dashboard;
mod entry;
mod flash;
mod frame;
mod review;
mod scope;
mod signin;
mod upload;

pub use upload::UPLOAD_LIMIT;

/// The routes of the portal.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(dashboard::home))
        .route(
            "/portal/sign-in",
            get(signin::sign_in_page).post(signin::sign_in),
        )
        .route("/portal/sign-out", post(signin::sign_out))
        .route("/portal/r/{id}", get(dashboard::dashboard))
        .route("/portal/r/{id}/accept", post(review::accept))
        .route("/portal/r/{id}/dismiss", post(review::dismiss))
        .route("/portal/r/{id}/certify", post(review::certify))
        .route(
            "/portal/r/{id}/upload",
            get(upload::upload_page)
                .post(upload::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/portal/r/{id}/enter",
            get(entry::entry_page).post(entry::enter),
        )
        .route("/portal/r/{id}/enter/check", get(entry::entry_check))
        .route(
            "/portal/p/{id}/enter",
            get(entry::entry_page).post(entry::enter),
        )
        .route("/portal/p/{id}/enter/check", get(entry::entry_check))
        .route("/portal/audits", get(audit::audits_page))
        .route("/portal/audits/{id}", get(audit::audit_page))
        .route("/portal/audits/{id}/enter", post(audit::enter))
}
