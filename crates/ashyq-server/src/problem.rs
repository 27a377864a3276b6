//! Errors as RFC 9457 problem details (`application/problem+json`), each with a `detail` that
//! says what was wrong and how to fix the request.

use ashyq_core::contest::ContestKind;
use ashyq_core::ledger::LedgerError;
use ashyq_core::protocol::Violation;
use ashyq_core::transparency::SignedReceipt;
use ashyq_store::registrar::RegistrarError;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What was wrong with this request and how to fix it.
    pub detail: String,
    /// For a protocol refused by the control ratios: each broken rule with its numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<Violation>>,
    /// For a protocol held as a conflict for review: the log's signed receipt of that record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Box<SignedReceipt>>,
    /// For 429: seconds to wait, sent as `Retry-After` (not part of the document).
    #[serde(skip)]
    pub retry_after: Option<std::num::NonZeroU32>,
}

impl Problem {
    /// A problem with `status`, named by a short slug (e.g. `unknown-referendum`) documented
    /// under `/api/v1/docs#problems`.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("/api/v1/docs#problem-{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            violations: None,
            receipt: None,
            retry_after: None,
        }
    }

    /// This problem with a `Retry-After` of `secs` seconds.
    pub fn retry_after(mut self, secs: u64) -> Self {
        let secs = u32::try_from(secs.max(1)).unwrap_or(u32::MAX);
        self.retry_after = std::num::NonZeroU32::new(secs);
        self
    }

    /// 401: the request needs a signed-in operator.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403: the operator's role may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 503: the store failed; the request may be sent again.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }

    /// 503 for a read or write of the store that failed: its reason, and to try again.
    pub fn store(e: impl std::fmt::Display) -> Self {
        Problem::unavailable(format!("{e}; try again in a moment"))
    }

    /// 404 with a detail.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 400 with a detail.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Parses a whole number from a path segment: not a number is a malformed request (400); a
/// number too large for any `what` there is simply not there (404).
pub(crate) fn path_number<T: std::str::FromStr>(what: &str, text: &str) -> Result<T, Problem> {
    let t = text.trim();
    t.parse().map_err(|_| {
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            Problem::not_found(format!("there is no {what} {t}; check the number"))
        } else {
            Problem::bad_request(format!(
                "{text:?} is not a {what} number; use a whole number such as 17"
            ))
        }
    })
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.get()));
        }
        res
    }
}

impl From<LedgerError> for Problem {
    fn from(e: LedgerError) -> Self {
        let (status, slug) = match &e {
            LedgerError::UnknownContest(u) => match u.kind {
                ContestKind::Referendum => (StatusCode::NOT_FOUND, "unknown-referendum"),
                ContestKind::PartyList | ContestKind::Presidential => {
                    (StatusCode::NOT_FOUND, "unknown-election")
                }
            },
            LedgerError::UnknownPrecinct(_) => (StatusCode::NOT_FOUND, "unknown-precinct"),
            LedgerError::NoTerritory => (StatusCode::NOT_FOUND, "no-territory"),
            LedgerError::Certified(_) => (StatusCode::CONFLICT, "certified"),
            LedgerError::VotingOpen { .. } => (StatusCode::CONFLICT, "voting-open"),
            LedgerError::Rejected { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "control-ratios"),
            LedgerError::Signed(_) => (StatusCode::UNPROCESSABLE_ENTITY, "signature"),
            LedgerError::SignedBeforeClose { .. } | LedgerError::SignedInFuture { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "signing-time")
            }
            LedgerError::Key(_) => (StatusCode::UNPROCESSABLE_ENTITY, "key"),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
        };
        let mut p = Problem::new(status, slug, e.to_string());
        if let LedgerError::Rejected { errors, .. } = e {
            p.violations = Some(errors);
        }
        p
    }
}

impl From<RegistrarError> for Problem {
    fn from(e: RegistrarError) -> Self {
        match e {
            RegistrarError::Refused(e) => e.into(),
            other => {
                tracing::error!("a write failed in the store: {other}");
                Problem::unavailable(format!(
                    "{other}. The server could not record it; nothing was changed: send the same request again in a moment"
                ))
            }
        }
    }
}

/// Turns every error answer that is not yet a problem document — axum's own rejections of a
/// malformed path, query or body, a wrong method, an over-long body — into one, keeping the
/// status and using the original text as the detail.
pub async fn problems_everywhere(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    // Problem documents, the web pages' own HTML error pages and the JSON errors a handler
    // writes on purpose (OAuth errors of the development provider, RFC 6749 §5.2) are left as
    // they are.
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(PROBLEM_JSON.as_bytes())
            || v.as_bytes().starts_with(b"text/html")
            || v.as_bytes().starts_with(b"application/json")
    });
    if is_problem {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let detail = match (status, text.trim()) {
        (StatusCode::METHOD_NOT_ALLOWED, _) => {
            "this method is not allowed here; see /api/v1/openapi.json for the methods of each path"
                .to_owned()
        }
        (StatusCode::PAYLOAD_TOO_LARGE, _) => {
            "the request body is larger than this server accepts; send one protocol per request"
                .to_owned()
        }
        (_, "") => format!(
            "{}; see /api/v1/docs for what each path takes",
            status.canonical_reason().unwrap_or("error")
        ),
        (_, t) => format!("{t}; see /api/v1/docs for what each path takes"),
    };
    let slug = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::TOO_MANY_REQUESTS => "rate-limited",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "media-type",
        s if s.is_server_error() => "server-error",
        _ => "bad-request",
    };
    let mut out = Problem::new(status, slug, detail).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}
