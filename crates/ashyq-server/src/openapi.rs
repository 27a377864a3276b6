//! The OpenAPI 3.1 description, generated from the handlers' annotations and the core types'
//! schemas (never written by hand), and a browsable page rendered from it.
//!
//! The page is rendered here rather than by Swagger UI or Scalar: those load their scripts from
//! a CDN or download them at build time, and ashyq serves every asset itself.

use std::fmt::Write as _;

use axum::response::Html;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};

/// The fixed part of the document; paths and schemas are added by the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ashyq API",
        description = "Open, verifiable results of a constitutional referendum and of party-list elections. Every number can be re-derived from the event log (`GET /api/v1/log`) with `ashyq verify`. Errors are RFC 9457 problem documents.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    // Reached only through generic types, whose parameters utoipa does not follow, and the
    // problem document, which `complete` gives every error answer.
    components(schemas(
        ashyq_core::protocol::PrecinctProtocol,
        ashyq_core::signed::ProtocolStatement,
        ashyq_core::signed::PresidentialStatement,
        crate::problem::Problem
    )),
    tags(
        (name = "results", description = "Referendum results at every level, precinct protocols and their history, live progress"),
        (name = "elections", description = "Party-list elections: the count, the seats, the deputies"),
        (name = "president", description = "The presidential election: candidates with their registration record, each round's result and outcome, the precincts' protocols, the second round"),
        (name = "log", description = "The append-only, hash-chained event log and its transparency tree (RFC 9162): signed tree heads, inclusion and consistency proofs"),
        (name = "protocols", description = "Signed protocols from precinct commissions; operators' amendments, dismissals and certification; what needs review"),
        (name = "keys", description = "Commission keys: registration, rotation and revocation down the commission hierarchy"),
        (name = "operators", description = "Signing in, API tokens, operator accounts and the audit trail"),
        (name = "kurultai", description = "The Kurultai at work: the secretariat's steps, and the house as open data (Popolo JSON, every vote as CSV)"),
        (name = "audits", description = "Risk-limiting audits of the paper count: each audit's status and report (JSON, CSV), and the audit boards' entries"),
        (name = "consultation", description = "The public consultation: versions of the act and their comparison, citizens' proposals, the Constitutional Commission's meetings, votes and decisions"),
    )
)]
pub struct ApiDoc;

/// The operation id of `POST /api/v1/session` (the handler's name).
const SIGN_IN: &str = "sign_in";

/// Adds what every operation shares and the handlers' annotations leave out: the problem
/// document as the content of every error answer they name, the problem
/// answers the framework itself gives — 400 for a malformed path, query or JSON body, 413 for
/// a body over the limit, 415 for a body that is not `application/json`, 422 for JSON of the
/// wrong shape, 429 over the rate limit, 503 when a write could not be stored — and the bearer
/// token scheme on the operations that answer 401. Done on the generated document, so the
/// description stays a function of the code.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::{
        ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |text: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(text)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    crate::api_schema::merge_flattened(doc);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("ashyq_ + 64 hex digits (an API or session token)")
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "The session cookie a browser gets from signing in (HttpOnly, SameSite=Strict)",
        ))),
    );
    for item in doc.paths.paths.values_mut() {
        let ops = [
            (false, item.get.as_mut()),
            (true, item.post.as_mut()),
            (true, item.put.as_mut()),
            (true, item.patch.as_mut()),
            (true, item.delete.as_mut()),
        ];
        for (write, op) in ops {
            let Some(op) = op else { continue };
            let r = &mut op.responses.responses;
            // Every error answer is a problem document: the annotations give only its status
            // and what it means.
            for (code, response) in r.iter_mut() {
                if let RefOr::T(response) = response
                    && response.content.is_empty()
                    && code.starts_with(['4', '5'])
                {
                    *response = match problem(&response.description) {
                        RefOr::T(p) => p,
                        RefOr::Ref(_) => continue,
                    };
                }
            }
            let mut add = |code: &str, text: &str| {
                r.entry(code.to_owned()).or_insert_with(|| problem(text));
            };
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if has_params || op.request_body.is_some() {
                add(
                    "400",
                    "A malformed path, query or body; the detail says which part and how to fix it",
                );
            }
            if op.request_body.is_some() {
                add("413", "The body is larger than the server accepts");
                add("415", "The body is not sent as application/json");
                add(
                    "422",
                    "The JSON does not have the expected fields and types, or the rules refuse it",
                );
            }
            add(
                "429",
                "Too many requests from this client; retry after the Retry-After seconds",
            );
            if write {
                add(
                    "503",
                    "The database failed; nothing was recorded and the request may be sent again",
                );
            }
            // An operation that answers 401 needs an operator's token or session — except
            // signing in, which answers 401 to a wrong password and needs neither. The role
            // each one needs is in its description (`ashyq_core::operator::permits`).
            if r.contains_key("401") && op.operation_id.as_deref() != Some(SIGN_IN) {
                op.security = Some(vec![
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                    SecurityRequirement::new("session", Vec::<String>::new()),
                ]);
            }
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn operation_html(out: &mut String, method: &str, path: &str, op: &Operation) {
    let _ = write!(
        out,
        "<section class=\"op\"><h3><span class=\"m\">{}</span> <code>{}</code></h3>",
        method.to_uppercase(),
        esc(path)
    );
    if let Some(s) = &op.summary {
        let _ = write!(out, "<p>{}</p>", esc(s));
    }
    if let Some(d) = &op.description {
        let _ = write!(out, "<p>{}</p>", esc(d));
    }
    if let Some(params) = &op.parameters
        && !params.is_empty()
    {
        out.push_str("<table><tr><th>parameter</th><th>in</th><th>description</th></tr>");
        for p in params.iter().filter_map(|p| match p {
            utoipa::openapi::RefOr::T(p) => Some(p),
            utoipa::openapi::RefOr::Ref(_) => None,
        }) {
            let place = match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query | ParameterIn::QueryString => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td></tr>",
                esc(&p.name),
                esc(p.description.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</table>");
    }
    out.push_str("<ul>");
    for (code, resp) in &op.responses.responses {
        let text = match resp {
            utoipa::openapi::RefOr::T(r) => r.description.clone(),
            utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
        };
        let _ = write!(out, "<li><b>{}</b> {}</li>", esc(code), esc(&text));
    }
    out.push_str("</ul>");
    if method == "get" && !path.contains('{') {
        let _ = write!(out, "<p><a href=\"{0}\">Open {0}</a></p>", esc(path));
    }
    out.push_str("</section>");
}

/// The browsable page: every path with its parameters and answers, and the problem kinds.
pub fn page(doc: &utoipa::openapi::OpenApi) -> Html<String> {
    // The stylesheet is an asset of the binary: the CSP allows no inline style.
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>ashyq API</title><link rel=\"stylesheet\" href=\"{}\"></head><body>",
        esc(&crate::web::assets::API_CSS.url())
    );
    let _ = write!(
        out,
        "<h1>{}</h1><p>{}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>",
        esc(&doc.info.title),
        esc(doc.info.description.as_deref().unwrap_or(""))
    );
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
        ] {
            if let Some(op) = op {
                operation_html(&mut out, method, path, op);
            }
        }
    }
    out.push_str(
        "<h2 id=\"problems\">Errors</h2><p>Every error is an RFC 9457 problem document (<code>application/problem+json</code>) with <code>type</code>, <code>title</code>, <code>status</code> and a <code>detail</code> that says how to fix the request. Kinds:</p><ul>",
    );
    for (slug, text) in [
        ("not-found", "no such page"),
        ("unknown-referendum", "the referendum id is not defined"),
        ("unknown-election", "the election id is not defined"),
        ("unknown-precinct", "the precinct is not in the territory"),
        ("no-territory", "nothing is loaded yet"),
        ("bad-request", "a path or query parameter is malformed"),
        ("method-not-allowed", "the path does not take this method"),
        ("too-large", "the body exceeds the limit"),
        (
            "rate-limited",
            "too many requests from this client; retry after the Retry-After seconds",
        ),
        ("control-ratios", "the protocol breaks a control ratio"),
        ("refused", "the command is not allowed in the current state"),
        ("certified", "the result is certified and locked"),
        (
            "conflict",
            "a precinct that reported sent other numbers: recorded for review, not applied; the problem carries the log's signed receipt",
        ),
        ("voting-open", "a protocol arrived before the polls closed"),
        (
            "signature",
            "the signed document does not verify, or its key may not sign for that precinct at that time",
        ),
        (
            "signing-time",
            "the document was signed before the polls closed or later than it arrived",
        ),
        (
            "key",
            "a key registration, rotation or revocation is refused by the key rules",
        ),
        (
            "unauthorized",
            "the request needs a signed-in operator or a valid API token",
        ),
        (
            "forbidden",
            "the operator's role or territory does not allow this write",
        ),
        ("exists", "an account with that name exists"),
        (
            "unavailable",
            "the database failed; nothing was recorded and the request may be sent again",
        ),
        (
            "server-error",
            "a fault of the server, never of the request",
        ),
    ] {
        let _ = write!(
            out,
            "<li id=\"problem-{slug}\"><code>{slug}</code>: {text}</li>"
        );
    }
    out.push_str("</ul></body></html>");
    Html(out)
}
