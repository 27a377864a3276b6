//! A bill's way through the Kurultai: three readings, amendments as new versions of its text,
//! transmission to the President, signature or return with objections, an override where the
//! rules have one, a petition to the Constitutional Court, and entry into force; with the
//! deadlines each step sets.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::legal::Act;
use crate::legal::Lang;
use crate::legal::compare::{self, CompareOptions, Comparison};

use super::rules::KurultaiRules;
use super::{ActKind, BillId, CommitteeId, Initiator, KurultaiError, MemberId, Proposer, refuse};

/// Where a bill stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BillStatus {
    /// Before the house, `passed` readings of three passed.
    InReadings {
        /// Readings passed so far (0, 1 or 2).
        passed: u8,
    },
    /// Passed its third reading (or its objections were overridden): to go to the President.
    Adopted,
    /// With the President.
    Transmitted,
    /// Returned by the President with objections.
    Returned,
    /// Signed by the President.
    Signed,
    /// Rejected by the house, or the President's objections were not overcome.
    Rejected,
}

impl BillStatus {
    /// A short name for filters and pages (`in_readings`, `adopted`, …).
    pub fn key(&self) -> &'static str {
        match self {
            BillStatus::InReadings { .. } => "in_readings",
            BillStatus::Adopted => "adopted",
            BillStatus::Transmitted => "transmitted",
            BillStatus::Returned => "returned",
            BillStatus::Signed => "signed",
            BillStatus::Rejected => "rejected",
        }
    }

    /// Every key, for filters.
    pub const KEYS: [&'static str; 6] = [
        "in_readings",
        "adopted",
        "transmitted",
        "returned",
        "signed",
        "rejected",
    ];
}

/// What a reading's vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingOutcome {
    /// The reading passed.
    Passed,
    /// The votes against met the rule of rejection: the bill is rejected.
    Rejected,
    /// Neither: the reading may be held again.
    NotPassed,
}

/// Where a version of the text came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum VersionSource {
    /// The text as introduced.
    Introduced,
    /// An amendment carried by the vote with this number.
    Amendment {
        /// Who proposed it.
        proposer: Proposer,
        /// The vote's number.
        vote: u32,
    },
}

/// One version of a bill's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillVersion {
    /// The text.
    pub text: Act,
    /// Where it came from.
    pub source: VersionSource,
    /// The day.
    pub on: NaiveDate,
    /// The log entry.
    pub seq: u64,
}

/// One step of a bill's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The log entry.
    pub seq: u64,
    /// The day.
    pub on: NaiveDate,
    /// The event's kind (`bill_introduced`, `reading_voted`, …).
    pub kind: &'static str,
    /// What happened, in English.
    pub summary: String,
    /// The vote's number, for a step that was a vote.
    pub vote: Option<u32>,
}

/// A deadline a bill's step sets, and whether it was met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// What is due (`adoption of a priority bill`, `transmission to the President`, …).
    pub what: &'static str,
    /// The last day.
    pub due: NaiveDate,
    /// The day it was done, if done.
    pub done_on: Option<NaiveDate>,
    /// Done late, or not done and `today` is past the day.
    pub overdue: bool,
}

/// A bill and everything that happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bill {
    /// Its id.
    pub id: BillId,
    /// What it would become.
    pub kind: ActKind,
    /// A priority bill.
    pub priority: bool,
    /// Who introduced it.
    pub initiator: Initiator,
    /// The committee it is referred to.
    pub committee: CommitteeId,
    /// The day it was introduced.
    pub introduced_on: NaiveDate,
    /// Every version of its text, the first as introduced.
    pub versions: Vec<BillVersion>,
    /// Where it stands.
    pub status: BillStatus,
    /// Every step, in order.
    pub timeline: Vec<Step>,
    /// The day it was (last) adopted.
    pub adopted_on: Option<NaiveDate>,
    /// The day it went to the President (last).
    pub transmitted_on: Option<NaiveDate>,
    /// The day it was signed.
    pub signed_on: Option<NaiveDate>,
    /// The day it enters into force.
    pub in_force: Option<NaiveDate>,
    /// The President's objections, if returned.
    pub objections: Option<String>,
    /// Petitions to the Constitutional Court: the day and the signatories.
    pub petitions: Vec<(NaiveDate, Vec<MemberId>)>,
    /// The day of the latest step.
    pub last_on: NaiveDate,
    /// Readings passed (0 to 3).
    pub readings: u8,
    /// The day its third reading passed.
    pub first_adopted_on: Option<NaiveDate>,
    /// The day the President returned it, if returned.
    pub returned_on: Option<NaiveDate>,
}

impl Bill {
    /// The bill's current text.
    pub fn text(&self) -> &Act {
        &self
            .versions
            .last()
            .expect("a bill has the version it was introduced with")
            .text
    }

    /// Its title in one language.
    pub fn title(&self, lang: Lang) -> &str {
        self.text().title.get_or_any(lang)
    }

    /// The comparison of version `i − 1` with version `i` (`i ≥ 1`), article by article.
    pub fn diff(&self, i: usize, lang: Lang) -> Option<Comparison> {
        let (old, new) = (self.versions.get(i.checked_sub(1)?)?, self.versions.get(i)?);
        Some(compare::compare(
            &old.text,
            &new.text,
            lang,
            CompareOptions::default(),
        ))
    }

    /// The deadlines of its steps, judged on `today`.
    pub fn deadlines(&self, rules: &KurultaiRules, today: NaiveDate) -> Vec<Deadline> {
        let mut out = Vec::new();
        let judge = |what, due: NaiveDate, done_on: Option<NaiveDate>| Deadline {
            what,
            due,
            done_on,
            overdue: match done_on {
                Some(d) => d > due,
                None => today > due,
            },
        };
        let open = !matches!(self.status, BillStatus::Rejected);
        if self.priority
            && let Some(due) = self
                .introduced_on
                .checked_add_months(Months::new(rules.priority_within_months))
            && (open || self.adopted_on.is_some())
        {
            out.push(judge(
                "adoption of a priority bill",
                due,
                self.first_adopted_on,
            ));
        }
        if let Some(adopted) = self.adopted_on {
            let due = adopted + Days::new(u64::from(rules.transmit_within_days));
            let done = self.transmitted_on.filter(|t| *t >= adopted);
            if open || done.is_some() {
                out.push(judge("transmission to the President", due, done));
            }
        }
        if let Some(t) = self.transmitted_on
            && self.adopted_on.is_some_and(|a| t >= a)
        {
            let due = t + Days::new(u64::from(rules.sign_within_days));
            let done = self.signed_on.or(self.returned_on.filter(|r| *r >= t));
            out.push(judge("signature or return by the President", due, done));
        }
        out
    }

    /// The last day the President may sign or return it, once transmitted.
    pub fn signing_deadline(&self, rules: &KurultaiRules) -> Option<NaiveDate> {
        self.transmitted_on
            .map(|t| t + Days::new(u64::from(rules.sign_within_days)))
    }

    // ---- the checks of each step ----------------------------------------------------------

    /// A step on `on` must not come before the bill's latest step.
    pub(super) fn check_date(&self, on: NaiveDate) -> Result<(), KurultaiError> {
        if on < self.last_on {
            return refuse(
                "order of dates",
                format!(
                    "{on} is before {}, the day of the bill's latest step; record steps in the order they happened",
                    self.last_on
                ),
            );
        }
        Ok(())
    }

    /// The next reading, if the bill is in its readings; refuses otherwise.
    pub(super) fn next_reading(&self, what: &str) -> Result<u8, KurultaiError> {
        match self.status {
            BillStatus::InReadings { passed } => Ok(passed + 1),
            ref s => refuse(
                "three readings",
                format!(
                    "bill {} is {} and no longer in its readings: {what} is held only before the third reading passes",
                    self.id,
                    s.key()
                ),
            ),
        }
    }

    /// Checks that reading `n` is the next one.
    pub(super) fn check_reading(&self, n: u8) -> Result<(), KurultaiError> {
        let next = self.next_reading("a reading")?;
        if n != next {
            let ord = |n: u8| match n {
                1 => "first",
                2 => "second",
                3 => "third",
                _ => "no such",
            };
            return refuse(
                "three readings",
                format!(
                    "bill {} has passed {} readings: the {} reading comes next, not the {} (reading {n}); the readings are held in order, the first two on substance, the third on legal form",
                    self.id,
                    next - 1,
                    ord(next),
                    ord(n)
                ),
            );
        }
        Ok(())
    }

    /// Checks the bill is in `want`, naming the step.
    pub(super) fn check_status(
        &self,
        want: &[&'static str],
        step: &str,
    ) -> Result<(), KurultaiError> {
        if want.contains(&self.status.key()) {
            return Ok(());
        }
        refuse(
            "order of steps",
            format!(
                "bill {} is {}; {step} needs it to be {}",
                self.id,
                self.status.key(),
                want.join(" or ")
            ),
        )
    }

    /// Signing or returning on `on` must fall within the President's period.
    pub(super) fn check_signing_period(
        &self,
        rules: &KurultaiRules,
        on: NaiveDate,
        step: &str,
    ) -> Result<(), KurultaiError> {
        if let Some(due) = self.signing_deadline(rules)
            && on > due
        {
            return refuse(
                "signing period",
                format!(
                    "bill {} reached the President on {}; the period of {} days to sign or return it ended on {due}, so a {step} on {on} cannot be recorded",
                    self.id,
                    self.transmitted_on
                        .expect("a deadline needs a transmission"),
                    rules.sign_within_days
                ),
            );
        }
        Ok(())
    }
}
