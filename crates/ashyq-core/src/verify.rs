//! The offline verifier: trusts nothing but an exported log.
//!
//! It reads the JSON Lines export entry by entry, re-checks the hash chain, and replays every
//! event through its domain's [`Domain::apply`] — the same rules the live system used. For
//! the public log that re-derives every protocol's hash and warnings, every aggregate and
//! every certified figure and outcome; for the consultation every rule of supports, quorum and
//! majority; for the register's trail its chain and that no IIN stands in it. The first entry
//! that fails is named with its line, sequence number and kind. [`ChainKind::of_line`] tells
//! which chain an exported file holds.

use serde::de::DeserializeOwned;

use crate::chain::{ChainEvent, Entry, LogHash};
use crate::consult::ConsultEvent;
use crate::contest::ContestId;
use crate::event::Event;
use crate::journal::Domain;
use crate::ledger::{Ledger, LedgerError};
use crate::register::acts::RegisterAct;
use crate::tally::ResultsTree;

/// The chains ashyq exports, each verified by its own domain's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainKind {
    /// The public log: territory, referendums, elections, keys, mandates.
    Public,
    /// The consultation's log.
    Consultation,
    /// The register's audited acts.
    Register,
    /// The ballot board of the remote vote abroad.
    Ballots,
}

impl ChainKind {
    /// The chain an exported line is an entry of, when it is one.
    pub fn of_line(line: &str) -> Option<ChainKind> {
        fn is<E: DeserializeOwned>(line: &str) -> bool {
            serde_json::from_str::<Entry<E>>(line).is_ok()
        }
        if is::<Event>(line) {
            Some(ChainKind::Public)
        } else if is::<ConsultEvent>(line) {
            Some(ChainKind::Consultation)
        } else if is::<RegisterAct>(line) {
            Some(ChainKind::Register)
        } else if is::<crate::ballots::board::BoardEvent>(line) {
            Some(ChainKind::Ballots)
        } else {
            None
        }
    }

    /// The chain's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            ChainKind::Public => "public",
            ChainKind::Consultation => "consultation",
            ChainKind::Register => "register",
            ChainKind::Ballots => "ballots",
        }
    }
}

/// Why a log does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError<E: std::error::Error + 'static = LedgerError> {
    /// A line is not a log entry.
    #[error(
        "line {line}: not a log entry ({detail}); the file must hold one JSON log entry per line, as written by `ashyq export --log`"
    )]
    Malformed {
        /// 1-based line number.
        line: u64,
        /// What the parser said.
        detail: String,
    },
    /// An entry fails a check.
    #[error("line {line}, entry {seq} ({kind}): {reason}")]
    BadEntry {
        /// 1-based line number.
        line: u64,
        /// The entry's sequence number as written.
        seq: u64,
        /// The event kind.
        kind: &'static str,
        /// What is wrong.
        reason: E,
    },
    /// No entries at all.
    #[error("the log holds no entries")]
    Empty,
}

/// What a verified log establishes.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// Entries checked.
    pub entries: u64,
    /// Hash of the last entry: the whole log's fingerprint.
    pub head: LogHash,
    /// Every referendum's result, re-derived from the events.
    pub results: Vec<ResultsTree>,
    /// The replayed ledger, for further questions.
    pub ledger: Ledger,
}

/// Feeds a log of the chain of `D` line by line (so a caller can stream a large file and show
/// progress). [`Verifier`] is the public log's.
#[derive(Debug, Default)]
pub struct ChainVerifier<D> {
    state: D,
    line: u64,
}

/// The verifier of the public log.
pub type Verifier = ChainVerifier<Ledger>;

impl<D: Domain> ChainVerifier<D> {
    /// A verifier at the start of a log.
    pub fn new() -> Self {
        ChainVerifier {
            state: D::default(),
            line: 0,
        }
    }

    /// Checks the next line. Blank lines are allowed only at the end (they are skipped).
    pub fn feed(&mut self, text: &str) -> Result<(), VerifyError<D::Error>> {
        self.line += 1;
        if text.trim().is_empty() {
            return Ok(());
        }
        let entry: Entry<D::Event> =
            serde_json::from_str(text).map_err(|e| VerifyError::Malformed {
                line: self.line,
                detail: e.to_string(),
            })?;
        self.state
            .apply(&entry)
            .map_err(|reason| VerifyError::BadEntry {
                line: self.line,
                seq: entry.seq,
                kind: entry.event.kind(),
                reason,
            })
    }

    /// Sequence number and hash of the last entry checked so far.
    pub fn head(&self) -> Option<(u64, &LogHash)> {
        self.state.head()
    }

    /// Ends the log: its length, its head and the replayed state.
    pub fn finish_chain(self) -> Result<(u64, LogHash, D), VerifyError<D::Error>> {
        let Some((entries, head)) = self.state.head() else {
            return Err(VerifyError::Empty);
        };
        let head = head.clone();
        Ok((entries, head, self.state))
    }
}

impl ChainVerifier<Ledger> {
    /// Ends the public log and reports what it establishes: every referendum's result.
    pub fn finish(self) -> Result<VerifyReport, VerifyError> {
        let line = self.line;
        let (entries, head, ledger) = self.finish_chain()?;
        let results = ledger
            .referendums()
            .map(|r| ledger.results(&r.definition.id))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|reason| VerifyError::BadEntry {
                line,
                seq: entries,
                kind: "end of log",
                reason,
            })?;
        Ok(VerifyReport {
            entries,
            head,
            results,
            ledger,
        })
    }
}

/// Verifies a whole log held in memory.
pub fn verify_log(text: &str) -> Result<VerifyReport, VerifyError> {
    let mut v = Verifier::new();
    for line in text.lines() {
        v.feed(line)?;
    }
    v.finish()
}

/// Compares a published result (e.g. a `results.json` export) with the re-derived one and
/// names every figure that differs. Empty when they agree.
pub fn compare_results(derived: &ResultsTree, published: &ResultsTree) -> Vec<String> {
    let mut out = Vec::new();
    if derived.referendum != published.referendum {
        out.push(format!(
            "published result is for {}, the log's for {}",
            published.referendum, derived.referendum
        ));
        return out;
    }
    let d_regions: Vec<_> = derived
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.totals))
        .collect();
    let p_regions: Vec<_> = published
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.totals))
        .collect();
    if let Some(d) = crate::ledger::first_difference(
        &published.national,
        &derived.national,
        &p_regions,
        &d_regions,
    ) {
        out.push(d);
    }
    for (p, d) in published.regions.iter().zip(&derived.regions) {
        for (pd, dd) in p.districts.iter().zip(&d.districts) {
            if pd.id != dd.id || pd.totals != dd.totals {
                out.push(format!(
                    "district {} differs from the re-derived district {}",
                    pd.id, dd.id
                ));
            }
        }
    }
    if published.outcome != derived.outcome {
        out.push(format!(
            "outcome: published \"{}; {}\", derived \"{}; {}\"",
            published.outcome.validity_reason,
            published.outcome.adoption_reason,
            derived.outcome.validity_reason,
            derived.outcome.adoption_reason
        ));
    }
    if published.status != derived.status {
        out.push(format!(
            "status: published {:?}, derived {:?}",
            published.status, derived.status
        ));
    }
    out
}

/// The re-derived result of one referendum in a report.
pub fn result_of<'a>(report: &'a VerifyReport, id: &ContestId) -> Option<&'a ResultsTree> {
    report.results.iter().find(|r| &r.referendum == id)
}
