//! The Kurultai's words in the page's language: ballots, a bill's status, the kinds of steps
//! and votes, initiators, proposers, deadlines, and a vote's outcome.

use ashyq_core::kurultai::{
    ActKind, Ballot, BillStatus, Deadline, Initiator, InitiatorKind, Proposer, VersionSource,
    VoteRecord,
};
use maud::{Markup, html};

use super::People;
use crate::web::i18n::{Arg, Tr};

/// A ballot in words.
pub fn ballot(tr: Tr, b: Ballot) -> String {
    tr.t(ballot_key(b)).into_owned()
}

/// A ballot's message key, also its CSS class's stem.
pub fn ballot_key(b: Ballot) -> &'static str {
    match b {
        Ballot::Yes => "kurultai-ballot-yes",
        Ballot::No => "kurultai-ballot-no",
        Ballot::Abstain => "kurultai-ballot-abstain",
        Ballot::Absent => "kurultai-ballot-absent",
        Ballot::NotVoting => "kurultai-ballot-not-voting",
    }
}

/// A bill's status in words (`passed` readings counted).
pub fn status(tr: Tr, s: &BillStatus) -> String {
    match s {
        BillStatus::InReadings { passed } => tr
            .a(
                "kurultai-status-in_readings",
                &[("passed", Arg::S(passed.to_string()))],
            )
            .into_owned(),
        other => tr
            .t(&format!("kurultai-status-{}", other.key()))
            .into_owned(),
    }
}

/// A status filter's label (`in_readings` without a count).
pub fn status_filter(tr: Tr, key: &str) -> String {
    tr.t(&format!("kurultai-filter-{key}")).into_owned()
}

/// A status as a badge.
pub fn status_badge(tr: Tr, s: &BillStatus) -> Markup {
    html! { span class=(format!("badge st-{}", s.key())) { (status(tr, s)) } }
}

/// What kind of act a bill would become.
pub fn act_kind(tr: Tr, k: ActKind) -> String {
    tr.t(match k {
        ActKind::Law => "kurultai-kind-law",
        ActKind::ConstitutionalLaw => "kurultai-kind-constitutional",
    })
    .into_owned()
}

/// The message key of an initiator kind (also the tracker's filter value).
pub fn initiator_kind_key(k: InitiatorKind) -> &'static str {
    match k {
        InitiatorKind::President => "president",
        InitiatorKind::Deputies => "deputies",
        InitiatorKind::Government => "government",
        InitiatorKind::PeoplesCouncil => "peoples_council",
        InitiatorKind::SupremeCourt => "supreme_court",
    }
}

/// Every initiator kind, in the order of the filter.
pub const INITIATOR_KINDS: [InitiatorKind; 5] = [
    InitiatorKind::President,
    InitiatorKind::Deputies,
    InitiatorKind::Government,
    InitiatorKind::PeoplesCouncil,
    InitiatorKind::SupremeCourt,
];

/// An initiator kind in words.
pub fn initiator_kind(tr: Tr, k: InitiatorKind) -> String {
    tr.t(&format!("kurultai-initiator-{}", initiator_kind_key(k)))
        .into_owned()
}

/// Who introduced a bill, with the deputies named and linked.
pub fn initiator(tr: Tr, i: &Initiator, people: &People) -> Markup {
    html! {
        @match i {
            Initiator::Deputies { members } => {
                (initiator_kind(tr, i.kind())) ": "
                @for (n, m) in members.iter().enumerate() {
                    @if n > 0 { ", " }
                    a href=(format!("/kurultai/deputies/{}", m.0)) { (people.name(m)) }
                }
            }
            Initiator::PeoplesCouncil { initiative } => {
                (tr.a("kurultai-initiator-council-n", &[("n", Arg::S(initiative.to_string()))]))
            }
            other => (initiator_kind(tr, other.kind())),
        }
    }
}

/// Who proposed an amendment.
pub fn proposer(tr: Tr, p: &Proposer, people: &People) -> Markup {
    html! {
        @match p {
            Proposer::Deputy { member } => a href=(format!("/kurultai/deputies/{}", member.0)) { (people.name(member)) },
            Proposer::Committee { committee } => {
                (tr.t("kurultai-committee")) " " a href=(format!("/kurultai/committees/{committee}")) { (committee) }
            }
        }
    }
}

/// Where a version of a bill's text came from.
pub fn version_source(tr: Tr, s: &VersionSource, people: &People) -> Markup {
    html! {
        @match s {
            VersionSource::Introduced => (tr.t("kurultai-version-introduced")),
            VersionSource::Amendment { proposer: p, vote } => {
                (tr.t("kurultai-version-amendment")) " " (proposer(tr, p, people)) ", "
                a href=(format!("/kurultai/votes/{vote}")) { (tr.a("kurultai-vote-n", &[("n", Arg::S(vote.to_string()))])) }
            }
        }
    }
}

/// The kind of a step or vote (the event's kind, e.g. `reading_voted`) in words.
pub fn step_kind(tr: Tr, kind: &str) -> String {
    let key = format!("kurultai-step-{kind}");
    let text = tr.t(&key);
    if text == key {
        kind.replace('_', " ")
    } else {
        text.into_owned()
    }
}

/// What a deadline is for, in words.
pub fn deadline_what(tr: Tr, d: &Deadline) -> String {
    let key = match d.what {
        "adoption of a priority bill" => "kurultai-deadline-priority",
        "transmission to the President" => "kurultai-deadline-transmit",
        "signature or return by the President" => "kurultai-deadline-sign",
        other => return other.to_owned(),
    };
    tr.t(key).into_owned()
}

/// A vote's outcome as a badge: carried or not (and inquorate).
pub fn outcome_badge(tr: Tr, v: &VoteRecord) -> Markup {
    let t = &v.vote.tally;
    html! {
        @if t.carried {
            span.badge.carried { (tr.t("kurultai-carried")) }
        } @else if !t.quorate {
            span.badge.not-carried { (tr.t("kurultai-inquorate")) }
        } @else {
            span.badge.not-carried { (tr.t("kurultai-not-carried")) }
        }
    }
}
