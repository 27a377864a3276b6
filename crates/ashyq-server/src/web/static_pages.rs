//! The downloads page and the "check it yourself" page.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use ashyq_core::contest::ContestKind;
use ashyq_core::downloads;
use ashyq_core::ledger::Contest;

use super::Ctx;
use super::layout::{self, Page, Section};
use crate::AppState;

/// What a signed file holds, in the page's language (the catalogue's titles are English).
fn describe(
    tr: super::i18n::Tr,
    lang: ashyq_core::lang::Lang,
    kind: Option<ContestKind>,
    name: &str,
    entries: u64,
) -> String {
    use super::i18n::Arg;
    let key = match (kind, name) {
        (_, n) if n == downloads::LOG_NAME => {
            return tr
                .a(
                    "downloads-log-snapshot",
                    &[("n", Arg::S(super::format::integer(lang, entries)))],
                )
                .into_owned();
        }
        (_, "kurultai-popolo.json") => "downloads-popolo",
        (_, "kurultai-votes.csv") => "downloads-votes-csv",
        (_, n) if n.ends_with(".nist.json") => "downloads-nist-json",
        (_, n) if n.ends_with(".nist.xml") => "downloads-nist-xml",
        (_, n) if n.ends_with("-seats.json") => "downloads-seats-json",
        (_, n) if n.ends_with(".csv") => "downloads-csv-district",
        (Some(ContestKind::Presidential), _) => "downloads-president-json",
        _ => "downloads-tree-json",
    };
    tr.t(key).into_owned()
}

/// The contests of a snapshot's files, in their order (`None`: the house's records and the log).
fn groups(s: &crate::downloads::Snapshot) -> Vec<Option<&str>> {
    let mut out: Vec<Option<&str>> = Vec::new();
    for f in &s.files {
        if !out.contains(&f.contest.as_deref()) {
            out.push(f.contest.as_deref());
        }
    }
    out
}

/// `/downloads`: the signed datasets of the current snapshot — each file's size, SHA-256, the
/// head it reflects and its signature — then the live forms of every contest, and the log.
pub async fn downloads(State(state): State<AppState>, ctx: Ctx) -> Response {
    use super::i18n::Arg;
    let tr = ctx.tr();
    let lang = ctx.lang;
    let snapshot = crate::downloads::current(&state).await.ok();
    let ledger = state.registrar.ledger();
    let entries = ledger.head().map_or(0, |h| h.0);
    // Each contest's title and kind, for the signed files' sections.
    let contests: Vec<(String, String, ContestKind)> = ledger
        .contests()
        .all()
        .map(|(id, c)| {
            let (title, kind) = match c {
                Contest::Referendum(r) => (
                    r.definition.title.get(lang.code()).to_owned(),
                    ContestKind::Referendum,
                ),
                Contest::PartyList(e) => (e.definition.title.clone(), ContestKind::PartyList),
                Contest::Presidential(p) => (p.definition.title.clone(), ContestKind::Presidential),
            };
            (id.as_str().to_owned(), title, kind)
        })
        .collect();
    let group_title = |contest: Option<&str>| match contest {
        Some(c) => contests
            .iter()
            .find(|x| x.0 == c)
            .map_or_else(|| c.to_owned(), |x| x.1.clone()),
        None => String::new(),
    };
    let kind_of = |contest: Option<&str>| {
        contest
            .and_then(|c| contests.iter().find(|x| x.0 == c))
            .map(|x| x.2)
    };
    let body = html! {
        h1 { (tr.t("downloads-title")) }
        p { (tr.t("downloads-intro")) }
        section aria-labelledby="signed-h" {
            h2 #signed-h { (tr.t("downloads-signed")) }
            @match &snapshot {
                None => p { (tr.t("downloads-none")) },
                Some(s) => {
                    @let key = s.files.first().map(|f| f.signed.statement.key_id.0.clone()).unwrap_or_default();
                    p #snapshot-head data-seq=(s.seq) {
                        (tr.a("downloads-signed-at", &[
                            ("seq", Arg::S(super::format::integer(lang, s.seq))),
                            ("head", Arg::S(s.head.clone())),
                            ("key", Arg::S(key)),
                        ]))
                    }
                    ul.files {
                        li { a href=(s.link(downloads::CATALOGUE_NAME)) { (downloads::CATALOGUE_NAME) } " — " (tr.t("downloads-catalogue")) }
                        li { a href="/downloads/log-key.pub" { "log-key.pub" } " — " (tr.t("downloads-key")) }
                        li { a href="/api/v1/downloads" { "/api/v1/downloads" } " — " (tr.t("downloads-listing")) }
                    }
                    @for g in &groups(s) {
                        @let caption = match g {
                            Some(_) => group_title(*g),
                            None if s.files.iter().any(|f| f.contest.is_none() && f.signed.statement.name.starts_with("kurultai")) => format!("{} · {}", tr.t("downloads-kurultai"), tr.t("downloads-log")),
                            None => tr.t("downloads-log").into_owned(),
                        };
                        table.signed {
                            caption { (caption) }
                            thead { tr {
                                th scope="col" { (tr.t("downloads-col-file")) }
                                th scope="col" { (tr.t("downloads-col-what")) }
                                th scope="col" { (tr.t("downloads-col-size")) }
                                th scope="col" { (tr.t("downloads-col-sha")) }
                                th scope="col" { (tr.t("downloads-col-sig")) }
                            } }
                            tbody {
                                @for f in s.files.iter().filter(|f| f.contest.as_deref() == *g) {
                                    @let st = &f.signed.statement;
                                    tr {
                                        th scope="row" { a href=(s.link(&st.name)) download=(st.name) { (st.name) } }
                                        td { (describe(tr, lang, kind_of(f.contest.as_deref()), &st.name, s.seq)) }
                                        td.num { (tr.a("downloads-bytes", &[("n", Arg::S(super::format::integer(lang, st.size)))])) }
                                        td { code.hash { (st.sha256) } }
                                        td { a href=(s.link(&format!("{}.sig.json", st.name))) { (tr.t("downloads-sig-link")) } }
                                    }
                                }
                            }
                        }
                    }
                    h3 { (tr.t("downloads-check")) }
                    p { (tr.t("downloads-check-body")) }
                    @let example = s.files.iter().find(|f| f.signed.statement.name.ends_with(".csv")).or(s.files.first()).map(|f| f.signed.statement.name.clone()).unwrap_or_default();
                    pre { code {
                        "curl -sS -o " (example) " '" (origin_hint()) (s.link(&example)) "'\n"
                        "curl -sS -o " (example) ".sig.json '" (origin_hint()) (s.link(&format!("{example}.sig.json"))) "'\n"
                        "curl -sS -o log-key.pub " (origin_hint()) "/downloads/log-key.pub\n"
                        "ashyq verify-download " (example) " --log-key log-key.pub"
                    } }
                    p { (tr.t("downloads-signed-body")) }
                }
            }
        }
        section aria-labelledby="live-h" {
            h2 #live-h { (tr.t("downloads-live")) }
            p { (tr.t("downloads-live-body")) }
            h3 { (tr.t("downloads-log")) }
            ul.files {
                li { a href="/api/v1/log" download="ashyq-log.jsonl" { "ashyq-log.jsonl" } " — " (tr.a("downloads-log-desc", &[("n", Arg::S(super::format::integer(lang, entries)))])) }
                li { a href="/api/v1/openapi.json" { "openapi.json" } " — " (tr.t("downloads-openapi")) }
            }
            @for r in ledger.referendums() {
                @let id = &r.definition.id.0;
                h3 { (r.definition.title.get(lang.code())) }
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
            @for e in ledger.elections() {
                @let id = &e.definition.id.0;
                h3 { (e.definition.title) }
                ul.files {
                    li { a href=(format!("/api/v1/elections/{id}/results")) { "election-results.json" } " — " (tr.t("downloads-election-json")) }
                    li { a href=(format!("/api/v1/elections/{id}/seats")) { "seats.json" } " — " (tr.t("downloads-seats-json")) }
                    li { a href=(format!("/api/v1/elections/{id}/results.nist.json")) { "election-results.nist.json" } " — " (tr.t("downloads-nist-json")) }
                    li { a href=(format!("/api/v1/elections/{id}/results.nist.xml")) { "election-results.nist.xml" } " — " (tr.t("downloads-nist-xml")) }
                }
            }
        }
    };
    drop(ledger);
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
