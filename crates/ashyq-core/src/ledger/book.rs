//! The protocol book of one contest: which protocol each precinct has applied, the open
//! conflicts and every precinct's history. Generic over the kind of protocol, so that a
//! referendum protocol and a party-list protocol are submitted, amended, reviewed and receipted
//! by exactly the same rules.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::author::Author;
use crate::chain::LogHash;
use crate::contest::ContestProtocol;
use crate::event::{Event, LogEntry};
use crate::protocol::{PrecinctProtocol, Violation};
use crate::receipt::{Receipt, ReceiptStatus};
use crate::signed::ProtocolSignature;
use crate::territory::{PrecinctId, Territory};

use super::LedgerError;

/// A protocol applied to the tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedProtocol<P = PrecinctProtocol> {
    /// The protocol.
    pub protocol: P,
    /// Its content hash.
    pub protocol_hash: String,
    /// Control-ratio warnings.
    pub warnings: Vec<Violation>,
    /// The receipt it got.
    pub receipt: Receipt,
}

/// One step in a precinct's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryItem<P = PrecinctProtocol> {
    /// Log sequence number.
    pub seq: u64,
    /// Log entry hash.
    pub entry_hash: LogHash,
    /// When.
    pub recorded_at: String,
    /// The event kind, e.g. `protocol_accepted`, `protocol_conflict`, `protocol_amended`,
    /// `conflict_dismissed`.
    pub kind: String,
    /// The protocol concerned.
    pub protocol_hash: String,
    /// The numbers, for accepted, conflicting and amended protocols.
    pub protocol: Option<P>,
    /// The reason, for amendments and dismissals.
    pub reason: Option<String>,
    /// The author, for amendments and dismissals.
    pub author: Option<Author>,
    /// The precinct commission's signature, when the protocol came as a signed document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ProtocolSignature>,
    /// The operator who entered the numbers, when the protocol came through the entry form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<Author>,
}

/// A conflict awaiting review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenConflict<P = PrecinctProtocol> {
    /// The protocol that arrived and was not applied.
    pub protocol: P,
    /// The receipt it got.
    pub receipt: Receipt,
}

/// What a submitted protocol does to the book.
// A step lives for one call; boxing the receipt would cost an allocation per protocol.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitStep {
    /// The precinct has not reported: accept it.
    Accept,
    /// Recorded before (applied, or an open conflict): here is its receipt.
    Known(Receipt),
    /// The precinct reported other numbers: a conflict with the applied protocol's hash.
    Conflict {
        /// The hash of the protocol currently applied.
        applied_hash: String,
    },
}

/// The protocols of one contest, indexed by the precinct's place in the territory.
#[derive(Debug, Clone)]
pub struct ProtocolBook<P = PrecinctProtocol> {
    applied: Vec<Option<AppliedProtocol<P>>>,
    history: HashMap<PrecinctId, Vec<HistoryItem<P>>>,
    conflicts: BTreeMap<PrecinctId, Vec<OpenConflict<P>>>,
}

impl<P: ContestProtocol> ProtocolBook<P> {
    /// An empty book for a territory of `precincts` precincts.
    pub fn new(precincts: usize) -> Self {
        ProtocolBook {
            applied: vec![None; precincts],
            history: HashMap::new(),
            conflicts: BTreeMap::new(),
        }
    }

    // ---- decisions -------------------------------------------------------------------------

    /// Decides what a protocol with `protocol_hash` for the precinct at place `i` does.
    pub fn submit_step(&self, i: usize, precinct: PrecinctId, protocol_hash: &str) -> SubmitStep {
        match &self.applied[i] {
            None => SubmitStep::Accept,
            Some(applied) if applied.protocol_hash == protocol_hash => {
                SubmitStep::Known(applied.receipt.clone())
            }
            Some(applied) => {
                let open = self.conflicts.get(&precinct).into_iter().flatten();
                match open
                    .into_iter()
                    .find(|c| c.receipt.protocol_hash == protocol_hash)
                {
                    Some(c) => SubmitStep::Known(c.receipt.clone()),
                    None => SubmitStep::Conflict {
                        applied_hash: applied.protocol_hash.clone(),
                    },
                }
            }
        }
    }

    /// Decides an amendment: the hash of the protocol it replaces.
    pub fn amend_step(
        &self,
        i: usize,
        precinct: PrecinctId,
        protocol_hash: &str,
    ) -> Result<String, LedgerError> {
        let Some(applied) = &self.applied[i] else {
            return Err(LedgerError::NothingToAmend(precinct));
        };
        if protocol_hash == applied.protocol_hash {
            return Err(LedgerError::IdenticalAmendment(precinct));
        }
        Ok(applied.protocol_hash.clone())
    }

    /// Checks that a conflict with `protocol_hash` is open at `precinct`.
    pub fn dismiss_step(
        &self,
        precinct: PrecinctId,
        protocol_hash: &str,
    ) -> Result<(), LedgerError> {
        let open = self.conflicts.get(&precinct).into_iter().flatten();
        if open
            .into_iter()
            .any(|c| c.receipt.protocol_hash == protocol_hash)
        {
            Ok(())
        } else {
            Err(LedgerError::NoSuchConflict {
                precinct,
                protocol_hash: protocol_hash.to_owned(),
            })
        }
    }

    // ---- changes ---------------------------------------------------------------------------

    /// Applies an accepted protocol at place `i`, or with `amendment` (its reason and author)
    /// an amending one, which settles every open conflict of the precinct.
    pub fn apply(
        &mut self,
        i: usize,
        entry: &LogEntry,
        protocol: &P,
        protocol_hash: &str,
        warnings: &[Violation],
        amendment: Option<(&str, &Author)>,
    ) {
        let precinct = protocol.precinct();
        let status = match amendment {
            Some(_) => ReceiptStatus::Amended,
            None => ReceiptStatus::Accepted,
        };
        self.applied[i] = Some(AppliedProtocol {
            protocol: protocol.clone(),
            protocol_hash: protocol_hash.to_owned(),
            warnings: warnings.to_vec(),
            receipt: receipt(entry, status, protocol, protocol_hash, warnings),
        });
        if status == ReceiptStatus::Amended {
            self.conflicts.remove(&precinct);
        }
        self.push_history(entry, precinct, protocol_hash, Some(protocol), amendment);
    }

    /// Records a conflict: the protocol is kept for review, not applied.
    pub fn conflict(&mut self, entry: &LogEntry, protocol: &P, protocol_hash: &str) {
        let precinct = protocol.precinct();
        self.conflicts
            .entry(precinct)
            .or_default()
            .push(OpenConflict {
                protocol: protocol.clone(),
                receipt: receipt(entry, ReceiptStatus::Conflict, protocol, protocol_hash, &[]),
            });
        self.push_history(entry, precinct, protocol_hash, Some(protocol), None);
    }

    /// Dismisses an open conflict: the applied protocol stands.
    pub fn dismiss(
        &mut self,
        entry: &LogEntry,
        precinct: PrecinctId,
        protocol_hash: &str,
        reason: &str,
        author: &Author,
    ) {
        if let Some(open) = self.conflicts.get_mut(&precinct) {
            open.retain(|c| c.receipt.protocol_hash != protocol_hash);
            if open.is_empty() {
                self.conflicts.remove(&precinct);
            }
        }
        self.push_history(entry, precinct, protocol_hash, None, Some((reason, author)));
    }

    fn push_history(
        &mut self,
        entry: &LogEntry,
        precinct: PrecinctId,
        protocol_hash: &str,
        protocol: Option<&P>,
        review: Option<(&str, &Author)>,
    ) {
        self.history.entry(precinct).or_default().push(HistoryItem {
            seq: entry.seq,
            entry_hash: entry.hash.clone(),
            recorded_at: entry.recorded_at.clone(),
            kind: entry.event.kind().to_owned(),
            protocol_hash: protocol_hash.to_owned(),
            protocol: protocol.cloned(),
            reason: review.map(|(r, _)| r.to_owned()),
            author: review.map(|(_, a)| a.clone()),
            signature: signature_of(&entry.event).cloned(),
            entered_by: entered_by(&entry.event).cloned(),
        });
    }

    // ---- queries ---------------------------------------------------------------------------

    /// The protocol applied at place `i`.
    pub fn applied(&self, i: usize) -> Option<&AppliedProtocol<P>> {
        self.applied.get(i).and_then(Option::as_ref)
    }

    /// Every place, in territory order: the protocol applied there, if any.
    pub fn places(&self) -> &[Option<AppliedProtocol<P>>] {
        &self.applied
    }

    /// Every applied protocol, in territory order.
    pub fn all_applied(&self) -> impl Iterator<Item = &AppliedProtocol<P>> {
        self.applied.iter().flatten()
    }

    /// A precinct's history, oldest first.
    pub fn history(&self, precinct: PrecinctId) -> &[HistoryItem<P>] {
        self.history
            .get(&precinct)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Open conflicts, by precinct.
    pub fn open_conflicts(&self) -> impl Iterator<Item = &OpenConflict<P>> {
        self.conflicts.values().flatten()
    }

    /// Number of open conflicts.
    pub fn open_conflict_count(&self) -> u64 {
        self.conflicts.values().map(|v| v.len() as u64).sum()
    }

    /// Number of precincts with an applied protocol.
    pub fn reported(&self) -> usize {
        self.applied.iter().filter(|a| a.is_some()).count()
    }

    /// Precincts that have not reported, in territory order.
    pub fn missing(&self, territory: &Territory) -> Vec<PrecinctId> {
        territory
            .precincts
            .iter()
            .zip(&self.applied)
            .filter(|(_, a)| a.is_none())
            .map(|(p, _)| p.id)
            .collect()
    }

    /// The receipt of the protocol event recorded at `seq` for the precinct at place `i`, if
    /// its protocol is still applied or open.
    pub fn receipt_at(&self, i: usize, precinct: PrecinctId, seq: u64) -> Option<Receipt> {
        if let Some(a) = self
            .applied
            .get(i)?
            .as_ref()
            .filter(|a| a.receipt.seq == seq)
        {
            return Some(a.receipt.clone());
        }
        self.conflicts
            .get(&precinct)?
            .iter()
            .find(|c| c.receipt.seq == seq)
            .map(|c| c.receipt.clone())
    }
}

fn receipt<P: ContestProtocol>(
    entry: &LogEntry,
    status: ReceiptStatus,
    protocol: &P,
    protocol_hash: &str,
    warnings: &[Violation],
) -> Receipt {
    Receipt {
        status,
        referendum: protocol.contest().clone(),
        precinct: protocol.precinct(),
        protocol_hash: protocol_hash.to_owned(),
        seq: entry.seq,
        entry_hash: entry.hash.clone(),
        warnings: warnings.to_vec(),
        signature: signature_of(&entry.event).cloned(),
    }
}

/// The operator who entered an entry's protocol, if it came through the entry form.
fn entered_by(event: &Event) -> Option<&Author> {
    match event {
        Event::ProtocolAccepted { entered_by, .. } | Event::ProtocolConflict { entered_by, .. } => {
            entered_by.as_ref()
        }
        Event::President(e) => e.entered_by(),
        _ => None,
    }
}

/// The commission's signature an entry's protocol event carries, if any.
fn signature_of(event: &Event) -> Option<&ProtocolSignature> {
    match event {
        Event::ProtocolAccepted { signature, .. }
        | Event::ProtocolConflict { signature, .. }
        | Event::ProtocolAmended { signature, .. } => signature.as_ref(),
        Event::President(e) => e.signature(),
        _ => None,
    }
}
