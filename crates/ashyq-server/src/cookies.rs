//! Reading the cookies of a request: the operator's and the citizen's sessions, the sign-in
//! in progress, the portal's notes and the language all come this way.

use axum::http::{HeaderMap, header};

/// The value of cookie `name` in the request, if any (the first one sent).
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}
