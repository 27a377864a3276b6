//! The consultation's pages: the act and its versions, an article with its history, word diff,
//! proposals and decisions, the comparison of two versions, the proposals (search, one
//! proposal with its public timeline), the commission and its meetings with the recorded
//! votes and the generated minutes. Forms (propose, support, moderate) are in
//! `consult_forms.rs`; sign-in in `crate::signin`.
//!
//! Every page works without JavaScript. Text written by citizens and by the commission is
//! marked with its language (`lang`); a unit's text missing in the page's language is shown in
//! another and marked so.

use std::collections::HashMap;
use std::sync::Arc;

use ashyq_core::consult::{
    AgendaItem, AmendmentTarget, Choice, Consultation, Decision, Meeting, ModerationReason, Motion,
    MotionKind, Proposal, ProposalId, ProposalStatus, ProposalTarget, minutes,
};
use ashyq_core::legal::compare::{ChangeKind, WordChange, WordTag};
use ashyq_core::legal::{self, Act, Parallel, Unit, UnitKind};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::format::{date, integer, timestamp};
use super::i18n::{Arg, Tr};
use super::layout::{self, Page, Section};
use super::{Ctx, i18n};
use crate::AppState;
use crate::consult::{ConsultService, STATUS_WORDS, status_word, text_is_public};
use crate::signin::{FormRefusal, Session, percent_encode};

/// Kazakhstan's time zone (UTC+5), in which the log's times are shown.
const UTC_OFFSET_MINUTES: i32 = 5 * 60;
/// Proposals per page of the list.
pub const PAGE_SIZE: usize = 50;

/// The language of legal texts for a page language.
pub fn legal_lang(l: i18n::Lang) -> legal::Lang {
    match l {
        i18n::Lang::Kk => legal::Lang::Kk,
        i18n::Lang::Ru => legal::Lang::Ru,
        i18n::Lang::En => legal::Lang::En,
    }
}

pub(crate) fn service(state: &AppState) -> Option<&Arc<ConsultService>> {
    state.consult.as_ref()
}

/// The answer of every consultation page on a server without a consultation.
pub fn no_consultation(ctx: Ctx) -> Response {
    layout::not_found(ctx, Some(ctx.tr().t("consult-none").into_owned()))
}

/// A page with a title and one paragraph, with `status`.
pub fn message_page(ctx: Ctx, status: StatusCode, title: &str, text: &str) -> Response {
    let page = Page {
        title: title.to_owned(),
        section: Section::Consultation,
        path: "/consult".into(),
        keep_query: String::new(),
        crumbs: vec![(ctx.tr().t("consult-title").into_owned(), "/consult".into())],
        live: None,
    };
    let body = html! {
        h1 { (title) }
        p { (text) }
        p { a href="/consult" { (ctx.tr().t("consult-back")) } }
    };
    let mut res = super::html(ctx, status, layout::document(ctx, &page, body));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The answer to a refused form post.
pub(crate) fn refused(ctx: Ctx, why: FormRefusal) -> Response {
    let tr = ctx.tr();
    match why {
        FormRefusal::NotSignedIn => message_page(
            ctx,
            StatusCode::UNAUTHORIZED,
            &tr.t("consult-signin-needed"),
            &tr.t("consult-signin-expired"),
        ),
        FormRefusal::Csrf => message_page(
            ctx,
            StatusCode::FORBIDDEN,
            &tr.t("consult-form-refused"),
            &tr.t("consult-form-csrf"),
        ),
        FormRefusal::CrossSite => message_page(
            ctx,
            StatusCode::FORBIDDEN,
            &tr.t("consult-form-refused"),
            &tr.t("consult-form-cross-site"),
        ),
    }
}

/// The frame of a consultation page: the signed-in bar above `body`, no caching of pages
/// made for one person.
pub(crate) fn consult_page(
    ctx: Ctx,
    svc: &ConsultService,
    session: Option<&Session>,
    page: &Page,
    body: Markup,
) -> Response {
    let full = html! {
        (account_bar(ctx, svc, session, &page.path))
        (body)
    };
    let mut res = layout::page(ctx, page, full);
    if session.is_some() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

fn account_bar(ctx: Ctx, svc: &ConsultService, session: Option<&Session>, path: &str) -> Markup {
    let tr = ctx.tr();
    html! {
        div.account {
            @if let Some(s) = session {
                p {
                    (tr.a("consult-signed-in-as", &[("who", Arg::S(s.citizen.to_string()))]))
                    @if s.development { " " strong.dev-tag { (tr.t("consult-test-identity")) } }
                }
                @if svc.is_moderator(&s.citizen) {
                    p { a href="/consult/moderation" { (tr.t("consult-moderation")) } }
                }
                form.inline method="post" action="/consult/signout" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    button.secondary type="submit" { (tr.t("consult-sign-out")) }
                }
            } @else if svc.provider().is_some() {
                p { (tr.t("consult-sign-in-why")) }
                p { a.button href=(format!("/consult/signin?return={}", percent_encode(path))) { (tr.t("consult-sign-in")) } }
            }
            @if svc.dev_idp.is_some() {
                p.dev-note { (tr.t("consult-dev-mode")) }
            }
        }
    }
}

/// "Article 8", "8-бап", "Статья 8".
pub fn unit_label(tr: Tr, kind: UnitKind, num: &str) -> String {
    let key = match kind {
        UnitKind::Preamble => return tr.t("unit-preamble").into_owned(),
        UnitKind::Section => "unit-section",
        UnitKind::Chapter => "unit-chapter",
        UnitKind::Article => "unit-article",
        UnitKind::Paragraph => "unit-paragraph",
        UnitKind::Subparagraph => "unit-subparagraph",
    };
    tr.a(key, &[("num", Arg::S(num.to_owned()))]).into_owned()
}

/// The label of an eId's last part: `sec_2__art_8` → "Article 8".
pub fn eid_label(tr: Tr, eid: &str) -> String {
    let last = eid.rsplit("__").next().unwrap_or(eid);
    let (abbr, num) = last.split_once('_').unwrap_or((last, ""));
    match UnitKind::ALL.into_iter().find(|k| k.abbreviation() == abbr) {
        Some(k) => unit_label(tr, k, num),
        None => eid.to_owned(),
    }
}

/// Text in the page's language, else another (then marked with its language).
fn parallel(p: &Parallel, l: legal::Lang) -> Option<(legal::Lang, &str)> {
    if let Some(t) = p.get(l).filter(|t| !t.trim().is_empty()) {
        return Some((l, t));
    }
    legal::Lang::ALL
        .into_iter()
        .find_map(|o| p.get(o).filter(|t| !t.trim().is_empty()).map(|t| (o, t)))
}

fn heading_text(u: &Unit, l: legal::Lang) -> Option<String> {
    parallel(&u.heading, l).map(|(_, t)| t.to_owned())
}

/// A unit's title with its heading: "Article 8. Parties".
fn unit_title(tr: Tr, u: &Unit, l: legal::Lang) -> String {
    let label = unit_label(tr, u.kind, &u.num);
    match heading_text(u, l) {
        Some(h) => format!("{label}. {h}"),
        None => label,
    }
}

/// A unit's text and its sub-units, in `l`.
fn unit_body(tr: Tr, u: &Unit, l: legal::Lang) -> Markup {
    html! {
        @if let Some((tl, t)) = parallel(&u.content, l) {
            @for line in t.lines() {
                @if tl == l { p { (line) } } @else { p lang=(tl.code()) { (line) } }
            }
        }
        @if !u.children.is_empty() {
            ol.units {
                @for c in &u.children {
                    li id=(c.eid) {
                        span.unit-num { (unit_label(tr, c.kind, &c.num)) }
                        (unit_body(tr, c, l))
                    }
                }
            }
        }
    }
}

/// A word diff: deletions struck through, insertions underlined, each also announced in text
/// for screen readers.
pub fn diff_markup(tr: Tr, diff: &[WordChange]) -> Markup {
    html! {
        p.diff {
            @for w in diff {
                @match w.tag {
                    WordTag::Equal => (w.text),
                    WordTag::Delete => del { span.sr { (tr.t("diff-deleted")) " " } (w.text) },
                    WordTag::Insert => ins { span.sr { (tr.t("diff-inserted")) " " } (w.text) },
                }
            }
        }
    }
}

/// A calendar date from the log (`2026-01-20`) in the page's language.
pub fn day(lang: i18n::Lang, iso: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").map_or_else(|_| iso.to_owned(), |d| date(lang, d))
}

pub(crate) fn when(lang: i18n::Lang, rfc3339: &str) -> String {
    timestamp(lang, rfc3339, UTC_OFFSET_MINUTES)
}

/// The status of a proposal as a badge.
pub fn status_badge(tr: Tr, s: &ProposalStatus) -> Markup {
    let w = status_word(s);
    html! { span class=(format!("badge p-{w}")) { (tr.t(&format!("status-p-{w}"))) } }
}

/// The moderator's reason in words.
pub fn reason_text(tr: Tr, r: &ModerationReason) -> String {
    match r {
        ModerationReason::OffTopic => tr.t("reason-off-topic").into_owned(),
        ModerationReason::Abusive => tr.t("reason-abusive").into_owned(),
        ModerationReason::PersonalData => tr.t("reason-personal-data").into_owned(),
        ModerationReason::Spam => tr.t("reason-spam").into_owned(),
        ModerationReason::Duplicate { of } => tr
            .a("reason-duplicate", &[("of", Arg::S(of.to_string()))])
            .into_owned(),
        ModerationReason::Other { text } => text.clone(),
    }
}

/// One step of a proposal's timeline in words.
fn status_sentence(tr: Tr, s: &ProposalStatus) -> Markup {
    match s {
        ProposalStatus::OnAgenda { meeting, item } => html! {
            (tr.t("status-p-on-agenda")) ": "
            a href=(format!("/consult/meetings/{meeting}#item-{item}")) {
                (tr.a("consult-meeting-item", &[("meeting", Arg::S(meeting.to_string())), ("item", Arg::S(item.to_string()))]))
            }
        },
        ProposalStatus::Accepted { decision } => html! {
            (tr.a("timeline-accepted", &[("decision", Arg::S(decision.to_string()))]))
        },
        ProposalStatus::Declined { decision, reason } => html! {
            (tr.a("timeline-declined", &[("decision", Arg::S(decision.to_string()))])) " "
            q { (reason) }
        },
        ProposalStatus::Rejected { reason } => html! {
            (tr.t("status-p-rejected")) ": " (reason_text(tr, reason))
        },
        other => html! { (tr.t(&format!("status-p-{}", status_word(other)))) },
    }
}

/// What a proposal is about, as a link.
pub(crate) fn target_markup(tr: Tr, t: &ProposalTarget, version: Option<&str>) -> Markup {
    let v = version.map_or(String::new(), |v| format!("?v={}", percent_encode(v)));
    match t {
        ProposalTarget::Unit { eid } => html! {
            a href=(format!("/consult/article/{}{v}", article_of(eid))) { (eid_path_label(tr, eid)) }
        },
        ProposalTarget::NewArticle { after: Some(after) } => html! {
            (tr.t("consult-new-article-after")) " "
            a href=(format!("/consult/article/{}{v}", article_of(after))) { (eid_path_label(tr, after)) }
        },
        ProposalTarget::NewArticle { after: None } => html! { (tr.t("consult-new-article")) },
    }
}

/// The eId of the article a unit is in (itself if it is one, or the unit if it is above).
pub fn article_of(eid: &str) -> String {
    let parts: Vec<&str> = eid.split("__").collect();
    match parts.iter().position(|p| p.starts_with("art_")) {
        Some(i) => parts[..=i].join("__"),
        None => eid.to_owned(),
    }
}

/// "Article 8, paragraph 1" for `sec_2__art_8__para_1`.
fn eid_path_label(tr: Tr, eid: &str) -> String {
    let parts: Vec<&str> = eid.split("__").collect();
    let start = parts
        .iter()
        .position(|p| p.starts_with("art_"))
        .unwrap_or(0);
    parts[start..]
        .iter()
        .map(|p| eid_label(tr, p))
        .collect::<Vec<_>>()
        .join(", ")
}

fn excerpt(text: &str, chars: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= chars {
        return t.to_owned();
    }
    let cut: String = t.chars().take(chars).collect();
    format!("{}…", cut.trim_end())
}

/// One proposal in a list.
fn proposal_item(tr: Tr, p: &Proposal, show_text: bool) -> Markup {
    html! {
        li.proposal {
            p.head {
                a href=(format!("/consult/proposals/{}", p.id.0)) { strong { (p.id) } }
                " " (status_badge(tr, p.status()))
                " · " (target_markup(tr, &p.target, None))
                @if p.supports > 0 {
                    " · " (tr.a("consult-supports", &[("count", Arg::N(p.supports)), ("n", Arg::S(integer(tr.lang, p.supports)))]))
                }
            }
            @if show_text {
                p.text lang=(p.lang.code()) { (excerpt(&p.text, 240)) }
            } @else {
                p.muted { (tr.t("consult-text-withheld")) }
            }
        }
    }
}

fn crumbs(tr: Tr) -> Vec<(String, String)> {
    vec![(tr.t("consult-title").into_owned(), "/consult".into())]
}

fn page_of(
    title: String,
    path: String,
    keep_query: String,
    crumbs: Vec<(String, String)>,
) -> Page<'static> {
    Page {
        title,
        section: Section::Consultation,
        path,
        keep_query,
        crumbs,
        live: None,
    }
}

/// A query value as given, URL-encoded again for links.
fn keep(q: &HashMap<String, String>, names: &[&str]) -> String {
    names
        .iter()
        .filter_map(|n| {
            q.get(*n)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{n}={}", percent_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The article eIds in the open draft that correspond to article `eid` of `version` (through
/// the article's history), where the proposals point.
fn draft_eids(svc: &ConsultService, version: &str, eid: &str, lang: legal::Lang) -> Vec<String> {
    let Some(draft) = svc.open_draft() else {
        return Vec::new();
    };
    if draft.version == version {
        return vec![eid.to_owned()];
    }
    svc.article_history(version, eid, lang)
        .and_then(|h| h.into_iter().find(|s| s.version == draft.version))
        .map(|s| s.articles.into_iter().map(|a| a.eid).collect())
        .unwrap_or_default()
}

/// Public proposals per article eId of the open draft.
fn proposals_per_article(c: &Consultation) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    for p in c.proposals.values().filter(|p| text_is_public(p)) {
        if let Some(eid) = p.target.eid() {
            *out.entry(article_of(eid)).or_insert(0) += 1;
        }
    }
    out
}

/// `/consult`: the act's versions, the proposals, the commission.
pub async fn overview(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    let session = svc.session(&headers);
    let draft = svc.open_draft();
    let versions: Vec<(String, Option<String>, String)> = svc
        .acts()
        .iter()
        .map(|a| {
            (
                a.act.version.clone(),
                a.act.date.clone(),
                parallel(&a.act.title, l)
                    .map(|(_, t)| t.to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let comparisons: Vec<(String, String, String)> = versions
        .windows(2)
        .filter_map(|w| {
            let c = svc.compare(&w[0].0, &w[1].0, l)?;
            Some((w[0].0.clone(), w[1].0.clone(), stats_sentence(tr, &c.stats)))
        })
        .collect();
    let draft_title = draft
        .as_ref()
        .and_then(|d| parallel(&d.title, l).map(|(_, t)| t.to_owned()));
    let c = svc.consultation();
    let public: Vec<&Proposal> = c.proposals.values().filter(|p| text_is_public(p)).collect();
    let supports: u64 = public.iter().map(|p| p.supports).sum();
    let body = html! {
        h1 { (tr.t("consult-title")) }
        p.lead { (tr.t("consult-intro")) }
        @if let Some(d) = &draft {
            @if let Some((tl, t)) = parallel(&d.title, l) {
                p.notice { strong { (tr.t("consult-act")) ": " } span lang=(tl.code()) { (t) } }
            }
        }
        dl.figures {
            div.fig { dt { (tr.t("consult-fig-proposals")) } dd { span.big { (integer(lang, public.len() as u64)) } } }
            div.fig { dt { (tr.t("consult-fig-supports")) } dd { span.big { (integer(lang, supports)) } } }
            div.fig { dt { (tr.t("consult-fig-meetings")) } dd { span.big { (integer(lang, c.meetings.len() as u64)) } } }
            div.fig { dt { (tr.t("consult-fig-decisions")) } dd { span.big { (integer(lang, c.decisions.len() as u64)) } } }
        }
        section aria-labelledby="text-h" {
            h2 #text-h { (tr.t("consult-versions")) }
            @if versions.is_empty() {
                p { (tr.t("consult-no-versions")) }
            }
            ul.versions {
                @for (v, d, title) in &versions {
                    li {
                        a href=(format!("/consult/act?v={}", percent_encode(v))) { strong { (v) } }
                        @if let Some(d) = d { " — " (day(lang, d)) }
                        @if draft.as_ref().is_some_and(|x| &x.version == v) { " " span.badge.p-published { (tr.t("consult-open-draft")) } }
                        @if draft_title.as_deref() != Some(title.as_str()) { br; span.muted { (title) } }
                    }
                }
            }
            @if !comparisons.is_empty() {
                h3 { (tr.t("consult-changes")) }
                ul {
                    @for (from, to, s) in &comparisons {
                        li {
                            a href=(format!("/consult/compare?from={}&to={}", percent_encode(from), percent_encode(to))) { (from) " → " (to) }
                            ": " (s)
                        }
                    }
                }
            }
        }
        section aria-labelledby="proposals-h" {
            h2 #proposals-h { (tr.t("consult-proposals")) }
            (search_form(tr, "", ""))
            p {
                a href="/consult/proposals" { (tr.t("consult-all-proposals")) }
                @if draft.is_some() { " · " a href="/consult/propose" { (tr.t("consult-propose")) } }
            }
        }
        section aria-labelledby="commission-h" {
            h2 #commission-h { (tr.t("consult-commission")) }
            @if let Some(rules) = c.rules {
                @let t = rules.tally(c.members.len() as u64, 0, &[]);
                p { (tr.a("consult-commission-summary", &[("members", Arg::S(integer(lang, c.members.len() as u64))), ("quorum", Arg::S(integer(lang, t.quorum_needed)))])) }
            } @else {
                p { (tr.t("consult-no-commission")) }
            }
            (meetings_list(tr, &c))
            p { a href="/consult/meetings" { (tr.t("consult-commission-page")) } }
        }
    };
    let page = page_of(
        tr.t("consult-title").into_owned(),
        "/consult".into(),
        String::new(),
        Vec::new(),
    );
    drop(c);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn meetings_list(tr: Tr, c: &Consultation) -> Markup {
    html! {
        @if c.meetings.is_empty() {
            p { (tr.t("consult-no-meetings")) }
        } @else {
            ol.meetings {
                @for m in c.meetings.values() {
                    li {
                        a href=(format!("/consult/meetings/{}", m.number)) {
                            (tr.a("consult-meeting-n", &[("n", Arg::S(m.number.to_string()))]))
                        }
                        " — " (day(tr.lang, &m.date)) ": " span lang="en" { (m.title) }
                    }
                }
            }
        }
    }
}

/// "3 of 8 articles changed (3 in their text); 1 added, 0 removed; 9 articles now".
pub fn stats_sentence(tr: Tr, s: &ashyq_core::legal::compare::Statistics) -> String {
    let n = |v: usize| Arg::S(integer(tr.lang, v as u64));
    tr.a(
        "consult-stats",
        &[
            ("changed", n(s.changed)),
            ("total", n(s.old_articles)),
            ("count", Arg::N(s.old_articles as u64)),
            ("text", n(s.text_changed)),
            ("added", n(s.added)),
            ("removed", n(s.removed)),
            ("now", n(s.new_articles)),
        ],
    )
    .into_owned()
}

fn search_form(tr: Tr, q: &str, status: &str) -> Markup {
    html! {
        form.search method="get" action="/consult/proposals" role="search" {
            div.field {
                label for="q" { (tr.t("consult-search-label")) }
                input #q type="search" name="q" value=(q) maxlength="200";
            }
            div.field {
                label for="status" { (tr.t("consult-status-filter")) }
                select #status name="status" {
                    option value="" { (tr.t("consult-status-any")) }
                    @for w in STATUS_WORDS {
                        @if w == status {
                            option value=(w) selected { (tr.t(&format!("status-p-{w}"))) }
                        } @else {
                            option value=(w) { (tr.t(&format!("status-p-{w}"))) }
                        }
                    }
                }
            }
            button type="submit" { (tr.t("consult-search")) }
        }
    }
}

/// `/consult/act?v=VERSION`: the act's structure, each article with its proposals' count.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let l = legal_lang(ctx.lang);
    let draft = svc.open_draft();
    let act = match q.get("v") {
        Some(v) => svc.version(v).map(|(_, a)| a),
        None => draft.clone(),
    };
    let Some(act) = act else {
        return layout::not_found(ctx, Some(tr.t("consult-no-version").into_owned()));
    };
    let is_draft = draft.as_ref().is_some_and(|d| d.version == act.version);
    let counts = if is_draft {
        proposals_per_article(&svc.consultation())
    } else {
        HashMap::new()
    };
    let versions: Vec<String> = svc.acts().iter().map(|a| a.act.version.clone()).collect();
    let title = parallel(&act.title, l)
        .map(|(_, t)| t.to_owned())
        .unwrap_or_else(|| act.work.clone());
    let v = percent_encode(&act.version);
    let body = html! {
        h1 { (title) }
        p.meta {
            (tr.t("consult-version")) " " strong { (act.version) }
            @if let Some(d) = &act.date { " — " (day(ctx.lang, d)) }
            @if is_draft { " " span.badge.p-published { (tr.t("consult-open-draft")) } }
        }
        @if versions.len() > 1 {
            nav.versions aria-label=(tr.t("consult-versions")) {
                ul {
                    @for other in &versions {
                        li {
                            @if *other == act.version {
                                a href=(format!("/consult/act?v={}", percent_encode(other))) aria-current="page" { (other) }
                            } @else {
                                a href=(format!("/consult/act?v={}", percent_encode(other))) { (other) }
                            }
                        }
                    }
                }
            }
        }
        @for u in &act.body {
            (toc_unit(tr, u, l, &v, &counts, 2))
        }
    };
    let page = page_of(
        title.clone(),
        "/consult/act".into(),
        format!("v={v}"),
        crumbs(tr),
    );
    let session = svc.session(&headers);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn toc_unit(
    tr: Tr,
    u: &Unit,
    l: legal::Lang,
    v: &str,
    counts: &HashMap<String, u64>,
    depth: u8,
) -> Markup {
    match u.kind {
        UnitKind::Preamble => html! {
            section.preamble {
                h2 { (unit_label(tr, u.kind, &u.num)) }
                (unit_body(tr, u, l))
            }
        },
        UnitKind::Article => {
            let n = counts.get(&u.eid).copied().unwrap_or(0);
            let text = u.full_text(l);
            let text = if text.is_empty() {
                legal::Lang::ALL
                    .into_iter()
                    .map(|o| u.full_text(o))
                    .find(|t| !t.is_empty())
                    .unwrap_or_default()
            } else {
                text
            };
            html! {
                li.article {
                    a href=(format!("/consult/article/{}?v={v}", u.eid)) { strong { (unit_title(tr, u, l)) } }
                    @if n > 0 {
                        " " span.count { (tr.a("consult-n-proposals", &[("count", Arg::N(n)), ("n", Arg::S(integer(tr.lang, n)))])) }
                    }
                    br; span.muted { (excerpt(&text, 160)) }
                }
            }
        }
        _ => {
            let articles: Vec<&Unit> = u
                .children
                .iter()
                .filter(|c| c.kind == UnitKind::Article)
                .collect();
            let others: Vec<&Unit> = u
                .children
                .iter()
                .filter(|c| c.kind != UnitKind::Article)
                .collect();
            html! {
                section.part {
                    @if depth <= 2 { h2 { (unit_title(tr, u, l)) } } @else { h3 { (unit_title(tr, u, l)) } }
                    @if !articles.is_empty() {
                        ul.articles { @for a in articles { (toc_unit(tr, a, l, v, counts, depth + 1)) } }
                    }
                    @for o in others { (toc_unit(tr, o, l, v, counts, depth + 1)) }
                }
            }
        }
    }
}

fn change_words(tr: Tr, k: ChangeKind) -> String {
    let key = match k {
        ChangeKind::Unchanged => "change-unchanged",
        ChangeKind::Modified => "change-modified",
        ChangeKind::Renumbered => "change-renumbered",
        ChangeKind::Moved => "change-moved",
        ChangeKind::Split => "change-split",
        ChangeKind::Merged => "change-merged",
        ChangeKind::Added => "change-added",
        ChangeKind::Removed => "change-removed",
    };
    tr.t(key).into_owned()
}

/// `/consult/article/{eid}?v=VERSION`: the article, its history through the versions, the
/// proposals about it and the decisions behind it.
pub async fn article(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(eid): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    let draft = svc.open_draft();
    let act = match q.get("v") {
        Some(v) => svc.version(v).map(|(_, a)| a),
        None => draft.clone(),
    };
    let Some(act) = act else {
        return layout::not_found(ctx, Some(tr.t("consult-no-version").into_owned()));
    };
    let Some((unit, parent)) = act
        .articles()
        .into_iter()
        .find(|(u, _)| u.eid == eid)
        .map(|(u, p)| (u.clone(), p))
    else {
        return layout::not_found(ctx, Some(tr.t("consult-no-article").into_owned()));
    };
    let history = svc
        .article_history(&act.version, &eid, l)
        .unwrap_or_default();
    let in_draft = draft_eids(svc, &act.version, &eid, l);
    let is_draft = draft.as_ref().is_some_and(|d| d.version == act.version);
    let act_title = parallel(&act.title, l)
        .map(|(_, t)| t.to_owned())
        .unwrap_or_else(|| act.work.clone());
    let parent_title = act.find(&parent).map(|p| unit_title(tr, p, l));
    let c = svc.consultation();
    let mut proposal_ids: Vec<ProposalId> = Vec::new();
    let mut decision_ids: Vec<u32> = Vec::new();
    for e in &in_draft {
        let t = c.trace_unit(e);
        proposal_ids.extend(t.proposals);
        decision_ids.extend(t.decisions);
    }
    proposal_ids.sort();
    proposal_ids.dedup();
    decision_ids.sort();
    decision_ids.dedup();
    let v = percent_encode(&act.version);
    let title = unit_title(tr, &unit, l);
    let others: Vec<legal::Lang> = legal::Lang::ALL
        .into_iter()
        .filter(|o| *o != l && !unit.full_text(*o).is_empty())
        .collect();
    let body = html! {
        h1 { (title) }
        p.meta {
            (tr.t("consult-version")) " " a href=(format!("/consult/act?v={v}")) { strong { (act.version) } }
            @if let Some(d) = &act.date { " — " (day(lang, d)) }
            @if let Some(p) = &parent_title { " · " (p) }
        }
        article.legal-text {
            (unit_body(tr, &unit, l))
        }
        @if !others.is_empty() {
            details.parallel {
                summary { (tr.t("consult-other-languages")) }
                @for o in others {
                    div lang=(o.code()) {
                        h2.lang-name { (i18n::Lang::parse(o.code()).map_or(o.code(), |x| x.endonym())) }
                        (unit_body(tr, &unit, o))
                    }
                }
            }
        }
        section aria-labelledby="history-h" {
            h2 #history-h { (tr.t("consult-history")) }
            @if history.len() <= 1 {
                p { (tr.t("consult-history-one")) }
            } @else {
                ol.history {
                    @for step in &history {
                        li {
                            p.head {
                                strong { (step.version) }
                                @if let Some(d) = &step.date { " — " (day(lang, d)) }
                                ": "
                                @if step.articles.is_empty() {
                                    (tr.t("consult-history-absent"))
                                } @else {
                                    @for (i, a) in step.articles.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        @if step.version == act.version && a.eid == eid {
                                            (unit_label(tr, UnitKind::Article, &a.num))
                                        } @else {
                                            a href=(format!("/consult/article/{}?v={}", a.eid, percent_encode(&step.version))) { (unit_label(tr, UnitKind::Article, &a.num)) }
                                        }
                                    }
                                }
                                @if let Some(k) = step.change { " " span.change { "(" (change_words(tr, k)) ")" } }
                            }
                            @if !step.diff.is_empty() {
                                (diff_markup(tr, &step.diff))
                            } @else if step.change.is_some() && !step.articles.is_empty() {
                                p.muted { (tr.t("consult-text-same")) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="proposals-h" {
            h2 #proposals-h { (tr.t("consult-proposals")) }
            @let visible: Vec<&Proposal> = proposal_ids.iter().filter_map(|id| c.proposals.get(id)).filter(|p| text_is_public(p)).collect();
            @if visible.is_empty() {
                p { (tr.t("consult-no-proposals-here")) }
            } @else {
                ul.proposals { @for p in visible { (proposal_item(tr, p, true)) } }
            }
            @if let Some(target) = in_draft.first() {
                p { a.button href=(format!("/consult/propose?target={}", percent_encode(target))) { (tr.t("consult-propose-here")) } }
            }
            @if !is_draft && in_draft.is_empty() && draft.is_some() {
                p.muted { (tr.t("consult-not-in-draft")) }
            }
        }
        section aria-labelledby="decisions-h" {
            h2 #decisions-h { (tr.t("consult-decisions")) }
            @if decision_ids.is_empty() {
                p { (tr.t("consult-no-decisions-here")) }
            } @else {
                ul.decisions {
                    @for d in decision_ids.iter().filter_map(|n| c.decisions.get(n)) {
                        li { (decision_markup(tr, &c, d)) }
                    }
                }
            }
        }
    };
    drop(c);
    let mut cr = crumbs(tr);
    cr.push((act_title, format!("/consult/act?v={v}")));
    let page = page_of(
        title,
        format!("/consult/article/{eid}"),
        format!("v={v}"),
        cr,
    );
    let session = svc.session(&headers);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn decision_markup(tr: Tr, c: &Consultation, d: &Decision) -> Markup {
    let lang = tr.lang;
    let l = legal_lang(lang);
    let date = c
        .meetings
        .get(&d.meeting)
        .map(|m| day(lang, &m.date))
        .unwrap_or_default();
    html! {
        p.head {
            strong { (tr.a("consult-decision-n", &[("n", Arg::S(d.number.to_string()))])) }
            " — "
            a href=(format!("/consult/meetings/{}#motion-{}", d.meeting, d.number)) {
                (tr.a("consult-meeting-n", &[("n", Arg::S(d.meeting.to_string()))])) ", " (date)
            }
        }
        @match &d.kind {
            MotionKind::Accept { amendment } => {
                p {
                    span.badge.p-accepted { (tr.t("consult-accepted")) } " "
                    @match &amendment.target {
                        AmendmentTarget::Replace { eid } => (tr.a("consult-amend-replace", &[("unit", Arg::S(eid_path_label(tr, eid)))])),
                        AmendmentTarget::InsertArticle { after, num } => (tr.a("consult-amend-insert", &[("num", Arg::S(num.clone())), ("after", Arg::S(eid_path_label(tr, after)))])),
                    }
                }
                @if let Some((tl, t)) = parallel(&amendment.text, l) {
                    blockquote lang=(tl.code()) { (t) }
                }
            }
            MotionKind::Reject { reason } => {
                p { span.badge.p-declined { (tr.t("consult-declined")) } " " (tr.t("consult-reason")) ": " q { (reason) } }
            }
        }
        @if !d.proposals.is_empty() {
            p.muted {
                (tr.t("consult-settles")) " "
                @for (i, id) in d.proposals.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(format!("/consult/proposals/{}", id.0)) { (id) }
                }
            }
        }
    }
}

/// `/consult/compare?from=A&to=B`: the article-level comparison of two versions.
pub async fn compare(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let l = legal_lang(ctx.lang);
    let versions: Vec<String> = svc.acts().iter().map(|a| a.act.version.clone()).collect();
    let default = |i: usize| {
        versions
            .len()
            .checked_sub(i)
            .and_then(|k| versions.get(k))
            .cloned()
    };
    let from = q.get("from").cloned().or_else(|| default(2));
    let to = q.get("to").cloned().or_else(|| default(1));
    let (Some(from), Some(to)) = (from, to) else {
        return layout::not_found(ctx, Some(tr.t("consult-no-version").into_owned()));
    };
    let Some(cmp) = svc.compare(&from, &to, l) else {
        return layout::not_found(ctx, Some(tr.t("consult-no-version").into_owned()));
    };
    let link = |version: &str, refs: &[ashyq_core::legal::compare::ArticleRef]| -> Markup {
        html! {
            @if refs.is_empty() { "—" }
            @for (i, r) in refs.iter().enumerate() {
                @if i > 0 { ", " }
                a href=(format!("/consult/article/{}?v={}", r.eid, percent_encode(version))) { (unit_label(tr, UnitKind::Article, &r.num)) }
            }
        }
    };
    let title = tr
        .a(
            "consult-compare-title",
            &[("from", Arg::S(from.clone())), ("to", Arg::S(to.clone()))],
        )
        .into_owned();
    let body = html! {
        h1 { (title) }
        p.lead { (stats_sentence(tr, &cmp.stats)) }
        p.hint { (tr.t("consult-compare-how")) }
        div.scroll {
            table.changes {
                caption { (tr.t("consult-compare-caption")) }
                thead { tr {
                    th scope="col" { (tr.t("col-change")) }
                    th scope="col" { (from) }
                    th scope="col" { (to) }
                    th scope="col" .num { (tr.t("col-similarity")) }
                } }
                tbody {
                    @for ch in &cmp.changes {
                        tr class=(format!("ch-{}", serde_plain_kind(ch.kind))) {
                            th scope="row" { (change_words(tr, ch.kind)) }
                            td { (link(&from, &ch.old)) }
                            td { (link(&to, &ch.new)) }
                            td.num { (ch.similarity_percent) "%" }
                        }
                        @if !ch.diff.is_empty() && ch.text_changed {
                            tr.diff-row { td colspan="4" { (diff_markup(tr, &ch.diff)) } }
                        }
                    }
                }
            }
        }
    };
    let page = page_of(
        title,
        "/consult/compare".into(),
        format!("from={}&to={}", percent_encode(&from), percent_encode(&to)),
        crumbs(tr),
    );
    let session = svc.session(&headers);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn serde_plain_kind(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Unchanged => "unchanged",
        ChangeKind::Modified => "modified",
        ChangeKind::Renumbered => "renumbered",
        ChangeKind::Moved => "moved",
        ChangeKind::Split => "split",
        ChangeKind::Merged => "merged",
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
    }
}

/// The proposals a listing shows: the search hits (best first) or every proposal (newest
/// first), filtered by status word; refused and unmoderated ones only when asked for by
/// status, and then without their text.
pub fn list_proposals(svc: &ConsultService, q: &str, status: &str) -> Vec<ProposalId> {
    let c = svc.consultation();
    let keep = |p: &Proposal| {
        let w = status_word(p.status());
        if status.is_empty() {
            text_is_public(p)
        } else {
            w == status
        }
    };
    if q.trim().is_empty() {
        c.proposals
            .values()
            .rev()
            .filter(|p| keep(p))
            .map(|p| p.id)
            .collect()
    } else {
        let hits = svc.search(q, 500);
        hits.into_iter()
            .filter(|id| c.proposals.get(id).is_some_and(&keep))
            .collect()
    }
}

/// `/consult/proposals?q=&status=&page=`: search and list.
pub async fn proposals(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let query: String = q
        .get("q")
        .map(|s| s.chars().take(200).collect())
        .unwrap_or_default();
    let status = q
        .get("status")
        .map(String::as_str)
        .filter(|s| STATUS_WORDS.contains(s))
        .unwrap_or("");
    let page_no: usize = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1);
    let ids = list_proposals(svc, &query, status);
    let total = ids.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let shown: Vec<ProposalId> = ids
        .into_iter()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let c = svc.consultation();
    let kept = keep(&q, &["q", "status"]);
    let href = |p: usize| {
        if kept.is_empty() {
            format!("/consult/proposals?page={p}")
        } else {
            format!("/consult/proposals?{kept}&page={p}")
        }
    };
    let body = html! {
        h1 { (tr.t("consult-proposals")) }
        (search_form(tr, &query, status))
        p.meta { (tr.a("consult-found", &[("count", Arg::N(total as u64)), ("n", Arg::S(integer(tr.lang, total as u64)))])) }
        @if shown.is_empty() {
            p { (tr.t("consult-nothing-found")) }
        } @else {
            ul.proposals {
                @for p in shown.iter().filter_map(|id| c.proposals.get(id)) {
                    (proposal_item(tr, p, text_is_public(p)))
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label=(tr.t("consult-pages")) {
                @if page_no > 1 { a href=(href(page_no - 1)) rel="prev" { (tr.t("consult-prev")) } " " }
                span { (tr.a("consult-page-of", &[("page", Arg::S(page_no.to_string())), ("pages", Arg::S(pages.to_string()))])) }
                @if page_no < pages { " " a href=(href(page_no + 1)) rel="next" { (tr.t("consult-next")) } }
            }
        }
        p { a href="/consult/propose" { (tr.t("consult-propose")) } }
    };
    drop(c);
    let page = page_of(
        tr.t("consult-proposals").into_owned(),
        "/consult/proposals".into(),
        kept,
        crumbs(tr),
    );
    let session = svc.session(&headers);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

/// A proposal number from a path: `42` or `P-000042`.
pub fn parse_proposal_id(s: &str) -> Option<ProposalId> {
    let digits = s
        .strip_prefix("P-")
        .or_else(|| s.strip_prefix("p-"))
        .unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(ProposalId)
}

/// `/consult/proposals/{id}`: a proposal with its public timeline and what became of it.
pub async fn proposal(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let Some(id) = parse_proposal_id(&id) else {
        return layout::not_found(ctx, Some(tr.t("consult-no-proposal").into_owned()));
    };
    let session = svc.session(&headers);
    let body = {
        let c = svc.consultation();
        let Ok(trace) = c.trace_proposal(id) else {
            return layout::not_found(ctx, Some(tr.t("consult-no-proposal").into_owned()));
        };
        proposal_body(ctx, svc, &c, &trace, session.as_ref(), &q)
    };
    let page = page_of(
        tr.a("consult-proposal-title", &[("id", Arg::S(id.to_string()))])
            .into_owned(),
        format!("/consult/proposals/{}", id.0),
        String::new(),
        {
            let mut c = crumbs(tr);
            c.push((
                tr.t("consult-proposals").into_owned(),
                "/consult/proposals".into(),
            ));
            c
        },
    );
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn proposal_body(
    ctx: Ctx,
    svc: &ConsultService,
    c: &Consultation,
    trace: &ashyq_core::consult::ProposalTrace,
    session: Option<&Session>,
    q: &HashMap<String, String>,
) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let p = &trace.proposal;
    let mine = session.is_some_and(|s| s.citizen == p.author);
    let moderator = session.is_some_and(|s| svc.is_moderator(&s.citizen));
    let show_text = text_is_public(p) || mine || moderator;
    let open = matches!(
        p.status(),
        ProposalStatus::Published | ProposalStatus::OnAgenda { .. }
    );
    let supported = session.is_some_and(|s| c.supports(p.id, &s.citizen));
    html! {
        h1 { (tr.a("consult-proposal-title", &[("id", Arg::S(p.id.to_string()))])) " " (status_badge(tr, p.status())) }
        @if q.contains_key("submitted") && mine {
            p.notice role="status" { (tr.t("consult-submitted-notice")) }
        }
        @if q.contains_key("supported") && supported {
            p.notice role="status" { (tr.t("consult-supported-notice")) }
        }
        dl.pairs {
            dt { (tr.t("consult-target")) } dd { (target_markup(tr, &p.target, None)) }
            dt { (tr.t("consult-language")) } dd { (i18n::Lang::parse(p.lang.code()).map_or(p.lang.code(), |l| l.endonym())) }
            dt { (tr.t("consult-supports-label")) } dd { (integer(lang, p.supports)) }
            @if mine { dt { (tr.t("consult-author")) } dd { (tr.t("consult-you")) } }
        }
        @if show_text {
            @if !text_is_public(p) { p.notice { (tr.t("consult-text-private")) } }
            h2 { (tr.t("consult-proposed-text")) }
            blockquote.proposal-text lang=(p.lang.code()) { @for line in p.text.lines() { p { (line) } } }
            @if !p.rationale.trim().is_empty() {
                h2 { (tr.t("consult-rationale")) }
                div lang=(p.lang.code()) { @for line in p.rationale.lines() { p { (line) } } }
            }
        } @else {
            p.notice { (tr.t("consult-text-withheld")) }
        }
        (super::consult_forms::proposal_actions(ctx, svc, p, session, open, supported, mine, moderator))
        section aria-labelledby="timeline-h" {
            h2 #timeline-h { (tr.t("consult-timeline")) }
            ol.timeline {
                @for s in &p.timeline {
                    li {
                        time datetime=(s.at) { (when(lang, &s.at)) }
                        " — " (status_sentence(tr, &s.status))
                        " " span.muted { "(" (tr.a("consult-log-entry", &[("seq", Arg::S(s.seq.to_string()))])) ")" }
                    }
                }
            }
        }
        @if let Some(cl) = &trace.cluster {
            @if cl.members.len() > 1 {
                section aria-labelledby="cluster-h" {
                    h2 #cluster-h { (tr.t("consult-cluster")) }
                    p { (tr.a("consult-cluster-about", &[("count", Arg::N(cl.members.len() as u64)), ("n", Arg::S(integer(lang, cl.members.len() as u64))), ("rep", Arg::S(cl.representative.to_string()))])) }
                    ul.inline-list {
                        @for m in &cl.members {
                            li {
                                @if *m == p.id { strong { (m) } } @else { a href=(format!("/consult/proposals/{}", m.0)) { (m) } }
                                @if *m == cl.representative { " " span.muted { "(" (tr.t("consult-representative")) ")" } }
                            }
                        }
                    }
                }
            }
        }
        @if !trace.decisions.is_empty() {
            section aria-labelledby="decisions-h" {
                h2 #decisions-h { (tr.t("consult-decisions")) }
                ul.decisions { @for d in &trace.decisions { li { (decision_markup(tr, c, d)) } } }
            }
        }
    }
}

/// `/consult/meetings`: the commission, its rules, members and meetings.
pub async fn meetings(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let lang = ctx.lang;
    let body = {
        let c = svc.consultation();
        html! {
            h1 { (tr.t("consult-commission")) }
            @if let Some(rules) = c.rules {
                @let t = rules.tally(c.members.len() as u64, 0, &[]);
                p { (tr.a("consult-commission-summary", &[("members", Arg::S(integer(lang, c.members.len() as u64))), ("quorum", Arg::S(integer(lang, t.quorum_needed)))])) }
                p { (tr.a("consult-rules", &[
                    ("qn", Arg::S(rules.quorum.num.to_string())), ("qd", Arg::S(rules.quorum.den.to_string())),
                    ("mn", Arg::S(rules.majority.num.to_string())), ("md", Arg::S(rules.majority.den.to_string())),
                    ("base", Arg::S(tr.t(match rules.base {
                        ashyq_core::consult::MajorityBase::Present => "base-present",
                        ashyq_core::consult::MajorityBase::Voting => "base-voting",
                        ashyq_core::consult::MajorityBase::Membership => "base-membership",
                    }).into_owned())),
                    ("cmp", Arg::S(tr.t(if rules.strict { "rule-more-than" } else { "rule-at-least" }).into_owned())),
                ])) }
            } @else {
                p { (tr.t("consult-no-commission")) }
            }
            h2 { (tr.t("consult-meetings")) }
            (meetings_list(tr, &c))
            @if !c.members.is_empty() {
                details.members {
                    summary { (tr.a("consult-members", &[("n", Arg::S(integer(lang, c.members.len() as u64)))])) }
                    div.scroll {
                        table {
                            caption { (tr.t("consult-members-caption")) }
                            thead { tr { th scope="col" .num { "№" } th scope="col" { (tr.t("col-name")) } th scope="col" { (tr.t("col-region")) } th scope="col" { (tr.t("col-group")) } } }
                            tbody {
                                @for m in c.members.values() {
                                    tr { td.num { (m.id) } th scope="row" { (m.name) } td { (m.region) } td { (m.group) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = page_of(
        tr.t("consult-commission").into_owned(),
        "/consult/meetings".into(),
        String::new(),
        crumbs(tr),
    );
    let session = svc.session(&headers);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn choice_word(tr: Tr, c: Choice) -> String {
    tr.t(match c {
        Choice::For => "vote-for",
        Choice::Against => "vote-against",
        Choice::Abstain => "vote-abstain",
    })
    .into_owned()
}

/// `/consult/meetings/{n}`: a meeting with its agenda, attendance, recorded votes and
/// decisions — the public minutes, generated from the log.
pub async fn meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(n): Path<String>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let tr = ctx.tr();
    let Some(number) = n.parse::<u32>().ok() else {
        return layout::not_found(ctx, Some(tr.t("consult-no-meeting").into_owned()));
    };
    let body = {
        let c = svc.consultation();
        let Some(m) = c.meetings.get(&number) else {
            return layout::not_found(ctx, Some(tr.t("consult-no-meeting").into_owned()));
        };
        meeting_body(ctx, &c, m)
    };
    let title = tr
        .a("consult-meeting-n", &[("n", Arg::S(number.to_string()))])
        .into_owned();
    let mut cr = crumbs(tr);
    cr.push((
        tr.t("consult-commission").into_owned(),
        "/consult/meetings".into(),
    ));
    let page = page_of(
        title,
        format!("/consult/meetings/{number}"),
        String::new(),
        cr,
    );
    let session = svc.session(&headers);
    consult_page(ctx, svc, session.as_ref(), &page, body)
}

fn meeting_body(ctx: Ctx, c: &Consultation, m: &Meeting) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let membership = c.members.len() as u64;
    let quorum = c
        .rules
        .map(|r| r.tally(membership, m.present.len() as u64, &[]));
    let absent: Vec<&str> = c
        .members
        .values()
        .filter(|x| !m.present.contains(&x.id))
        .map(|x| x.name.as_str())
        .collect();
    html! {
        h1 { (tr.a("consult-meeting-n", &[("n", Arg::S(m.number.to_string()))])) " — " (day(lang, &m.date)) }
        p.lead lang="en" { (m.title) }
        dl.pairs {
            dt { (tr.t("consult-broadcast")) }
            dd { a href=(m.broadcast) rel="external noopener" { (m.broadcast) } }
            dt { (tr.t("consult-attendance")) }
            dd {
                (tr.a("consult-present", &[("present", Arg::S(integer(lang, m.present.len() as u64))), ("members", Arg::S(integer(lang, membership)))]))
                @if let Some(q) = quorum {
                    "; " (tr.a("consult-quorum", &[("quorum", Arg::S(integer(lang, q.quorum_needed)))])) " "
                    @if q.quorate { span.ok { (tr.t("consult-quorate")) } } @else { span.warn { (tr.t("consult-not-quorate")) } }
                }
            }
            @if !absent.is_empty() {
                dt { (tr.t("consult-absent")) }
                dd { (absent.join(", ")) }
            }
        }
        h2 { (tr.t("consult-agenda")) }
        @if m.agenda.is_empty() { p { (tr.t("consult-no-agenda")) } }
        @for item in &m.agenda {
            (agenda_item(ctx, c, m, item))
        }
        section aria-labelledby="minutes-h" {
            h2 #minutes-h { (tr.t("consult-minutes")) }
            p { (tr.t("consult-minutes-about")) " " a href=(format!("/consult/meetings/{}/minutes.md", m.number)) download=(format!("minutes-{}.md", m.number)) { (tr.t("consult-minutes-download")) } }
        }
    }
}

fn agenda_item(ctx: Ctx, c: &Consultation, m: &Meeting, item: &AgendaItem) -> Markup {
    let tr = ctx.tr();
    let lang = ctx.lang;
    let l = legal_lang(lang);
    html! {
        section.item id=(format!("item-{}", item.number)) aria-labelledby=(format!("item-{}-h", item.number)) {
            h3 id=(format!("item-{}-h", item.number)) { (tr.a("consult-item-n", &[("n", Arg::S(item.number.to_string()))])) " " span lang="en" { (item.title) } }
            ul.clusters {
                @for cl in item.clusters.iter().filter_map(|k| c.clusters.get(k)) {
                    @let rep = c.proposals.get(&cl.representative);
                    @let supports: u64 = cl.members.iter().filter_map(|p| c.proposals.get(p)).map(|p| p.supports).sum();
                    li {
                        a href=(format!("/consult/proposals/{}", cl.representative.0)) { (cl.representative) }
                        @if let Some(rep) = rep { " " q lang=(rep.lang.code()) { (excerpt(&rep.text, 160)) } }
                        " " span.muted {
                            "(" (tr.a("consult-cluster-size", &[("count", Arg::N(cl.members.len() as u64)), ("n", Arg::S(integer(lang, cl.members.len() as u64)))]))
                            ", " (tr.a("consult-supports", &[("count", Arg::N(supports)), ("n", Arg::S(integer(lang, supports)))])) ")"
                        }
                    }
                }
            }
            @for motion in item.motions.iter().filter_map(|k| c.motions.get(k)) {
                (motion_markup(tr, c, m, motion, l))
            }
        }
    }
}

fn motion_markup(tr: Tr, c: &Consultation, m: &Meeting, motion: &Motion, l: legal::Lang) -> Markup {
    let lang = tr.lang;
    let t = &motion.tally;
    let n = |v: u64| Arg::S(integer(lang, v));
    html! {
        div.motion id=(format!("motion-{}", motion.number)) {
            h4 { (tr.a("consult-motion-n", &[("n", Arg::S(motion.number.to_string()))])) }
            @match &motion.kind {
                MotionKind::Accept { amendment } => {
                    p {
                        (tr.t("consult-motion-accept")) " "
                        @match &amendment.target {
                            AmendmentTarget::Replace { eid } => (tr.a("consult-amend-replace", &[("unit", Arg::S(eid_path_label(tr, eid)))])),
                            AmendmentTarget::InsertArticle { after, num } => (tr.a("consult-amend-insert", &[("num", Arg::S(num.clone())), ("after", Arg::S(eid_path_label(tr, after)))])),
                        }
                    }
                    @if let Some((tl, text)) = parallel(&amendment.text, l) { blockquote lang=(tl.code()) { (text) } }
                }
                MotionKind::Reject { reason } => {
                    p { (tr.t("consult-motion-reject")) " " q lang="en" { (reason) } }
                }
            }
            p.tally {
                (tr.a("consult-tally", &[("yes", n(t.yes)), ("no", n(t.no)), ("abstain", n(t.abstain)), ("nv", n(t.not_voting)), ("needed", n(t.votes_needed))]))
                " "
                @if t.carried {
                    strong.ok { (tr.a("consult-carried", &[("n", Arg::S(motion.number.to_string()))])) }
                } @else if !t.quorate {
                    strong.warn { (tr.t("consult-not-carried-quorum")) }
                } @else {
                    strong.warn { (tr.t("consult-not-carried")) }
                }
            }
            details.votes {
                summary { (tr.t("consult-recorded-votes")) }
                div.scroll {
                    table {
                        caption { (tr.a("consult-votes-caption", &[("n", Arg::S(motion.number.to_string()))])) }
                        thead { tr { th scope="col" { (tr.t("col-name")) } th scope="col" { (tr.t("col-vote")) } } }
                        tbody {
                            @for id in &m.present {
                                @let name = c.members.get(id).map_or("?", |x| x.name.as_str());
                                tr {
                                    th scope="row" { (name) }
                                    td { @match motion.votes.get(id) { Some(v) => (choice_word(tr, *v)), None => (tr.t("vote-none")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/consult/meetings/{n}/minutes.md`: the generated minutes as Markdown.
pub async fn minutes_md(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
) -> Response {
    let Some(svc) = service(&state) else {
        return no_consultation(ctx);
    };
    let Some(number) = n.parse::<u32>().ok() else {
        return layout::not_found(ctx, Some(ctx.tr().t("consult-no-meeting").into_owned()));
    };
    let text = minutes::minutes(&svc.consultation(), number);
    match text {
        Ok(t) => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], t).into_response(),
        Err(_) => layout::not_found(ctx, Some(ctx.tr().t("consult-no-meeting").into_owned())),
    }
}

/// The article eIds of an act, with their titles, for the proposal form.
pub fn article_choices(tr: Tr, act: &Act, l: legal::Lang) -> Vec<(String, String)> {
    act.articles()
        .into_iter()
        .map(|(u, _)| {
            let text = parallel(&u.content, l).map(|(_, t)| excerpt(t, 60));
            let title = unit_title(tr, u, l);
            match text {
                Some(t) if heading_text(u, l).is_none() => {
                    (u.eid.clone(), format!("{title} — {t}"))
                }
                _ => (u.eid.clone(), title),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposal_numbers_parse_in_both_spellings() {
        assert_eq!(parse_proposal_id("42"), Some(ProposalId(42)));
        assert_eq!(parse_proposal_id("P-000042"), Some(ProposalId(42)));
        for bad in ["", "P-", "-1", "1e3", "99999999999999999999", "４２"] {
            assert_eq!(parse_proposal_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn articles_are_found_above_their_paragraphs() {
        assert_eq!(article_of("sec_3__art_9__para_1"), "sec_3__art_9");
        assert_eq!(article_of("art_2"), "art_2");
        assert_eq!(article_of("sec_3"), "sec_3");
    }
}
