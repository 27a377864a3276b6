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
    // Reached only through generic types, whose parameters utoipa does not follow.
    components(schemas(ashyq_core::protocol::PrecinctProtocol)),
    tags(
        (name = "results", description = "Referendum results at every level, precinct protocols and their history, live progress"),
        (name = "elections", description = "Party-list elections: the count, the seats, the deputies"),
        (name = "log", description = "The append-only, hash-chained event log"),
        (name = "consultation", description = "The public consultation: versions of the act and their comparison, citizens' proposals, the Constitutional Commission's meetings, votes and decisions"),
    )
)]
pub struct ApiDoc;

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
    let mut out = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>ashyq API</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#111}code{background:#f2f2f2;padding:0 .2em}.op{border-top:1px solid #ccc;padding:.5rem 0}.m{display:inline-block;min-width:3.5em;color:#fff;background:#1f5f99;border-radius:3px;text-align:center;font-size:.8em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style></head><body>",
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
