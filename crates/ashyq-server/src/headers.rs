//! The security headers of every answer — pages, API documents, errors, assets, the portal —
//! set by one layer around the whole router (OWASP ASVS 4.0.3 V14.4, V8.2.1; see
//! `docs/security.md`).
//!
//! - `Content-Security-Policy`: scripts and stylesheets only from this server's own
//!   `/assets/` (compiled into the binary), no inline script or style, no `eval`, no plugin,
//!   nothing framed and never framed itself (`frame-ancestors 'none'`); forms post only here.
//!   No page is meant to be embedded, so there is no exception.
//! - `X-Frame-Options: DENY` for browsers that predate `frame-ancestors`.
//! - `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.
//! - `Strict-Transport-Security` when the server is reached over HTTPS (`--secure-cookies`,
//!   or a public `https://` URL).
//! - `Cache-Control: no-store` on every answer to a request that carries credentials (the
//!   operator's or citizen's session cookie, a sign-in in progress, a bearer token) and on
//!   everything under `/portal` and `/dev-idp`, so no shared or browser cache keeps what one
//!   person saw. Only the content-addressed assets keep their year-long cache header.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::cookies::cookie;

/// The policy of every answer. `img-src data:` is for the empty favicon (`data:,`) only; the
/// charts are inline SVG with presentation attributes, which CSP does not treat as style.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `Strict-Transport-Security` when served over HTTPS: one year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// What the layer needs to know about the deployment.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    /// Whether clients reach the server over HTTPS (then HSTS is sent).
    pub https: bool,
}

impl SecurityHeaders {
    /// The headers for `config`: HTTPS when the session cookie is `Secure` or the public URL
    /// of the consultation is an `https://` one.
    pub fn of(config: &crate::ServerConfig) -> Self {
        let https_url = config
            .consult
            .as_ref()
            .is_some_and(|c| c.origin_configured() && c.origin().starts_with("https://"));
        SecurityHeaders {
            https: config.secure_cookies || https_url,
        }
    }
}

/// The cookies that carry a person's credentials or a sign-in in progress.
const CREDENTIAL_COOKIES: [&str; 3] = [
    crate::auth::SESSION_COOKIE,
    crate::signin::FLOW_COOKIE,
    // The portal's notes between a form and the page after it (`web/portal/flash.rs`).
    "ashyq_flash",
];

/// Whether the request speaks for someone: a bearer token or a session cookie.
fn carries_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        || CREDENTIAL_COOKIES
            .iter()
            .any(|name| cookie(headers, name).is_some())
}

/// Paths whose answers are always one person's (sign-in forms with their tokens included).
fn personal_path(path: &str) -> bool {
    ["/portal", "/dev-idp", "/consult/signin", "/api/v1/session"]
        .iter()
        .any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// The middleware: runs the request, then sets the headers on whatever answered it.
pub async fn security_headers(
    State(policy): State<SecurityHeaders>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let personal = carries_credentials(req.headers()) || personal_path(&path);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    if policy.https {
        set(h, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if personal && !path.starts_with("/assets/") {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_a_bearer_token_or_a_session_cookie() {
        let mut h = HeaderMap::new();
        assert!(!carries_credentials(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("lang=kk"));
        assert!(!carries_credentials(&h), "the language is no credential");
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=kk; ashyq_session=ashyq_00"),
        );
        assert!(carries_credentials(&h));
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(carries_credentials(&h));
    }

    #[test]
    fn the_portal_and_sign_in_paths_are_personal_and_nothing_that_merely_starts_alike() {
        for p in [
            "/portal",
            "/portal/entry",
            "/dev-idp/authorize",
            "/api/v1/session",
        ] {
            assert!(personal_path(p), "{p}");
        }
        for p in [
            "/",
            "/portals",
            "/r/kz-2026",
            "/api/v1/sessions",
            "/assets/style.css",
        ] {
            assert!(!personal_path(p), "{p}");
        }
    }
}
