//! The downloads page and the "check it yourself" page.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::Ctx;
use super::layout::{self, Page, Section};
use crate::AppState;

/// `/downloads`: every published form of every contest, and the log.
pub async fn downloads(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let ledger = state.registrar.ledger();
    let entries = ledger.head().map_or(0, |h| h.0);
    let body = html! {
        h1 { (tr.t("downloads-title")) }
        p { (tr.t("downloads-intro")) }
        section aria-labelledby="log-h" {
            h2 #log-h { (tr.t("downloads-log")) }
            ul.files {
                li { a href="/api/v1/log" download="ashyq-log.jsonl" { "ashyq-log.jsonl" } " — " (tr.a("downloads-log-desc", &[("n", super::i18n::Arg::S(super::format::integer(lang, entries)))])) }
                li { a href="/api/v1/openapi.json" { "openapi.json" } " — " (tr.t("downloads-openapi")) }
            }
        }
        @for r in ledger.referendums() {
            @let id = &r.definition.id.0;
            section {
                h2 { (r.definition.title.get(lang.code())) }
                ul.files {
                    li { a href=(format!("/api/v1/referendums/{id}/results")) { "results.json" } " — " (tr.t("downloads-results-json")) }
                    li { a href=(format!("/api/v1/referendums/{id}/results/tree")) { "results-tree.json" } " — " (tr.t("downloads-tree-json")) }
                    li { a href=(format!("/api/v1/referendums/{id}/results.csv?level=national")) { "results-national.csv" } " — " (tr.t("downloads-csv-national")) }
                    li { a href=(format!("/api/v1/referendums/{id}/results.csv?level=region")) { "results-region.csv" } " — " (tr.t("downloads-csv-region")) }
                    li { a href=(format!("/api/v1/referendums/{id}/results.csv?level=district")) { "results-district.csv" } " — " (tr.t("downloads-csv-district")) }
                    li { a href=(format!("/api/v1/referendums/{id}/results.nist.json")) { "results.nist.json" } " — " (tr.t("downloads-nist-json")) }
                    li { a href=(format!("/api/v1/referendums/{id}/results.nist.xml")) { "results.nist.xml" } " — " (tr.t("downloads-nist-xml")) }
                }
            }
        }
        @for e in ledger.elections() {
            @let id = &e.definition.id.0;
            section {
                h2 { (e.definition.title) }
                ul.files {
                    li { a href=(format!("/api/v1/elections/{id}/results")) { "election-results.json" } " — " (tr.t("downloads-election-json")) }
                    li { a href=(format!("/api/v1/elections/{id}/seats")) { "seats.json" } " — " (tr.t("downloads-seats-json")) }
                    li { a href=(format!("/api/v1/elections/{id}/results.nist.json")) { "election-results.nist.json" } " — " (tr.t("downloads-nist-json")) }
                    li { a href=(format!("/api/v1/elections/{id}/results.nist.xml")) { "election-results.nist.xml" } " — " (tr.t("downloads-nist-xml")) }
                }
            }
        }
        section aria-labelledby="signed-h" {
            h2 #signed-h { (tr.t("downloads-signed")) }
            p { (tr.t("downloads-signed-body")) }
            pre { code { "ashyq downloads --out public/\nashyq verify-download public/kz-2026-results.csv --log-key LOG.pub" } }
        }
    };
    let p = Page::new(tr.t("downloads-title"), Section::Downloads, "/downloads");
    layout::page(ctx, &p, body)
}

/// `/verify`: how to re-derive every number offline with `ashyq verify`.
pub async fn verify(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr();
    let head = state
        .registrar
        .ledger()
        .head()
        .map(|(seq, hash)| (seq, hash.0.clone()));
    let body = html! {
        h1 { (tr.t("verify-title")) }
        p { (tr.t("verify-intro")) }
        ol.steps {
            li {
                h2 { (tr.t("verify-step1")) }
                p { (tr.t("verify-step1-body")) }
                pre { code { "curl -sS -o log.jsonl " (origin_hint()) "/api/v1/log" } }
                p { (tr.t("verify-step1-alt")) }
                pre { code { "ashyq export --log log.jsonl" } }
            }
            li {
                h2 { (tr.t("verify-step2")) }
                p { (tr.t("verify-step2-body")) }
                pre { code { "cargo install --path crates/ashyq" } }
            }
            li {
                h2 { (tr.t("verify-step3")) }
                p { (tr.t("verify-step3-body")) }
                pre { code { "ashyq verify log.jsonl" } }
            }
            li {
                h2 { (tr.t("verify-step4")) }
                p { (tr.t("verify-step4-body")) }
                pre { code { "curl -sS -o results.json " (origin_hint()) "/api/v1/referendums/ID/results\n"
                    "ashyq verify log.jsonl --results results.json --head " (head.as_ref().map_or("HASH", |h| h.1.as_str())) } }
                @if let Some((seq, hash)) = &head {
                    dl.pairs {
                        dt { (tr.t("verify-head-seq")) } dd { (seq) }
                        dt { (tr.t("verify-head-hash")) } dd { code.hash { (hash) } }
                    }
                }
            }
            li {
                h2 { (tr.t("verify-step5")) }
                p { (tr.t("verify-step5-body")) }
            }
        }
    };
    let p = Page::new(tr.t("verify-title"), Section::Verify, "/verify");
    layout::page(ctx, &p, body)
}

/// The server's address is not known for sure behind a proxy: the command shows a placeholder.
fn origin_hint() -> &'static str {
    "https://SERVER"
}
