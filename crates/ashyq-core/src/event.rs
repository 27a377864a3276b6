//! The append-only event log.
//!
//! Every change of state is an [`Event`]. Each is wrapped in a [`LogEntry`] that carries its
//! sequence number, the time it was recorded, the SHA-256 of the previous entry and its own
//! SHA-256, forming a hash chain: changing, dropping or reordering any entry changes every hash
//! after it.
//!
//! ## Hash of an entry
//! `hash = SHA-256(canonical JSON of {"seq", "prev", "recorded_at", "event"})`, hex encoded,
//! where the canonical JSON is serde_json's compact encoding with fields in declaration order
//! (no maps with unordered keys occur in events). The first entry's `prev` is 64 zeros.
//! The exported JSON Lines file holds one [`LogEntry`] per line in exactly this encoding plus
//! the `hash` field, so a verifier re-derives every hash from the file alone.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use chrono::NaiveDate;

use crate::election::{Deputy, ElectionDefinition, ElectionTotals, PartyListProtocol};
use crate::keys::KeyEvent;
use crate::party::list::{MandateEnd, RegisteredList, Withdrawal};
use crate::party::{PartyRules, RegisteredParty};
use crate::protocol::{PrecinctProtocol, Violation};
use crate::referendum::{ReferendumDefinition, ReferendumId};
use crate::seats::{SeatAllocation, TieSeed};
use crate::signed::ProtocolSignature;
use crate::tally::{Outcome, Totals};
use crate::territory::{PrecinctId, RegionCode, Territory};

/// A SHA-256 digest, hex encoded (64 lowercase hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogHash(pub String);

impl LogHash {
    /// The `prev` of the first entry.
    pub fn genesis() -> Self {
        LogHash("0".repeat(64))
    }
}

impl fmt::Display for LogHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who did something: an operator account or a named person and their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    /// Name or account.
    pub name: String,
    /// Role, e.g. "central commission operator".
    pub role: String,
}

/// The receipt a commission gets for a protocol: what was recorded and where in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// What happened to the protocol.
    pub status: ReceiptStatus,
    /// The referendum.
    pub referendum: ReferendumId,
    /// The precinct.
    pub precinct: PrecinctId,
    /// [`PrecinctProtocol::content_hash`] of the submitted protocol.
    pub protocol_hash: String,
    /// Sequence number of the log entry that recorded it.
    pub seq: u64,
    /// Hash of that log entry.
    pub entry_hash: LogHash,
    /// Warnings raised by the control ratios.
    pub warnings: Vec<Violation>,
    /// The commission's signature, when the protocol came as a signed document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ProtocolSignature>,
}

/// What happened to a submitted protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReceiptStatus {
    /// Applied to the tally.
    Accepted,
    /// Applied, replacing an earlier protocol, through an explicit amendment.
    Amended,
    /// Not applied: the precinct had already reported different numbers. Awaits review.
    Conflict,
}

/// A change of state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The territory was loaded. Fixed once a referendum is defined.
    TerritoryLoaded {
        /// The whole territory.
        territory: Territory,
    },
    /// A referendum was defined.
    ReferendumCreated {
        /// Its definition.
        definition: ReferendumDefinition,
    },
    /// A precinct's first protocol was accepted and applied to the tally.
    ProtocolAccepted {
        /// The protocol.
        protocol: PrecinctProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// Control-ratio warnings, flagged for review.
        warnings: Vec<Violation>,
        /// The precinct commission's signature, when it came as a signed document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<ProtocolSignature>,
        /// The operator who entered the numbers from the paper protocol, when it came through
        /// the commission portal's entry form rather than as a signed document. Absent in
        /// older logs, which therefore hash as they did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entered_by: Option<Author>,
    },
    /// A different protocol arrived for a precinct that had already reported. Not applied.
    ProtocolConflict {
        /// The protocol that arrived.
        protocol: PrecinctProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// The hash of the protocol currently applied.
        applied_hash: String,
        /// The precinct commission's signature, when it came as a signed document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<ProtocolSignature>,
        /// The operator who entered the numbers (see `ProtocolAccepted::entered_by`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entered_by: Option<Author>,
    },
    /// A precinct's protocol was replaced by an explicit amendment. Resolves open conflicts.
    ProtocolAmended {
        /// The new protocol.
        protocol: PrecinctProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// The hash of the protocol it replaces.
        replaces_hash: String,
        /// Why.
        reason: String,
        /// Who.
        author: Author,
        /// Control-ratio warnings of the new protocol.
        warnings: Vec<Violation>,
        /// The precinct commission's signature, when the amendment applies a signed document
        /// (an operator accepting a corrected version the commission sent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<ProtocolSignature>,
    },
    /// An open conflict was dismissed: the applied protocol stands.
    ConflictDismissed {
        /// The referendum.
        referendum: ReferendumId,
        /// The precinct.
        precinct: PrecinctId,
        /// The hash of the dismissed protocol.
        protocol_hash: String,
        /// Why.
        reason: String,
        /// Who.
        author: Author,
    },
    /// The result was certified and locked. Carries the published figures, which a verifier
    /// re-derives from the protocols.
    ResultCertified {
        /// The referendum.
        referendum: ReferendumId,
        /// Who certified it.
        author: Author,
        /// National totals.
        national: Totals,
        /// Totals of each first-level unit, abroad included, in territory order.
        regions: Vec<(RegionCode, Totals)>,
        /// The outcome with its reasons.
        outcome: Outcome,
    },
    /// The rules of party registration changed (minimum membership, members' age).
    PartyRulesSet {
        /// The rules from now on.
        rules: PartyRules,
        /// Who.
        author: Author,
    },
    /// A party was registered. Its members appear only as keyed digests.
    PartyRegistered {
        /// The party as the public record holds it.
        party: RegisteredParty,
    },
    /// A party-list election was defined, with the commitment to its tie-break seed.
    ElectionCreated {
        /// Its definition.
        definition: ElectionDefinition,
    },
    /// A party's candidate list was registered for an election; it takes the next ballot line.
    CandidateListRegistered {
        /// The election.
        election: ReferendumId,
        /// The list, IINs masked and digested.
        list: RegisteredList,
    },
    /// A candidate withdrew or was recalled.
    CandidateWithdrawn {
        /// The election.
        election: ReferendumId,
        /// The withdrawal.
        withdrawal: Withdrawal,
    },
    /// A precinct's first party-list protocol was accepted and applied.
    PartyListAccepted {
        /// The protocol.
        protocol: PartyListProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// Control-ratio warnings.
        warnings: Vec<Violation>,
    },
    /// A different party-list protocol arrived for a precinct that had reported. Not applied.
    PartyListConflict {
        /// The protocol that arrived.
        protocol: PartyListProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// The hash of the protocol currently applied.
        applied_hash: String,
    },
    /// A precinct's party-list protocol was replaced by an explicit amendment.
    PartyListAmended {
        /// The new protocol.
        protocol: PartyListProtocol,
        /// Its content hash.
        protocol_hash: String,
        /// The hash of the protocol it replaces.
        replaces_hash: String,
        /// Why.
        reason: String,
        /// Who.
        author: Author,
        /// Control-ratio warnings of the new protocol.
        warnings: Vec<Violation>,
    },
    /// The seats were allocated and the first deputies named; the result is locked. Carries
    /// the revealed tie seed and the figures, which a verifier re-derives.
    SeatsAllocated {
        /// The election.
        election: ReferendumId,
        /// Who.
        author: Author,
        /// The tie seed, whose SHA-256 the election published before the count.
        seed: TieSeed,
        /// National totals.
        national: ElectionTotals,
        /// The allocation, ties and draws included.
        allocation: SeatAllocation,
        /// The candidates who take the seats, party by party in ballot order.
        deputies: Vec<Deputy>,
        /// Seats left empty because a list ran out of candidates: `(party, seats)`.
        vacant: Vec<(String, u32)>,
    },
    /// A commission's key was registered, rotated or revoked by a higher commission.
    CommissionKey {
        /// The change.
        change: KeyEvent,
    },
    /// A mandate ended (or an elected candidate refused it); the seat passes to the next
    /// standing candidate of the same list, unless the party ceased to exist or the list ran out.
    MandateEnded {
        /// The election.
        election: ReferendumId,
        /// The deputy.
        deputy: Deputy,
        /// Why.
        ground: MandateEnd,
        /// The date.
        on: NaiveDate,
        /// Who recorded it.
        author: Author,
        /// Who takes the seat, if anyone.
        successor: Option<Deputy>,
    },
}

impl Event {
    /// The `type` tag, e.g. `protocol_accepted`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::TerritoryLoaded { .. } => "territory_loaded",
            Event::ReferendumCreated { .. } => "referendum_created",
            Event::ProtocolAccepted { .. } => "protocol_accepted",
            Event::ProtocolConflict { .. } => "protocol_conflict",
            Event::ProtocolAmended { .. } => "protocol_amended",
            Event::ConflictDismissed { .. } => "conflict_dismissed",
            Event::ResultCertified { .. } => "result_certified",
            Event::PartyRulesSet { .. } => "party_rules_set",
            Event::PartyRegistered { .. } => "party_registered",
            Event::ElectionCreated { .. } => "election_created",
            Event::CandidateListRegistered { .. } => "candidate_list_registered",
            Event::CandidateWithdrawn { .. } => "candidate_withdrawn",
            Event::PartyListAccepted { .. } => "party_list_accepted",
            Event::PartyListConflict { .. } => "party_list_conflict",
            Event::PartyListAmended { .. } => "party_list_amended",
            Event::SeatsAllocated { .. } => "seats_allocated",
            Event::MandateEnded { .. } => "mandate_ended",
            Event::CommissionKey { change } => match change {
                KeyEvent::KeyRegistered(_) => "key_registered",
                KeyEvent::KeyRotated(_) => "key_rotated",
                KeyEvent::KeyRevoked(_) => "key_revoked",
            },
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// 1, 2, 3, … without gaps.
    pub seq: u64,
    /// Hash of the previous entry ([`LogHash::genesis`] for the first).
    pub prev: LogHash,
    /// When it was recorded, RFC 3339 in UTC.
    pub recorded_at: String,
    /// What happened.
    pub event: Event,
    /// This entry's hash.
    pub hash: LogHash,
}

/// The hashed part of an entry, in canonical field order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    prev: &'a LogHash,
    recorded_at: &'a str,
    event: &'a Event,
}

impl LogEntry {
    /// Seals an event as the entry after `prev` (sequence `seq`).
    pub fn seal(seq: u64, prev: LogHash, recorded_at: String, event: Event) -> Self {
        let hash = entry_hash(seq, &prev, &recorded_at, &event);
        LogEntry {
            seq,
            prev,
            recorded_at,
            event,
            hash,
        }
    }

    /// Recomputes this entry's hash from its content.
    pub fn computed_hash(&self) -> LogHash {
        entry_hash(self.seq, &self.prev, &self.recorded_at, &self.event)
    }

    /// The entry as one line of JSON (no trailing newline), as written to an export.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a log entry always serializes")
    }
}

fn entry_hash(seq: u64, prev: &LogHash, recorded_at: &str, event: &Event) -> LogHash {
    let bytes = serde_json::to_vec(&Hashed {
        seq,
        prev,
        recorded_at,
        event,
    })
    .expect("a log entry always serializes");
    LogHash(sha256_hex(&bytes))
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut out = [0u8; 64];
    // `encode_to_slice` writes into a buffer; `hex::encode` goes char by char through an
    // iterator, which showed up in the ingest profile.
    hex::encode_to_slice(Sha256::digest(bytes), &mut out).expect("64 hex digits for 32 bytes");
    String::from_utf8(out.to_vec()).expect("hex digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field() {
        let ev = Event::ConflictDismissed {
            referendum: ReferendumId("kz-2026".into()),
            precinct: PrecinctId(1),
            protocol_hash: "ab".into(),
            reason: "typo".into(),
            author: Author {
                name: "op".into(),
                role: "cec".into(),
            },
        };
        let e = LogEntry::seal(
            1,
            LogHash::genesis(),
            "2026-03-15T15:00:00Z".into(),
            ev.clone(),
        );
        assert_eq!(e.computed_hash(), e.hash);
        let other = LogEntry::seal(2, LogHash::genesis(), e.recorded_at.clone(), ev.clone());
        assert_ne!(other.hash, e.hash);
        let other = LogEntry::seal(1, e.hash.clone(), e.recorded_at.clone(), ev.clone());
        assert_ne!(other.hash, e.hash);
        let back: LogEntry = serde_json::from_str(&e.to_json_line()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.computed_hash(), e.hash);
    }
}
