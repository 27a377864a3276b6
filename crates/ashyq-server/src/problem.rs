//! Errors as RFC 9457 problem details (`application/problem+json`), each with a `detail` that
//! says what was wrong and how to fix the request.

use ashyq_core::ledger::LedgerError;
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
        }
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

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response()
    }
}

impl From<LedgerError> for Problem {
    fn from(e: LedgerError) -> Self {
        let (status, slug) = match &e {
            LedgerError::UnknownReferendum { .. } => (StatusCode::NOT_FOUND, "unknown-referendum"),
            LedgerError::UnknownElection { .. } => (StatusCode::NOT_FOUND, "unknown-election"),
            LedgerError::UnknownPrecinct(_) => (StatusCode::NOT_FOUND, "unknown-precinct"),
            LedgerError::NoTerritory => (StatusCode::NOT_FOUND, "no-territory"),
            LedgerError::Certified(_) => (StatusCode::CONFLICT, "certified"),
            LedgerError::Rejected { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "control-ratios"),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
        };
        Problem::new(status, slug, e.to_string())
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
