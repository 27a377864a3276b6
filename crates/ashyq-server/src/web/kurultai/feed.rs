//! Atom feeds (RFC 4287) to follow the Kurultai: a bill's steps
//! (`/kurultai/bills/{id}/feed.atom`), a deputy's votes (`/kurultai/deputies/{m}/feed.atom`)
//! and the steps of a committee's bills (`/kurultai/committees/{id}/feed.atom`), newest first,
//! at most [`ENTRIES`] entries, in the page's language. Each entry's time is its log entry's,
//! its id a `tag:` URI naming the log entry, so an entry never changes id; its link is the page
//! of the vote or the bill (relative to the feed, RFC 4287 §4.2.7 with RFC 3986 §5).
//!
//! The XML is written by `atom_syndication`, a maintained Atom crate; the tests read every feed
//! back with it.

use std::collections::HashMap;

use ashyq_core::kurultai::{Ballot, BillId, CommitteeId, MemberId};
use ashyq_core::ledger::Ledger;
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use super::bills::legal_lang;
use super::text::{ballot, step_kind};
use super::{People, not_found};
use crate::AppState;
use crate::web::Ctx;
use crate::web::format::date;
use crate::web::i18n::{Arg, Tr};

/// The most entries in one feed.
pub const ENTRIES: usize = 50;

/// The content type of a feed.
pub const ATOM: &str = "application/atom+xml; charset=utf-8";

fn astana() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).expect("UTC+5 is a valid offset")
}

/// The time of log entry `seq` in Astana, else noon of `on` there.
fn time_of(ledger: &Ledger, seq: u64, on: NaiveDate) -> FixedDateTime {
    ledger.entry_time(seq).map_or_else(
        || {
            on.and_hms_opt(12, 0, 0)
                .expect("noon exists")
                .and_local_timezone(astana())
                .single()
                .expect("a fixed offset has no gaps")
        },
        |t: DateTime<Utc>| t.with_timezone(&astana()),
    )
}

/// One entry: its log entry, time, title, text and the page it links to.
struct Item {
    seq: u64,
    updated: FixedDateTime,
    title: String,
    summary: String,
    href: String,
}

fn link(href: String, rel: &str, mime: &str) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        ..Link::default()
    }
}

/// The feed document: `what` names the followed thing in the `tag:` ids (`bill/…`).
fn feed(ctx: Ctx, what: &str, title: String, page: &str, mut items: Vec<Item>) -> Response {
    items.sort_by_key(|i| std::cmp::Reverse(i.seq));
    items.truncate(ENTRIES);
    let epoch = DateTime::<Utc>::UNIX_EPOCH.with_timezone(&astana());
    let mut f = Feed::default();
    f.set_id(format!("tag:ashyq,2026:kurultai/{what}"));
    f.set_title(Text::plain(title));
    f.set_updated(items.first().map_or(epoch, |i| i.updated));
    f.set_lang(Some(ctx.lang.code().to_owned()));
    f.set_authors(vec![Person {
        name: ctx.tr().t("kurultai-feed-author").into_owned(),
        ..Person::default()
    }]);
    f.set_links(vec![
        link(format!("{page}/feed.atom"), "self", "application/atom+xml"),
        link(page.to_owned(), "alternate", "text/html"),
    ]);
    f.set_entries(
        items
            .into_iter()
            .map(|i| {
                let mut e = Entry::default();
                e.set_id(format!("tag:ashyq,2026:kurultai/{what}/{}", i.seq));
                e.set_title(Text::plain(i.title));
                e.set_updated(i.updated);
                e.set_summary(Some(Text::plain(i.summary)));
                e.set_links(vec![link(i.href, "alternate", "text/html")]);
                e
            })
            .collect::<Vec<_>>(),
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ATOM),
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Accept-Language, Cookie"),
        ],
        f.to_string(),
    )
        .into_response()
}

/// The items of a bill's timeline.
fn bill_items(tr: Tr, ledger: &Ledger, id: &BillId) -> Vec<Item> {
    let k = ledger.kurultai();
    let Some(b) = k.bill(id) else {
        return Vec::new();
    };
    let title = b.title(legal_lang(tr.lang)).to_owned();
    b.timeline
        .iter()
        .map(|s| {
            let (summary, href) = match s.vote.and_then(|n| k.vote(n)) {
                Some(v) => (
                    format!(
                        "{} — {}",
                        v.vote.motion,
                        tr.t(if v.vote.tally.carried {
                            "kurultai-carried"
                        } else {
                            "kurultai-not-carried"
                        })
                    ),
                    format!("/kurultai/votes/{}", v.vote.number),
                ),
                None => (title.clone(), format!("/kurultai/bills/{}", b.id)),
            };
            Item {
                seq: s.seq,
                updated: time_of(ledger, s.seq, s.on),
                title: format!(
                    "{}: {} ({})",
                    title,
                    step_kind(tr, s.kind),
                    date(tr.lang, s.on)
                ),
                summary,
                href,
            }
        })
        .collect()
}

/// `/kurultai/bills/{id}/feed.atom`: a bill's steps.
pub async fn bill(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let bid = BillId(id);
    let Some(b) = ledger.kurultai().bill(&bid) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-bill", &bid.0);
    };
    let title = b.title(legal_lang(tr.lang)).to_owned();
    let items = bill_items(tr, &ledger, &bid);
    drop(ledger);
    let page = format!("/kurultai/bills/{}", bid.0);
    feed(ctx, &format!("bill/{}", bid.0), title, &page, items)
}

/// `/kurultai/deputies/{member}/feed.atom`: a deputy's votes.
pub async fn deputy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(member): Path<String>,
) -> Response {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let people = People::of(&ledger);
    let id = MemberId(member);
    let Some(d) = people.deputy(&id) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-deputy", &id.0);
    };
    let k = ledger.kurultai();
    let items: Vec<Item> = k
        .ballots_of(&id)
        .iter()
        .rev()
        .take(ENTRIES)
        .filter_map(|(n, b): &(u32, Ballot)| {
            let v = k.vote(*n)?;
            Some(Item {
                seq: v.seq,
                updated: time_of(&ledger, v.seq, v.vote.on),
                title: tr
                    .a(
                        "kurultai-feed-deputy-entry",
                        &[
                            ("name", Arg::S(d.name.clone())),
                            ("ballot", Arg::S(ballot(tr, *b))),
                            ("motion", Arg::S(v.vote.motion.clone())),
                        ],
                    )
                    .into_owned(),
                summary: format!("{} ({})", v.vote.motion, date(tr.lang, v.vote.on)),
                href: format!("/kurultai/votes/{n}"),
            })
        })
        .collect();
    let title = d.name.clone();
    drop(ledger);
    let page = format!("/kurultai/deputies/{}", id.0);
    feed(ctx, &format!("deputy/{}", id.0), title, &page, items)
}

/// `/kurultai/committees/{id}/feed.atom`: the steps of the bills referred to a committee.
pub async fn committee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let tr = ctx.tr();
    let ledger = state.registrar.ledger();
    let k = ledger.kurultai();
    let cid = CommitteeId(id);
    let Some(c) = k.committee(&cid) else {
        drop(ledger);
        return not_found(ctx, "kurultai-no-committee", &cid.0);
    };
    let title = c.name.get(tr.lang.code()).to_owned();
    let mut latest: HashMap<u64, Item> = HashMap::new();
    for b in k.bills().filter(|b| b.committee == cid) {
        for i in bill_items(tr, &ledger, &b.id) {
            latest.insert(i.seq, i);
        }
    }
    drop(ledger);
    let page = format!("/kurultai/committees/{}", cid.0);
    feed(
        ctx,
        &format!("committee/{}", cid.0),
        title,
        &page,
        latest.into_values().collect(),
    )
}
