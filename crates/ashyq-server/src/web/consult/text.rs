//! The act's text and the consultation's records in words, for every page: units and their
//! labels, word diffs, dates, proposal statuses and targets, moderation reasons, decisions.
//! Text written by citizens and by the commission is marked with its language (`lang`); a
//! unit's text missing in the page's language is shown in another and marked so.

use ashyq_core::consult::{
    AmendmentTarget, Consultation, Decision, ModerationReason, MotionKind, ProposalStatus,
    ProposalTarget,
};
use ashyq_core::legal::compare::{ChangeKind, WordChange, WordTag};
use ashyq_core::legal::{self, Act, Parallel, Unit, UnitKind};
use chrono::NaiveDate;
use maud::{Markup, html};

use crate::consult::{article_of, status_word};
use crate::signin::percent_encode;
use crate::web::format::{date, integer, timestamp};
use crate::web::i18n::{self, Arg, Tr};

/// Kazakhstan's time zone (UTC+5), in which the log's times are shown.
pub(crate) const UTC_OFFSET_MINUTES: i32 = 5 * 60;

/// The language of legal texts for a page language.
pub fn legal_lang(l: i18n::Lang) -> legal::Lang {
    match l {
        i18n::Lang::Kk => legal::Lang::Kk,
        i18n::Lang::Ru => legal::Lang::Ru,
        i18n::Lang::En => legal::Lang::En,
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
pub(crate) fn parallel(p: &Parallel, l: legal::Lang) -> Option<(legal::Lang, &str)> {
    if let Some(t) = p.get(l).filter(|t| !t.trim().is_empty()) {
        return Some((l, t));
    }
    legal::Lang::ALL
        .into_iter()
        .find_map(|o| p.get(o).filter(|t| !t.trim().is_empty()).map(|t| (o, t)))
}

pub(crate) fn heading_text(u: &Unit, l: legal::Lang) -> Option<String> {
    parallel(&u.heading, l).map(|(_, t)| t.to_owned())
}

/// A unit's title with its heading: "Article 8. Parties".
pub(crate) fn unit_title(tr: Tr, u: &Unit, l: legal::Lang) -> String {
    let label = unit_label(tr, u.kind, &u.num);
    match heading_text(u, l) {
        Some(h) => format!("{label}. {h}"),
        None => label,
    }
}

/// A unit's text and its sub-units, in `l`.
pub(crate) fn unit_body(tr: Tr, u: &Unit, l: legal::Lang) -> Markup {
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
pub(crate) fn status_sentence(tr: Tr, s: &ProposalStatus) -> Markup {
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

/// "Article 8, paragraph 1" for `sec_2__art_8__para_1`.
pub(crate) fn eid_path_label(tr: Tr, eid: &str) -> String {
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

pub(crate) fn excerpt(text: &str, chars: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= chars {
        return t.to_owned();
    }
    let cut: String = t.chars().take(chars).collect();
    format!("{}…", cut.trim_end())
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

pub(crate) fn change_words(tr: Tr, k: ChangeKind) -> String {
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

pub(crate) fn serde_plain_kind(k: ChangeKind) -> &'static str {
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

pub(crate) fn decision_markup(tr: Tr, c: &Consultation, d: &Decision) -> Markup {
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
