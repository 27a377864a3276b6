//! The commission: its rules, members and meetings, and each meeting with its agenda,
//! attendance, recorded votes and decisions — the public minutes, generated from the log (also
//! as Markdown).

use ashyq_core::consult::{
    AgendaItem, AmendmentTarget, Choice, Consultation, Meeting, Motion, MotionKind, minutes,
};
use ashyq_core::legal;
use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::frame::{Served, consult_page, crumbs, page_of};
use super::text::{day, eid_path_label, excerpt, legal_lang, parallel};
use crate::web::ctx::Ctx;
use crate::web::format::integer;
use crate::web::i18n::{Arg, Tr};
use crate::web::layout;

/// `/consult/meetings`: the commission, its rules, members and meetings.
pub async fn meetings(Served(svc): Served, ctx: Ctx, headers: HeaderMap) -> Response {
    let session = svc.session(&headers).await;
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
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}

pub(crate) fn meetings_list(tr: Tr, c: &Consultation) -> Markup {
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

pub(crate) fn choice_word(tr: Tr, c: Choice) -> String {
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
    Served(svc): Served,
    ctx: Ctx,
    headers: HeaderMap,
    Path(n): Path<String>,
) -> Response {
    let session = svc.session(&headers).await;
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
    consult_page(ctx, &svc, session.as_ref(), &page, body)
}

pub(crate) fn meeting_body(ctx: Ctx, c: &Consultation, m: &Meeting) -> Markup {
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

pub(crate) fn agenda_item(ctx: Ctx, c: &Consultation, m: &Meeting, item: &AgendaItem) -> Markup {
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

pub(crate) fn motion_markup(
    tr: Tr,
    c: &Consultation,
    m: &Meeting,
    motion: &Motion,
    l: legal::Lang,
) -> Markup {
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
pub async fn minutes_md(Served(svc): Served, ctx: Ctx, Path(n): Path<String>) -> Response {
    let Some(number) = n.parse::<u32>().ok() else {
        return layout::not_found(ctx, Some(ctx.tr().t("consult-no-meeting").into_owned()));
    };
    let text = minutes::minutes(&svc.consultation(), number);
    match text {
        Ok(t) => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], t).into_response(),
        Err(_) => layout::not_found(ctx, Some(ctx.tr().t("consult-no-meeting").into_owned())),
    }
}
