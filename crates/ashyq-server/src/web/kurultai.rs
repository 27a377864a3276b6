//! The Kurultai at work, in public (`docs/kurultai.md`): the house (`/kurultai`: factions,
//! officers, committees, the Vice President, the People's Council), the bill tracker
//! (`/kurultai/bills`, searched with the tantivy index and filtered by status, initiator and
//! committee), each bill's timeline with its deadlines, text versions and their diffs, every
//! roll call with each deputy's vote by faction (`/kurultai/votes/{n}`), each deputy's voting
//! record and attendance, each committee — and Atom feeds per bill, deputy and committee.
//!
//! Every figure is the ledger's (`ashyq_core::kurultai`), the same the Popolo document, the
//! votes CSV and `ashyq verify` give. Every page works without JavaScript.
//!
//! The parts: `text.rs` (words for ballots, statuses, steps and initiators), `house.rs` (the
//! house, deputies, committees and votes), `bills.rs` (the tracker, its search index and a
//! bill's page), `feed.rs` (the Atom feeds).

use std::collections::HashMap;

use ashyq_core::kurultai::MemberId;
use ashyq_core::kurultai::popolo::Deputy;
use ashyq_core::ledger::Ledger;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use super::Ctx;
use super::i18n::Tr;
use super::layout;
use crate::AppState;

pub mod bills;
pub mod feed;
pub mod house;
pub mod text;

pub use bills::BillSearch;

/// The routes of the Kurultai's pages and feeds.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kurultai", get(house::overview))
        .route("/kurultai/bills", get(bills::list))
        .route("/kurultai/bills/{id}", get(bills::bill))
        .route("/kurultai/bills/{id}/feed.atom", get(feed::bill))
        .route("/kurultai/votes", get(house::votes))
        .route("/kurultai/votes/{number}", get(house::vote))
        .route("/kurultai/deputies", get(house::deputies))
        .route("/kurultai/deputies/{member}", get(house::deputy))
        .route("/kurultai/deputies/{member}/feed.atom", get(feed::deputy))
        .route("/kurultai/committees/{id}", get(house::committee))
        .route("/kurultai/committees/{id}/feed.atom", get(feed::committee))
}

/// The URLs of every Kurultai page and feed, for the static mirror (each in every language).
/// The deputies' records past their first page and the tracker's searches are not mirrored.
pub fn page_urls(ledger: &Ledger) -> Vec<String> {
    let k = ledger.kurultai();
    if k.convening().is_none() {
        return vec!["/kurultai".to_owned()];
    }
    let mut out = vec![
        "/kurultai".to_owned(),
        "/kurultai/bills".to_owned(),
        "/kurultai/votes".to_owned(),
        "/kurultai/deputies".to_owned(),
    ];
    for b in k.bills() {
        out.push(format!("/kurultai/bills/{}", b.id));
        out.push(format!("/kurultai/bills/{}/feed.atom", b.id));
    }
    for v in k.votes() {
        out.push(format!("/kurultai/votes/{}", v.vote.number));
    }
    for d in ledger.kurultai_deputies() {
        out.push(format!("/kurultai/deputies/{}", d.id.0));
        out.push(format!("/kurultai/deputies/{}/feed.atom", d.id.0));
    }
    for c in k.committees() {
        out.push(format!("/kurultai/committees/{}", c.id));
        out.push(format!("/kurultai/committees/{}/feed.atom", c.id));
    }
    out
}

/// Every person who voted in the house or the People's Council, by id: the deputies ever
/// seated (name, faction) and the council's members (name, their block).
pub struct People {
    deputies: HashMap<MemberId, Deputy>,
    council: HashMap<MemberId, (String, String)>,
}

impl People {
    /// The people of `ledger`'s house.
    pub fn of(ledger: &Ledger) -> People {
        People {
            deputies: ledger
                .kurultai_deputies()
                .into_iter()
                .map(|d| (d.id.clone(), d))
                .collect(),
            council: ledger
                .kurultai()
                .council()
                .members
                .values()
                .map(|m| (m.id.clone(), (m.name.clone(), m.block.clone())))
                .collect(),
        }
    }

    /// A deputy, if ever seated.
    pub fn deputy(&self, id: &MemberId) -> Option<&Deputy> {
        self.deputies.get(id)
    }

    /// Every deputy ever seated.
    pub fn deputies(&self) -> impl Iterator<Item = &Deputy> {
        self.deputies.values()
    }

    /// A voter's name: the deputy's or the council member's, else the id itself.
    pub fn name<'a>(&'a self, id: &'a MemberId) -> &'a str {
        self.deputies
            .get(id)
            .map(|d| d.name.as_str())
            .or_else(|| self.council.get(id).map(|(n, _)| n.as_str()))
            .unwrap_or(&id.0)
    }

    /// A voter's group: a deputy's faction, a council member's block.
    pub fn group<'a>(&'a self, id: &'a MemberId) -> &'a str {
        self.deputies
            .get(id)
            .map(|d| d.party.as_str())
            .or_else(|| self.council.get(id).map(|(_, b)| b.as_str()))
            .unwrap_or("—")
    }
}

/// The "not found" page for something of the Kurultai, saying what was looked for.
pub(crate) fn not_found(ctx: Ctx, key: &str, what: &str) -> Response {
    let tr: Tr = ctx.tr();
    let shown: String = what.chars().take(64).collect();
    layout::not_found(
        ctx,
        Some(
            tr.a(key, &[("id", super::i18n::Arg::S(shown))])
                .into_owned(),
        ),
    )
}

/// The breadcrumbs under the Kurultai's page.
pub(crate) fn crumbs(tr: Tr) -> Vec<(String, String)> {
    vec![(tr.t("kurultai-title").into_owned(), "/kurultai".into())]
}

/// A table's head: each column's message key, and whether it holds numbers.
pub(crate) fn heads(tr: Tr, cols: &[(&str, bool)]) -> maud::Markup {
    maud::html! {
        thead { tr {
            @for (key, num) in cols {
                @if *num {
                    th scope="col" .num { (tr.t(key)) }
                } @else {
                    th scope="col" { (tr.t(key)) }
                }
            }
        } }
    }
}

/// A page number from `?page=` (1 when absent or not a number ≥ 1).
pub(crate) fn page_number(q: &HashMap<String, String>) -> usize {
    q.get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}
