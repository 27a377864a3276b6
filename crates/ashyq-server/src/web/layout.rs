//! The frame every page shares: skip link, header with navigation and the language switch,
//! breadcrumbs, the footer, and the error pages.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{DOCTYPE, Markup, html};

use super::assets::{LIVE_JS, STYLE};
use super::ctx::{Ctx, html as respond};
use super::i18n::Lang;

/// Which item of the main navigation a page belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Results of a referendum.
    Results,
    /// An election.
    Election,
    /// Downloads.
    Downloads,
    /// Check it yourself.
    Verify,
    /// The public consultation on the draft.
    Consultation,
    /// A voter's own precinct, and the precinct search.
    Voter,
    /// Risk-limiting audits of the paper count.
    Audits,
    /// The Kurultai at work.
    Kurultai,
    /// None (error pages).
    None,
}

/// One page: its title, section, the path it lives at (for the language links), breadcrumbs,
/// and whether it follows the live count (then `live` names the contest).
pub struct Page<'a> {
    /// The `<title>` and nothing else: the `<h1>` is the body's.
    pub title: String,
    /// The navigation item to mark current.
    pub section: Section,
    /// The path without query, e.g. `/r/kz-2026/region/KZ-43`.
    pub path: String,
    /// Query parameters to keep in the language links (already URL-safe), e.g. `by=turnout`.
    pub keep_query: String,
    /// `(label, href)` from the top down to the parent of this page.
    pub crumbs: Vec<(String, String)>,
    /// The contest whose progress events should refresh this page.
    pub live: Option<&'a str>,
}

impl Page<'static> {
    /// A page at `path` in `section`, with no breadcrumbs, no query to keep and no live count.
    pub fn new(title: impl Into<String>, section: Section, path: impl Into<String>) -> Self {
        Page {
            title: title.into(),
            section,
            path: path.into(),
            keep_query: String::new(),
            crumbs: Vec::new(),
            live: None,
        }
    }
}

impl<'a> Page<'a> {
    /// The same page under these breadcrumbs.
    pub fn crumbs(self, crumbs: Vec<(String, String)>) -> Self {
        Page { crumbs, ..self }
    }

    /// The same page, its language links keeping `query` (already URL-safe).
    pub fn keeping(self, query: String) -> Self {
        Page {
            keep_query: query,
            ..self
        }
    }

    /// The same page, refreshed by the progress events of contest `id`.
    pub fn live<'b>(self, id: &'b str) -> Page<'b> {
        Page {
            title: self.title,
            section: self.section,
            path: self.path,
            keep_query: self.keep_query,
            crumbs: self.crumbs,
            live: Some(id),
        }
    }
}

/// The whole document around `body`.
pub fn document(ctx: Ctx, page: &Page, body: Markup) -> Markup {
    let tr = ctx.tr();
    let nav = [
        (Section::Results, "/", tr.t("nav-results")),
        (Section::Voter, "/voter", tr.t("nav-voter")),
        (Section::Consultation, "/consult", tr.t("nav-consultation")),
        (Section::Audits, "/audits", tr.t("nav-audits")),
        (Section::Kurultai, "/kurultai", tr.t("nav-kurultai")),
        (Section::Downloads, "/downloads", tr.t("nav-downloads")),
        (Section::Verify, "/verify", tr.t("nav-verify")),
    ];
    let lang_href = |l: Lang| {
        if page.keep_query.is_empty() {
            format!("{}?lang={}", page.path, l.code())
        } else {
            format!("{}?{}&lang={}", page.path, page.keep_query, l.code())
        }
    };
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (page.title) " — ashyq" }
                link rel="stylesheet" href=(STYLE.url());
                link rel="icon" href="data:,";
            }
            body {
                a.skip href="#main" { (tr.t("skip-to-content")) }
                header.site {
                    div.bar {
                        a.brand href="/" { "ashyq" span.tag { (tr.t("brand-tagline")) } }
                        nav.lang aria-label=(tr.t("nav-language")) {
                            ul {
                                @for l in Lang::ALL {
                                    li {
                                        @if l == ctx.lang {
                                            a href=(lang_href(l)) lang=(l.code()) hreflang=(l.code()) aria-current="true" { (l.endonym()) }
                                        } @else {
                                            a href=(lang_href(l)) lang=(l.code()) hreflang=(l.code()) { (l.endonym()) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    nav.main aria-label=(tr.t("nav-main")) {
                        ul {
                            @for (section, href, label) in &nav {
                                li {
                                    @if *section == page.section {
                                        a href=(href) aria-current="page" { (label) }
                                    } @else {
                                        a href=(href) { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" data-live=[page.live] data-updated-label=(tr.t("live-updated")) {
                    @if !page.crumbs.is_empty() {
                        nav.crumbs aria-label=(tr.t("nav-breadcrumbs")) {
                            ol {
                                @for (label, href) in &page.crumbs {
                                    li { a href=(href) { (label) } }
                                }
                                li aria-current="page" { (page.title) }
                            }
                        }
                    }
                    div #live { (body) }
                }
                footer.site {
                    p { (tr.t("footer-about")) " " a href="/verify" { (tr.t("footer-verify")) } }
                    p { a href="/api/v1/docs" { (tr.t("footer-api")) } " · " a href="/api/v1/log" { (tr.t("footer-log")) } " · " a href="/portal" { (tr.t("footer-portal")) } }
                }
                @if page.live.is_some() {
                    script src=(LIVE_JS.url()) defer {}
                }
            }
        }
    }
}

/// A full page answer with status 200.
pub fn page(ctx: Ctx, page: &Page, body: Markup) -> Response {
    respond(ctx, StatusCode::OK, document(ctx, page, body))
}

/// The "not found" page; `what` says what was looked for.
pub fn not_found(ctx: Ctx, what: Option<String>) -> Response {
    let tr = ctx.tr();
    let p = Page::new(tr.t("not-found-title"), Section::None, "/");
    let body = html! {
        h1 { (tr.t("not-found-title")) }
        @if let Some(w) = what { p { (w) } }
        p { (tr.t("not-found-body")) " " a href="/" { (tr.t("not-found-home")) } }
    };
    respond(ctx, StatusCode::NOT_FOUND, document(ctx, &p, body))
}
