//! The events of the public log: one sum type over every domain that records into it
//! (territory, referendums, parties and party-list elections, commission keys, mandates).
//!
//! This module sits *above* the domains: it gathers their event data into [`Event`], and no
//! domain module imports it. The chain itself — entries, sealing, hashes — is the leaf module
//! [`crate::chain`]; a [`LogEntry`] is a chain entry of an [`Event`].

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::audit::record::AuditEvent;
use crate::author::Author;
use crate::chain::{ChainEvent, Entry};
use crate::contest::ContestId;
use crate::election::{Deputy, ElectionDefinition, ElectionTotals, PartyListProtocol};
use crate::keys::KeyEvent;
use crate::kurultai::KurultaiEvent;
use crate::party::list::{MandateEnd, RegisteredList, Withdrawal};
use crate::party::{PartyRules, RegisteredParty};
use crate::president::PresidentEvent;
use crate::protocol::{PrecinctProtocol, Violation};
use crate::referendum::ReferendumDefinition;
use crate::seats::{SeatAllocation, TieSeed};
use crate::signed::ProtocolSignature;
use crate::tally::{Outcome, Totals};
use crate::territory::{PrecinctId, RegionCode, Territory};

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
        referendum: ContestId,
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
        referendum: ContestId,
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
        election: ContestId,
        /// The list, IINs masked and digested.
        list: RegisteredList,
    },
    /// A candidate withdrew or was recalled.
    CandidateWithdrawn {
        /// The election.
        election: ContestId,
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
        election: ContestId,
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
        election: ContestId,
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
    /// An event of a presidential election (`{"type":"president","event":…}`).
    President(PresidentEvent),
    /// A risk-limiting audit's act (`{"type":"audit","event":…}`).
    Audit(AuditEvent),
    /// A step of the Kurultai, the People's Council or the vice-presidency
    /// (`{"type":"kurultai","event":"reading_voted",…}`).
    Kurultai(KurultaiEvent),
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
            Event::President(e) => e.kind(),
            Event::Audit(e) => e.kind(),
            Event::Kurultai(e) => e.kind(),
            Event::CommissionKey { change } => match change {
                KeyEvent::KeyRegistered(_) => "key_registered",
                KeyEvent::KeyRotated(_) => "key_rotated",
                KeyEvent::KeyRevoked(_) => "key_revoked",
            },
        }
    }
}

/// One line of the public log.
pub type LogEntry = Entry<Event>;

impl ChainEvent for Event {
    fn kind(&self) -> &'static str {
        Event::kind(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::LogHash;

    #[test]
    fn the_hash_covers_every_field() {
        let ev = Event::ConflictDismissed {
            referendum: ContestId("kz-2026".into()),
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
